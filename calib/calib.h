/* calib/calib.h -- calibration of relsim against the paper's figures.
 * This module fits the free parameters (params/free.cfg) of a base scenario to the targets
 * (params/targets.cfg) by weighted least squares on scaled residuals: a Levenberg-Marquardt
 * method that keeps the parameters within their search bounds as constraints (lsq.c, for any
 * small bound-constrained least-squares problem), from a multi-start of the base values, given
 * points (a previous optimum) and a Latin hypercube, in parallel (OpenMP) with results
 * independent of the thread count, with the Jacobian from CVODES forward sensitivities (or
 * central differences, for checking). It then describes the fit: standard errors,
 * correlations, identifiability (collinearity indices) and targets in tension, profiles of
 * chosen parameters (profile.c: the cost curve with the others re-fitted), and writes the report
 * (report.c). */
#ifndef RS_CALIB_H
#define RS_CALIB_H

#include <signal.h>
#include <stdint.h>

#include "params.h"
#include "plots.h" /* rs_plots_report: what the report's figures came to */
#include "targets.h"

/* ---------------------------------------------------------------- the free set */

#define RS_FREE_MAX 32

/* The kinds of prior a free parameter can have (free.cfg: prior = { kind = "..."; ... };). Every
 * prior is truncated to the search bounds [lower, upper] and normalised there. */
typedef enum rs_prior_kind {
  RS_PRIOR_UNIFORM,   /* uniform on the bounds (the default: no prior given) */
  RS_PRIOR_NORMAL,    /* mean, sd (also the old prior = [mean, sd]) */
  RS_PRIOR_LOGNORMAL, /* median, sdlog: log x normal with mean log(median); needs lower >= 0 */
  RS_PRIOR_BETA,      /* a, b: (x - lower)/(upper - lower) is Beta(a, b) */
  RS_PRIOR_HALFNORMAL /* scale: x - lower is |N(0, scale^2)| */
} rs_prior_kind;

typedef struct rs_free_param {
  rs_pref ref;   /* the parameter (a scalar or an event magnitude) */
  char name[64]; /* "tfp.lambda", "event.bubble.magnitude" */
  double lower;  /* search bounds, inside the registry bounds */
  double upper;
  int has_prior; /* 1: a normal prior adds the residual (x - prior_mean) / prior_sd to the
                    least-squares cost of the calibration (only normal priors do: least squares
                    holds Gaussian terms; the posterior uses every kind) */
  double prior_mean;
  double prior_sd;
  int prior_kind;    /* rs_prior_kind */
  double prior_p[2]; /* its parameters, in the order of rs_prior_kind's comment */
  double prior_lnz;  /* log of the prior's untruncated mass within the bounds */
  int line;          /* line in free.cfg */
} rs_free_param;

typedef struct rs_free_set {
  int n;
  rs_free_param p[RS_FREE_MAX];
  char file[512];
} rs_free_set;

/* Load free.cfg against the base scenario: `free = ( { name = "tfp.lambda"; lower = 0.01;
 * upper = 0.2; }, { name = "ties.kappa_e"; prior = { kind = "lognormal"; median = 6.0; sdlog = 1.0;
 * }; }, ... );` (bounds default to the registry's; the prior is optional: uniform on the bounds
 * without one; kinds and fields: "uniform" (none), "normal" (mean, sd), "lognormal" (median,
 * sdlog), "beta" (a, b) and "half-normal" (scale); the old `prior = [mean, sd]` is a normal).
 * Errors name file:line: unknown or non-real parameter (with the closest name), bounds outside the
 * registry's or not lower < upper, the base value outside the bounds, a duplicate, more than
 * RS_FREE_MAX, a prior of an unknown kind, with unknown, missing or non-numeric fields or bad
 * values (rs_free_set_prior). */
rs_status rs_free_load(const char *path, const rs_params *base, rs_free_set *fs, rs_error *err);

/* Set fp's prior to kind with parameters p0, p1 (unused ones ignored), checking them against its
 * bounds: RS_ERR_INPUT with a message (without file:line) for a bad value (sd, sdlog, scale,
 * a, b not > 0 and finite, a mean or median not finite, a lognormal on bounds below 0, a
 * median not > 0, or a prior with (almost) no mass within the bounds). The free-file loader
 * uses it; so can a caller that builds a free set by hand. */
rs_status rs_free_set_prior(rs_free_param *fp, int kind, double p0, double p1, rs_error *err);

