/* output/output.c -- series.csv and manifest.cfg.
 * This file contains the writers (atomic, deterministic) and a CSV reader for series files. */
#define _POSIX_C_SOURCE 200809L

#include "output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- CSV */

rs_status rs_output_write_csv(const char *path, const rs_series *s, rs_error *err) {
  rs_afile f;
  rs_status st = rs_afile_open(&f, path, err);
  if (st != RS_OK) return st;
  fprintf(f.fp, "# relsim %s series; units: year [yr]", RS_VERSION);
  for (int c = 0; c < RS_NINDICATOR; c++) {
    const rs_indicator_info *ii = rs_indicator_info_get(c);
    fprintf(f.fp, ", %s [%s]", ii->name, ii->units);
  }
  fputs("\nyear", f.fp);
  for (int c = 0; c < RS_NINDICATOR; c++) fprintf(f.fp, ",%s", rs_indicator_info_get(c)->name);
  fputc('\n', f.fp);
  for (int i = 0; i < s->nrows; i++) {
    fprintf(f.fp, "%.12g", s->year[i]);
    for (int c = 0; c < RS_NINDICATOR; c++) fprintf(f.fp, ",%.12g", rs_series_at(s, i, c));
    fputc('\n', f.fp);
  }
  return rs_afile_commit(&f, err);
}

/* Split line at commas in place; returns the number of fields (at most max). */
static int split_csv(char *line, char **fields, int max) {
  int n = 0;
  char *p = line;
  while (n < max) {
    fields[n++] = p;
    char *comma = strchr(p, ',');
    if (!comma) break;
    *comma = '\0';
    p = comma + 1;
  }
  char *nl = strpbrk(fields[n - 1], "\r\n");
  if (nl) *nl = '\0';
  return n;
}

static rs_status grow_series(rs_series *s, int rows, rs_error *err) {
  if (rows <= s->cap) return RS_OK;
  int cap = s->cap ? 2 * s->cap : 64;
  while (cap < rows) cap *= 2;
  double *yr = realloc(s->year, sizeof(double) * (size_t)cap);
  if (yr) s->year = yr;
  double *ind = realloc(s->ind, sizeof(double) * (size_t)cap * RS_NINDICATOR);
  if (ind) s->ind = ind;
  if (!yr || !ind) return rs_fail(err, RS_ERR_NOMEM, "out of memory reading a series");
  s->cap = cap;
  return RS_OK;
}

/* Map the header's columns to indicators: col[k] = indicator of field k (-1 for year). */
static rs_status map_header(const char *path, char **fields, int nf, int *col, rs_error *err) {
  if (nf < 1 || strcmp(fields[0], "year") != 0)
    return rs_fail(err, RS_ERR_INPUT, "%s: the header must start with 'year'", path);
  col[0] = -1;
  for (int k = 1; k < nf; k++) {
    col[k] = rs_indicator_find(fields[k]);
    if (col[k] < 0) return rs_fail(err, RS_ERR_INPUT, "%s: unknown column '%s'", path, fields[k]);
  }
  return RS_OK;
}

