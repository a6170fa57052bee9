/* compare/compare.h -- counterfactual scenarios side by side.
 * This module runs several scenarios (the first is the reference) in parallel with results
 * independent of the thread count, summarises every indicator in fixed years and periods,
 * brackets the differences from the reference by uncertainty bands over the parameter sets that
 * fit the paper about as well as the best one, splits a difference into the contributions of
 * the settings a scenario changes (exact Shapley values), gives the counterfactual at every point
 * of a calibration's profiles (the thesis along the cost curve), and writes the tables and
 * figures. */
#ifndef RS_COMPARE_H
#define RS_COMPARE_H

#include "calib.h"
#include "plots.h"

/* ---------------------------------------------------------------- scenario deltas */

#define RS_DELTA_MAX 32

typedef enum rs_delta_kind {
  RS_DELTA_SCALAR, /* a registry parameter */
  RS_DELTA_TABLE,  /* a whole time table */
  RS_DELTA_EVENT   /* an event: added, removed (disabled) or changed in any field */
} rs_delta_kind;

typedef struct rs_delta_item {
  int kind;      /* rs_delta_kind */
  int id;        /* parameter id, table id, or event index in the scenario's parameters */
  char name[80]; /* "tfp.lambda", "tables.g_f", "event.bubble" */
} rs_delta_item;

/* The settings in which a scenario differs from a reference parameter set, with the scenario's
 * values: what the scenario file "changes". Span and solver settings are not part of it (a
 * comparison runs every scenario on the same span and tolerances). */
typedef struct rs_delta {
  int n;
  rs_delta_item item[RS_DELTA_MAX];
  rs_params scenario; /* the scenario's full parameter set (the values of the items) */
} rs_delta;

/* The delta of scenario against reference. RS_ERR_INPUT when it has more than RS_DELTA_MAX
 * items, or when an event of the reference is missing from the scenario. */
rs_status rs_delta_make(const rs_params *reference, const rs_params *scenario, rs_delta *d,
                        rs_error *err);

/* Apply the items of d selected by mask (bit k: item k) on top of p, in place: scalars and
 * tables take the scenario's values, an event takes the scenario's definition (added when p
 * lacks it). Applying every item to the reference gives the scenario (but for span/solver). */
void rs_delta_apply(const rs_delta *d, uint32_t mask, rs_params *p);

/* ---------------------------------------------------------------- summaries */

/* The statistics of compare.csv, per indicator. */
typedef enum rs_compare_stat {
  RS_CS_Y1973,     /* value in 1973 */
  RS_CS_Y1990,     /* value in 1990 */
  RS_CS_Y2000,     /* value in 2000 */
  RS_CS_FINAL,     /* value in the final year */
  RS_CS_MEAN_9100, /* time average over 1991-2000 (trapezoid rule on the output grid) */
  RS_CS_MEAN_01F,  /* time average over 2001-final year (NAN when the run ends before 2002) */
  RS_NCSTAT
} rs_compare_stat;

const char *rs_compare_stat_name(int stat); /* "1973", "1990", "2000", "final", "mean_1991_2000",
                                               "mean_2001_final" */

/* out[c * RS_NCSTAT + k]: statistic k of indicator c; NAN where the series does not cover the
 * year or period. */
void rs_compare_stats(const rs_series *s, double *out);

/* ---------------------------------------------------------------- the JCER forecast */

/* The forecast of the Japan Center for Economic Research that the paper quotes in sec. 6, read
 * from a data file (the paper's figures live in data files, not in code): GDP growth over
 * periods, in a reading that relsim compares with (natural: the period averages) and an
 * optional alternative (declining: growth falling by so many points a year). The format is
 * documented in the header of the shipped file, RS_FORECAST_DEFAULT:
 *   # quote: the paper's words (one comment line, required)
 *   reading,from,to,growth_start,growth_end
 *   natural,2005,2015,-0.001,-0.001
 * growth in 1/yr at the start and the end of each period, linear in between (equal for a
 * period given only by its average); the periods of a reading follow each other without gaps. */

#define RS_FORECAST_DEFAULT "params/data/jcer_forecast.csv"
#define RS_FORECAST_MAXP 16 /* periods per reading */

typedef enum rs_forecast_reading_id {
  RS_FC_NATURAL,   /* "natural": the reading relsim compares with (required) */
  RS_FC_DECLINING, /* "declining": the alternative (optional) */
  RS_NFC
} rs_forecast_reading_id;

