/* calib/calib.c -- the calibration: residuals and their Jacobian, bounded Levenberg-Marquardt
 * (lsq.c) from a multi-start in parallel, and the description of the estimate (covariance,
 * correlations, collinearity indices, targets in tension).
 *
 * Cost: sum over modelled targets of weight * (scaled residual)^2, plus ((x - mean)/sd)^2 for
 * each prior. The optimiser sees the weighted residual vector f = sqrt(weight) * r (so that
 * |f|^2 is the cost) as a function of the free parameters x themselves, within their search
 * bounds. (They used to be mapped from unbounded variables by a logistic function, whose
 * derivative vanishes at a bound: a parameter that reached a bound stayed there. rs_lsq_solve
 * treats the bounds as constraints of each step instead, so a parameter leaves a bound as soon
 * as the cost falls inward.) One-sided targets (ranges, orders) are hinge residuals: zero when
 * satisfied.
 *
 * Starts: the base values, the given extra points (a previous optimum: the fit can then only
 * improve on it), and a Latin hypercube with a fixed seed. Each start runs in its own
 * workspace on one thread; the best is the lowest cost, ties to the lowest index, so the thread
 * count cannot matter. */
#include "calib.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- options */

rs_calib_options rs_calib_default_options(void) {
  rs_calib_options o;
  memset(&o, 0, sizeof o);
  o.nstarts = 16;
  o.seed = 20010618u;
  o.max_iter = 100;
  o.jacobian = RS_JAC_SENS;
  o.xtol = 1e-8;
  o.gtol = 1e-8;
  o.ftol = 1e-8;
  return o;
}

/* ---------------------------------------------------------------- one problem */

/* The working state of one start (one thread): the model workspace and scratch buffers. */
typedef struct problem {
  const rs_params *base;
  const rs_targets *ts;
  const rs_free_set *fs;
  int n, m;
  rs_params p; /* base with the current x */
  rs_pref refs[RS_FREE_MAX];
  rs_sim *sim;
  rs_series s;
  double *dS;          /* nrows * n * RS_NINDICATOR */
  double *tres, *tjac; /* one target's residuals and their Jacobian */
  int maxres;          /* most residuals of one target */
  int jacobian;        /* rs_jacobian_kind */
  long runs;
  rs_error err; /* the last failure */
} problem;

static int count_residuals(const rs_targets *ts, const rs_free_set *fs, int *maxres) {
  int m = 0;
  *maxres = 1;
  for (int i = 0; i < ts->n; i++) {
    int k = rs_target_nresiduals(&ts->t[i]);
    if (k > *maxres) *maxres = k;
    m += k;
  }
  for (int j = 0; j < fs->n; j++) m += fs->p[j].has_prior;
  return m;
}

static void problem_free(problem *pb) {
  rs_sim_free(pb->sim);
  rs_series_free(&pb->s);
  free(pb->dS);
  free(pb->tres);
  free(pb->tjac);
}

static rs_status problem_init(problem *pb, const rs_params *base, const rs_targets *ts,
                              const rs_free_set *fs, int jacobian, rs_error *err) {
  memset(pb, 0, sizeof *pb);
  pb->base = base;
  pb->ts = ts;
  pb->fs = fs;
  pb->n = fs->n;
  pb->m = count_residuals(ts, fs, &pb->maxres);
  pb->p = *base;
  pb->jacobian = jacobian;
  rs_series_init(&pb->s);
  for (int j = 0; j < fs->n; j++) pb->refs[j] = fs->p[j].ref;
  int nrows = rs_sim_output_times(base, NULL);
  pb->sim = rs_sim_alloc(err);
  /* Every run of a calibration is a member of an ensemble (starts, iterations, profiles). */
  rs_solver_options ens = rs_solver_ensemble_options();
  if (pb->sim) rs_sim_set_method(pb->sim, &ens);
  pb->dS = malloc(sizeof(double) * (size_t)nrows * (size_t)pb->n * RS_NINDICATOR);
  pb->tres = malloc(sizeof(double) * (size_t)pb->maxres);
  pb->tjac = malloc(sizeof(double) * (size_t)pb->maxres * (size_t)pb->n);
  if (!pb->sim || !pb->dS || !pb->tres || !pb->tjac) {
    problem_free(pb);
    return rs_fail(err, RS_ERR_NOMEM, "calibration: out of memory");
  }
  return RS_OK;
}

static void set_x(problem *pb, const double *x) {
  pb->p = *pb->base;
  for (int j = 0; j < pb->n; j++) rs_pref_set(&pb->p, pb->refs[j], x[j]);
}

/* Weighted residuals f (m) and, with J, d f / d x (m x n, row-major) from the run in pb->s
 * (and its sensitivities in pb->dS when J is set). */
