/* calib/report.c -- the calibration report: everything a calibration writes once the fit is done.
 * This file contains the writers of the files that economists read, cite and carry into their
 * counterfactuals, all written atomically into one directory, all deterministic (no dates, no
 * timings, fixed number formats), so that the same calibration writes the same bytes:
 *
 *   calibrated.cfg   a scenario over the base file holding the estimate, with the standard
 *                    error, search bounds and flags of every fitted value in its comment;
 *                    after an interrupt calibrated.partial.cfg only (the best point so far)
 *   fit.csv          one row per target (figure of the paper or external data), modelled or
 *                    not, for spreadsheets, with its origin and target file
 *   fit.md           the fit report: summary, targets, parameters, correlations,
 *                    identifiability (collinearity), targets in tension, profiles, starts,
 *                    figures
 *   parameters.csv   estimate, bounds, standard error, base value, prior, flags
 *   profiles.csv     with profiles: every point of every profile (value, cost, rise above the
 *                    best, the re-fit's status, the estimate's row, the caller's columns)
 *   series.csv       the run at the estimate (output/rs_output_write_csv)
 *   plots/           fit_<indicator>.gp: each indicator that has modelled targets with its
 *                    targets drawn on the model line (fit_R_relational for R, which would be
 *                    fit_r's file on a case-insensitive disk); residuals.gp: the scaled residuals;
 *                    correlation.gp: the correlation matrix of the estimates as a heat map;
 *                    profiles.gp: one panel per profiled parameter (cost rise, thesis);
 *                    PNG and PDF beside each when gnuplot runs (plots/rs_plots_render_script)
 *
 * Readings used in the report:
 *   within scale     |scaled residual| <= 1: the model meets the figure as well as the target
 *                    file says a user would accept (RMS for a data series)
 *   origin           a target is a figure of the paper or external data (the target file
 *                    says which); data targets are tagged "data" wherever targets are listed
 *                    or drawn, and no text calls them the paper's
 *   cost share       the target's weight * residual^2 over the whole cost (priors included)
 *   collinearity     Brun, Reichert and Kuensch (2001) and R's FME::collin: gamma <= 10 the
 *                    subset is identifiable, 10-15 borderline, > 15 poorly identifiable (its
 *                    parameters can compensate each other)
 *   tension          two targets whose cost gradients point against each other (cosine < 0):
 *                    fitting one worsens the other */
#define _XOPEN_SOURCE 700 /* realpath (XSI), getcwd */

#include "calib.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h" /* rs_output_write_csv: series.csv */
#include "plots.h"  /* rs_plots_render_script, rs_plots_indicator_scale */

/* ---------------------------------------------------------------- constants */

#define GAMMA_OK 10.0   /* collinearity index up to which a subset is identifiable */
#define GAMMA_POOR 15.0 /* above which it is poorly identifiable */
#define CORR_HIGH 0.9   /* |correlation| worth a sentence */
#define NEAR_BEST 0.01  /* a start within 1 % of the best cost reached the same cost */
#define RES_CLIP 10.0   /* the residual chart shows at most +-RES_CLIP (labels give the value) */
#define PROFILE_TOL                                                            \
  0.10 /* a profile point within 10 % of the best cost fits about as well (the \
          cut of compare --band: about what rescaling the scales by 5 % moves) */

/* Everything the writers share. */
typedef struct report_ctx {
  const char *dir;
  const char *base_path;
  const char *command; /* may be NULL */
  const rs_params *base;
  const rs_targets *ts;
  const rs_free_set *fs;
  const rs_calib_result *res;
  const rs_calib_profile *prof; /* profiles (may be NULL when nprof is 0) */
  int nprof;
  char base_ref[RS_PATH_MAX]; /* base_path as written in calibrated.cfg */
  int nmodelled, nwithin, nunmodelled;
  int nbound, nweak;
  rs_plots_report plots;
  int nfigures; /* figures drawn (scripts written) */
} report_ctx;

/* ---------------------------------------------------------------- private prototypes */

static const char *g4(double x, char buf[32]);
static const char *gyear(double x, char buf[32]);
static const char *ind_name(int ind);
static const char *status_word(int status);
static int within(const report_ctx *c, int k);
static double share(const report_ctx *c, int k);
static void years_text(const rs_target *t, char *out, size_t n);
static void bound_text(const rs_target *t, char *out, size_t n);
static void quantity_text(const rs_target *t, char *out, size_t n);
static void target_csv(const rs_target *t, char *out, size_t n);
static void put_citation(rs_buf *b, const rs_target *t);
static void put_label(rs_buf *b, const rs_target *t);
static void put_files_lines(rs_buf *b, const rs_targets *ts, const char *indent);
static void put_files_md(rs_buf *b, const rs_targets *ts);
static double series_interp(const rs_series *s, int ind, double year);
static void flags_text(const report_ctx *c, int j, char *out, size_t n);
static void se_text(double se, char *out, size_t n);
static void subset_names(const report_ctx *c, uint32_t mask, char *out, size_t n);
static const char *gamma_reading(double gamma);
static rs_status write_buf(const char *path, rs_buf *b, rs_error *err);
static rs_status dir_file(const report_ctx *c, const char *name, char *out, size_t n,
                          rs_error *err);
static rs_status check_inputs(const rs_targets *ts, const rs_free_set *fs,
                              const rs_calib_result *res, rs_error *err);
static rs_status check_profiles(const rs_free_set *fs, const rs_calib_profile *prof, int nprof,
                                rs_error *err);
static const char *fitted_note(int id, void *user);
static void put_cfg_header(rs_buf *b, const report_ctx *c, int partial, const char *name);
static rs_status write_scenario(const report_ctx *c, int partial, rs_error *err);
static rs_status write_fit_csv(const report_ctx *c, rs_error *err);
static rs_status write_parameters_csv(const report_ctx *c, rs_error *err);
static void put_gp_preamble(rs_buf *b, const char *name, const char *what, const char *data_note,
                            const char *size_png, const char *size_pdf);
static void put_gp_terminals(rs_buf *b, const char *size_png, const char *size_pdf, int font_png,
                             int font_pdf);
typedef struct fig_label fig_label;
static void add_label(fig_label *labs, int *n, double x, double y, double dy, const char *text);
static void put_fig_labels(rs_buf *b, fig_label *labs, int n, double xsplit, double xspan,
                           double yspan);
static void put_fig_indicator(rs_buf *b, const report_ctx *c, int ind);
static void put_fig_residuals(rs_buf *b, const report_ctx *c);
static void put_fig_correlation(rs_buf *b, const report_ctx *c);
static double profiles_best(const report_ctx *c);
static const char *free_units(const report_ctx *c, int j);
static const char *diff_text(double x, char buf[32]);
static rs_status write_profiles_csv(const report_ctx *c, rs_error *err);
static void put_fig_profiles(rs_buf *b, const report_ctx *c);
static rs_status render_figure(report_ctx *c, const char *plotdir, const char *name, rs_buf *b,
                               rs_error *err);
static void remove_stale(const report_ctx *c, const char *name);
static rs_status write_figures(report_ctx *c, rs_error *err);
static void put_md_summary(rs_buf *b, const report_ctx *c);
static void put_md_targets(rs_buf *b, const report_ctx *c);
static void put_md_parameters(rs_buf *b, const report_ctx *c);
static void put_md_identifiability(rs_buf *b, const report_ctx *c);
static void put_md_tension(rs_buf *b, const report_ctx *c);
static void put_md_erosion(rs_buf *b, const report_ctx *c);
static void put_md_profiles(rs_buf *b, const report_ctx *c);
static void put_md_starts(rs_buf *b, const report_ctx *c);
static void put_md_figures(rs_buf *b, const report_ctx *c);
static rs_status write_fit_md(const report_ctx *c, rs_error *err);

/* ---------------------------------------------------------------- formatting */

/* "%.4g" for reading: "n/a" for NAN, "inf"/"-inf", and 0 for -0. */
static const char *g4(double x, char buf[32]) {
  if (isnan(x))
    snprintf(buf, 32, "n/a");
  else
    snprintf(buf, 32, "%.4g", x == 0.0 ? 0.0 : x);
  return buf;
}

/* A year: "1955", "1955.5". */
static const char *gyear(double x, char buf[32]) {
  snprintf(buf, 32, "%.6g", x);
  return buf;
}

static const char *ind_name(int ind) {
  return ind >= 0 && ind < RS_NINDICATOR ? rs_indicator_info_get(ind)->name : "";
}

/* The status of a start (rs_calib_start.status) in words. */
static const char *status_word(int status) {
  switch (status) {
    case 0:
      return "converged";
    case 1:
      return "iteration limit";
    case 2:
      return "interrupted";
    case 3:
      return "failed";
    default:
      return "unknown";
  }
}

/* 1 if modelled target k is met within its scale, 0 if not, -1 when not modelled or its residual
 * is unknown. */
static int within(const report_ctx *c, int k) {
  if (!c->ts->t[k].modelled || isnan(c->res->resid[k])) return -1;
  return fabs(c->res->resid[k]) <= 1.0;
}

/* Share of the whole cost due to target k (0 when the cost is 0). */
static double share(const report_ctx *c, int k) {
  if (!c->ts->t[k].modelled) return (double)NAN;
  double tc = c->res->tcost[k];
  return c->res->cost > 0.0 && isfinite(tc) ? tc / c->res->cost : 0.0;
}

/* "1955", "1955-1973", or "" when the entry has no year. */
static void years_text(const rs_target *t, char *out, size_t n) {
  char y1[32], y2[32];
  if (isnan(t->year))
    rs_snprintf_fits(out, n, "%s", "");
  else if (isnan(t->year2) || t->year2 == t->year)
    rs_snprintf_fits(out, n, "%s", gyear(t->year, y1));
  else
    rs_snprintf_fits(out, n, "%s-%s", gyear(t->year, y1), gyear(t->year2, y2));
}

/* The target of a value or range kind, in the indicator's units: "0.61", "0.03 to 0.04",
 * ">= 0.95", "<= 0.2". */
static void bound_text(const rs_target *t, char *out, size_t n) {
  char a[32], b[32];
  if (!isnan(t->value))
    rs_snprintf_fits(out, n, "%s", g4(t->value, a));
  else if (isfinite(t->lower) && isfinite(t->upper))
    rs_snprintf_fits(out, n, "%s to %s", g4(t->lower, a), g4(t->upper, b));
  else if (isfinite(t->lower))
    rs_snprintf_fits(out, n, ">= %s", g4(t->lower, a));
  else if (isfinite(t->upper))
    rs_snprintf_fits(out, n, "<= %s", g4(t->upper, b));
  else
    rs_snprintf_fits(out, n, "any");
}

/* What the target compares and what it asks, in words (UTF-8, for fit.md): "a(1955) = 0.61",
 * "mean tfp_growth 1955-1973 = 0.022", "R(2000)/R(1985) in 0.9 to 1.15", "F(2000) − F(1993) < 0",
 * "year e falls below closure: 1990-1994", "e: 12 data points 1960-1999". The model column of
 * fit.md gives the model's value of the same quantity. */
static void quantity_text(const rs_target *t, char *out, size_t n) {
  char y1[32], y2[32], bt[96], yrs[80];
  const char *i = ind_name(t->indicator), *o = ind_name(t->other);
  bound_text(t, bt, sizeof bt);
  years_text(t, yrs, sizeof yrs);
  const char *rel =
      isnan(t->value) ? (isfinite(t->lower) && isfinite(t->upper) ? " in " : " ") : " = ";
  switch (t->kind) {
    case RS_TK_POINT:
      rs_snprintf_fits(out, n, "%s(%s)%s%s", i, yrs, rel, bt);
      break;
    case RS_TK_MEAN_GROWTH:
    case RS_TK_MEAN:
      rs_snprintf_fits(out, n, "mean %s %s%s%s", i, yrs, rel, bt);
      break;
    case RS_TK_RATIO:
      rs_snprintf_fits(out, n, "%s(%s)/%s(%s)%s%s", i, gyear(t->year2, y2), i, gyear(t->year, y1),
                       rel, bt);
      break;
    case RS_TK_MAX_IN:
      rs_snprintf_fits(out, n, "max %s %s%s%s", i, yrs, rel, bt);
      break;
    case RS_TK_ORDER:
      rs_snprintf_fits(out, n, "%s(%s) − %s(%s) < 0", i, gyear(t->year, y1), o,
                       gyear(t->year2, y2));
      break;
    case RS_TK_CROSSING:
      rs_snprintf_fits(out, n, "year %s falls below %s: %s", i, o, yrs);
      break;
    case RS_TK_SERIES:
      rs_snprintf_fits(out, n, "%s: %d data points %s", i, t->npoints, yrs);
      break;
    default:
      rs_snprintf_fits(out, n, "%s", i);
  }
}

/* The target column of fit.csv: the value, or "lower..upper" ("-inf..0" for an order, the span
 * of years for a crossing, "" for a series or an unmodelled entry). */
static void target_csv(const rs_target *t, char *out, size_t n) {
  char a[32], b[32];
  if (!t->modelled || t->kind == RS_TK_SERIES)
    rs_snprintf_fits(out, n, "%s", "");
  else if (!isnan(t->value))
    rs_snprintf_fits(out, n, "%s", rs_format_csv6(t->value, a));
  else
    rs_snprintf_fits(out, n, "%s..%s", rs_format_csv6(t->lower, a), rs_format_csv6(t->upper, b));
}

/* The citation of a target for fit.md: "sec. 2: “quote”" for a figure of the paper, "data: OECD
 * MSTI: “quote” (source: publisher, ...)" for external data. */
static void put_citation(rs_buf *b, const rs_target *t) {
  put_label(b, t);
  rs_buf_printf(b, ": “");
  rs_buf_md_cell(b, t->quote);
  rs_buf_printf(b, "”");
  if (t->origin == RS_TO_DATA) {
    rs_buf_printf(b, " (source: ");
    rs_buf_md_cell(b, t->source);
    rs_buf_printf(b, ")");
  }
}

/* Where a target comes from in a few words: "sec. 2" (the paper) or its data label. */
static void put_label(rs_buf *b, const rs_target *t) {
  if (t->origin != RS_TO_DATA) rs_buf_printf(b, "sec. ");
  rs_buf_md_cell(b, t->section);
}

/* The target files, one line each: "INDENTparams/targets.cfg (paper): 66 figures, 31 modelled",
 * with the data left out by --paper-only and the file a base belongs to. */
static void put_files_lines(rs_buf *b, const rs_targets *ts, const char *indent) {
  for (int f = 0; f < ts->nfiles; f++) {
    const rs_target_file *tf = &ts->file[f];
    int modelled = 0;
    for (int k = 0; k < ts->n; k++) modelled += ts->t[k].file == f && ts->t[k].modelled;
    rs_buf_printf(b, "%s%s (%s", indent, tf->path, rs_target_origin_name(tf->origin));
    if (tf->base_of >= 0) rs_buf_printf(b, ", base of %s", ts->file[tf->base_of].path);
    rs_buf_printf(b, "): %d figure%s, %d modelled", tf->nentries, tf->nentries == 1 ? "" : "s",
                  modelled);
    if (tf->ndropped > 0) rs_buf_printf(b, "; %d left out by --paper-only", tf->ndropped);
    rs_buf_printf(b, "\n");
  }
}

/* The target files for the prose of fit.md: "`a.cfg` (paper, 66 figures) and `b.cfg` (data, 1
 * figure)". */
