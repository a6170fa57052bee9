/* compare/band.c -- uncertainty bands of counterfactual differences.
 *
 * The paper's figures say that relational ties survived the 1990s, not how hard they were
 * pushed: the erosion and absorption parameters (and others the calibration flags as weakly
 * identified) trade off at almost the same fit, so a counterfactual drawn from the one best fit
 * can mislead. The band re-calibrates the reference with each such parameter fixed at points of
 * a grid across its bounds (the other free parameters re-fitted from the estimate), keeps every
 * fit whose cost is within a tolerance of the best (10 % by default: the cost differences that
 * a change of the target scales by about 5 % would produce, well inside the arbitrariness of
 * the scales themselves), applies each scenario's changes on top of every kept fit, and reports
 * the smallest and largest difference from the reference over those fits. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

rs_band_options rs_band_default_options(void) {
  rs_band_options o;
  memset(&o, 0, sizeof o);
  o.base_file = "params/baseline.cfg";
  /* the paper's figures and the external data, as relsim calibrate loads by default */
  o.targets_files[0] = "params/targets.cfg";
  o.targets_files[1] = "params/targets/data.cfg";
  o.ntargets_files = 2;
  o.free_file = "params/free.cfg";
  o.points = 5;
  o.tolerance = 0.10;
  o.max_iter = 50;
  return o;
}

/* ---------------------------------------------------------------- the band parameters */

/* A parameter fixed on a grid (rs_calib_grid_point: the grid of the profiles, so that a band and
 * a profile of the same parameter visit the same values). */
typedef struct band_param {
  rs_pref ref;
  char name[64];
  double lower, upper;
} band_param;

/* The band parameters: opt->params, or the weakly identified free parameters at the estimate
 * together with ties.kappa_e. */
static rs_status band_params(const rs_band_options *opt, const rs_params *ref,
                             const rs_free_set *fs, const rs_calib_result *est, band_param *bp,
                             int *nb, rs_error *err) {
  *nb = 0;
  if (opt->params) {
    char list[512];
    snprintf(list, sizeof list, "%s", opt->params);
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
      band_param *b = &bp[*nb];
      if (*nb == RS_FREE_MAX)
        return rs_fail(err, RS_ERR_INPUT, "--band-params: at most %d parameters", RS_FREE_MAX);
      if (rs_pref_parse(ref, tok, &b->ref) != 0)
        return rs_fail(err, RS_ERR_INPUT, "--band-params: '%s' is not a real-valued parameter",
                       tok);
      rs_pref_name(ref, b->ref, b->name, sizeof b->name);
      rs_pref_bounds(ref, b->ref, &b->lower, &b->upper);
      for (int j = 0; j < fs->n; j++)
        if (strcmp(fs->p[j].name, b->name) == 0) {
          b->lower = fs->p[j].lower;
          b->upper = fs->p[j].upper;
        }
      (*nb)++;
    }
    return RS_OK;
  }
  int have_kappa = 0;
  for (int j = 0; j < fs->n; j++) {
    if (!est->weak[j] && strcmp(fs->p[j].name, "ties.kappa_e") != 0) continue;
    band_param *b = &bp[(*nb)++];
    b->ref = fs->p[j].ref;
    snprintf(b->name, sizeof b->name, "%s", fs->p[j].name);
    b->lower = fs->p[j].lower;
    b->upper = fs->p[j].upper;
    have_kappa |= strcmp(b->name, "ties.kappa_e") == 0;
  }
  if (!have_kappa && *nb < RS_FREE_MAX) {
    band_param *b = &bp[(*nb)++];
    rs_pref_parse(ref, "ties.kappa_e", &b->ref);
    snprintf(b->name, sizeof b->name, "ties.kappa_e");
    rs_pref_bounds(ref, b->ref, &b->lower, &b->upper);
  }
  return RS_OK;
}

/* ---------------------------------------------------------------- re-calibrations */

/* One re-calibration: the reference with b fixed at value, the other free parameters re-fitted
 * from the estimate (one start, on one thread: the tasks themselves run in parallel). */
