/* sim/sim.c -- run the model through the solver and compute the indicators on the output grid.
 * This file contains the glue between the economics (model/) and the integrator (solver/):
 * callbacks that adapt rs_model_rhs/jac to rs_ode, the output grid, and failure messages that
 * say which year, which setting and which state. */
#include "sim.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct rs_sim {
  rs_solver *solver;
  rs_model model;
  int cap;      /* rows allocated in tout and yout */
  double *tout; /* output times */
  double *yout; /* states at the output times */
  /* sensitivities of the current run */
  const rs_pref *refs;
  int ns;
  size_t scap;    /* doubles allocated in ySout */
  double *ySout;  /* state sensitivities at the output times: (row*ns + k)*RS_NSTATE + i */
  double *yS0;    /* initial sensitivities, ns*RS_NSTATE */
  int method;     /* rs_method of every run (rs_sim_set_method), -1: solver.method */
  int errcon;     /* sensitivity error control with method */
  long runs;      /* runs so far */
  long fallbacks; /* of which RS_METHOD_AUTO ran again with BDF */
};

void rs_series_init(rs_series *s) {
  memset(s, 0, sizeof *s);
}

void rs_series_free(rs_series *s) {
  if (!s) return;
  free(s->year);
  free(s->ind);
  memset(s, 0, sizeof *s);
}

double rs_series_value_at(const rs_series *s, int col, double y) {
  if (s->nrows < 1 || y < s->year[0] - 1e-9 || y > s->year[s->nrows - 1] + 1e-9) return (double)NAN;
  for (int i = 0; i < s->nrows; i++) {
    if (fabs(s->year[i] - y) < 1e-9) return rs_series_at(s, i, col);
    if (i + 1 < s->nrows && s->year[i] < y && y < s->year[i + 1]) {
      double w = (y - s->year[i]) / (s->year[i + 1] - s->year[i]);
      return (1.0 - w) * rs_series_at(s, i, col) + w * rs_series_at(s, i + 1, col);
    }
  }
  return (double)NAN;
}

double rs_series_mean(const rs_series *s, int col, double y1, double y2) {
  if (y2 <= y1) return rs_series_value_at(s, col, y1);
  double v1 = rs_series_value_at(s, col, y1), v2 = rs_series_value_at(s, col, y2);
  if (isnan(v1) || isnan(v2)) return (double)NAN;
  /* Trapezoids over [y1, y2]: the end points, and every row strictly inside. */
  double sum = 0.0, tprev = y1, vprev = v1;
  for (int i = 0; i < s->nrows; i++) {
    double t = s->year[i];
    if (t <= y1 + 1e-9 || t >= y2 - 1e-9) continue;
    double v = rs_series_at(s, i, col);
    sum += 0.5 * (v + vprev) * (t - tprev);
    tprev = t;
    vprev = v;
  }
  sum += 0.5 * (v2 + vprev) * (y2 - tprev);
  return sum / (y2 - y1);
}

/* Ensemble runs of the process (sims with a method set), for the commands' reports; atomic
 * because the ensembles run on several threads. */
static atomic_long ensemble_runs, ensemble_fallbacks;

void rs_sim_ensemble_totals(long *runs, long *fallbacks) {
  *runs = atomic_load(&ensemble_runs);
  *fallbacks = atomic_load(&ensemble_fallbacks);
}

double rs_series_deviation(const rs_series *a, const rs_series *ref, int c0, int c1) {
  if (a->nrows != ref->nrows) return (double)INFINITY;
  double worst = 0.0;
  for (int c = c0; c < c1; c++) {
    double scale = 0.0;
    for (int i = 0; i < ref->nrows; i++) {
      double r = fabs(rs_series_at(ref, i, c));
      if (isfinite(r) && r > scale) scale = r;
    }
    if (scale == 0.0) scale = 1.0;
    for (int i = 0; i < ref->nrows; i++) {
      double x = rs_series_at(a, i, c), r = rs_series_at(ref, i, c);
      if (isnan(x) && isnan(r)) continue;
      double d = fabs(x - r) / scale;
      if (!(d <= worst)) worst = isnan(d) ? (double)INFINITY : d;
    }
  }
  return worst;
}

rs_sim *rs_sim_alloc(rs_error *err) {
  rs_sim *sim = calloc(1, sizeof *sim);
  if (!sim) {
    rs_fail(err, RS_ERR_NOMEM, "out of memory");
    return NULL;
  }
  sim->method = -1;
  sim->solver = rs_solver_alloc(RS_NSTATE, err);
  if (!sim->solver) {
    free(sim);
    return NULL;
  }
  return sim;
}

void rs_sim_free(rs_sim *sim) {
  if (!sim) return;
  free(sim->yS0);
  free(sim->ySout);
  free(sim->yout);
  free(sim->tout);
  rs_solver_free(sim->solver);
  free(sim);
}

const rs_model *rs_sim_model(const rs_sim *sim) {
  return &sim->model;
}

void rs_sim_set_method(rs_sim *sim, const rs_solver_options *o) {
  sim->method = o ? (int)o->method : -1;
  sim->errcon = o ? o->sens_errcon : 0;
}

