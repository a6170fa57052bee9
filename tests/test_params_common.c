/* tests/test_params_common.c -- helpers shared by the tests of params/ (test_params_*.c):
 * scratch files under $RELSIM_TEST_TMP and a bit-for-bit comparison of two parameter sets.
 * Each test file declares the prototypes it uses (see test_params_common_prototypes). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"

/* Prototypes, repeated in each test file that uses them. */
void tp_path(const char *name, char *out, size_t n);
int tp_write(const char *name, const char *text, char *path, size_t n);
int tp_params_differ(const rs_params *a, const rs_params *b, char *why, size_t n);
char *tp_read(const char *path);

/* out = $RELSIM_TEST_TMP/params/NAME (the directory is created). */
void tp_path(const char *name, char *out, size_t n) {
  const char *tmp = getenv("RELSIM_TEST_TMP");
  char dir[RS_PATH_MAX];
  snprintf(dir, sizeof dir, "%s/params", tmp && tmp[0] ? tmp : "/tmp/relsim-test");
  rs_error err;
  if (rs_mkdir_p(dir, &err) != RS_OK) fprintf(stderr, "%s\n", err.msg);
  rs_path_join(dir, name, out, n);
}

/* Write text to the scratch file NAME; its path goes to path. Returns 0 on success. */
int tp_write(const char *name, const char *text, char *path, size_t n) {
  rs_error err;
  tp_path(name, path, n);
  if (rs_write_file(path, text, &err) != RS_OK) {
    fprintf(stderr, "%s\n", err.msg);
    return -1;
  }
  return 0;
}

/* The whole file at path (malloc'd, NUL-terminated), or NULL. */
char *tp_read(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  char *text = NULL;
  if (fseek(fp, 0, SEEK_END) == 0) {
    long len = ftell(fp);
    if (len >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
      text = malloc((size_t)len + 1);
      if (text && fread(text, 1, (size_t)len, fp) == (size_t)len) {
        text[len] = '\0';
      } else {
        free(text);
        text = NULL;
      }
    }
  }
  fclose(fp);
  return text;
}

static int bits_differ(double x, double y) {
  return memcmp(&x, &y, sizeof x) != 0;
}

/* 0 if a and b are equal bit for bit (scalars, tables, events), else 1 with the first
 * difference described in why. */
int tp_params_differ(const rs_params *a, const rs_params *b, char *why, size_t n) {
  for (int i = 0; i < RS_NPARAM; i++)
    if (bits_differ(a->v[i], b->v[i])) {
      snprintf(why, n, "setting %s: %.17g vs %.17g", rs_param_info_get(i)->name, a->v[i], b->v[i]);
      return 1;
    }
  for (int k = 0; k < RS_NTABLE; k++) {
    const rs_table *ta = &a->tables[k], *tb = &b->tables[k];
    if (ta->n != tb->n) {
      snprintf(why, n, "table %s: %d vs %d points", rs_table_info_get(k)->name, ta->n, tb->n);
      return 1;
    }
    for (int j = 0; j < ta->n; j++)
      if (bits_differ(ta->t[j], tb->t[j]) || bits_differ(ta->v[j], tb->v[j])) {
        snprintf(why, n, "table %s point %d: [%.17g, %.17g] vs [%.17g, %.17g]",
                 rs_table_info_get(k)->name, j + 1, ta->t[j], ta->v[j], tb->t[j], tb->v[j]);
        return 1;
      }
  }
  if (a->nevents != b->nevents) {
    snprintf(why, n, "%d vs %d events", a->nevents, b->nevents);
    return 1;
  }
  for (int e = 0; e < a->nevents; e++) {
    const rs_event *x = &a->events[e], *y = &b->events[e];
    if (strcmp(x->name, y->name) != 0 || x->enabled != y->enabled || x->shape != y->shape ||
        x->channel != y->channel || bits_differ(x->start, y->start) ||
        (bits_differ(x->end, y->end) && !(isnan(x->end) && isnan(y->end))) ||
        bits_differ(x->magnitude, y->magnitude)) {
      snprintf(why, n, "event %d: %s/%s", e + 1, x->name, y->name);
      return 1;
    }
  }
  why[0] = '\0';
  return 0;
}