typedef struct refit {
  int param;        /* band parameter */
  double value;     /* its grid value */
  double cost;      /* cost of the re-fit (INFINITY when it failed) */
  rs_params fitted; /* the re-fitted parameters */
} refit;

static void run_refit(const rs_params *est, const rs_targets *ts, const rs_free_set *fs,
                      const band_param *b, const rs_band_options *opt, refit *out) {
  rs_params start = *est;
  rs_pref_set(&start, b->ref, out->value);
  rs_free_set sub;
  memset(&sub, 0, sizeof sub);
  snprintf(sub.file, sizeof sub.file, "%s", fs->file);
  for (int j = 0; j < fs->n; j++)
    if (strcmp(fs->p[j].name, b->name) != 0) sub.p[sub.n++] = fs->p[j];
  out->cost = (double)INFINITY;
  out->fitted = start;
  rs_calib_options co = rs_calib_default_options();
  co.max_iter = opt->max_iter;
  co.interrupt = opt->interrupt;
  /* one start from the estimate with b moved, without the description (covariance,
   * collinearity): only the cost and the fitted point enter the band */
  rs_calib_start st;
  rs_params fitted;
  rs_error err;
  if (rs_calib_refit(&start, ts, &sub, &co, &st, &fitted, &err) == RS_OK && isfinite(st.cost)) {
    out->cost = st.cost;
    out->fitted = fitted;
  }
}

/* ---------------------------------------------------------------- the band */

/* Run every scenario's delta on top of fit f (span end c->to) and widen the bands. */
static rs_status widen(rs_compare *c, const rs_delta *deltas, const rs_params *fit, rs_sim *sim,
                       rs_series *sref, rs_series *ss, double *sref_stats, double *s_stats,
                       rs_error *err) {
  rs_params p = *fit;
  p.v[RS_P_SPAN_END] = c->sc[0].params.v[RS_P_SPAN_END];
  rs_status st = rs_sim_run(sim, &p, sref, NULL, err);
  if (st != RS_OK) return st;
  rs_compare_stats(sref, sref_stats);
  for (int k = 1; k < c->n; k++) {
    rs_params q = p;
    rs_delta_apply(&deltas[k], 0xffffffffu, &q);
    if ((st = rs_sim_run(sim, &q, ss, NULL, err)) != RS_OK) return st;
    rs_compare_stats(ss, s_stats);
    rs_compare_scenario *sc = &c->sc[k];
    for (int i = 0; i < RS_NINDICATOR * RS_NCSTAT; i++) {
      double d = s_stats[i] - sref_stats[i];
      if (isnan(d)) continue;
      if (isnan(sc->band_min[i]) || d < sc->band_min[i]) sc->band_min[i] = d;
      if (isnan(sc->band_max[i]) || d > sc->band_max[i]) sc->band_max[i] = d;
    }
    int rows = ss->nrows < sc->series.nrows ? ss->nrows : sc->series.nrows;
    for (int r = 0; r < rows; r++)
      for (int col = 0; col < RS_NINDICATOR; col++) {
        size_t i = (size_t)r * RS_NINDICATOR + (size_t)col;
        double d = rs_series_at(ss, r, col) - rs_series_at(sref, r, col);
        if (d < sc->band_lo[i]) sc->band_lo[i] = d;
        if (d > sc->band_hi[i]) sc->band_hi[i] = d;
      }
  }
  return RS_OK;
}

