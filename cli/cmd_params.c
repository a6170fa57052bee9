/* cli/cmd_params.c -- `relsim params`: the parameter registry as a table, as Markdown (the
 * source of docs/parameters.md) or as a complete parameter file of the defaults. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char params_usage[] =
    "Usage: relsim params [--format text|markdown|cfg] [NAME...]\n"
    "\n"
    "List the parameter registry: every setting a parameter file may hold, with its units,\n"
    "default (the starting value of the calibration), bounds, meaning and source, then the\n"
    "time tables, the event channels and the default events. With NAMEs, only the parameters\n"
    "whose names contain one of them (e.g. relsim params ties).\n"
    "\n"
    "  --format text      aligned table for the terminal (default)\n"
    "  --format markdown  the tables of docs/parameters.md\n"
    "  --format cfg       a complete parameter file with the defaults\n"
    "  -h, --help         this text\n";

static void value_text(int id, double x, char *buf, size_t n) {
  const rs_param_info *pi = rs_param_info_get(id);
  if (pi->type == RS_T_ENUM)
    rs_param_enum_word(id, (int)x, buf, n);
  else
    snprintf(buf, n, "%g", x);
}

static int selected(const char *name, char **names, int nnames) {
  if (nnames == 0) return 1;
  for (int i = 0; i < nnames; i++)
    if (strstr(name, names[i])) return 1;
  return 0;
}

static void print_text(char **names, int nnames) {
  printf("%-24s %-22s %-10s %-10s %-10s %s\n", "name", "units", "default", "lower", "upper",
         "meaning");
  for (int id = 0; id < RS_NPARAM; id++) {
    const rs_param_info *pi = rs_param_info_get(id);
    if (!selected(pi->name, names, nnames)) continue;
    char d[32], lo[32], hi[32];
    value_text(id, pi->def, d, sizeof d);
    value_text(id, pi->lower, lo, sizeof lo);
    value_text(id, pi->upper, hi, sizeof hi);
    printf("%-24s %-22s %-10s %-10s %-10s %s\n", pi->name, pi->type == RS_T_ENUM ? "" : pi->units,
           d, lo, hi, pi->meaning);
  }
  if (nnames) return;
  printf("\ntime tables (year/value pairs, linear between, flat beyond the ends):\n");
  for (int k = 0; k < RS_NTABLE; k++) {
    const rs_table_info *ti = rs_table_info_get(k);
    printf("  tables.%-16s %-14s [%g, %g]  %s\n", ti->name, ti->units, ti->lower, ti->upper,
           ti->meaning);
  }
  printf("\nevent channels (where an event acts; magnitude bounds):\n");
  for (int c = 0; c < RS_NCHANNEL; c++) {
    const rs_channel_info *ci = rs_channel_info_get(c);
    printf("  %-14s %-14s [%g, %g]  %s\n", ci->name, ci->units, ci->lower, ci->upper, ci->meaning);
  }
  printf(
      "\nevent shapes: step (from start on), pulse [start, end), ramp (0 at start to the\n"
      "magnitude at end, held), smooth_pulse (sin^2 bump on [start, end])\n");
}

static void md_escape(const char *s) {
  for (; *s; s++) {
    if (*s == '|') fputc('\\', stdout);
    fputc(*s, stdout);
  }
}

static void print_markdown(void) {
  puts("| name | units | default | lower | upper | meaning | source |");
  puts("|---|---|---|---|---|---|---|");
  for (int id = 0; id < RS_NPARAM; id++) {
    const rs_param_info *pi = rs_param_info_get(id);
    char d[32], lo[32], hi[32];
    value_text(id, pi->def, d, sizeof d);
    value_text(id, pi->lower, lo, sizeof lo);
    value_text(id, pi->upper, hi, sizeof hi);
    printf("| `%s` | ", pi->name);
    md_escape(pi->type == RS_T_ENUM ? pi->units : pi->units);
    printf(" | %s | %s | %s | ", d, lo, hi);
    md_escape(pi->meaning);
    fputs(" | ", stdout);
    md_escape(pi->source);
    puts(" |");
  }
  puts(
      "\n### Time tables\n\n| table | units | lower | upper | meaning | source |\n"
      "|---|---|---|---|---|---|");
  for (int k = 0; k < RS_NTABLE; k++) {
    const rs_table_info *ti = rs_table_info_get(k);
    printf("| `tables.%s` | %s | %g | %g | %s | %s |\n", ti->name, ti->units, ti->lower, ti->upper,
           ti->meaning, ti->source);
  }
  puts(
      "\n### Event channels\n\n| channel | units | lower | upper | meaning "
      "|\n|---|---|---|---|---|");
  for (int c = 0; c < RS_NCHANNEL; c++) {
    const rs_channel_info *ci = rs_channel_info_get(c);
    printf("| `%s` | %s | %g | %g | %s |\n", ci->name, ci->units, ci->lower, ci->upper,
           ci->meaning);
  }
  rs_params p;
  rs_params_defaults(&p);
  puts(
      "\n### Default events\n\n| event | shape | channel | start | end | magnitude |\n"
      "|---|---|---|---|---|---|");
  for (int i = 0; i < p.nevents; i++) {
    const rs_event *ev = &p.events[i];
    char end[32] = "-";
    if (!isnan(ev->end)) snprintf(end, sizeof end, "%g", ev->end);
    printf("| `%s` | %s | %s | %g | %s | %g |\n", ev->name, rs_shape_name(ev->shape),
           rs_channel_info_get(ev->channel)->name, ev->start, end, ev->magnitude);
  }
}

int rs_cmd_params(int argc, char **argv) {
  const char *format = "text";
  char *names[64];
  int nnames = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      fputs(params_usage, stdout);
      return 0;
    } else if (rs_cli_is_opt(argv[i], "--format", NULL)) {
      if (!(format = rs_cli_optarg(argc, argv, &i, "--format"))) return 2;
    } else if (argv[i][0] == '-') {
      rs_cli_error("params: unknown option '%s' (see relsim params --help)", argv[i]);
      return 2;
    } else if (nnames < 64) {
      names[nnames++] = argv[i];
    }
  }
  if (strcmp(format, "text") == 0) {
    print_text(names, nnames);
  } else if (strcmp(format, "markdown") == 0) {
    print_markdown();
  } else if (strcmp(format, "cfg") == 0) {
    rs_params p;
    rs_params_defaults(&p);
    rs_error err;
    if (rs_params_write(stdout, &p, NULL, "relsim parameter defaults (relsim params --format cfg)",
                        &err) != RS_OK) {
      rs_cli_error("%s", err.msg);
      return 1;
    }
  } else {
    rs_cli_error("params: unknown format '%s' (text, markdown or cfg)", format);
    return 2;
  }
  return 0;
}
