/* sens/sens.h -- sensitivity analysis and ensembles: which parameters drive which answer, and
 * how sure an answer is.
 * This module sits above sim/ and calib/ (it samples the free set of a calibration) and below
 * cli/. It holds the designs (random with a counter-based generator, Latin hypercube, the Sobol
 * sequence with Joe and Kuo's direction numbers), the deterministic parallel runner (OpenMP
 * threads and, when built with MPI, processes: members are evaluated anywhere, each into its own
 * slot, and reduced on rank 0 in member order, so that the results are the same bit for bit for
 * any thread or process count), the streaming estimators (quantiles, Sobol indices with
 * bootstrap intervals, Morris elementary effects) and the analyses of the model built on them
 * (ensembles with envelopes, local sensitivity functions from CVODES, Morris and Sobol screening
 * of the free set). It writes its tables itself and asks plots/ for the figures. */
#ifndef RS_SENS_H
#define RS_SENS_H

#include <stdint.h>

#include "calib.h"

/* ---------------------------------------------------------------- designs (design.c) */

#define RS_SENS_SOBOL_MAXDIM 64 /* dimensions of the Sobol sequence (2 x RS_FREE_MAX) */

/* A uniform number in [0, 1) that depends only on (seed, member, dim): a counter-based generator
 * (the SplitMix64 finaliser of the three), so that any member can be drawn on any thread or
 * process without a shared state. */
double rs_sens_uniform(uint64_t seed, uint64_t member, uint64_t dim);

/* Point `index` (0, 1, 2, ...; index < 2^32) of the d-dimensional Sobol sequence (d <=
 * RS_SENS_SOBOL_MAXDIM; Gray-code order, as Antonov and Saleev generate it; point 0 is the
 * origin) into u[0..d-1], each in [0, 1). Direction numbers of Joe and Kuo (2008). */
void rs_sens_sobol_point(int d, uint32_t index, double *u);

/* A Latin hypercube of n points in d dimensions: u[i*d + k] in stratum perm_k(i) of n, jittered
 * within it; the permutations and jitters come from rs_sens_uniform(seed, ...). */
void rs_sens_lhs(int n, int d, uint64_t seed, double *u);

/* THE map from a unit-cube coordinate u in [0, 1] to a value of free parameter fp: today the
 * uniform distribution on its search bounds, lower + u (upper - lower). Every sampled value of
 * every analysis goes through this one function, so that priors (an inverse CDF per parameter)
 * replace it in one place. */
double rs_sens_param_value(const rs_free_param *fp, double u);

/* The solver options of ensemble member runs, set into p (its solver.* settings): ONE place to
 * switch member runs to another method. Today: those of the file, unchanged. */
void rs_sens_member_solver(rs_params *p);

typedef enum rs_sens_design { RS_DESIGN_RANDOM, RS_DESIGN_LHS, RS_DESIGN_SOBOL } rs_sens_design;

/* "random", "lhs", "sobol" -> design, or -1. */
int rs_sens_design_find(const char *name);
const char *rs_sens_design_name(int design);

/* n points of design in d dimensions into u (n x d, row-major): random (rs_sens_uniform with
 * seed), a Latin hypercube (rs_sens_lhs), or Sobol points 1..n (the origin skipped: it would put
 * every parameter on its lower bound). */
void rs_sens_design_points(int design, int n, int d, uint64_t seed, double *u);

/* A sample file: one column per parameter name (the header row), one row per member; other
 * columns (chain, iteration, log-likelihood) are ignored. Values are read for the free set's
 * parameters that appear in the header, matched by name. */
typedef struct rs_sens_samples {
  int n;                      /* rows */
  int np;                     /* parameters found */
  rs_pref ref[RS_FREE_MAX];   /* their references */
  char name[RS_FREE_MAX][64]; /* their names */
  double *x;                  /* n x np values, owned */
} rs_sens_samples;

/* Read path against base: every column whose header is a real parameter of base (a registry name
 * or event.NAME.magnitude) is taken; others are ignored. Errors (RS_ERR_IO, RS_ERR_INPUT) name
 * the file and line: no parameter column, a row with fewer fields, a value that is not a number,
 * more than RS_FREE_MAX parameter columns, no rows. */