/* Start every band at the best fit's own difference. */
static rs_status init_bands(rs_compare *c) {
  for (int k = 0; k < c->n; k++) {
    rs_compare_scenario *sc = &c->sc[k];
    size_t cells = (size_t)sc->series.nrows * RS_NINDICATOR;
    free(sc->band_lo);
    free(sc->band_hi);
    sc->band_lo = malloc(sizeof(double) * (cells + 1));
    sc->band_hi = malloc(sizeof(double) * (cells + 1));
    if (!sc->band_lo || !sc->band_hi) return RS_ERR_NOMEM;
    for (int i = 0; i < RS_NINDICATOR * RS_NCSTAT; i++) {
      double d = sc->stats[i] - c->sc[0].stats[i];
      sc->band_min[i] = sc->band_max[i] = d;
    }
    int rows = sc->series.nrows < c->sc[0].series.nrows ? sc->series.nrows : c->sc[0].series.nrows;
    for (int r = 0; r < rows; r++)
      for (int col = 0; col < RS_NINDICATOR; col++) {
        size_t i = (size_t)r * RS_NINDICATOR + (size_t)col;
        sc->band_lo[i] = sc->band_hi[i] =
            rs_series_at(&sc->series, r, col) - rs_series_at(&c->sc[0].series, r, col);
      }
  }
  return RS_OK;
}

/* The estimate at the reference: polish it (one start from the reference's values) to get its
 * cost and the weak-identification flags of the calibration report. */
static rs_status estimate(const rs_compare *c, const rs_targets *ts, const rs_free_set *fs,
                          const rs_band_options *opt, rs_calib_result *est, rs_error *err) {
  rs_params ref = c->sc[0].params;
  ref.v[RS_P_SPAN_END] = 2000.0; /* the calibration span of the targets */
  rs_calib_options co = rs_calib_default_options();
  co.nstarts = 1;
  co.max_iter = opt->max_iter;
  co.threads = opt->threads;
  co.interrupt = opt->interrupt;
  return rs_calibrate(&ref, ts, fs, &co, est, err);
}

static void write_note(rs_compare *c, const band_param *bp, int nb, const rs_targets *ts,
                       const rs_band_options *opt) {
  /* the target files actually read (bases included), with their origins */
  char files[1024];
  size_t flen = 0;
  files[0] = '\0';
  for (int f = 0; f < ts->nfiles; f++) {
    const rs_target_file *tf = &ts->file[f];
    int w = snprintf(files + flen, sizeof files - flen, "%s%s (%s%s)",
                     f == 0                ? ""
                     : f == ts->nfiles - 1 ? " and "
                                           : ", ",
                     tf->path, rs_target_origin_name(tf->origin),
                     tf->ndropped > 0 ? ", left out by --paper-only" : "");
    if (w < 0 || (size_t)w >= sizeof files - flen) break;
    flen += (size_t)w;
  }
  size_t len = 0;
  c->band_params[0] = '\0';
  for (int i = 0; i < nb; i++) {
    int w = snprintf(c->band_params + len, sizeof c->band_params - len, "%s%s", i ? "," : "",
                     bp[i].name);
    if (w < 0 || (size_t)w >= sizeof c->band_params - len) break;
    len += (size_t)w;
  }
  snprintf(c->band_note, sizeof c->band_note,
           "Bands: the reference was re-calibrated (targets %s; free set %s) with each of %d "
           "weakly identified "
           "parameters fixed at %d points across its bounds (%s), the other free parameters "
           "re-fitted; %d of the %d re-calibrations had a cost within %.0f %% of the best "
           "(%.4g, threshold %.4g) and were kept. Each scenario's changes were applied on top of "
           "every kept fit and of the best one (%d parameter sets in all); a band is the "
           "smallest and largest difference from the reference over those sets.",
           files, opt->free_file, nb, opt->points, c->band_params, c->nfits - 1, c->ntried,
           100.0 * opt->tolerance, c->best_cost, c->band_threshold, c->nfits);
}