/* "uniform", "normal", "lognormal", "beta", "half-normal"; "?" for another value. */
const char *rs_free_prior_kind_name(int kind);

/* The prior's description for tables: "uniform", "normal(3, 1)", "lognormal(median 6, sdlog
 * 1)", "beta(2, 2)", "half-normal(10)", into buf. */
const char *rs_free_prior_describe(const rs_free_param *fp, char *buf, size_t n);

/* The log density of fp's prior at x, truncated to and normalised on [lower, upper]; -INFINITY
 * outside the bounds (and where the density is 0, e.g. a lognormal at 0). */
double rs_free_prior_logpdf(const rs_free_param *fp, double x);

/* The inverse of the truncated prior's distribution function: the x in [lower, upper] whose
 * prior probability below is u (0 <= u <= 1; 0 and 1 give the bounds), to map a point of the
 * unit cube to a draw from the prior. */
double rs_free_prior_quantile(const rs_free_param *fp, double u);

/* The truncated prior's standard deviation (by quadrature of the quantile function: 2,000
 * midpoints, to about 1e-4 relative), for comparing prior and posterior spread. */
double rs_free_prior_sd(const rs_free_param *fp);

/* ---------------------------------------------------------------- bounded least squares (lsq.c) */

#define RS_LSQ_MAX RS_FREE_MAX /* variables of rs_lsq_solve */

/* The residuals of a least-squares problem at x (n values, within the bounds): f (m values)
 * and, when J is not NULL, their Jacobian df/dx (m x n, row-major). Returns 0 on success,
 * non-zero when f cannot be evaluated at x (a failed model run): the solver then treats x as
 * infinitely bad. The f of a call with J may differ from that of a call without by the
 * evaluation's noise (in the calibration a run with sensitivities takes other integrator
 * steps): the solver compares costs only between calls without J. ctx is the caller's. */
typedef int (*rs_lsq_fn)(void *ctx, const double *x, double *f, double *J);

/* Called after every iteration with its number (1, 2, ...) and the cost |f|^2 reached. */
typedef void (*rs_lsq_progress_fn)(void *ctx, int iter, double cost);

typedef struct rs_lsq_options {
  int max_iter;            /* iterations: accepted steps, each with one Jacobian */
  double xtol, gtol, ftol; /* convergence tests: step, projected gradient, cost (see lsq.c) */
  volatile sig_atomic_t *interrupt; /* when non-NULL and set, stop before the next trial */
  rs_lsq_progress_fn progress;      /* may be NULL */
  void *progress_ctx;
} rs_lsq_options;

typedef struct rs_lsq_result {
  double cost;    /* |f(x)|^2 at the returned x; INFINITY when f could not be evaluated there */
  int status;     /* 0 converged, 1 iteration limit, 2 interrupted, 3 failed (see rs_lsq_solve) */
  int iterations; /* accepted steps */
  int nf, nj;     /* evaluations of f alone (trial points) and of f with J (accepted points) */
  int nfail;      /* evaluations that failed or returned values that are not finite */
  int left_bound; /* times an accepted step moved a variable off a bound it sat on */
  int at_bound;   /* variables on a bound (exactly) at the returned x */
  double kkt;     /* the first-order optimality measure at x (the gtol test; NAN when unknown) */
} rs_lsq_result;

/* 100 iterations, tolerances 1e-8, no interrupt, no progress. */
rs_lsq_options rs_lsq_default_options(void);

/* Minimise |f(x)|^2 subject to lo <= x <= hi (finite, lo[j] < hi[j]; 1 <= n <= RS_LSQ_MAX,
 * m >= 1) from x (clamped into the box first), by Levenberg-Marquardt steps that solve the damped
 * linear model within the box (lsq.c says how, and what the tolerances test). A variable on a
 * bound leaves it whenever the cost decreases into the box. x receives the end point, the
 * lowest cost reached: the cost never increases. Failed evaluations at trial points shorten the
 * step; only a failure at the start gives status 3 (cost INFINITY when f fails there, x the
 * clamped start; its cost when only J fails). Deterministic: the same inputs give the same
 * iterates bit for bit (no threads, so it may run in many threads at once, each with its own
 * ctx). GSL's error handler must be off (gsl_set_error_handler_off, once, before any threads)
 * so that a linear-algebra failure comes back as a code: it gives status 3 at the last good
 * point, RS_ERR_RUN and a message. Otherwise returns RS_OK with the outcome in res,
 * RS_ERR_INPUT for bad sizes, bounds or options, RS_ERR_NOMEM. */
