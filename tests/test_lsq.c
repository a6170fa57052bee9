/* tests/test_lsq.c -- the bound-constrained least-squares solver (calib/lsq.c) on problems with
 * known answers: optima inside the box reached from its bounds and corners, optima on a bound
 * (first-order conditions), Rosenbrock, failed evaluations, determinism. */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "calib.h"
#include "check.h"

/* ---------------------------------------------------------------- problems */

/* Zero residual at a = 0.004, b = 70, with magnitudes three and two orders apart (the scaling
 * must cope) and a product coupling them:
 *   f = ((a - 0.004)/0.001, (b - 70)/10, (a b - 0.28)/0.1),  a in [0.001, 0.01], b in [1, 100]. */
static int scaled_pair(void *ctx, const double *x, double *f, double *J) {
  (void)ctx;
  double a = x[0], b = x[1];
  f[0] = (a - 0.004) / 0.001;
  f[1] = (b - 70.0) / 10.0;
  f[2] = (a * b - 0.28) / 0.1;
  if (J) {
    J[0] = 1.0 / 0.001, J[1] = 0.0;
    J[2] = 0.0, J[3] = 1.0 / 10.0;
    J[4] = b / 0.1, J[5] = a / 0.1;
  }
  return 0;
}

static const double sp_lo[2] = {0.001, 1.0}, sp_hi[2] = {0.01, 100.0};

/* The unconstrained optimum (2, -0.5) lies outside [0, 1]^2; within it the optimum is x1 = 1
 * (on the upper bound, the cost still falling outwards) and x2 = 0.5 (inside), cost 1:
 *   f = (x1 - 2, x1 + x2 - 1.5). */
static int outside(void *ctx, const double *x, double *f, double *J) {
  (void)ctx;
  f[0] = x[0] - 2.0;
  f[1] = x[0] + x[1] - 1.5;
  if (J) {
    J[0] = 1.0, J[1] = 0.0;
    J[2] = 1.0, J[3] = 1.0;
  }
  return 0;
}

/* Rosenbrock as least squares: f = (10 (x2 - x1^2), 1 - x1). ctx, when not NULL, points to a
 * threshold below which x2 cannot be evaluated (a model that fails in part of the box), and
 * counts nothing: the solver's own counters say how often that happened. */
static int rosenbrock(void *ctx, const double *x, double *f, double *J) {
  if (ctx && x[1] < *(const double *)ctx) return 1;
  f[0] = 10.0 * (x[1] - x[0] * x[0]);
  f[1] = 1.0 - x[0];
  if (J) {
    J[0] = -20.0 * x[0], J[1] = 10.0;
    J[2] = -1.0, J[3] = 0.0;
  }
  return 0;
}

static int always_fails(void *ctx, const double *x, double *f, double *J) {
  (void)ctx, (void)x, (void)f, (void)J;
  return 1;
}

static rs_lsq_result solve(int m, const double *lo, const double *hi, rs_lsq_fn fn, void *ctx,
                           double *x) {
  rs_lsq_options opt = rs_lsq_default_options();
  opt.xtol = 1e-12;
  opt.gtol = 1e-12;
  opt.ftol = 1e-14;
  rs_lsq_result res;
  rs_error err;
  rs_status st = rs_lsq_solve(2, m, lo, hi, fn, ctx, &opt, x, &res, &err);
  if (st != RS_OK) fprintf(stderr, "rs_lsq_solve: %s\n", err.msg);
  CHECK(st == RS_OK);
  printf(
      "  x = (%.12g, %.12g), cost %.3g, status %d, %d iterations, %d + %d evaluations, %d failed, "
      "%d left a bound\n",
      x[0], x[1], res.cost, res.status, res.iterations, res.nf, res.nj, res.nfail, res.left_bound);
  return res;
}

/* ---------------------------------------------------------------- tests */

