/* targets/targets.c -- the paper's figures and external data as calibration targets: the loader
 * of target files and their data series, and the residuals of a run with their exact
 * derivatives.
 * This file contains the libconfig reader of target files (params/targets.cfg, the paper's
 * figures; params/targets/data.cfg, external data; "FILE:LINE:" errors with "did you mean"),
 * which follows chains of base files as the parameter loader does, the CSV reader of series
 * files, and one formula per kind of target, each differentiated by hand so that the fitter gets
 * exact Jacobians from the run's sensitivities.
 *
 * Target file (params/targets.cfg documents every field in its header):
 *
 *   origin = "paper";                # or "data": then every entry also has source = "...";
 *   base = "other.cfg";              # optional: loaded first; relative to this file
 *   targets = (
 *     { id = "tfp_rel_1955"; section = "2"; quote = "..."; paper_value = "61 %";
 *       kind = "point"; indicator = "a"; year = 1955; value = 0.61; scale = 0.02; },
 *     { id = "ties_survive"; ...; kind = "ratio"; indicator = "R"; years = [1985, 2000];
 *       lower = 0.9; upper = 1.15; scale = 0.05; },
 *     { id = "oda_asia"; ...; modelled = false; reason = "no aid flows in the model"; },
 *   );
 *
 * Residuals (m is the model's value of the compared quantity, dm its derivative):
 *   value given       r = (m - value) / scale
 *   range given       r = (m - upper) / scale above, (m - lower) / scale below, 0 inside
 *   order             m = I(year) - O(year2), accepted range (-inf, 0]: r = max(m, 0) / scale
 *   crossing          m = t*, the first time I falls below O, accepted range [year, year2] (yr);
 *                     when I never falls below O in the run, see eval_crossing()
 *   series            r_i = (I(x_i) - y_i) / sd_i (or / scale), I interpolated linearly in time
 * Every derivative is the chain rule through these formulas; at the kinks of a range or hinge
 * (m exactly on a bound) the derivative of the inside (0) is used. */

#define _XOPEN_SOURCE 700 /* realpath */

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libconfig.h> /* config_read_file, config_setting_*: libconfig 1.5 */

#include "params.h"
#include "targets.h"

/* ---------------------------------------------------------------- constants */

#define YEAR_TOL 1e-9 /* a target year matches an output row within this, yr */
#define LOC_MAX 600   /* "path:line" prefixes of messages */
#define WORD_MAX 256  /* names read from files, as far as messages need them */
#define CSV_LINE_MAX 4096

static const char *const kind_names[RS_NTARGETKIND] = {
    "point", "mean_growth", "mean", "ratio", "max_in", "order", "crossing", "series"};

static const char *const origin_names[RS_NTARGETORIGIN] = {"paper", "data"};

/* The top-level settings of a target file. */
static const char *const root_names[] = {"origin", "base", "targets"};
#define NROOT ((int)(sizeof root_names / sizeof root_names[0]))

/* The label that opens the section of a data target: the reports show it where a paper's
 * target shows "sec. 2". */
#define DATA_LABEL "data:"

/* The fields of an entry of the target file. */
typedef enum field_id {
  F_ID,
  F_MODELLED,
  F_REASON,
  F_SECTION,
  F_QUOTE,
  F_PAPER_VALUE,
  F_KIND,
  F_INDICATOR,
  F_OTHER,
  F_YEAR,
  F_SPAN,
  F_YEARS,
  F_VALUE,
  F_LOWER,
  F_UPPER,
  F_SCALE,
  F_SCALE_GAP,
  F_WEIGHT,
  F_FILE,
  F_SOURCE,
  NFIELD
} field_id;

static const char *const field_names[NFIELD] = {
    "id",        "modelled", "reason",    "section", "quote", "paper_value", "kind",
    "indicator", "other",    "year",      "span",    "years", "value",       "lower",
    "upper",     "scale",    "scale_gap", "weight",  "file",  "source"};

#define FB(f) (1u << (f))
/* Fields every entry may have, and those of an entry with modelled = false. */
#define FIELDS_TEXT                                                                             \
  (FB(F_ID) | FB(F_MODELLED) | FB(F_REASON) | FB(F_SECTION) | FB(F_QUOTE) | FB(F_PAPER_VALUE) | \
   FB(F_SOURCE))
#define FIELDS_UNMODELLED (FIELDS_TEXT | FB(F_YEAR) | FB(F_SPAN) | FB(F_YEARS))
#define FIELDS_MODELLED (FIELDS_TEXT | FB(F_KIND) | FB(F_INDICATOR) | FB(F_WEIGHT))
#define FIELDS_VALUE (FB(F_VALUE) | FB(F_LOWER) | FB(F_UPPER) | FB(F_SCALE))

/* The fields each kind takes besides FIELDS_MODELLED, and how to write them (for messages). */
static const unsigned kind_fields[RS_NTARGETKIND] = {
    FB(F_YEAR) | FIELDS_VALUE,                                /* point */
    FB(F_SPAN) | FIELDS_VALUE,                                /* mean_growth */
    FB(F_SPAN) | FIELDS_VALUE,                                /* mean */
    FB(F_YEARS) | FIELDS_VALUE,                               /* ratio */
    FB(F_SPAN) | FIELDS_VALUE,                                /* max_in */
    FB(F_OTHER) | FB(F_YEAR) | FB(F_YEARS) | FB(F_SCALE),     /* order */
    FB(F_OTHER) | FB(F_SPAN) | FB(F_SCALE) | FB(F_SCALE_GAP), /* crossing */
    FB(F_FILE) | FB(F_SCALE),                                 /* series */
};

static const char *const kind_usage[RS_NTARGETKIND] = {
    "year = Y; value = V (or lower/upper); scale = S",
    "span = [Y1, Y2]; value = V (or lower/upper); scale = S",
    "span = [Y1, Y2]; value = V (or lower/upper); scale = S",
    "years = [FROM, TO]; value = V (or lower/upper); scale = S",
    "span = [Y1, Y2]; value = V (or lower/upper); scale = S",
    "years = [Y_LHS, Y_RHS] or year = Y; other = \"I\" (optional); scale = S",
    "other = \"I\"; span = [Y1, Y2]; scale = S (yr); scale_gap = G",
    "file = \"F.csv\"; scale = S (when the file has no sd column)",
};

/* ---------------------------------------------------------------- small helpers */

const char *rs_target_kind_name(int kind) {
  return kind >= 0 && kind < RS_NTARGETKIND ? kind_names[kind] : "unknown";
}

const char *rs_target_origin_name(int origin) {
  return origin >= 0 && origin < RS_NTARGETORIGIN ? origin_names[origin] : "unknown";
}

static int kind_find(const char *name) {
  for (int k = 0; k < RS_NTARGETKIND; k++)
    if (strcmp(kind_names[k], name) == 0) return k;
  return -1;
}

static int field_find(const char *name) {
  for (int f = 0; f < NFIELD; f++)
    if (strcmp(field_names[f], name) == 0) return f;
  return -1;
}

/* The names of the indicators, for suggestions and lists. */
static void indicator_names(const char *names[RS_NINDICATOR]) {
  for (int i = 0; i < RS_NINDICATOR; i++) names[i] = rs_indicator_info_get(i)->name;
}

static const char *indicator_name(int c) {
  const rs_indicator_info *ii = rs_indicator_info_get(c);
  return ii ? ii->name : "?";
}