typedef struct rs_forecast_period {
  double from, to;       /* years, from < to */
  double g_start, g_end; /* GDP growth in 1/yr at from and at to, linear in between */
} rs_forecast_period;

typedef struct rs_forecast_reading {
  int n; /* periods in time order, each starting where the previous one ended; 0: absent */
  rs_forecast_period p[RS_FORECAST_MAXP];
} rs_forecast_reading;

typedef struct rs_forecast {
  char file[1024];                     /* the file as given; "" for no forecast */
  char quote[1024];                    /* the paper's words, without quotation marks */
  rs_forecast_reading reading[RS_NFC]; /* reading[RS_FC_NATURAL].n >= 1 once loaded */
} rs_forecast;

/* "natural", "declining" for an rs_forecast_reading_id; "?" otherwise. */
const char *rs_forecast_reading_name(int reading);

/* Read the forecast file path into f (f need not be initialised; it is cleared first). Errors:
 * RS_ERR_IO "PATH: cannot read the forecast: REASON" when the file cannot be opened; RS_ERR_INPUT
 * "PATH:LINE: ..." for a line that is not the header, a comment or a period of a known reading
 * with numbers (from < to, years 1900-2200, |growth| < 0.2 per year, following the previous
 * period of its reading without a gap, at most RS_FORECAST_MAXP per reading), a second quote
 * line, and "PATH: ..." for a file without the header, the quote or a natural period. On
 * failure f holds no forecast. */
rs_status rs_forecast_load(const char *path, rs_forecast *f, rs_error *err);

/* The time average of reading r's GDP growth (1/yr) over [y1, y2], exact for the piecewise
 * linear path; the value at y1 when y1 == y2 (at a period boundary: the later period's start).
 * NAN when [y1, y2] is not within the periods of r, or r has none. */
double rs_forecast_mean(const rs_forecast_reading *r, double y1, double y2);

/* ---------------------------------------------------------------- a comparison */

typedef struct rs_compare_scenario {
  /* file name without directory and .cfg, "no_regionalization", with characters other than
   * [A-Za-z0-9_.-] as '_' and made unique ("calibrated_2"): the directory of its series.csv */
  char name[64];
  char file[1024];  /* as given */
  rs_params params; /* loaded, on the reference's span and solver settings */
  rs_series series; /* the run, owned */
  double stats[RS_NINDICATOR * RS_NCSTAT];
  /* uncertainty band of the difference from the reference (has_band): min and max over the
   * fits kept, per indicator and statistic; NAN where undefined */
  double band_min[RS_NINDICATOR * RS_NCSTAT];
  double band_max[RS_NINDICATOR * RS_NCSTAT];
  /* the band of the whole difference series, per row and indicator (figures): nrows x NIND,
   * row-major like rs_series.ind, or NULL; malloc'ed, freed by rs_compare_free */
  double *band_lo, *band_hi;
} rs_compare_scenario;

typedef struct rs_compare {
  int n;                   /* scenarios; sc[0] is the reference */
  rs_compare_scenario *sc; /* owned */
  double to;               /* span end of every run */
  /* the band, when computed (rs_compare_band) */
  int has_band;
  int threads;           /* OpenMP threads of rs_compare_run, also used to draw the figures */
  int nfits;             /* parameter sets kept (the best fit included) */
  int ntried;            /* re-calibrations tried */
  double band_threshold; /* cost threshold: (1 + tolerance) x best cost */
  double best_cost;
  char band_params[512]; /* the parameters fixed on grids, comma-separated */
  char band_note[2048];  /* one paragraph for compare.md: how the band was made, with the
                            target files used */
  /* the JCER forecast that compare.md and the GDP growth figures set beside runs past its
   * start (rs_compare_set_forecast); none (forecast.file "") after rs_compare_load */
  rs_forecast forecast;
} rs_compare;

/* Load every file (the first is the reference; c need not be initialised), set the reference's
 * span.end = to when to is finite, give every other scenario the reference's span.* and
 * solver.* settings (a comparison runs on one grid and one set of tolerances, as rs_delta
 * assumes), and validate each. c->to is the common span end. Errors name the file: the loader's
 * "FILE:LINE: ..." (RS_ERR_INPUT) or "FILE: cannot read: ..." (RS_ERR_IO); on failure c is left
 * empty (nothing to free). band_min/band_max start as NAN, band_lo/band_hi as NULL. */
rs_status rs_compare_load(rs_compare *c, const char *const *files, int nfiles, double to,
                          rs_error *err);
