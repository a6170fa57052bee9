/* calib/lsq.c -- bound-constrained nonlinear least squares: minimise |f(x)|^2 over the box
 * lo <= x <= hi by Levenberg-Marquardt steps that respect the bounds, for the calibration
 * (calib.c) and anything else with a few dozen variables.
 *
 * Why the bounds are constraints and not a transform: the calibration used to fit unbounded
 * variables u with x = lo + (hi - lo)/(1 + e^-u). The derivative of that map vanishes at a
 * bound, so a parameter that reached one could never leave it, however hard the cost pulled it
 * back: a richer model nesting the shipped one fitted worse, and the fit stopped with "no
 * progress" where central differences still found a lower cost. Here x itself is the variable
 * and every step solves the damped Gauss-Newton model within the box,
 *
 *     minimise  |f + J s|^2 + mu |D s|^2   subject to  lo - x <= s <= hi - x,
 *
 * a strictly convex quadratic with simple bounds, solved exactly by a primal active-set method
 * (box_step): a variable on a bound is released when the model's gradient points into the box,
 * so it leaves the bound whenever the cost decreases inward. Since s = 0 is feasible, the
 * predicted reduction |f|^2 - |f + J s|^2 is at least mu |D s|^2 > 0 for any step the
 * subproblem returns: a large enough mu always yields a step that decreases the cost, unless x
 * is first-order optimal (Karush-Kuhn-Tucker) for the box.
 *
 * The pieces:
 *   - D is More's scaling (MINPACK, and gsl's scale_more): D_j the largest norm of column j of J
 *     seen so far, so that the damping treats parameters of very different magnitudes (1e-3 to
 *     100 here) alike. A column that has always been zero (a parameter acting only through
 *     one-sided targets that are met) has no gradient and no step; its D_j is a placeholder
 *     until the column first becomes non-zero.
 *   - mu follows Nielsen (1999): an accepted step with gain ratio rho (actual over predicted
 *     reduction) scales mu by max(1/3, 1 - (2 rho - 1)^3); a rejected one multiplies mu by nu,
 *     which doubles on each rejection in a row. A trial point where f cannot be evaluated (the
 *     callback fails, or returns values that are not finite) is a rejected step with an
 *     infinitely bad cost: mu grows and the next step is shorter, the start goes on.
 *   - Trials evaluate f alone; the Jacobian is evaluated only at accepted points (in the
 *     calibration a Jacobian costs a run with sensitivities or 4n runs). Costs are compared
 *     only between evaluations without J: the f that comes with J may differ by the
 *     evaluation's noise (a run with sensitivities takes other integrator steps), and near an
 *     optimum that difference is as large as the reductions that decide the steps. The linear
 *     model is f + J s with the f without J and the J of the same point.
 *   - The subproblem works on R and q of J = QR, q = Q'f (n x n and n values, computed once per
 *     Jacobian and reused by every trial): |f + J s|^2 = |q + R s|^2 + const, and each
 *     active set's damped least-squares solve is a QR of [R_F; sqrt(mu) D_F] (at most 2n x n),
 *     never the normal equations, whose squared condition would lose the weakly identified
 *     directions.
 *
 * Convergence (status 0), with g = J'f the gradient of |f|^2/2 and r_j = hi_j - lo_j:
 *   gtol  first-order optimality on the box, in range units and relative to the cost:
 *         max_j |clamp(z_j - r_j g_j / max(|f|^2, 1), 0, 1) - z_j| <= gtol, z_j = (x_j - lo_j)/r_j
 *         (the projected gradient; a variable on a bound whose gradient points out counts 0)
 *   ftol  an accepted step whose actual and predicted relative reductions of |f|^2 are both at
 *         most ftol, with the model trustworthy (rho <= 2) (MINPACK's test)
 *   xtol  a step (accepted, or rejected: then the region has collapsed and no step that matters
 *         reduces the cost) with |s_j| <= xtol (|x_j| + xtol) for every j (gsl's test)
 * The iterates depend only on the inputs: no threads, no clocks, no randomness. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"

rs_lsq_options rs_lsq_default_options(void) {
  rs_lsq_options o;
  memset(&o, 0, sizeof o);
  o.max_iter = 100;
  o.xtol = 1e-8;
  o.gtol = 1e-8;
  o.ftol = 1e-8;
  return o;
}

/* Initial damping: with More's scaling mu D_j^2 >= mu |J_j|^2, so 1e-3 damps each column by a
 * thousandth of its own curvature (Nielsen's tau). Bounds keep mu where the augmented QR stays
 * well conditioned and where a step still changes x in floating point. */