/* Started on a bound (the gradient pointing inward), the variable leaves it and the solver
 * reaches the interior optimum to 1e-8. */
static void a_start_on_a_bound_leaves_it_and_reaches_the_interior_optimum(void) {
  double x[2] = {0.001, 30.0}; /* a on its lower bound */
  rs_lsq_result r = solve(3, sp_lo, sp_hi, scaled_pair, NULL, x);
  CHECK(r.status == 0);
  CHECK_REL(x[0], 0.004, 1e-8);
  CHECK_REL(x[1], 70.0, 1e-8);
  CHECK(r.cost < 1e-16);
  CHECK(r.left_bound >= 1);
  CHECK(r.at_bound == 0);
}

/* From every corner of the box (both variables on bounds) the optimum is reached to 1e-8. */
static void starts_at_the_corners_reach_the_interior_optimum(void) {
  for (int c = 0; c < 4; c++) {
    double x[2] = {(c & 1) ? sp_hi[0] : sp_lo[0], (c & 2) ? sp_hi[1] : sp_lo[1]};
    rs_lsq_result r = solve(3, sp_lo, sp_hi, scaled_pair, NULL, x);
    CHECK(r.status == 0);
    CHECK_REL(x[0], 0.004, 1e-8);
    CHECK_REL(x[1], 70.0, 1e-8);
    CHECK(r.left_bound >= 1);
  }
}

/* The unconstrained optimum outside the box: the solution sits exactly on the bound, the other
 * coordinate is optimal given it, and the projected gradient vanishes (first-order conditions):
 * the gradient at the bound points out of the box, and is zero along the free coordinate. */
static void an_optimum_outside_the_box_ends_on_the_bound_with_the_kkt_conditions_met(void) {
  const double lo[2] = {0.0, 0.0}, hi[2] = {1.0, 1.0};
  double starts[3][2] = {{0.2, 0.9}, {0.0, 0.0}, {1.0, 1.0}};
  for (int k = 0; k < 3; k++) {
    double x[2] = {starts[k][0], starts[k][1]};
    rs_lsq_result r = solve(2, lo, hi, outside, NULL, x);
    CHECK(r.status == 0);
    CHECK(x[0] == 1.0);
    CHECK(fabs(x[1] - 0.5) < 1e-8);
    CHECK_REL(r.cost, 1.0, 1e-12);
    CHECK(r.at_bound == 1);
    double f[2], J[4];
    outside(NULL, x, f, J);
    double g0 = J[0] * f[0] + J[2] * f[1], g1 = J[1] * f[0] + J[3] * f[1];
    CHECK(g0 < -0.5);       /* the cost still falls beyond the upper bound */
    CHECK(fabs(g1) < 1e-8); /* and is stationary along the free coordinate */
    CHECK(r.kkt <= 1e-12);  /* the solver's own measure agrees */
  }
}

/* Rosenbrock's valley from the standard start (-1.2, 1), within bounds that contain (1, 1); and
 * with the bound x1 <= 0.5 cutting the valley, the solution on it at (0.5, 0.25). */
static void rosenbrock_within_bounds_converges_to_its_minimum(void) {
  const double lo[2] = {-2.0, -1.0}, hi[2] = {2.0, 3.0};
  double x[2] = {-1.2, 1.0};
  rs_lsq_result r = solve(2, lo, hi, rosenbrock, NULL, x);
  CHECK(r.status == 0);
  CHECK_REL(x[0], 1.0, 1e-8);
  CHECK_REL(x[1], 1.0, 1e-8);
  CHECK(r.cost < 1e-16);
  const double hi2[2] = {0.5, 3.0};
  double y[2] = {-1.2, 1.0};
  r = solve(2, lo, hi2, rosenbrock, NULL, y);
  CHECK(r.status == 0);
  CHECK(y[0] == 0.5);
  CHECK_REL(y[1], 0.25, 1e-8);
  CHECK_REL(r.cost, 0.25, 1e-10);
}

