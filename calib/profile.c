/* calib/profile.c -- profile likelihoods of free parameters.
 *
 * The profile of a free parameter is the best cost the others can reach with it held at each
 * value of a grid across its search bounds: where the curve is flat, the targets do not decide
 * the parameter, and the answers that depend on it (the counterfactuals) should be read along
 * the curve, not at its minimum alone. Each point re-fits every other free parameter by the
 * calibration's own least squares (one start). The grid runs outward from the estimate in both
 * directions, each point starting from its neighbour's fit (continuation), so that the curve
 * follows one valley instead of jumping between local optima; the estimate itself is a point
 * of every profile. The chains (two per parameter) run in parallel, each on its own workspace,
 * and are stored by index: the result does not depend on the thread count. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"

/* ---------------------------------------------------------------- the grid */

double rs_calib_grid_point(double lower, double upper, int k, int n) {
  if (n < 2) return 0.5 * (lower + upper);
  if (lower >= 0.0 && upper > 0.0 && (lower == 0.0 || upper / lower >= 1000.0)) {
    if (k == 0) return lower;
    double g0 = fmax(lower, upper * 1e-3);
    return g0 * pow(upper / g0, (double)(k - 1) / (double)(n - 2));
  }
  return lower + (upper - lower) * (double)k / (double)(n - 1);
}

/* The grid of profile pr: npoints across the search bounds of free parameter j, with the
 * estimate inserted in order (unless a grid point equals it). Sets pr->n, pr->at, pr->value. */
static void make_grid(const rs_free_param *fp, double estimate, int npoints, rs_calib_profile *pr) {
  int n = 0;
  pr->at = -1;
  for (int k = 0; k < npoints; k++) {
    double v = rs_calib_grid_point(fp->lower, fp->upper, k, npoints);
    if (pr->at < 0 && estimate <= v) {
      pr->at = n;
      pr->value[n++] = estimate;
      if (estimate == v) continue;
    }
    pr->value[n++] = v;
  }
  if (pr->at < 0) {
    pr->at = n;
    pr->value[n++] = estimate;
  }
  pr->n = n;
}

/* ---------------------------------------------------------------- one point */

/* Re-fit every free parameter but j from start, with j held at value: one start of the
 * calibration on one thread. */
static void refit(const rs_params *start, const rs_targets *ts, const rs_free_set *fs, int j,
                  double value, const rs_calib_options *opt, double *cost, int *status,
                  rs_params *fitted) {
  rs_params p = *start;
  rs_pref_set(&p, fs->p[j].ref, value);
  rs_free_set sub;
  memset(&sub, 0, sizeof sub);
  snprintf(sub.file, sizeof sub.file, "%s", fs->file);
  for (int q = 0; q < fs->n; q++)
    if (q != j) sub.p[sub.n++] = fs->p[q];
  rs_calib_options co = *opt;
  co.nstarts = 1; /* start 0: p itself */
  co.nextra = 0;
  co.extra_starts = NULL;
  co.threads = 1;
  co.progress = 0;
  *cost = (double)INFINITY;
  *status = 3;
  *fitted = p;
  rs_calib_result res;
  rs_error err;
  if (rs_calibrate(&p, ts, &sub, &co, &res, &err) == RS_OK) {
    *cost = res.cost;
    *status = res.starts[res.best].status;
    *fitted = res.fitted;
  }
  rs_calib_result_free(&res);
}

/* One chain: the points of profile pr from index from towards index to (inclusive, step +1 or
 * -1), each starting from the fit of the point before it (the estimate's fit before the first).
 */
static void run_chain(const rs_params *est, const rs_targets *ts, const rs_free_set *fs,
                      const rs_calib_options *opt, rs_calib_profile *pr, int from, int to) {
  int step = to >= from ? 1 : -1;
  const rs_params *start = est;
  for (int k = from; step > 0 ? k <= to : k >= to; k += step) {
    refit(start, ts, fs, pr->param, pr->value[k], opt, &pr->cost[k], &pr->status[k],
          &pr->fitted[k]);
    /* A failed point leaves the next to start where this one started. */
    if (isfinite(pr->cost[k])) start = &pr->fitted[k];
  }
}

/* ---------------------------------------------------------------- the profiles */

