/* solver/solver.h -- integration of y' = f(t, y) by SUNDIALS (CVODES, ARKODE), piecewise
 * between edges.
 * This module is the only code that includes SUNDIALS headers. It knows nothing of economics:
 * it takes a right-hand side, an optional Jacobian, the times where the RHS may jump, and an
 * output grid, and returns the solution on the grid with the integrator's statistics. */
#ifndef RS_SOLVER_H
#define RS_SOLVER_H

#include "util.h"

/* dy/dt at (t, y). Return 0, +1 for a recoverable failure (the step is retried smaller), -1 to
 * stop. */
typedef int (*rs_ode_rhs)(double t, const double *y, double *ydot, void *user);
/* Dense Jacobian df/dy at (t, y), column-major: J[j*n + i] = d f_i / d y_j. Same returns. */
typedef int (*rs_ode_jac)(double t, const double *y, double *J, void *user);
/* Called before the integrator enters the segment [t_lo, t_hi] between two edges. */
typedef void (*rs_ode_segment)(double t_lo, double t_hi, void *user);
/* Forward sensitivities (optional): ySdot_k = df/dy * yS_k + df/dp_k for k < ns, each of length
 * n; ydot is f(t, y). Same returns as rs_ode_rhs. */
typedef int (*rs_ode_sens)(double t, const double *y, const double *ydot, int ns,
                           const double *const *yS, double *const *ySdot, void *user);

/* The problem: everything the integrator needs from the caller. */
typedef struct rs_ode {
  int n;                     /* number of equations */
  rs_ode_rhs rhs;            /* required */
  rs_ode_jac jac;            /* NULL: CVODE's difference-quotient Jacobian */
  rs_ode_segment segment;    /* NULL: no segment hook */
  rs_ode_sens sens;          /* NULL: no sensitivities (see rs_solver_integrate_sens) */
  void *user;                /* passed to every callback */
  const double *constraints; /* n entries in CVODE's convention (0, 1: >= 0, 2: > 0), or NULL */
  const char *const *names;  /* n state names for error messages, or NULL */
} rs_ode;

typedef enum rs_method {
  RS_METHOD_BDF,   /* CVODES BDF with Newton iteration and a dense direct linear solver */
  RS_METHOD_ADAMS, /* CVODES Adams-Moulton with fixed-point iteration (non-stiff problems) */
  RS_METHOD_ERK,   /* ARKODE ERKStep, explicit Dormand-Prince 5(4) (non-stiff problems) */
  RS_METHOD_AUTO   /* ERK, and BDF for a run that ERK fails or finds stiff (see below) */
} rs_method;

typedef struct rs_solver_options {
  rs_method method;
  double rtol;     /* relative tolerance */
  double atol;     /* absolute tolerance, every component */
  long max_steps;  /* most steps between two output times */
  double max_step; /* largest step, 0 = unlimited */
  int sens_errcon; /* 1: sensitivities take part in the local error test (more steps) */
} rs_solver_options;

/* BDF, rtol 1e-6, atol 1e-9, 5000 steps, no step limit, sensitivities without error control. */
rs_solver_options rs_solver_default_options(void);

/* The options of every member run of an ensemble (multi-start, bands, attributions): the default
 * options with RS_METHOD_AUTO. An explicit method has no history, so an edge costs it almost
 * nothing, and a non-stiff run takes a fifth of BDF's steps. A run that ERK cannot finish, or
 * that needs more than RS_SOLVER_STIFF_STEPS steps (a sign of stiffness: the step is then held
 * by stability, not accuracy, and BDF is cheaper), is run again with BDF and counted in
 * rs_solver_stats.fallbacks. Runs with sensitivities use CVODES Adams (without sensitivity error
 * control) in place of ERK, with the same fall-back: measured against a tight reference its
 * sensitivities are six times as accurate as BDF's and ERK's at three quarters of BDF's cost. */
rs_solver_options rs_solver_ensemble_options(void);
enum { RS_SOLVER_STIFF_STEPS = 2000 };

/* "bdf", "adams", "erk" or "auto". */
const char *rs_solver_method_name(rs_method m);

