/* posterior/model.c -- relsim's posterior: the likelihood of the targets (the calibration's
 * weighted scaled residuals, normal with the misfit scale sigma) and the priors of the free
 * parameters (the free file's) and of sigma. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posterior.h"

void rs_post_member_solver(rs_params *p) {
  /* The calibration's settings: the scenario's method and tolerances, so that a draw's
   * likelihood is the cost the fit minimised. Nothing to change yet. */
  (void)p;
}

void rs_post_sigma_prior(rs_free_param *sigma) {
  memset(sigma, 0, sizeof *sigma);
  snprintf(sigma->name, sizeof sigma->name, "misfit.sigma");
  sigma->lower = 0.1;
  sigma->upper = 10.0;
  sigma->ref.id = -1;
  sigma->ref.event = -1;
  rs_error e;
  rs_free_set_prior(sigma, RS_PRIOR_HALFNORMAL, 2.5, 0.0, &e);
}

rs_status rs_post_model_init(rs_post_model *pm, const rs_params *base, const rs_targets *ts,
                             const rs_free_set *fs, int threads, rs_error *err) {
  memset(pm, 0, sizeof *pm);
  pm->base = base;
  pm->ts = ts;
  pm->fs = fs;
  pm->member = *base;
  rs_post_member_solver(&pm->member);
  rs_post_sigma_prior(&pm->sigma);
  pm->nthreads = rs_threads(threads, 0);
  pm->ev = calloc((size_t)pm->nthreads, sizeof *pm->ev);
  pm->res = calloc((size_t)pm->nthreads, sizeof *pm->res);
  if (!pm->ev || !pm->res) {
    rs_post_model_free(pm);
    return rs_fail(err, RS_ERR_NOMEM, "posterior: out of memory");
  }
  for (int t = 0; t < pm->nthreads; t++) {
    pm->ev[t] = rs_calib_eval_alloc(&pm->member, ts, fs, err);
    if (!pm->ev[t]) {
      rs_post_model_free(pm);
      return RS_ERR_NOMEM; /* the evaluator's only failure; err says so */
    }
    pm->m = rs_calib_eval_nresiduals(pm->ev[t]);
    pm->res[t] = malloc(sizeof(double) * (size_t)(pm->m + fs->n));
    if (!pm->res[t]) {
      rs_post_model_free(pm);
      return rs_fail(err, RS_ERR_NOMEM, "posterior: out of memory");
    }
  }
  return RS_OK;
}

void rs_post_model_free(rs_post_model *pm) {
  for (int t = 0; pm->ev && t < pm->nthreads; t++) rs_calib_eval_free(pm->ev[t]);
  for (int t = 0; pm->res && t < pm->nthreads; t++) free(pm->res[t]);
  free(pm->ev);
  free(pm->res);
  pm->ev = NULL;
  pm->res = NULL;
}

static double log_prior(const rs_post_model *pm, const double *x) {
  double lp = rs_free_prior_logpdf(&pm->sigma, x[pm->fs->n]);
  for (int j = 0; j < pm->fs->n; j++) lp += rs_free_prior_logpdf(&pm->fs->p[j], x[j]);
  return lp;
}

void rs_post_model_to_x(const rs_post_model *pm, const double *u, double *x) {
  int d = pm->fs->n + 1;
  for (int j = 0; j < d; j++) {
    double lo = j < pm->fs->n ? pm->fs->p[j].lower : pm->sigma.lower;
    double hi = j < pm->fs->n ? pm->fs->p[j].upper : pm->sigma.upper;
    x[j] = pm->log_scale && pm->logs[j] ? fmin(fmax(exp(u[j]) - pm->shift[j] + lo, lo), hi) : u[j];
  }
}

int rs_post_model_logp(void *ctx, int thread, const double *u, double *loglik, double *logprior) {
  rs_post_model *pm = ctx;
  double x[RS_POST_MAXDIM], jac = 0.0;
  rs_post_model_to_x(pm, u, x);
  for (int j = 0; pm->log_scale && j <= pm->fs->n; j++)
    if (pm->logs[j]) jac += u[j]; /* log |dx/du| = u */
  *logprior = log_prior(pm, x) + jac;
  if (!isfinite(*logprior)) return 1;
  if (rs_calib_eval_residuals(pm->ev[thread], x, pm->res[thread], NULL) != RS_OK) return 1;
  double sigma = x[pm->fs->n], ss = 0.0;
  for (int r = 0; r < pm->m; r++) ss += pm->res[thread][r] * pm->res[thread][r];
  *loglik =
      -0.5 * ss / (sigma * sigma) - pm->m * (log(sigma) + 0.5 * log(2.0 * 3.14159265358979323846));
  return !isfinite(*loglik);
}

/* Pose pb in the log coordinates of rs_post_model_problem's comment (bounds, start, covariance
 * by the delta method). */
static void to_log(rs_post_model *pm, rs_post_problem *pb) {
  int d = pb->d;
  double a[RS_POST_MAXDIM];
  for (int j = 0; j < d; j++) {
    double lo = pb->lo[j], hi = pb->hi[j], w = hi - lo;
    pm->logs[j] = (lo > 0.0 && hi >= 10.0 * lo) || (lo == 0.0 && pb->start[j] < lo + w / 3.0);
    a[j] = 1.0;
    if (!pm->logs[j]) continue;
    pm->shift[j] = lo > 0.0 ? lo : 1e-3 * w;
    a[j] = pb->start[j] - lo + pm->shift[j];
    pb->lo[j] = log(pm->shift[j]);
    pb->hi[j] = log(w + pm->shift[j]);
    pb->start[j] = log(a[j]);
  }
  if (pb->start_cov) {
    double *c = (double *)pb->start_cov;
    for (int i = 0; i < d; i++)
      for (int j = 0; j < d; j++) c[i * d + j] /= a[i] * a[j];
  }
}

rs_status rs_post_model_problem(rs_post_model *pm, const rs_params *start, const double *cov,
                                rs_post_problem *pb, double *cov_out, rs_error *err) {
  memset(pb, 0, sizeof *pb);
  int n = pm->fs->n, d = n + 1;
  pb->d = d;
  for (int j = 0; j < n; j++) {
    const rs_free_param *fp = &pm->fs->p[j];
    pb->lo[j] = fp->lower;
    pb->hi[j] = fp->upper;
    pb->start[j] = fmin(fmax(rs_pref_get(start, fp->ref), fp->lower), fp->upper);
  }
  pb->lo[n] = pm->sigma.lower;
  pb->hi[n] = pm->sigma.upper;
  rs_error e2;
  if (rs_calib_eval_residuals(pm->ev[0], pb->start, pm->res[0], &e2) != RS_OK)
    return rs_fail(err, RS_ERR_RUN, "posterior: the warm start cannot be run: %s", e2.msg);
  double ss = 0.0;
  for (int r = 0; r < pm->m; r++) ss += pm->res[0][r] * pm->res[0][r];
  double s = sqrt(ss / pm->m);
  pb->start[n] = fmin(fmax(s, pm->sigma.lower), pm->sigma.upper);
  if (cov && cov_out) {
    for (int i = 0; i < d * d; i++) cov_out[i] = 0.0;
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) cov_out[i * d + j] = cov[i * n + j] * s * s;
    cov_out[n * d + n] = s * s / (2.0 * pm->m);
    pb->start_cov = cov_out;
  }
  if (pm->log_scale) to_log(pm, pb);
  pb->fn = rs_post_model_logp;
  pb->ctx = pm;
  return RS_OK;
}