static void put_files_md(rs_buf *b, const rs_targets *ts) {
  if (ts->nfiles == 0) rs_buf_printf(b, "(unnamed)");
  for (int f = 0; f < ts->nfiles; f++) {
    const rs_target_file *tf = &ts->file[f];
    rs_buf_printf(b, "%s`", f == 0 ? "" : f == ts->nfiles - 1 ? " and " : ", ");
    rs_buf_md_cell(b, tf->path);
    rs_buf_printf(b, "` (%s, %d figure%s", rs_target_origin_name(tf->origin), tf->nentries,
                  tf->nentries == 1 ? "" : "s");
    if (tf->ndropped > 0) rs_buf_printf(b, "; %d left out by `--paper-only`", tf->ndropped);
    rs_buf_printf(b, ")");
  }
}

/* Indicator ind of s at year, interpolated linearly between rows (held at the ends); NAN for an
 * empty series. */
static double series_interp(const rs_series *s, int ind, double year) {
  if (s->nrows <= 0) return (double)NAN;
  if (year <= s->year[0]) return rs_series_at(s, 0, ind);
  for (int i = 1; i < s->nrows; i++) {
    if (year <= s->year[i]) {
      double t0 = s->year[i - 1], t1 = s->year[i];
      double v0 = rs_series_at(s, i - 1, ind), v1 = rs_series_at(s, i, ind);
      return t1 > t0 ? v0 + (v1 - v0) * (year - t0) / (t1 - t0) : v1;
    }
  }
  return rs_series_at(s, s->nrows - 1, ind);
}

/* "AT BOUND; weakly identified", "AT BOUND", "weakly identified" or "". */
static void flags_text(const report_ctx *c, int j, char *out, size_t n) {
  const rs_calib_result *r = c->res;
  rs_snprintf_fits(out, n, "%s%s%s", r->at_bound[j] ? "AT BOUND" : "",
                   r->at_bound[j] && r->weak[j] ? "; " : "", r->weak[j] ? "weakly identified" : "");
}

/* A standard error for reading: "0.0123", "not identified" (infinite), "n/a" (NAN). */
static void se_text(double se, char *out, size_t n) {
  char a[32];
  if (isinf(se))
    rs_snprintf_fits(out, n, "not identified");
  else
    rs_snprintf_fits(out, n, "%s", g4(se, a));
}

/* The names of the free parameters in mask: "tfp.lambda, tfp.gamma". */
static void subset_names(const report_ctx *c, uint32_t mask, char *out, size_t n) {
  size_t len = 0;
  out[0] = '\0';
  for (int j = 0; j < c->fs->n && j < 32 && len < n; j++) {
    if (!(mask & (UINT32_C(1) << j))) continue;
    int k = snprintf(out + len, n - len, "%s%s", len ? ", " : "", c->fs->p[j].name);
    if (k < 0) break;
    len += (size_t)k;
  }
}

/* The FME reading of a collinearity index. */
static const char *gamma_reading(double gamma) {
  if (!isfinite(gamma)) return "not identifiable: the parameters' effects are linearly dependent";
  if (gamma <= GAMMA_OK) return "identifiable";
  if (gamma <= GAMMA_POOR) return "borderline: nearly compensating";
  return "poorly identifiable: the parameters can compensate each other";
}

/* ---------------------------------------------------------------- files and paths */

/* Write a finished buffer atomically. */
static rs_status write_buf(const char *path, rs_buf *b, rs_error *err) {
  if (b->failed || !b->data) return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path);
  return rs_write_file(path, b->data, err);
}

/* dir/name into out, or RS_ERR_IO if it does not fit. */
static rs_status dir_file(const report_ctx *c, const char *name, char *out, size_t n,
                          rs_error *err) {
  if (!rs_snprintf_fits(out, n, "%s/%s", c->dir, name))
    return rs_fail(err, RS_ERR_IO, "%s/%s: path too long", c->dir, name);
  return RS_OK;
}

/* base_path as calibrated.cfg (in dir) must name it: the relative path from dir to base_path
 * computed from the real paths of both directories (so that moving or copying the tree keeps
 * the reference), or the absolute path when the two share nothing but the root or a real path
 * cannot be found. The file name itself is kept (a symbolic link stays a link). */
void rs_calib_base_reference(const char *dir, const char *base_path, char *out, size_t n) {
  char bdir[RS_PATH_MAX], rd[PATH_MAX], rb[PATH_MAX], cwd[RS_PATH_MAX];
  const char *slash = strrchr(base_path, '/');
  const char *file = slash ? slash + 1 : base_path;
  rs_dirname(base_path, bdir, sizeof bdir);
  if (!realpath(dir, rd) || !realpath(bdir, rb)) {
    if (base_path[0] == '/' || !getcwd(cwd, sizeof cwd))
      rs_snprintf_fits(out, n, "%s", base_path);
    else
      rs_snprintf_fits(out, n, "%s/%s", cwd, base_path);
    return;
  }
  /* common leading components of rd and rb */
  size_t common = 0;
  for (size_t i = 1;; i++) {
    int end_d = rd[i] == '/' || rd[i] == '\0', end_b = rb[i] == '/' || rb[i] == '\0';
    if (end_d && end_b) common = i;
    if (rd[i] != rb[i] || rd[i] == '\0') break;
  }
  if (common == 0 && strcmp(rd, "/") != 0 && strcmp(rb, "/") != 0) {
    rs_snprintf_fits(out, n, "%s/%s", rb, file); /* nothing in common but the root */
    return;
  }
  size_t len = 0;
  out[0] = '\0';
  /* one ".." for every component of rd after the common part */
  for (size_t i = common; rd[i] != '\0'; i++)
    if (rd[i] == '/' && rd[i + 1] != '\0' && len + 4 < n) {
      memcpy(out + len, "../", 3);
      len += 3;
      out[len] = '\0';
    }
  const char *rest = rb + common;
  while (*rest == '/') rest++;
  rs_snprintf_fits(out + len, n - len, "%s%s%s", rest, *rest ? "/" : "", file);
}

/* The result must describe this target set and free set. */
static rs_status check_inputs(const rs_targets *ts, const rs_free_set *fs,
                              const rs_calib_result *res, rs_error *err) {
  if (res->n != fs->n || fs->n < 0 || fs->n > RS_FREE_MAX)
    return rs_fail(err, RS_ERR_INPUT,
                   "calibration report: the result has %d free parameters, the free set %d", res->n,
                   fs->n);
  if (res->ntargets != ts->n)
    return rs_fail(err, RS_ERR_INPUT,
                   "calibration report: the result has %d targets, the target set %d",
                   res->ntargets, ts->n);
  if (ts->n > 0 && (!ts->t || !res->model || !res->resid || !res->tcost))
    return rs_fail(err, RS_ERR_INPUT, "calibration report: per-target results missing");
  if (res->nstarts < 0 || (res->nstarts > 0 && !res->starts) || res->nextra < 0 ||
      (res->nextra > 0 && res->nextra >= res->nstarts) || res->ncollin < 0 ||
      (res->ncollin > 0 && !res->collin) || res->ntension < 0 ||
      (res->ntension > 0 && !res->tension))
    return rs_fail(err, RS_ERR_INPUT,
                   "calibration report: inconsistent result (starts, "
                   "collinearity or tension lists)");
  for (int i = 0; i < res->ntension; i++)
    if (res->tension[i].a < 0 || res->tension[i].a >= ts->n || res->tension[i].b < 0 ||
        res->tension[i].b >= ts->n)
      return rs_fail(err, RS_ERR_INPUT, "calibration report: tension pair %d names no target",
                     i + 1);
  return RS_OK;
}

/* ---------------------------------------------------------------- calibrated.cfg */

/* The comment callback of rs_params_write_scenario: the note of a fitted scalar. */
typedef struct note_ctx {
  const report_ctx *c;
  char text[256];
} note_ctx;

static const char *fitted_note(int id, void *user) {
  note_ctx *nc = user;
  const rs_free_set *fs = nc->c->fs;
  for (int j = 0; j < fs->n; j++) {
    if (fs->p[j].ref.id != id) continue;
    char se[32], lo[32], hi[32], fl[64];
    se_text(nc->c->res->se[j], se, sizeof se);
    flags_text(nc->c, j, fl, sizeof fl);
    rs_snprintf_fits(nc->text, sizeof nc->text, "fitted; SE %s (bounds %s to %s)%s%s", se,
                     g4(fs->p[j].lower, lo), g4(fs->p[j].upper, hi), fl[0] ? "; " : "", fl);
    return nc->text;
  }
  return NULL;
}

/* The header of calibrated.cfg (or calibrated.partial.cfg), without '#' (the writer adds it). */
static void put_cfg_header(rs_buf *b, const report_ctx *c, int partial, const char *name) {
  const rs_calib_result *r = c->res;
  const rs_free_set *fs = c->fs;
  char a[32], lo[32], hi[32];
  if (partial)
    rs_buf_printf(b,
                  "%s -- relsim: the best point so far of an INTERRUPTED calibration.\n"
                  "It is not an optimum: the fit stopped before it converged. Resume or rerun\n"
                  "the calibration before using these values; no fit report was written.\n",
                  name);
  else
    rs_buf_printf(b,
                  "%s -- relsim: the calibrated parameters, fitted to the targets named\n"
                  "below (figures of Hatch (2001)%s), as a scenario over the base file named\n"
                  "below. Use it as the base of a counterfactual: base = \"%s\"; then set\n"
                  "only what changes. The fit report (fit.md, fit.csv, parameters.csv, plots/)\n"
                  "is beside it.\n",
                  name, rs_targets_count(c->ts, RS_TO_DATA) > 0 ? " and external data" : "", name);
  rs_buf_printf(b, "\n");
  if (c->command && c->command[0]) rs_buf_printf(b, "command:  %s\n", c->command);
  rs_buf_printf(b, "base:     %s\n", c->base_path);
  rs_buf_printf(b, "targets:  %d figures, %d modelled, %d within scale at this point%s, from\n",
                c->ts->n, c->nmodelled, c->nwithin,
                c->ts->paper_only ? " (--paper-only: the data targets left out)" : "");
  put_files_lines(b, c->ts, "            ");
  rs_buf_printf(b, "free:     %s: %d parameter%s\n", fs->file[0] ? fs->file : "(unnamed)", fs->n,
                fs->n == 1 ? "" : "s");
  rs_buf_printf(b, "cost:     %s (sum of weight x scaled residual^2, priors included)\n",
                rs_format_csv6(r->cost, a));
  rs_buf_printf(b, "starts:   %d, best start %d; %ld model runs%s\n", r->nstarts, r->best + 1,
                r->runs, r->interrupted ? "; INTERRUPTED" : "");
  rs_buf_printf(b, "\nestimate (standard error; search bounds; flags):\n");
  for (int j = 0; j < fs->n; j++) {
    char se[32], fl[64];
    se_text(r->se[j], se, sizeof se);
    flags_text(c, j, fl, sizeof fl);
    rs_buf_printf(b, "  %-30s %-12s (SE %s; %s to %s%s%s)\n", fs->p[j].name,
                  rs_format_csv6(r->x[j], a), se, g4(fs->p[j].lower, lo), g4(fs->p[j].upper, hi),
                  fl[0] ? "; " : "", fl);
  }
  rs_buf_printf(b,
                "\nThe settings below hold the estimate to the last bit. Standard errors are\n"
                "linearised (Gauss-Newton, (J'J)^-1, scales read as standard deviations); AT\n"
                "BOUND means the fit presses\n"
                "against a search bound, \"weakly identified\" that the figures hardly pin the\n"
                "value down (see fit.md). No date is written: the same calibration writes the\n"
                "same file.");
}

/* calibrated.cfg (or calibrated.partial.cfg): the fitted parameters as a scenario over base. */
static rs_status write_scenario(const report_ctx *c, int partial, rs_error *err) {
  const char *name = partial ? "calibrated.partial.cfg" : "calibrated.cfg";
  char path[RS_PATH_MAX];
  rs_status st = dir_file(c, name, path, sizeof path, err);
  if (st != RS_OK) return st;
  rs_buf h;
  rs_buf_init(&h);
  put_cfg_header(&h, c, partial, name);
  if (h.failed) {
    rs_buf_free(&h);
    return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path);
  }
  rs_afile f;
  st = rs_afile_open(&f, path, err);
  if (st == RS_OK) {
    note_ctx nc = {.c = c};
    rs_error werr;
    st = rs_params_write_scenario(f.fp, &c->res->fitted, c->base, c->base_ref, h.data, fitted_note,
                                  &nc, &werr);
    if (st != RS_OK) {
      rs_afile_abort(&f);
      st = rs_fail(err, st, "%s: %s", path, werr.msg);
    } else {
      st = rs_afile_commit(&f, err);
    }
  }
  rs_buf_free(&h);
  return st;
}

/* ---------------------------------------------------------------- fit.csv, parameters.csv */

/* fit.csv: one row per target in file order, modelled or not. */
static rs_status write_fit_csv(const report_ctx *c, rs_error *err) {
  char path[RS_PATH_MAX];
  rs_status st = dir_file(c, "fit.csv", path, sizeof path, err);
  if (st != RS_OK) return st;
  rs_buf b;
  rs_buf_init(&b);
  /* stated_value: the figure as the paper or the data source states it (the target file's
   * paper_value); origin, file and source come last, after the columns of earlier reports */
  rs_buf_printf(&b,
                "id,modelled,kind,indicator,other,year,year2,target,stated_value,scale,model,"
                "residual,weight,cost_share,within_scale,section,quote,reason,origin,file,"
                "source\n");
  for (int k = 0; k < c->ts->n; k++) {
    const rs_target *t = &c->ts->t[k];
    char v[8][32], tg[96];
    int m = t->modelled;
    target_csv(t, tg, sizeof tg);
    rs_buf_csv_field(&b, t->id);
    rs_buf_printf(&b, ",%s,%s,%s,%s,%s,%s,", m ? "yes" : "no",
                  m ? rs_target_kind_name(t->kind) : "", m ? ind_name(t->indicator) : "",
                  m && t->other != t->indicator ? ind_name(t->other) : "",
                  rs_format_csv6(t->year, v[0]), rs_format_csv6(t->year2, v[1]));
    rs_buf_csv_field(&b, tg);
    rs_buf_printf(&b, ",");
    rs_buf_csv_field(&b, t->paper_value);
    int w = within(c, k);
    rs_buf_printf(&b, ",%s,%s,%s,%s,%s,%s,", m ? rs_format_csv6(t->scale, v[2]) : "",
                  m ? rs_format_csv6(c->res->model[k], v[3]) : "",
                  m ? rs_format_csv6(c->res->resid[k], v[4]) : "",
                  m ? rs_format_csv6(t->weight, v[5]) : "",
                  m ? rs_format_csv6(share(c, k), v[6]) : "",
                  w < 0 ? "-"
                  : w   ? "yes"
                        : "no");
    rs_buf_csv_field(&b, t->section);
    rs_buf_printf(&b, ",");
    rs_buf_csv_field(&b, t->quote);
    rs_buf_printf(&b, ",");
    rs_buf_csv_field(&b, m ? "" : t->reason);
    rs_buf_printf(&b, ",%s,", rs_target_origin_name(t->origin));
    rs_buf_csv_field(&b, t->file >= 0 && t->file < c->ts->nfiles ? c->ts->file[t->file].path : "");
    rs_buf_printf(&b, ",");
    rs_buf_csv_field(&b, t->source);
    rs_buf_printf(&b, "\n");
  }
  st = write_buf(path, &b, err);
  rs_buf_free(&b);
  return st;
}

