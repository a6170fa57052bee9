/* cli/cmd_compare.c -- being written (placeholder so the tree links). */
#include "cli.h"
int rs_cmd_compare(int argc, char **argv) {
  (void)argc, (void)argv;
  return 2;
}
