/* solver/solver.c -- piecewise CVODES or ARKODE integration with output on a user grid.
 * This file contains the only calls into SUNDIALS. Every SUNDIALS return value is checked; a
 * failure becomes RS_ERR_RUN with the flag name, the time and the state in the message. */
#include "solver.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <arkode/arkode_erkstep.h>                /* ARKODE's explicit Runge-Kutta stepper */
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
  /* ERK (ARKODE ERKStep): one memory for the state alone, one for the state with ns
   * sensitivities integrated alongside (n (1 + ns) equations), each created on first use. */
  void *erk;        /* ERKStep memory for n equations */
  void *erk_aug;    /* ERKStep memory for n (1 + erk_ns) equations */
  int erk_ns;       /* ns erk_aug was created for */
  N_Vector ya;      /* augmented state [y; yS_0; ...; yS_{ns-1}] */
  N_Vector ya_cons; /* constraints of the augmented state (the state's, then none) */
  int ns_run;       /* sensitivities of the current ERK run */
  double erk_rtol;  /* tolerances of the current augmented ERK run (erk_weights) */
  double erk_atol;
  int erk_errcon;
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
  if (s->erk) ERKStepFree(&s->erk);
  if (s->erk_aug) ERKStepFree(&s->erk_aug);
  if (s->ya) N_VDestroy(s->ya);
  if (s->ya_cons) N_VDestroy(s->ya_cons);
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

rs_solver_options rs_solver_ensemble_options(void) {
  rs_solver_options o = rs_solver_default_options();
  o.method = RS_METHOD_AUTO;
  return o;
}