rs_status rs_sens_samples_read(const char *path, const rs_params *base, rs_sens_samples *s,
                               rs_error *err);
void rs_sens_samples_free(rs_sens_samples *s);

/* ---------------------------------------------------------------- the runner (runner.c) */

/* Evaluate member `member` into out (nout values) with the caller's workspace ws (one per
 * thread). Returns 0 on success, non-zero when the member failed (out is then ignored). */
typedef int (*rs_sens_eval_fn)(void *ctx, void *ws, long member, double *out);
/* Called on rank 0 for every member in increasing order, with ok = 1 and its values, or ok = 0
 * for a failed member. */
typedef void (*rs_sens_reduce_fn)(void *ctx, long member, int ok, const double *out);

typedef struct rs_sens_task {
  long n;                       /* members */
  int nout;                     /* values per member */
  void *ctx;                    /* the caller's, passed to every callback */
  void *(*ws_alloc)(void *ctx); /* a thread's workspace (NULL: out of memory); may be NULL */
  void (*ws_free)(void *ws);    /* may be NULL */
  rs_sens_eval_fn eval;
  rs_sens_reduce_fn reduce;
  int threads;  /* OpenMP threads per process, 0: the OpenMP default */
  long block;   /* members held at once (0: 256): memory is block x nout doubles */
  int progress; /* 1: a progress line on stderr (rank 0) */
} rs_sens_task;

/* Run every member and reduce them in member order. The members of a block are split across the
 * processes (MPI; one process without it) and each process's share across its threads; values
 * are gathered on rank 0, which alone calls reduce. Errors: RS_ERR_NOMEM (a workspace or a
 * block). */
rs_status rs_sens_run(const rs_sens_task *t, rs_error *err);

/* MPI: initialise (from main, before anything else) and finalise; the rank of this process (0
 * without MPI) and the number of processes (1). rs_sens_mpi_abort ends every process. */
void rs_sens_mpi_init(int *argc, char ***argv);
void rs_sens_mpi_finalize(void);
int rs_sens_rank(void);
int rs_sens_nranks(void);
int rs_sens_have_mpi(void); /* 1 when built with MPI */

/* ---------------------------------------------------------------- quantiles (quantile.c) */

#define RS_SENS_NQ 5 /* quantiles of an envelope: 5, 25, 50, 75, 95 % */
extern const double rs_sens_quantile_p[RS_SENS_NQ];

/* Streaming quantiles of ncell quantities: exact (R's type 7, linear between order statistics)
 * while at most `exact` values have come for a cell, then the P-squared algorithm of Jain and
 * Chlamtac (1985), started from the exact order statistics. Memory: ncell x (exact + 80)
 * doubles, whatever the number of values; min and max stay exact. NaN values are skipped. */
typedef struct rs_sens_quant {
  int ncell;
  int exact;
  long *n;     /* values per cell */
  double *buf; /* ncell x exact: the first values, sorted when the cell turns streaming */
  double *mk;  /* ncell x NQ x 15: P-squared heights, positions, desired positions */
  double *lo, *hi;
} rs_sens_quant;

rs_status rs_sens_quant_init(rs_sens_quant *q, int ncell, int exact, rs_error *err);
void rs_sens_quant_add(rs_sens_quant *q, const double *x); /* x[0..ncell-1]: one member */
/* out[0..NQ-1] the quantiles, out[NQ] min, out[NQ+1] max of cell c; NAN without values. */
void rs_sens_quant_get(const rs_sens_quant *q, int c, double *out);
void rs_sens_quant_free(rs_sens_quant *q);

/* ---------------------------------------------------------------- estimators (indices.c) */

/* A function of the unit cube for Sobol and Morris analyses: d inputs u in [0, 1], nout
 * outputs. eval returns 0 on success, non-zero for a failed evaluation. */
typedef struct rs_sens_problem {
  int d;
  int nout;
  int nboot; /* the first nboot outputs get bootstrap intervals and a convergence check (their
                values are held: nboot x N x (d + 2) doubles); the others are streamed */
  void *ctx;
  void *(*ws_alloc)(void *ctx);
  void (*ws_free)(void *ws);
  int (*eval)(void *ctx, void *ws, const double *u, double *y);
} rs_sens_problem;

