/* solver/solver.c -- piecewise CVODES integration with output on a user grid.
 * This file contains the only calls into SUNDIALS. Every SUNDIALS return value is checked; a
 * failure becomes RS_ERR_RUN with the flag name, the time and the state in the message. */
#include "solver.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cvodes/cvodes.h>                        /* CVODES: CVODE plus forward sensitivities */
#include <nvector/nvector_serial.h>               /* serial N_Vector: the state is a few numbers */
#include <sundials/sundials_version.h>            /* SUNDIALSGetVersion for the run manifest */
#include <sunlinsol/sunlinsol_dense.h>            /* dense direct linear solver for BDF/Newton */
#include <sunmatrix/sunmatrix_dense.h>            /* dense Jacobian matrix */
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h> /* fixed-point iteration for Adams */

/* ---------------------------------------------------------------- workspace */

struct rs_solver {
  int n;
  SUNContext ctx;
  void *mem;     /* CVODES memory, created on the first run */
  int method;    /* method mem was created for, -1 before */
  N_Vector y;    /* state */
  N_Vector cons; /* constraints */
  SUNMatrix A;   /* dense matrix (BDF) */
  SUNLinearSolver LS;
  SUNNonlinearSolver NLS;      /* fixed point (Adams) */
  SUNNonlinearSolver NLS_sens; /* fixed point for staggered sensitivities (Adams), or NULL */
  int ns_cap;                  /* sensitivity vectors allocated */
  int ns_init;                 /* Ns CVodeSensInit was called with, 0 if never */
  N_Vector *yS;
  const rs_ode *ode; /* problem of the current run */
  int last_flag;     /* rs_solver_failure of the last failed call */
  double last_t;     /* time of the last failure */
  char cv_msg[512];  /* last message from CVODES's error handler */
};

/* The SUNContext signature changes in SUNDIALS 7 (SUNComm instead of void *): keep it here. */
static int context_create(SUNContext *ctx) {
  return SUNContext_Create(NULL, ctx);
}

static void err_handler(int code, const char *module, const char *function, char *msg, void *data) {
  rs_solver *s = data;
  (void)code;
  snprintf(s->cv_msg, sizeof s->cv_msg, "%s/%s: %s", module, function, msg);
}

rs_solver *rs_solver_alloc(int n, rs_error *err) {
  if (n < 1) {
    rs_fail(err, RS_ERR_RUN, "solver: problem size %d must be positive", n);
    return NULL;
  }
  rs_solver *s = calloc(1, sizeof *s);
  if (!s) {
    rs_fail(err, RS_ERR_NOMEM, "solver: out of memory");
    return NULL;
  }
  s->n = n;
  s->method = -1;
  if (context_create(&s->ctx) != 0) goto fail;
  s->y = N_VNew_Serial(n, s->ctx);
  s->cons = N_VNew_Serial(n, s->ctx);
  s->A = SUNDenseMatrix(n, n, s->ctx);
  if (!s->y || !s->cons || !s->A) goto fail;
  /* Fused vector kernels: CVODE then combines its history vectors in one pass instead of one
   * call per vector, which matters when the vectors are a few numbers long. */
  if (N_VEnableFusedOps_Serial(s->y, SUNTRUE) != 0) goto fail;
  s->LS = SUNLinSol_Dense(s->y, s->A, s->ctx);
  s->NLS = SUNNonlinSol_FixedPoint(s->y, 0, s->ctx);
  if (!s->LS || !s->NLS) goto fail;
  return s;
fail:
  rs_solver_free(s);
  rs_fail(err, RS_ERR_NOMEM, "solver: cannot allocate the SUNDIALS workspace");
  return NULL;
}

void rs_solver_free(rs_solver *s) {
  if (!s) return;
  /* Reverse order of creation. */
  if (s->yS) N_VDestroyVectorArray(s->yS, s->ns_cap);
  if (s->mem) CVodeFree(&s->mem);
  if (s->NLS_sens) SUNNonlinSolFree(s->NLS_sens);
  if (s->NLS) SUNNonlinSolFree(s->NLS);
  if (s->LS) SUNLinSolFree(s->LS);
  if (s->A) SUNMatDestroy(s->A);
  if (s->cons) N_VDestroy(s->cons);
  if (s->y) N_VDestroy(s->y);
  if (s->ctx) SUNContext_Free(&s->ctx);
  free(s);
}