rs_status rs_output_read_csv(const char *path, rs_series *s, rs_error *err) {
  enum { MAXF = RS_NINDICATOR + 1 };
  FILE *fp = NULL;
  rs_status st = rs_input_open(path, RS_INPUT_TABLE, &fp, err);
  if (st != RS_OK) return st;
  char *line = NULL;
  size_t cap = 0;
  int col[MAXF], ncol = 0, lineno = 0;
  long got = 0;
  s->nrows = 0;
  while (st == RS_OK && (got = rs_input_getline(fp, &line, &cap, path, lineno + 1, err)) >= 0) {
    lineno++;
    if (line[0] == '#' || line[0] == '\n') continue;
    char *fields[MAXF];
    int nf = split_csv(line, fields, MAXF);
    if (ncol == 0) {
      st = map_header(path, fields, nf, col, err);
      ncol = nf;
      continue;
    }
    if (nf != ncol) {
      st =
          rs_fail(err, RS_ERR_INPUT, "%s:%d: %d fields, the header has %d", path, lineno, nf, ncol);
      break;
    }
    if ((st = grow_series(s, s->nrows + 1, err)) != RS_OK) break;
    for (int k = 0; k < nf; k++) {
      char *end;
      double x = strtod(fields[k], &end);
      if (end == fields[k] || *end != '\0') {
        st = rs_fail(err, RS_ERR_INPUT, "%s:%d: field %d is not a number", path, lineno, k + 1);
        break;
      }
      if (col[k] < 0)
        s->year[s->nrows] = x;
      else
        s->ind[(size_t)s->nrows * RS_NINDICATOR + (size_t)col[k]] = x;
    }
    s->nrows++;
  }
  if (st == RS_OK && got == -2) st = RS_ERR_INPUT;
  free(line);
  fclose(fp);
  if (st == RS_OK && ncol == 0) st = rs_fail(err, RS_ERR_INPUT, "%s: no header line", path);
  return st;
}

/* ---------------------------------------------------------------- manifest */

/* A libconfig string literal: quotes and backslashes escaped. */
static void put_string(FILE *fp, const char *text) {
  fputc('"', fp);
  for (const char *c = text; *c; c++) {
    unsigned char u = (unsigned char)*c;
    if (*c == '"' || *c == '\\')
      fprintf(fp, "\\%c", *c);
    else if (u < 0x20 || u == 0x7f) /* a line break in a file's name must not end the string */
      fprintf(fp, "\\x%02x", u);
    else
      fputc(*c, fp);
  }
  fputc('"', fp);
}

static void write_manifest_group(FILE *fp, const rs_provenance *prov, const rs_run_info *info) {
  fputs("\n# ---- run record (ignored when this file is loaded as a parameter file) ----\n", fp);
  fputs("manifest = {\n", fp);
  fprintf(fp, "  relsim = \"%s\";\n", RS_VERSION);
  fprintf(fp, "  solver_library = \"%s\";\n", rs_solver_version());
  fprintf(fp, "  libconfig = \"%s\";\n", rs_params_libconfig_version());
  if (info && info->command) {
    fputs("  command = ", fp);
    put_string(fp, info->command);
    fputs(";\n", fp);
  }
  fputs("  overrides = [", fp);
  for (int i = 0; info && i < info->noverrides; i++) {
    if (i) fputs(", ", fp);
    put_string(fp, info->overrides[i]);
  }
  fputs("];\n  inputs = (\n", fp);
  for (int i = 0; prov && i < prov->nfiles; i++) {
    char hex[65];
    rs_error e;
    if (rs_sha256_file(prov->files[i], hex, &e) != RS_OK) snprintf(hex, sizeof hex, "unreadable");
    fputs("    { file = ", fp);
    put_string(fp, prov->files[i]);
    fprintf(fp, "; sha256 = \"%s\"; }%s\n", hex, i + 1 < prov->nfiles ? "," : "");
  }
  fputs("  );\n", fp);
  if (info && info->stats) {
    const rs_solver_stats *st = info->stats;
    fputs("  solver_stats = {\n", fp);
    fprintf(fp, "    steps = %ld;\n    rhs_evals = %ld;\n    jac_evals = %ld;\n", st->steps,
            st->rhs_evals, st->jac_evals);
    fprintf(fp, "    linear_setups = %ld;\n    error_test_failures = %ld;\n", st->lin_setups,
            st->err_test_fails);
    fprintf(fp, "    nonlinear_iterations = %ld;\n    convergence_failures = %ld;\n",
            st->nonlin_iters, st->nonlin_conv_fails);
    fprintf(fp, "    segments = %ld;\n  };\n", st->segments);
  }
  fputs("};\n", fp);
}