typedef struct rs_sobol_options {
  int n;         /* base samples N (rows of A and B): N (d + 2) evaluations */
  int nboot;     /* bootstrap resamples (default 200) */
  double level;  /* confidence level of the intervals (0.95) */
  uint64_t seed; /* of the bootstrap */
  int threads;
  int progress;
} rs_sobol_options;

rs_sobol_options rs_sobol_default_options(void);

/* Per output o and input i (arrays nout x d, row-major): first-order S1 (Saltelli et al. 2010,
 * eq. (b) of their table 2: mean of f(B)(f(A_B^i) - f(A)) / V) and total ST (Jansen 1999: mean
 * of (f(A) - f(A_B^i))^2 / 2 / V), V the variance of f over the rows of A and B; for the first
 * nboot outputs percentile bootstrap intervals (rows resampled) and the indices from the first
 * N/2 rows (the convergence check). Failed rows (any of their d + 2 evaluations) are left out,
 * counted and listed. */
typedef struct rs_sobol_result {
  int d, nout, nboot, n;
  long nok;              /* rows used */
  long nfailed;          /* rows left out */
  long *failed;          /* their indices (nfailed), owned */
  double *S1, *ST;       /* nout x d */
  double *S1_lo, *S1_hi; /* nboot x d (NAN without enough rows) */
  double *ST_lo, *ST_hi;
  double *S1_half, *ST_half; /* nboot x d: from the first N/2 rows */
  double *mean, *var;        /* nout */
} rs_sobol_result;

/* A: columns 0..d-1 and B: columns d..2d-1 of Sobol points 1..N of a 2d-dimensional sequence
 * (Saltelli's scheme on a low-discrepancy sequence); A_B^i is A with column i from B. */
rs_status rs_sens_sobol(const rs_sens_problem *pb, const rs_sobol_options *opt,
                        rs_sobol_result *res, rs_error *err);
void rs_sobol_result_free(rs_sobol_result *res);

/* Morris screening: r trajectories of d + 1 points on a grid of `levels` levels (default 4) with
 * the jump delta = levels / (2 (levels - 1)); per output and input the mean mu, the mean of the
 * absolute values mu* and the standard deviation sigma of the elementary effects
 * (f(x + delta e_i) - f(x)) / delta (per unit of the input's range). Trajectories that fail are
 * left out, counted and listed. */
typedef struct rs_morris_result {
  int d, nout, r;
  long nok, nfailed;
  long *failed;
  double *mu, *mustar, *sigma; /* nout x d */
} rs_morris_result;

rs_status rs_sens_morris(const rs_sens_problem *pb, int r, int levels, uint64_t seed, int threads,
                         int progress, rs_morris_result *res, rs_error *err);
void rs_morris_result_free(rs_morris_result *res);

/* ---------------------------------------------------------------- the model (model.c) */

/* A scalar output of a run: an indicator in a year (y1 == y2) or its time average over
 * [y1, y2]; with a scenario, the difference the scenario makes to it (scenario - run). */
typedef struct rs_sens_output {
  int ind;
  double y1, y2;
  double scale;    /* the value is multiplied by it (100: percentage points) */
  char name[64];   /* "R_2000", "dgdp_pp_2001_2025" */
  char label[128]; /* with units */
} rs_sens_output;

/* Parse "IND@YEAR" or "IND@Y1:Y2" (rates and shares of GDP come in percent: scale 100). */
rs_status rs_sens_output_parse(const char *text, rs_sens_output *o, rs_error *err);

#define RS_SENS_MAXOUT 16

/* The model as a function of the unit cube: the free set's parameters over base (through
 * rs_sens_param_value), the scalar outputs, an optional scenario whose changes against its own
 * base are applied on top of each sample (compare/: the thesis counterfactual), and optional
 * time-resolved outputs (the indicators tind at every output time, scenario - run with a
 * scenario). */
typedef struct rs_sens_model {
  rs_params base;
  rs_free_set fs;
  int nout;
  rs_sens_output out[RS_SENS_MAXOUT];
  int has_scenario;
  char scenario_file[1024];
  char scenario_base[1024];
  void *delta; /* rs_delta of compare/, owned */
  int ntind;   /* time-resolved indicators */
  int tind[4];
  int nrows; /* output times of a run */
  double *year;
} rs_sens_model;