static bool valid_id(const char *id) {
  size_t len = strlen(id);
  if (len == 0 || len >= RS_TARGET_ID_MAX) return false;
  for (size_t i = 0; i < len; i++) {
    char ch = id[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  }
  return true;
}

/* ---------------------------------------------------------------- reading settings */

/* The target file being read. */
typedef struct load_ctx {
  const char *path; /* as opened */
  int file;         /* its index in rs_targets.file */
  int origin;       /* rs_target_origin it declares */
  double y0, y1;    /* run span */
  rs_error *err;
} load_ctx;

/* "file:line" of a setting, into buf. */
static const char *where_of(const load_ctx *c, const config_setting_t *s, char *buf, size_t n) {
  const char *file = config_setting_source_file(s);
  snprintf(buf, n, "%s:%d", file ? file : c->path, (int)config_setting_source_line(s));
  return buf;
}

/* One entry being read: its settings by field, and the prefix of its messages. */
typedef struct entry_ctx {
  const load_ctx *c;
  const config_setting_t *self;      /* the entry's group */
  const config_setting_t *f[NFIELD]; /* NULL when absent */
  char who[RS_TARGET_ID_MAX + 32];   /* "target 'id'" or "targets entry 3" */
} entry_ctx;

/* Fail with "FILE:LINE: WHO: field 'NAME' ..." at the line of field fi. */
static rs_status field_fail(const entry_ctx *e, int fi, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static rs_status field_fail(const entry_ctx *e, int fi, const char *fmt, ...) {
  char where[LOC_MAX], msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return rs_fail(e->c->err, RS_ERR_INPUT, "%s: %s: '%s' %s",
                 where_of(e->c, e->f[fi], where, sizeof where), e->who, field_names[fi], msg);
}

/* Fail with "FILE:LINE: WHO: ..." at the line of the entry. */
static rs_status entry_fail(const entry_ctx *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static rs_status entry_fail(const entry_ctx *e, const char *fmt, ...) {
  char where[LOC_MAX], msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return rs_fail(e->c->err, RS_ERR_INPUT, "%s: %s: %s",
                 where_of(e->c, e->self, where, sizeof where), e->who, msg);
}

/* A string field into buf of size n (must fit). */
static rs_status read_string(const entry_ctx *e, int fi, char *buf, size_t n) {
  char found[WORD_MAX + 32];
  const config_setting_t *s = e->f[fi];
  if (config_setting_type(s) != CONFIG_TYPE_STRING)
    return field_fail(e, fi, "expects a string in quotes, found %s",
                      rs_params_setting_describe(s, found, sizeof found));
  const char *v = config_setting_get_string(s);
  if (strlen(v) >= n)
    return field_fail(e, fi, "is too long (%zu characters, at most %zu)", strlen(v), n - 1);
  snprintf(buf, n, "%s", v);
  return RS_OK;
}

/* A finite number field into *x. */
static rs_status read_number(const entry_ctx *e, int fi, double *x) {
  char found[WORD_MAX + 32];
  if (!rs_params_setting_number(e->f[fi], x))
    return field_fail(e, fi, "expects a number, found %s",
                      rs_params_setting_describe(e->f[fi], found, sizeof found));
  if (!isfinite(*x)) return field_fail(e, fi, "is not a finite number");
  return RS_OK;
}

/* A pair [a, b] of finite numbers. */
static rs_status read_pair(const entry_ctx *e, int fi, double *a, double *b) {
  char found[WORD_MAX + 32];
  const config_setting_t *s = e->f[fi];
  int type = config_setting_type(s);
  const config_setting_t *sa = NULL, *sb = NULL;
  if ((type == CONFIG_TYPE_ARRAY || type == CONFIG_TYPE_LIST) && config_setting_length(s) == 2) {
    sa = config_setting_get_elem(s, 0);
    sb = config_setting_get_elem(s, 1);
  }
  if (!sa || !sb || !rs_params_setting_number(sa, a) || !rs_params_setting_number(sb, b))
    return field_fail(e, fi, "expects two years [Y1, Y2], found %s",
                      rs_params_setting_describe(s, found, sizeof found));
  if (!isfinite(*a) || !isfinite(*b)) return field_fail(e, fi, "holds a year that is not finite");
  return RS_OK;
}

/* An indicator name into *ind. */
static rs_status read_indicator(const entry_ctx *e, int fi, int *ind) {
  char name[WORD_MAX], list[1024], mean[WORD_MAX + 32];
  rs_status st = read_string(e, fi, name, sizeof name);
  if (st != RS_OK) return st;
  *ind = rs_indicator_find(name);
  if (*ind >= 0) return RS_OK;
  const char *names[RS_NINDICATOR];
  indicator_names(names);
  return field_fail(e, fi, "names an unknown indicator '%s'%s (indicators: %s)", name,
                    rs_did_you_mean(rs_closest(name, names, RS_NINDICATOR), mean, sizeof mean),
                    rs_name_list(names, RS_NINDICATOR, list, sizeof list));
}

/* Check that year x of field fi lies inside the run span. */
static rs_status check_year(const entry_ctx *e, int fi, double x) {
  char b1[32], b2[32], b3[32];
  if (x < e->c->y0 || x > e->c->y1)
    return field_fail(e, fi, "gives the year %s, outside the run span %s-%s",
                      rs_format_number(x, b1), rs_format_number(e->c->y0, b2),
                      rs_format_number(e->c->y1, b3));
  return RS_OK;
}

/* ---------------------------------------------------------------- series files */

/* Strip a '#' comment and surrounding blanks in place; returns the start of the text. */
static char *trim_line(char *line) {
  char *hash = strchr(line, '#');
  if (hash) *hash = '\0';
  size_t len = strlen(line);
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                     line[len - 1] == '\t'))
    line[--len] = '\0';
  while (*line == ' ' || *line == '\t') line++;
  return line;
}

/* Split a CSV line (no quoting) into at most max fields, trimmed. Returns the field count, or
 * max + 1 when there are more. */
static int split_csv(char *line, char **fields, int max) {
  int n = 0;
  char *p = line;
  for (;;) {
    char *comma = strchr(p, ',');
    if (comma) *comma = '\0';
    if (n >= max) return max + 1;
    fields[n++] = trim_line(p);
    if (!comma) return n;
    p = comma + 1;
  }
}

/* Parse a whole field as a finite double. */
static bool parse_number(const char *s, double *x) {
  char *end;
  errno = 0;
  *x = strtod(s, &end);
  return end != s && *end == '\0' && errno != ERANGE && isfinite(*x);
}

/* Append (x, y, sd) to t's data, growing the arrays as needed. */
static rs_status push_point(rs_target *t, int *cap, double x, double y, double sd, bool has_sd) {
  if (t->npoints == *cap) {
    int ncap = *cap ? 2 * *cap : 16;
    double *nx = realloc(t->sx, (size_t)ncap * sizeof *nx);
    if (!nx) return RS_ERR_NOMEM;
    t->sx = nx;
    double *ny = realloc(t->sy, (size_t)ncap * sizeof *ny);
    if (!ny) return RS_ERR_NOMEM;
    t->sy = ny;
    if (has_sd) {
      double *ns = realloc(t->ssd, (size_t)ncap * sizeof *ns);
      if (!ns) return RS_ERR_NOMEM;
      t->ssd = ns;
    }
    *cap = ncap;
  }
  t->sx[t->npoints] = x;
  t->sy[t->npoints] = y;
  if (has_sd) t->ssd[t->npoints] = sd;
  t->npoints++;
  return RS_OK;
}

/* Read the CSV file t->series_file into t->sx/sy/ssd: lines "year,value[,sd]", an optional
 * header line first, '#' comments and blank lines ignored, years increasing and inside the run
 * span, every line with the same number of columns, sd > 0. Errors in the data start with
 * "SERIES:LINE: " and end with ctx ("target 'x' at TARGETS:LINE"); a file that cannot be opened
 * is reported at where ("TARGETS:LINE", the file setting). On failure the arrays may hold
 * partial data (freed with the set). */
static rs_status read_series_file(const load_ctx *c, rs_target *t, const char *where,
                                  const char *who, const char *ctx, rs_error *err) {
  const char *path = t->series_file;
  FILE *fp = NULL;
  rs_error oe;
  rs_status st = rs_input_open(path, RS_INPUT_TABLE, &fp, &oe);
  if (st != RS_OK)
    return rs_fail(err, RS_ERR_INPUT, "%s: %s: cannot read series file: %s", where, who, oe.msg);
  char *line = NULL, b1[32], b2[32], b3[32];
  size_t line_cap = 0;
  int lineno = 0, cap = 0, ncol = 0;
  bool seen_first = false;
  long got;
  while ((got = rs_input_getline(fp, &line, &line_cap, path, lineno + 1, err)) >= 0) {
    lineno++;
    if (got >= CSV_LINE_MAX - 1) {
      st = rs_fail(err, RS_ERR_INPUT, "%s:%d: line longer than %d characters (%s)", path, lineno,
                   CSV_LINE_MAX - 2, ctx);
      goto done;
    }
    char *text = trim_line(line);
    if (!text[0]) continue;
    char copy[CSV_LINE_MAX];
    snprintf(copy, sizeof copy, "%s", text);
    char *fields[3];
    int nf = split_csv(text, fields, 3);
    double v[3] = {0.0, 0.0, 0.0};
    bool numeric = nf >= 2 && nf <= 3;
    for (int i = 0; numeric && i < nf; i++) numeric = parse_number(fields[i], &v[i]);
    if (!numeric && !seen_first && nf >= 1 && !parse_number(fields[0], &v[0])) {
      seen_first = true; /* a header line */
      continue;
    }
    seen_first = true;
    if (!numeric) {
      st = rs_fail(err, RS_ERR_INPUT,
                   "%s:%d: expected 'year,value' or 'year,value,sd' (numbers), found '%.200s' (%s)",
                   path, lineno, copy, ctx);
      goto done;
    }
    if (ncol == 0) ncol = nf;
    if (nf != ncol) {
      st = rs_fail(err, RS_ERR_INPUT, "%s:%d: %d columns, but the first data line has %d (%s)",
                   path, lineno, nf, ncol, ctx);
      goto done;
    }
    if (v[0] < c->y0 || v[0] > c->y1) {
      st = rs_fail(err, RS_ERR_INPUT, "%s:%d: year %s is outside the run span %s-%s (%s)", path,
                   lineno, rs_format_number(v[0], b1), rs_format_number(c->y0, b2),
                   rs_format_number(c->y1, b3), ctx);
      goto done;
    }
    if (t->npoints > 0 && !(v[0] > t->sx[t->npoints - 1])) {
      st = rs_fail(err, RS_ERR_INPUT, "%s:%d: years must increase, but %s follows %s (%s)", path,
                   lineno, rs_format_number(v[0], b1), rs_format_number(t->sx[t->npoints - 1], b2),
                   ctx);
      goto done;
    }
    if (ncol == 3 && !(v[2] > 0.0)) {
      st = rs_fail(err, RS_ERR_INPUT, "%s:%d: sd must be positive, found %s (%s)", path, lineno,
                   rs_format_number(v[2], b1), ctx);
      goto done;
    }
    if (push_point(t, &cap, v[0], v[1], v[2], ncol == 3) != RS_OK) {
      st = rs_fail(err, RS_ERR_NOMEM, "%s: out of memory (%s)", path, ctx);
      goto done;
    }
  }
  if (got == -2) {
    st = RS_ERR_INPUT;
    goto done;
  }
  if (t->npoints == 0)
    st = rs_fail(err, RS_ERR_INPUT, "%s:%d: no data lines 'year,value[,sd]' (%s)", path, lineno,
                 ctx);
done:
  free(line);
  fclose(fp);
  return st;
}

/* ---------------------------------------------------------------- reading one entry */

/* Read the years of an entry with modelled = false (optional, for the report only). */
static rs_status read_unmodelled_years(const entry_ctx *e, rs_target *t) {
  int given = -1;
  for (int fi = F_YEAR; fi <= F_YEARS; fi++) {
    if (!e->f[fi]) continue;
    if (given >= 0)
      return field_fail(e, fi, "and '%s' both give years; keep one", field_names[given]);
    given = fi;
  }
  rs_status st = RS_OK;
  if (given == F_YEAR) {
    st = read_number(e, F_YEAR, &t->year);
    t->year2 = t->year;
  } else if (given >= 0) {
    st = read_pair(e, given, &t->year, &t->year2);
    if (st == RS_OK && given == F_SPAN && !(t->year <= t->year2))
      st = field_fail(e, F_SPAN, "must run forward in time (Y1 <= Y2)");
  }
  return st;
}

/* The years of a modelled entry of kind k, checked against the run span. */
static rs_status read_model_years(const entry_ctx *e, rs_target *t, int k) {
  rs_status st;
  char b1[32], b2[32];
  if (k == RS_TK_SERIES) return RS_OK;
  if (k == RS_TK_ORDER && e->f[F_YEAR] && e->f[F_YEARS])
    return field_fail(e, F_YEARS, "and 'year' both give years; keep one");
  int fi = k == RS_TK_POINT                     ? F_YEAR
           : k == RS_TK_RATIO                   ? F_YEARS
           : k == RS_TK_ORDER && !e->f[F_YEARS] ? F_YEAR
           : k == RS_TK_ORDER                   ? F_YEARS
                                                : F_SPAN;
  if (!e->f[fi]) return entry_fail(e, "kind '%s' needs %s", kind_names[k], kind_usage[k]);
  if (fi == F_YEAR) {
    if ((st = read_number(e, fi, &t->year)) != RS_OK) return st;
    t->year2 = t->year;
  } else {
    if ((st = read_pair(e, fi, &t->year, &t->year2)) != RS_OK) return st;
  }
  if ((st = check_year(e, fi, t->year)) != RS_OK) return st;
  if ((st = check_year(e, fi, t->year2)) != RS_OK) return st;
  bool strict = k == RS_TK_MEAN || k == RS_TK_MEAN_GROWTH || k == RS_TK_RATIO;
  if (k != RS_TK_ORDER && (strict ? !(t->year < t->year2) : !(t->year <= t->year2)))
    return field_fail(e, fi, "must run forward in time (%s %s %s), found [%s, %s]",
                      fi == F_YEARS ? "FROM" : "Y1",
                      strict ? "<" : "<=", fi == F_YEARS ? "TO" : "Y2",
                      rs_format_number(t->year, b1), rs_format_number(t->year2, b2));
  return RS_OK;
}

/* Read entry idx of the file's targets list (a group) into t = ts->t[global]; ts->t[0..global-1]
 * are the entries read so far, of this file and the files loaded before it (for the check of
 * unique ids). */
static rs_status read_entry(const load_ctx *c, const config_setting_t *es, int idx,
                            const rs_targets *ts, int global) {
  rs_target *t = &ts->t[global];
  entry_ctx e;
  memset(&e, 0, sizeof e);
  e.c = c;
  e.self = es;
  snprintf(e.who, sizeof e.who, "targets entry %d", idx + 1);
  char found[WORD_MAX + 32], list[512], mean[WORD_MAX + 32], b1[32], b2[32];
  rs_status st;

  t->line = (int)config_setting_source_line(es);
  t->origin = c->origin;
  t->file = c->file;
  t->modelled = 1;
  t->kind = RS_TK_POINT;
  t->indicator = t->other = -1;
  t->year = t->year2 = t->value = t->lower = t->upper = (double)NAN;
  t->scale = t->scale_gap = (double)NAN;
  t->weight = 1.0;
  if (!config_setting_is_group(es))
    return entry_fail(&e, "expects a group { id = \"...\"; kind = \"...\"; ... }, found %s",
                      rs_params_setting_describe(es, found, sizeof found));

  /* Name the entry by its id in messages from here on, when it has a usable one. */
  const config_setting_t *ids = config_setting_get_member(es, "id");
  if (ids && config_setting_type(ids) == CONFIG_TYPE_STRING &&
      valid_id(config_setting_get_string(ids)))
    snprintf(e.who, sizeof e.who, "target '%s'", config_setting_get_string(ids));

  /* Every field must be known; libconfig has already refused duplicates. */
  int n = config_setting_length(es);
  for (int i = 0; i < n; i++) {
    const config_setting_t *m = config_setting_get_elem(es, (unsigned)i);
    if (!m) continue;
    const char *name = config_setting_name(m);
    int fi = name ? field_find(name) : -1;
    if (fi < 0) {
      char where[LOC_MAX];
      return rs_fail(
          c->err, RS_ERR_INPUT, "%s: %s: unknown field '%s'%s (fields: %s)",
          where_of(c, m, where, sizeof where), e.who, name ? name : "?",
          rs_did_you_mean(name ? rs_closest(name, field_names, NFIELD) : NULL, mean, sizeof mean),
          rs_name_list(field_names, NFIELD, list, sizeof list));
    }
    e.f[fi] = m;
  }

  /* id, unique */
  if (!e.f[F_ID]) return entry_fail(&e, "has no id = \"...\";");
  if ((st = read_string(&e, F_ID, t->id, sizeof t->id)) != RS_OK) return st;
  if (!valid_id(t->id))
    return field_fail(&e, F_ID, "\"%s\" must be 1 to %d characters of a-z, 0-9 and _", t->id,
                      RS_TARGET_ID_MAX - 1);
  snprintf(e.who, sizeof e.who, "target '%s'", t->id);
  for (int j = 0; j < global; j++) {
    const rs_target *u = &ts->t[j];
    if (strcmp(u->id, t->id) != 0) continue;
    if (u->file == c->file)
      return field_fail(&e, F_ID, "is used twice: the entry at line %d has the same id", u->line);
    return field_fail(&e, F_ID,
                      "is used twice: the entry at %s:%d has the same id (ids are unique over "
                      "every target file loaded)",
                      ts->file[u->file].path, u->line);
  }

  /* the citation */
  if (e.f[F_MODELLED]) {
    if (config_setting_type(e.f[F_MODELLED]) != CONFIG_TYPE_BOOL)
      return field_fail(&e, F_MODELLED, "expects true or false, found %s",
                        rs_params_setting_describe(e.f[F_MODELLED], found, sizeof found));
    t->modelled = config_setting_get_bool(e.f[F_MODELLED]) ? 1 : 0;
  }
  static const int text_fields[4] = {F_SECTION, F_QUOTE, F_PAPER_VALUE, F_SOURCE};
  char *text_out[4] = {t->section, t->quote, t->paper_value, t->source};
  size_t text_size[4] = {sizeof t->section, sizeof t->quote, sizeof t->paper_value,
                         sizeof t->source};
  bool data = c->origin == RS_TO_DATA;
  /* The paper is cited by section and quote; a data set needs its publisher, table, edition
   * and licence, which no section number gives. */
  if (!data && e.f[F_SOURCE])
    return field_fail(&e, F_SOURCE,
                      "is for data targets only (origin = \"data\";): an entry of the paper "
                      "cites it by section, quote and paper_value");
  for (int i = 0; i < (data ? 4 : 3); i++) {
    int fi = text_fields[i];
    if (!e.f[fi])
      return entry_fail(&e, "has no %s = \"...\"; (%s)", field_names[fi],
                        data ? "every entry of a data file cites its source: section = \"data: "
                               "LABEL\", quote, paper_value, and source = \"publisher, table, "
                               "edition, licence\""
                             : "every entry cites the paper: section, quote, paper_value");
    if ((st = read_string(&e, fi, text_out[i], text_size[i])) != RS_OK) return st;
    if (!text_out[i][0]) return field_fail(&e, fi, "is empty");
  }
  if (data && strncmp(t->section, DATA_LABEL, strlen(DATA_LABEL)) != 0)
    return field_fail(&e, F_SECTION,
                      "of a data target is a short source label that starts with \"" DATA_LABEL
                      "\" (e.g. \"data: PWT 10.01\"), found \"%s\"",
                      t->section);
  if (e.f[F_REASON] && (st = read_string(&e, F_REASON, t->reason, sizeof t->reason)) != RS_OK)
    return st;

  /* an entry kept for the report only */
  if (!t->modelled) {
    if (!t->reason[0])
      return entry_fail(&e,
                        "has modelled = false but no reason = \"...\"; (say which mechanism or "
                        "indicator the model lacks)");
    for (int fi = 0; fi < NFIELD; fi++)
      if (e.f[fi] && !(FIELDS_UNMODELLED & FB(fi)))
        return field_fail(&e, fi,
                          "is not used by an entry with modelled = false (which keeps id, "
                          "section, quote, paper_value, reason and optionally year, span or "
                          "years)");
    t->weight = 0.0;
    return read_unmodelled_years(&e, t);
  }

  /* kind and indicator */
  const char *kinds_list = rs_name_list(kind_names, RS_NTARGETKIND, list, sizeof list);
  if (!e.f[F_KIND]) return entry_fail(&e, "has no kind = \"...\"; (kinds: %s)", kinds_list);
  char word[WORD_MAX];
  if ((st = read_string(&e, F_KIND, word, sizeof word)) != RS_OK) return st;
  int k = kind_find(word);
  if (k < 0)
    return field_fail(
        &e, F_KIND, "names an unknown kind '%s'%s (kinds: %s)", word,
        rs_did_you_mean(rs_closest(word, kind_names, RS_NTARGETKIND), mean, sizeof mean),
        kinds_list);
  t->kind = k;
  if (!e.f[F_INDICATOR]) return entry_fail(&e, "has no indicator = \"...\";");
  if ((st = read_indicator(&e, F_INDICATOR, &t->indicator)) != RS_OK) return st;
  for (int fi = 0; fi < NFIELD; fi++)
    if (e.f[fi] && !((FIELDS_MODELLED | kind_fields[k]) & FB(fi)))
      return field_fail(&e, fi, "does not apply to kind '%s' (which takes %s)", kind_names[k],
                        kind_usage[k]);

  /* years */
  if ((st = read_model_years(&e, t, k)) != RS_OK) return st;

  /* the second indicator */
  if (k == RS_TK_ORDER || k == RS_TK_CROSSING) {
    if (!e.f[F_OTHER] && k == RS_TK_CROSSING)
      return entry_fail(&e,
                        "kind 'crossing' needs other = \"...\"; (the indicator it falls below)");
    t->other = t->indicator;
    if (e.f[F_OTHER] && (st = read_indicator(&e, F_OTHER, &t->other)) != RS_OK) return st;
    if (k == RS_TK_CROSSING && t->other == t->indicator)
      return field_fail(&e, F_OTHER, "must differ from indicator ('%s')",
                        indicator_name(t->indicator));
    if (k == RS_TK_ORDER && t->other == t->indicator && t->year == t->year2)
      return entry_fail(&e,
                        "compares '%s' in %s with itself; give years = [Y_LHS, Y_RHS] or "
                        "another indicator",
                        indicator_name(t->indicator), rs_format_number(t->year, b1));
  }

  /* value or range */
  if (kind_fields[k] & FB(F_VALUE)) {
    bool has_range = e.f[F_LOWER] || e.f[F_UPPER];
    if (e.f[F_VALUE] && has_range)
      return field_fail(&e, F_VALUE,
                        "and lower/upper are both given: a target is either a value or a range");
    if (!e.f[F_VALUE] && !has_range)
      return entry_fail(&e,
                        "kind '%s' needs value = V; or a range lower = L; upper = U; (either "
                        "bound may be left open)",
                        kind_names[k]);
    if (e.f[F_VALUE]) {
      if ((st = read_number(&e, F_VALUE, &t->value)) != RS_OK) return st;
    } else {
      t->lower = -(double)INFINITY;
      t->upper = (double)INFINITY;
      if (e.f[F_LOWER] && (st = read_number(&e, F_LOWER, &t->lower)) != RS_OK) return st;
      if (e.f[F_UPPER] && (st = read_number(&e, F_UPPER, &t->upper)) != RS_OK) return st;
      if (!(t->lower < t->upper))
        return field_fail(&e, e.f[F_UPPER] ? F_UPPER : F_LOWER,
                          "does not leave a range: lower %s, upper %s (use value = for one "
                          "number)",
                          rs_format_number(t->lower, b1), rs_format_number(t->upper, b2));
    }
  } else if (k == RS_TK_ORDER) {
    t->lower = -(double)INFINITY; /* accepted range of I(year) - O(year2) */
    t->upper = 0.0;
  } else if (k == RS_TK_CROSSING) {
    t->lower = t->year; /* accepted range of the crossing time */
    t->upper = t->year2;
  }

  /* scales and weight */
  if (e.f[F_SCALE]) {
    if ((st = read_number(&e, F_SCALE, &t->scale)) != RS_OK) return st;
    if (!(t->scale > 0.0))
      return field_fail(&e, F_SCALE, "must be positive, found %s", rs_format_number(t->scale, b1));
  } else if (k != RS_TK_SERIES) {
    return entry_fail(&e,
                      "has no scale = S; (the misfit a user would accept, in the indicator's "
                      "units%s)",
                      k == RS_TK_CROSSING ? "; years for a crossing" : "");
  }
  if (k == RS_TK_CROSSING) {
    if (!e.f[F_SCALE_GAP])
      return entry_fail(&e,
                        "kind 'crossing' needs scale_gap = G; (the gap between the two "
                        "indicators that counts as one scale when they never cross)");
    if ((st = read_number(&e, F_SCALE_GAP, &t->scale_gap)) != RS_OK) return st;
    if (!(t->scale_gap > 0.0))
      return field_fail(&e, F_SCALE_GAP, "must be positive, found %s",
                        rs_format_number(t->scale_gap, b1));
  }
  if (e.f[F_WEIGHT]) {
    if ((st = read_number(&e, F_WEIGHT, &t->weight)) != RS_OK) return st;
    if (!(t->weight >= 0.0))
      return field_fail(&e, F_WEIGHT, "must not be negative, found %s",
                        rs_format_number(t->weight, b1));
    /* a weight is a count of figures: beyond a million the cost overflows long before the
     * figure could matter more */
    if (t->weight > 1e6)
      return field_fail(&e, F_WEIGHT, "must be at most 1e6, found %s",
                        rs_format_number(t->weight, b1));
  }

  /* the data of a series, relative to the target file */
  if (k == RS_TK_SERIES) {
    if (!e.f[F_FILE]) return entry_fail(&e, "kind 'series' needs file = \"DATA.csv\";");
    char rel[sizeof t->series_file], dir[sizeof t->series_file], where[LOC_MAX];
    if ((st = read_string(&e, F_FILE, rel, sizeof rel)) != RS_OK) return st;
    if (!rel[0]) return field_fail(&e, F_FILE, "is empty");
    rs_dirname(c->path, dir, sizeof dir);
    if (rel[0] != '/' && strlen(dir) + strlen(rel) + 2 > sizeof t->series_file)
      return field_fail(&e, F_FILE, "gives a path that is too long");
    rs_path_join(dir, rel, where, sizeof where);
    rs_path_tidy(where, t->series_file, sizeof t->series_file);
    char ctx[LOC_MAX + sizeof e.who + 8];
    snprintf(ctx, sizeof ctx, "%s at %s", e.who, where_of(c, e.f[F_FILE], where, sizeof where));
    if ((st = read_series_file(c, t, where, e.who, ctx, c->err)) != RS_OK) return st;
    t->year = t->sx[0];
    t->year2 = t->sx[t->npoints - 1];
    if (t->ssd && e.f[F_SCALE])
      return field_fail(&e, F_SCALE, "is not used: the series file %s has an sd column",
                        t->series_file);
    if (!t->ssd && !e.f[F_SCALE])
      return entry_fail(&e, "needs scale = S; the series file %s has no sd column (year,value,sd)",
                        t->series_file);
  }
  return RS_OK;
}

/* ---------------------------------------------------------------- the files */

/* One file being loaded: its configuration and the settings of its root. */
typedef struct file_ctx {
  config_t cfg;
  bool open;                      /* cfg initialised (to destroy) */
  char path[RS_TARGET_PATH_MAX];  /* as opened */
  char real[PATH_MAX];            /* canonical path: cycles, files loaded twice */
  const config_setting_t *origin; /* NULL when absent */
  const config_setting_t *base;   /* NULL when absent */
  const config_setting_t *list;   /* targets = ( ... ) */
} file_ctx;

/* A load: the set being filled, the span, the canonical paths of the files in it, and the chain
 * of bases being followed (chain[0] the file given to the loader, chain[i+1] the base of
 * chain[i]). */
typedef struct loader {
  rs_targets *ts;
  double y0, y1;
  rs_error *err;
  char real[RS_TARGET_FILES_MAX][PATH_MAX]; /* of ts->file[0..nfiles-1] */
  file_ctx chain[RS_TARGET_FILES_MAX];
  int nchain;
} loader;

/* "a.cfg -> b.cfg -> c.cfg": the chain's first n files, then extra. */
static const char *chain_text(const loader *ld, int n, const char *extra, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (int i = 0; i <= n && len < size; i++) {
    const char *name = i < n ? ld->chain[i].path : extra;
    int w = snprintf(buf + len, size - len, "%s%s", i ? " -> " : "", name);
    if (w < 0) break;
    len += (size_t)w;
  }
  return buf;
}

/* Check the top-level settings of file f (origin, base, targets; nothing else) and keep them. */
static rs_status read_root(const loader *ld, file_ctx *f) {
  char where[LOC_MAX], found[WORD_MAX + 32], mean[WORD_MAX + 32], list[128];
  load_ctx c = {f->path, 0, RS_TO_PAPER, ld->y0, ld->y1, ld->err};
  const config_setting_t *root = config_root_setting(&f->cfg);
  int n = root ? config_setting_length(root) : 0;
  for (int i = 0; i < n; i++) {
    const config_setting_t *m = config_setting_get_elem(root, (unsigned)i);
    if (!m) continue;
    const char *name = config_setting_name(m);
    const config_setting_t **slot = NULL;
    if (name && strcmp(name, "origin") == 0) slot = &f->origin;
    if (name && strcmp(name, "base") == 0) slot = &f->base;
    if (name && strcmp(name, "targets") == 0) slot = &f->list;
    if (slot) {
      *slot = m;
      continue;
    }
    return rs_fail(
        ld->err, RS_ERR_INPUT,
        "%s: unknown setting '%s'%s (a target file holds origin = \"paper\"; or \"data\";, an "
        "optional base = \"FILE\"; and one list: targets = ( { ... }, ... );)",
        where_of(&c, m, where, sizeof where), name ? name : "?",
        rs_did_you_mean(name ? rs_closest(name, root_names, NROOT) : NULL, mean, sizeof mean));
  }
  /* The origin says how the reports present every entry: it is never guessed. */
  if (!f->origin)
    return rs_fail(ld->err, RS_ERR_INPUT,
                   "%s:1: no origin = \"paper\"; or origin = \"data\"; (every target file says "
                   "whether its entries are figures of the paper or external data)",
                   f->path);
  if (config_setting_type(f->origin) != CONFIG_TYPE_STRING)
    return rs_fail(ld->err, RS_ERR_INPUT, "%s: 'origin' expects \"paper\" or \"data\", found %s",
                   where_of(&c, f->origin, where, sizeof where),
                   rs_params_setting_describe(f->origin, found, sizeof found));
  const char *o = config_setting_get_string(f->origin);
  bool known = false;
  for (int k = 0; k < RS_NTARGETORIGIN; k++) known |= strcmp(o, origin_names[k]) == 0;
  if (!known)
    return rs_fail(
        ld->err, RS_ERR_INPUT, "%s: 'origin' names an unknown origin '%.100s'%s (origins: %s)",
        where_of(&c, f->origin, where, sizeof where), o,
        rs_did_you_mean(rs_closest(o, origin_names, RS_NTARGETORIGIN), mean, sizeof mean),
        rs_name_list(origin_names, RS_NTARGETORIGIN, list, sizeof list));
  if (f->base && (config_setting_type(f->base) != CONFIG_TYPE_STRING ||
                  !config_setting_get_string(f->base)[0]))
    return rs_fail(ld->err, RS_ERR_INPUT, "%s: 'base' expects a file name in quotes, found %s",
                   where_of(&c, f->base, where, sizeof where),
                   rs_params_setting_describe(f->base, found, sizeof found));
  if (!f->list)
    return rs_fail(ld->err, RS_ERR_INPUT, "%s: no list 'targets = ( { id = \"...\"; ... }, ... );'",
                   f->path);
  if (config_setting_type(f->list) != CONFIG_TYPE_LIST)
    return rs_fail(ld->err, RS_ERR_INPUT,
                   "%s: 'targets' expects a list of groups ( { ... }, { ... } ), found %s",
                   where_of(&c, f->list, where, sizeof where),
                   rs_params_setting_describe(f->list, found, sizeof found));
  return RS_OK;
}

/* Open path as link ld->nchain of the chain and check its root. naming/rel/line: the file that
 * names it as its base, the name it gives and the line (NULL for a file given to the loader). */
static rs_status open_file(loader *ld, const char *path, const char *naming, const char *rel,
                           int line) {
  char where[LOC_MAX + RS_TARGET_PATH_MAX], text[RS_TARGET_FILES_MAX * (RS_TARGET_PATH_MAX + 4)];
  int i = ld->nchain;
  if (naming)
    snprintf(where, sizeof where, "%s:%d: base file '%s' (\"%s\" relative to %s)", naming, line,
             path, rel, naming);
  else
    snprintf(where, sizeof where, "%s", path);
  if (strlen(path) >= RS_TARGET_PATH_MAX)
    return rs_fail(ld->err, RS_ERR_IO, "%s: path too long", where);
  if (ld->ts->nfiles + i >= RS_TARGET_FILES_MAX)
    return rs_fail(ld->err, RS_ERR_INPUT, "%s: too many target files (at most %d, bases included)",
                   where, RS_TARGET_FILES_MAX);
  file_ctx *f = &ld->chain[i];
  memset(f, 0, sizeof *f);
  snprintf(f->path, sizeof f->path, "%s", path);
  struct stat sb;
  /* "FILE: cannot read: ..." as the parameter loader says it; a base names its whole path */
  const char *cannot = naming ? " cannot be read" : ": cannot read";
  if (!realpath(path, f->real) || stat(f->real, &sb) != 0)
    return rs_fail(ld->err, RS_ERR_IO, "%s%s: %s", where, cannot, strerror(errno));
  if (S_ISDIR(sb.st_mode))
    return rs_fail(ld->err, RS_ERR_IO, "%s%s: is a directory", where, cannot);
  for (int j = 0; j < i; j++)
    if (strcmp(ld->chain[j].real, f->real) == 0)
      return rs_fail(ld->err, RS_ERR_INPUT, "%s:%d: the base files form a cycle: %s", naming, line,
                     chain_text(ld, i, path, text, sizeof text));
  /* A file is read once: its ids would all be duplicates the second time. */
  for (int k = 0; k < ld->ts->nfiles; k++) {
    if (strcmp(ld->real[k], f->real) != 0) continue;
    const rs_target_file *tf = &ld->ts->file[k];
    return rs_fail(ld->err, RS_ERR_INPUT,
                   "%s: is loaded already, as %s%s%s (name each target file once, on the "
                   "command line or as a base)",
                   where, tf->path, tf->base_of >= 0 ? ", the base of " : "",
                   tf->base_of >= 0 ? ld->ts->file[tf->base_of].path : "");
  }
  config_init(&f->cfg);
  f->open = true;
  ld->nchain++;
  rs_status pst = rs_params_config_prepare(&f->cfg, f->path, ld->err);
  if (pst != RS_OK) return pst;
  errno = 0;
  if (config_read_file(&f->cfg, f->path) != CONFIG_TRUE) {
    int e = errno;
    if (config_error_type(&f->cfg) == CONFIG_ERR_FILE_IO)
      return rs_fail(ld->err, RS_ERR_IO, "%s%s: %s", where, cannot,
                     e ? strerror(e) : "input/output error");
    const char *file = config_error_file(&f->cfg);
    const char *msg = config_error_text(&f->cfg);
    bool mixed = msg && strstr(msg, "mismatched element type") != NULL;
    return rs_fail(ld->err, RS_ERR_INPUT, "%s:%d: libconfig: %s%s", file ? file : f->path,
                   config_error_line(&f->cfg), msg ? msg : "cannot parse",
                   mixed ? " (write both years of a span alike, e.g. [1970, 1975] or "
                           "[1970.5, 1975.0])"
                         : "");
  }
  return read_root(ld, f);
}

/* Read the entries of chain link i as file ts->nfiles of the set (base_of: the index the file
 * that names it will have, or -1). */
static rs_status read_file_entries(loader *ld, int i, int base_of) {
  rs_targets *ts = ld->ts;
  file_ctx *f = &ld->chain[i];
  int fi = ts->nfiles;
  rs_target_file *tf = &ts->file[fi];
  memset(tf, 0, sizeof *tf);
  snprintf(tf->path, sizeof tf->path, "%s", f->path);
  tf->origin = strcmp(config_setting_get_string(f->origin), "data") == 0 ? RS_TO_DATA : RS_TO_PAPER;
  tf->base_of = base_of;
  snprintf(ld->real[fi], sizeof ld->real[fi], "%s", f->real);
  ts->nfiles++;

  load_ctx c = {tf->path, fi, tf->origin, ld->y0, ld->y1, ld->err};
  char where[LOC_MAX];
  int count = config_setting_length(f->list), first = ts->n;
  rs_target *grown = realloc(ts->t, (size_t)(first + count + 1) * sizeof *grown);
  if (!grown) return rs_fail(ld->err, RS_ERR_NOMEM, "%s: out of memory", f->path);
  ts->t = grown;
  memset(&ts->t[first], 0, (size_t)count * sizeof *grown);
  ts->n = first + count; /* zeroed entries: rs_targets_free can run at any point */
  for (int k = 0; k < count; k++) {
    const config_setting_t *es = config_setting_get_elem(f->list, (unsigned)k);
    if (!es)
      return rs_fail(ld->err, RS_ERR_INPUT, "%s: cannot read targets entry %d",
                     where_of(&c, f->list, where, sizeof where), k + 1);
    rs_status st = read_entry(&c, es, k, ts, first + k);
    if (st != RS_OK) return st;
  }
  return RS_OK;
}

/* Load path and its chain of bases: open the file, then its base, its base's base, ...; read
 * the entries base first. */
static rs_status load_chain(loader *ld, const char *path) {
  rs_status st = open_file(ld, path, NULL, NULL, 0);
  while (st == RS_OK && ld->chain[ld->nchain - 1].base) {
    const file_ctx *f = &ld->chain[ld->nchain - 1];
    const char *rel = config_setting_get_string(f->base);
    char dir[RS_TARGET_PATH_MAX], joined[2 * RS_TARGET_PATH_MAX], next[RS_TARGET_PATH_MAX];
    rs_dirname(f->path, dir, sizeof dir);
    rs_path_join(dir, rel, joined, sizeof joined);
    rs_path_tidy(joined, next, sizeof next);
    if (strlen(joined) >= sizeof next)
      st = rs_fail(ld->err, RS_ERR_IO, "%s:%d: base file path too long", f->path,
                   (int)config_setting_source_line(f->base));
    else
      st = open_file(ld, next, f->path, rel, (int)config_setting_source_line(f->base));
  }
  for (int i = ld->nchain - 1; st == RS_OK && i >= 0; i--)
    st = read_file_entries(ld, i, i > 0 ? ld->ts->nfiles + 1 : -1);
  for (int i = 0; i < ld->nchain; i++)
    if (ld->chain[i].open) config_destroy(&ld->chain[i].cfg);
  ld->nchain = 0;
  return st;
}

/* Leave out the data targets (their series freed), counting them per file. */
static void drop_data(rs_targets *ts) {
  int kept = 0;
  for (int k = 0; k < ts->n; k++) {
    rs_target *t = &ts->t[k];
    if (t->origin != RS_TO_DATA) {
      ts->t[kept++] = *t;
      continue;
    }
    ts->file[t->file].ndropped++;
    free(t->sx);
    free(t->sy);
    free(t->ssd);
  }
  ts->n = kept;
  ts->paper_only = 1;
}

rs_status rs_targets_load_files(const char *const *paths, int npaths, int paper_only,
                                double span_start, double span_end, rs_targets *ts, rs_error *err) {
  if (!ts) return rs_fail(err, RS_ERR_INPUT, "rs_targets_load_files: no target set");
  memset(ts, 0, sizeof *ts);
  if (!paths || npaths < 1) return rs_fail(err, RS_ERR_INPUT, "rs_targets_load_files: no file");
  for (int i = 0; i < npaths; i++)
    if (!paths[i] || !paths[i][0])
      return rs_fail(err, RS_ERR_INPUT, "rs_targets_load_files: file %d has no name", i + 1);
  if (!isfinite(span_start) || !isfinite(span_end) || !(span_start <= span_end))
    return rs_fail(err, RS_ERR_INPUT, "%s: the run span must be finite and run forward", paths[0]);
  loader *ld = calloc(1, sizeof *ld);
  if (!ld) return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", paths[0]);
  ld->ts = ts;
  ld->y0 = span_start;
  ld->y1 = span_end;
  ld->err = err;
  rs_status st = RS_OK;
  for (int i = 0; st == RS_OK && i < npaths; i++) st = load_chain(ld, paths[i]);
  free(ld);
  if (st != RS_OK) {
    rs_targets_free(ts);
    return st;
  }
  if (paper_only) drop_data(ts);
  for (int k = 0; k < ts->n; k++) ts->file[ts->t[k].file].nentries++;
  return RS_OK;
}

rs_status rs_targets_load(const char *path, double span_start, double span_end, rs_targets *ts,
                          rs_error *err) {
  return rs_targets_load_files(&path, 1, 0, span_start, span_end, ts, err);
}

int rs_targets_count(const rs_targets *ts, int origin) {
  int n = 0;
  for (int k = 0; ts && k < ts->n; k++) n += ts->t[k].origin == origin;
  return n;
}

void rs_targets_free(rs_targets *ts) {
  if (!ts) return;
  if (ts->t) {
    for (int i = 0; i < ts->n; i++) {
      free(ts->t[i].sx);
      free(ts->t[i].sy);
      free(ts->t[i].ssd);
    }
    free(ts->t);
  }
  memset(ts, 0, sizeof *ts);
}

int rs_target_nresiduals(const rs_target *t) {
  if (!t || !t->modelled) return 0;
  return t->kind == RS_TK_SERIES ? t->npoints : 1;
}

int rs_targets_nresiduals(const rs_targets *ts) {
  int n = 0;
  for (int i = 0; ts && i < ts->n; i++) n += rs_target_nresiduals(&ts->t[i]);
  return n;
}

/* ---------------------------------------------------------------- evaluation */

/* Indicator c at row i, and its derivative with respect to parameter j. */
static double ival(const rs_series *s, int i, int c) {
  return rs_series_at(s, i, c);
}
static double dval(const double *dS, int ns, int i, int j, int c) {
  return dS[((size_t)i * (size_t)ns + (size_t)j) * RS_NINDICATOR + (size_t)c];
}

/* The row of the output grid at year (within YEAR_TOL), or -1. The grid increases. */
static int grid_row(const rs_series *s, double year) {
  int lo = 0, hi = s->nrows - 1;
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (s->year[mid] < year - YEAR_TOL)
      lo = mid + 1;
    else
      hi = mid;
  }
  return fabs(s->year[lo] - year) < YEAR_TOL ? lo : -1;
}

