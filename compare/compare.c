/* compare/compare.c -- scenarios side by side: loading, running in parallel, and the report.
 * This file contains rs_compare_load (every file on the reference's span and solver settings),
 * rs_compare_run (one rs_sim per run, OpenMP over the runs, results stored by index so that
 * they are the same for any thread count) and rs_compare_write, which leaves in DIR:
 *
 *   compare.csv          every statistic of every indicator of every scenario, its difference
 *                        from the reference and (with a band) the band of that difference
 *   compare.md           the tables a reader wants: key indicators, scenario x statistic, the
 *                        difference in parentheses and the band in brackets; the projection
 *                        beside the JCER forecast of sec. 6 (c->forecast, read from its data
 *                        file by forecast.c) when the runs go past its start
 *   NAME/series.csv      each scenario's run (rs_output_write_csv), NAME/band.csv its band
 *   plots/IND.gp         one figure per indicator, a line per scenario (PNG + PDF by gnuplot)
 *   plots/overview.gp    six key indicators in one figure
 *
 * The figure scripts read ../NAME/series.csv (and ../NAME/band.csv) by column name, so they
 * re-run standalone from DIR/plots; the scripts are written and rendered through
 * rs_plots_render_script (atomic files, the same behaviour without gnuplot as a run).
 * The band itself (rs_compare_band) is in band.c, the attribution in shapley.c. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h> /* the runs and the figures in parallel */
#endif

#include "compare.h"
#include "output.h" /* rs_output_write_csv: each scenario's series.csv */

/* ---------------------------------------------------------------- constants */

/* The key indicators of compare.md, in the order of the paper's story (catch-up, the flip,
 * investment, ties, regionalization, R&D, entry and exit). */
static const int md_indicators[] = {
    RS_I_A,           RS_I_TFP_GROWTH, RS_I_GDP_GROWTH,     RS_I_S,
    RS_I_R,           RS_I_G,          RS_I_NET_RELATIONAL, RS_I_RD_TOTAL,
    RS_I_BASIC_SHARE, RS_I_E,          RS_I_CLOSURE,        RS_I_INDEP_SHARE};
#define N_MD_IND ((int)(sizeof md_indicators / sizeof md_indicators[0]))

/* The six panels of the overview figure and the columns of the "at a glance" tables. */
static const int overview_indicators[6] = {RS_I_A, RS_I_GDP_GROWTH, RS_I_R,
                                           RS_I_G, RS_I_RD_TOTAL,   RS_I_E};
static const char *const overview_short[6] = {"relative TFP a",  "GDP growth",   "ties R",
                                              "Asian network G", "national R&D", "start-up rate e"};
static const char *const overview_diff_units[6] = {"US = 1", "pp",        "0..1",
                                                   "index",  "pp of GDP", "pp"};

/* Colours of the scenarios after the reference (black): Okabe-Ito first (readable with
 * colour-blindness), then Paul Tol's; beyond them the colours repeat with dashes. */
static const char *const palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                      "#56B4E9", "#882255", "#999933", "#44AA99", "#AA4499"};
static const char *const palette_name[] = {"blue",   "vermillion", "bluish green", "reddish purple",
                                           "orange", "sky blue",   "wine",         "olive",
                                           "teal",   "purple"};
#define NPALETTE ((int)(sizeof palette / sizeof palette[0]))

/* The end of the paper's period: the runs go on after it as projections (a line marks it). */
#define PAPER_END 2000.0
static const char band_label[] = "band of the difference (near-best fits)";
/* The key entries of the JCER forecast; its figures come from c->forecast (the data file) only,
 * and so does the part of the alternative's label that states its slopes (fc_alt_label). */
static const char fc_label[] = "JCER forecast, sec. 6 (period averages)";
static const char fc_alt_prefix[] = "JCER, alternative reading";
#define FC_LABEL_MAX 160

/* ---------------------------------------------------------------- private prototypes */

static void scenario_name(const char *file, char *out, size_t n);
static void unique_name(rs_compare *c, int i);
static int is_run_setting(int id);
static rs_status run_one(rs_compare_scenario *sc, rs_error *err);
static double disp_scale(int ind, char *units, size_t n);
static void stat_column(int k, char *out, size_t n);
static const char *gyear(double x, char buf[32]);
static double final_year(const rs_compare *c);
static const rs_forecast_reading *fc_drawn(const rs_compare *c, int reading);
static const char *fc_pct(double g, char buf[32]);
static void fc_alt_label(const rs_forecast_reading *r, char *out, size_t n);
static int md_decimals(const rs_compare *c, int ind);
static void md_fixed(double x, int dec, char *out, size_t n);
static void md_diff(double d, int dec, char *out, size_t n);
static void md_cell(rs_buf *b, const rs_compare *c, int i, int ind, int k, int dec);
static void fig_name(int ind, char *out, size_t n);
static void put_csv(rs_buf *b, const rs_compare *c);
static void put_md_header(rs_buf *b, const rs_compare *c);
static void put_md_glance(rs_buf *b, const rs_compare *c);
static void put_md_indicator(rs_buf *b, const rs_compare *c, int ind);
static void put_md_reading_words(rs_buf *b, const rs_forecast_reading *r);
static void put_md_jcer(rs_buf *b, const rs_compare *c);
static void put_md_files(rs_buf *b, const rs_compare *c);
static void put_band_csv(rs_buf *b, const rs_compare *c, int i);
static void put_gp_head(rs_buf *b, const rs_compare *c, const char *name, const char *what,
                        int overview, int jcer);
static void put_gp_reading(rs_buf *b, const char *block, const char *what,
                           const rs_forecast_reading *r, double last);
static void put_gp_terminals(rs_buf *b, int overview);
static void put_gp_axes(rs_buf *b, const rs_compare *c);
static void put_gp_plot(rs_buf *b, const rs_compare *c, int ind, int jcer, int key);
static void put_gp_indicator(rs_buf *b, const rs_compare *c, int ind);
static int legend_rows(int n, size_t longest);
static int key_rows(int n, size_t longest);
static int put_gp_extra_keys(rs_buf *b, const rs_compare *c, int jcer, const char *sep,
                             size_t *longest);
static void put_gp_overview(rs_buf *b, const rs_compare *c);
static rs_status write_buf(const char *path, rs_buf *b, rs_error *err);
static rs_status write_figures(const char *dir, const rs_compare *c, rs_plots_report *rep,
                               rs_error *err);

/* ---------------------------------------------------------------- loading and running */

/* "no_bubble" for "params/scenarios/no_bubble.cfg": the file name without directory and
 * ".cfg", every character other than [A-Za-z0-9_.-] replaced by '_' and a leading '.' too, so
 * that the name is safe as a directory name and inside gnuplot and Markdown text. */
static void scenario_name(const char *file, char *out, size_t n) {
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  size_t len = strlen(base);
  if (len > 4 && strcmp(base + len - 4, ".cfg") == 0) len -= 4;
  if (len > 48) len = 48; /* room for a "_NN" suffix in rs_compare_scenario.name */
  if (len == 0 || n < 2) {
    snprintf(out, n, "scenario");
    return;
  }
  size_t k = 0;
  for (size_t j = 0; j < len && k + 1 < n; j++) {
    char ch = base[j];
    int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             ch == '_' || ch == '-' || (ch == '.' && j > 0);
    out[k++] = ok ? ch : '_';
  }
  out[k] = '\0';
}

/* Make sc[i].name differ from the names before it: "a", "a_2", "a_3", ... */
static void unique_name(rs_compare *c, int i) {
  char base[64];
  snprintf(base, sizeof base, "%s", c->sc[i].name);
  for (int suffix = 2;; suffix++) {
    int clash = 0;
    for (int j = 0; j < i && !clash; j++) clash = strcmp(c->sc[j].name, c->sc[i].name) == 0;
    if (!clash) return;
    snprintf(c->sc[i].name, sizeof c->sc[i].name, "%.50s_%d", base, suffix);
  }
}

/* Span and solver settings belong to the comparison: every run takes the reference's. */
static int is_run_setting(int id) {
  const char *name = rs_param_info_get(id)->name;
  return strncmp(name, "span.", 5) == 0 || strncmp(name, "solver.", 7) == 0;
}

