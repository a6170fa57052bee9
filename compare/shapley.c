/* compare/shapley.c -- which change of a scenario produces how much of its effect.
 * This file contains rs_shapley: the exact Shapley attribution of the difference a scenario makes
 * to one quantity of a run (an indicator in a year, or its mean over a period) among the n
 * settings the scenario changes (rs_delta_make), by running the model on all 2^n combinations of
 * those settings applied on top of the base (rs_delta_apply).
 *
 * With v(S) the quantity when the settings in S (and only those) take the scenario's values,
 *
 *   phi_i = sum over S not containing i of  w(|S|) (v(S + i) - v(S)),
 *   w(k)  = k! (n - k - 1)! / n!,
 *
 * the average over every order of switching the settings on of the change that setting i makes
 * when it is switched on. The phi add up to v(all) - v(none) (each ordering telescopes), a
 * setting that changes nothing gets 0, and when the effects add up (no interaction) phi_i is the
 * one-at-a-time effect v({i}) - v(none). Interactions are shared equally among the settings
 * involved: for two settings, phi_1 = ((v(1) - v(0)) + (v(12) - v(2))) / 2.
 *
 * Determinism: the 2^n runs are independent and each is stored at its mask's index, so the
 * values do not depend on the thread count or the schedule; the sums run in a fixed order (by
 * subset size, then by increasing mask). The weights are exact integers up to 12! = 479001600
 * divided once (no overflow, one rounding). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

/* ---------------------------------------------------------------- constants */

#define SHAPLEY_MAX 12 /* 2^12 = 4096 runs: a few seconds on one core */

/* ---------------------------------------------------------------- helpers */

/* The parameter set of a subset in words: "the base with initial.G, asia.chi from the
 * scenario", or "the base itself" for the empty mask, into buf of size n. */
static void subset_names(const rs_delta *d, uint32_t mask, char *buf, size_t n) {
  if (mask == 0) {
    snprintf(buf, n, "the base itself");
    return;
  }
  size_t len = (size_t)snprintf(buf, n, "the base with ");
  int first = 1;
  for (int k = 0; k < d->n && len + 1 < n; k++) {
    if (!(mask & (1u << k))) continue;
    int w = snprintf(buf + len, n - len, "%s%s", first ? "" : ", ", d->item[k].name);
    if (w < 0) break;
    len += (size_t)w;
    first = 0;
  }
  if (len + 1 < n) snprintf(buf + len, n - len, " from the scenario");
}