/* Whether year lies within the run (with the tolerance). */
static bool covers(const rs_series *s, double year) {
  return year >= s->year[0] - YEAR_TOL && year <= s->year[s->nrows - 1] + YEAR_TOL;
}

static rs_status not_covered(const rs_target *t, const rs_series *s, double year, rs_error *err) {
  char b1[32], b2[32], b3[32];
  return rs_fail(err, RS_ERR_RUN, "target '%s': the run (%s to %s) does not cover the year %s",
                 t->id, rs_format_number(s->year[0], b1),
                 rs_format_number(s->year[s->nrows - 1], b2), rs_format_number(year, b3));
}

/* The output row of a target year into *row, or RS_ERR_RUN naming the target and the year. */
static rs_status need_row(const rs_target *t, const rs_series *s, double year, int *row,
                          rs_error *err) {
  char b1[32], b2[32], b3[32];
  *row = grid_row(s, year);
  if (*row >= 0) return RS_OK;
  if (!covers(s, year)) return not_covered(t, s, year, err);
  int k = 0;
  while (k + 1 < s->nrows && s->year[k + 1] < year) k++;
  return rs_fail(err, RS_ERR_RUN,
                 "target '%s': the year %s is not on the output grid (it falls between the rows "
                 "%s and %s); choose span.output_step so that it is",
                 t->id, rs_format_number(year, b1), rs_format_number(s->year[k], b2),
                 rs_format_number(s->year[k + 1 < s->nrows ? k + 1 : k], b3));
}