/* parameters.csv: one row per free parameter; the estimate to the last bit. */
static rs_status write_parameters_csv(const report_ctx *c, rs_error *err) {
  char path[RS_PATH_MAX];
  rs_status st = dir_file(c, "parameters.csv", path, sizeof path, err);
  if (st != RS_OK) return st;
  const rs_calib_result *r = c->res;
  rs_buf b;
  rs_buf_init(&b);
  rs_buf_printf(&b, "name,units,estimate,lower,upper,se,base,prior_mean,prior_sd,at_bound,weak\n");
  for (int j = 0; j < c->fs->n; j++) {
    const rs_free_param *fp = &c->fs->p[j];
    char est[32], v[6][32];
    const char *units = fp->ref.id >= 0
                            ? rs_param_info_get(fp->ref.id)->units
                            : rs_channel_info_get(c->base->events[fp->ref.event].channel)->units;
    rs_buf_csv_field(&b, fp->name);
    rs_buf_printf(&b, ",");
    rs_buf_csv_field(&b, units);
    rs_buf_printf(&b, ",%s,%s,%s,%s,%s,%s,%s,%s,%s\n", rs_format_double(r->x[j], est),
                  rs_format_csv6(fp->lower, v[0]), rs_format_csv6(fp->upper, v[1]),
                  rs_format_csv6(r->se[j], v[2]),
                  rs_format_csv6(rs_pref_get(c->base, fp->ref), v[3]),
                  fp->has_prior ? rs_format_csv6(fp->prior_mean, v[4]) : "",
                  fp->has_prior ? rs_format_csv6(fp->prior_sd, v[5]) : "",
                  r->at_bound[j] ? "yes" : "no", r->weak[j] ? "yes" : "no");
  }
  st = write_buf(path, &b, err);
  rs_buf_free(&b);
  return st;
}

/* ---------------------------------------------------------------- figures */

/* The opening of a figure script: what it is, how to re-run it, the data file, the styles
 * (the colours of plots/plots.c: blue the model, vermillion a second line, black the targets). */
static void put_gp_preamble(rs_buf *b, const char *name, const char *what, const char *data_note,
                            const char *size_png, const char *size_pdf) {
  rs_buf_printf(b, "# %s.gp -- relsim calibration figure: %s\n# %s", name, what,
                data_note ? data_note
                          : "Model lines from ../series.csv (the run at the estimate, columns by "
                            "name); targets\n# as datablocks below.");
  rs_buf_printf(b,
                " Written by relsim %s (calib/report.c); edit freely and "
                "re-run:\n"
                "#   cd <calibration directory>/plots && gnuplot %s.gp\n"
                "# It writes %s.png (%s) and %s.pdf (%s); for another base name:\n"
                "#   gnuplot -e \"outbase='name'\" %s.gp\n\n",
                RS_VERSION, name, name, size_png, name, size_pdf, name);
  rs_buf_printf(b,
                "if (!exists(\"outbase\")) outbase = \"%s\"\n"
                "if (!exists(\"data\")) data = \"../series.csv\"\n\n"
                "set datafile separator \",\"\n"
                "set style line 1 lc rgb \"#0072B2\" lw 2 dt 1\n"
                "set style line 2 lc rgb \"#D55E00\" lw 2 dt 1\n"
                "set style line 3 lc rgb \"#009E73\" lw 2 dt 1\n"
                "set style line 9 lc rgb \"black\" lw 1.5 pt 7\n"
                "set style line 11 lc rgb \"black\" lw 1.5 dt 2 pt 6\n"
                "set style line 12 lc rgb \"#D55E00\" lw 1.5 pt 5\n"
                "set style line 13 lc rgb \"black\" lw 1.5 dt 1 pt 6\n"
                "set style line 10 lc rgb \"gray50\" lw 1 dt 2\n"
                "set grid lc rgb \"#e0e0e0\" lw 1 dt 1\n"
                "set border lw 1\n",
                name);
}

/* The loop that draws the figure once for the PNG and once for the PDF; the caller writes the
 * settings and plot commands after it and closes it with "  set output\n}\n". */
static void put_gp_terminals(rs_buf *b, const char *size_png, const char *size_pdf, int font_png,
                             int font_pdf) {
  rs_buf_printf(b,
                "\ndo for [ext in \"png pdf\"] {\n"
                "  if (ext eq \"png\") {\n"
                "    set terminal pngcairo size %s noenhanced font \"Helvetica,%d\" "
                "linewidth 2\n"
                "    set pointsize 1.2\n"
                "    small = \"Helvetica,%d\"\n"
                "  } else {\n"
                "    set terminal pdfcairo size %s noenhanced font \"Helvetica,%d\" "
                "linewidth 1\n"
                "    set pointsize 0.6\n"
                "    small = \"Helvetica,%d\"\n"
                "  }\n"
                "  set output outbase.\".\".ext\n",
                size_png, font_png, font_png * 2 / 3, size_pdf, font_pdf, (4 * font_pdf + 2) / 5);
}

/* Datablock rows of an indicator figure, by how they are drawn. */
enum {
  B_VAL,   /* x0,x1,value,lo,hi,label: a value +-scale at a year (x0 = x1) or over a span */
  B_PEAK,  /* x0,x1,value,lo,hi,label: the peak within a span, +-scale */
  B_RANGE, /* x0,x1,lo,hi,label: an accepted range at a year (a bar) or over a span (a box) */
  B_BOUND, /* x0,x1,bound,arrow,label: a one-sided range: the bound and an arrow to the
              accepted side */
  B_LINK,  /* x0,y0,x1,y1: a ratio: the model at the first year joined to the implied target */
  B_ORDER, /* x0,y0,x1,y1,label: an order: the two model values compared */
  B_DATA,  /* x,value,sd: data series */
  NBLOCK
};

/* The file name of the figure of indicator ind: "fit_a", "fit_rd_total". Names that differ only
 * in case (r, the return on capital, and R, the ties) would be one file on a case-insensitive
 * file system (macOS, Windows): the one with capitals gets the first word of its label too,
 * "fit_R_relational". */