/* Run every scenario, threads at a time (0: the OpenMP default), each on a workspace of its own,
 * and compute its stats (rs_compare_stats); the runs are independent and stored by index, so
 * the results are the same bit for bit for any thread count. On failure the first failing
 * scenario by index is reported, "FILE: <the run's message>" (RS_ERR_RUN). */
rs_status rs_compare_run(rs_compare *c, int threads, rs_error *err);
/* Give c the forecast in file (rs_forecast_load), replacing any it had. optional = 1 is for a
 * default file (RS_FORECAST_DEFAULT) the user did not name: when it does not exist, c goes
 * without a forecast, RS_OK is returned and *missing (may be NULL) is set to 1, so that the
 * caller can say so once. optional = 0 is for a file the user named: a missing file is an error
 * like any other, RS_ERR_IO naming it. Errors in the file: RS_ERR_INPUT "FILE:LINE: ...". On
 * any failure c has no forecast; *missing is 0 unless the optional file was missing. */
rs_status rs_compare_set_forecast(rs_compare *c, const char *file, int optional, int *missing,
                                  rs_error *err);
void rs_compare_free(rs_compare *c); /* a zeroed struct and NULL are fine */

/* Options of the uncertainty band. */
typedef struct rs_band_options {
  const char *base_file; /* the uncalibrated base of the calibration (params/baseline.cfg) */
  /* the target files, loaded in order as relsim calibrate does (rs_targets_load_files):
   * params/targets.cfg and params/targets/data.cfg by default */
  const char *targets_files[RS_TARGET_FILES_MAX];
  int ntargets_files;
  int paper_only;        /* keep only the targets of origin "paper" */
  const char *free_file; /* params/free.cfg */
  const char *params;    /* comma-separated parameters to fix on grids, or NULL: the weakly
                            identified ones at the reference's estimate, and ties.kappa_e */
  int points;            /* grid points per parameter across its bounds (default 5) */
  double tolerance;      /* keep fits with cost <= (1 + tolerance) x best (default 0.10) */
  int max_iter;          /* Levenberg-Marquardt iterations per re-calibration */
  int threads;
  int progress;
  volatile sig_atomic_t *interrupt; /* when non-NULL and set (by a signal handler), the
                                       re-calibrations stop and the band returns
                                       RS_ERR_INTERRUPT */
} rs_band_options;

rs_band_options rs_band_default_options(void);

/* Re-calibrate the reference with each band parameter fixed at each grid point, keep the fits
 * within the cost threshold, re-run every scenario's delta (against the reference) on top of
 * each kept fit, and record in every scenario the min and max of its difference from the
 * reference. The reference must be a calibrated scenario of the free set in opt. */
rs_status rs_compare_band(rs_compare *c, const rs_band_options *opt, rs_error *err);

/* ---------------------------------------------------------------- the thesis along profiles */

/* The changes of the scenario in file against its immediate base (the file its `base = ...;`
 * names, loaded as it is; its path into base_file): what a counterfactual sets on top of its
 * base, to be applied (rs_delta_apply) to any other parameter set, a fit or a sample. Errors:
 * the loader's (naming the file), RS_ERR_INPUT for a scenario without a base or changes that
 * rs_delta_make refuses, RS_ERR_NOMEM. */
rs_status rs_compare_scenario_delta(const char *file, rs_delta *d, char *base_file, size_t nbase,
                                    rs_error *err);

/* What the counterfactual of scenario_file says at every point of the profiles pr[0..nprof-1]
 * (rs_calib_profiles): the scenario's changes against its immediate base (the file its
 * `base = ...;` names, loaded as it is: rs_delta_make of the scenario against it) are applied to
 * each point's fitted set, and both the fit and the changed fit are run from span.start to
 * `to` (2002 to 2200; span.end = to, the fit's solver settings). Each profile gets four columns
 * (rs_calib_profile.col, replacing any it had), scenario minus fit:
 *   dR_1991_2000, dR_2001_TO            time averages of ties R (0..1) over 1991-2000 and
 *                                       2001-to (rs_series_mean)
 *   dgdp_pp_1991_2000, dgdp_pp_2001_TO  the same of GDP growth, in percentage points a year
 * with labels, col_plot set for the two later periods (the figure's right axis), col_title
 * naming the scenario, its base and the settings it changes, col_axis and col_source. A point whose
 * cost is INFINITY (a failed re-fit), or whose runs fail (the fits run to 2000 only), gets NAN; the
 * count of the latter is in col_title. The runs go threads at a time (0: the OpenMP default),
 * one workspace per thread, stored by point: the result is the same bit for bit for any thread
 * count. Errors: the loader's for a scenario or base that cannot be read (RS_ERR_IO) or is
 * wrong (RS_ERR_INPUT), both naming the file; RS_ERR_INPUT for a scenario without a base, for
 * changes that rs_delta_make refuses (naming both files), or a bad `to`; RS_ERR_NOMEM. On error
 * the profiles have no columns. With nprof 0 it only loads and checks the scenario and its
 * changes: the same errors, before a long calibration instead of after it. */