/* The residual of a model value m against t's value or range; g (NULL without sensitivities)
 * holds dm/dp on entry and receives dr/dp. Inside a range, and on its bounds, r = 0 and so is
 * its derivative. */
static double finish(const rs_target *t, double m, double *g, int ns) {
  double r, d;
  if (isnan(m)) {
    r = (double)NAN;
    d = (double)NAN;
  } else if (!isnan(t->value)) {
    r = (m - t->value) / t->scale;
    d = 1.0 / t->scale;
  } else if (m > t->upper) {
    r = (m - t->upper) / t->scale;
    d = 1.0 / t->scale;
  } else if (m < t->lower) {
    r = (m - t->lower) / t->scale;
    d = 1.0 / t->scale;
  } else {
    r = 0.0;
    d = 0.0;
  }
  for (int j = 0; g && j < ns; j++) g[j] *= d;
  return r;
}

/* point, mean_growth, mean, ratio, max_in, order: the model value *m and (g != NULL) its
 * derivatives g[0..ns-1]. */
static rs_status eval_value(const rs_target *t, const rs_series *s, const double *dS, int ns,
                            double *m, double *g, rs_error *err) {
  const int c = t->indicator;
  int k0, k1;
  rs_status st;
  char b1[32];
  if ((st = need_row(t, s, t->year, &k0, err)) != RS_OK) return st;
  if ((st = need_row(t, s, t->year2, &k1, err)) != RS_OK) return st;
  switch (t->kind) {
    case RS_TK_POINT: /* m = I(t1) */
      *m = ival(s, k0, c);
      for (int j = 0; g && j < ns; j++) g[j] = dval(dS, ns, k0, j, c);
      return RS_OK;
    case RS_TK_MEAN_GROWTH:
    case RS_TK_MEAN: { /* m = sum_k (t_k+1 - t_k) (I_k + I_k+1) / 2 / (t2 - t1) */
      double span = t->year2 - t->year, sum = 0.0;
      for (int j = 0; g && j < ns; j++) g[j] = 0.0;
      for (int k = k0; k < k1; k++) {
        double w = 0.5 * (s->year[k + 1] - s->year[k]) / span;
        sum += w * (ival(s, k, c) + ival(s, k + 1, c));
        for (int j = 0; g && j < ns; j++)
          g[j] += w * (dval(dS, ns, k, j, c) + dval(dS, ns, k + 1, j, c));
      }
      *m = sum;
      return RS_OK;
    }
    case RS_TK_RATIO: { /* m = I(t2) / I(t1), dm = (dI(t2) - m dI(t1)) / I(t1) */
      double a = ival(s, k0, c), b = ival(s, k1, c);
      if (a == 0.0)
        return rs_fail(err, RS_ERR_RUN,
                       "target '%s': indicator '%s' is 0 in %s, so the ratio is "
                       "undefined",
                       t->id, indicator_name(c), rs_format_number(t->year, b1));
      *m = b / a;
      for (int j = 0; g && j < ns; j++)
        g[j] = (dval(dS, ns, k1, j, c) - *m * dval(dS, ns, k0, j, c)) / a;
      return RS_OK;
    }
    case RS_TK_MAX_IN: { /* m = I(argmax), the first row of the maximum */
      int best = k0;
      for (int k = k0 + 1; k <= k1; k++)
        if (ival(s, k, c) > ival(s, best, c) || isnan(ival(s, k, c))) {
          best = k;
          if (isnan(ival(s, k, c))) break;
        }
      *m = ival(s, best, c);
      for (int j = 0; g && j < ns; j++) g[j] = dval(dS, ns, best, j, c);
      return RS_OK;
    }
    case RS_TK_ORDER: { /* m = I(t1) - O(t2) */
      const int o = t->other;
      *m = ival(s, k0, c) - ival(s, k1, o);
      for (int j = 0; g && j < ns; j++) g[j] = dval(dS, ns, k0, j, c) - dval(dS, ns, k1, j, o);
      return RS_OK;
    }
    default:
      return rs_fail(err, RS_ERR_INPUT, "target '%s': bad kind %d", t->id, t->kind);
  }
}