static void fig_name(int ind, char *out, size_t n) {
  const rs_indicator_info *info = rs_indicator_info_get(ind);
  int clash = 0, upper = 0;
  for (const char *p = info->name; *p; p++) upper |= isupper((unsigned char)*p) != 0;
  for (int i = 0; i < RS_NINDICATOR && upper && !clash; i++) {
    const char *a = info->name, *b = rs_indicator_info_get(i)->name;
    if (i == ind || strlen(a) != strlen(b)) continue;
    clash = 1;
    for (; *a && clash; a++, b++) clash = tolower((unsigned char)*a) == tolower((unsigned char)*b);
  }
  if (!clash) {
    rs_snprintf_fits(out, n, "fit_%s", info->name);
    return;
  }
  size_t w = strspn(info->label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
  rs_snprintf_fits(out, n, "fit_%s_%.*s", info->name, (int)(w > 20 ? 20 : w), info->label);
}

/* A label of a target on an indicator figure: at (x, y) in plotted units, dy characters up. */
struct fig_label {
  double x, y, dy;
  char text[160];
};

static void add_label(fig_label *labs, int *n, double x, double y, double dy, const char *text) {
  if (!labs || !isfinite(x) || !isfinite(y)) return;
  fig_label *l = &labs[(*n)++];
  l->x = x;
  l->y = y;
  l->dy = dy;
  rs_snprintf_fits(l->text, sizeof l->text, "%s", text);
}

/* The labels as "set label" commands, in order of x (file order among equal x): to the right of
 * their marks, but to the left beyond xsplit (the last quarter of the run) so that none runs
 * out of the plot; a label near one before it (closer in x than that label's text is wide,
 * about 1.1 % of the x span a character in the small font, at least 8 %, and within 6 % of the
 * y span yspan) is moved a line below it. One command per label, because gnuplot draws "with
 * labels" with one offset for all (and crashes on it when no point is defined). */
static void put_fig_labels(rs_buf *b, fig_label *labs, int n, double xsplit, double xspan,
                           double yspan) {
  for (int i = 1; i < n; i++) /* insertion sort: stable */
    for (int j = i; j > 0 && labs[j].x < labs[j - 1].x; j--) {
      fig_label tmp = labs[j];
      labs[j] = labs[j - 1];
      labs[j - 1] = tmp;
    }
  for (int i = 0; i < n; i++) {
    fig_label *l = &labs[i];
    for (int j = i - 1; j >= 0; j--) {
      double wide = fmax(0.08, 0.011 * (double)strlen(labs[j].text)) * xspan;
      if (fabs(l->x - labs[j].x) > wide) continue;
      if (fabs(l->y - labs[j].y) < 0.06 * yspan && l->dy > labs[j].dy - 1.2)
        l->dy = labs[j].dy - 1.2;
    }
    char x[32], y[32];
    int right = l->x >= xsplit;
    rs_buf_printf(b, "  set label %d ", 200 + i);
    rs_plots_quote(b, l->text);
    rs_buf_printf(b, " at first %s, first %s %s offset %d, %.1f font small front\n",
                  rs_format_csv6(l->x, x), rs_format_csv6(l->y, y), right ? "right" : "left",
                  right ? -1 : 1, l->dy);
  }
}

/* A figure of indicator ind at the estimate with every modelled target of the indicator drawn
 * on the model line: values with +-scale bars, ranges as bars or boxes, one-sided ranges as an
 * arrow from the bound, span means as segments over their span, peaks as dashed segments,
 * ratios as the implied value at the second year joined to the model at the first, orders as
 * the two compared model values joined, crossings as a shaded target span with the model's
 * crossing year, data series as points with +-sd bars. Each mark is labelled with its id, tagged
 * "[data]" for a data target; the title and the key say "the paper's figures" only of figures
 * of the paper. */
static void put_fig_indicator(rs_buf *b, const report_ctx *c, int ind) {
  static const char *const block_name[NBLOCK] = {"val",  "peak",  "range", "bound",
                                                 "link", "order", "data"};
  const rs_targets *ts = c->ts;
  const rs_series *s = &c->res->series;
  const rs_indicator_info *info = rs_indicator_info_get(ind);
  char units[64], name[80], what[256], x0buf[32];
  double k = rs_plots_indicator_scale(ind, units, sizeof units);
  fig_name(ind, name, sizeof name);
  rs_snprintf_fits(what, sizeof what, "%s (%s) at the estimate, with its targets", info->label,
                   info->name);
  put_gp_preamble(b, name, what, NULL, "1200x800", "16 x 11 cm");

  /* the second lines (order/crossing against another indicator) */
  int others[RS_NINDICATOR], nothers = 0;
  for (int i = 0; i < ts->n; i++) {
    const rs_target *t = &ts->t[i];
    if (!t->modelled || t->indicator != ind || t->other < 0 || t->other == ind) continue;
    int seen = 0;
    for (int j = 0; j < nothers; j++) seen |= others[j] == t->other;
    if (!seen && nothers < 2) others[nothers++] = t->other;
  }

  /* the datablocks, and the objects of crossings */
  rs_buf blk[NBLOCK], obj;
  for (int q = 0; q < NBLOCK; q++) rs_buf_init(&blk[q]);
  rs_buf_init(&obj);
  int ncross = 0;
  unsigned origins = 0, blk_origins[NBLOCK] = {0}; /* bit 0: the paper, bit 1: data */
  /* labels beyond xsplit (the last quarter of the run) go to the left of their marks */
  double first = s->nrows > 0 ? s->year[0] : 0.0, last = s->nrows > 0 ? s->year[s->nrows - 1] : 1.0;
  double xsplit = last - 0.25 * (last - first);
  fig_label *labs = calloc((size_t)ts->n + 1, sizeof *labs);
  int nlabs = 0;
  if (!labs) b->failed = 1;
  for (int i = 0; i < ts->n; i++) {
    const rs_target *t = &ts->t[i];
    if (!t->modelled || t->indicator != ind) continue;
    char x0[32], x1[32], v[4][32];
    double y0 = t->year, y1 = t->year2;
    double f = 1.0; /* a ratio's target is f times the ratio, drawn at year2 */
    int w = within(c, i);
    unsigned bit = t->origin == RS_TO_DATA ? 2u : 1u;
    const char *tag = t->origin == RS_TO_DATA ? " [data]" : "";
    char label[RS_TARGET_ID_MAX + 16];
    rs_snprintf_fits(label, sizeof label, "%s%s%s", t->id, tag, w == 0 ? " (x)" : "");
    origins |= bit;
    if (t->kind == RS_TK_RATIO) {
      /* drawn as the target it implies at year2, given the model's value at year */
      double base_v = series_interp(s, ind, t->year);
      if (!isfinite(base_v)) continue;
      f = base_v;
      y0 = y1 = t->year2;
      double tv = !isnan(t->value)                           ? t->value
                  : isfinite(t->lower) && isfinite(t->upper) ? 0.5 * (t->lower + t->upper)
                  : isfinite(t->lower)                       ? t->lower
                                                             : t->upper;
      rs_buf_printf(&blk[B_LINK], "%s,%s,%s,%s\n", rs_format_csv6(t->year, x0),
                    rs_format_csv6(base_v, v[0]), rs_format_csv6(t->year2, x1),
                    rs_format_csv6(f * tv, v[1]));
    }
    switch (t->kind) {
      case RS_TK_RATIO:
      case RS_TK_POINT:
      case RS_TK_MEAN:
      case RS_TK_MEAN_GROWTH:
      case RS_TK_MAX_IN: {
        rs_format_csv6(y0, x0);
        rs_format_csv6(y1, x1);
        if (!isnan(t->value)) {
          int q = t->kind == RS_TK_MAX_IN ? B_PEAK : B_VAL;
          blk_origins[q] |= bit;
          rs_buf_printf(&blk[q], "%s,%s,%s,%s,%s,", x0, x1, rs_format_csv6(f * t->value, v[0]),
                        rs_format_csv6(f * (t->value - t->scale), v[1]),
                        rs_format_csv6(f * (t->value + t->scale), v[2]));
          rs_plots_quote(&blk[q], label);
          rs_buf_printf(&blk[q], "\n");
          add_label(labs, &nlabs, 0.5 * (y0 + y1), k * f * t->value, 0.5, label);
        } else if (isfinite(t->lower) && isfinite(t->upper)) {
          rs_buf_printf(&blk[B_RANGE], "%s,%s,%s,%s,", x0, x1, rs_format_csv6(f * t->lower, v[0]),
                        rs_format_csv6(f * t->upper, v[1]));
          rs_plots_quote(&blk[B_RANGE], label);
          rs_buf_printf(&blk[B_RANGE], "\n");
          add_label(labs, &nlabs, 0.5 * (y0 + y1), k * f * t->upper, 0.0, label);
        } else if (isfinite(t->lower) || isfinite(t->upper)) {
          double bound = isfinite(t->lower) ? t->lower : t->upper;
          double arrow = (isfinite(t->lower) ? 2.0 : -2.0) * t->scale;
          if (y0 == y1) { /* a point: the bound as a short tick */
            rs_format_csv6(y0 - 0.6, x0);
            rs_format_csv6(y1 + 0.6, x1);
          }
          rs_buf_printf(&blk[B_BOUND], "%s,%s,%s,%s,", x0, x1, rs_format_csv6(f * bound, v[0]),
                        rs_format_csv6(f * arrow, v[1]));
          rs_plots_quote(&blk[B_BOUND], label);
          rs_buf_printf(&blk[B_BOUND], "\n");
          add_label(labs, &nlabs, y0 == y1 ? y0 + 0.6 : 0.5 * (y0 + y1), k * f * bound, 0.6, label);
        }
        break;
      }
      case RS_TK_ORDER: {
        double lhs = series_interp(s, ind, t->year), rhs = series_interp(s, t->other, t->year2);
        if (!isfinite(lhs) || !isfinite(rhs)) break;
        double ko = rs_plots_indicator_scale(t->other, NULL, 0);
        /* plotted values: the two indicators may be drawn in different scales */
        rs_buf_printf(&blk[B_ORDER], "%s,%s,%s,%s,", rs_format_csv6(t->year, x0),
                      rs_format_csv6(k * lhs, v[0]), rs_format_csv6(t->year2, x1),
                      rs_format_csv6(ko * rhs, v[1]));
        char text[160];
        rs_snprintf_fits(text, sizeof text, "%s%s: %s(%s) < %s(%s)%s", t->id, tag, info->name,
                         gyear(t->year, v[2]), ind_name(t->other), gyear(t->year2, v[3]),
                         w == 0 ? " (x)" : "");
        rs_plots_quote(&blk[B_ORDER], text);
        rs_buf_printf(&blk[B_ORDER], "\n");
        add_label(labs, &nlabs, 0.5 * (t->year + t->year2), 0.5 * (k * lhs + ko * rhs), -1.0, text);
        break;
      }
      case RS_TK_CROSSING: {
        ncross++;
        rs_buf_printf(&obj,
                      "set object %d rectangle from %s, graph 0 to %s, graph 1 behind "
                      "fc rgb \"#009E73\" fs transparent solid 0.15 noborder\n",
                      ncross, rs_format_csv6(t->year, x0), rs_format_csv6(t->year2, x1));
        char text[200];
        rs_snprintf_fits(text, sizeof text, "%s%s: %s below %s within %s-%s", t->id, tag,
                         info->name, ind_name(t->other), x0, x1);
        rs_buf_printf(&obj, "set label %d ", ncross);
        rs_plots_quote(&obj, text);
        rs_buf_printf(&obj,
                      " at %s, graph %.2f center front font small textcolor rgb \"#00704F\"\n",
                      rs_format_csv6(0.5 * (t->year + t->year2), v[0]), 0.96 - 0.06 * (ncross - 1));
        double tm = c->res->model[i];
        if (isfinite(tm) && s->nrows > 0 && tm >= s->year[0] && tm <= s->year[s->nrows - 1]) {
          rs_buf_printf(&obj,
                        "set arrow %d from %s, graph 0 to %s, graph 0.9 nohead ls 11 front\n"
                        "set label %d \"model %s%s\" at %s, graph 0.86 left offset 0.5, 0 "
                        "front font small\n",
                        ncross, rs_format_csv6(tm, v[1]), v[1], 100 + ncross, g4(tm, v[2]),
                        w == 0 ? " (x)" : "", v[1]);
        }
        break;
      }
      case RS_TK_SERIES:
        blk_origins[B_DATA] |= bit;
        for (int p = 0; p < t->npoints; p++) {
          double sd = t->ssd ? t->ssd[p] : t->scale;
          rs_buf_printf(&blk[B_DATA], "%s,%s,%s\n", rs_format_csv6(t->sx[p], x0),
                        rs_format_csv6(t->sy[p], v[0]), rs_format_csv6(sd, v[1]));
        }
        if (t->npoints > 0)
          add_label(labs, &nlabs, t->sx[t->npoints - 1], k * t->sy[t->npoints - 1], 0.5, label);
        break;
      default:
        break;
    }
  }

  rs_buf_printf(b,
                "\n# The targets on %s (figures of Hatch 2001; external data tagged [data]), in "
                "its units as\n# in series.csv (the plot commands scale them like the model "
                "line); labels end in (x)\n# when the model misses them.\n",
                info->name);
  static const char *const columns[NBLOCK] = {"from,to,value,value-scale,value+scale,id",
                                              "from,to,peak,peak-scale,peak+scale,id",
                                              "from,to,lower,upper,id",
                                              "from,to,bound,arrow,id",
                                              "year,model,year2,implied target",
                                              "year,lhs (plotted),year2,rhs (plotted),what",
                                              "year,value,sd"};
  for (int q = 0; q < NBLOCK; q++) {
    if (blk[q].len == 0) continue;
    rs_buf_printf(b, "# %s\n$%s << EOD\n%sEOD\n", columns[q], block_name[q], blk[q].data);
  }

  rs_buf_printf(b, "\nxsplit = %s  # labels of marks after this year go to their left\n",
                rs_format_csv6(xsplit, x0buf));
  put_gp_terminals(b, "1200,800", "16cm,11cm", 18, 9);
  rs_buf_printf(b, "  set title ");
  char title[256];
  rs_snprintf_fits(title, sizeof title, "%c%s (%s): model at the estimate and %s",
                   toupper((unsigned char)info->label[0]), info->label + 1, info->name,
                   origins == 2u   ? "data"
                   : origins == 3u ? "the paper's figures and data"
                                   : "the paper's figures");
  rs_plots_quote(b, title);
  rs_buf_printf(b,
                "\n  set key tmargin center horizontal maxrows 2 samplen 2 font small\n"
                "  set autoscale xfix\n"
                "  set offsets 1.5, 1.5, graph 0.08, graph 0.08\n"
                "  set xtics 10 out nomirror\n"
                "  set mxtics 2\n"
                "  set ytics mirror\n"
                "  set xlabel \"year\"\n"
                "  set ylabel ");
  char ylabel[256];
  int same_units = 1;
  for (int j = 0; j < nothers; j++) {
    char u2[64];
    rs_plots_indicator_scale(others[j], u2, sizeof u2);
    same_units &= strcmp(u2, units) == 0;
  }
  if (nothers == 0) {
    rs_snprintf_fits(ylabel, sizeof ylabel, "%s [%s]", info->label, units);
  } else if (same_units) {
    rs_snprintf_fits(ylabel, sizeof ylabel, "%s%s%s%s%s [%s]", info->name,
                     nothers == 2 ? ", " : " and ", ind_name(others[0]),
                     nothers == 2 ? " and " : "", nothers == 2 ? ind_name(others[1]) : "", units);
  } else {
    size_t len = (size_t)snprintf(ylabel, sizeof ylabel, "%s [%s]", info->name, units);
    for (int j = 0; j < nothers && len < sizeof ylabel; j++) {
      char u2[64];
      rs_plots_indicator_scale(others[j], u2, sizeof u2);
      int n2 = snprintf(ylabel + len, sizeof ylabel - len, ", %s [%s]", ind_name(others[j]), u2);
      if (n2 < 0) break;
      len += (size_t)n2;
    }
  }
  rs_plots_quote(b, ylabel);
  rs_buf_printf(b, "\n");
  /* the labels of the targets */
  double ymin = (double)INFINITY, ymax = -(double)INFINITY;
  for (int i = 0; i < s->nrows; i++) {
    double yv = k * rs_series_at(s, i, ind);
    if (isfinite(yv)) ymin = fmin(ymin, yv), ymax = fmax(ymax, yv);
  }
  for (int i = 0; i < nlabs; i++) ymin = fmin(ymin, labs[i].y), ymax = fmax(ymax, labs[i].y);
  put_fig_labels(b, labs, nlabs, xsplit, last - first, ymax > ymin ? ymax - ymin : 1.0);
  free(labs);
  /* the objects of crossings, indented */
  for (const char *line = obj.data ? obj.data : ""; *line;) {
    size_t len = strcspn(line, "\n");
    rs_buf_printf(b, "  %.*s\n", (int)len, line);
    line += len + (line[len] == '\n');
  }

  /* the model lines first, then the targets in black, each kind with one key entry */
  char key[160];
  rs_snprintf_fits(key, sizeof key, "model: %s (%s)", info->label, info->name);
  rs_buf_printf(b, "  plot data using \"year\":(%g*column(\"%s\")) with lines ls 1 title ", k,
                info->name);
  rs_plots_quote(b, key);
  for (int j = 0; j < nothers; j++) {
    const rs_indicator_info *oi = rs_indicator_info_get(others[j]);
    double ko = rs_plots_indicator_scale(others[j], NULL, 0);
    rs_snprintf_fits(key, sizeof key, "model: %s (%s)", oi->label, oi->name);
    rs_buf_printf(b,
                  ", \\\n       data using \"year\":(%g*column(\"%s\")) with lines ls %d "
                  "title ",
                  ko, oi->name, 2 + j);
    rs_plots_quote(b, key);
  }
  const char *cont = ", \\\n       ";
  char lo[64], hi[64];
  if (blk[B_VAL].len) {
    rs_buf_printf(b,
                  "%s$val using 1:(%g*$3):($2-$1):(0) with vectors nohead ls 9 notitle"
                  "%s$val using (($1+$2)/2):(%g*$3):(%g*$4):(%g*$5) with yerrorbars ls 9 "
                  "title \"%s +- scale\"",
                  cont, k, cont, k, k, k,
                  blk_origins[B_VAL] == 2u   ? "data"
                  : blk_origins[B_VAL] == 3u ? "target (paper's figure or data)"
                                             : "paper's figure");
  }
  if (blk[B_PEAK].len) {
    rs_buf_printf(b,
                  "%s$peak using 1:(%g*$3):($2-$1):(0) with vectors nohead ls 11 notitle"
                  "%s$peak using (($1+$2)/2):(%g*$3):(%g*$4):(%g*$5) with yerrorbars ls 13 "
                  "title \"peak within the span +- scale\"",
                  cont, k, cont, k, k, k);
  }
  if (blk[B_RANGE].len) {
    rs_snprintf_fits(lo, sizeof lo, "(%g*$3)", k);
    rs_snprintf_fits(hi, sizeof hi, "(%g*$4)", k);
    rs_buf_printf(b,
                  "%s$range using (($1+$2)/2):((%s+%s)/2):(($2-$1)/2):((%s-%s)/2) "
                  "with boxxyerror fs transparent solid 0.2 ls 9 notitle"
                  "%s$range using (($1+$2)/2):%s:(0):(%s-%s) with vectors heads size "
                  "screen 0.008,90 ls 9 title \"accepted range\"",
                  cont, lo, hi, hi, lo, cont, lo, hi, lo);
  }
  if (blk[B_BOUND].len) {
    rs_buf_printf(b,
                  "%s$bound using 1:(%g*$3):($2-$1):(0) with vectors nohead ls 9 notitle"
                  "%s$bound using (($1+$2)/2):(%g*$3):(0):(%g*$4) with vectors head filled "
                  "size screen 0.012,25 ls 9 title \"one-sided: bound and accepted side\"",
                  cont, k, cont, k, k);
  }
  if (blk[B_LINK].len) {
    rs_buf_printf(b,
                  "%s$link using 1:(%g*$2):($3-$1):(%g*($4-$2)) with vectors nohead ls 11 "
                  "title \"ratio: target implied by the model at the base year (circle)\""
                  "%s$link using 1:(%g*$2) with points ls 13 notitle",
                  cont, k, k, cont, k);
  }
  if (blk[B_ORDER].len) {
    rs_buf_printf(b,
                  "%s$order using 1:2:($3-$1):($4-$2) with vectors nohead ls 11 notitle"
                  "%s$order using 1:2 with points ls 12 title \"order: the two values "
                  "compared\""
                  "%s$order using 3:4 with points ls 12 notitle",
                  cont, cont, cont);
  }
  if (blk[B_DATA].len) {
    rs_buf_printf(b,
                  "%s$data using 1:(%g*$2):(%g*$3) with yerrorbars ls 13 "
                  "title \"%s +- sd\"",
                  cont, k, k,
                  blk_origins[B_DATA] == 1u   ? "paper's series"
                  : blk_origins[B_DATA] == 3u ? "series (paper's and data)"
                                              : "data");
  }
  rs_buf_printf(b, "\n  set output\n}\n");
  for (int q = 0; q < NBLOCK; q++) {
    if (blk[q].failed) b->failed = 1;
    rs_buf_free(&blk[q]);
  }
  if (obj.failed) b->failed = 1;
  rs_buf_free(&obj);
}

/* The scaled residual of every modelled target as a horizontal bar, in file order from the top,
 * blue within the scale, vermillion outside, on a shaded +-1 band; bars beyond +-RES_CLIP are
 * cut there and their labels give the value. */
static void put_fig_residuals(rs_buf *b, const report_ctx *c) {
  const rs_targets *ts = c->ts;
  double lim = 2.0;
  for (int k = 0; k < ts->n; k++)
    if (ts->t[k].modelled && isfinite(c->res->resid[k]))
      lim = fmax(lim, fmin(RES_CLIP, 1.1 * fabs(c->res->resid[k])));
  int n = c->nmodelled > 0 ? c->nmodelled : 1;
  char size_png[32], size_pdf[32];
  rs_snprintf_fits(size_png, sizeof size_png, "1200,%d", 160 + 34 * n);
  rs_snprintf_fits(size_pdf, sizeof size_pdf, "16cm,%.1fcm", 3.0 + 0.45 * n);
  put_gp_preamble(b, "residuals",
                  "the scaled residual (model - target) / scale of every modelled target", NULL,
                  size_png, size_pdf);
  rs_buf_printf(b,
                "\n# row (0 = first target of the file), bar end (cut at +-%g), residual, "
                "within scale (1/0), label\n$res << EOD\n",
                RES_CLIP);
  int row = 0;
  unsigned have = 0; /* bit 0: within, 1: outside, 2: bar >= 0, 3: bar < 0 */
  rs_buf tics;
  rs_buf_init(&tics);
  for (int k = 0; k < ts->n; k++) {
    const rs_target *t = &ts->t[k];
    if (!t->modelled) continue;
    double r = c->res->resid[k];
    char v[2][32], label[64];
    double bar = isfinite(r) ? fmax(-RES_CLIP, fmin(RES_CLIP, r)) : 0.0;
    int w = within(c, k) == 1;
    if (isnan(r))
      rs_snprintf_fits(label, sizeof label, "n/a");
    else
      rs_snprintf_fits(label, sizeof label, "%+.2f%s", r == 0.0 ? 0.0 : r,
                       fabs(r) > RES_CLIP ? " (bar cut)" : "");
    rs_buf_printf(b, "%d,%s,%s,%d,", row, rs_format_csv6(bar, v[0]),
                  isnan(r) ? "NaN" : rs_format_csv6(r, v[1]), w);
    rs_plots_quote(b, label);
    rs_buf_printf(b, "\n");
    have |= (w ? 1u : 2u) | (bar >= 0.0 ? 4u : 8u);
    rs_buf_printf(&tics, "%s", row ? ", " : "");
    char tic[RS_TARGET_ID_MAX + 16];
    rs_snprintf_fits(tic, sizeof tic, "%s%s", t->id, t->origin == RS_TO_DATA ? " [data]" : "");
    rs_plots_quote(&tics, tic);
    rs_buf_printf(&tics, " %d", row);
    row++;
  }
  rs_buf_printf(b, "EOD\n");
  put_gp_terminals(b, size_png, size_pdf, 16, 9);
  rs_buf_printf(b,
                "  set title \"Scaled residuals at the estimate (within scale: |r| <= 1, "
                "shaded)\"\n"
                "  set xlabel \"scaled residual r = (model - target) / scale [multiples of the "
                "target's scale]\"\n"
                "  set ylabel \"target (file order)\"\n"
                "  set xrange [%g:%g]\n"
                "  set yrange [%d.5:-0.7]\n"
                "  set xtics out nomirror\n"
                "  set ytics (%s)\n"
                "  set ytics scale 0 font small\n"
                "  set grid xtics noytics\n"
                "  set key tmargin right horizontal font small\n"
                "  set object 1 rectangle from -1, graph 0 to 1, graph 1 behind "
                "fc rgb \"#009E73\" fs transparent solid 0.15 noborder\n"
                "  set arrow 1 from 0, graph 0 to 0, graph 1 nohead lc rgb \"gray30\" lw 1\n"
                "  set style fill solid 0.8 noborder\n"
                "  plot ",
                -1.3 * lim, 1.3 * lim, row - 1, tics.data ? tics.data : "");
  if (tics.failed) b->failed = 1;
  rs_buf_free(&tics);
  /* only clauses with points: gnuplot 5.4 crashes on labels that are all undefined */
  static const char *const clause[4] = {
      "$res using ($4 == 1 ? $2/2 : NaN):1:(abs($2)/2):(0.36) with boxxyerror "
      "lc rgb \"#0072B2\" title \"within scale\"",
      "$res using ($4 == 0 ? $2/2 : NaN):1:(abs($2)/2):(0.36) with boxxyerror "
      "lc rgb \"#D55E00\" title \"outside scale\"",
      "$res using ($2 >= 0 ? $2 : NaN):1:5 with labels left offset 0.5, 0 font small notitle",
      "$res using ($2 < 0 ? $2 : NaN):1:5 with labels right offset -0.5, 0 font small notitle"};
  const char *sep = "";
  for (int q = 0; q < 4; q++) {
    if (!(have & (1u << q))) continue;
    rs_buf_printf(b, "%s%s", sep, clause[q]);
    sep = ", \\\n       ";
  }
  if (!have) rs_buf_printf(b, "0 notitle");
  rs_buf_printf(b, "\n  set output\n}\n");
}

/* The correlation matrix of the estimates as a heat map: blue -1, white 0, red +1, parameter
 * names on both axes, the value printed in every cell. */
static void put_fig_correlation(rs_buf *b, const report_ctx *c) {
  int n = c->fs->n;
  /* Square cells need fixed margins (gnuplot's automatic margins for rotated tic labels undo
   * "size ratio"): the canvas is laid out in pixels, n cells plus room on the left for the
   * longest name and the axis label, below for the names rotated by 30 degrees, on the right
   * for the colour box; the margins are then screen fractions, the same in the PDF (drawn at
   * 75 pixels per cm with half the font size). */
  size_t longest = 8;
  for (int j = 0; j < n; j++)
    if (strlen(c->fs->p[j].name) > longest) longest = strlen(c->fs->p[j].name);
  int font = n > 8 ? 13 : 16;
  double charw = 0.62 * font, len = (double)longest;
  double cell = n > 0 ? fmax(40.0, fmin(110.0, 1000.0 / n)) : 110.0;
  double left = charw * len + 4.5 * font + 30.0, bottom = 0.5 * charw * len + 4.5 * font + 20.0;
  double right = 10.0 * font + 30.0, top = 3.0 * font;
  double W = left + n * cell + right, H = top + n * cell + bottom;
  char size_png[32], size_pdf[32], v[32];
  rs_snprintf_fits(size_png, sizeof size_png, "%d,%d", (int)W, (int)H);
  rs_snprintf_fits(size_pdf, sizeof size_pdf, "%.1fcm,%.1fcm", W / 75.0, H / 75.0);
  put_gp_preamble(b, "correlation", "correlation matrix of the estimates (Gauss-Newton)", NULL,
                  size_png, size_pdf);
  rs_buf_printf(b,
                "\n# the correlation matrix, row i = free parameter i (NaN: not identified)\n"
                "$corr << EOD\n");
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      double r = c->res->corr ? c->res->corr[i * n + j] : (double)NAN;
      rs_buf_printf(b, "%s%s", j ? "," : "", isfinite(r) ? rs_format_csv6(r, v) : "NaN");
    }
    rs_buf_printf(b, "\n");
  }
  rs_buf_printf(b, "EOD\n");
  put_gp_terminals(b, size_png, size_pdf, font, font / 2);
  rs_buf_printf(b,
                "  set lmargin at screen %.4f\n  set rmargin at screen %.4f\n"
                "  set bmargin at screen %.4f\n  set tmargin at screen %.4f\n",
                left / W, (W - right) / W, bottom / H, (H - top) / H);
  rs_buf_printf(b,
                "  set title \"Correlation of the estimates\"\n"
                "  set xlabel \"free parameter\"\n"
                "  set ylabel \"free parameter\"\n"
                "  set cblabel \"correlation [-1 to 1]\"\n"
                "  set palette defined (-1 \"#2166AC\", 0 \"white\", 1 \"#B2182B\")\n"
                "  set cbrange [-1:1]\n"
                "  set cbtics 0.5\n"
                "  set xrange [-0.5:%d.5]\n"
                "  set yrange [%d.5:-0.5]\n"
                "  set tics scale 0\n"
                "  unset grid\n"
                "  unset key\n"
                "  set xtics rotate by 30 right (",
                n - 1, n - 1);
  for (int axis = 0; axis < 2; axis++) {
    if (axis) rs_buf_printf(b, ")\n  set ytics (");
    for (int j = 0; j < n; j++) {
      rs_buf_printf(b, "%s", j ? ", " : "");
      rs_plots_quote(b, c->fs->p[j].name);
      rs_buf_printf(b, " %d", j);
    }
  }
  rs_buf_printf(b,
                ")\n"
                "  # values in black, on dark cells in white\n"
                "  plot $corr matrix with image, \\\n"
                "       $corr matrix using 1:2:($3 != $3 ? \"n/a\" : abs($3) > 0.6 ? \"\" : "
                "sprintf(\"%%.2f\", $3)) with labels, \\\n"
                "       $corr matrix using 1:2:($3 == $3 && abs($3) > 0.6 ? sprintf(\"%%.2f\", $3) "
                ": \"\") with labels textcolor rgb \"white\"\n"
                "  set output\n}\n");
}