/* Set up m: base must be validated; scenario_file may be NULL. */
rs_status rs_sens_model_init(rs_sens_model *m, const rs_params *base, const rs_free_set *fs,
                             const rs_sens_output *out, int nout, const char *scenario_file,
                             const int *tind, int ntind, rs_error *err);
void rs_sens_model_free(rs_sens_model *m);
/* The problem of m for rs_sens_sobol / rs_sens_morris: outputs are the scalars, then ntind x
 * nrows time-resolved values (indicator-major). */
rs_sens_problem rs_sens_model_problem(rs_sens_model *m);

/* Write the results of a Sobol analysis of m into dir: sobol.csv (output, parameter, S1,
 * S1_lo, S1_hi, ST, ST_lo, ST_hi, S1_half, ST_half), sobol_time.csv (indicator, year,
 * parameter, S1, ST), sobol.md (tables, the convergence check, failed rows) and plots/ (bar
 * figures with intervals per output, time-resolved total indices per indicator). */
rs_status rs_sens_write_sobol(const char *dir, const rs_sens_model *m, const rs_sobol_result *r,
                              const char *command, rs_plots_report *rep, rs_error *err);
/* Write morris.csv (output, parameter, mu, mustar, sigma), morris.md and plots/morris_NAME (mu*
 * against sigma) per output. */
rs_status rs_sens_write_morris(const char *dir, const rs_sens_model *m, const rs_morris_result *r,
                               const char *command, rs_plots_report *rep, rs_error *err);

/* ---------------------------------------------------------------- ensembles (ensemble.c) */

typedef struct rs_ensemble_options {
  int design; /* rs_sens_design (ignored with samples) */
  int n;      /* members (ignored with samples) */
  uint64_t seed;
  int threads;
  int exact; /* exact quantiles up to this many members (default 1000) */
  int progress;
} rs_ensemble_options;

rs_ensemble_options rs_ensemble_default_options(void);

/* Run the ensemble of base with the free set fs sampled by the design, or with the rows of
 * samples (their parameters set on base), and write into dir: envelope.csv (year, indicator,
 * q05, q25, q50, q75, q95, min, max: the quantiles over the members that ran), members.csv
 * (member, status, the parameter values), reference/series.csv (base itself), ensemble.md
 * (counts, the failed members with their reasons) and plots/fan_IND (fan charts with the
 * reference run on top). *nfailed receives the failed members. */
rs_status rs_ensemble_run(const char *dir, const rs_params *base, const rs_free_set *fs,
                          const rs_sens_samples *samples, const rs_ensemble_options *opt,
                          const char *command, long *nfailed, rs_plots_report *rep, rs_error *err);

/* ---------------------------------------------------------------- local (local.c) */

/* Normalised sensitivity functions (dy/dp)(p/y) of every indicator at every output time for the
 * parameters refs[0..np-1] at p, from CVODES forward sensitivities (rs_sim_run_sens): into
 * s (nrows x np x RS_NINDICATOR, as rs_sim_run_sens's dS) with NAN where y is 0 (|y| below
 * 1e-9 of the indicator's largest |y| over the run); raw (same layout, may be NULL) receives
 * dy/dp itself; series the run. */
rs_status rs_sens_local(const rs_params *p, const rs_pref *refs, int np, rs_series *series,
                        double *s, double *raw, rs_error *err);

/* Run rs_sens_local and write dir/sensitivity.csv (year, indicator, parameter, value),
 * ranking.csv (indicator, parameter, L1, L2, rank by L2: L1 = sum |S| / n,
 * L2 = sqrt(sum S^2 / n), over the output times where S is defined), sensitivity.md and plots/
 * (a heat map of L2 over indicators and parameters; per key indicator the sensitivity
 * functions of its six largest parameters over time). */
rs_status rs_sens_local_write(const char *dir, const rs_params *p, const rs_pref *refs, int np,
                              const char *command, rs_plots_report *rep, rs_error *err);

#endif /* RS_SENS_H */