rs_status rs_compare_load(rs_compare *c, const char *const *files, int nfiles, double to,
                          rs_error *err) {
  if (!c) return rs_fail(err, RS_ERR_INPUT, "compare: no comparison");
  memset(c, 0, sizeof *c);
  if (!files || nfiles < 1)
    return rs_fail(err, RS_ERR_INPUT, "compare: no scenario files (the first is the reference)");
  c->sc = calloc((size_t)nfiles, sizeof *c->sc);
  if (!c->sc) return rs_fail(err, RS_ERR_NOMEM, "compare: out of memory");
  c->n = nfiles;
  for (int i = 0; i < nfiles; i++) {
    rs_compare_scenario *sc = &c->sc[i];
    rs_series_init(&sc->series);
    for (int k = 0; k < RS_NINDICATOR * RS_NCSTAT; k++)
      sc->band_min[k] = sc->band_max[k] = (double)NAN;
  }
  rs_status st = RS_OK;
  for (int i = 0; st == RS_OK && i < nfiles; i++) {
    rs_compare_scenario *sc = &c->sc[i];
    if (!files[i] || !files[i][0]) {
      st = rs_fail(err, RS_ERR_INPUT, "compare: scenario file %d has an empty name", i + 1);
      break;
    }
    snprintf(sc->file, sizeof sc->file, "%s", files[i]);
    scenario_name(files[i], sc->name, sizeof sc->name);
    unique_name(c, i);
    /* the loader's messages start with the file (and line) already */
    st = rs_params_load(files[i], &sc->params, NULL, err);
    if (st != RS_OK) break;
    if (i == 0 && isfinite(to)) sc->params.v[RS_P_SPAN_END] = to;
    for (int id = 0; i > 0 && id < RS_NPARAM; id++)
      if (is_run_setting(id)) sc->params.v[id] = c->sc[0].params.v[id];
    rs_error verr;
    if (rs_params_validate(&sc->params, &verr) != RS_OK)
      st = rs_fail(err, RS_ERR_INPUT, "%s%s: %s", files[i],
                   i == 0 ? "" : " (on the reference's span and solver settings)", verr.msg);
  }
  if (st != RS_OK) {
    rs_compare_free(c);
    return st;
  }
  c->to = c->sc[0].params.v[RS_P_SPAN_END];
  return RS_OK;
}

/* One run on a workspace of its own, then its statistics. */
static rs_status run_one(rs_compare_scenario *sc, rs_error *err) {
  rs_sim *sim = rs_sim_alloc(err);
  if (!sim) return RS_ERR_NOMEM;
  rs_status st = rs_sim_run(sim, &sc->params, &sc->series, NULL, err);
  rs_sim_free(sim);
  if (st == RS_OK) rs_compare_stats(&sc->series, sc->stats);
  return st;
}

rs_status rs_compare_run(rs_compare *c, int threads, rs_error *err) {
  if (!c || c->n < 1 || !c->sc)
    return rs_fail(err, RS_ERR_INPUT, "compare: no scenarios loaded (rs_compare_load)");
  int n = c->n;
  c->threads = threads;
  rs_status *st = calloc((size_t)n, sizeof *st);
  rs_error *errs = calloc((size_t)n, sizeof *errs);
  if (!st || !errs) {
    free(st);
    free(errs);
    return rs_fail(err, RS_ERR_NOMEM, "compare: out of memory");
  }
#ifdef _OPENMP
  int nt = rs_threads(threads, n);
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
#else
  (void)threads;
#endif
  for (int i = 0; i < n; i++) st[i] = run_one(&c->sc[i], &errs[i]);
  /* the first failure by index: the same message for any thread count */
  rs_status res = RS_OK;
  for (int i = 0; i < n && res == RS_OK; i++)
    if (st[i] != RS_OK) res = rs_fail(err, st[i], "%s: %s", c->sc[i].file, errs[i].msg);
  free(st);
  free(errs);
  return res;
}

void rs_compare_free(rs_compare *c) {
  if (!c) return;
  for (int i = 0; c->sc && i < c->n; i++) {
    rs_series_free(&c->sc[i].series);
    free(c->sc[i].band_lo);
    free(c->sc[i].band_hi);
  }
  free(c->sc);
  memset(c, 0, sizeof *c);
}

/* ---------------------------------------------------------------- units and numbers */

/* Factor from a series.csv value to the value shown in compare.md and the figures, and the
 * units shown: rates per year and shares of GDP in percent as in every relsim figure
 * (rs_plots_indicator_scale), and the three shares the model states as fractions in percent
 * too, with what they are shares of. */
static double disp_scale(int ind, char *units, size_t n) {
  switch (ind) {
    case RS_I_RD_INV_SHARE:
      snprintf(units, n, "%% of business R&D + investment");
      return 100.0;
    case RS_I_BASIC_SHARE:
      snprintf(units, n, "%% of national R&D");
      return 100.0;
    case RS_I_INDEP_SHARE:
      snprintf(units, n, "%% of start-ups");
      return 100.0;
    case RS_I_MPK:
      snprintf(units, n, "ratio");
      return 1.0;
    default:
      return rs_plots_indicator_scale(ind, units, n);
  }
}

/* The compare.csv column of statistic k: "value_1973", ..., "mean_1991_2000". */
static void stat_column(int k, char *out, size_t n) {
  snprintf(out, n, "%s%s", k <= RS_CS_FINAL ? "value_" : "", rs_compare_stat_name(k));
}

/* A year: "2025", "2012.5". */
static const char *gyear(double x, char buf[32]) {
  snprintf(buf, 32, "%.6g", x);
  return buf;
}

/* The last output year of the reference (every run has the same grid). */
static double final_year(const rs_compare *c) {
  const rs_series *s = &c->sc[0].series;
  return s->nrows > 0 ? s->year[s->nrows - 1] : c->to;
}

/* ---------------------------------------------------------------- the JCER forecast */

/* Reading `reading` of the comparison's forecast when the figures and compare.md show it: the
 * file has it and the runs go past its start; else NULL. */
static const rs_forecast_reading *fc_drawn(const rs_compare *c, int reading) {
  const rs_forecast_reading *r = &c->forecast.reading[reading];
  return c->forecast.file[0] && r->n > 0 && final_year(c) > r->p[0].from ? r : NULL;
}

/* A growth rate in 1/yr as a percentage for text: three significant digits, "0" not "-0". */
static const char *fc_pct(double g, char buf[32]) {
  snprintf(buf, 32, "%.3g", 100.0 * g);
  if (strcmp(buf, "-0") == 0) snprintf(buf, 32, "0");
  return buf;
}

/* The key entry of the alternative reading, its slopes from the file: "JCER, alternative
 * reading (falling 0.1/0.2 pt a year)" ("rising", or signed slopes when they differ in sign;
 * no parenthesis when no period slopes). */
static void fc_alt_label(const rs_forecast_reading *r, char *out, size_t n) {
  char slopes[96] = "", last[32] = "", v[32];
  int down = 0, up = 0;
  for (int k = 0; k < r->n; k++) {
    double d = (r->p[k].g_end - r->p[k].g_start) / (r->p[k].to - r->p[k].from);
    down += d < 0.0;
    up += d > 0.0;
  }
  for (int k = 0; k < r->n; k++) {
    double d = (r->p[k].g_end - r->p[k].g_start) / (r->p[k].to - r->p[k].from);
    if (d == 0.0) continue;
    snprintf(v, sizeof v, "%s%.3g", up && down && d > 0.0 ? "+" : "",
             up && down ? 100.0 * d : 100.0 * fabs(d));
    if (strcmp(v, last) == 0) continue; /* 0.1/0.1 says no more than 0.1 */
    size_t len = strlen(slopes);
    snprintf(slopes + len, sizeof slopes - len, "%s%s", len ? "/" : "", v);
    snprintf(last, sizeof last, "%s", v);
  }
  if (!slopes[0])
    snprintf(out, n, "%s", fc_alt_prefix);
  else
    snprintf(out, n, "%s (%s %s pt a year)", fc_alt_prefix,
             up && down ? "changing by"
             : down     ? "falling"
                        : "rising",
             slopes);
}

/* ---------------------------------------------------------------- compare.csv */