static const double mu_initial = 1e-3;
static const double mu_min = 1e-14;
static const double mu_max = 1e60;

/* ---------------------------------------------------------------- workspace */

typedef struct lsq_ws {
  int n, m, rows;  /* rows = max(m, n): J padded with zero rows when m < n */
  double *f, *ft;  /* residuals at x and at the trial point (evaluated without J) */
  double *fj;      /* residuals of an evaluation with J (not used: see the header) */
  double *J, *Jt;  /* Jacobian at x and at the trial point (m x n, row-major) */
  double *g;       /* J'f */
  double *D;       /* More's scaling */
  int *Dset;       /* 1: D_j is a column norm, 0: a placeholder */
  double *R, *q;   /* J = QR: R (n x n, row-major, upper triangular), q = (Q'f)[0..n) */
  double *s, *xt;  /* step and trial point */
  double *lb, *ub; /* step bounds lo - x, hi - x */
  int *state;      /* per variable in box_step: 0 free, -1 on its lower, +1 on its upper bound */
  gsl_matrix *A;   /* rows x n: J for its QR */
  gsl_vector *tau; /* n */
  gsl_vector *v;   /* rows: f, then Q'f */
  gsl_matrix *B;   /* 2n x n: [R_F; sqrt(mu) D_F] for each active set */
  gsl_vector *btau, *b, *sol, *resid;
} lsq_ws;

static void ws_free(lsq_ws *w) {
  free(w->f);
  free(w->ft);
  free(w->fj);
  free(w->J);
  free(w->Jt);
  free(w->g);
  free(w->D);
  free(w->Dset);
  free(w->R);
  free(w->q);
  free(w->s);
  free(w->xt);
  free(w->lb);
  free(w->ub);
  free(w->state);
  if (w->A) gsl_matrix_free(w->A);
  if (w->tau) gsl_vector_free(w->tau);
  if (w->v) gsl_vector_free(w->v);
  if (w->B) gsl_matrix_free(w->B);
  if (w->btau) gsl_vector_free(w->btau);
  if (w->b) gsl_vector_free(w->b);
  if (w->sol) gsl_vector_free(w->sol);
  if (w->resid) gsl_vector_free(w->resid);
}

static int ws_alloc(lsq_ws *w, int n, int m) {
  memset(w, 0, sizeof *w);
  w->n = n;
  w->m = m;
  w->rows = m > n ? m : n;
  size_t N = (size_t)n, M = (size_t)m;
  w->f = malloc(sizeof(double) * M);
  w->ft = malloc(sizeof(double) * M);
  w->fj = malloc(sizeof(double) * M);
  w->J = malloc(sizeof(double) * M * N);
  w->Jt = malloc(sizeof(double) * M * N);
  w->g = malloc(sizeof(double) * N);
  w->D = malloc(sizeof(double) * N);
  w->Dset = malloc(sizeof(int) * N);
  w->R = malloc(sizeof(double) * N * N);
  w->q = malloc(sizeof(double) * N);
  w->s = malloc(sizeof(double) * N);
  w->xt = malloc(sizeof(double) * N);
  w->lb = malloc(sizeof(double) * N);
  w->ub = malloc(sizeof(double) * N);
  w->state = malloc(sizeof(int) * N);
  w->A = gsl_matrix_alloc((size_t)w->rows, N);
  w->tau = gsl_vector_alloc(N);
  w->v = gsl_vector_alloc((size_t)w->rows);
  w->B = gsl_matrix_alloc(2 * N, N);
  w->btau = gsl_vector_alloc(N);
  w->b = gsl_vector_alloc(2 * N);
  w->sol = gsl_vector_alloc(N);
  w->resid = gsl_vector_alloc(2 * N);
  return w->f && w->ft && w->fj && w->J && w->Jt && w->g && w->D && w->Dset && w->R && w->q &&
         w->s && w->xt && w->lb && w->ub && w->state && w->A && w->tau && w->v && w->B && w->btau &&
         w->b && w->sol && w->resid;
}