rs_status rs_lsq_solve(int n, int m, const double *lo, const double *hi, rs_lsq_fn fn, void *ctx,
                       const rs_lsq_options *opt, double *x, rs_lsq_result *res, rs_error *err);

/* ---------------------------------------------------------------- options */

typedef enum rs_jacobian_kind {
  RS_JAC_SENS, /* CVODES forward sensitivities, chain rule through the target formulas */
  RS_JAC_FD    /* central differences of whole runs (for checking) */
} rs_jacobian_kind;

#define RS_CALIB_MAX_EXTRA 64 /* extra starting points */

typedef struct rs_calib_options {
  int nstarts;                   /* the design: start 0 is the base values, nstarts - 1 a Latin
                                    hypercube; the extra starts come on top */
  uint64_t seed;                 /* seed of the design (the result depends on it, not on threads) */
  int max_iter;                  /* Levenberg-Marquardt iterations per start */
  int jacobian;                  /* rs_jacobian_kind */
  int threads;                   /* OpenMP threads; 0 = the OpenMP default */
  int progress;                  /* 1: progress lines on stderr */
  double xtol, gtol, ftol;       /* convergence tests of rs_lsq_solve (lsq.c) */
  const rs_params *extra_starts; /* nextra parameter sets (may be NULL when nextra is 0): the
                                    values of the free parameters in each, clamped into the
                                    search bounds, are starts 1..nextra (0-based; the hypercube
                                    follows them), e.g. a previous optimum */
  int nextra;                    /* 0 to RS_CALIB_MAX_EXTRA */
  volatile sig_atomic_t *interrupt; /* when non-NULL and set (by a SIGINT handler), every start
                                       stops at its next iteration and the best point so far is
                                       returned with interrupted = 1 */
} rs_calib_options;

/* 16 starts, seed 20010618 (the paper's date), 100 iterations, sensitivities, tolerances 1e-8,
 * no extra starts. */
rs_calib_options rs_calib_default_options(void);

/* ---------------------------------------------------------------- the result */

typedef struct rs_calib_start {
  double x0[RS_FREE_MAX]; /* starting point */
  double x[RS_FREE_MAX];  /* end point */
  double cost;            /* cost at the end point (see rs_calib_result.cost) */
  int iterations;
  int status;     /* 0 converged, 1 iteration limit, 2 interrupted, 3 failed */
  long runs;      /* model runs used (plain + sensitivity) */
  int left_bound; /* times a step moved a parameter off a bound it sat on */
} rs_calib_start;

/* A pair of targets whose cost gradients point against each other at the optimum: moving the
 * parameters to fit one worsens the other. */
typedef struct rs_calib_tension {
  int a, b;      /* target indices */
  double cosine; /* cosine of the angle between the two cost gradients (-1: opposed) */
} rs_calib_tension;

/* A subset of free parameters and its collinearity index (R's FME::collin): 1/sqrt of the
 * smallest eigenvalue of S'S, S the residual Jacobian with unit-length columns. Above 10-15
 * the subset is poorly identifiable: its parameters can compensate each other. */
typedef struct rs_calib_collin {
  uint32_t mask; /* bit j: free parameter j */
  int size;
  double gamma;
} rs_calib_collin;