/* One row per scenario and indicator. Values in the units of series.csv. */
static void put_csv(rs_buf *b, const rs_compare *c) {
  char v[32], col[40];
  double last = final_year(c);
  rs_buf_printf(b, "# relsim %s comparison of %d scenarios, %s-%s; reference: %s (", RS_VERSION,
                c->n, gyear(c->sc[0].params.v[RS_P_SPAN_START], v), gyear(last, col),
                c->sc[0].name);
  rs_buf_md_cell(b, c->sc[0].file);
  rs_buf_printf(b, ")\n# scenarios:");
  for (int i = 0; i < c->n; i++) {
    rs_buf_printf(b, " %s=", c->sc[i].name);
    rs_buf_md_cell(b, c->sc[i].file);
  }
  rs_buf_printf(b,
                "\n# values in the units of series.csv (rates per year and shares as fractions, "
                "not percent); value_final\n# is the value in final_year; mean_* are time "
                "averages (trapezoid rule on the output grid);\n# diff_* = scenario - "
                "reference; diff_*_min and diff_*_max: the band of the difference over the\n"
                "# parameter sets that fit about as well as the best (relsim compare --band; "
                "empty without);\n# an empty field: not defined (a year or period the run does "
                "not cover)\n");
  rs_buf_printf(b, "scenario,indicator,units,final_year");
  for (int k = 0; k < RS_NCSTAT; k++) {
    stat_column(k, col, sizeof col);
    rs_buf_printf(b, ",%s", col);
  }
  for (int k = 0; k < RS_NCSTAT; k++) {
    stat_column(k, col, sizeof col);
    rs_buf_printf(b, ",diff_%s", col);
  }
  for (int k = 0; k < RS_NCSTAT; k++) {
    stat_column(k, col, sizeof col);
    rs_buf_printf(b, ",diff_%s_min,diff_%s_max", col, col);
  }
  rs_buf_printf(b, "\n");
  const double *ref = c->sc[0].stats;
  for (int i = 0; i < c->n; i++) {
    const rs_compare_scenario *sc = &c->sc[i];
    for (int ind = 0; ind < RS_NINDICATOR; ind++) {
      const rs_indicator_info *info = rs_indicator_info_get(ind);
      const double *st = sc->stats + ind * RS_NCSTAT;
      rs_buf_csv_field(b, sc->name);
      rs_buf_printf(b, ",%s,", info->name);
      rs_buf_csv_field(b, info->units);
      rs_buf_printf(b, ",%s", gyear(last, v));
      for (int k = 0; k < RS_NCSTAT; k++) rs_buf_printf(b, ",%s", rs_format_csv6(st[k], v));
      for (int k = 0; k < RS_NCSTAT; k++)
        rs_buf_printf(b, ",%s", rs_format_csv6(st[k] - ref[ind * RS_NCSTAT + k], v));
      for (int k = 0; k < RS_NCSTAT; k++) {
        double lo = c->has_band ? sc->band_min[ind * RS_NCSTAT + k] : (double)NAN;
        double hi = c->has_band ? sc->band_max[ind * RS_NCSTAT + k] : (double)NAN;
        char w[32];
        rs_buf_printf(b, ",%s,%s", rs_format_csv6(lo, v), rs_format_csv6(hi, w));
      }
      rs_buf_printf(b, "\n");
    }
  }
}

/* ---------------------------------------------------------------- compare.md */

/* Decimals of an indicator's table: three significant digits of the largest value shown (three
 * decimals at least for an index or ratio below 10), between 0 and 4. */
static int md_decimals(const rs_compare *c, int ind) {
  char u[64];
  double k = disp_scale(ind, u, sizeof u), big = 0.0;
  for (int i = 0; i < c->n; i++)
    for (int s = 0; s < RS_NCSTAT; s++) {
      double x = fabs(k * c->sc[i].stats[ind * RS_NCSTAT + s]);
      if (isfinite(x) && x > big) big = x;
    }
  if (big == 0.0) return 2;
  int dec = 2 - (int)floor(log10(big));
  if (k != 100.0 && big < 10.0 && dec < 3) dec = 3; /* indices and ratios near 1: 0.893 */
  return dec < 0 ? 0 : dec > 4 ? 4 : dec;
}

/* A value with dec decimals; "n/a" for NAN; no "-0.00". */
static void md_fixed(double x, int dec, char *out, size_t n) {
  if (isnan(x)) {
    snprintf(out, n, "n/a");
    return;
  }
  snprintf(out, n, "%.*f", dec, x);
  if (out[0] == '-' && strspn(out + 1, "0.") == strlen(out + 1)) memmove(out, out + 1, strlen(out));
}

/* A difference: signed with dec decimals, "0" when exactly zero, "≈0" when it rounds to zero,
 * "n/a" for NAN. */
static void md_diff(double d, int dec, char *out, size_t n) {
  if (isnan(d))
    snprintf(out, n, "n/a");
  else if (d == 0.0)
    snprintf(out, n, "0");
  else if (fabs(d) < 0.5 * pow(10.0, -dec))
    snprintf(out, n,
             "\u2248"
             "0");
  else
    snprintf(out, n, "%+.*f", dec, d);
}

/* The cell of scenario i, indicator ind, statistic k: the value, the difference from the
 * reference in parentheses and its band in brackets (not for the reference itself). */
static void md_cell(rs_buf *b, const rs_compare *c, int i, int ind, int k, int dec) {
  char u[64], v[48], d[48], lo[48], hi[48];
  double f = disp_scale(ind, u, sizeof u);
  int at = ind * RS_NCSTAT + k;
  double x = c->sc[i].stats[at];
  md_fixed(f * x, dec, v, sizeof v);
  rs_buf_printf(b, " %s", v);
  if (i == 0 || isnan(x)) return;
  md_diff(f * (x - c->sc[0].stats[at]), dec, d, sizeof d);
  rs_buf_printf(b, " (%s)", d);
  if (c->has_band && !isnan(c->sc[i].band_min[at]) && !isnan(c->sc[i].band_max[at])) {
    md_diff(f * c->sc[i].band_min[at], dec, lo, sizeof lo);
    md_diff(f * c->sc[i].band_max[at], dec, hi, sizeof hi);
    rs_buf_printf(b, " [%s, %s]", lo, hi);
  }
}

/* The opening: what was compared, on which span, how to read the tables, the band. */
static void put_md_header(rs_buf *b, const rs_compare *c) {
  char y0[32], y1[32], step[32];
  double last = final_year(c);
  gyear(c->sc[0].params.v[RS_P_SPAN_START], y0);
  gyear(last, y1);
  gyear(c->sc[0].params.v[RS_P_SPAN_OUTPUT_STEP], step);
  rs_buf_printf(b, "# Scenarios compared, %s\u2013%s\n\n", y0, y1);
  rs_buf_printf(b,
                "relsim %s ran %d scenario%s of Hatch (2001), \"Regionalizing Relationalism\", "
                "from %s to %s (output every %s yr). Every run uses the span, output grid and "
                "solver settings of the reference, the first file.\n\n",
                RS_VERSION, c->n, c->n == 1 ? "" : "s", y0, y1, step);
  rs_buf_printf(b, "| scenario | file | colour in the figures |\n|---|---|---|\n");
  for (int i = 0; i < c->n; i++) {
    rs_buf_printf(b, "| %s", i == 0 ? "**" : "");
    rs_buf_md_cell(b, c->sc[i].name);
    rs_buf_printf(b, "%s | `", i == 0 ? "** (reference)" : "");
    rs_buf_md_cell(b, c->sc[i].file);
    if (i == 0)
      rs_buf_printf(b, "` | black, heavier |\n");
    else
      rs_buf_printf(b, "` | %s%s |\n", palette_name[(i - 1) % NPALETTE],
                    i - 1 >= NPALETTE ? ", dashed" : "");
  }
  rs_buf_printf(b,
                "\n**How to read the tables.** A row is a scenario; the columns give the "
                "indicator in fixed years, in the final year and as time averages over "
                "1991\u20132000 (the paper's lost decade)%s. In parentheses: the difference "
                "from the reference (scenario \u2212 reference), in percentage points where the "
                "values are in percent and in the indicator's units otherwise; (0) means "
                "identical, (\u22480) a difference that rounds to zero.%s Rates per year and "
                "shares are shown in percent, with the unit said above each table; "
                "`compare.csv` holds every indicator, in the units of `series.csv` "
                "(fractions), to six digits.\n\n",
                last >= 2002.0 ? " and from 2001 to the final year (the projection)" : "",
                c->has_band ? " In brackets: the band of that difference, [min, max] over the "
                              "parameter sets that fit the paper about as well as the best."
                            : "");
  if (c->has_band) {
    rs_buf_printf(b, "**The band.** ");
    rs_buf_md_cell(b, c->band_note);
    rs_buf_printf(b, "\n\n");
  }
}

/* The differences of the six overview indicators, as time averages over 1991-2000 and over
 * 2001 to the final year. */