rs_solver_options rs_solver_default_options(void) {
  rs_solver_options o = {RS_METHOD_BDF, 1e-6, 1e-9, 5000, 0.0, 0};
  return o;
}

int rs_solver_last_failure(const rs_solver *s) {
  return s ? s->last_flag : RS_FAIL_NONE;
}

double rs_solver_last_failure_time(const rs_solver *s) {
  return s && s->last_flag != RS_FAIL_NONE ? s->last_t : (double)NAN;
}

const char *rs_solver_version(void) {
  static char buf[64];
  char v[32];
  if (SUNDIALSGetVersion(v, (int)sizeof v) != 0) snprintf(v, sizeof v, "unknown");
  snprintf(buf, sizeof buf, "CVODES (SUNDIALS %s)", v);
  return buf;
}

/* ---------------------------------------------------------------- callbacks */

static int cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data) {
  rs_solver *s = data;
  return s->ode->rhs(t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot), s->ode->user);
}

static int cv_jac(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J, void *data, N_Vector t1,
                  N_Vector t2, N_Vector t3) {
  rs_solver *s = data;
  (void)fy, (void)t1, (void)t2, (void)t3;
  /* SUNDenseMatrix stores columns contiguously: the column-major layout rs_ode_jac promises. */
  return s->ode->jac(t, N_VGetArrayPointer(y), SUNDenseMatrix_Data(J), s->ode->user);
}

static int cv_sens(int ns, sunrealtype t, N_Vector y, N_Vector ydot, N_Vector *yS, N_Vector *ySdot,
                   void *data, N_Vector t1, N_Vector t2) {
  rs_solver *s = data;
  (void)t1, (void)t2;
  enum { MAXS = 256 };
  const double *in[MAXS];
  double *out[MAXS];
  if (ns > MAXS) return -1;
  for (int k = 0; k < ns; k++) {
    in[k] = N_VGetArrayPointer(yS[k]);
    out[k] = N_VGetArrayPointer(ySdot[k]);
  }
  return s->ode->sens(t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot), ns, in, out,
                      s->ode->user);
}

/* ---------------------------------------------------------------- failures */

/* Describe a failed CVODES call: flag name, time, state. */
static rs_status fail_flag(rs_solver *s, const char *call, int flag, double t, rs_error *err) {
  s->last_t = t;
  switch (flag) {
    case CV_TOO_MUCH_WORK:
      s->last_flag = RS_FAIL_TOO_MUCH_WORK;
      break;
    case CV_TOO_MUCH_ACC:
      s->last_flag = RS_FAIL_TOO_MUCH_ACC;
      break;
    case CV_ERR_FAILURE:
      s->last_flag = RS_FAIL_ERR_TEST;
      break;
    case CV_CONV_FAILURE:
      s->last_flag = RS_FAIL_CONV;
      break;
    case CV_RHSFUNC_FAIL:
    case CV_UNREC_RHSFUNC_ERR:
    case CV_REPTD_RHSFUNC_ERR:
    case CV_FIRST_RHSFUNC_ERR:
      s->last_flag = RS_FAIL_RHS;
      break;
    default:
      s->last_flag = RS_FAIL_OTHER;
      break;
  }
  char *name = CVodeGetReturnFlagName(flag);
  char local[64];
  if (name && strcmp(name, "NONE") == 0) {
    /* SUNDIALS 6.4.1 has no name for a few flags: name them here. */
    free(name);
    name = NULL;
    const char *n2 = flag == CV_NLS_INIT_FAIL    ? "CV_NLS_INIT_FAIL"
                     : flag == CV_NLS_SETUP_FAIL ? "CV_NLS_SETUP_FAIL"
                     : flag == CV_CONSTR_FAIL    ? "CV_CONSTR_FAIL"
                     : flag == CV_NLS_FAIL       ? "CV_NLS_FAIL"
                     : flag == CV_VECTOROP_ERR   ? "CV_VECTOROP_ERR"
                                                 : "an unnamed flag";
    snprintf(local, sizeof local, "%s (%d)", n2, flag);
  } else {
    snprintf(local, sizeof local, "%s", name ? name : "an unknown flag");
  }
  char state[768] = "";
  size_t len = 0;
  const double *y = N_VGetArrayPointer(s->y);
  for (int i = 0; i < s->n && len + 40 < sizeof state; i++) {
    const char *nm = s->ode && s->ode->names ? s->ode->names[i] : NULL;
    int w = nm ? snprintf(state + len, sizeof state - len, "%s%s=%.6g", i ? " " : "", nm, y[i])
               : snprintf(state + len, sizeof state - len, "%sy[%d]=%.6g", i ? " " : "", i, y[i]);
    if (w > 0) len += (size_t)w;
  }
  rs_fail(err, RS_ERR_RUN, "%s failed with %s at t = %.6f; state: %s%s%s", call, local, t, state,
          s->cv_msg[0] ? "; CVODES says: " : "", s->cv_msg);
  free(name);
  return RS_ERR_RUN;
}