typedef struct rs_calib_result {
  int n;                  /* free parameters */
  int m;                  /* residuals: targets (modelled, incl. series points) and priors */
  int nstarts;            /* all starts: 1 + nextra + the hypercube */
  int nextra;             /* starts 1..nextra (0-based) are the extra points */
  rs_calib_start *starts; /* nstarts, owned */
  int best;               /* index of the best start (lowest cost; ties: lowest index) */
  double x[RS_FREE_MAX];  /* the estimate */
  double cost;            /* sum over targets of weight * residual^2, plus prior terms */
  rs_params fitted;       /* base with the estimate */
  rs_series series;       /* the run at the estimate, owned */
  long runs;              /* model runs in all */
  int interrupted;        /* 1: stopped by the interrupt flag */
  /* per target (index as in rs_targets; unmodelled targets: NAN and 0) */
  int ntargets;
  double *model; /* model value of each target */
  double *resid; /* the residual of each target (RMS for a series) */
  double *tcost; /* weight * sum of its squared residuals */
  /* per free parameter */
  double se[RS_FREE_MAX];    /* standard error, INFINITY when not identified */
  int at_bound[RS_FREE_MAX]; /* 1: within 0.1 % of the range from a bound */
  int weak[RS_FREE_MAX];     /* 1: weakly identified (see calib.c: relative SE > 0.25 of
                                the range, or in a pair with collinearity index > 15) */
  double *cov;               /* n x n Gauss-Newton covariance (J'J)^-1 (pseudo-inverse): the scales
                                of the target file are read as standard deviations */
  double *corr;              /* n x n correlation matrix */
  double sigma2;             /* reference only: cost / (m_eff - n), NAN when m_eff <= n (m_eff: rows
                                of J that are not zero); not used to scale cov */
  double *J;                 /* m x n weighted residual Jacobian d(sqrt(w) r)/dx at the estimate */
  double *res;               /* m weighted residuals sqrt(w) r at the estimate */
  int *res_target; /* m: target index of each residual (-1 - j for the prior of param j) */
  /* identifiability */
  double collin_all; /* collinearity index of the whole free set */
  int ncollin;
  rs_calib_collin *collin; /* worst subsets, by size then gamma descending, owned */
  /* targets in tension */
  int ntension;
  rs_calib_tension *tension; /* by cosine ascending, owned */
} rs_calib_result;

/* Fit fs over base to ts. Every start runs in its own workspace; the result is the same for
 * any number of threads. On RS_OK (also when interrupted, with res->interrupted = 1) res holds
 * the estimate and its description; free it with rs_calib_result_free. */
rs_status rs_calibrate(const rs_params *base, const rs_targets *ts, const rs_free_set *fs,
                       const rs_calib_options *opt, rs_calib_result *res, rs_error *err);
void rs_calib_result_free(rs_calib_result *res);

/* One start of the calibration of fs over ts from the values of the free parameters in start
 * (clamped into the search bounds), on the calling thread, without the description that
 * rs_calibrate adds (covariance, collinearity, tension: far more work than a short re-fit, and
 * not needed when the fit is one of many, as on a profile's grid). out receives the start as
 * rs_calibrate would record it (x0, x, cost, iterations, status, runs, left_bound): cost is
 * that of a plain run at the end point (INFINITY, status 3, when the model could not be run at
 * the start), comparable between re-fits but not bit for bit with rs_calibrate's cost, which
 * comes from the run with sensitivities. fitted receives start with the end point. opt gives
 * iterations, tolerances, the Jacobian kind and the interrupt (its starts, threads and progress
 * are not used). Deterministic; safe to call from many threads at once once GSL's error
 * handler is off (gsl_set_error_handler_off, as for rs_lsq_solve). Errors: RS_ERR_INPUT for a
 * free set of 0 or more than RS_FREE_MAX parameters, RS_ERR_NOMEM; a fit that fails is not an
 * error. */
rs_status rs_calib_refit(const rs_params *start, const rs_targets *ts, const rs_free_set *fs,
                         const rs_calib_options *opt, rs_calib_start *out, rs_params *fitted,
                         rs_error *err);

/* The weighted residuals (m values, as rs_calib_result.res) and, when J is not NULL, their
 * Jacobian with respect to the free parameters (m x n, row-major) at x, by the method kind.
 * For tests and for checking the sensitivities against differences. Returns the number of
 * residuals through *m. */
rs_status rs_calib_residuals(const rs_params *base, const rs_targets *ts, const rs_free_set *fs,
                             const double *x, int kind, double *res, double *J, int *m,
                             rs_error *err);

/* A reusable evaluator of the weighted residuals (as rs_calib_residuals without J): one model
 * workspace for many evaluations, for samplers that evaluate the fit at many points. One per
 * thread; base, ts and fs must outlive it. rs_calib_eval_residuals writes the residuals of the
 * targets first (rs_calib_eval_nresiduals of them, in target order, as rs_calib_result.res) and
 * then one per normal prior (has_prior), so res needs room for both; a run that fails returns
 * its status with the run's message in err. */
typedef struct rs_calib_eval rs_calib_eval;
rs_calib_eval *rs_calib_eval_alloc(const rs_params *base, const rs_targets *ts,
                                   const rs_free_set *fs, rs_error *err);
int rs_calib_eval_nresiduals(const rs_calib_eval *ev); /* target residuals, priors excluded */
rs_status rs_calib_eval_residuals(rs_calib_eval *ev, const double *x, double *res, rs_error *err);
void rs_calib_eval_free(rs_calib_eval *ev); /* NULL is fine */