static void put_md_glance(rs_buf *b, const rs_compare *c) {
  if (c->n < 2) return;
  double last = final_year(c);
  char y1[32];
  gyear(last, y1);
  rs_buf_printf(b, "## At a glance\n\n");
  for (int period = 0; period < 2; period++) {
    int k = period == 0 ? RS_CS_MEAN_9100 : RS_CS_MEAN_01F;
    if (period == 1 && !(last >= 2002.0)) break;
    if (period == 0)
      rs_buf_printf(b,
                    "Difference from the reference, time average over 1991\u20132000 (over "
                    "2001\u2013%s below)%s:\n\n",
                    y1, c->has_band ? ", with its band" : "");
    else
      rs_buf_printf(b, "Difference from the reference, time average over 2001\u2013%s:\n\n", y1);
    rs_buf_printf(b, "| scenario |");
    for (int j = 0; j < 6; j++)
      rs_buf_printf(b, " %s (%s) |", overview_short[j], overview_diff_units[j]);
    rs_buf_printf(b, "\n|---|");
    for (int j = 0; j < 6; j++) rs_buf_printf(b, "---:|");
    rs_buf_printf(b, "\n");
    for (int i = 1; i < c->n; i++) {
      rs_buf_printf(b, "| ");
      rs_buf_md_cell(b, c->sc[i].name);
      rs_buf_printf(b, " |");
      for (int j = 0; j < 6; j++) {
        int ind = overview_indicators[j], at = ind * RS_NCSTAT + k, dec = md_decimals(c, ind);
        char u[64], d[48], lo[48], hi[48];
        double f = disp_scale(ind, u, sizeof u);
        md_diff(f * (c->sc[i].stats[at] - c->sc[0].stats[at]), dec, d, sizeof d);
        rs_buf_printf(b, " %s", d);
        if (c->has_band && !isnan(c->sc[i].band_min[at]) && !isnan(c->sc[i].band_max[at])) {
          md_diff(f * c->sc[i].band_min[at], dec, lo, sizeof lo);
          md_diff(f * c->sc[i].band_max[at], dec, hi, sizeof hi);
          rs_buf_printf(b, " [%s, %s]", lo, hi);
        }
        rs_buf_printf(b, " |");
      }
      rs_buf_printf(b, "\n");
    }
    rs_buf_printf(b, "\n");
  }
}

/* One key indicator: scenario x statistic. A column is left out when no scenario has a value
 * (the 2001-final mean of a run ending in 2000) or when it repeats a fixed year (the final
 * year 2000). */
static void put_md_indicator(rs_buf *b, const rs_compare *c, int ind) {
  const rs_indicator_info *info = rs_indicator_info_get(ind);
  char u[64], fig[80], y1[32];
  double f = disp_scale(ind, u, sizeof u), last = final_year(c);
  int dec = md_decimals(c, ind);
  fig_name(ind, fig, sizeof fig);
  gyear(last, y1);
  int show[RS_NCSTAT];
  for (int k = 0; k < RS_NCSTAT; k++) {
    show[k] = 0;
    for (int i = 0; i < c->n; i++) show[k] |= !isnan(c->sc[i].stats[ind * RS_NCSTAT + k]);
  }
  if (last == 1973.0 || last == 1990.0 || last == 2000.0) show[RS_CS_FINAL] = 0;
  rs_buf_printf(
      b, "### %c%s (`%s`)\n\n",
      info->label[0] >= 'a' && info->label[0] <= 'z' ? info->label[0] - 'a' + 'A' : info->label[0],
      info->label + 1, info->name);
  if (f == 100.0)
    rs_buf_printf(b, "In %s; differences in percentage points. Figure: `plots/%s.png`.\n\n", u,
                  fig);
  else
    rs_buf_printf(b, "Units: %s; differences in the same units. Figure: `plots/%s.png`.\n\n", u,
                  fig);
  rs_buf_printf(b, "| scenario |");
  for (int k = 0; k < RS_NCSTAT; k++) {
    if (!show[k]) continue;
    if (k == RS_CS_FINAL)
      rs_buf_printf(b, " %s |", y1);
    else if (k == RS_CS_MEAN_9100)
      rs_buf_printf(b, " mean 1991\u20132000 |");
    else if (k == RS_CS_MEAN_01F)
      rs_buf_printf(b, " mean 2001\u2013%s |", y1);
    else
      rs_buf_printf(b, " %s |", rs_compare_stat_name(k));
  }
  rs_buf_printf(b, "\n|---|");
  for (int k = 0; k < RS_NCSTAT; k++)
    if (show[k]) rs_buf_printf(b, "---:|");
  rs_buf_printf(b, "\n");
  for (int i = 0; i < c->n; i++) {
    rs_buf_printf(b, "| %s", i == 0 ? "**" : "");
    rs_buf_md_cell(b, c->sc[i].name);
    rs_buf_printf(b, "%s |", i == 0 ? "** (reference)" : "");
    for (int k = 0; k < RS_NCSTAT; k++) {
      if (!show[k]) continue;
      md_cell(b, c, i, ind, k, dec);
      rs_buf_printf(b, " |");
    }
    rs_buf_printf(b, "\n");
  }
  rs_buf_printf(b, "\n");
}

/* A reading in words, its figures from the file: "0 % a year over 2000\u20132005, -0.1 % a
 * year over 2005\u20132015 and ..." for periods given by their averages, "from 0.5 % a year
 * in 2005 to -0.5 % in 2015 (falling by 0.1 points a year)" for sloping ones. */
static void put_md_reading_words(rs_buf *b, const rs_forecast_reading *r) {
  char g0[32], g1[32], y0[32], y1[32], d[32];
  for (int k = 0; k < r->n; k++) {
    const rs_forecast_period *p = &r->p[k];
    rs_buf_printf(b, "%s", k == 0 ? "" : k + 1 == r->n ? " and " : ", ");
    gyear(p->from, y0);
    gyear(p->to, y1);
    if (p->g_end == p->g_start) {
      rs_buf_printf(b, "%s %% a year over %s\u2013%s", fc_pct(p->g_start, g0), y0, y1);
      continue;
    }
    double slope = (p->g_end - p->g_start) / (p->to - p->from);
    fc_pct(fabs(slope), d);
    rs_buf_printf(b, "from %s %% a year in %s to %s %% in %s (%s by %s point%s a year)",
                  fc_pct(p->g_start, g0), y0, fc_pct(p->g_end, g1), y1,
                  slope < 0.0 ? "falling" : "rising", d, strcmp(d, "1") == 0 ? "" : "s");
  }
}

/* The forecast of sec. 6 beside the runs: the quote, both readings in words, and per period of
 * the natural reading (clipped to the final year) its average, the alternative's average over
 * the same years and every scenario's time average of GDP growth. */
static void put_md_jcer(rs_buf *b, const rs_compare *c) {
  const rs_forecast_reading *nat = fc_drawn(c, RS_FC_NATURAL);
  const rs_forecast_reading *alt = fc_drawn(c, RS_FC_DECLINING);
  if (!nat) return;
  double last = final_year(c);
  char y0[32], y1[32], y2[32], v[48], label[FC_LABEL_MAX];
  rs_buf_printf(b,
                "## The projection beside the JCER forecast\n\n"
                "The paper quotes a forecast of the Japan Center for Economic Research "
                "(sec. 6): \"");
  rs_buf_md_cell(b, c->forecast.quote);
  rs_buf_printf(b, "\" (read from `");
  rs_buf_md_cell(b, c->forecast.file);
  rs_buf_printf(b, "`).\n\n**The reading compared with** (`natural`): average GDP growth of ");
  put_md_reading_words(b, nat);
  rs_buf_printf(b,
                ". \"Barely hold its own\" is growth of about zero, and \"slow by an average "
                "rate of ... a year\" the average growth over each period: JCER's long-term "
                "forecasts of the time projected stagnation as the population shrinks, not a "
                "collapse. The reading gives averages only, nothing about the path within a "
                "period; the GDP growth figures draw it as a grey step line at the period "
                "averages, \"%s\".\n\n",
                fc_label);
  if (alt) {
    fc_alt_label(alt, label, sizeof label);
    rs_buf_printf(b, "**The alternative reading** (`declining`, for comparison): GDP growth of ");
    put_md_reading_words(b, alt);
    rs_buf_printf(b,
                  ". It takes \"slow by ... a year\" as a fall of the growth rate by that much "
                  "every year, a path the quote does not state; drawn as a thin dashed grey "
                  "line, \"%s\".\n\n",
                  label);
  }
  rs_buf_printf(b,
                "GDP growth in %% per year, averaged over the periods of the forecast: the "
                "reading%s and each run's time average over the same years (trapezoid rule "
                "on the output grid). Figures: `plots/gdp_growth.png`, `plots/overview.png`."
                "\n\n| period | JCER (period averages) |",
                alt ? "s" : "");
  if (alt) rs_buf_printf(b, " JCER, alternative reading |");
  for (int i = 0; i < c->n; i++) {
    rs_buf_printf(b, " %s", i == 0 ? "**" : "");
    rs_buf_md_cell(b, c->sc[i].name);
    rs_buf_printf(b, "%s |", i == 0 ? "**" : "");
  }
  rs_buf_printf(b, "\n|---|---:|%s", alt ? "---:|" : "");
  for (int i = 0; i < c->n; i++) rs_buf_printf(b, "---:|");
  rs_buf_printf(b, "\n");
  int nrow = 0;
  while (nrow < nat->n && nat->p[nrow].from < last) nrow++;
  double first = nat->p[0].from, end = fmin(last, nat->p[nrow - 1].to);
  for (int r = 0; r <= nrow; r++) {
    if (r == nrow && nrow < 2) break; /* the whole is the one period */
    double a = r < nrow ? nat->p[r].from : first;
    double z = r < nrow ? fmin(last, nat->p[r].to) : end;
    gyear(a, y0);
    gyear(z, y1);
    if (r == nrow)
      rs_buf_printf(b, "| %s\u2013%s, all |", y0, y1);
    else if (z < nat->p[r].to)
      rs_buf_printf(b, "| %s\u2013%s (of %s\u2013%s) |", y0, y1, y0, gyear(nat->p[r].to, y2));
    else
      rs_buf_printf(b, "| %s\u2013%s |", y0, y1);
    md_fixed(100.0 * rs_forecast_mean(nat, a, z), 2, v, sizeof v);
    rs_buf_printf(b, " %s |", v);
    if (alt) {
      md_fixed(100.0 * rs_forecast_mean(alt, a, z), 2, v, sizeof v);
      rs_buf_printf(b, " %s |", v);
    }
    for (int i = 0; i < c->n; i++) {
      md_fixed(100.0 * rs_series_mean(&c->sc[i].series, RS_I_GDP_GROWTH, a, z), 2, v, sizeof v);
      rs_buf_printf(b, " %s |", v);
    }
    rs_buf_printf(b, "\n");
  }
  rs_buf_printf(b, "\n");
}