/* d(t) = I(t) - O(t) at row k, and its derivative for parameter j. */
static double gap(const rs_target *t, const rs_series *s, int k) {
  return ival(s, k, t->indicator) - ival(s, k, t->other);
}
static double dgap(const rs_target *t, const double *dS, int ns, int k, int j) {
  return dval(dS, ns, k, j, t->indicator) - dval(dS, ns, k, j, t->other);
}

/* crossing: the first grid interval [t_k, t_k+1] of the run with d_k >= 0 > d_k+1, where
 * d = I - O; in it the crossing time by linear interpolation,
 *     t* = t_k + h u / (u - v),   h = t_k+1 - t_k, u = d_k, v = d_k+1,
 *     d t* / du = -h v / (u - v)^2,  d t* / dv = h u / (u - v)^2   (u - v > 0),
 * and the residual of t* against the accepted range [year, year2] in years / scale.
 * When the indicator never falls below the other in the run, *m = NAN and crossing_gap()
 * gives the residual. */
static rs_status eval_crossing(const rs_target *t, const rs_series *s, const double *dS, int ns,
                               double *m, double *r, double *g, rs_error *err) {
  int k0, k1;
  rs_status st;
  char b1[32];
  if ((st = need_row(t, s, t->year, &k0, err)) != RS_OK) return st;
  if ((st = need_row(t, s, t->year2, &k1, err)) != RS_OK) return st;
  for (int k = 0; k < s->nrows; k++)
    if (!isfinite(gap(t, s, k)))
      return rs_fail(err, RS_ERR_RUN, "target '%s': '%s' or '%s' is not finite in %s", t->id,
                     indicator_name(t->indicator), indicator_name(t->other),
                     rs_format_number(s->year[k], b1));
  for (int k = 0; k + 1 < s->nrows; k++) {
    double u = gap(t, s, k), v = gap(t, s, k + 1);
    if (!(u >= 0.0 && v < 0.0)) continue;
    double h = s->year[k + 1] - s->year[k], q = u - v;
    *m = s->year[k] + h * u / q;
    double du = -h * v / (q * q), dv = h * u / (q * q);
    for (int j = 0; g && j < ns; j++)
      g[j] = du * dgap(t, dS, ns, k, j) + dv * dgap(t, dS, ns, k + 1, j);
    *r = finish(t, *m, g, ns);
    return RS_OK;
  }
  /* No crossing in the run. The sign of d is then negative on a first stretch of rows (maybe
   * none) and non-negative on the rest (maybe none). The residual measures how far the two
   * indicators are from crossing inside the span, in units of scale_gap:
   *   d >= 0 at the end of the span (the indicator is still above the other):
   *       r = min of d over the rows of the span where d >= 0      (>= 0: "too late");
   *   d < 0 at the end of the span (so d < 0 on every row up to it: the indicator was below
   *   the other from the start of the run, it crossed before the run began):
   *       r = max of d over the rows of the span                   (< 0: "too early").
   * Each is continuous with the crossing residual 0 where the extreme row touches zero and a
   * crossing appears inside the span; r jumps when a crossing appears outside the span. */
  int best = -1;
  if (gap(t, s, k1) >= 0.0) {
    for (int k = k0; k <= k1; k++)
      if (gap(t, s, k) >= 0.0 && (best < 0 || gap(t, s, k) < gap(t, s, best))) best = k;
  } else {
    for (int k = k0; k <= k1; k++)
      if (best < 0 || gap(t, s, k) > gap(t, s, best)) best = k;
  }
  *m = (double)NAN;
  *r = gap(t, s, best) / t->scale_gap;
  for (int j = 0; g && j < ns; j++) g[j] = dgap(t, dS, ns, best, j) / t->scale_gap;
  return RS_OK;
}