/* Integrator statistics, summed over all segments of a run. */
typedef struct rs_solver_stats {
  long steps;             /* internal steps */
  long rhs_evals;         /* RHS evaluations by the integrator */
  long jac_evals;         /* Jacobian evaluations */
  long lin_setups;        /* linear-solver setups (Newton matrix factorisations) */
  long err_test_fails;    /* local error-test failures */
  long nonlin_iters;      /* nonlinear iterations */
  long nonlin_conv_fails; /* nonlinear convergence failures */
  long segments;          /* integration segments (1 + edges crossed) */
  long sens_rhs_evals;    /* sensitivity RHS evaluations (0 without sensitivities) */
  long fallbacks;         /* 1 when RS_METHOD_AUTO ran this run again with BDF, else 0 */
} rs_solver_stats;

/* A reusable integrator workspace: the CVODES and ARKODE memory, vectors and linear solver for one
 * problem size. Allocate once, run many times: a run does no allocation after the first. Not
 * shareable between threads; give each thread its own. */
typedef struct rs_solver rs_solver;

rs_solver *rs_solver_alloc(int n, rs_error *err);
void rs_solver_free(rs_solver *s); /* NULL is a no-op */

/* Integrate ode from t0, y0 over the output times tout[0..nout-1] (increasing, tout[0] >= t0),
 * stopping exactly at each edge (increasing; edges outside (t0, tout[nout-1]) are ignored) and
 * re-initialising there, so that a jump of the RHS at an edge is never met inside a step.
 * Outputs come from the integrator's interpolant (dense output), not from shortened steps;
 * components with a sign constraint are clipped to it (the interpolant may cross zero by less than
 * the local error). yout receives nout rows of n values. stats may be NULL. On failure: RS_ERR_RUN
 * with err naming the CVODE flag, the time and the state; yout rows after the failure are
 * unspecified. */
rs_status rs_solver_integrate(rs_solver *s, const rs_ode *ode, const rs_solver_options *opt,
                              double t0, const double *y0, const double *edges, int nedges,
                              const double *tout, int nout, double *yout, rs_solver_stats *stats,
                              rs_error *err);

/* As rs_solver_integrate, with ns forward sensitivities (ode->sens required). yS0 holds ns
 * initial sensitivity vectors of length n (row k = d y0 / d p_k); ySout receives, for each
 * output time i, ns vectors of n values at ySout[(i*ns + k)*n]. BDF and Adams: CVODES with the
 * staggered corrector. ERK: the state and its sensitivities integrated together as one system
 * of n (1 + ns) equations (the same steps for both). The sensitivities take part in the local
 * error test only with opt->sens_errcon. */
rs_status rs_solver_integrate_sens(rs_solver *s, const rs_ode *ode, const rs_solver_options *opt,
                                   double t0, const double *y0, const double *edges, int nedges,
                                   const double *tout, int nout, double *yout, int ns,
                                   const double *yS0, double *ySout, rs_solver_stats *stats,
                                   rs_error *err);

/* Why the last run failed, for hints in error messages. */
typedef enum rs_solver_failure {
  RS_FAIL_NONE,          /* the last run succeeded */
  RS_FAIL_TOO_MUCH_WORK, /* max_steps reached before the next output time */
  RS_FAIL_TOO_MUCH_ACC,  /* the tolerances cannot be met in floating point */
  RS_FAIL_ERR_TEST,      /* repeated error-test failures (step size collapsed) */
  RS_FAIL_CONV,          /* repeated nonlinear convergence failures */
  RS_FAIL_RHS,           /* the right-hand side failed (a stock left its range, or NaN) */
  RS_FAIL_OTHER          /* anything else (bad input to CVODES, memory) */
} rs_solver_failure;
int rs_solver_last_failure(const rs_solver *s);
/* The time at which the last run failed (NAN after a successful run). */
double rs_solver_last_failure_time(const rs_solver *s);

/* "CVODES (SUNDIALS 6.4.1)": the version of the SUNDIALS library linked in (ARKODE is of the same
 * release). */
const char *rs_solver_version(void);

#endif /* RS_SOLVER_H */