static rs_status assemble(problem *pb, const double *x, double *f, double *J, int with_sens) {
  int r = 0, n = pb->n;
  for (int i = 0; i < pb->ts->n; i++) {
    const rs_target *t = &pb->ts->t[i];
    int k = rs_target_nresiduals(t);
    if (k == 0) continue;
    double model, w = sqrt(t->weight);
    rs_status st = rs_target_eval(t, &pb->s, with_sens ? pb->dS : NULL, n, &model, pb->tres,
                                  with_sens ? pb->tjac : NULL, &pb->err);
    if (st != RS_OK) return st;
    for (int q = 0; q < k; q++, r++) {
      f[r] = w * pb->tres[q];
      if (J && with_sens)
        for (int j = 0; j < n; j++) J[(size_t)r * (size_t)n + (size_t)j] = w * pb->tjac[q * n + j];
    }
  }
  for (int j = 0; j < n; j++) {
    const rs_free_param *fp = &pb->fs->p[j];
    if (!fp->has_prior) continue;
    f[r] = (x[j] - fp->prior_mean) / fp->prior_sd;
    if (J) {
      for (int q = 0; q < n; q++) J[(size_t)r * (size_t)n + (size_t)q] = 0.0;
      J[(size_t)r * (size_t)n + (size_t)j] = 1.0 / fp->prior_sd;
    }
    r++;
  }
  return RS_OK;
}

/* Residuals only. */
static rs_status eval_f(problem *pb, const double *x, double *f) {
  set_x(pb, x);
  pb->runs++;
  rs_status st = rs_sim_run(pb->sim, &pb->p, &pb->s, NULL, &pb->err);
  if (st != RS_OK) return st;
  return assemble(pb, x, f, NULL, 0);
}

/* The difference quotient of the residuals along parameter j, into d (m values): central,
 * (f(x + h) - f(x - h)) / 2h, when side is 0; one-sided of second order,
 * side (-3 f(x) + 4 f(x + side h) - f(x + 2 side h)) / 2h, when side is +1 or -1 (f0 = f(x)),
 * for a parameter too close to a bound for x - h (or x + h) to stay within the search range.
 * Both have an error of order h^2. */
static rs_status difference(problem *pb, const double *x, const double *f0, int j, double h,
                            int side, double *f1, double *f2, double *d) {
  double xx[RS_FREE_MAX];
  memcpy(xx, x, sizeof(double) * (size_t)pb->n);
  xx[j] = side == 0 ? x[j] + h : x[j] + side * h;
  rs_status st = eval_f(pb, xx, f1);
  xx[j] = side == 0 ? x[j] - h : x[j] + 2.0 * side * h;
  if (st == RS_OK) st = eval_f(pb, xx, f2);
  for (int r = 0; st == RS_OK && r < pb->m; r++)
    d[r] = side == 0 ? (f1[r] - f2[r]) / (2.0 * h)
                     : side * (-3.0 * f0[r] + 4.0 * f1[r] - f2[r]) / (2.0 * h);
  return st;
}

/* Differences of whole runs, the checking alternative to the sensitivities (and their stand-in
 * where a sensitivity is not finite), for the columns j of J with which[j] set (all when which
 * is NULL), with one Richardson extrapolation (4 runs a parameter): (4 D(h/2) - D(h)) / 3
 * cancels the h^2 term, which matters where a trajectory passes a smoothed kink (min(a, 1)
 * near the frontier). The step, 5e-3 of the value, balances what remains against the noise of
 * whole runs (their global error, about 1e-9 relative at tight tolerances, divided by h). A
 * parameter within 2h of a bound of its search range is differenced on the inside only: the
 * optimiser puts parameters exactly on their bounds, and beyond a bound the model may not run.
 * f receives the residuals at x from a plain run, which is also the run left in pb->s. */
static rs_status jacobian_fd(problem *pb, const double *x, double *f, double *J, const int *which) {
  int n = pb->n, m = pb->m;
  double *buf = malloc(sizeof(double) * (size_t)m * 4);
  if (!buf) return rs_fail(&pb->err, RS_ERR_NOMEM, "calibration: out of memory");
  double *f1 = buf, *f2 = buf + m, *d1 = buf + 2 * m, *d2 = buf + 3 * m;
  rs_status st = eval_f(pb, x, f);
  for (int j = 0; j < n && st == RS_OK; j++) {
    if (which && !which[j]) continue;
    const rs_free_param *fr = &pb->fs->p[j];
    double h = 5e-3 * fmax(fabs(x[j]), 1e-3 * (fr->upper - fr->lower));
    int side = x[j] - h < fr->lower ? 1 : x[j] + h > fr->upper ? -1 : 0;
    st = difference(pb, x, f, j, h, side, f1, f2, d1);
    if (st == RS_OK) st = difference(pb, x, f, j, 0.5 * h, side, f1, f2, d2);
    for (int r = 0; st == RS_OK && r < m; r++)
      J[(size_t)r * (size_t)n + (size_t)j] = (4.0 * d2[r] - d1[r]) / 3.0;
  }
  /* The perturbed runs replaced the run at x; the caller may read it (the report does). */
  if (st == RS_OK) st = eval_f(pb, x, f);
  free(buf);
  return st;
}