void rs_calib_profile_free(rs_calib_profile *pr) {
  if (!pr) return;
  free(pr->value);
  free(pr->cost);
  free(pr->status);
  free(pr->fitted);
  free(pr->col);
  memset(pr, 0, sizeof *pr);
}

static rs_status alloc_profile(rs_calib_profile *pr, int cap) {
  memset(pr, 0, sizeof *pr);
  pr->value = calloc((size_t)cap, sizeof *pr->value);
  pr->cost = calloc((size_t)cap, sizeof *pr->cost);
  pr->status = calloc((size_t)cap, sizeof *pr->status);
  pr->fitted = calloc((size_t)cap, sizeof *pr->fitted);
  return pr->value && pr->cost && pr->status && pr->fitted ? RS_OK : RS_ERR_NOMEM;
}

rs_status rs_calib_profiles(const rs_params *estimate, const rs_targets *ts, const rs_free_set *fs,
                            const char *const *names, int nnames, int npoints,
                            const rs_calib_options *opt, rs_calib_profile *out, rs_error *err) {
  if (nnames < 0 || nnames > RS_PROFILE_MAX)
    return rs_fail(err, RS_ERR_INPUT, "profiles: at most %d parameters", RS_PROFILE_MAX);
  if (npoints < 2 || npoints > RS_PROFILE_POINTS_MAX)
    return rs_fail(err, RS_ERR_INPUT, "profiles: 2 to %d grid points", RS_PROFILE_POINTS_MAX);
  for (int i = 0; i < nnames; i++) memset(&out[i], 0, sizeof out[i]);
  if (nnames > 0 && fs->n < 2)
    return rs_fail(err, RS_ERR_INPUT,
                   "profiles: a profile re-fits the other free parameters, so it needs at least "
                   "two (%s frees %d)",
                   fs->file, fs->n);
  rs_status st = RS_OK;
  for (int i = 0; i < nnames && st == RS_OK; i++) {
    int j = -1;
    for (int q = 0; q < fs->n; q++)
      if (strcmp(fs->p[q].name, names[i]) == 0) j = q;
    if (j < 0) {
      st = rs_fail(err, RS_ERR_INPUT,
                   "--profile %s: not a free parameter of %s (only free parameters have a "
                   "profile)",
                   names[i], fs->file);
      break;
    }
    if (alloc_profile(&out[i], npoints + 1) != RS_OK) {
      st = rs_fail(err, RS_ERR_NOMEM, "profiles: out of memory");
      break;
    }
    snprintf(out[i].name, sizeof out[i].name, "%s", fs->p[j].name);
    out[i].param = j;
    make_grid(&fs->p[j], rs_pref_get(estimate, fs->p[j].ref), npoints, &out[i]);
  }
  if (st != RS_OK) {
    for (int i = 0; i < nnames; i++) rs_calib_profile_free(&out[i]);
    return st;
  }
  /* Two chains per profile: from the estimate up (the estimate included), and down. */
  int ntask = 2 * nnames;
  int threads = opt->threads > 0 ? opt->threads : omp_get_max_threads();
  int done = 0;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int t = 0; t < ntask; t++) {
    rs_calib_profile *pr = &out[t / 2];
    if (t % 2 == 0)
      run_chain(estimate, ts, fs, opt, pr, pr->at, pr->n - 1);
    else if (pr->at > 0)
      run_chain(estimate, ts, fs, opt, pr, pr->at - 1, 0);
#pragma omp critical(rs_profile_progress)
    {
      done++;
      if (opt->progress) {
        fprintf(stderr, "\rprofiles: %d/%d chains done   ", done, ntask);
        fflush(stderr);
      }
    }
  }
  if (opt->progress) fputc('\n', stderr);
  /* The down chain started from the estimate, not from the polished estimate point: nothing to
   * fix. The best point of each profile, for the report. */
  for (int i = 0; i < nnames; i++) {
    rs_calib_profile *pr = &out[i];
    pr->best = -1;
    for (int k = 0; k < pr->n; k++)
      if (isfinite(pr->cost[k]) && (pr->best < 0 || pr->cost[k] < pr->cost[pr->best])) pr->best = k;
  }
  return RS_OK;
}