/* ---------------------------------------------------------------- profiles */

/* The lowest cost of any profile point: each point, the estimate's own included, is a re-fit by
 * the same method (rs_calib_refit), so their costs compare with each other; NAN without a finite
 * one. */
static double profiles_best(const report_ctx *c) {
  double best = (double)NAN;
  for (int i = 0; i < c->nprof; i++)
    for (int k = 0; k < c->prof[i].n; k++) {
      double v = c->prof[i].cost[k];
      if (isfinite(v) && (isnan(best) || v < best)) best = v;
    }
  return best;
}

/* The units of free parameter j: the registry's, or its channel's for an event magnitude. */
static const char *free_units(const report_ctx *c, int j) {
  const rs_free_param *fp = &c->fs->p[j];
  return fp->ref.id >= 0 ? rs_param_info_get(fp->ref.id)->units
                         : rs_channel_info_get(c->base->events[fp->ref.event].channel)->units;
}

/* A difference of a thesis column for reading: "+0.123", "-0.881", "0" (exactly), "0.000"
 * (rounds to zero: no sign, which would suggest a direction that integrator noise gave),
 * "n/a". */
static const char *diff_text(double x, char buf[32]) {
  if (isnan(x))
    snprintf(buf, 32, "n/a");
  else if (x == 0.0)
    snprintf(buf, 32, "0");
  else if (fabs(x) < 5e-4)
    snprintf(buf, 32, "0.000");
  else
    snprintf(buf, 32, "%+.3f", x);
  return buf;
}

/* profiles.csv: one row per point of every profile, in increasing value. */
static rs_status write_profiles_csv(const report_ctx *c, rs_error *err) {
  char path[RS_PATH_MAX];
  rs_status st = dir_file(c, "profiles.csv", path, sizeof path, err);
  if (st != RS_OK) return st;
  double best = profiles_best(c);
  rs_buf b;
  rs_buf_init(&b);
  /* the columns of the first profile that has any (rs_compare_profile_thesis gives every
   * profile the same); a profile without them leaves its cells empty */
  const rs_calib_profile *cols = NULL;
  for (int i = 0; i < c->nprof && !cols; i++)
    if (c->prof[i].ncol > 0) cols = &c->prof[i];
  rs_buf_printf(&b, "parameter,value,cost,delta_cost,status,estimate");
  for (int q = 0; cols && q < cols->ncol; q++) {
    rs_buf_printf(&b, ",");
    rs_buf_csv_field(&b, cols->col_name[q]);
  }
  rs_buf_printf(&b, "\n");
  for (int i = 0; i < c->nprof; i++) {
    const rs_calib_profile *pr = &c->prof[i];
    for (int k = 0; k < pr->n; k++) {
      char v[4][32];
      double cost = pr->cost[k];
      rs_buf_csv_field(&b, pr->name);
      rs_buf_printf(&b, ",%s,%s,%s,%s,%s", rs_format_double(pr->value[k], v[0]),
                    isfinite(cost) ? rs_format_csv6(cost, v[1]) : "",
                    isfinite(cost) ? rs_format_csv6(cost - best, v[2]) : "",
                    status_word(pr->status[k]), k == pr->at ? "yes" : "no");
      for (int q = 0; cols && q < cols->ncol; q++)
        rs_buf_printf(&b, ",%s",
                      q < pr->ncol
                          ? rs_format_csv6(pr->col[(size_t)k * (size_t)pr->ncol + (size_t)q], v[3])
                          : "");
      rs_buf_printf(&b, "\n");
    }
  }
  st = write_buf(path, &b, err);
  rs_buf_free(&b);
  return st;
}

/* The profiles figure, one panel per profiled parameter, stacked for a journal column: the cost
 * rise above the best (left axis, blue), the 10 % line of compare --band, the plotted thesis
 * columns (right axis) and the estimate (a dotted vertical line, its value in the x label). A
 * geometric grid gets a log x axis, on which the lower bound 0 is drawn at a quarter of the
 * smallest positive value, with its own tic. Cost rises beyond 4 x the 10 % line are cut at
 * the top of the panel and marked, so that the flat part stays readable. */