rs_status rs_compare_profile_thesis(rs_calib_profile *pr, int nprof, const char *scenario_file,
                                    double to, int threads, rs_error *err);

/* Write, every file atomically (dir and its subdirectories are created):
 *   dir/NAME/series.csv  each scenario's run (rs_output_write_csv); with a band,
 *                        dir/NAME/band.csv: the reference plus band_lo/band_hi per row
 *   dir/compare.csv      one row per scenario and indicator: scenario, indicator, units,
 *                        final_year, the RS_NCSTAT statistics (value_1973 ... mean_2001_final),
 *                        their differences from the reference (diff_...) and the bands of the
 *                        differences (diff_..._min, diff_..._max; empty without a band), %.6g in
 *                        the units of series.csv, empty where undefined; deterministic
 *   dir/compare.md       tables of the key indicators (scenario x statistic, the difference in
 *                        parentheses, the band in brackets; rates and shares in percent), and,
 *                        with a forecast (c->forecast) and runs past its start, the projection
 *                        table: per period of the natural reading (clipped to the final year),
 *                        its average growth, the alternative reading's average over the same
 *                        period (when the file has one) and every scenario's time average of
 *                        gdp_growth (rs_series_mean over the same period), in percent, with the
 *                        quote and both readings in words; deterministic
 *   dir/plots/           IND.{gp,png,pdf} for every indicator (R as R_relational) with a line per
 *                        scenario, the reference black, heavier and first in the key, the bands
 *                        shaded; overview.{gp,png,pdf} of six key indicators; with the forecast
 *                        and runs past its start, on GDP growth (its figure and the overview
 *                        panel) the natural reading as a step line at the period averages,
 *                        "JCER forecast, sec. 6 (period averages)", and the alternative as a
 *                        thin dashed line, "JCER, alternative reading (falling ... pt a year)",
 *                        both in the key, in % per year (datablocks $jcer and $jcer_alt). The
 *                        scripts read ../NAME/series.csv and re-run standalone from dir/plots
 *                        (rs_plots_render_script; rendered in parallel).
 * c must have been run. plots (may be NULL) receives the merged report of the figures: without
 * gnuplot, or when gnuplot fails, RS_OK is returned with plots->rendered = 0 and why_not saying
 * why. Errors: RS_ERR_INPUT when c has not been run, RS_ERR_IO naming a file that cannot be
 * written, RS_ERR_NOMEM. */
rs_status rs_compare_write(const char *dir, const rs_compare *c, rs_plots_report *plots,
                           rs_error *err);

/* ---------------------------------------------------------------- attribution */

/* Exact Shapley values of the items of d (n <= 12): the difference
 * v(all items) - v(no item) of a quantity of the run (indicator col at year y1, or its time
 * average over [y1, y2] by rs_series_mean when y2 > y1) split into one contribution per item,
 * phi[0..n-1] in the order of d->item, with v(S) the quantity of the run of base with the items
 * of S applied (rs_delta_apply) and
 *   phi_i = sum over S not containing i of |S|! (n - |S| - 1)! / n! (v(S + i) - v(S)).
 * All 2^n subsets are run on base's span and solver settings, threads at a time (0: the OpenMP
 * default), one workspace per thread; each value is stored by its subset and the sums run in a
 * fixed order, so the result is the same bit for bit for any thread count. v0, v1 (may be NULL)
 * receive v(no item) and v(all items); the phi sum to v1 - v0 up to rounding. phi may be NULL
 * only when d->n is 0. Errors: RS_ERR_INPUT for more than 12 items (naming n and the limit), a
 * bad column, a year or period outside base's span, or a subset that is not a valid parameter
 * set (naming its items and the broken constraint); RS_ERR_RUN when a run fails or gives a
 * non-finite value (naming the items of the subset, the lowest such subset, and the run's
 * message); RS_ERR_NOMEM. */
rs_status rs_shapley(const rs_params *base, const rs_delta *d, int col, double y1, double y2,
                     int threads, double *phi, double *v0, double *v1, rs_error *err);

#endif /* RS_COMPARE_H */