/* A model that cannot be evaluated in part of the box (here below x2 = 0, where the first steps
 * from (-1.2, 1) land, and where the path to (1, 1) otherwise passes at (-0.23, -0.06) and
 * (0.06, -0.08)): those trials count as infinitely bad steps, the step shortens and the start
 * still reaches (1, 1). A failure at the start itself fails the start (status 3, infinite
 * cost). */
static void failed_evaluations_shorten_the_step_instead_of_aborting_the_start(void) {
  const double lo[2] = {-2.0, -5.0}, hi[2] = {2.0, 5.0};
  double threshold = 0.0;
  double x[2] = {-1.2, 1.0};
  rs_lsq_result r = solve(2, lo, hi, rosenbrock, &threshold, x);
  CHECK(r.nfail >= 3);
  CHECK(r.status == 0);
  CHECK_REL(x[0], 1.0, 1e-8);
  CHECK_REL(x[1], 1.0, 1e-8);
  double y[2] = {0.5, 0.5};
  r = solve(2, lo, hi, always_fails, NULL, y);
  CHECK(r.status == 3);
  CHECK(isinf(r.cost));
  CHECK(r.iterations == 0);
  CHECK(y[0] == 0.5 && y[1] == 0.5);
}

/* The same inputs give the same iterates bit for bit. */
static void the_same_inputs_give_the_same_result_bit_for_bit(void) {
  const double lo[2] = {-2.0, -5.0}, hi[2] = {2.0, 5.0};
  double threshold = -1.0;
  double x1[2] = {-1.2, 1.0}, x2[2] = {-1.2, 1.0};
  rs_lsq_options opt = rs_lsq_default_options();
  opt.max_iter = 7; /* mid-way, where rounding differences would show */
  rs_lsq_result r1, r2;
  rs_error err;
  CHECK(rs_lsq_solve(2, 2, lo, hi, rosenbrock, &threshold, &opt, x1, &r1, &err) == RS_OK);
  CHECK(rs_lsq_solve(2, 2, lo, hi, rosenbrock, &threshold, &opt, x2, &r2, &err) == RS_OK);
  CHECK(memcmp(x1, x2, sizeof x1) == 0);
  CHECK(r1.cost == r2.cost && r1.iterations == r2.iterations && r1.nf == r2.nf);
  CHECK(r1.status == 1);
}

/* Bad sizes and bounds are refused with a message, before any evaluation. */
static void bad_sizes_and_bounds_are_refused(void) {
  const double lo[2] = {0.0, 1.0}, hi[2] = {1.0, 1.0};
  double x[2] = {0.5, 1.0};
  rs_lsq_options opt = rs_lsq_default_options();
  rs_lsq_result r;
  rs_error err;
  CHECK(rs_lsq_solve(2, 2, lo, hi, outside, NULL, &opt, x, &r, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "variable 2");
  CHECK(rs_lsq_solve(0, 2, lo, hi, outside, NULL, &opt, x, &r, &err) == RS_ERR_INPUT);
  CHECK(rs_lsq_solve(RS_LSQ_MAX + 1, 2, lo, hi, outside, NULL, &opt, x, &r, &err) == RS_ERR_INPUT);
}

int main(void) {
  gsl_set_error_handler_off(); /* the solver's contract: errors come back as codes */
  RUN(a_start_on_a_bound_leaves_it_and_reaches_the_interior_optimum);
  RUN(starts_at_the_corners_reach_the_interior_optimum);
  RUN(an_optimum_outside_the_box_ends_on_the_bound_with_the_kkt_conditions_met);
  RUN(rosenbrock_within_bounds_converges_to_its_minimum);
  RUN(failed_evaluations_shorten_the_step_instead_of_aborting_the_start);
  RUN(the_same_inputs_give_the_same_result_bit_for_bit);
  RUN(bad_sizes_and_bounds_are_refused);
  return CHECK_DONE();
}
