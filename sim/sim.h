/* sim/sim.h -- one model run: the prepared model integrated by the solver onto the output grid,
 * with every indicator computed at every output time.
 * This module joins model/ (economics) and solver/ (numerics); the command line, the benchmark
 * and the calibration all run the model through it. It reads and writes no files. */
#ifndef RS_SIM_H
#define RS_SIM_H

#include "model.h"
#include "solver.h"

/* The result of a run: one row per output time, RS_NINDICATOR values per row. */
typedef struct rs_series {
  int nrows;
  double *year; /* nrows output times, yr */
  double *ind;  /* nrows * RS_NINDICATOR values, row-major, columns as rs_indicator */
  int cap;      /* rows allocated */
} rs_series;

void rs_series_init(rs_series *s);
void rs_series_free(rs_series *s); /* a series set up by rs_series_init; NULL is a no-op */
/* Value of indicator col at row i. */
static inline double rs_series_at(const rs_series *s, int i, int col) {
  return s->ind[(size_t)i * RS_NINDICATOR + (size_t)col];
}
/* Value of indicator col at year y, linear between rows; NAN outside the series. */
double rs_series_value_at(const rs_series *s, int col, double y);
/* The time average of indicator col over [y1, y2] by the trapezoid rule on the output rows
 * (the value itself when y1 == y2, interpolated linearly between rows); NAN when the series does
 * not cover [y1, y2]. */
double rs_series_mean(const rs_series *s, int col, double y1, double y2);

/* How far series a lies from a reference series ref of the same rows: the largest |a - ref| over
 * every row and the indicators c0 <= c < c1, each relative to the largest |ref| of that indicator
 * over the run (so that an indicator crossing zero is judged on its own scale). NAN in both
 * counts as agreement, in one as INFINITY, and so does a different number of rows. */
double rs_series_deviation(const rs_series *a, const rs_series *ref, int c0, int c1);

/* A reusable run workspace (solver, model, buffers). A run does no allocation once the buffers
 * are large enough, so repeated runs (benchmark, calibration) cost only the integration. One per
 * thread. */
typedef struct rs_sim rs_sim;

rs_sim *rs_sim_alloc(rs_error *err);
void rs_sim_free(rs_sim *sim); /* NULL is a no-op */

/* The solver options a parameter set asks for (solver.* settings). */
rs_solver_options rs_sim_solver_options(const rs_params *p);

/* Number of output times for p (span.start to span.end every span.output_step, plus span.end
 * when the step does not land on it) and the times themselves into t (may be NULL). */
int rs_sim_output_times(const rs_params *p, double *t);

/* Run p (which must have passed rs_params_validate) from span.start to span.end. out receives
 * the series (its buffers grow as needed and are kept for the next run); stats may be NULL. On
 * failure (RS_ERR_RUN) err says which year, which state, which CVODE flag, and which setting to
 * change; out is then left empty (nrows = 0). */
rs_status rs_sim_run(rs_sim *sim, const rs_params *p, rs_series *out, rs_solver_stats *stats,
                     rs_error *err);

/* As rs_sim_run, with forward sensitivities (exact right-hand sides by the complex step; CVODES
 * with the staggered corrector, or ERK on the state and sensitivities together, see solver.h)
 * for the ns parameters refs: dS receives the derivative of every
 * indicator with respect to every parameter at every output row,
 * dS[(row*ns + k)*RS_NINDICATOR + c] = d indicator_c / d p_k; it must hold
 * rs_sim_output_times(p, NULL) * ns * RS_NINDICATOR doubles. */
rs_status rs_sim_run_sens(rs_sim *sim, const rs_params *p, const rs_pref *refs, int ns,
                          rs_series *out, double *dS, rs_solver_stats *stats, rs_error *err);

/* Member runs of an ensemble: every later run of sim uses o's method and sensitivity error
 * control (the ensemble commands pass rs_solver_ensemble_options()) instead of solver.method and
 * solver.sens_error_control; tolerances and limits stay those of the parameters. NULL: back to
 * the parameters' settings. */
void rs_sim_set_method(rs_sim *sim, const rs_solver_options *o);
/* Runs of sim so far, and how many of them RS_METHOD_AUTO ran again with BDF (for reports). */
long rs_sim_runs(const rs_sim *sim);
long rs_sim_fallbacks(const rs_sim *sim);
/* The same summed over every sim of the process that had a method set (thread-safe). */
void rs_sim_ensemble_totals(long *runs, long *fallbacks);

/* The model as last prepared by rs_sim_run (for indicator evaluations by callers). */
const rs_model *rs_sim_model(const rs_sim *sim);

#endif /* RS_SIM_H */