long rs_sim_runs(const rs_sim *sim) {
  return sim->runs;
}

long rs_sim_fallbacks(const rs_sim *sim) {
  return sim->fallbacks;
}

rs_solver_options rs_sim_solver_options(const rs_params *p) {
  rs_solver_options o = rs_solver_default_options();
  /* The enumeration's words are in the order of rs_method. */
  o.method = (rs_method)(int)p->v[RS_P_SOLVER_METHOD];
  o.rtol = p->v[RS_P_SOLVER_RTOL];
  o.atol = p->v[RS_P_SOLVER_ATOL];
  o.max_steps = (long)p->v[RS_P_SOLVER_MAX_STEPS];
  o.max_step = p->v[RS_P_SOLVER_MAX_STEP];
  o.sens_errcon = p->v[RS_P_SOLVER_SENS_ERRCON] == 1.0;
  return o;
}

int rs_sim_output_times(const rs_params *p, double *t) {
  double t0 = p->v[RS_P_SPAN_START], t1 = p->v[RS_P_SPAN_END], h = p->v[RS_P_SPAN_OUTPUT_STEP];
  /* t0 + i h rather than repeated addition, so the grid has no drift; a point within 1e-9 yr of
   * the end is the end. */
  int n = 0;
  for (long i = 0;; i++) {
    double ti = t0 + (double)i * h;
    if (ti > t1 - 1e-9) break;
    if (t) t[n] = ti;
    n++;
  }
  if (t) t[n] = t1;
  return n + 1;
}

/* ---------------------------------------------------------------- callbacks */

static int cb_rhs(double t, const double *y, double *ydot, void *user) {
  rs_sim *sim = user;
  return rs_model_rhs(&sim->model, t, y, ydot);
}

static int cb_jac(double t, const double *y, double *J, void *user) {
  rs_sim *sim = user;
  return rs_model_jac(&sim->model, t, y, J);
}

static void cb_segment(double t_lo, double t_hi, void *user) {
  rs_sim *sim = user;
  rs_model_set_segment(&sim->model, t_lo, t_hi);
}

static int cb_sens(double t, const double *y, const double *ydot, int ns, const double *const *yS,
                   double *const *ySdot, void *user) {
  rs_sim *sim = user;
  (void)ydot;
  return rs_model_sens_rhs(&sim->model, sim->refs, ns, t, y, yS, ySdot);
}

/* ---------------------------------------------------------------- buffers */

static rs_status reserve(rs_sim *sim, rs_series *out, int rows, rs_error *err) {
  if (rows > sim->cap) {
    double *t = realloc(sim->tout, sizeof(double) * (size_t)rows);
    if (t) sim->tout = t;
    double *y = realloc(sim->yout, sizeof(double) * (size_t)rows * RS_NSTATE);
    if (y) sim->yout = y;
    if (!t || !y) return rs_fail(err, RS_ERR_NOMEM, "out of memory for %d output rows", rows);
    sim->cap = rows;
  }
  if (rows > out->cap) {
    double *yr = realloc(out->year, sizeof(double) * (size_t)rows);
    if (yr) out->year = yr;
    double *ind = realloc(out->ind, sizeof(double) * (size_t)rows * RS_NINDICATOR);
    if (ind) out->ind = ind;
    if (!yr || !ind) return rs_fail(err, RS_ERR_NOMEM, "out of memory for %d output rows", rows);
    out->cap = rows;
  }
  return RS_OK;
}

/* ---------------------------------------------------------------- indicators */

/* Flows at an output time are those of the segment that starts there (the right limit: an
 * event that begins in 1991.0 already acts in the 1991 row), except at the last time, which
 * belongs to the segment that ends there. */
static void fill_indicators(rs_sim *sim, rs_series *out, int nrows, double *dS) {
  rs_model *m = &sim->model;
  double t0 = m->t0, t1 = sim->tout[nrows - 1];
  for (int i = 0; i < nrows; i++) {
    double t = sim->tout[i];
    double lo = t0, hi = t1;
    for (int k = 0; k < m->nedges; k++) {
      double e = m->edges[k];
      if (i == nrows - 1 ? e < t : e <= t)
        lo = e;
      else if (e < hi) {
        hi = e;
        break;
      }
    }
    rs_model_set_segment(m, lo, hi);
    out->year[i] = t;
    rs_model_indicators(m, t, sim->yout + (size_t)i * RS_NSTATE,
                        out->ind + (size_t)i * RS_NINDICATOR);
    if (dS)
      rs_model_sens_indicators(m, sim->refs, sim->ns, t, sim->yout + (size_t)i * RS_NSTATE,
                               sim->ySout + (size_t)i * (size_t)sim->ns * RS_NSTATE,
                               dS + (size_t)i * (size_t)sim->ns * RS_NINDICATOR);
  }
  out->nrows = nrows;
}

/* ---------------------------------------------------------------- failures */