rs_status rs_compare_band(rs_compare *c, const rs_band_options *opt, rs_error *err) {
  if (c->n < 2) return rs_fail(err, RS_ERR_INPUT, "a band needs a reference and a scenario");
  rs_targets ts;
  rs_free_set fs;
  memset(&ts, 0, sizeof ts);
  rs_status st = rs_targets_load_files(opt->targets_files, opt->ntargets_files, opt->paper_only,
                                       c->sc[0].params.v[RS_P_SPAN_START], 2000.0, &ts, err);
  if (st == RS_OK) st = rs_free_load(opt->free_file, &c->sc[0].params, &fs, err);
  rs_calib_result est;
  memset(&est, 0, sizeof est);
  if (st == RS_OK) st = estimate(c, &ts, &fs, opt, &est, err);
  if (st == RS_OK && opt->interrupt && *opt->interrupt)
    st = rs_fail(err, RS_ERR_INTERRUPT, "band: interrupted");
  band_param bp[RS_FREE_MAX + 1];
  int nb = 0;
  if (st == RS_OK) st = band_params(opt, &c->sc[0].params, &fs, &est, bp, &nb, err);
  rs_delta *deltas = calloc((size_t)c->n, sizeof *deltas);
  int ntask = nb * opt->points;
  refit *tasks = calloc((size_t)ntask + 1, sizeof *tasks);
  if (st == RS_OK && (!deltas || !tasks)) st = rs_fail(err, RS_ERR_NOMEM, "band: out of memory");
  for (int k = 1; st == RS_OK && k < c->n; k++)
    st = rs_delta_make(&c->sc[0].params, &c->sc[k].params, &deltas[k], err);
  if (st == RS_OK) {
    c->best_cost = est.cost;
    c->band_threshold = (1.0 + opt->tolerance) * est.cost;
    for (int b = 0; b < nb; b++)
      for (int g = 0; g < opt->points; g++) {
        tasks[b * opt->points + g].param = b;
        tasks[b * opt->points + g].value =
            rs_calib_grid_point(bp[b].lower, bp[b].upper, g, opt->points);
      }
    int done = 0;
    int threads = rs_threads(opt->threads, ntask);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int t = 0; t < ntask; t++) {
      if (opt->interrupt && *opt->interrupt) continue; /* the band is dropped: start no more */
      run_refit(&est.fitted, &ts, &fs, &bp[tasks[t].param], opt, &tasks[t]);
#pragma omp critical(rs_band_progress)
      {
        done++;
        if (opt->progress) {
          fprintf(stderr, "\rband: %d/%d re-calibrations (%s = %.4g: cost %.4g)   ", done, ntask,
                  bp[tasks[t].param].name, tasks[t].value, tasks[t].cost);
          fflush(stderr);
        }
      }
    }
    if (opt->progress) fputc('\n', stderr);
    if (opt->interrupt && *opt->interrupt)
      st = rs_fail(err, RS_ERR_INTERRUPT, "band: interrupted");
    else
      st = init_bands(c) == RS_OK ? RS_OK : rs_fail(err, RS_ERR_NOMEM, "band: out of memory");
  }
  /* The kept fits, in task order (deterministic), each run with every scenario's changes. */
  c->ntried = ntask;
  c->nfits = 1;
  if (st == RS_OK) {
    rs_sim *sim = rs_sim_alloc(err);
    rs_solver_options ens = rs_solver_ensemble_options(); /* a member run of the ensemble */
    if (sim) rs_sim_set_method(sim, &ens);
    rs_series a, b;
    rs_series_init(&a);
    rs_series_init(&b);
    double *sa = malloc(sizeof(double) * RS_NINDICATOR * RS_NCSTAT);
    double *sb = malloc(sizeof(double) * RS_NINDICATOR * RS_NCSTAT);
    if (!sim || !sa || !sb) st = rs_fail(err, RS_ERR_NOMEM, "band: out of memory");
    for (int t = 0; st == RS_OK && t < ntask; t++) {
      if (!(tasks[t].cost <= c->band_threshold)) continue;
      st = widen(c, deltas, &tasks[t].fitted, sim, &a, &b, sa, sb, err);
      c->nfits++;
    }
    free(sa);
    free(sb);
    rs_series_free(&a);
    rs_series_free(&b);
    rs_sim_free(sim);
  }
  if (st == RS_OK) {
    c->has_band = 1;
    write_note(c, bp, nb, &ts, opt);
  }
  free(tasks);
  free(deltas);
  rs_calib_result_free(&est);
  rs_targets_free(&ts);
  return st;
}