/* How a file in dir refers to base_path: relative to dir, from the real paths of both (absolute
 * when they share nothing but the root), for the `base = ...;` line of a written scenario. */
void rs_calib_base_reference(const char *dir, const char *base_path, char *out, size_t n);

/* ---------------------------------------------------------------- profiles (profile.c) */

#define RS_PROFILE_MAX 8         /* parameters profiled in one call */
#define RS_PROFILE_POINTS_MAX 64 /* grid points of a profile */
#define RS_PROFILE_MAXCOL 8      /* extra columns (the thesis indicators) */

/* The profile of one free parameter: the best cost over the other free parameters with it held
 * at each grid value, and the fit at each point. The caller may add columns (e.g. what a
 * counterfactual changes at each point's fit: compare/'s rs_compare_profile_thesis). */
typedef struct rs_calib_profile {
  char name[64];                         /* the parameter, as in free.cfg */
  int param;                             /* its index in the free set */
  int n;                                 /* points, in increasing value */
  int at;                                /* the point that holds the estimate's value */
  int best;                              /* the point of lowest cost (-1 when every point failed) */
  double *value;                         /* n values */
  double *cost;                          /* n costs (INFINITY where the re-fit failed) */
  int *status;                           /* n statuses of the re-fits (as rs_calib_start.status) */
  rs_params *fitted;                     /* n fitted parameter sets */
  int ncol;                              /* extra columns, 0 to RS_PROFILE_MAXCOL */
  char col_name[RS_PROFILE_MAXCOL][48];  /* for CSV headers: "dR_2001_2025" */
  char col_label[RS_PROFILE_MAXCOL][96]; /* for tables and figure keys, with units */
  int col_plot[RS_PROFILE_MAXCOL];       /* 1: drawn on the figure (its right axis) */
  char col_title[1024]; /* what the columns are, a sentence or two for the report */
  char col_axis[64];    /* the label of the figure's right axis, with units (short) */
  char col_source[96]; /* what the columns compare, for figure keys: "no_regionalization − fit" */
  double *col;         /* n x ncol, row-major, owned (NULL when ncol is 0); NAN: unknown */
} rs_calib_profile;

/* 1 when a search range [lower, upper] gets a geometric grid: it spans three decades or more
 * from a non-negative lower bound (an erosion rate from 0 to 50), so that an even grid would
 * put every point but the first in the top decade. 0 for an even grid. */
int rs_calib_grid_geometric(double lower, double upper);

/* Point k (0..n-1) of an n-point grid across [lower, upper] (lower < upper), increasing, with
 * the bounds as its first and last points: even spacing; or, for a geometric range
 * (rs_calib_grid_geometric), geometric spacing from max(lower, upper/1000) to upper, with the
 * lower bound itself as an extra first point when it lies below upper/1000 (0, typically).
 * n < 2 gives the midpoint. */
double rs_calib_grid_point(double lower, double upper, int k, int n);

/* Check that names[0..nnames-1] can be profiled in fs: at most RS_PROFILE_MAX, each a free
 * parameter of fs and named once, and fs frees two or more. RS_ERR_INPUT names the first
 * offender and the free file (with the closest free name for a typo). For callers that want to
 * know before a calibration; rs_calib_profiles checks the same. */
rs_status rs_calib_profile_check(const rs_free_set *fs, const char *const *names, int nnames,
                                 rs_error *err);

/* Profiles of the free parameters names[0..nnames-1] (each must be in fs; fs needs two or more
 * parameters) around the estimate (the fitted parameter set of a calibration of fs over ts):
 * npoints (2..RS_PROFILE_POINTS_MAX) grid points across each one's search bounds
 * (rs_calib_grid_point) plus the estimate's own value (unless a grid point equals it); at each,
 * the parameter is held there and every other free parameter re-fitted by rs_calib_refit (opt:
 * iterations, tolerances, Jacobian kind, interrupt), starting from the fit of the neighbouring
 * point towards the estimate (continuation: the curve follows one valley instead of jumping
 * between local optima); the estimate's own point is re-fitted from the estimate, so that its
 * cost compares with the others'. The chains of points (two per parameter, up and down from
 * the estimate) run in parallel (opt->threads, 0: the OpenMP default); with opt->progress a
 * line on stderr counts the points. The result does not depend on the thread count.
 * out[0..nnames-1] are filled from scratch (ncol 0); free each with rs_calib_profile_free (on
 * error they are left empty). Errors: RS_ERR_INPUT (rs_calib_profile_check's, or npoints),
 * RS_ERR_NOMEM. A re-fit that fails gives INFINITY at its point, not an error; after an
 * interrupt the points not yet re-fitted hold status 2 (see rs_calib_refit). */