static void put_fig_profiles(rs_buf *b, const report_ctx *c) {
  int n = c->nprof < RS_PROFILE_MAX ? c->nprof : RS_PROFILE_MAX;
  double best = profiles_best(c), thr = PROFILE_TOL * best;
  /* the columns on the right axis and what they compare (the same for every profile) */
  const rs_calib_profile *cols = NULL;
  for (int i = 0; i < n && !cols; i++)
    for (int q = 0; q < c->prof[i].ncol && !cols; q++)
      if (c->prof[i].col_plot[q]) cols = &c->prof[i];
  /* Layout in cm, for a PDF of journal column width (the PNG is the same at 114 px/cm): the
   * title and the key above the panels, one column of key entries, because gnuplot drops a key
   * wider than the plot it belongs to. */
  const double W = 8.8, head = 2.4, panel = 4.7, lm = 1.45, rm = 1.45, bm = 1.0, tm = 0.35;
  double H = head + panel * n;
  char size_png[32], size_pdf[32], v[8][32];
  rs_snprintf_fits(size_png, sizeof size_png, "%d,%d", (int)(W * 114.0), (int)(H * 114.0));
  rs_snprintf_fits(size_pdf, sizeof size_pdf, "%.1fcm,%.1fcm", W, H);
  put_gp_preamble(b, "profiles", "profile likelihoods of free parameters",
                  "The profiles as datablocks below (the numbers of ../profiles.csv).", size_png,
                  size_pdf);
  rs_buf_printf(b, "best = %s  # the lowest cost of any profile point\n",
                rs_format_csv6(best, v[0]));
  rs_buf_printf(b, "thr = %s  # +10 %% of it: the cut of relsim compare --band\n",
                rs_format_csv6(thr, v[0]));
  /* per panel: the datablock, the x axis (log for a geometric grid, 0 drawn at a quarter of the
   * smallest positive value) and the left axis (cut at 4 x thr) */
  double xlo[RS_PROFILE_MAX], xhi[RS_PROFILE_MAX], xzero[RS_PROFILE_MAX], ymax[RS_PROFILE_MAX];
  double y2lo[RS_PROFILE_MAX], y2hi[RS_PROFILE_MAX];
  int logx[RS_PROFILE_MAX], clip[RS_PROFILE_MAX], any_clip = 0;
  for (int i = 0; i < n; i++) {
    const rs_calib_profile *pr = &c->prof[i];
    const rs_free_param *fp = &c->fs->p[pr->param];
    logx[i] = rs_calib_grid_geometric(fp->lower, fp->upper);
    double minpos = (double)INFINITY, dmax = 0.0;
    for (int k = 0; k < pr->n; k++) {
      if (pr->value[k] > 0.0) minpos = fmin(minpos, pr->value[k]);
      if (isfinite(pr->cost[k])) dmax = fmax(dmax, pr->cost[k] - best);
    }
    if (!isfinite(minpos)) logx[i] = 0; /* nothing positive to put on a log axis */
    xzero[i] = logx[i] ? minpos / 4.0 : 0.0;
    xlo[i] = logx[i] && !(pr->value[0] > 0.0) ? xzero[i] : pr->value[0];
    xhi[i] = pr->value[pr->n - 1];
    ymax[i] = dmax <= 4.0 * thr ? 1.15 * fmax(dmax, thr) : 4.0 * thr;
    if (!(ymax[i] > 0.0)) ymax[i] = 1.0;
    clip[i] = 0;
    y2lo[i] = 0.0;
    y2hi[i] = 0.0;
    rs_buf_printf(b,
                  "\n# %s: x as drawn, value, cost - best (cut at the axis), cost - best, "
                  "estimate (1/0)",
                  pr->name);
    for (int q = 0; q < pr->ncol; q++)
      if (pr->col_plot[q]) rs_buf_printf(b, ", %s", pr->col_name[q]);
    rs_buf_printf(b, "\n$p%d << EOD\n", i + 1);
    for (int k = 0; k < pr->n; k++) {
      double x = logx[i] && !(pr->value[k] > 0.0) ? xzero[i] : pr->value[k];
      double d = isfinite(pr->cost[k]) ? pr->cost[k] - best : (double)NAN;
      clip[i] |= d > ymax[i];
      rs_buf_printf(b, "%s,%s,%s,%s,%d", rs_format_csv6(x, v[0]),
                    rs_format_csv6(pr->value[k], v[1]),
                    isnan(d) ? "NaN" : rs_format_csv6(fmin(d, ymax[i]), v[2]),
                    isnan(d) ? "NaN" : rs_format_csv6(d, v[3]), k == pr->at);
      for (int q = 0; q < pr->ncol; q++) {
        if (!pr->col_plot[q]) continue;
        double y = pr->col[(size_t)k * (size_t)pr->ncol + (size_t)q];
        rs_buf_printf(b, ",%s", isnan(y) ? "NaN" : rs_format_csv6(y, v[4]));
        if (isfinite(y)) y2lo[i] = fmin(y2lo[i], y), y2hi[i] = fmax(y2hi[i], y);
      }
      rs_buf_printf(b, "\n");
    }
    rs_buf_printf(b, "EOD\n");
    any_clip |= clip[i];
  }
  put_gp_terminals(b, size_png, size_pdf, 21, 7);
  /* point sizes in a style replace the terminal's pointsize: scale them with it */
  rs_buf_printf(b,
                "  psz = ext eq \"png\" ? 1.6 : 0.5\n"
                "  set style line 4 lc rgb \"#0072B2\" lw 2 pt 7 ps 0.8*psz\n"
                "  set style line 5 lc rgb \"#D55E00\" lw 1.5 dt 2 pt 5 ps 0.7*psz\n"
                "  set style line 6 lc rgb \"#009E73\" lw 1.5 dt 4 pt 9 ps 0.8*psz\n"
                "  set style line 7 lc rgb \"#0072B2\" lw 1 pt 9 ps 1.8*psz\n"
                "  set style line 8 lc rgb \"black\" lw 1 dt 3\n"
                "  set style line 14 lc rgb \"black\" pt 7 ps 1.3*psz\n");
  rs_buf_printf(b, "  set multiplot\n  set datafile missing \"NaN\"\n  set label 90 ");
  rs_plots_quote(b, "Profiles: cost above the best fit (left axis)");
  rs_buf_printf(b, " at screen 0.5, screen %.4f center front\n", 1.0 - 0.35 / H);
  if (cols) {
    char sub[160];
    rs_snprintf_fits(sub, sizeof sub, "and %s at each point (right axis)", cols->col_source);
    rs_buf_printf(b, "  set label 91 ");
    rs_plots_quote(b, sub);
    rs_buf_printf(b, " at screen 0.5, screen %.4f center front\n", 1.0 - 0.7 / H);
  }
  for (int i = 0; i < n; i++) {
    const rs_calib_profile *pr = &c->prof[i];
    const rs_free_param *fp = &c->fs->p[pr->param];
    double top = H - head - panel * i, bottom = top - panel;
    rs_buf_printf(b,
                  "  # ---- %s\n"
                  "  set lmargin at screen %.4f\n  set rmargin at screen %.4f\n"
                  "  set bmargin at screen %.4f\n  set tmargin at screen %.4f\n",
                  pr->name, lm / W, 1.0 - rm / W, (bottom + bm) / H, (top - tm) / H);
    if (i == 0)
      rs_buf_printf(b,
                    "  set key at screen %.4f, screen %.4f left top vertical Left reverse "
                    "samplen 3 spacing 1.05 font small\n",
                    lm / W, 1.0 - 0.95 / H);
    else
      rs_buf_printf(b, "  unset key\n  unset label 90\n  unset label 91\n");
    /* x: the parameter in its units, and the estimate */
    char xl[200];
    rs_snprintf_fits(xl, sizeof xl, "%s [%s]; estimate %s", pr->name, free_units(c, pr->param),
                     g4(pr->value[pr->at], v[0]));
    rs_buf_printf(b, "  set xlabel ");
    rs_plots_quote(b, xl);
    rs_buf_printf(b, " offset 0, 0.4\n");
    if (logx[i]) {
      /* the decades, and 0 at its stand-in; a decade too close to the stand-in is left out */
      rs_buf_printf(b, "  set logscale x\n  set xtics out nomirror (");
      const char *sep = "";
      if (!(fp->lower > 0.0)) {
        rs_buf_printf(b, "\"0\" %s", rs_format_csv6(xzero[i], v[0]));
        sep = ", ";
      }
      double minpos = 4.0 * xzero[i];
      for (int e = (int)ceil(log10(minpos) - 1e-9); e <= (int)floor(log10(xhi[i]) + 1e-9); e++) {
        double t = pow(10.0, e);
        if (!(fp->lower > 0.0) && t < 2.5 * xzero[i]) continue;
        rs_buf_printf(b, "%s\"%s\" %s", sep, rs_format_number(t, v[1]), rs_format_csv6(t, v[2]));
        sep = ", ";
      }
      rs_buf_printf(b, ")\n  set xrange [%s:%s]\n", rs_format_csv6(xlo[i] / 1.5, v[0]),
                    rs_format_csv6(xhi[i] * 1.5, v[1]));
    } else {
      double pad = 0.04 * (xhi[i] - xlo[i]);
      rs_buf_printf(b, "  unset logscale x\n  set xtics out nomirror autofreq\n");
      rs_buf_printf(b, "  set xrange [%s:%s]\n", rs_format_csv6(xlo[i] - pad, v[0]),
                    rs_format_csv6(xhi[i] + pad, v[1]));
    }
    rs_buf_printf(b,
                  "  set ylabel \"cost − best [Σ w r²]\" offset 1, 0\n"
                  "  set yrange [0:%s]\n  set ytics nomirror out\n",
                  rs_format_csv6(ymax[i], v[0]));
    int right = 0;
    for (int q = 0; q < pr->ncol; q++) right |= pr->col_plot[q];
    if (right) {
      double span = fmax(y2hi[i] - y2lo[i], 0.1), pad = 0.08 * span;
      rs_buf_printf(b, "  set y2label ");
      rs_plots_quote(b, pr->col_axis);
      rs_buf_printf(b,
                    " offset -1, 0\n  set y2range [%s:%s]\n  set y2tics out\n"
                    "  set y2zeroaxis lt 1 lc rgb \"gray70\" lw 1\n",
                    rs_format_csv6(y2lo[i] - pad, v[0]), rs_format_csv6(y2hi[i] + pad, v[1]));
    } else {
      rs_buf_printf(b, "  unset y2label\n  unset y2tics\n  unset y2zeroaxis\n");
    }
    double xe = logx[i] && !(pr->value[pr->at] > 0.0) ? xzero[i] : pr->value[pr->at];
    rs_buf_printf(b, "  set arrow 1 from %s, graph 0 to %s, graph 1 nohead ls 8 back\n",
                  rs_format_csv6(xe, v[0]), v[0]);
    /* the curves; the key (of the first panel) names every style used in any panel */
    const char *t = i == 0 ? "title " : "notitle ";
    rs_buf_printf(b, "  plot thr with lines ls 10 %s%s", t,
                  i == 0 ? "\"+10 % of the best cost\"" : "");
    rs_buf_printf(b, ", \\\n       $p%d using 1:3 with linespoints ls 4 %s%s", i + 1, t,
                  i == 0 ? "\"cost − best\"" : "");
    if (clip[i])
      rs_buf_printf(b, ", \\\n       $p%d using 1:($4 > $3 ? $3 : NaN) with points ls 7 %s%s",
                    i + 1, t, i == 0 ? "\"cost beyond the axis (see fit.md)\"" : "");
    else if (i == 0 && any_clip)
      rs_buf_printf(b,
                    ", \\\n       keyentry with points ls 7 title \"cost beyond the axis (see "
                    "fit.md)\"");
    rs_buf_printf(b, ", \\\n       $p%d using 1:($5 == 1 ? $3 : NaN) with points ls 14 %s%s", i + 1,
                  t, i == 0 ? "\"estimate (dotted line)\"" : "");
    int colpos = 6, nplotted = 0;
    for (int q = 0; q < pr->ncol; q++) {
      if (!pr->col_plot[q]) continue;
      rs_buf_printf(b, ", \\\n       $p%d using 1:%d axes x1y2 with linespoints ls %d %s", i + 1,
                    colpos++, nplotted++ == 0 ? 5 : 6, t);
      if (i == 0) rs_plots_quote(b, pr->col_label[q]);
    }
    rs_buf_printf(b, "\n  unset arrow 1\n");
  }
  rs_buf_printf(b, "  unset multiplot\n  set output\n}\n");
}

/* Write the script in b as plotdir/NAME.gp and render it (plots/rs_plots_render_script). When no
 * images were made (no gnuplot, or gnuplot failed) the images of an earlier report of the same
 * name are removed: they would show another fit beside this report's numbers. */
static rs_status render_figure(report_ctx *c, const char *plotdir, const char *name, rs_buf *b,
                               rs_error *err) {
  if (b->failed) return rs_fail(err, RS_ERR_NOMEM, "%s/%s.gp: out of memory", plotdir, name);
  int before = c->plots.nimages;
  rs_status st = rs_plots_render_script(plotdir, name, b->data, &c->plots, err);
  if (st == RS_OK && c->plots.nimages < before + 2) {
    char path[RS_PATH_MAX];
    for (int e = 0; e < 2; e++)
      if (rs_snprintf_fits(path, sizeof path, "%s/%s.%s", plotdir, name, e ? "pdf" : "png"))
        unlink(path);
  }
  return st;
}

/* Remove dir/NAME (a file of an earlier report that this one does not write: it would describe
 * another fit). A file that is not there is fine. */
static void remove_stale(const report_ctx *c, const char *name) {
  char path[RS_PATH_MAX];
  if (rs_snprintf_fits(path, sizeof path, "%s/%s", c->dir, name)) unlink(path);
}

/* Write and render every figure into dir/plots: one per indicator with modelled targets, the
 * residuals, the correlations (when there are free parameters), the profiles (when given). */
static rs_status write_figures(report_ctx *c, rs_error *err) {
  char plotdir[RS_PATH_MAX];
  rs_status st = dir_file(c, "plots", plotdir, sizeof plotdir, err);
  if (st != RS_OK) return st;
  memset(&c->plots, 0, sizeof c->plots);
  for (int ind = 0; ind < RS_NINDICATOR && st == RS_OK; ind++) {
    int any = 0;
    for (int k = 0; k < c->ts->n && !any; k++)
      any = c->ts->t[k].modelled && c->ts->t[k].indicator == ind;
    if (!any) continue;
    char name[80];
    fig_name(ind, name, sizeof name);
    rs_buf b;
    rs_buf_init(&b);
    put_fig_indicator(&b, c, ind);
    st = render_figure(c, plotdir, name, &b, err);
    rs_buf_free(&b);
  }
  for (int fig = 0; fig < 2 && st == RS_OK; fig++) {
    if (fig == 0 && c->nmodelled == 0) continue;
    if (fig == 1 && c->fs->n == 0) continue;
    const char *name = fig == 0 ? "residuals" : "correlation";
    rs_buf b;
    rs_buf_init(&b);
    if (fig == 0)
      put_fig_residuals(&b, c);
    else
      put_fig_correlation(&b, c);
    st = render_figure(c, plotdir, name, &b, err);
    rs_buf_free(&b);
  }
  if (st == RS_OK && c->nprof > 0) {
    rs_buf b;
    rs_buf_init(&b);
    put_fig_profiles(&b, c);
    st = render_figure(c, plotdir, "profiles", &b, err);
    rs_buf_free(&b);
  } else if (st == RS_OK) {
    for (int e = 0; e < 3; e++)
      remove_stale(c, e == 0   ? "plots/profiles.gp"
                      : e == 1 ? "plots/profiles.png"
                               : "plots/profiles.pdf");
  }
  c->nfigures = c->plots.nscripts;
  return st;
}

/* ---------------------------------------------------------------- fit.md */

static void put_md_summary(rs_buf *b, const report_ctx *c) {
  const rs_calib_result *r = c->res;
  char a[32], d[32];
  rs_buf_printf(b, "# Calibration report\n\n");
  int ndata = rs_targets_count(c->ts, RS_TO_DATA);
  rs_buf_printf(b,
                "relsim %s fitted %d free parameter%s (`%s`) over the base scenario `%s` to the "
                "figures of Hatch (2001)%s in ",
                RS_VERSION, c->fs->n, c->fs->n == 1 ? "" : "s",
                c->fs->file[0] ? c->fs->file : "(unnamed)", c->base_path,
                ndata > 0 ? " and external data" : "");
  put_files_md(b, c->ts);
  rs_buf_printf(b, "%s. ",
                c->ts->paper_only ? " (`--paper-only`: the figures of the paper alone)" : "");
  if (c->command && c->command[0]) {
    rs_buf_printf(b, "Command: `");
    rs_buf_md_cell(b, c->command);
    rs_buf_printf(b, "`. ");
  }
  rs_buf_printf(b,
                "The estimate is in `calibrated.cfg`; every other file of this directory "
                "describes it.\n\n");
  if (r->interrupted)
    rs_buf_printf(b,
                  "**This calibration was interrupted.** The figures below describe the best "
                  "point found before the interrupt, not an optimum: rerun the calibration "
                  "before using them.\n\n");

  rs_buf_printf(b, "## Summary\n\n| | |\n|---|---|\n");
  rs_buf_printf(b, "| cost (sum of weight x scaled residual², priors included) | %s |\n",
                rs_format_csv6(r->cost, a));
  rs_buf_printf(b, "| modelled targets within scale (\\|r\\| <= 1) | %d of %d |\n", c->nwithin,
                c->nmodelled);
  double tsum = 0.0;
  for (int k = 0; k < c->ts->n; k++)
    if (c->ts->t[k].modelled && isfinite(r->tcost[k])) tsum += r->tcost[k];
  int npriors = 0;
  for (int j = 0; j < c->fs->n; j++) npriors += c->fs->p[j].has_prior != 0;
  if (npriors > 0)
    rs_buf_printf(b, "| of which the priors of %d parameter%s | %s |\n", npriors,
                  npriors == 1 ? "" : "s", rs_format_csv6(r->cost - tsum, a));
  rs_buf_printf(b, "| data targets (not from the paper) | %d |\n", ndata);
  rs_buf_printf(b, "| figures not modelled (in the report only) | %d |\n", c->nunmodelled);
  rs_buf_printf(b, "| free parameters | %d (%d at a bound, %d weakly identified) |\n", c->fs->n,
                c->nbound, c->nweak);
  rs_buf_printf(b, "| residuals (m) | %d |\n", r->m);
  rs_buf_printf(b, "| residual variance cost / (m_eff − n), for reference | %s |\n",
                rs_format_csv6(r->sigma2, a));
  rs_buf_printf(b, "| collinearity index of the free set | %s |\n", g4(r->collin_all, a));
  rs_buf_printf(b, "| starts | %d |\n", r->nstarts);
  if (r->nstarts > 0 && r->best >= 0 && r->best < r->nstarts)
    rs_buf_printf(b, "| best start | %d (cost %s) |\n", r->best + 1,
                  rs_format_csv6(r->starts[r->best].cost, d));
  rs_buf_printf(b, "| model runs | %ld |\n", r->runs);
  rs_buf_printf(b, "| status | %s |\n\n",
                r->interrupted ? "**interrupted**: best point so far" : "complete");

  /* the reading */
  rs_buf_printf(b, "%d of the %d modelled figures are met within their scale", c->nwithin,
                c->nmodelled);
  if (c->nmodelled > c->nwithin) {
    /* the largest contributions to the cost, in order (ties: file order) */
    int shown[3] = {-1, -1, -1}, nshown = 0;
    for (int pick = 0; pick < 3; pick++) {
      int best = -1;
      for (int k = 0; k < c->ts->n; k++) {
        if (within(c, k) != 0) continue;
        int used = 0;
        for (int q = 0; q < nshown; q++) used |= shown[q] == k;
        if (used) continue;
        if (best < 0 || share(c, k) > share(c, best)) best = k;
      }
      if (best < 0) break;
      shown[nshown++] = best;
    }
    rs_buf_printf(b, "; the largest misses are ");
    for (int q = 0; q < nshown; q++) {
      int k = shown[q];
      rs_buf_printf(b, "%s`%s` (r = %+.2f, %.1f %% of the cost)",
                    q == 0            ? ""
                    : q == nshown - 1 ? " and "
                                      : ", ",
                    c->ts->t[k].id, c->res->resid[k], 100.0 * share(c, k));
    }
  }
  rs_buf_printf(b, ".");
  if (r->ntension > 0)
    rs_buf_printf(b, " %d pair%s of targets pull against each other (see *Targets in tension*).",
                  r->ntension, r->ntension == 1 ? "" : "s");
  if (r->nstarts > 1 && r->best >= 0 && r->best < r->nstarts) {
    int near = 0;
    double cb = r->starts[r->best].cost;
    for (int i = 0; i < r->nstarts; i++)
      near += r->starts[i].status != 3 && r->starts[i].cost <= cb + NEAR_BEST * fabs(cb);
    if (near == r->nstarts)
      rs_buf_printf(b,
                    " All %d starts ended within 1 %% of the best cost: the optimum does not "
                    "depend on where the search began.",
                    r->nstarts);
    else if (2 * near > r->nstarts)
      rs_buf_printf(b,
                    " %d of the %d starts ended within 1 %% of the best cost: most starts reach "
                    "the same cost, the others stopped elsewhere (see *Starts*).",
                    near, r->nstarts);
    else
      rs_buf_printf(b,
                    " Only %d of the %d starts ended within 1 %% of the best cost: the cost has "
                    "several local minima and the estimate depends on the search; more starts "
                    "may find a better one (see *Starts*).",
                    near, r->nstarts);
  }
  rs_buf_printf(b, "\n\n");
}