static const char *hint_for(int failure) {
  switch (failure) {
    case RS_FAIL_TOO_MUCH_WORK:
      return "raise 'solver.max_steps' or loosen 'solver.rtol'; if the steps became tiny, look "
             "for extreme parameter values";
    case RS_FAIL_TOO_MUCH_ACC:
      return "loosen 'solver.rtol' or 'solver.atol'";
    case RS_FAIL_ERR_TEST:
    case RS_FAIL_CONV:
      return "the step size collapsed: look for extreme parameter values, or try "
             "'solver.method = \"bdf\"'";
    case RS_FAIL_RHS:
      return "a stock left its physical range or became NaN: look for extreme parameter values";
    default:
      return "see the CVODES message";
  }
}

static rs_status run_failed(rs_sim *sim, const rs_params *p, rs_error *err) {
  char inner[sizeof err->msg];
  snprintf(inner, sizeof inner, "%s", err->msg);
  double year = rs_solver_last_failure_time(sim->solver);
  return rs_fail(err, RS_ERR_RUN,
                 "the run failed in simulated year %.3f (span %g-%g, solver.rtol = %g, "
                 "solver.max_steps = %g): %s. Hint: %s",
                 year, p->v[RS_P_SPAN_START], p->v[RS_P_SPAN_END], p->v[RS_P_SOLVER_RTOL],
                 p->v[RS_P_SOLVER_MAX_STEPS], inner, hint_for(rs_solver_last_failure(sim->solver)));
}

/* ---------------------------------------------------------------- the run */

/* Grow the sensitivity buffers for nrows rows of ns parameters. */
static rs_status reserve_sens(rs_sim *sim, int nrows, int ns, rs_error *err) {
  size_t need = (size_t)nrows * (size_t)ns * RS_NSTATE;
  if (need > sim->scap) {
    double *b = realloc(sim->ySout, sizeof(double) * need);
    if (!b) return rs_fail(err, RS_ERR_NOMEM, "out of memory for sensitivities");
    sim->ySout = b;
    sim->scap = need;
  }
  double *b0 = realloc(sim->yS0, sizeof(double) * (size_t)ns * RS_NSTATE);
  if (!b0) return rs_fail(err, RS_ERR_NOMEM, "out of memory for sensitivities");
  sim->yS0 = b0;
  return RS_OK;
}

/* The run, with sensitivities when ns > 0. */
static rs_status run(rs_sim *sim, const rs_params *p, const rs_pref *refs, int ns, rs_series *out,
                     double *dS, rs_solver_stats *stats, rs_error *err) {
  out->nrows = 0;
  int nrows = rs_sim_output_times(p, NULL);
  rs_status st = reserve(sim, out, nrows, err);
  if (st == RS_OK && ns > 0) st = reserve_sens(sim, nrows, ns, err);
  if (st != RS_OK) return st;
  rs_sim_output_times(p, sim->tout);
  rs_model *m = &sim->model;
  rs_model_prepare(m, p);
  sim->refs = refs;
  sim->ns = ns;
  double y0[RS_NSTATE];
  rs_model_initial_state(m, y0);
  rs_ode ode = {RS_NSTATE,
                cb_rhs,
                cb_jac,
                cb_segment,
                ns > 0 ? cb_sens : NULL,
                sim,
                rs_model_constraints(),
                rs_state_names()};
  rs_solver_options opt = rs_sim_solver_options(p);
  if (sim->method >= 0) {
    opt.method = (rs_method)sim->method;
    opt.sens_errcon = sim->errcon;
  }
  rs_solver_stats local;
  if (!stats) stats = &local;
  if (ns > 0) {
    rs_model_sens_initial(m, refs, ns, sim->yS0);
    st =
        rs_solver_integrate_sens(sim->solver, &ode, &opt, m->t0, y0, m->edges, m->nedges, sim->tout,
                                 nrows, sim->yout, ns, sim->yS0, sim->ySout, stats, err);
  } else {
    st = rs_solver_integrate(sim->solver, &ode, &opt, m->t0, y0, m->edges, m->nedges, sim->tout,
                             nrows, sim->yout, stats, err);
  }
  sim->runs++;
  sim->fallbacks += stats->fallbacks;
  if (sim->method >= 0) {
    atomic_fetch_add(&ensemble_runs, 1);
    atomic_fetch_add(&ensemble_fallbacks, stats->fallbacks);
  }
  if (st == RS_ERR_RUN) return run_failed(sim, p, err);
  if (st != RS_OK) return st;
  fill_indicators(sim, out, nrows, ns > 0 ? dS : NULL);
  return RS_OK;
}

rs_status rs_sim_run(rs_sim *sim, const rs_params *p, rs_series *out, rs_solver_stats *stats,
                     rs_error *err) {
  return run(sim, p, NULL, 0, out, NULL, stats, err);
}

rs_status rs_sim_run_sens(rs_sim *sim, const rs_params *p, const rs_pref *refs, int ns,
                          rs_series *out, double *dS, rs_solver_stats *stats, rs_error *err) {
  if (ns < 1 || !refs || !dS)
    return rs_fail(err, RS_ERR_RUN, "sensitivities need at least one parameter");
  return run(sim, p, refs, ns, out, dS, stats, err);
}