rs_status rs_output_write_manifest(const char *path, const rs_params *p, const rs_provenance *prov,
                                   const rs_run_info *info, rs_error *err) {
  rs_afile f;
  rs_status st = rs_afile_open(&f, path, err);
  if (st != RS_OK) return st;
  char header[512];
  snprintf(header, sizeof header,
           "relsim %s run manifest: the effective parameters of this run, each with the file\n"
           "and line (or --set) that set it. `relsim run %s` reproduces the run.",
           RS_VERSION, "manifest.cfg");
  st = rs_params_write(f.fp, p, prov, header, err);
  if (st != RS_OK) {
    rs_afile_abort(&f);
    return st;
  }
  write_manifest_group(f.fp, prov, info);
  return rs_afile_commit(&f, err);
}

/* A JSON number: NaN and infinities, which JSON lacks, as null. */
static void put_json_number(FILE *fp, double x) {
  if (isfinite(x))
    fprintf(fp, "%.17g", x);
  else
    fputs("null", fp);
}

static void write_json_tables(FILE *fp, const rs_params *p) {
  fputs("  \"tables\": {\n", fp);
  for (int k = 0; k < RS_NTABLE; k++) {
    const rs_table *tab = &p->tables[k];
    for (int pass = 0; pass < 2; pass++) {
      fprintf(fp, pass ? "], \"v\": [" : "    \"%s\": {\"t\": [", rs_table_info_get(k)->name);
      for (int j = 0; j < tab->n; j++) {
        if (j) fputs(", ", fp);
        put_json_number(fp, pass ? tab->v[j] : tab->t[j]);
      }
    }
    fprintf(fp, "]}%s\n", k + 1 < RS_NTABLE ? "," : "");
  }
  fputs("  },\n", fp);
}

static void write_json_events(FILE *fp, const rs_params *p) {
  fputs("  \"events\": [\n", fp);
  for (int i = 0; i < p->nevents; i++) {
    const rs_event *ev = &p->events[i];
    fprintf(fp, "    {\"name\": \"%s\", \"enabled\": %s, \"shape\": \"%s\", \"channel\": \"%s\", ",
            ev->name, ev->enabled ? "true" : "false", rs_shape_name(ev->shape),
            rs_channel_info_get(ev->channel)->name);
    fputs("\"start\": ", fp);
    put_json_number(fp, ev->start);
    fputs(", \"end\": ", fp);
    put_json_number(fp, ev->end);
    fputs(", \"magnitude\": ", fp);
    put_json_number(fp, ev->magnitude);
    fprintf(fp, "}%s\n", i + 1 < p->nevents ? "," : "");
  }
  fputs("  ],\n", fp);
}

rs_status rs_output_write_json(const char *path, const rs_params *p, rs_error *err) {
  rs_afile f;
  rs_status st = rs_afile_open(&f, path, err);
  if (st != RS_OK) return st;
  FILE *fp = f.fp;
  fputs("{\n  \"params\": {\n", fp);
  for (int id = 0; id < RS_NPARAM; id++) {
    fprintf(fp, "    \"%s\": ", rs_param_info_get(id)->name);
    put_json_number(fp, p->v[id]);
    fputs(id + 1 < RS_NPARAM ? ",\n" : "\n", fp);
  }
  fputs("  },\n", fp);
  write_json_tables(fp, p);
  write_json_events(fp, p);
  rs_model *m = malloc(sizeof *m);
  if (!m) {
    rs_afile_abort(&f);
    return rs_fail(err, RS_ERR_NOMEM, "out of memory");
  }
  rs_model_prepare(m, p);
  fputs("  \"edges\": [", fp);
  for (int k = 0; k < m->nedges; k++) {
    if (k) fputs(", ", fp);
    put_json_number(fp, m->edges[k]);
  }
  fputs("]\n}\n", fp);
  free(m);
  return rs_afile_commit(&f, err);
}