static void put_md_targets(rs_buf *b, const report_ctx *c) {
  const rs_targets *ts = c->ts;
  rs_buf_printf(b,
                "## Targets\n\n"
                "Every modelled figure, in the order of the target files. *Target* is the figure "
                "as the paper states it, or, for a target tagged *(data)*, as the data source "
                "states it: external data, not a figure of the paper. *r* is the scaled "
                "residual (model − target) / scale (the RMS for a data series; 0 inside an "
                "accepted range); ✓ marks \\|r\\| <= 1. *Share* is the target's part of the "
                "cost. Targets and model values are in the indicator's units "
                "(series.csv).\n\n"
                "| id | compared | target | model | r | share | | source |\n"
                "|---|---|---|---:|---:|---:|:-:|---|\n");
  for (int k = 0; k < ts->n; k++) {
    const rs_target *t = &ts->t[k];
    if (!t->modelled) continue;
    char q[256], a[32];
    quantity_text(t, q, sizeof q);
    rs_buf_printf(b, "| `%s`%s | ", t->id, t->origin == RS_TO_DATA ? " (data)" : "");
    rs_buf_md_cell(b, q);
    rs_buf_printf(b, " | ");
    rs_buf_md_cell(b, t->paper_value);
    if (t->kind == RS_TK_CROSSING && isfinite(c->res->model[k]))
      rs_buf_printf(b, " | %.1f | ", c->res->model[k]);
    else
      rs_buf_printf(b, " | %s | ", g4(c->res->model[k], a));
    if (isnan(c->res->resid[k]))
      rs_buf_printf(b, "n/a");
    else
      rs_buf_printf(b, "%+.2f", c->res->resid[k]);
    rs_buf_printf(b, " | %.1f %% | %s | ", 100.0 * share(c, k), within(c, k) == 1 ? "✓" : "✗");
    put_citation(b, t);
    rs_buf_printf(b, " |\n");
  }
  if (c->nmodelled == 0) rs_buf_printf(b, "| (none) | | | | | | | |\n");
  rs_buf_printf(b, "\n");

  rs_buf_printf(b, "### Figures not modelled\n\n");
  if (c->nunmodelled == 0) {
    rs_buf_printf(b, "Every figure of the target files is modelled.\n\n");
    return;
  }
  rs_buf_printf(b,
                "These figures are in the target files so that the report shows the whole "
                "paper; the model does not represent them, and they do not enter the cost.\n\n"
                "| id | year(s) | figure | source | why not modelled |\n"
                "|---|---|---|---|---|\n");
  for (int k = 0; k < ts->n; k++) {
    const rs_target *t = &ts->t[k];
    if (t->modelled) continue;
    char yrs[80];
    years_text(t, yrs, sizeof yrs);
    rs_buf_printf(b, "| `%s`%s | %s | ", t->id, t->origin == RS_TO_DATA ? " (data)" : "",
                  yrs[0] ? yrs : "—");
    rs_buf_md_cell(b, t->paper_value);
    rs_buf_printf(b, " | ");
    put_citation(b, t);
    rs_buf_printf(b, " | ");
    rs_buf_md_cell(b, t->reason);
    rs_buf_printf(b, " |\n");
  }
  rs_buf_printf(b, "\n");
}

static void put_md_parameters(rs_buf *b, const report_ctx *c) {
  const rs_free_set *fs = c->fs;
  const rs_calib_result *r = c->res;
  char a[32], lo[32], hi[32], se[32], bv[32], pm[32], ps[32], s2[32];
  rs_buf_printf(b,
                "## Parameters\n\n"
                "| parameter | estimate | search bounds | SE | base value | prior | flags |\n"
                "|---|---:|---|---:|---:|---|---|\n");
  for (int j = 0; j < fs->n; j++) {
    const rs_free_param *fp = &fs->p[j];
    char fl[64];
    se_text(r->se[j], se, sizeof se);
    flags_text(c, j, fl, sizeof fl);
    rs_buf_printf(b, "| `%s` | %s | %s to %s | %s | %s | ", fp->name, rs_format_csv6(r->x[j], a),
                  g4(fp->lower, lo), g4(fp->upper, hi), se, g4(rs_pref_get(c->base, fp->ref), bv));
    if (fp->has_prior)
      rs_buf_printf(b, "normal(%s, %s)", g4(fp->prior_mean, pm), g4(fp->prior_sd, ps));
    else
      rs_buf_printf(b, "—");
    rs_buf_printf(b, " | %s |\n", fl[0] ? fl : "");
  }
  rs_buf_printf(b,
                "\nStandard errors are linearised (Gauss–Newton): the square roots of the "
                "diagonal of (JᵀJ)⁻¹, with J the Jacobian of the weighted scaled residuals at "
                "the estimate, reading the scales of the target file as standard deviations. "
                "They measure how sharply the cost rises around the estimate; they are not a "
                "sampling uncertainty of the target figures. They are not rescaled by the "
                "residual variance cost / (m_eff − n) = %s (m_eff: residuals the parameters "
                "move): a value far above 1 says that the misfit is structural (figures in "
                "tension, see below), and rescaling would pass it off as uncertainty.",
                rs_format_csv6(r->sigma2, s2));
  for (int pass = 0; pass < 2; pass++) {
    int count = pass == 0 ? c->nbound : c->nweak;
    if (count == 0) continue;
    rs_buf_printf(b, "%s", pass == 0 ? " At a bound: " : " Weakly identified: ");
    int shown = 0;
    for (int j = 0; j < fs->n; j++) {
      if (!(pass == 0 ? r->at_bound[j] : r->weak[j])) continue;
      rs_buf_printf(b, "%s`%s`", shown++ ? ", " : "", fs->p[j].name);
      if (pass == 0) {
        double dl = fabs(r->x[j] - fs->p[j].lower), du = fabs(r->x[j] - fs->p[j].upper);
        rs_buf_printf(b, " (%s bound %s)", dl <= du ? "lower" : "upper",
                      g4(dl <= du ? fs->p[j].lower : fs->p[j].upper, a));
      }
    }
    rs_buf_printf(b,
                  pass == 0
                      ? ": the figures push %s beyond the search range, so the estimate is a "
                        "limit, not an optimum, and its standard error means little; widen the "
                        "bound if the registry allows, or report the value as a bound."
                      : ": the figures hardly pin %s down (a large standard error, or a subset "
                        "with a high collinearity index); counterfactuals that depend on %s "
                        "should be run over a range of values.",
                  count == 1 ? "it" : "them", count == 1 ? "it" : "them");
  }
  rs_buf_printf(b, "\n\n");
  put_md_erosion(b, c);

  /* the correlation matrix */
  int n = fs->n;
  if (n == 0) return;
  rs_buf_printf(b, "### Correlations of the estimates\n\n| |");
  for (int j = 0; j < n; j++) rs_buf_printf(b, " `%s` |", fs->p[j].name);
  rs_buf_printf(b, "\n|---|");
  for (int j = 0; j < n; j++) rs_buf_printf(b, "---:|");
  rs_buf_printf(b, "\n");
  for (int i = 0; i < n; i++) {
    rs_buf_printf(b, "| `%s` |", fs->p[i].name);
    for (int j = 0; j < n; j++) {
      double v = r->corr ? r->corr[i * n + j] : (double)NAN;
      if (isfinite(v))
        rs_buf_printf(b, " %.2f |", v == 0.0 ? 0.0 : v);
      else
        rs_buf_printf(b, " n/a |");
    }
    rs_buf_printf(b, "\n");
  }
  int high = 0;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      double v = r->corr ? r->corr[i * n + j] : (double)NAN;
      if (!(fabs(v) >= CORR_HIGH)) continue;
      rs_buf_printf(b, "%s`%s` and `%s` (%.2f)",
                    high++ ? ", " : "\nStrongly correlated: ", fs->p[i].name, fs->p[j].name, v);
    }
  if (high)
    rs_buf_printf(b,
                  ". The fit can trade each of these pairs against each other at little cost: "
                  "their individual values are less certain than their standard errors "
                  "suggest, and a counterfactual should move them together.\n");
  rs_buf_printf(b, "\n");
}

/* When the erosion of ties is free: the rate at which ties would have eroded over 1991-2000 had
 * the Asian network absorbed none of the pressure, kappa_e times the mean pressure P, beside the
 * erosion the run at the estimate shows. kappa_e alone is a rate per unit of pressure, which
 * says little until it meets the pressure of the 1990s. */
static void put_md_erosion(rs_buf *b, const report_ctx *c) {
  int j = -1;
  for (int q = 0; q < c->fs->n; q++)
    if (strcmp(c->fs->p[q].name, "ties.kappa_e") == 0) j = q;
  if (j < 0) return;
  double kappa = c->res->x[j];
  double P = rs_series_mean(&c->res->series, RS_I_PRESSURE, 1991.0, 2000.0);
  double actual = rs_series_mean(&c->res->series, RS_I_EROSION, 1991.0, 2000.0);
  if (!isfinite(P)) return;
  double rate = kappa * P;
  char a[32], p[32], r[32], h[32], e[32];
  rs_buf_printf(b,
                "**The erosion rate without relief.** At the estimate `ties.kappa_e` = %s and "
                "the pressure on the regime P averaged %s per year over 1991–2000 (column `P` "
                "of `series.csv`), so κ_e × P = %s per year",
                g4(kappa, a), g4(P, p), g4(rate, r));
  if (rate > 0.0) rs_buf_printf(b, " (a half-life of ties of %s years)", g4(log(2.0) / rate, h));
  rs_buf_printf(b,
                ": the rate at which ties would have eroded in the 1990s had the Asian network "
                "absorbed none of the pressure. With the network the run shows %s per year "
                "(column `erosion`); the gap is the pressure the network took off the ties, the "
                "relief that the thesis credits to regionalization.\n\n",
                g4(actual, e));
}

static void put_md_identifiability(rs_buf *b, const report_ctx *c) {
  const rs_calib_result *r = c->res;
  char a[32];
  rs_buf_printf(b,
                "## Identifiability\n\n"
                "The collinearity index γ of a set of parameters (Brun, Reichert and Künsch 2001; "
                "R package FME, `collin`) is 1/√λ_min of SᵀS, S the residual Jacobian with "
                "columns scaled to unit length. It says how far the parameters can compensate "
                "each other: γ <= 10 the set is identifiable, 10–15 borderline, above 10–15 "
                "poorly identifiable (a change of one parameter can be undone by the others "
                "almost without changing the fit).\n\n");
  rs_buf_printf(b, "For the whole free set (%d parameters) γ = %s: %s.\n\n", c->fs->n,
                g4(r->collin_all, a), gamma_reading(r->collin_all));
  if (r->ncollin == 0) return;
  rs_buf_printf(b,
                "The worst subsets, by size:\n\n"
                "| size | γ | parameters | reading |\n"
                "|---:|---:|---|---|\n");
  for (int i = 0; i < r->ncollin; i++) {
    const rs_calib_collin *cl = &r->collin[i];
    char names[1024];
    subset_names(c, cl->mask, names, sizeof names);
    rs_buf_printf(b, "| %d | %s | %s | %s |\n", cl->size, g4(cl->gamma, a), names,
                  gamma_reading(cl->gamma));
  }
  rs_buf_printf(b, "\n");
}

static void put_md_tension(rs_buf *b, const report_ctx *c) {
  const rs_calib_result *r = c->res;
  rs_buf_printf(b, "## Targets in tension\n\n");
  if (r->ntension == 0) {
    rs_buf_printf(b,
                  "No two targets pull the parameters in opposite directions at the estimate.\n\n");
    return;
  }
  rs_buf_printf(b,
                "Pairs of targets whose cost gradients point against each other at the estimate "
                "(cosine of the angle between them; −1: directly opposed): moving the free "
                "parameters to fit one worsens the other. The paper's figures disagree with "
                "each other in places (section 2's TFP growth rates and relative TFP index "
                "imply different US growth, for one); this table shows where the model "
                "meets such a disagreement instead of hiding it.\n\n"
                "| target A | r(A) | target B | r(B) | cosine | reading |\n"
                "|---|---:|---|---:|---:|---|\n");
  for (int i = 0; i < r->ntension; i++) {
    const rs_calib_tension *tn = &r->tension[i];
    const rs_target *ta = &c->ts->t[tn->a], *tb = &c->ts->t[tn->b];
    double ra = r->resid[tn->a], rb = r->resid[tn->b];
    rs_buf_printf(b, "| `%s` | %+.2f | `%s` | %+.2f | %.2f | ", ta->id, ra, tb->id, rb, tn->cosine);
    /* "the paper's figures" only when both are: a data target is cited by its label */
    const char *whose = ta->origin == RS_TO_PAPER && tb->origin == RS_TO_PAPER
                            ? "the paper's figures "
                            : "the figures ";
    if (fabs(ra) <= 1.0 && fabs(rb) <= 1.0) {
      rs_buf_printf(b, "both are met within scale, but %s", whose);
      rs_buf_md_cell(b, ta->paper_value);
      rs_buf_printf(b, " (");
      put_label(b, ta);
      rs_buf_printf(b, ") and ");
      rs_buf_md_cell(b, tb->paper_value);
      rs_buf_printf(b, " (");
      put_label(b, tb);
      rs_buf_printf(b, ") pull the parameters in opposite directions |\n");
    } else {
      rs_buf_printf(b, "%s", whose);
      rs_buf_md_cell(b, ta->paper_value);
      rs_buf_printf(b, " (`%s`, ", ta->id);
      put_label(b, ta);
      rs_buf_printf(b, ") and ");
      rs_buf_md_cell(b, tb->paper_value);
      rs_buf_printf(b, " (`%s`, ", tb->id);
      put_label(b, tb);
      rs_buf_printf(b, ") cannot both be met by this model |\n");
    }
  }
  rs_buf_printf(b, "\n");
}