#define CHECK(call)                                               \
  do {                                                            \
    int flag_ = (call);                                           \
    if (flag_ < 0) return fail_flag(s, #call, flag_, t_now, err); \
  } while (0)

/* ---------------------------------------------------------------- set-up of a run */

/* Create (or re-create for a new method) the CVODES memory and attach everything to it. */
static rs_status setup_memory(rs_solver *s, const rs_solver_options *opt, double t_now,
                              rs_error *err) {
  if (s->mem && s->method == (int)opt->method) return RS_OK;
  if (s->mem) {
    CVodeFree(&s->mem);
    s->ns_init = 0;
  }
  s->mem = CVodeCreate(opt->method == RS_METHOD_ADAMS ? CV_ADAMS : CV_BDF, s->ctx);
  if (!s->mem) return rs_fail(err, RS_ERR_NOMEM, "solver: CVodeCreate failed");
  s->method = (int)opt->method;
  CHECK(CVodeSetErrHandlerFn(s->mem, err_handler, s));
  CHECK(CVodeInit(s->mem, cv_rhs, t_now, s->y));
  CHECK(CVodeSetUserData(s->mem, s));
  if (opt->method == RS_METHOD_ADAMS) {
    CHECK(CVodeSetNonlinearSolver(s->mem, s->NLS));
  } else {
    CHECK(CVodeSetLinearSolver(s->mem, s->LS, s->A));
  }
  return RS_OK;
}

/* Per-run settings: tolerances, limits, Jacobian, constraints, initial state. */
static rs_status setup_run(rs_solver *s, const rs_ode *ode, const rs_solver_options *opt, double t0,
                           const double *y0, rs_error *err) {
  double t_now = t0;
  s->ode = ode;
  s->cv_msg[0] = '\0';
  s->last_flag = RS_FAIL_NONE;
  memcpy(N_VGetArrayPointer(s->y), y0, sizeof(double) * (size_t)s->n);
  rs_status st = setup_memory(s, opt, t0, err);
  if (st != RS_OK) return st;
  CHECK(CVodeReInit(s->mem, t0, s->y));
  CHECK(CVodeSStolerances(s->mem, opt->rtol, opt->atol));
  CHECK(CVodeSetMaxNumSteps(s->mem, opt->max_steps));
  CHECK(CVodeSetMaxStep(s->mem, opt->max_step));
  if (opt->method == RS_METHOD_BDF) CHECK(CVodeSetJacFn(s->mem, ode->jac ? cv_jac : NULL));
  if (ode->constraints) {
    memcpy(N_VGetArrayPointer(s->cons), ode->constraints, sizeof(double) * (size_t)s->n);
    CHECK(CVodeSetConstraints(s->mem, s->cons));
  } else {
    CHECK(CVodeSetConstraints(s->mem, NULL));
  }
  return RS_OK;
}

/* Switch sensitivities on for ns parameters (or off for ns == 0). */
static rs_status setup_sens(rs_solver *s, const rs_solver_options *opt, int ns, const double *yS0,
                            double t_now, rs_error *err) {
  if (ns == 0) {
    if (s->ns_init) CHECK(CVodeSensToggleOff(s->mem));
    return RS_OK;
  }
  if (ns > s->ns_cap) {
    if (s->yS) N_VDestroyVectorArray(s->yS, s->ns_cap);
    s->yS = N_VCloneVectorArray(ns, s->y);
    if (!s->yS) {
      s->ns_cap = 0;
      return rs_fail(err, RS_ERR_NOMEM, "solver: cannot allocate sensitivity vectors");
    }
    s->ns_cap = ns;
  }
  for (int k = 0; k < ns; k++)
    memcpy(N_VGetArrayPointer(s->yS[k]), yS0 + (size_t)k * (size_t)s->n,
           sizeof(double) * (size_t)s->n);
  if (s->ns_init != ns) {
    if (s->ns_init) CVodeSensFree(s->mem);
    CHECK(CVodeSensInit(s->mem, ns, CV_STAGGERED, cv_sens, s->yS));
    s->ns_init = ns;
    if (s->method == RS_METHOD_ADAMS) {
      /* The staggered corrector defaults to Newton, which needs the linear solver that Adams
       * does without: give it a fixed-point iteration sized for ns sensitivities. */
      if (s->NLS_sens) SUNNonlinSolFree(s->NLS_sens);
      s->NLS_sens = SUNNonlinSol_FixedPointSens(ns, s->y, 0, s->ctx);
      if (!s->NLS_sens) return rs_fail(err, RS_ERR_NOMEM, "solver: cannot allocate a solver");
      CHECK(CVodeSetNonlinearSolverSensStg(s->mem, s->NLS_sens));
    }
  } else {
    CHECK(CVodeSensReInit(s->mem, CV_STAGGERED, s->yS));
  }
  CHECK(CVodeSensEEtolerances(s->mem));
  /* With error control the sensitivities also choose the step sizes (about twice the steps);
   * without it they follow the steps the state needs, and are as accurate where those are. */
  CHECK(CVodeSetSensErrCon(s->mem, opt->sens_errcon ? SUNTRUE : SUNFALSE));
  return RS_OK;
}

/* Add the counters of the segment just finished to stats (CVodeReInit resets them). */
static rs_status add_stats(rs_solver *s, int ns, rs_solver_stats *stats, double t_now,
                           rs_error *err) {
  long v[8] = {0};
  CHECK(CVodeGetNumSteps(s->mem, &v[0]));
  CHECK(CVodeGetNumRhsEvals(s->mem, &v[1]));
  CHECK(CVodeGetNumErrTestFails(s->mem, &v[4]));
  if (s->method == RS_METHOD_BDF) {
    CHECK(CVodeGetNumJacEvals(s->mem, &v[2]));
    CHECK(CVodeGetNumLinSolvSetups(s->mem, &v[3]));
  }
  CHECK(CVodeGetNumNonlinSolvIters(s->mem, &v[5]));
  CHECK(CVodeGetNumNonlinSolvConvFails(s->mem, &v[6]));
  if (ns > 0) CHECK(CVodeGetSensNumRhsEvals(s->mem, &v[7]));
  stats->steps += v[0];
  stats->rhs_evals += v[1];
  stats->jac_evals += v[2];
  stats->lin_setups += v[3];
  stats->err_test_fails += v[4];
  stats->nonlin_iters += v[5];
  stats->nonlin_conv_fails += v[6];
  stats->sens_rhs_evals += v[7];
  stats->segments++;
  return RS_OK;
}

/* ---------------------------------------------------------------- the run */

static rs_status check_inputs(const rs_solver *s, const rs_ode *ode, double t0, const double *tout,
                              int nout, rs_error *err) {
  if (!ode || !ode->rhs || ode->n != s->n)
    return rs_fail(err, RS_ERR_RUN, "solver: problem size does not match the workspace");
  if (nout < 1 || tout[0] < t0)
    return rs_fail(err, RS_ERR_RUN, "solver: output times must start at or after t0");
  for (int i = 1; i < nout; i++)
    if (!(tout[i] > tout[i - 1]))
      return rs_fail(err, RS_ERR_RUN, "solver: output times must increase");
  return RS_OK;
}

/* Copy the state (and sensitivities) reached at output time number i into the outputs. */
static rs_status store_output(rs_solver *s, int i, int ns, double *yout, double *ySout,
                              int at_start, double t_now, rs_error *err) {
  size_t n = (size_t)s->n;
  double *row = yout + (size_t)i * n;
  memcpy(row, N_VGetArrayPointer(s->y), sizeof(double) * n);
  /* CVODE enforces the constraints at its steps only; between steps the interpolant may dip
   * below zero by less than the local error. Clip it, so that outputs honour the constraints. */
  if (s->ode->constraints)
    for (size_t k = 0; k < n; k++) {
      double c = s->ode->constraints[k];
      if (c == 1.0 && row[k] < 0.0) row[k] = 0.0;
      if (c == 2.0 && row[k] <= 0.0) row[k] = DBL_MIN;
    }
  if (ns > 0) {
    double tret;
    /* Before the first step s->yS still holds the initial sensitivities. */
    if (!at_start) CHECK(CVodeGetSens(s->mem, &tret, s->yS));
    for (int k = 0; k < ns; k++)
      memcpy(ySout + ((size_t)i * (size_t)ns + (size_t)k) * n, N_VGetArrayPointer(s->yS[k]),
             sizeof(double) * n);
  }
  return RS_OK;
}

static rs_status integrate(rs_solver *s, const rs_ode *ode, const rs_solver_options *opt, double t0,
                           const double *y0, const double *edges, int nedges, const double *tout,
                           int nout, double *yout, int ns, const double *yS0, double *ySout,
                           rs_solver_stats *stats, rs_error *err) {
  rs_solver_stats local;
  if (!stats) stats = &local;
  memset(stats, 0, sizeof *stats);
  double t_now = t0;
  rs_status st = check_inputs(s, ode, t0, tout, nout, err);
  if (st == RS_OK) st = setup_run(s, ode, opt, t0, y0, err);
  if (st == RS_OK) st = setup_sens(s, opt, ns, yS0, t0, err);
  if (st != RS_OK) return st;
  double t_end = tout[nout - 1];
  int io = 0, ie = 0;
  /* Outputs at t0 itself need no integration. */
  while (io < nout && tout[io] == t0) {
    if ((st = store_output(s, io, ns, yout, ySout, 1, t_now, err)) != RS_OK) return st;
    io++;
  }
  while (io < nout) {
    while (ie < nedges && edges[ie] <= t_now) ie++;
    double t_hi = ie < nedges && edges[ie] < t_end ? edges[ie] : t_end;
    if (ode->segment) ode->segment(t_now, t_hi, ode->user);
    CHECK(CVodeSetStopTime(s->mem, t_hi));
    /* Every output time inside this segment, then the segment's end itself. */
    for (;;) {
      double target = io < nout && tout[io] <= t_hi ? tout[io] : t_hi;
      double tret = t_now;
      int flag = CVode(s->mem, target, s->y, &tret, CV_NORMAL);
      if (flag < 0) {
        rs_error ignored;
        st = fail_flag(s, "CVode", flag, tret, err);
        (void)add_stats(s, ns, stats, tret, &ignored); /* the work of the failed segment too */
        return st;
      }
      t_now = tret;
      if (io < nout && tout[io] <= t_hi && tret >= tout[io]) {
        if ((st = store_output(s, io, ns, yout, ySout, 0, t_now, err)) != RS_OK) return st;
        io++;
      }
      if (tret >= t_hi) break;
    }
    if ((st = add_stats(s, ns, stats, t_now, err)) != RS_OK) return st;
    if (io >= nout) break;
    /* Re-initialise at the edge: the next segment starts afresh from the state reached. */
    t_now = t_hi;
    if (ns > 0) {
      double tret;
      CHECK(CVodeGetSens(s->mem, &tret, s->yS));
    }
    CHECK(CVodeReInit(s->mem, t_now, s->y));
    if (ns > 0) CHECK(CVodeSensReInit(s->mem, CV_STAGGERED, s->yS));
  }
  return RS_OK;
}

rs_status rs_solver_integrate(rs_solver *s, const rs_ode *ode, const rs_solver_options *opt,
                              double t0, const double *y0, const double *edges, int nedges,
                              const double *tout, int nout, double *yout, rs_solver_stats *stats,
                              rs_error *err) {
  return integrate(s, ode, opt, t0, y0, edges, nedges, tout, nout, yout, 0, NULL, NULL, stats, err);
}

rs_status rs_solver_integrate_sens(rs_solver *s, const rs_ode *ode, const rs_solver_options *opt,
                                   double t0, const double *y0, const double *edges, int nedges,
                                   const double *tout, int nout, double *yout, int ns,
                                   const double *yS0, double *ySout, rs_solver_stats *stats,
                                   rs_error *err) {
  if (ns < 1 || !ode || !ode->sens)
    return rs_fail(err, RS_ERR_RUN, "solver: sensitivities need ns >= 1 and a sensitivity RHS");
  return integrate(s, ode, opt, t0, y0, edges, nedges, tout, nout, yout, ns, yS0, ySout, stats,
                   err);
}