/* series: each data point (x_i, y_i[, sd_i]) against the indicator interpolated linearly
 * between the rows around x_i: I(x) = (1 - w) I_k + w I_k+1, w = (x - t_k) / (t_k+1 - t_k);
 * r_i = (I(x_i) - y_i) / sd_i (or / scale), *m = sqrt(mean of r_i^2). */
static rs_status eval_series(const rs_target *t, const rs_series *s, const double *dS, int ns,
                             double *m, double *res, double *jac, rs_error *err) {
  const int c = t->indicator;
  double sumsq = 0.0;
  for (int i = 0; i < t->npoints; i++) {
    double x = t->sx[i];
    if (!covers(s, x)) return not_covered(t, s, x, err);
    int k = grid_row(s, x), k2;
    double w = 0.0;
    if (k >= 0) {
      k2 = k;
    } else {
      k = 0;
      while (k + 2 < s->nrows && s->year[k + 1] <= x) k++;
      k2 = k + 1;
      w = (x - s->year[k]) / (s->year[k2] - s->year[k]);
    }
    double sd = t->ssd ? t->ssd[i] : t->scale;
    double mi = (1.0 - w) * ival(s, k, c) + w * ival(s, k2, c);
    res[i] = (mi - t->sy[i]) / sd;
    sumsq += res[i] * res[i];
    for (int j = 0; dS && j < ns; j++)
      jac[(size_t)i * (size_t)ns + (size_t)j] =
          ((1.0 - w) * dval(dS, ns, k, j, c) + w * dval(dS, ns, k2, j, c)) / sd;
  }
  *m = t->npoints > 0 ? sqrt(sumsq / t->npoints) : 0.0;
  return RS_OK;
}