/* ---------------------------------------------------------------- helpers */

static double sumsq(const double *f, int m) {
  double s = 0.0;
  for (int r = 0; r < m; r++) s += f[r] * f[r];
  return s;
}

/* |f|^2 - |ft|^2 as the sum of (f - ft)(f + ft): near an optimum the two costs agree in most
 * of their digits, and their difference would be rounding noise; the differences of the
 * residuals keep the digits that matter. */
static double reduction(const double *f, const double *ft, int m) {
  double s = 0.0;
  for (int r = 0; r < m; r++) s += (f[r] - ft[r]) * (f[r] + ft[r]);
  return s;
}

static int all_finite(const double *a, size_t k) {
  for (size_t i = 0; i < k; i++)
    if (!isfinite(a[i])) return 0;
  return 1;
}

/* One evaluation: 0 when the callback succeeded and everything it returned is finite. A
 * residual that is not finite is as unusable as a failed run. */
static int evaluate(rs_lsq_fn fn, void *ctx, const double *x, double *f, double *J, int n, int m) {
  if (fn(ctx, x, f, J) != 0) return 1;
  if (!all_finite(f, (size_t)m)) return 1;
  if (J && !all_finite(J, (size_t)m * (size_t)n)) return 1;
  return 0;
}

/* g = J'f and More's scaling D_j = max(D_j, |J_j|). */
static void gradient_and_scaling(lsq_ws *w, const double *lo, const double *hi) {
  int n = w->n, m = w->m;
  for (int j = 0; j < n; j++) {
    double gj = 0.0, nn = 0.0;
    for (int r = 0; r < m; r++) {
      double a = w->J[(size_t)r * (size_t)n + (size_t)j];
      gj += a * w->f[r];
      nn += a * a;
    }
    w->g[j] = gj;
    double norm = sqrt(nn);
    if (norm > 0.0 && (!w->Dset[j] || norm > w->D[j])) {
      w->D[j] = norm;
      w->Dset[j] = 1;
    } else if (!w->Dset[j]) {
      /* No column yet: a placeholder with the units of a column (residual per unit of x). It
       * damps nothing that moves (the gradient is zero) and is replaced by the first norm. */
      w->D[j] = 1.0 / (hi[j] - lo[j]);
    }
  }
}

/* The first-order optimality measure of the header (gtol test). */
static double kkt_measure(const lsq_ws *w, const double *x, const double *lo, const double *hi,
                          double cost) {
  double worst = 0.0, denom = cost > 1.0 ? cost : 1.0;
  for (int j = 0; j < w->n; j++) {
    double r = hi[j] - lo[j], z = (x[j] - lo[j]) / r;
    double zt = z - r * w->g[j] / denom;
    if (zt < 0.0) zt = 0.0;
    if (zt > 1.0) zt = 1.0;
    double d = fabs(zt - z);
    if (d > worst) worst = d;
  }
  return worst;
}

/* QR of the current J: R and q = (Q'f)[0..n). Returns a GSL status. */
static int factorize(lsq_ws *w) {
  int n = w->n, m = w->m;
  gsl_matrix_set_zero(w->A);
  gsl_vector_set_zero(w->v);
  for (int r = 0; r < m; r++) {
    for (int j = 0; j < n; j++)
      gsl_matrix_set(w->A, (size_t)r, (size_t)j, w->J[(size_t)r * (size_t)n + (size_t)j]);
    gsl_vector_set(w->v, (size_t)r, w->f[r]);
  }
  int rc = gsl_linalg_QR_decomp(w->A, w->tau);
  if (rc == GSL_SUCCESS) rc = gsl_linalg_QR_QTvec(w->A, w->tau, w->v);
  if (rc != GSL_SUCCESS) return rc;
  for (int i = 0; i < n; i++) {
    w->q[i] = gsl_vector_get(w->v, (size_t)i);
    for (int j = 0; j < n; j++)
      w->R[i * n + j] = j >= i ? gsl_matrix_get(w->A, (size_t)i, (size_t)j) : 0.0;
  }
  return GSL_SUCCESS;
}

/* The minimiser over the free variables (state 0) of |q + R s|^2 + mu |D s|^2 with the others
 * held at their bounds, into shat (only free entries written). Returns a GSL status. */