/* Residuals and their Jacobian with respect to x. A sensitivity that is not finite (a
 * derivative that floating point cannot form where the model sits on the edge of its range:
 * d/dnu of (1 - R)^nu at R = 1 is 0 * log 0) would stop the optimiser at that point; its column
 * comes from differences of runs instead, and f then from a plain run. */
static rs_status eval_fJ(problem *pb, const double *x, double *f, double *J) {
  if (pb->jacobian == RS_JAC_FD) return jacobian_fd(pb, x, f, J, NULL);
  set_x(pb, x);
  pb->runs++;
  rs_status st = rs_sim_run_sens(pb->sim, &pb->p, pb->refs, pb->n, &pb->s, pb->dS, NULL, &pb->err);
  if (st == RS_OK) st = assemble(pb, x, f, J, 1);
  if (st != RS_OK) return st;
  int bad[RS_FREE_MAX] = {0}, nbad = 0;
  for (int r = 0; r < pb->m; r++)
    for (int j = 0; j < pb->n; j++)
      if (!isfinite(J[(size_t)r * (size_t)pb->n + (size_t)j]) && !bad[j]) bad[j] = 1, nbad++;
  return nbad ? jacobian_fd(pb, x, f, J, bad) : RS_OK;
}

/* ---------------------------------------------------------------- the solver's callback */

/* The residuals (and Jacobian) of a start for rs_lsq_solve. A run that fails (the integrator
 * gave up at an extreme point) is reported as such: the solver shortens its step instead of the
 * start aborting. */
static int lsq_residuals(void *ctx, const double *x, double *f, double *J) {
  problem *pb = ctx;
  rs_status st = J ? eval_fJ(pb, x, f, J) : eval_f(pb, x, f);
  return st == RS_OK ? 0 : 1;
}

rs_status rs_calib_residuals(const rs_params *base, const rs_targets *ts, const rs_free_set *fs,
                             const double *x, int kind, double *res, double *J, int *m,
                             rs_error *err) {
  problem pb;
  rs_status st = problem_init(&pb, base, ts, fs, kind, err);
  if (st != RS_OK) return st;
  *m = pb.m;
  st = J ? eval_fJ(&pb, x, res, J) : eval_f(&pb, x, res);
  if (st != RS_OK && err) *err = pb.err;
  problem_free(&pb);
  return st;
}

/* A reusable evaluator: one workspace for many evaluations (the posterior's sampler). */
struct rs_calib_eval {
  problem pb;
};

rs_calib_eval *rs_calib_eval_alloc(const rs_params *base, const rs_targets *ts,
                                   const rs_free_set *fs, rs_error *err) {
  rs_calib_eval *ev = malloc(sizeof *ev);
  if (!ev) {
    rs_fail(err, RS_ERR_NOMEM, "calibration: out of memory");
    return NULL;
  }
  if (problem_init(&ev->pb, base, ts, fs, RS_JAC_SENS, err) != RS_OK) {
    free(ev);
    return NULL;
  }
  return ev;
}

int rs_calib_eval_nresiduals(const rs_calib_eval *ev) {
  int priors = 0;
  for (int j = 0; j < ev->pb.fs->n; j++) priors += ev->pb.fs->p[j].has_prior;
  return ev->pb.m - priors;
}

rs_status rs_calib_eval_residuals(rs_calib_eval *ev, const double *x, double *res, rs_error *err) {
  rs_status st = eval_f(&ev->pb, x, res);
  if (st != RS_OK && err) *err = ev->pb.err;
  return st;
}

void rs_calib_eval_free(rs_calib_eval *ev) {
  if (!ev) return;
  problem_free(&ev->pb);
  free(ev);
}

/* ---------------------------------------------------------------- the design */