/* What is in the directory. */
static void put_md_files(rs_buf *b, const rs_compare *c) {
  rs_buf_printf(b,
                "## Files\n\n"
                "- `compare.csv`: every indicator of every scenario (the statistics above, "
                "their differences from the reference%s), units of `series.csv`.\n"
                "- `NAME/series.csv`: each scenario's run, every indicator at every output "
                "time%s.\n"
                "- `plots/`: one figure per indicator (`plots/IND.png`, `.pdf`, and the gnuplot "
                "script `.gp`; ties `R` are in `R_relational`, the return on capital in `r`) "
                "with a line per scenario, the reference black and heavier%s; "
                "`plots/overview` shows relative TFP, GDP growth, ties, the Asian network, "
                "national R&D and the start-up rate. Edit a script and re-run it: "
                "`cd plots && gnuplot gdp_growth.gp`.\n",
                c->has_band ? " and the bands" : "",
                c->has_band ? "; `NAME/band.csv` the band of its line (the reference plus the "
                              "min and max of the difference)"
                            : "",
                c->has_band ? ", each scenario's band shaded in its colour" : "");
}

/* ---------------------------------------------------------------- band.csv */

/* The band of scenario i's line as series.csv columns: year, then IND_lo, IND_hi for every
 * indicator: the reference plus the min and the max of the difference at that row. */
static void put_band_csv(rs_buf *b, const rs_compare *c, int i) {
  const rs_compare_scenario *sc = &c->sc[i];
  const rs_series *ref = &c->sc[0].series;
  char v[32], w[32];
  rs_buf_printf(b,
                "# relsim %s band of scenario %s: reference (%s) + min and max of the difference "
                "scenario - reference over the parameter sets kept; units of series.csv\nyear",
                RS_VERSION, sc->name, c->sc[0].name);
  for (int ind = 0; ind < RS_NINDICATOR; ind++) {
    const char *name = rs_indicator_info_get(ind)->name;
    rs_buf_printf(b, ",%s_lo,%s_hi", name, name);
  }
  rs_buf_printf(b, "\n");
  for (int r = 0; r < ref->nrows; r++) {
    rs_buf_printf(b, "%.12g", ref->year[r]);
    for (int ind = 0; ind < RS_NINDICATOR; ind++) {
      size_t at = (size_t)r * RS_NINDICATOR + (size_t)ind;
      double x = rs_series_at(ref, r, ind);
      double lo = x + sc->band_lo[at], hi = x + sc->band_hi[at];
      if (isnan(lo))
        v[0] = '\0';
      else
        snprintf(v, sizeof v, "%.12g", lo);
      if (isnan(hi))
        w[0] = '\0';
      else
        snprintf(w, sizeof w, "%.12g", hi);
      rs_buf_printf(b, ",%s,%s", v, w);
    }
    rs_buf_printf(b, "\n");
  }
}

/* ---------------------------------------------------------------- figures */

/* The figure of indicator ind: its name ("gdp_growth"), except that a name differing from
 * another only in case (R, the ties, and r, the return on capital) gets the first word of its
 * label ("R_relational"), so that no two files clash on a case-insensitive file system. */