static int subspace_solve(lsq_ws *w, double mu, double *shat) {
  int n = w->n, idx[RS_LSQ_MAX];
  int nf = 0;
  for (int j = 0; j < n; j++)
    if (w->state[j] == 0) idx[nf++] = j;
  if (nf == 0) return GSL_SUCCESS;
  size_t rows = (size_t)n + (size_t)nf;
  gsl_matrix_view B = gsl_matrix_submatrix(w->B, 0, 0, rows, (size_t)nf);
  gsl_vector_view tau = gsl_vector_subvector(w->btau, 0, (size_t)nf);
  gsl_vector_view b = gsl_vector_subvector(w->b, 0, rows);
  gsl_vector_view sol = gsl_vector_subvector(w->sol, 0, (size_t)nf);
  gsl_vector_view res = gsl_vector_subvector(w->resid, 0, rows);
  gsl_matrix_set_zero(&B.matrix);
  double sq = sqrt(mu);
  for (int k = 0; k < nf; k++) {
    int j = idx[k];
    for (int i = 0; i < n; i++) gsl_matrix_set(&B.matrix, (size_t)i, (size_t)k, w->R[i * n + j]);
    gsl_matrix_set(&B.matrix, (size_t)(n + k), (size_t)k, sq * w->D[j]);
  }
  /* Right-hand side: -(q + R_W s_W), zeros for the damping rows. */
  for (int i = 0; i < n; i++) {
    double v = w->q[i];
    for (int j = 0; j < n; j++)
      if (w->state[j] != 0) v += w->R[i * n + j] * w->s[j];
    gsl_vector_set(&b.vector, (size_t)i, -v);
  }
  for (int k = 0; k < nf; k++) gsl_vector_set(&b.vector, (size_t)(n + k), 0.0);
  int rc = gsl_linalg_QR_decomp(&B.matrix, &tau.vector);
  if (rc == GSL_SUCCESS)
    rc = gsl_linalg_QR_lssolve(&B.matrix, &tau.vector, &b.vector, &sol.vector, &res.vector);
  if (rc != GSL_SUCCESS) return rc;
  for (int k = 0; k < nf; k++) {
    double v = gsl_vector_get(&sol.vector, (size_t)k);
    if (!isfinite(v)) return GSL_EFAILED;
    shat[idx[k]] = v;
  }
  return GSL_SUCCESS;
}

/* The step: minimise |q + R s|^2 + mu |D s|^2 over lb <= s <= ub (lb <= 0 <= ub) by a primal
 * active-set method from s = 0. Each round minimises over the free variables with the others
 * on their bounds; if that point leaves the box, move towards it as far as the box allows and
 * fix the variable that blocks; otherwise release the fixed variable whose model gradient
 * points most steeply into the box (scaled by D), or stop: s is then the exact minimiser. Every
 * round decreases the (convex) objective, so s only improves; the round limit guards against
 * cycling on rounding noise. Returns a GSL status; s and w->state hold the result. */