const char *rs_solver_method_name(rs_method m) {
  switch (m) {
    case RS_METHOD_BDF:
      return "bdf";
    case RS_METHOD_ADAMS:
      return "adams";
    case RS_METHOD_ERK:
      return "erk";
    case RS_METHOD_AUTO:
      return "auto";
  }
  return "unknown";
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

/* The failure class of a CVODES flag. */
static int cvode_failure(int flag) {
  switch (flag) {
    case CV_TOO_MUCH_WORK:
      return RS_FAIL_TOO_MUCH_WORK;
    case CV_TOO_MUCH_ACC:
      return RS_FAIL_TOO_MUCH_ACC;
    case CV_ERR_FAILURE:
      return RS_FAIL_ERR_TEST;
    case CV_CONV_FAILURE:
      return RS_FAIL_CONV;
    case CV_RHSFUNC_FAIL:
    case CV_UNREC_RHSFUNC_ERR:
    case CV_REPTD_RHSFUNC_ERR:
    case CV_FIRST_RHSFUNC_ERR:
      return RS_FAIL_RHS;
    default:
      return RS_FAIL_OTHER;
  }
}

/* The failure class of an ARKODE flag. */
static int arkode_failure(int flag) {
  switch (flag) {
    case ARK_TOO_MUCH_WORK:
      return RS_FAIL_TOO_MUCH_WORK;
    case ARK_TOO_MUCH_ACC:
      return RS_FAIL_TOO_MUCH_ACC;
    case ARK_ERR_FAILURE:
      return RS_FAIL_ERR_TEST;
    case ARK_RHSFUNC_FAIL:
    case ARK_UNREC_RHSFUNC_ERR:
    case ARK_REPTD_RHSFUNC_ERR:
    case ARK_FIRST_RHSFUNC_ERR:
      return RS_FAIL_RHS;
    default:
      return RS_FAIL_OTHER;
  }
}

/* The name of a flag: SUNDIALS 6.4.1 has none for a few CVODES flags, named here. */
static void flag_name(int erk, int flag, char *out, size_t size) {
  char *name = erk ? ERKStepGetReturnFlagName(flag) : CVodeGetReturnFlagName(flag);
  if (name && strcmp(name, "NONE") == 0 && !erk) {
    const char *n2 = flag == CV_NLS_INIT_FAIL    ? "CV_NLS_INIT_FAIL"
                     : flag == CV_NLS_SETUP_FAIL ? "CV_NLS_SETUP_FAIL"
                     : flag == CV_CONSTR_FAIL    ? "CV_CONSTR_FAIL"
                     : flag == CV_NLS_FAIL       ? "CV_NLS_FAIL"
                     : flag == CV_VECTOROP_ERR   ? "CV_VECTOROP_ERR"
                                                 : "an unnamed flag";
    snprintf(out, size, "%s (%d)", n2, flag);
  } else {
    snprintf(out, size, "%s", name ? name : "an unknown flag");
  }
  free(name);
}

/* Describe a failed SUNDIALS call (erk: ARKODE's, else CVODES's): flag name, time, state. */
static rs_status fail_any(rs_solver *s, int erk, const char *call, int flag, double t,
                          rs_error *err) {
  s->last_t = t;
  s->last_flag = erk ? arkode_failure(flag) : cvode_failure(flag);
  char local[64];
  flag_name(erk, flag, local, sizeof local);
  char state[768] = "";
  size_t len = 0;
  const double *y = N_VGetArrayPointer(erk && s->ns_run > 0 ? s->ya : s->y);
  for (int i = 0; i < s->n && len + 40 < sizeof state; i++) {
    const char *nm = s->ode && s->ode->names ? s->ode->names[i] : NULL;
    int w = nm ? snprintf(state + len, sizeof state - len, "%s%s=%.6g", i ? " " : "", nm, y[i])
               : snprintf(state + len, sizeof state - len, "%sy[%d]=%.6g", i ? " " : "", i, y[i]);
    if (w > 0) len += (size_t)w;
  }
  rs_fail(err, RS_ERR_RUN, "%s failed with %s at t = %.6f; state: %s%s%s%s", call, local, t, state,
          s->cv_msg[0] ? "; " : "", s->cv_msg[0] ? (erk ? "ARKODE says: " : "CVODES says: ") : "",
          s->cv_msg);
  return RS_ERR_RUN;
}

static rs_status fail_flag(rs_solver *s, const char *call, int flag, double t, rs_error *err) {
  return fail_any(s, 0, call, flag, t, err);
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

/* The integrators enforce the constraints at their steps only; between steps the interpolant may
 * dip below zero by less than the local error. Clip it, so that outputs honour the constraints. */
static void clip_row(const rs_solver *s, double *row) {
  if (!s->ode->constraints) return;
  for (int k = 0; k < s->n; k++) {
    double c = s->ode->constraints[k];
    if (c == 1.0 && row[k] < 0.0) row[k] = 0.0;
    if (c == 2.0 && row[k] <= 0.0) row[k] = DBL_MIN;
  }
}

/* Copy the state (and sensitivities) reached at output time number i into the outputs. */
static rs_status store_output(rs_solver *s, int i, int ns, double *yout, double *ySout,
                              int at_start, double t_now, rs_error *err) {
  size_t n = (size_t)s->n;
  double *row = yout + (size_t)i * n;
  memcpy(row, N_VGetArrayPointer(s->y), sizeof(double) * n);
  clip_row(s, row);
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

static rs_status integrate_cvode(rs_solver *s, const rs_ode *ode, const rs_solver_options *opt,
                                 double t0, const double *y0, const double *edges, int nedges,
                                 const double *tout, int nout, double *yout, int ns,
                                 const double *yS0, double *ySout, rs_solver_stats *stats,
                                 rs_error *err) {
  double t_now = t0;
  rs_status st = setup_run(s, ode, opt, t0, y0, err);
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

/* ---------------------------------------------------------------- ERK (ARKODE ERKStep) */

static int erk_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data) {
  rs_solver *s = data;
  return s->ode->rhs(t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot), s->ode->user);
}

/* The augmented system [y; yS_k]' = [f; df/dy yS_k + df/dp_k]. */
static int erk_rhs_aug(sunrealtype t, N_Vector y, N_Vector ydot, void *data) {
  rs_solver *s = data;
  enum { MAXS = 256 };
  const double *in[MAXS];
  double *out[MAXS];
  int ns = s->ns_run;
  size_t n = (size_t)s->n;
  double *ya = N_VGetArrayPointer(y), *yd = N_VGetArrayPointer(ydot);
  if (ns > MAXS) return -1;
  int rc = s->ode->rhs(t, ya, yd, s->ode->user);
  if (rc != 0) return rc;
  for (int k = 0; k < ns; k++) {
    in[k] = ya + n * (size_t)(k + 1);
    out[k] = yd + n * (size_t)(k + 1);
  }
  return s->ode->sens(t, ya, yd, ns, in, out, s->ode->user);
}

#define ECHECK(call)                                                \
  do {                                                              \
    int flag_ = (call);                                             \
    if (flag_ < 0) return fail_any(s, 1, #call, flag_, t_now, err); \
  } while (0)

/* Create (once per size) the ERKStep memory for ns sensitivities into *mem. */
static rs_status erk_memory(rs_solver *s, int ns, void **mem, rs_error *err) {
  if (ns == 0) {
    if (!s->erk && !(s->erk = ERKStepCreate(erk_rhs, 0.0, s->y, s->ctx)))
      return rs_fail(err, RS_ERR_NOMEM, "solver: ERKStepCreate failed");
    *mem = s->erk;
    return RS_OK;
  }
  if (!s->erk_aug || s->erk_ns != ns) {
    if (s->erk_aug) ERKStepFree(&s->erk_aug);
    if (s->ya) N_VDestroy(s->ya);
    if (s->ya_cons) N_VDestroy(s->ya_cons);
    s->erk_ns = 0;
    sunindextype len = (sunindextype)s->n * (sunindextype)(1 + ns);
    s->ya = N_VNew_Serial(len, s->ctx);
    s->ya_cons = N_VNew_Serial(len, s->ctx);
    if (!s->ya || !s->ya_cons || N_VEnableFusedOps_Serial(s->ya, SUNTRUE) != 0)
      return rs_fail(err, RS_ERR_NOMEM, "solver: cannot allocate sensitivity vectors");
    if (!(s->erk_aug = ERKStepCreate(erk_rhs_aug, 0.0, s->ya, s->ctx)))
      return rs_fail(err, RS_ERR_NOMEM, "solver: ERKStepCreate failed");
    s->erk_ns = ns;
  }
  *mem = s->erk_aug;
  return RS_OK;
}

/* ERK's local error test runs at this fraction of rtol and atol. Measured on the 64-member
 * ensemble of tests/test_methods.c, Dormand-Prince's global error per unit of tolerance is about
 * three times BDF's on this model; scaled so, a solver.rtol means about the same accuracy
 * whichever the method (at 1.3 times the steps). */
static const double erk_tol_scale = 0.3;

/* Error weights of the augmented system. ARKODE's error norm is the root mean square over all
 * n (1 + ns) components; multiplying every weight by sqrt(1 + ns) makes it the root of the sum
 * of the squared norms of the state and of each sensitivity (close to CVODES's largest of them),
 * so the state is held to the same tolerance as without sensitivities. Without error control
 * the sensitivities weigh nothing: the steps are those the state needs, as in CVODES. */
static int erk_weights(N_Vector y, N_Vector ewt, void *data) {
  rs_solver *s = data;
  size_t n = (size_t)s->n, len = n * (size_t)(1 + s->ns_run);
  const double *ya = N_VGetArrayPointer(y);
  double *w = N_VGetArrayPointer(ewt), scale = sqrt((double)(1 + s->ns_run));
  for (size_t i = 0; i < len; i++)
    w[i] = i < n || s->erk_errcon ? scale / (s->erk_rtol * fabs(ya[i]) + s->erk_atol) : 0.0;
  return 0;
}

/* Per-run settings of an ERK run: the table, tolerances, limits, constraints, initial state. */
static rs_status erk_setup(rs_solver *s, void *mem, const rs_ode *ode, const rs_solver_options *opt,
                           double t0, N_Vector y, int ns, rs_error *err) {
  double t_now = t0;
  size_t n = (size_t)s->n;
  ECHECK(ERKStepReInit(mem, ns > 0 ? erk_rhs_aug : erk_rhs, t0, y));
  ECHECK(ERKStepSetTableNum(mem, ARKODE_DORMAND_PRINCE_7_4_5));
  ECHECK(ERKStepSetErrHandlerFn(mem, err_handler, s));
  ECHECK(ERKStepSetUserData(mem, s));
  ECHECK(ERKStepSetMaxNumSteps(mem, opt->max_steps));
  ECHECK(ERKStepSetMaxStep(mem, opt->max_step));
  ECHECK(ERKStepSetInitStep(mem, 0.0));
  /* Cubic Hermite dense output needs only the RHS at the ends of a step, which the method has
   * already; degrees 4 and 5 cost an extra RHS evaluation per output (5 % more in all). */
  ECHECK(ERKStepSetInterpolantDegree(mem, 3));
  if (ns == 0) {
    ECHECK(ERKStepSStolerances(mem, erk_tol_scale * opt->rtol, erk_tol_scale * opt->atol));
    if (ode->constraints) {
      memcpy(N_VGetArrayPointer(s->cons), ode->constraints, sizeof(double) * n);
      ECHECK(ERKStepSetConstraints(mem, s->cons));
    } else {
      ECHECK(ERKStepSetConstraints(mem, NULL));
    }
    return RS_OK;
  }
  s->erk_rtol = erk_tol_scale * opt->rtol;
  s->erk_atol = erk_tol_scale * opt->atol;
  s->erk_errcon = opt->sens_errcon;
  double *cons = N_VGetArrayPointer(s->ya_cons);
  for (size_t i = 0; i < n * (size_t)(1 + ns); i++)
    cons[i] = i < n && ode->constraints ? ode->constraints[i] : 0.0;
  ECHECK(ERKStepWFtolerances(mem, erk_weights));
  ECHECK(ERKStepSetConstraints(mem, ode->constraints ? s->ya_cons : NULL));
  return RS_OK;
}

/* Copy an ERK output (state and sensitivities in one vector) into the output arrays. */
static void erk_store(rs_solver *s, N_Vector y, int i, int ns, double *yout, double *ySout) {
  size_t n = (size_t)s->n;
  double *row = yout + (size_t)i * n;
  const double *ya = N_VGetArrayPointer(y);
  memcpy(row, ya, sizeof(double) * n);
  clip_row(s, row);
  if (ns > 0) memcpy(ySout + (size_t)i * (size_t)ns * n, ya + n, sizeof(double) * n * (size_t)ns);
}

static rs_status erk_stats(rs_solver *s, void *mem, int ns, rs_solver_stats *stats, double t_now,
                           rs_error *err) {
  long nst = 0, nfe = 0, netf = 0;
  ECHECK(ERKStepGetNumSteps(mem, &nst));
  ECHECK(ERKStepGetNumRhsEvals(mem, &nfe));
  ECHECK(ERKStepGetNumErrTestFails(mem, &netf));
  stats->steps = nst;
  stats->rhs_evals = nfe;
  stats->err_test_fails = netf;
  /* The augmented RHS evaluates the sensitivities with every state RHS. */
  stats->sens_rhs_evals = ns > 0 ? nfe : 0;
  return RS_OK;
}

/* ERK: explicit Dormand-Prince 5(4) with a stop time at every edge; after an edge the method
 * restarts from the state reached (the first stage of the next step must see the new segment's
 * RHS), with the last step size as its first guess. stiff_steps > 0: stop with *stiff = 1 once
 * the run has taken that many steps. */
static rs_status integrate_erk(rs_solver *s, const rs_ode *ode, const rs_solver_options *opt,
                               double t0, const double *y0, const double *edges, int nedges,
                               const double *tout, int nout, double *yout, int ns,
                               const double *yS0, double *ySout, rs_solver_stats *stats,
                               long stiff_steps, int *stiff, rs_error *err) {
  double t_now = t0;
  size_t n = (size_t)s->n;
  s->ode = ode;
  s->cv_msg[0] = '\0';
  s->last_flag = RS_FAIL_NONE;
  s->ns_run = ns;
  void *mem = NULL;
  rs_status st = erk_memory(s, ns, &mem, err);
  if (st != RS_OK) return st;
  N_Vector y = ns > 0 ? s->ya : s->y;
  double *ya = N_VGetArrayPointer(y);
  memcpy(ya, y0, sizeof(double) * n);
  if (ns > 0) memcpy(ya + n, yS0, sizeof(double) * n * (size_t)ns);
  if ((st = erk_setup(s, mem, ode, opt, t0, y, ns, err)) != RS_OK) return st;
  double t_end = tout[nout - 1];
  int io = 0, ie = 0;
  while (io < nout && tout[io] == t0) erk_store(s, y, io++, ns, yout, ySout);
  while (io < nout) {
    while (ie < nedges && edges[ie] <= t_now) ie++;
    double t_hi = ie < nedges && edges[ie] < t_end ? edges[ie] : t_end;
    if (ode->segment) ode->segment(t_now, t_hi, ode->user);
    ECHECK(ERKStepSetStopTime(mem, t_hi));
    for (;;) {
      double target = io < nout && tout[io] <= t_hi ? tout[io] : t_hi;
      double tret = t_now;
      int flag = ERKStepEvolve(mem, target, y, &tret, ARK_NORMAL);
      if (flag < 0) {
        rs_error ignored;
        st = fail_any(s, 1, "ERKStepEvolve", flag, tret, err);
        (void)erk_stats(s, mem, ns, stats, tret, &ignored);
        stats->segments++;
        return st;
      }
      t_now = tret;
      if (io < nout && tout[io] <= t_hi && tret >= tout[io]) erk_store(s, y, io++, ns, yout, ySout);
      if (tret >= t_hi) break;
      if (stiff_steps > 0) {
        long nst = 0;
        ECHECK(ERKStepGetNumSteps(mem, &nst));
        if (nst > stiff_steps) {
          *stiff = 1;
          stats->segments++;
          return erk_stats(s, mem, ns, stats, t_now, err);
        }
      }
    }
    stats->segments++;
    if (io >= nout) break;
    t_now = t_hi;
    double hlast = 0.0;
    ECHECK(ERKStepGetLastStep(mem, &hlast));
    ECHECK(ERKStepSetInitStep(mem, hlast));
    ECHECK(ERKStepReset(mem, t_now, y));
  }
  if (stiff_steps > 0) {
    long nst = 0;
    ECHECK(ERKStepGetNumSteps(mem, &nst));
    if (nst > stiff_steps) *stiff = 1;
  }
  return erk_stats(s, mem, ns, stats, t_now, err);
}

/* ---------------------------------------------------------------- dispatch */

static void add_work(rs_solver_stats *to, const rs_solver_stats *from) {
  to->steps += from->steps;
  to->rhs_evals += from->rhs_evals;
  to->jac_evals += from->jac_evals;
  to->lin_setups += from->lin_setups;
  to->err_test_fails += from->err_test_fails;
  to->nonlin_iters += from->nonlin_iters;
  to->nonlin_conv_fails += from->nonlin_conv_fails;
  to->segments += from->segments;
  to->sens_rhs_evals += from->sens_rhs_evals;
}

static rs_status integrate(rs_solver *s, const rs_ode *ode, const rs_solver_options *opt, double t0,
                           const double *y0, const double *edges, int nedges, const double *tout,
                           int nout, double *yout, int ns, const double *yS0, double *ySout,
                           rs_solver_stats *stats, rs_error *err) {
  rs_solver_stats local;
  if (!stats) stats = &local;
  memset(stats, 0, sizeof *stats);
  rs_status st = check_inputs(s, ode, t0, tout, nout, err);
  if (st != RS_OK) return st;
  if (opt->method == RS_METHOD_BDF || opt->method == RS_METHOD_ADAMS)
    return integrate_cvode(s, ode, opt, t0, y0, edges, nedges, tout, nout, yout, ns, yS0, ySout,
                           stats, err);
  if (opt->method == RS_METHOD_ERK)
    return integrate_erk(s, ode, opt, t0, y0, edges, nedges, tout, nout, yout, ns, yS0, ySout,
                         stats, 0, NULL, err);
  /* AUTO: ERK within a step budget, BDF again from the start for a run it fails or finds stiff
   * (the work of the abandoned attempt counts too). With sensitivities, Adams instead of ERK:
   * its sensitivities are the more accurate (tests/test_methods.c), at less cost. */
  int stiff = 0;
  if (ns > 0) {
    rs_solver_options adams = *opt;
    adams.method = RS_METHOD_ADAMS;
    if (adams.max_steps > RS_SOLVER_STIFF_STEPS) adams.max_steps = RS_SOLVER_STIFF_STEPS;
    st = integrate_cvode(s, ode, &adams, t0, y0, edges, nedges, tout, nout, yout, ns, yS0, ySout,
                         stats, err);
    stiff = st == RS_OK && stats->steps > RS_SOLVER_STIFF_STEPS;
  } else {
    st = integrate_erk(s, ode, opt, t0, y0, edges, nedges, tout, nout, yout, ns, yS0, ySout, stats,
                       RS_SOLVER_STIFF_STEPS, &stiff, err);
  }
  if (st == RS_OK && !stiff) return RS_OK;
  if (st == RS_ERR_NOMEM) return st;
  rs_solver_stats first = *stats;
  memset(stats, 0, sizeof *stats);
  rs_solver_options bdf = *opt;
  bdf.method = RS_METHOD_BDF;
  st = integrate_cvode(s, ode, &bdf, t0, y0, edges, nedges, tout, nout, yout, ns, yS0, ySout, stats,
                       err);
  add_work(stats, &first);
  stats->fallbacks = 1;
  return st;
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