rs_status rs_calib_profiles(const rs_params *estimate, const rs_targets *ts, const rs_free_set *fs,
                            const char *const *names, int nnames, int npoints,
                            const rs_calib_options *opt, rs_calib_profile *out, rs_error *err);
void rs_calib_profile_free(rs_calib_profile *pr); /* NULL and a zeroed struct are fine */

/* ---------------------------------------------------------------- the report (report.c) */

/* Write the calibration outputs into dir (created if needed), every file atomically and
 * deterministically (no dates: the same calibration writes the same bytes):
 *   calibrated.cfg   a scenario whose base is base_path (written relative to dir, from the real
 *                    paths of both; absolute when they share nothing but the root), holding the
 *                    fitted values (rs_params_write_scenario of res->fitted over base: it loads
 *                    back to them bit for bit), each scalar's comment giving "fitted; SE ...
 *                    (bounds L to U)" and AT BOUND / weakly identified; the header lists the
 *                    command, base, targets and free files, the cost and every estimate with
 *                    its standard error (event magnitudes included)
 *   fit.csv          one row per target in file order, modelled or not: id, modelled, kind,
 *                    indicator, other, year, year2, target (value or "lower..upper"),
 *                    paper_value, scale, model, residual (RMS for a series), weight,
 *                    cost_share, within_scale (yes/no, "-" unmodelled), section, quote, reason
 *   fit.md           the report: summary, targets (and the figures not modelled, with their
 *                    reasons), parameters (with ties.kappa_e free: the erosion rate without
 *                    relief, kappa_e times the mean pressure P over 1991-2000 of the run at the
 *                    estimate), correlations, collinearity, targets in tension, profiles (with
 *                    profiles: how to read them, and per parameter a table of value, cost, cost
 *                    minus the lowest profile cost, the re-fit's status and the columns, the
 *                    estimate's row marked), starts, figures
 *   parameters.csv   name, units, estimate (to the last bit), bounds, standard error, base
 *                    value, prior mean/sd, at-bound and weak flags
 *   profiles.csv     with profiles: parameter, value (to the last bit), cost, delta_cost (above
 *                    the lowest cost of any profile point), status, estimate (yes/no) and the
 *                    columns of the first profile that has any, one row per point; without
 *                    profiles, a profiles.csv of an earlier report is removed
 *   series.csv       the run at the estimate (res->series)
 *   plots/           fit_<indicator> for each indicator with modelled targets (model line and
 *                    targets), residuals (scaled residuals as bars), correlation (heat map),
 *                    with profiles profiles (one panel per parameter: the cost rise, a line at
 *                    +10 % of the best cost, the columns with col_plot on a right axis, the
 *                    estimate marked; log x for a geometric grid): .gp scripts, and PNG + PDF
 *                    when gnuplot runs (plots/rs_plots_render_script)
 * partial = 1 writes only calibrated.partial.cfg (the best point so far, after an interrupt).
 * base is the parameter set read from base_path; res must describe ts and fs (res->n = fs->n,
 * res->ntargets = ts->n); profiles[0..nprofiles-1] (NULL and 0 for none; at most
 * RS_PROFILE_MAX) must be profiles of fs (rs_calib_profiles) around res's estimate. command
 * (may be NULL) is recorded in calibrated.cfg and fit.md. plots (may be NULL) receives what the
 * figures came to: without gnuplot, or when gnuplot fails, the report is still complete but for
 * the images, RS_OK is returned and plots->why_not says why there are none, for the caller to
 * print. Errors: RS_ERR_INPUT for an inconsistent result or profile, RS_ERR_IO when a file
 * cannot be written (err names it), RS_ERR_NOMEM. */
rs_status rs_calib_write_report(const char *dir, const char *base_path, const rs_params *base,
                                const rs_targets *ts, const rs_free_set *fs,
                                const rs_calib_result *res, const rs_calib_profile *profiles,
                                int nprofiles, int partial, const char *command,
                                rs_plots_report *plots, rs_error *err);

#endif /* RS_CALIB_H */