static int box_step(lsq_ws *w, double mu) {
  int n = w->n;
  double shat[RS_LSQ_MAX];
  /* Gradients below this (relative to the largest scaled gradient at s = 0) are rounding noise:
   * releasing on them could cycle. */
  double gscale = 0.0;
  for (int j = 0; j < n; j++) {
    w->s[j] = 0.0;
    double a = fabs(w->g[j]) / w->D[j];
    if (a > gscale) gscale = a;
    /* Start with the variables fixed that sit on a bound the gradient pushes them against. */
    w->state[j] = (w->lb[j] == 0.0 && w->g[j] > 0.0)   ? -1
                  : (w->ub[j] == 0.0 && w->g[j] < 0.0) ? 1
                                                       : 0;
  }
  double release_tol = 1e-13 * gscale;
  for (int round = 0; round < 10 * n + 10; round++) {
    int rc = subspace_solve(w, mu, shat);
    if (rc != GSL_SUCCESS) return rc;
    double alpha = 1.0;
    int block = -1, side = 0;
    for (int j = 0; j < n; j++) {
      if (w->state[j] != 0) continue;
      double d = shat[j] - w->s[j];
      if (shat[j] < w->lb[j] && d < 0.0) {
        double a = (w->lb[j] - w->s[j]) / d;
        if (a < alpha) alpha = a, block = j, side = -1;
      } else if (shat[j] > w->ub[j] && d > 0.0) {
        double a = (w->ub[j] - w->s[j]) / d;
        if (a < alpha) alpha = a, block = j, side = 1;
      }
    }
    if (alpha < 0.0) alpha = 0.0;
    for (int j = 0; j < n; j++)
      if (w->state[j] == 0) {
        double v = w->s[j] + alpha * (shat[j] - w->s[j]);
        w->s[j] = v < w->lb[j] ? w->lb[j] : v > w->ub[j] ? w->ub[j] : v;
      }
    if (block >= 0) {
      w->state[block] = side;
      w->s[block] = side < 0 ? w->lb[block] : w->ub[block];
      continue;
    }
    /* Gradient of the damped model (halved): R'(q + R s) + mu D^2 s. */
    double Rs[RS_LSQ_MAX];
    for (int i = 0; i < n; i++) {
      double v = w->q[i];
      for (int j = i; j < n; j++) v += w->R[i * n + j] * w->s[j];
      Rs[i] = v;
    }
    int release = -1;
    double best = release_tol;
    for (int j = 0; j < n; j++) {
      double gj = mu * w->D[j] * w->D[j] * w->s[j];
      for (int i = 0; i <= j; i++) gj += w->R[i * n + j] * Rs[i];
      double pull =
          (w->state[j] < 0 && gj < 0.0) || (w->state[j] > 0 && gj > 0.0) ? fabs(gj) / w->D[j] : 0.0;
      if (pull > best) best = pull, release = j;
    }
    if (release < 0) return GSL_SUCCESS;
    w->state[release] = 0;
  }
  return GSL_SUCCESS; /* the round limit: s is feasible and no worse than s = 0 */
}

/* ---------------------------------------------------------------- the solver */