static void put_md_profiles(rs_buf *b, const report_ctx *c) {
  if (c->nprof == 0) return;
  double best = profiles_best(c), thr = PROFILE_TOL * best;
  char a[32], d[32], e[32], lo[32], hi[32];
  const rs_calib_profile *cols = NULL;
  for (int i = 0; i < c->nprof && !cols; i++)
    if (c->prof[i].ncol > 0) cols = &c->prof[i];
  int npoints = 0;
  for (int i = 0; i < c->nprof; i++) npoints += c->prof[i].n;
  rs_buf_printf(b,
                "## Profiles\n\n"
                "The profile of a parameter is the lowest cost the other free parameters can "
                "reach with it held at one value: here at points across its search bounds "
                "(spaced geometrically when the range spans three decades or more from 0) and "
                "at the estimate, each point re-fitted from the fit of its neighbour towards the "
                "estimate (%d re-fits in all). Read it as a curve: where it is flat, the targets "
                "do not decide the parameter, and any value along the flat part fits about as "
                "well as the estimate; where it rises steeply, they do. *cost − best* is the "
                "rise above the lowest cost of any profile point, %s (every point, the "
                "estimate's included, is re-fitted by the same method, so the points compare; "
                "the calibration's own cost, %s, comes from a run with sensitivities and "
                "differs by the integrator's noise). The reference is a rise of 10 %% of the "
                "best cost, %s: the cut of `relsim compare --band`, about what rescaling the "
                "target scales by 5 %% would change, so a point below it fits as well as the "
                "arbitrariness of the scales allows. *re-fit* is how the re-fit of the other "
                "parameters ended: converged, or at the iteration limit (the cost is then an "
                "upper bound of the profile at that value).",
                npoints, rs_format_csv6(best, a), rs_format_csv6(c->res->cost, d), g4(thr, e));
  if (cols) {
    rs_buf_printf(b,
                  " The last columns say what the counterfactual answers at each point's fit: "
                  "%s Where the cost stays flat but these columns move, the targets do not "
                  "decide the counterfactual either, and it should be reported as the range "
                  "along the flat part, not as the value at the estimate.",
                  cols->col_title);
  }
  rs_buf_printf(b, " The figure `plots/profiles.png` draws the same.\n\n");
  for (int i = 0; i < c->nprof; i++) {
    const rs_calib_profile *pr = &c->prof[i];
    const rs_free_param *fp = &c->fs->p[pr->param];
    rs_buf_printf(b, "### `%s`\n\n", pr->name);
    rs_buf_printf(b, "Search bounds %s to %s [", g4(fp->lower, lo), g4(fp->upper, hi));
    rs_buf_md_cell(b, free_units(c, pr->param));
    rs_buf_printf(b, "]; estimate %s. ", g4(pr->value[pr->at], a));
    /* the points within the 10 % band, and what the plotted columns do along them */
    int nin = 0, nfin = 0, first = -1, last = -1, gaps = 0;
    for (int k = 0; k < pr->n; k++) {
      if (!isfinite(pr->cost[k])) continue;
      nfin++;
      if (pr->cost[k] - best > thr) continue;
      if (last >= 0 && last != k - 1) gaps = 1;
      if (first < 0) first = k;
      last = k;
      nin++;
    }
    if (nin == 0)
      rs_buf_printf(b, "No point is within 10 %% of the best cost.");
    else if (nin == nfin && nfin == pr->n)
      rs_buf_printf(b,
                    "Every point is within 10 %% of the best cost: the profile is flat across "
                    "the search range, and the targets do not decide `%s`.",
                    pr->name);
    else if (nin == 1)
      rs_buf_printf(b,
                    "Only the point at %s is within 10 %% of the best cost: the targets decide "
                    "`%s` to within the grid's spacing.",
                    g4(pr->value[first], a), pr->name);
    else
      rs_buf_printf(b, "Within 10 %% of the best cost: %s to %s (%d of %d points%s).",
                    g4(pr->value[first], a), g4(pr->value[last], d), nin, pr->n,
                    gaps ? "; not contiguous: the curve has more than one valley" : "");
    /* what the plotted columns do along those points: "Along them ΔR 2001–2025 runs from
     * -0.612 to -0.128 and Δ GDP growth 2001–2025 (pp) from +0.127 to +1.167." */
    int said = 0;
    for (int q = 0; nin > 1 && q < pr->ncol; q++) {
      if (!pr->col_plot[q]) continue;
      double mn = (double)INFINITY, mx = -(double)INFINITY;
      for (int k = first; k <= last; k++) {
        double y = pr->col[(size_t)k * (size_t)pr->ncol + (size_t)q];
        if (!isfinite(pr->cost[k]) || pr->cost[k] - best > thr || !isfinite(y)) continue;
        mn = fmin(mn, y);
        mx = fmax(mx, y);
      }
      if (mn > mx) continue;
      rs_buf_printf(b, "%s%s %s%s to %s", said ? " and " : " Along them ", pr->col_label[q],
                    said ? "from " : "runs from ", diff_text(mn, a), diff_text(mx, d));
      said++;
    }
    if (said) rs_buf_printf(b, ".");
    rs_buf_printf(b, "\n\n| `%s` | cost | cost − best | re-fit |", pr->name);
    for (int q = 0; q < pr->ncol; q++) {
      rs_buf_printf(b, " ");
      rs_buf_md_cell(b, pr->col_label[q]);
      rs_buf_printf(b, " |");
    }
    rs_buf_printf(b, "\n|---:|---:|---:|---|");
    for (int q = 0; q < pr->ncol; q++) rs_buf_printf(b, "---:|");
    rs_buf_printf(b, "\n");
    for (int k = 0; k < pr->n; k++) {
      double cost = pr->cost[k];
      const char *mark = k == pr->at ? "**" : "";
      rs_buf_printf(b, "| %s%s%s%s | %s | %s | %s |", mark, g4(pr->value[k], a), mark,
                    k == pr->at ? " (estimate)" : "",
                    isfinite(cost) ? rs_format_csv6(cost, d) : "n/a",
                    isfinite(cost) ? g4(cost - best, e) : "n/a", status_word(pr->status[k]));
      for (int q = 0; q < pr->ncol; q++)
        rs_buf_printf(b, " %s |", diff_text(pr->col[(size_t)k * (size_t)pr->ncol + (size_t)q], lo));
      rs_buf_printf(b, "\n");
    }
    rs_buf_printf(b, "\n");
  }
}

static void put_md_starts(rs_buf *b, const report_ctx *c) {
  const rs_calib_result *r = c->res;
  rs_buf_printf(b, "## Starts\n\nStart 1 is the base values; ");
  if (r->nextra == 1)
    rs_buf_printf(b, "start 2 a given starting point (`--start`); ");
  else if (r->nextra > 1)
    rs_buf_printf(b, "starts 2 to %d given starting points (`--start`, in order); ", r->nextra + 1);
  rs_buf_printf(b,
                "the others a Latin hypercube over the search bounds. Each ran "
                "Levenberg–Marquardt within the bounds from its start; *left a bound* counts "
                "the times a step moved a parameter off a bound it had reached.\n\n"
                "| start | cost | cost − best | iterations | model runs | left a bound | "
                "status |\n"
                "|---:|---:|---:|---:|---:|---:|---|\n");
  double cb = r->best >= 0 && r->best < r->nstarts ? r->starts[r->best].cost : (double)NAN;
  for (int i = 0; i < r->nstarts; i++) {
    const rs_calib_start *s = &r->starts[i];
    char a[32], d[32];
    rs_buf_printf(b, "| %s%d%s | %s | %s | %d | %ld | %d | %s%s |\n", i == r->best ? "**" : "",
                  i + 1, i == r->best ? "**" : "", rs_format_csv6(s->cost, a), g4(s->cost - cb, d),
                  s->iterations, s->runs, s->left_bound, status_word(s->status),
                  i == r->best ? " (best)" : "");
  }
  rs_buf_printf(b, "\n");
}

static void put_md_figures(rs_buf *b, const report_ctx *c) {
  rs_buf_printf(b, "## Figures\n\n");
  if (c->nfigures == 0) {
    rs_buf_printf(b, "%s\n\n",
                  c->res->series.nrows == 0
                      ? "No figures: the run at the estimate has no rows (and no series.csv was "
                        "written)."
                      : "No figures: there are neither modelled targets nor free parameters.");
    return;
  }
  if (c->plots.rendered) {
    rs_buf_printf(b,
                  "Each figure is in `plots/` as PNG (screen), PDF (papers) and the gnuplot "
                  "script that draws it (edit and re-run it from `plots/`). On the figures of "
                  "the indicators, the targets are black, with bars of ± their scale (labels "
                  "tagged [data] mark external data, the others are figures of the paper); "
                  "a label ending in (x) marks a target the model misses (\\|r\\| > 1).\n\n");
  } else {
    rs_buf_printf(b, "The gnuplot scripts are in `plots/`, but ");
    rs_buf_md_cell(b, c->plots.nimages ? "some images are missing: " : "there are no images: ");
    /* rs_plots' message names the directory: keep the report free of where it was written */
    rs_buf_md_cell(b, c->plots.gnuplot[0] ? c->plots.why_not
                                          : "gnuplot not found (install gnuplot-nox, or set "
                                            "RELSIM_GNUPLOT)");
    rs_buf_printf(b, ". Run `gnuplot NAME.gp` in `plots/` to draw them.\n\n");
  }
  for (int ind = 0; ind < RS_NINDICATOR; ind++) {
    int any = 0;
    for (int k = 0; k < c->ts->n && !any; k++)
      any = c->ts->t[k].modelled && c->ts->t[k].indicator == ind;
    if (!any) continue;
    const rs_indicator_info *info = rs_indicator_info_get(ind);
    char name[80];
    fig_name(ind, name, sizeof name);
    rs_buf_printf(b, "![%s (%s) with its targets](plots/%s.png)\n\n", info->label, info->name,
                  name);
  }
  if (c->nmodelled > 0)
    rs_buf_printf(b, "![scaled residuals of the modelled targets](plots/residuals.png)\n\n");
  if (c->fs->n > 0) rs_buf_printf(b, "![correlation of the estimates](plots/correlation.png)\n\n");
  if (c->nprof > 0)
    rs_buf_printf(b,
                  "![profiles: the cost above the best fit (left axis; dashed: +10 %% of the best "
                  "cost) and the counterfactual along the curve (right axis) for each profiled "
                  "parameter; on a log axis the lower bound 0 is drawn at a quarter of the "
                  "smallest positive value](plots/profiles.png)\n\n");
}

static rs_status write_fit_md(const report_ctx *c, rs_error *err) {
  char path[RS_PATH_MAX];
  rs_status st = dir_file(c, "fit.md", path, sizeof path, err);
  if (st != RS_OK) return st;
  rs_buf b;
  rs_buf_init(&b);
  put_md_summary(&b, c);
  put_md_targets(&b, c);
  put_md_parameters(&b, c);
  put_md_identifiability(&b, c);
  put_md_tension(&b, c);
  put_md_profiles(&b, c);
  put_md_starts(&b, c);
  put_md_figures(&b, c);
  rs_buf_printf(&b,
                "## Files\n\n"
                "- `calibrated.cfg`: the estimate as a scenario over `%s` (standard errors in "
                "the comments); name it as the base of a counterfactual\n"
                "- `fit.csv`: every target, modelled or not (this report's target tables), "
                "with its origin (paper or data) and target file\n"
                "- `parameters.csv`: estimates, bounds, standard errors, flags\n"
                "%s"
                "- `series.csv`: the run at the estimate\n"
                "- `plots/`: the figures above\n",
                c->base_path,
                c->nprof > 0 ? "- `profiles.csv`: every point of every profile (the tables of "
                               "*Profiles*)\n"
                             : "");
  st = write_buf(path, &b, err);
  rs_buf_free(&b);
  return st;
}

/* ---------------------------------------------------------------- exported function */

/* The profiles must be of this free set, in order, with their arrays. */
static rs_status check_profiles(const rs_free_set *fs, const rs_calib_profile *prof, int nprof,
                                rs_error *err) {
  if (nprof < 0 || nprof > RS_PROFILE_MAX || (nprof > 0 && !prof))
    return rs_fail(err, RS_ERR_INPUT, "calibration report: %d profiles (0 to %d)", nprof,
                   RS_PROFILE_MAX);
  for (int i = 0; i < nprof; i++) {
    const rs_calib_profile *pr = &prof[i];
    if (pr->param < 0 || pr->param >= fs->n || strcmp(pr->name, fs->p[pr->param].name) != 0 ||
        pr->n < 1 || pr->at < 0 || pr->at >= pr->n || !pr->value || !pr->cost || !pr->status ||
        pr->ncol < 0 || pr->ncol > RS_PROFILE_MAXCOL || (pr->ncol > 0 && !pr->col))
      return rs_fail(err, RS_ERR_INPUT,
                     "calibration report: profile %d (%s) does not belong to the free set %s or "
                     "is incomplete",
                     i + 1, pr->name, fs->file);
    for (int k = 1; k < pr->n; k++)
      if (!(pr->value[k] > pr->value[k - 1]))
        return rs_fail(err, RS_ERR_INPUT,
                       "calibration report: the profile of %s is not in increasing order",
                       pr->name);
  }
  return RS_OK;
}

rs_status rs_calib_write_report(const char *dir, const char *base_path, const rs_params *base,
                                const rs_targets *ts, const rs_free_set *fs,
                                const rs_calib_result *res, const rs_calib_profile *profiles,
                                int nprofiles, int partial, const char *command,
                                rs_plots_report *plots, rs_error *err) {
  if (plots) memset(plots, 0, sizeof *plots);
  if (!dir || !dir[0] || !base_path || !base_path[0] || !base || !ts || !fs || !res)
    return rs_fail(err, RS_ERR_INPUT, "calibration report: missing argument");
  rs_status st = check_inputs(ts, fs, res, err);
  if (st == RS_OK) st = check_profiles(fs, profiles, nprofiles, err);
  if (st != RS_OK) return st;
  /* room for "/plots/fit_<indicator>.tmp.XXXXXX.png" and the like after dir */
  if (strlen(dir) + 64 >= RS_PATH_MAX) return rs_fail(err, RS_ERR_IO, "%s: path too long", dir);
  st = rs_mkdir_p(dir, err);
  if (st != RS_OK) return st;

  report_ctx c;
  memset(&c, 0, sizeof c);
  c.dir = dir;
  c.base_path = base_path;
  c.command = command;
  c.base = base;
  c.ts = ts;
  c.fs = fs;
  c.res = res;
  c.prof = profiles;
  c.nprof = nprofiles;
  rs_calib_base_reference(dir, base_path, c.base_ref, sizeof c.base_ref);
  for (int k = 0; k < ts->n; k++) {
    if (!ts->t[k].modelled) {
      c.nunmodelled++;
      continue;
    }
    c.nmodelled++;
    c.nwithin += within(&c, k) == 1;
  }
  for (int j = 0; j < fs->n; j++) {
    c.nbound += res->at_bound[j] != 0;
    c.nweak += res->weak[j] != 0;
  }

  st = write_scenario(&c, partial, err);
  if (st != RS_OK || partial) return st;
  if ((st = write_fit_csv(&c, err)) != RS_OK) return st;
  if ((st = write_parameters_csv(&c, err)) != RS_OK) return st;
  if (c.nprof > 0)
    st = write_profiles_csv(&c, err);
  else
    remove_stale(&c, "profiles.csv");
  if (st != RS_OK) return st;
  if (res->series.nrows > 0) {
    char path[RS_PATH_MAX];
    if ((st = dir_file(&c, "series.csv", path, sizeof path, err)) != RS_OK) return st;
    if ((st = rs_output_write_csv(path, &res->series, err)) != RS_OK) return st;
    if ((st = write_figures(&c, err)) != RS_OK) return st;
  }
  if ((st = write_fit_md(&c, err)) != RS_OK) return st;
  if (plots) *plots = c.plots;
  return RS_OK;
}