rs_status rs_target_eval(const rs_target *t, const rs_series *s, const double *dS, int ns,
                         double *model, double *res, double *jac, rs_error *err) {
  if (model) *model = (double)NAN;
  if (!t || !s || !model) return rs_fail(err, RS_ERR_INPUT, "rs_target_eval: missing argument");
  if (!t->modelled) return RS_OK;
  if (!res || (dS && (!jac || ns < 0)))
    return rs_fail(err, RS_ERR_INPUT, "target '%s': no room for the residuals or derivatives",
                   t->id);
  if (t->kind < 0 || t->kind >= RS_NTARGETKIND || t->indicator < 0 ||
      t->indicator >= RS_NINDICATOR ||
      ((t->kind == RS_TK_ORDER || t->kind == RS_TK_CROSSING) &&
       (t->other < 0 || t->other >= RS_NINDICATOR)) ||
      (t->kind == RS_TK_SERIES && (!t->sx || !t->sy)))
    return rs_fail(err, RS_ERR_INPUT, "target '%s': incomplete target", t->id);
  if (s->nrows < 1 || !s->year || !s->ind)
    return rs_fail(err, RS_ERR_RUN, "target '%s': the run has no output rows", t->id);
  double *g = dS ? jac : NULL;
  rs_status st;
  int nres = 1;
  if (t->kind == RS_TK_SERIES) {
    st = eval_series(t, s, dS, ns, model, res, jac, err);
    nres = t->npoints;
  } else if (t->kind == RS_TK_CROSSING) {
    st = eval_crossing(t, s, dS, ns, model, &res[0], g, err);
  } else {
    st = eval_value(t, s, dS, ns, model, g, err);
    if (st == RS_OK) res[0] = finish(t, *model, g, ns);
  }
  if (st != RS_OK) return st;
  for (int i = 0; i < nres; i++)
    if (!isfinite(res[i])) {
      char b1[32];
      return rs_fail(err, RS_ERR_RUN,
                     "target '%s': residual %d is not finite (model value %s of '%s')", t->id, i,
                     rs_format_number(*model, b1), indicator_name(t->indicator));
    }
  return RS_OK;
}