/* splitmix64: a small, well-mixed generator; the design depends on the seed only. */
static uint64_t next_u64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static double next_uniform(uint64_t *state) {
  return (double)(next_u64(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* Start 0 at the base values; starts 1..nextra at the extra points (their free values clamped
 * into the search bounds); then the Latin hypercube of nstarts - 1 points over the bounds: each
 * parameter's range cut into nstarts - 1 strata, one point per stratum, strata shuffled per
 * parameter. The hypercube depends on nstarts and the seed only, so extra starts add points to
 * the same design instead of moving it. */
static void design(const rs_params *base, const rs_free_set *fs, const rs_calib_options *opt,
                   rs_calib_start *starts) {
  uint64_t st = opt->seed;
  int k = opt->nstarts - 1, off = 1 + opt->nextra;
  int perm[1024];
  for (int j = 0; j < fs->n; j++) {
    const rs_free_param *fp = &fs->p[j];
    starts[0].x0[j] = rs_pref_get(base, fp->ref);
    for (int e = 0; e < opt->nextra; e++) {
      double v = rs_pref_get(&opt->extra_starts[e], fp->ref);
      starts[1 + e].x0[j] = v < fp->lower ? fp->lower : v > fp->upper ? fp->upper : v;
    }
  }
  for (int j = 0; j < fs->n && k > 0; j++) {
    for (int i = 0; i < k; i++) perm[i] = i;
    for (int i = k - 1; i > 0; i--) {
      int r = (int)(next_u64(&st) % (uint64_t)(i + 1));
      int tmp = perm[i];
      perm[i] = perm[r];
      perm[r] = tmp;
    }
    const rs_free_param *fp = &fs->p[j];
    for (int i = 0; i < k; i++) {
      double z = ((double)perm[i] + next_uniform(&st)) / (double)k;
      starts[off + i].x0[j] = fp->lower + z * (fp->upper - fp->lower);
    }
  }
}

/* ---------------------------------------------------------------- one start */

typedef struct shared {
  const rs_calib_options *opt;
  int nstarts; /* all starts */
  int done;    /* starts finished */
  double best; /* best cost so far, for progress */
} shared;

/* What the progress line needs to know about one start. */
typedef struct start_ctx {
  shared *sh;
  int k;
} start_ctx;

static void progress(void *ctx, int iter, double cost) {
  start_ctx *sc = ctx;
  shared *sh = sc->sh;
  if (!sh->opt->progress) return;
#pragma omp critical(rs_calib_progress)
  {
    fprintf(stderr,
            "\rcalibrate: %d/%d starts done, best cost %.4g; start %d: iteration %d, "
            "cost %.4g   ",
            sh->done, sh->nstarts, sh->best, sc->k + 1, iter, cost);
    fflush(stderr);
  }
}

/* The bounded Levenberg-Marquardt (lsq.c) from start k, in its own workspace. A start that
 * fails leaves status 3 and cost INFINITY in out; only a workspace that cannot be allocated is
 * an error (RS_ERR_NOMEM in err). */
static rs_status run_start(const rs_params *base, const rs_targets *ts, const rs_free_set *fs,
                           shared *sh, int k, rs_calib_start *out, rs_error *err) {
  const rs_calib_options *opt = sh->opt;
  problem pb;
  int n = fs->n;
  memcpy(out->x, out->x0, sizeof(double) * (size_t)n);
  out->cost = (double)INFINITY;
  out->status = 3;
  rs_status st = problem_init(&pb, base, ts, fs, opt->jacobian, err);
  if (st != RS_OK) return st;
  double lo[RS_FREE_MAX], hi[RS_FREE_MAX];
  for (int j = 0; j < n; j++) {
    lo[j] = fs->p[j].lower;
    hi[j] = fs->p[j].upper;
  }
  start_ctx sc = {sh, k};
  rs_lsq_options lopt = rs_lsq_default_options();
  lopt.max_iter = opt->max_iter;
  lopt.xtol = opt->xtol;
  lopt.gtol = opt->gtol;
  lopt.ftol = opt->ftol;
  lopt.interrupt = opt->interrupt;
  lopt.progress = progress;
  lopt.progress_ctx = &sc;
  rs_lsq_result lr;
  rs_error lerr;
  lerr.msg[0] = '\0';
  pb.err.msg[0] = '\0';
  /* The solver's own errors (sizes, bounds, memory) leave the start failed (status 3). */
  if (rs_lsq_solve(n, pb.m, lo, hi, lsq_residuals, &pb, &lopt, out->x, &lr, &lerr) == RS_OK ||
      isfinite(lr.cost)) {
    out->cost = lr.cost;
    out->iterations = lr.iterations;
    out->status = lr.status;
    out->left_bound = lr.left_bound;
  }
  out->runs = pb.runs;
  /* a start that never got a finite cost keeps the model's (or the solver's) reason */
  if (!isfinite(out->cost)) *err = pb.err.msg[0] ? pb.err : lerr;
  problem_free(&pb);
  return RS_OK;
}

/* ---------------------------------------------------------------- the description */

/* Symmetric eigen-decomposition helper: smallest eigenvalue of the k x k matrix a. */
static double min_eigen(gsl_matrix *a, gsl_vector *eval, gsl_eigen_symm_workspace *ws) {
  gsl_eigen_symm(a, eval, ws);
  return gsl_vector_min(eval);
}

static int popcount32(uint32_t v) {
  int c = 0;
  for (; v; v &= v - 1) c++;
  return c;
}

/* Collinearity index of the subset mask of the unit-column matrix S (m x n). */
static double collin_index(const double *S, int m, int n, uint32_t mask) {
  int idx[RS_FREE_MAX], k = 0;
  for (int j = 0; j < n; j++)
    if (mask & (1u << j)) idx[k++] = j;
  gsl_matrix *a = gsl_matrix_alloc((size_t)k, (size_t)k);
  gsl_vector *ev = gsl_vector_alloc((size_t)k);
  gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc((size_t)k);
  for (int p = 0; p < k; p++)
    for (int q = 0; q < k; q++) {
      double s = 0.0;
      for (int r = 0; r < m; r++) s += S[r * n + idx[p]] * S[r * n + idx[q]];
      gsl_matrix_set(a, (size_t)p, (size_t)q, s);
    }
  double lmin = min_eigen(a, ev, ws);
  gsl_eigen_symm_free(ws);
  gsl_vector_free(ev);
  gsl_matrix_free(a);
  return lmin > 0.0 ? 1.0 / sqrt(lmin) : (double)INFINITY;
}

/* The collinearity index of the whole set and, for each subset size 2..4, the 5 worst subsets
 * (every subset of up to 4 parameters is examined). */
static rs_status describe_collinearity(rs_calib_result *res) {
  int m = res->m, n = res->n;
  double *S = malloc(sizeof(double) * (size_t)m * (size_t)n);
  if (!S) return RS_ERR_NOMEM;
  for (int j = 0; j < n; j++) {
    double norm = 0.0;
    for (int r = 0; r < m; r++) norm += res->J[r * n + j] * res->J[r * n + j];
    norm = sqrt(norm);
    for (int r = 0; r < m; r++) S[r * n + j] = norm > 0.0 ? res->J[r * n + j] / norm : 0.0;
  }
  /* A parameter without effect on any residual at the estimate (a zero column: it acts only
   * through targets whose one-sided bounds are met) is not identified at all; the indices are
   * taken over the others. */
  uint32_t all = 0;
  for (int j = 0; j < n; j++) {
    double norm = 0.0;
    for (int r = 0; r < m; r++) norm += S[r * n + j] * S[r * n + j];
    if (norm > 0.0) all |= 1u << j;
  }
  res->collin_all = popcount32(all) >= 2 ? collin_index(S, m, n, all) : 1.0;
  enum { KEEP = 5, MAXSIZE = 4 };
  res->collin = calloc((size_t)KEEP * MAXSIZE, sizeof *res->collin);
  if (!res->collin) {
    free(S);
    return RS_ERR_NOMEM;
  }
  /* The subsets of the parameters in `all` are enumerated as combinations of their positions
   * (Gosper's next-combination step on the compressed mask, in increasing numeric order, which
   * the expansion to positions keeps): C(32, 4) = 35,960 subsets for 32 parameters, where a
   * scan of every 32-bit mask would take 2^32 steps. */
  int at[32], npos = 0;
  for (int j = 0; j < n; j++)
    if ((all >> j) & 1u) at[npos++] = j;
  for (int size = 2; size <= MAXSIZE && size <= npos; size++) {
    rs_calib_collin worst[KEEP];
    int nw = 0;
    for (uint64_t comb = (1ull << size) - 1; comb < (1ull << npos);) {
      uint32_t mask = 0;
      for (int q = 0; q < npos; q++)
        if ((comb >> q) & 1ull) mask |= 1u << at[q];
      /* Gosper: the next larger integer with the same number of bits set. */
      uint64_t lowest = comb & (~comb + 1ull), ripple = comb + lowest;
      comb = ripple | (((comb ^ ripple) >> 2) / lowest);
      rs_calib_collin c = {mask, size, collin_index(S, m, n, mask)};
      /* Insert by gamma descending (ties: smaller mask first, for determinism). */
      int pos = nw;
      while (pos > 0 && (worst[pos - 1].gamma < c.gamma)) pos--;
      if (pos >= KEEP) continue;
      if (nw < KEEP) nw++;
      for (int q = nw - 1; q > pos; q--) worst[q] = worst[q - 1];
      worst[pos] = c;
    }
    for (int q = 0; q < nw; q++) res->collin[res->ncollin++] = worst[q];
  }
  free(S);
  return RS_OK;
}

/* Covariance sigma^2 (J'J)^+ by the SVD of J; a parameter with weight on a dropped singular
 * direction is not identified (SE infinite). */
static rs_status describe_covariance(rs_calib_result *res) {
  int m = res->m, n = res->n;
  int meff = 0;
  for (int r = 0; r < m; r++) {
    double s = 0.0;
    for (int j = 0; j < n; j++) s += fabs(res->J[r * n + j]);
    meff += s > 0.0;
  }
  /* The scales of the target file play the part of standard deviations, so the covariance is
   * (J'J)^-1 itself; sigma2 = cost / (m_eff - n) is reported beside it: far above 1, the misfit
   * is structural (figures in tension), and rescaling the covariance by it would confuse misfit
   * with uncertainty. */
  res->sigma2 = meff > n ? res->cost / (double)(meff - n) : (double)NAN;
  size_t rows = (size_t)(m > n ? m : n);
  gsl_matrix *A = gsl_matrix_calloc(rows, (size_t)n);
  gsl_matrix *V = gsl_matrix_alloc((size_t)n, (size_t)n);
  gsl_vector *S = gsl_vector_alloc((size_t)n), *wk = gsl_vector_alloc((size_t)n);
  res->cov = calloc((size_t)n * (size_t)n, sizeof(double));
  res->corr = calloc((size_t)n * (size_t)n, sizeof(double));
  if (!A || !V || !S || !wk || !res->cov || !res->corr) {
    gsl_matrix_free(A);
    gsl_matrix_free(V);
    gsl_vector_free(S);
    gsl_vector_free(wk);
    return RS_ERR_NOMEM;
  }
  for (int r = 0; r < m; r++)
    for (int j = 0; j < n; j++) gsl_matrix_set(A, (size_t)r, (size_t)j, res->J[r * n + j]);
  gsl_linalg_SV_decomp(A, V, S, wk);
  double smax = gsl_vector_get(S, 0);
  int unident[RS_FREE_MAX] = {0};
  for (int k = 0; k < n; k++) {
    double sk = gsl_vector_get(S, (size_t)k);
    if (sk > 1e-10 * smax) {
      for (int p = 0; p < n; p++)
        for (int q = 0; q < n; q++)
          res->cov[p * n + q] += gsl_matrix_get(V, (size_t)p, (size_t)k) *
                                 gsl_matrix_get(V, (size_t)q, (size_t)k) / (sk * sk);
    } else {
      for (int p = 0; p < n; p++)
        if (fabs(gsl_matrix_get(V, (size_t)p, (size_t)k)) > 0.1) unident[p] = 1;
    }
  }
  for (int p = 0; p < n; p++)
    res->se[p] = unident[p] ? (double)INFINITY : sqrt(res->cov[p * n + p]);
  /* A parameter that is not identified has no meaningful correlation either: NAN. */
  for (int p = 0; p < n; p++)
    for (int q = 0; q < n; q++) {
      double d = sqrt(res->cov[p * n + p] * res->cov[q * n + q]);
      if (p == q)
        res->corr[p * n + q] = 1.0;
      else if (unident[p] || unident[q] || !(d > 0.0))
        res->corr[p * n + q] = (double)NAN;
      else
        res->corr[p * n + q] = res->cov[p * n + q] / d;
    }
  gsl_matrix_free(A);
  gsl_matrix_free(V);
  gsl_vector_free(S);
  gsl_vector_free(wk);
  return RS_OK;
}

/* Pairs of targets whose cost gradients (in parameters scaled by their ranges) point against
 * each other: cosine below -0.5, both with a cost share of at least 1 %. */
static rs_status describe_tension(rs_calib_result *res, const rs_free_set *fs) {
  int n = res->n, nt = res->ntargets;
  double *g = calloc((size_t)nt * (size_t)n, sizeof(double));
  res->tension = calloc((size_t)nt * (size_t)(nt > 1 ? nt - 1 : 1) / 2 + 1, sizeof *res->tension);
  if (!g || !res->tension) {
    free(g);
    return RS_ERR_NOMEM;
  }
  for (int r = 0; r < res->m; r++) {
    int t = res->res_target[r];
    if (t < 0) continue;
    for (int j = 0; j < n; j++)
      g[t * n + j] += 2.0 * res->res[r] * res->J[r * n + j] * (fs->p[j].upper - fs->p[j].lower);
  }
  for (int a = 0; a < nt; a++)
    for (int b = a + 1; b < nt; b++) {
      if (!(res->tcost[a] >= 0.01 * res->cost) || !(res->tcost[b] >= 0.01 * res->cost)) continue;
      double ab = 0.0, aa = 0.0, bb = 0.0;
      for (int j = 0; j < n; j++) {
        ab += g[a * n + j] * g[b * n + j];
        aa += g[a * n + j] * g[a * n + j];
        bb += g[b * n + j] * g[b * n + j];
      }
      if (aa == 0.0 || bb == 0.0) continue;
      double c = ab / sqrt(aa * bb);
      if (c < -0.5) res->tension[res->ntension++] = (rs_calib_tension){a, b, c};
    }
  /* Most opposed first (insertion sort: stable, deterministic). */
  for (int i = 1; i < res->ntension; i++) {
    rs_calib_tension x = res->tension[i];
    int j = i;
    while (j > 0 && res->tension[j - 1].cosine > x.cosine) {
      res->tension[j] = res->tension[j - 1];
      j--;
    }
    res->tension[j] = x;
  }
  free(g);
  return RS_OK;
}

/* Per-target values and the map from residual rows to targets. */
static rs_status describe_targets(rs_calib_result *res, const rs_targets *ts, problem *pb) {
  res->ntargets = ts->n;
  res->model = calloc((size_t)ts->n + 1, sizeof(double));
  res->resid = calloc((size_t)ts->n + 1, sizeof(double));
  res->tcost = calloc((size_t)ts->n + 1, sizeof(double));
  res->res_target = calloc((size_t)res->m + 1, sizeof(int));
  if (!res->model || !res->resid || !res->tcost || !res->res_target) return RS_ERR_NOMEM;
  int r = 0;
  for (int i = 0; i < ts->n; i++) {
    const rs_target *t = &ts->t[i];
    int k = rs_target_nresiduals(t);
    res->model[i] = (double)NAN;
    res->resid[i] = (double)NAN;
    if (k == 0) continue;
    double model;
    rs_status st = rs_target_eval(t, &pb->s, NULL, 0, &model, pb->tres, NULL, &pb->err);
    if (st != RS_OK) return st;
    double ss = 0.0;
    for (int q = 0; q < k; q++) ss += pb->tres[q] * pb->tres[q];
    res->model[i] = model;
    res->resid[i] = k == 1 ? pb->tres[0] : sqrt(ss / k);
    res->tcost[i] = t->weight * ss;
    for (int q = 0; q < k; q++) res->res_target[r++] = i;
  }
  for (int j = 0; j < res->n; j++)
    if (pb->fs->p[j].has_prior) res->res_target[r++] = -1 - j;
  return RS_OK;
}

/* Weak identification and bound flags. */
static void describe_flags(rs_calib_result *res, const rs_free_set *fs) {
  for (int j = 0; j < res->n; j++) {
    const rs_free_param *fp = &fs->p[j];
    double range = fp->upper - fp->lower;
    res->at_bound[j] = res->x[j] - fp->lower < 1e-3 * range || fp->upper - res->x[j] < 1e-3 * range;
    res->weak[j] = !(res->se[j] <= 0.25 * range);
    for (int c = 0; c < res->ncollin; c++)
      if (res->collin[c].size == 2 && res->collin[c].gamma > 15.0 &&
          (res->collin[c].mask >> j) & 1u)
        res->weak[j] = 1;
  }
}

/* Everything about the estimate x: the run, residuals, Jacobian, description. */
static rs_status describe(const rs_params *base, const rs_targets *ts, const rs_free_set *fs,
                          const rs_calib_options *opt, rs_calib_result *res, rs_error *err) {
  problem pb;
  rs_status st = problem_init(&pb, base, ts, fs, opt->jacobian, err);
  if (st != RS_OK) return st;
  res->m = pb.m;
  res->res = calloc((size_t)pb.m + 1, sizeof(double));
  res->J = calloc((size_t)pb.m * (size_t)res->n + 1, sizeof(double));
  if (!res->res || !res->J) st = rs_fail(err, RS_ERR_NOMEM, "calibration: out of memory");
  if (st == RS_OK && (st = eval_fJ(&pb, res->x, res->res, res->J)) != RS_OK) *err = pb.err;
  res->runs += pb.runs;
  if (st == RS_OK) {
    res->cost = 0.0;
    for (int r = 0; r < pb.m; r++) res->cost += res->res[r] * res->res[r];
    res->fitted = pb.p;
    st = describe_targets(res, ts, &pb);
    /* Keep the run at the estimate: move the series into the result. */
    res->series = pb.s;
    rs_series_init(&pb.s);
    if (st == RS_OK) st = describe_covariance(res);
    if (st == RS_OK) st = describe_collinearity(res);
    if (st == RS_OK) st = describe_tension(res, fs);
    if (st == RS_OK) describe_flags(res, fs);
    if (st == RS_ERR_NOMEM)
      rs_fail(err, st, "calibration: out of memory");
    else if (st != RS_OK)
      *err = pb.err;
  }
  problem_free(&pb);
  return st;
}

/* ---------------------------------------------------------------- the calibration */

void rs_calib_result_free(rs_calib_result *res) {
  if (!res) return;
  free(res->starts);
  rs_series_free(&res->series);
  free(res->model);
  free(res->resid);
  free(res->tcost);
  free(res->cov);
  free(res->corr);
  free(res->J);
  free(res->res);
  free(res->res_target);
  free(res->collin);
  free(res->tension);
  memset(res, 0, sizeof *res);
}

rs_status rs_calibrate(const rs_params *base, const rs_targets *ts, const rs_free_set *fs,
                       const rs_calib_options *opt, rs_calib_result *res, rs_error *err) {
  memset(res, 0, sizeof *res);
  rs_series_init(&res->series);
  if (fs->n < 1 || opt->nstarts < 1 || opt->nstarts > 1024)
    return rs_fail(err, RS_ERR_INPUT,
                   "calibration: need 1 to %d free parameters and 1 to 1024 "
                   "starts",
                   RS_FREE_MAX);
  if (opt->nextra < 0 || opt->nextra > RS_CALIB_MAX_EXTRA ||
      (opt->nextra > 0 && !opt->extra_starts))
    return rs_fail(err, RS_ERR_INPUT, "calibration: need 0 to %d extra starts (and their values)",
                   RS_CALIB_MAX_EXTRA);
  int nstarts = opt->nstarts + opt->nextra;
  res->n = fs->n;
  res->nstarts = nstarts;
  res->nextra = opt->nextra;
  res->starts = calloc((size_t)nstarts, sizeof *res->starts);
  if (!res->starts) return rs_fail(err, RS_ERR_NOMEM, "calibration: out of memory");
  gsl_set_error_handler_off(); /* errors come back as return codes, never abort() */
  design(base, fs, opt, res->starts);
  shared sh = {opt, nstarts, 0, (double)INFINITY};
  int threads = rs_threads(opt->threads, 0);
  rs_error *serrs = calloc((size_t)nstarts, sizeof *serrs);
  if (!serrs) return rs_fail(err, RS_ERR_NOMEM, "calibration: out of memory");
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int k = 0; k < nstarts; k++) {
    /* A start without a workspace is a failed start (status 3), like any other. */
    (void)run_start(base, ts, fs, &sh, k, &res->starts[k], &serrs[k]);
#pragma omp critical(rs_calib_progress)
    {
      sh.done++;
      if (res->starts[k].cost < sh.best) sh.best = res->starts[k].cost;
    }
  }
  if (opt->progress) fputc('\n', stderr);
  /* The best start: lowest cost, ties to the lowest index, so the thread count cannot matter. */
  res->best = -1;
  for (int k = 0; k < nstarts; k++) {
    res->runs += res->starts[k].runs;
    if (res->starts[k].status == 2) res->interrupted = 1;
    if (isfinite(res->starts[k].cost) &&
        (res->best < 0 || res->starts[k].cost < res->starts[res->best].cost))
      res->best = k;
  }
  if (res->best < 0) {
    /* the first start's own reason (a target the run cannot evaluate, a model failure) */
    rs_status st = rs_fail(err, RS_ERR_RUN, "calibration: every start failed; the first: %.1200s",
                           serrs[0].msg[0] ? serrs[0].msg : "no reason given");
    free(serrs);
    return st;
  }
  free(serrs);
  memcpy(res->x, res->starts[res->best].x, sizeof(double) * (size_t)fs->n);
  return describe(base, ts, fs, opt, res, err);
}

rs_status rs_calib_refit(const rs_params *start, const rs_targets *ts, const rs_free_set *fs,
                         const rs_calib_options *opt, rs_calib_start *out, rs_params *fitted,
                         rs_error *err) {
  memset(out, 0, sizeof *out);
  *fitted = *start;
  if (fs->n < 1 || fs->n > RS_FREE_MAX)
    return rs_fail(err, RS_ERR_INPUT, "calibration: need 1 to %d free parameters", RS_FREE_MAX);
  for (int j = 0; j < fs->n; j++) {
    const rs_free_param *fp = &fs->p[j];
    double v = rs_pref_get(start, fp->ref);
    out->x0[j] = v < fp->lower ? fp->lower : v > fp->upper ? fp->upper : v;
  }
  /* No progress line: the caller reports its own (a profile point, a band re-fit). */
  rs_calib_options quiet = *opt;
  quiet.progress = 0;
  shared sh = {&quiet, 1, 0, (double)INFINITY};
  rs_status st = run_start(start, ts, fs, &sh, 0, out, err);
  if (st != RS_OK) return st;
  for (int j = 0; j < fs->n; j++) rs_pref_set(fitted, fs->p[j].ref, out->x[j]);
  return RS_OK;
}