static int popcount(uint32_t x) {
  int c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

/* The first failure among the runs: the lowest mask wins, so that the message does not depend
 * on the thread count. */
typedef struct failure {
  uint32_t mask; /* valid when st != RS_OK */
  rs_status st;
  rs_error err;
} failure;

static void record_failure(failure *f, uint32_t mask, rs_status st, const rs_error *e) {
#pragma omp critical(rs_shapley_failure)
  {
    if (f->st == RS_OK || mask < f->mask) {
      f->mask = mask;
      f->st = st;
      f->err = *e;
    }
  }
}

/* Has a run with a lower mask than this one failed already? Then this one need not run (its
 * failure could not be the one reported). */
static int failed_below(const failure *f, uint32_t mask) {
  int below;
#pragma omp critical(rs_shapley_failure)
  below = f->st != RS_OK && f->mask < mask;
  return below;
}

/* v(mask) into *out: base with the items of mask applied, validated, run, measured. */
static rs_status run_subset(rs_sim *sim, rs_series *s, const rs_params *base, const rs_delta *d,
                            uint32_t mask, int col, double y1, double y2, double *out,
                            rs_error *err) {
  rs_params p = *base;
  rs_delta_apply(d, mask, &p);
  char names[1024];
  rs_error e;
  rs_status st = rs_params_validate(&p, &e);
  if (st != RS_OK) {
    subset_names(d, mask, names, sizeof names);
    return rs_fail(err, st, "attribution: %s is not a valid parameter set: %s", names, e.msg);
  }
  st = rs_sim_run(sim, &p, s, NULL, &e);
  if (st != RS_OK) {
    subset_names(d, mask, names, sizeof names);
    return rs_fail(err, st, "attribution: the run of %s failed: %s", names, e.msg);
  }
  double v = rs_series_mean(s, col, y1, y2);
  if (!isfinite(v)) {
    subset_names(d, mask, names, sizeof names);
    return rs_fail(err, RS_ERR_RUN, "attribution: %s is not a finite number in the run of %s",
                   rs_indicator_info_get(col)->name, names);
  }
  *out = v;
  return RS_OK;
}

/* ---------------------------------------------------------------- exported functions */

rs_status rs_shapley(const rs_params *base, const rs_delta *d, int col, double y1, double y2,
                     int threads, double *phi, double *v0, double *v1, rs_error *err) {
  if (!base || !d || (!phi && d->n > 0))
    return rs_fail(err, RS_ERR_INPUT, "attribution: missing base, delta or result array");
  if (col < 0 || col >= RS_NINDICATOR)
    return rs_fail(err, RS_ERR_INPUT, "attribution: no indicator number %d", col);
  if (d->n < 0 || d->n > SHAPLEY_MAX)
    return rs_fail(err, RS_ERR_INPUT,
                   "attribution: the scenario changes %d settings; the exact attribution runs "
                   "every combination (2^n runs) and is limited to %d settings: split the "
                   "scenario into parts",
                   d->n, SHAPLEY_MAX);
  double t0 = base->v[RS_P_SPAN_START], t1 = base->v[RS_P_SPAN_END];
  double ylast = y2 > y1 ? y2 : y1;
  if (!(y1 >= t0 && ylast <= t1)) {
    if (y2 > y1)
      return rs_fail(err, RS_ERR_INPUT, "attribution: the period %g-%g is outside the run %g-%g",
                     y1, y2, t0, t1);
    return rs_fail(err, RS_ERR_INPUT, "attribution: the year %g is outside the run %g-%g", y1, t0,
                   t1);
  }

  int n = d->n;
  uint32_t nmask = 1u << n;
  double *v = malloc(sizeof *v * nmask);
  if (!v) return rs_fail(err, RS_ERR_NOMEM, "attribution: out of memory");
  failure fail;
  memset(&fail, 0, sizeof fail);
  fail.st = RS_OK;
  int nthreads = rs_threads(threads, 0);
  if ((uint32_t)nthreads > nmask) nthreads = (int)nmask;

#pragma omp parallel num_threads(nthreads)
  {
    rs_error e;
    rs_sim *sim = rs_sim_alloc(&e);
    rs_series s;
    rs_series_init(&s);
    if (!sim) record_failure(&fail, 0, RS_ERR_NOMEM, &e);
#pragma omp for schedule(dynamic, 1)
    for (long m = 0; m < (long)nmask; m++) {
      uint32_t mask = (uint32_t)m;
      v[mask] = (double)NAN;
      if (!sim || failed_below(&fail, mask)) continue;
      rs_status st = run_subset(sim, &s, base, d, mask, col, y1, y2, &v[mask], &e);
      if (st != RS_OK) record_failure(&fail, mask, st, &e);
    }
    rs_series_free(&s);
    rs_sim_free(sim);
  }
  if (fail.st != RS_OK) {
    free(v);
    if (err) *err = fail.err;
    return fail.st;
  }

  /* w[k] = k! (n-k-1)! / n!: the factorials are exact in a double for n <= 12 (12! < 2^53). */
  double fact[SHAPLEY_MAX + 1], w[SHAPLEY_MAX];
  fact[0] = 1.0;
  for (int k = 1; k <= SHAPLEY_MAX; k++) fact[k] = fact[k - 1] * (double)k;
  for (int k = 0; k < n; k++) w[k] = fact[k] * fact[n - k - 1] / fact[n];

  /* phi_i = sum_k w(k) (sum over |S| = k, i not in S, by increasing S, of v(S+i) - v(S)):
   * summing the differences of one size first keeps the weights out of the inner sum and the
   * two-setting case exactly ((v(1) - v(0)) + (v(12) - v(2))) / 2. */
  for (int i = 0; i < n; i++) {
    uint32_t bit = 1u << i;
    double by_size[SHAPLEY_MAX];
    for (int k = 0; k < n; k++) by_size[k] = 0.0;
    for (uint32_t mask = 0; mask < nmask; mask++)
      if (!(mask & bit)) by_size[popcount(mask)] += v[mask | bit] - v[mask];
    double sum = 0.0;
    for (int k = 0; k < n; k++) sum += w[k] * by_size[k];
    phi[i] = sum;
  }
  if (v0) *v0 = v[0];
  if (v1) *v1 = v[nmask - 1];
  free(v);
  return RS_OK;
}