static void fig_name(int ind, char *out, size_t n) {
  const rs_indicator_info *info = rs_indicator_info_get(ind);
  int upper = strpbrk(info->name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != NULL, clash = 0;
  for (int i = 0; i < RS_NINDICATOR && upper && !clash; i++) {
    const char *a = info->name, *o = rs_indicator_info_get(i)->name;
    if (i == ind || strlen(a) != strlen(o)) continue;
    clash = 1;
    for (; *a && clash; a++, o++) clash = (*a | 0x20) == (*o | 0x20);
  }
  if (!clash) {
    snprintf(out, n, "%s", info->name);
    return;
  }
  size_t w = strspn(info->label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
  snprintf(out, n, "%s_%.*s", info->name, (int)(w > 20 ? 20 : w), info->label);
}

/* The opening of a script: what it draws, where its data are, how to re-run it; the data files
 * as variables, the styles (a colour per scenario, the same in every figure of the
 * comparison), and when jcer the JCER forecast: its readings as datablocks $jcer (natural) and
 * $jcer_alt (the alternative, when the file has one) with their styles. */
static void put_gp_head(rs_buf *b, const rs_compare *c, const char *name, const char *what,
                        int overview, int jcer) {
  rs_buf_printf(b,
                "# %s.gp -- relsim comparison: %s.\n"
                "# One line per scenario, read from ../NAME/series.csv by column name; the "
                "reference (%s) is\n# black and heavier and listed first.",
                name, what, c->sc[0].name);
  if (c->has_band)
    rs_buf_printf(b,
                  " The shaded areas are the bands of each scenario's\n# difference from the "
                  "reference over the parameter sets that fit the paper about as well as\n# the "
                  "best (../NAME/band.csv: the reference plus the min and max of the "
                  "difference).");
  if (jcer) {
    rs_buf_printf(b,
                  "\n# The GDP growth lines carry the JCER forecast quoted in sec. 6, read from ");
    rs_plots_quote(b, c->forecast.file);
    rs_buf_printf(b, ":\n#   ");
    rs_plots_quote(b, c->forecast.quote);
    rs_buf_printf(b,
                  "\n# The grey step line is the natural reading, the average growth over each "
                  "period ($jcer)");
    if (fc_drawn(c, RS_FC_DECLINING))
      rs_buf_printf(b, ";\n# the thin dashed grey line the alternative reading ($jcer_alt)");
    rs_buf_printf(b, "; in %% per year.");
  }
  rs_buf_printf(b,
                "\n# Written by relsim %s (compare/compare.c); edit freely and re-run from this "
                "directory:\n#   cd <comparison directory>/plots && gnuplot %s.gp\n"
                "# It writes %s.png (%s) and %s.pdf (%s); for another base name:\n"
                "#   gnuplot -e \"outbase='name'\" %s.gp\n\n",
                RS_VERSION, name, name, overview ? "1800x1200" : "1200x800", name,
                overview ? "A4 landscape" : "16 x 11 cm", name);
  rs_buf_printf(b, "if (!exists(\"outbase\")) outbase = \"%s\"\n\n", name);
  rs_buf_printf(b, "# the runs (the first is the reference)%s\n",
                c->has_band ? " and the bands of the others" : "");
  for (int i = 0; i < c->n; i++) {
    rs_buf_printf(b, "d%d = \"../%s/series.csv\"  # ", i + 1, c->sc[i].name);
    rs_plots_quote(b, c->sc[i].file);
    rs_buf_printf(b, "\n");
    if (c->has_band && i > 0 && c->sc[i].band_lo && c->sc[i].band_hi)
      rs_buf_printf(b, "b%d = \"../%s/band.csv\"\n", i + 1, c->sc[i].name);
  }
  rs_buf_printf(b,
                "\nset datafile separator \",\"\n"
                "# one colour per scenario, the same in every figure of this comparison; the "
                "reference black\n");
  for (int i = 0; i < c->n; i++) {
    if (i == 0)
      rs_buf_printf(b, "set style line 1 lc rgb \"black\" lw 2.5 dt 1  # %s\n", c->sc[i].name);
    else
      rs_buf_printf(b, "set style line %d lc rgb \"%s\" lw 1.5 dt %d  # %s\n", i + 1,
                    palette[(i - 1) % NPALETTE], 1 + ((i - 1) / NPALETTE) % 4, c->sc[i].name);
  }
  rs_buf_printf(b,
                "set style line 91 lc rgb \"gray45\" lw 1 dt 3   # 2000: the projection "
                "begins\n");
  if (!jcer) return;
  /* grey, unlike any scenario: the natural reading heavy and solid, the alternative thin and
   * darker, drawn over it (hex: gnuplot knows only some grey names, gray40 but not gray45) */
  const rs_forecast_reading *alt = fc_drawn(c, RS_FC_DECLINING);
  rs_buf_printf(b,
                "set style line 90 lc rgb \"#8c8c8c\" lw 3.5 dt 1  # JCER forecast, natural "
                "reading\n");
  if (alt)
    rs_buf_printf(b,
                  "set style line 92 lc rgb \"#333333\" lw 1 dt 2    # JCER, alternative "
                  "reading\n");
  double last = final_year(c);
  put_gp_reading(b, "$jcer", "the JCER forecast, natural reading (period averages)",
                 &c->forecast.reading[RS_FC_NATURAL], last);
  if (alt) put_gp_reading(b, "$jcer_alt", "the JCER forecast, alternative reading", alt, last);
}

/* Reading r as datablock `block` (what: a comment line saying which): year, GDP growth in %
 * per year at both ends of every period, clipped to the final year last, so that a period given
 * by its average is a horizontal segment and the jump to the next period's average a riser: a
 * step line. */
static void put_gp_reading(rs_buf *b, const char *block, const char *what,
                           const rs_forecast_reading *r, double last) {
  char y[32];
  rs_buf_printf(b, "\n# %s: year, GDP growth in %% per year\n%s << EOD\n", what, block);
  for (int k = 0; k < r->n && r->p[k].from < last; k++) {
    const rs_forecast_period *p = &r->p[k];
    double z = fmin(last, p->to);
    double gz = p->g_start + (p->g_end - p->g_start) * (z - p->from) / (p->to - p->from);
    rs_buf_printf(b, "%s,%.6g\n", gyear(p->from, y), 100.0 * p->g_start);
    rs_buf_printf(b, "%s,%.6g\n", gyear(z, y), 100.0 * gz);
  }
  rs_buf_printf(b, "EOD\n");
}

/* The terminal loop: a PNG for screens and a PDF for papers, each drawn by the body that the
 * caller writes next and closes with "  set output\n}\n". */
static void put_gp_terminals(rs_buf *b, int overview) {
  rs_buf_printf(b,
                "\ndo for [ext in \"png pdf\"] {\n"
                "  if (ext eq \"png\") {\n"
                "    set terminal pngcairo size %s noenhanced font \"Helvetica,%d\" linewidth 2\n"
                "    big = \"Helvetica,%d\"\n"
                "    small = \"Helvetica,%d\"\n"
                "  } else {\n"
                "    set terminal pdfcairo size %s noenhanced font \"Helvetica,%d\" linewidth 1\n"
                "    big = \"Helvetica,%d\"\n"
                "    small = \"Helvetica,%d\"\n"
                "  }\n"
                "  set output outbase.\".\".ext\n",
                overview ? "1800,1200" : "1200,800", overview ? 16 : 17, overview ? 22 : 19,
                overview ? 14 : 14, overview ? "29.7cm,21cm" : "16cm,11cm", overview ? 9 : 8,
                overview ? 12 : 9, overview ? 8 : 7);
}

/* The axes, inside the terminal loop (the overview's legend unsets them for the PNG, and the
 * PDF is drawn next): grid, border, tics, the zero line, and the line at 2000 where the runs go
 * on into the projection. */
static void put_gp_axes(rs_buf *b, const rs_compare *c) {
  rs_buf_printf(b,
                "  set grid lc rgb \"#e0e0e0\" lw 1 dt 1\n"
                "  set border 31 lw 1\n"
                "  set autoscale xfix\n"
                "  set autoscale yfix  # the data range and 5 %% more: no line hides on a "
                "border\n"
                "  set offsets 0, 0, graph 0.05, graph 0.05\n"
                "  set tics\n"
                "  set xtics 10 out nomirror\n"
                "  set mxtics 2\n"
                "  set ytics mirror\n"
                "  set xzeroaxis lt 1 lc rgb \"gray30\" lw 1\n");
  if (final_year(c) > PAPER_END && c->sc[0].params.v[RS_P_SPAN_START] < PAPER_END)
    rs_buf_printf(b,
                  "  # the end of the paper's period: the runs after 2000 are projections\n"
                  "  set arrow 1 from 2000, graph 0 to 2000, graph 1 nohead ls 91 back\n");
}

/* The plot command of indicator ind: the bands (shaded), the reference, the other scenarios,
 * the JCER forecast (when jcer), and the reference once more on top without a key entry, so
 * that it is both first in the key and drawn over the others. key = 1 gives the scenarios key
 * entries, key = 0 none; the forecast and the bands never have one here (put_gp_extra_keys
 * writes them into a key of their own). */
static void put_gp_plot(rs_buf *b, const rs_compare *c, int ind, int jcer, int key) {
  const char *col = rs_indicator_info_get(ind)->name;
  char u[64];
  double f = disp_scale(ind, u, sizeof u);
  char y[40];
  if (f == 1.0)
    snprintf(y, sizeof y, "column(\"%s\")", col);
  else
    snprintf(y, sizeof y, "%g*column(\"%s\")", f, col);
  const char *sep = "  plot ";
  for (int i = 1; c->has_band && i < c->n; i++) {
    if (!c->sc[i].band_lo || !c->sc[i].band_hi) continue;
    rs_buf_printf(b,
                  "%sb%d using \"year\":(%g*column(\"%s_lo\")):(%g*column(\"%s_hi\")) with "
                  "filledcurves fc rgb \"%s\" fs transparent solid 0.18 noborder notitle",
                  sep, i + 1, f, col, f, col, palette[(i - 1) % NPALETTE]);
    sep = ", \\\n       ";
  }
  for (int i = 0; i < c->n; i++) {
    rs_buf_printf(b, "%sd%d using \"year\":(%s) with lines ls %d ", sep, i + 1, y, i + 1);
    if (!key) {
      rs_buf_printf(b, "notitle");
    } else {
      char title[96];
      snprintf(title, sizeof title, "%s%s", c->sc[i].name, i == 0 ? " (reference)" : "");
      rs_buf_printf(b, "title ");
      rs_plots_quote(b, title);
    }
    sep = ", \\\n       ";
  }
  if (jcer) rs_buf_printf(b, "%s$jcer using 1:2 with lines ls 90 notitle", sep);
  /* after the natural reading: the thin line stays visible over the heavy one */
  if (jcer && fc_drawn(c, RS_FC_DECLINING))
    rs_buf_printf(b, "%s$jcer_alt using 1:2 with lines ls 92 notitle", sep);
  if (c->n > 1)
    rs_buf_printf(b, "%sd1 using \"year\":(%s) with lines ls 1 notitle  # the reference on top",
                  sep, y);
  rs_buf_printf(b, "\n");
}

/* The key entries of what is not a scenario, each after sep: the readings of the forecast (when
 * jcer) and a grey swatch for the bands. They go into a key of their own, below the scenarios':
 * gnuplot gives every column of a key the width of its longest title, and these titles are long.
 * Returns the count; *longest (may be NULL) receives the length of the longest title. */
static int put_gp_extra_keys(rs_buf *b, const rs_compare *c, int jcer, const char *sep,
                             size_t *longest) {
  const rs_forecast_reading *alt = jcer ? fc_drawn(c, RS_FC_DECLINING) : NULL;
  char alt_label[FC_LABEL_MAX] = "";
  if (alt) fc_alt_label(alt, alt_label, sizeof alt_label);
  size_t len = 0;
  int n = 0;
  if (jcer) {
    if (b) rs_buf_printf(b, "%skeyentry with lines ls 90 title ", sep);
    if (b) rs_plots_quote(b, fc_label);
    len = strlen(fc_label);
    n++;
  }
  if (alt) {
    if (b) rs_buf_printf(b, "%skeyentry with lines ls 92 title ", sep);
    if (b) rs_plots_quote(b, alt_label);
    len = strlen(alt_label) > len ? strlen(alt_label) : len;
    n++;
  }
  if (c->has_band) {
    if (b)
      rs_buf_printf(b,
                    "%skeyentry with filledcurves fc rgb \"gray60\" fs transparent solid 0.4 "
                    "noborder title \"%s\"",
                    sep, band_label);
    len = strlen(band_label) > len ? strlen(band_label) : len;
    n++;
  }
  if (longest) *longest = len;
  return n;
}

/* The figure of one indicator, 1200x800 and 16 x 11 cm, the keys below the plot. */
static void put_gp_indicator(rs_buf *b, const rs_compare *c, int ind) {
  const rs_indicator_info *info = rs_indicator_info_get(ind);
  char name[80], what[160], u[64], title[200], ylabel[160];
  fig_name(ind, name, sizeof name);
  disp_scale(ind, u, sizeof u);
  int jcer = ind == RS_I_GDP_GROWTH && fc_drawn(c, RS_FC_NATURAL);
  snprintf(what, sizeof what, "%s (%s)", info->label, info->name);
  put_gp_head(b, c, name, what, 0, jcer);
  put_gp_terminals(b, 0);
  put_gp_axes(b, c);
  snprintf(
      title, sizeof title, "%c%s (%s): %d scenarios",
      info->label[0] >= 'a' && info->label[0] <= 'z' ? info->label[0] - 'a' + 'A' : info->label[0],
      info->label + 1, info->name, c->n);
  if (c->n == 1) snprintf(title, sizeof title, "%s (%s)", info->label, info->name);
  snprintf(ylabel, sizeof ylabel, "%s [%s]", info->label, u);
  rs_buf_printf(b, "  set title ");
  rs_plots_quote(b, title);
  rs_buf_printf(b, " font big\n  set xlabel \"year\"\n  set ylabel ");
  rs_plots_quote(b, ylabel);
  /* the keys below the plot at the bottom of the canvas, so that they never run into the axis
   * label: the scenarios', and below it one of the forecast and the bands; the bottom margin
   * leaves room for as many rows as gnuplot will make: it fits about 1000 / (9.5 (L + 7))
   * columns of titles of L characters beside each other */
  size_t longest = strlen(c->sc[0].name) + strlen(" (reference)"), longest_x = 0;
  for (int i = 1; i < c->n; i++)
    if (strlen(c->sc[i].name) > longest) longest = strlen(c->sc[i].name);
  int nx = put_gp_extra_keys(NULL, c, jcer, "", &longest_x);
  int rows = key_rows(c->n, longest), rows_x = nx ? key_rows(nx, longest_x) : 0;
  /* the scenarios' key sits on the other's, in character heights of the default font (a key
   * row in the smaller key font takes about 0.95 of one) */
  double key_y = nx ? 0.65 + 0.95 * rows_x : 0.0;
  rs_buf_printf(b, "\n  set bmargin %.1f\n", 4.6 + 0.95 * (rows + rows_x) + (nx ? 0.3 : 0.0));
  if (nx)
    rs_buf_printf(b,
                  "  set key at screen 0.5, character %.2f center bottom horizontal Left reverse "
                  "samplen 2.5 width 1 font small\n",
                  key_y);
  else
    rs_buf_printf(b,
                  "  set key at screen 0.5, 0.01 center bottom horizontal Left reverse samplen 2.5 "
                  "width 1 font small\n");
  if (final_year(c) > PAPER_END && c->sc[0].params.v[RS_P_SPAN_START] < PAPER_END)
    rs_buf_printf(b,
                  "  set label 1 \"projection\" at 2000, graph 1 left offset 0.4, 0.55 "
                  "textcolor rgb \"gray40\" font small front\n");
  if (nx) rs_buf_printf(b, "  set multiplot\n");
  put_gp_plot(b, c, ind, jcer, 1);
  if (nx) {
    /* the second key: key entries only, on an empty plot over the first */
    rs_buf_printf(b,
                  "  # the key of the forecast and the bands\n"
                  "  unset title\n  unset ylabel\n  unset xlabel\n  unset label 1\n"
                  "  unset arrow 1\n  unset border\n  unset tics\n  unset grid\n"
                  "  unset xzeroaxis\n"
                  "  set key at screen 0.5, 0.01 center bottom horizontal Left reverse samplen "
                  "2.5 width 1 font small\n"
                  "  plot [0:1][0:1] NaN notitle");
    put_gp_extra_keys(b, c, jcer, ", \\\n       ", NULL);
    rs_buf_printf(b, "\n  unset multiplot\n");
  }
  rs_buf_printf(b, "  set output\n}\n");
}

/* Rows of a horizontal key of n entries whose longest title has `longest` characters below an
 * indicator's figure: gnuplot fits about 1000 / (9.5 (L + 7)) of them beside each other. */
static int key_rows(int n, size_t longest) {
  int cols = (int)(1000.0 / (9.5 * ((double)longest + 7.0)));
  cols = cols < 1 ? 1 : cols;
  return (n + cols - 1) / cols;
}

/* Rows of a horizontal key of n entries whose longest title has `longest` characters, across
 * the overview's legend strip (92 % of the width), as gnuplot lays it out: it reckons a
 * character at about 0.78 % of the width in the PNG (0.6 % in the PDF), an entry as its title
 * and 7 more. */
static int legend_rows(int n, size_t longest) {
  int cols = (int)(0.92 / (0.0078 * ((double)longest + 7.0)));
  cols = cols < 1 ? 1 : cols;
  return (n + cols - 1) / cols;
}

/* Six key indicators on a 2 x 3 grid, with a legend strip below them. */
static void put_gp_overview(rs_buf *b, const rs_compare *c) {
  double last = final_year(c);
  int jcer_any = fc_drawn(c, RS_FC_NATURAL) != NULL;
  char y0[32], y1[32], what[200], title[300];
  gyear(c->sc[0].params.v[RS_P_SPAN_START], y0);
  gyear(last, y1);
  snprintf(what, sizeof what,
           "six key indicators (relative TFP a, GDP growth, ties R, Asian network G, national "
           "R&D, start-up rate e), %s-%s",
           y0, y1);
  put_gp_head(b, c, "overview", what, 1, jcer_any);
  put_gp_terminals(b, 1);
  put_gp_axes(b, c);
  snprintf(title, sizeof title, "relsim: %d scenario%s of Hatch (2001), %s-%s; reference %s", c->n,
           c->n == 1 ? "" : "s", y0, y1, c->sc[0].name);
  rs_buf_printf(b,
                "  # the panels on a 2 x 3 grid (screen fractions), a legend strip below them\n"
                "  set multiplot title ");
  rs_plots_quote(b, title);
  rs_buf_printf(b, " font big\n  unset key\n");
  /* the legend strip: the scenarios, and below them the forecast and the band in a key of their
   * own, as gnuplot gives every column of a key the width of its longest title (the forecast's
   * long titles would leave the scenario names two to a row) */
  size_t longest = strlen(c->sc[0].name) + strlen(" (reference)"), longest_x = 0;
  for (int i = 1; i < c->n; i++)
    if (strlen(c->sc[i].name) > longest) longest = strlen(c->sc[i].name);
  int nx = put_gp_extra_keys(NULL, c, jcer_any, "", &longest_x);
  int rows = legend_rows(c->n, longest), rows_x = nx ? legend_rows(nx, longest_x) : 0;
  double legend = 0.035 + 0.035 * (rows + rows_x);                  /* height of the legend strip */
  double split = 0.01 + (legend - 0.01) * rows_x / (rows + rows_x); /* the two keys meet */
  double top = 0.915, gap = 0.085, h = (top - legend - 0.04 - gap) / 2.0;
  for (int j = 0; j < 6; j++) {
    int ind = overview_indicators[j], col = j % 3, row = j / 3;
    const rs_indicator_info *info = rs_indicator_info_get(ind);
    char u[64], ptitle[160];
    disp_scale(ind, u, sizeof u);
    /* 0.068: room on the left for the tick labels and the label of the first column's axis */
    double l = 0.068 + 0.325 * col, t = top - row * (h + gap);
    rs_buf_printf(b,
                  "\n  # (%d) %s (%s)\n"
                  "  set lmargin at screen %.4f\n  set rmargin at screen %.4f\n"
                  "  set tmargin at screen %.4f\n  set bmargin at screen %.4f\n",
                  j + 1, info->label, info->name, l, l + 0.26, t, t - h);
    snprintf(ptitle, sizeof ptitle, "%c%s (%s)",
             info->label[0] >= 'a' && info->label[0] <= 'z' ? info->label[0] - 'a' + 'A'
                                                            : info->label[0],
             info->label + 1, info->name);
    rs_buf_printf(b, "  set title ");
    rs_plots_quote(b, ptitle);
    rs_buf_printf(b, "\n  set ylabel ");
    rs_plots_quote(b, u);
    rs_buf_printf(b, "\n");
    if (j == 0 && last > PAPER_END && c->sc[0].params.v[RS_P_SPAN_START] < PAPER_END)
      rs_buf_printf(b,
                    "  set label 1 \"projection\" at 2000, graph 0.05 left offset 0.4, 0 "
                    "textcolor rgb \"gray40\" font small front\n");
    if (j == 1) rs_buf_printf(b, "  unset label 1\n");
    put_gp_plot(b, c, ind, ind == RS_I_GDP_GROWTH && jcer_any, 0);
  }
  /* the legend: key entries only, on empty plots */
  rs_buf_printf(b,
                "\n  # the legend: the scenarios, then the forecast and the band\n"
                "  unset title\n  unset ylabel\n  unset xlabel\n  unset arrow 1\n"
                "  unset border\n  unset tics\n  unset grid\n  unset xzeroaxis\n"
                "  set lmargin at screen 0.04\n  set rmargin at screen 0.96\n"
                "  set tmargin at screen %.4f\n  set bmargin at screen %.4f\n"
                "  set key center center horizontal Left reverse maxrows %d samplen 2.5 width 2\n"
                "  plot [0:1][0:1] NaN notitle",
                legend, split, rows);
  const char *sep = ", \\\n       "; /* NaN: gnuplot 5.4 fails on a plot of key entries only */
  for (int i = 0; i < c->n; i++) {
    char t[96];
    snprintf(t, sizeof t, "%s%s", c->sc[i].name, i == 0 ? " (reference)" : "");
    rs_buf_printf(b, "%skeyentry with lines ls %d title ", sep, i + 1);
    rs_plots_quote(b, t);
  }
  if (nx)
    rs_buf_printf(b,
                  "\n  set tmargin at screen %.4f\n  set bmargin at screen 0.01\n"
                  "  set key center center horizontal Left reverse maxrows %d samplen 2.5 "
                  "width 2\n"
                  "  plot [0:1][0:1] NaN notitle",
                  split, rows_x);
  put_gp_extra_keys(b, c, jcer_any, sep, NULL);
  rs_buf_printf(b, "\n  unset multiplot\n  set output\n}\n");
}

/* ---------------------------------------------------------------- writing */

static rs_status write_buf(const char *path, rs_buf *b, rs_error *err) {
  if (b->failed) return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path);
  return rs_write_file(path, b->data ? b->data : "", err);
}

/* Every figure: the scripts are built here and written and rendered in parallel by
 * rs_plots_render_script (each gnuplot is a process of its own); the reports are merged in
 * figure order, so rep->why_not names the first figure that failed. */
static rs_status write_figures(const char *dir, const rs_compare *c, rs_plots_report *rep,
                               rs_error *err) {
  enum { NFIG = RS_NINDICATOR + 1 };
  char plotdir[RS_PATH_MAX + 16];
  snprintf(plotdir, sizeof plotdir, "%s/plots", dir);
  rs_buf bufs[NFIG];
  char names[NFIG][80];
  rs_plots_report reps[NFIG];
  rs_status sts[NFIG];
  rs_error errs[NFIG];
  for (int f = 0; f < NFIG; f++) {
    rs_buf_init(&bufs[f]);
    memset(&reps[f], 0, sizeof reps[f]);
    sts[f] = RS_OK;
    if (f == 0) {
      snprintf(names[f], sizeof names[f], "overview");
      put_gp_overview(&bufs[f], c);
    } else {
      fig_name(f - 1, names[f], sizeof names[f]);
      put_gp_indicator(&bufs[f], c, f - 1);
    }
  }
  rs_status st = rs_mkdir_p(plotdir, err);
  int figure_threads = rs_threads(c->threads, NFIG); /* gnuplot processes at once */
  (void)figure_threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) if (st == RS_OK) num_threads(figure_threads)
#endif
  for (int f = 0; f < NFIG; f++) {
    if (st != RS_OK) continue;
    if (bufs[f].failed)
      sts[f] = rs_fail(&errs[f], RS_ERR_NOMEM, "%s/%s.gp: out of memory", plotdir, names[f]);
    else
      sts[f] = rs_plots_render_script(plotdir, names[f], bufs[f].data, &reps[f], &errs[f]);
  }
  for (int f = 0; f < NFIG; f++) {
    rs_buf_free(&bufs[f]);
    if (st != RS_OK) continue;
    if (sts[f] != RS_OK) {
      st = rs_fail(err, sts[f], "%s", errs[f].msg);
      continue;
    }
    rep->nscripts += reps[f].nscripts;
    rep->nimages += reps[f].nimages;
    if (reps[f].gnuplot[0]) snprintf(rep->gnuplot, sizeof rep->gnuplot, "%s", reps[f].gnuplot);
    if (!rep->why_not[0] && reps[f].why_not[0])
      snprintf(rep->why_not, sizeof rep->why_not, "%s", reps[f].why_not);
  }
  rep->rendered = rep->nscripts > 0 && rep->nimages == 2 * rep->nscripts;
  return st;
}