rs_status rs_lsq_solve(int n, int m, const double *lo, const double *hi, rs_lsq_fn fn, void *ctx,
                       const rs_lsq_options *opt, double *x, rs_lsq_result *res, rs_error *err) {
  memset(res, 0, sizeof *res);
  res->cost = (double)INFINITY;
  res->status = 3;
  res->kkt = (double)NAN;
  if (n < 1 || n > RS_LSQ_MAX || m < 1 || !fn || !opt || opt->max_iter < 0)
    return rs_fail(err, RS_ERR_INPUT, "least squares: need 1 to %d variables, 1 or more residuals",
                   RS_LSQ_MAX);
  for (int j = 0; j < n; j++)
    if (!(lo[j] < hi[j]) || !isfinite(lo[j]) || !isfinite(hi[j]))
      return rs_fail(err, RS_ERR_INPUT,
                     "least squares: variable %d: bounds %g to %g (need finite lo < hi)", j + 1,
                     lo[j], hi[j]);
  lsq_ws w;
  if (!ws_alloc(&w, n, m)) {
    ws_free(&w);
    return rs_fail(err, RS_ERR_NOMEM, "least squares: out of memory");
  }
  rs_status st = RS_OK;
  for (int j = 0; j < n; j++) {
    if (!(x[j] >= lo[j])) x[j] = lo[j]; /* also a NAN start */
    if (x[j] > hi[j]) x[j] = hi[j];
    w.Dset[j] = 0;
  }
  res->nf++;
  if (evaluate(fn, ctx, x, w.f, NULL, n, m) != 0) {
    res->nfail++;
    goto done; /* no point to start from: status 3 */
  }
  double cost = sumsq(w.f, m);
  res->cost = cost;
  res->nj++;
  if (evaluate(fn, ctx, x, w.fj, w.J, n, m) != 0) {
    res->nfail++;
    goto done; /* no direction to start in: status 3, at a point that could be evaluated */
  }
  gradient_and_scaling(&w, lo, hi);
  res->kkt = kkt_measure(&w, x, lo, hi, cost);
  res->status = 1;
  if (res->kkt <= opt->gtol) {
    res->status = 0;
    goto done;
  }
  double mu = mu_initial, nu = 2.0;
  while (res->iterations < opt->max_iter) {
    if (opt->interrupt && *opt->interrupt) {
      res->status = 2;
      goto done;
    }
    if (factorize(&w) != GSL_SUCCESS) {
      res->status = 3;
      st = rs_fail(err, RS_ERR_RUN, "least squares: the QR factorisation of the Jacobian failed");
      goto done;
    }
    for (int j = 0; j < n; j++) {
      w.lb[j] = lo[j] - x[j];
      w.ub[j] = hi[j] - x[j];
    }
    /* Trials at decreasing step lengths until one reduces the cost. */
    for (;;) {
      if (opt->interrupt && *opt->interrupt) {
        res->status = 2;
        goto done;
      }
      if (box_step(&w, mu) != GSL_SUCCESS) {
        /* Cannot happen with finite data and mu > 0; if it does, a shorter step might work. */
        if ((mu *= nu) > mu_max) {
          res->status = 0;
          goto done;
        }
        nu *= 2.0;
        continue;
      }
      int zero = 1, small = 1;
      for (int j = 0; j < n; j++) {
        zero &= w.s[j] == 0.0;
        /* Exactly onto a bound when the step says so, never past it by rounding. */
        double v = w.state[j] < 0 ? lo[j] : w.state[j] > 0 ? hi[j] : x[j] + w.s[j];
        w.xt[j] = v < lo[j] ? lo[j] : v > hi[j] ? hi[j] : v;
        small &= fabs(w.xt[j] - x[j]) <= opt->xtol * (fabs(x[j]) + opt->xtol);
      }
      if (zero) { /* x minimises the model within the box: first-order optimal */
        res->status = 0;
        goto done;
      }
      /* Predicted reduction -(2 g's + |R s|^2), at least mu |D s|^2 > 0 (s = 0 is feasible). */
      double gs = 0.0, rs2 = 0.0;
      for (int i = 0; i < n; i++) {
        double v = 0.0;
        for (int j = i; j < n; j++) v += w.R[i * n + j] * w.s[j];
        rs2 += v * v;
        gs += w.g[i] * w.s[i];
      }
      double pred = -(2.0 * gs + rs2);
      res->nf++;
      int failed = evaluate(fn, ctx, w.xt, w.ft, NULL, n, m) != 0;
      double ct = failed ? (double)INFINITY : sumsq(w.ft, m);
      double actred = failed ? -(double)INFINITY : reduction(w.f, w.ft, m);
      double rho = pred > 0.0 ? actred / pred : -1.0;
      if (!failed && rho > 0.0) {
        /* Accepted: the Jacobian there, with its own f. A point where only the plain
         * evaluation succeeds is treated as a failed trial. */
        res->nj++;
        if (evaluate(fn, ctx, w.xt, w.fj, w.Jt, n, m) == 0) {
          for (int j = 0; j < n; j++) {
            int was_on = x[j] == lo[j] || x[j] == hi[j];
            if (was_on && w.xt[j] > lo[j] && w.xt[j] < hi[j]) res->left_bound++;
            x[j] = w.xt[j];
          }
          double *tf = w.f, *tJ = w.J;
          w.f = w.ft, w.J = w.Jt;
          w.ft = tf, w.Jt = tJ;
          int ftol_met = actred <= opt->ftol * cost && pred <= opt->ftol * cost && rho <= 2.0;
          cost = ct;
          res->cost = cost;
          res->iterations++;
          gradient_and_scaling(&w, lo, hi);
          res->kkt = kkt_measure(&w, x, lo, hi, cost);
          if (opt->progress) opt->progress(opt->progress_ctx, res->iterations, cost);
          double shrink = 2.0 * rho - 1.0;
          shrink = 1.0 - shrink * shrink * shrink;
          mu *= shrink > 1.0 / 3.0 ? shrink : 1.0 / 3.0;
          if (mu < mu_min) mu = mu_min;
          nu = 2.0;
          if (res->kkt <= opt->gtol || ftol_met || small) {
            res->status = 0;
            goto done;
          }
          break;
        }
        failed = 1;
      }
      if (failed) res->nfail++;
      /* Rejected: a step of no consequence means no step that matters reduces the cost. */
      if (small) {
        res->status = 0;
        goto done;
      }
      mu *= nu;
      nu *= 2.0;
      if (mu > mu_max) {
        res->status = 0;
        goto done;
      }
    }
  }
done:
  for (int j = 0; j < n; j++) res->at_bound += x[j] == lo[j] || x[j] == hi[j];
  ws_free(&w);
  return st;
}