rs_status rs_compare_write(const char *dir, const rs_compare *c, rs_plots_report *plots,
                           rs_error *err) {
  rs_plots_report local;
  if (!plots) plots = &local;
  memset(plots, 0, sizeof *plots);
  if (!dir || !dir[0]) return rs_fail(err, RS_ERR_INPUT, "compare: no output directory");
  if (!c || c->n < 1 || !c->sc)
    return rs_fail(err, RS_ERR_INPUT, "compare: nothing to write (rs_compare_load)");
  for (int i = 0; i < c->n; i++)
    if (c->sc[i].series.nrows < 1 || c->sc[i].series.nrows != c->sc[0].series.nrows)
      return rs_fail(err, RS_ERR_INPUT, "compare: %s has not been run (rs_compare_run)",
                     c->sc[i].file);
  if (strlen(dir) > RS_PATH_MAX - 200) return rs_fail(err, RS_ERR_IO, "%s: path too long", dir);
  char path[RS_PATH_MAX + 64];
  rs_status st = rs_mkdir_p(dir, err);

  /* 1. each scenario's run, and its band */
  for (int i = 0; st == RS_OK && i < c->n; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, c->sc[i].name);
    st = rs_mkdir_p(path, err);
    if (st != RS_OK) break;
    snprintf(path, sizeof path, "%s/%s/series.csv", dir, c->sc[i].name);
    st = rs_output_write_csv(path, &c->sc[i].series, err);
    if (st == RS_OK && c->has_band && i > 0 && c->sc[i].band_lo && c->sc[i].band_hi) {
      rs_buf b;
      rs_buf_init(&b);
      put_band_csv(&b, c, i);
      snprintf(path, sizeof path, "%s/%s/band.csv", dir, c->sc[i].name);
      st = write_buf(path, &b, err);
      rs_buf_free(&b);
    }
  }

  /* 2. the tables */
  if (st == RS_OK) {
    rs_buf b;
    rs_buf_init(&b);
    put_csv(&b, c);
    snprintf(path, sizeof path, "%s/compare.csv", dir);
    st = write_buf(path, &b, err);
    rs_buf_free(&b);
  }
  if (st == RS_OK) {
    rs_buf b;
    rs_buf_init(&b);
    put_md_header(&b, c);
    put_md_glance(&b, c);
    rs_buf_printf(&b, "## The key indicators\n\n");
    for (int j = 0; j < N_MD_IND; j++) put_md_indicator(&b, c, md_indicators[j]);
    put_md_jcer(&b, c);
    put_md_files(&b, c);
    snprintf(path, sizeof path, "%s/compare.md", dir);
    st = write_buf(path, &b, err);
    rs_buf_free(&b);
  }

  /* 3. the figures */
  if (st == RS_OK) st = write_figures(dir, c, plots, err);
  return st;
}
