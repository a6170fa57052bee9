/* posterior/posterior.h -- Bayesian calibration of relsim: posterior samples of the free
 * parameters and an error scale, their diagnostics, and their outputs.
 * This module sits above the calibration (calib/): its likelihood reads every modelled target's
 * weighted scaled residual (rs_calib_eval, the calibration's own residual code: one-sided
 * figures as hinges) as normal with standard deviation sigma, the misfit scale, a parameter
 * sampled with the rest under a half-normal prior; the priors are the free file's
 * (rs_free_prior_logpdf). The sampler is differential-evolution MCMC from an archive of past
 * states with snooker updates and randomised subspaces (DE-MC-ZS / DREAM(ZS): ter Braak and
 * Vrugt 2008, Vrugt 2016), gradient-free, for correlated and bounded posteriors (bounds by
 * reflection). Chains advance in parallel with OpenMP, each with its own random stream; the
 * archive changes only between iterations, in chain order, so the draws for a seed are the same
 * bit for bit for any thread count. A checkpoint holds the whole state: a resumed run equals an
 * uninterrupted one bit for bit. Diagnostics follow Vehtari, Gelman, Simpson, Carpenter and
 * Buerkner (2021, "Rank-normalization, folding, and localization: an improved R-hat",
 * Bayesian Analysis 16(2)): rank-normalised split-R-hat (bulk and folded tail) and bulk and
 * tail effective sample sizes. */
#ifndef RS_POSTERIOR_H
#define RS_POSTERIOR_H

#include <signal.h>
#include <stdint.h>

#include "calib.h"
#include "compare.h" /* the counterfactuals of posterior-predictive comparisons */

#define RS_POST_MAXDIM (RS_FREE_MAX + 1) /* the free parameters and sigma */
#define RS_POST_MAXCHAINS 64

/* ---------------------------------------------------------------- a target density */

/* The log likelihood and log prior at x (d values, within the bounds) on OpenMP thread
 * `thread` (0 .. threads - 1: the caller keeps one workspace per thread). Returns 0, or
 * non-zero when the density cannot be evaluated (a failed model run): the point is rejected. */
typedef int (*rs_post_logp_fn)(void *ctx, int thread, const double *x, double *loglik,
                               double *logprior);

typedef struct rs_post_problem {
  int d;                     /* 1 .. RS_POST_MAXDIM */
  double lo[RS_POST_MAXDIM]; /* bounds, lo < hi, finite */
  double hi[RS_POST_MAXDIM];
  double start[RS_POST_MAXDIM]; /* the warm start: centre of the initial states */
  const double *start_cov;      /* d x d covariance of the initial states (reflected into
                                   the bounds), or NULL: uniform on the bounds */
  rs_post_logp_fn fn;
  void *ctx;
} rs_post_problem;

typedef struct rs_post_options {
  int chains;             /* 3 .. RS_POST_MAXCHAINS (default 8) */
  int samples;            /* draws kept per chain (default 1000) */
  int warmup;             /* draws per chain discarded before them (default: as many as samples) */
  int thin;               /* iterations per draw (default 1) */
  uint64_t seed;          /* default 20010618 */
  int threads;            /* OpenMP threads, 0: the OpenMP default; the draws do not depend on it */
  int progress;           /* 1: progress lines on stderr */
  const char *checkpoint; /* a file for the state, or NULL */
  int checkpoint_every;   /* iterations between checkpoints (default 50) */
  volatile sig_atomic_t *interrupt; /* when set: checkpoint and return with interrupted = 1 */
} rs_post_options;

rs_post_options rs_post_default_options(void);

/* The draws: chains x (warmup + samples) x d values, chain-major then draw then parameter. */
typedef struct rs_post_draws {
  int d, chains, warmup, samples, thin;
  int stored;              /* draws per chain stored so far (warmup + samples when complete) */
  double *x;               /* chains * (warmup + samples) * d */
  double *loglik;          /* chains * (warmup + samples) */
  double *logprior;        /* chains * (warmup + samples) */
  long proposed, accepted; /* over the kept draws' iterations */
  long evals, failed;      /* density evaluations in all, and those that failed */
  int interrupted;         /* 1: stopped by the interrupt (a checkpoint holds the state) */
  int resumed_at;          /* the iteration a resumed run continued from (0: a fresh run) */
} rs_post_draws;

/* Sample. With resume = 1 the state is read from opt->checkpoint (which must exist and match
 * the problem's dimension and the options) and the run continues from it. Errors: RS_ERR_INPUT
 * for bad options, bounds, a start at which the density cannot be evaluated for any of 1,000
 * draws, a checkpoint that does not match; RS_ERR_IO for a checkpoint that cannot be read or
 * written; RS_ERR_NOMEM. */
rs_status rs_post_sample(const rs_post_problem *pb, const rs_post_options *opt, int resume,
                         rs_post_draws *out, rs_error *err);
void rs_post_draws_free(rs_post_draws *dr); /* NULL and zeroed are fine */

/* ---------------------------------------------------------------- diagnostics (diag.c) */

typedef struct rs_post_summary {
  double mean, sd, q05, q25, q50, q75, q95;
  double rhat;      /* max of the bulk and tail rank-normalised split-R-hat */
  double rhat_bulk; /* on the rank-normalised split chains */
  double rhat_tail; /* on the rank-normalised folded split chains (|x - median|) */
  double ess_bulk;  /* effective sample size of the rank-normalised split chains */
  double ess_tail;  /* min of the ESS of the indicators x <= q05 and x <= q95 */
} rs_post_summary;

/* The summary of one scalar quantity from chains x n draws (x[c * stride_c + i * stride_i]).
 * Constant draws give sd 0, R-hat 1 and ESS n * chains (nothing to mix). n >= 4. */
void rs_post_summarise(const double *x, int chains, int n, long stride_c, long stride_i,
                       rs_post_summary *out);

/* Classic potential scale reduction and multi-chain effective sample size (Geyer's initial
 * monotone sequence on FFT autocovariances, as Stan computes it) of chains x n values
 * (chain-major, contiguous): the pieces of rs_post_summarise, for tests. */
double rs_post_rhat(const double *x, int chains, int n);
double rs_post_ess(const double *x, int chains, int n);

/* The q-quantile (0..1) of n values, sorted in place (linear interpolation, R's type 7). */
double rs_post_quantile_sorted(const double *sorted, int n, double q);

/* "converged" when every R-hat < 1.01 and every bulk ESS >= 400 (and tail ESS >= 400). */
int rs_post_converged(const rs_post_summary *s, int d);

/* ---------------------------------------------------------------- the relsim posterior (model.c)
 */

/* The likelihood of relsim's targets and the prior of its free parameters. */
typedef struct rs_post_model {
  const rs_params *base;
  const rs_targets *ts;
  const rs_free_set *fs;
  rs_params member;    /* base with the member runs' solver options (rs_post_member_solver) */
  rs_free_param sigma; /* the misfit scale: name "misfit.sigma", bounds, half-normal prior */
  int m;               /* target residuals */
  int nthreads;
  rs_calib_eval **ev; /* one evaluator per thread */
  double **res;       /* one residual buffer per thread */
  /* with log_scale (rs_post_model_problem): the sampler moves u = log(x - lower + shift) for the
   * parameters with logs[j] set; rs_post_model_logp then reads u and adds the Jacobian */
  int log_scale;
  int logs[RS_POST_MAXDIM];
  double shift[RS_POST_MAXDIM];
} rs_post_model;

/* x from the sampler's coordinates u (the identity without log_scale), d values. */
void rs_post_model_to_x(const rs_post_model *pm, const double *u, double *x);

/* The solver settings of every run of the sampler, set on p in one place: the calibration's
 * (BDF, the scenario's tolerances) today, so that the likelihood is the fit's. A faster method
 * for ensemble members belongs here, and only here. */
void rs_post_member_solver(rs_params *p);

/* The prior of the misfit scale: sigma in [0.1, 10], half-normal from the lower bound with
 * scale 2.5 (a weakly informative scale prior; the best fit's residual variance is about
 * 1.3-1.7, so sigma near 1.2). */
void rs_post_sigma_prior(rs_free_param *sigma);

rs_status rs_post_model_init(rs_post_model *pm, const rs_params *base, const rs_targets *ts,
                             const rs_free_set *fs, int threads, rs_error *err);
void rs_post_model_free(rs_post_model *pm);

/* rs_post_logp_fn over x = (free parameters in free-file order, sigma):
 * loglik = sum over the m target residuals f of (-f^2 / (2 sigma^2) - log sigma - log(2 pi)/2),
 * logprior = the sum of the free parameters' log priors and sigma's. ctx is an rs_post_model. */
int rs_post_model_logp(void *ctx, int thread, const double *x, double *loglik, double *logprior);

/* With pm->log_scale set before the call, the problem is posed in u = log(x - lower + shift)
 * for every parameter whose range spans ten times its lower bound (shift = lower > 0) or, with
 * lower = 0, whose warm start lies in the lower third of its range (shift = range / 1000):
 * rates and scales whose posteriors are curved ridges (products identified, not factors) become
 * closer to straight ones; the draws are mapped back with rs_post_model_to_x.
 * The problem of pm: bounds from the free set and sigma, the warm start at start's values of
 * the free parameters (clamped into the bounds) and sigma at sqrt(cost/m) of its residuals,
 * and the Gauss-Newton covariance cov (n x n, may be NULL) scaled by sigma^2, sigma's variance
 * (sigma^2 / (2m)) added. */
rs_status rs_post_model_problem(rs_post_model *pm, const rs_params *start, const double *cov,
                                rs_post_problem *pb, double *cov_out, rs_error *err);

/* ---------------------------------------------------------------- outputs (write.c) */

/* What a posterior run was, for the outputs. */
typedef struct rs_post_run {
  const char *base_path; /* the base scenario file */
  const rs_params *base; /* as loaded */
  const rs_free_set *fs; /* the free parameters */
  const rs_free_param *sigma;
  const rs_post_draws *dr;  /* complete */
  const rs_post_summary *s; /* d summaries of the kept draws */
  const char *command;      /* the command line, or NULL */
  double seconds;           /* wall time of the sampling */
  int threads;
} rs_post_run;

/* The summaries of every parameter over the kept draws: s[0..d-1]. */
void rs_post_summarise_draws(const rs_post_draws *dr, rs_post_summary *s);

/* Write into dir (created if needed), every file atomically:
 *   chains.csv   chain, iteration (1.. within the kept draws), every parameter (free-file names,
 *                then misfit.sigma), loglik, logprior: one row per kept draw, %.17g
 *   summary.csv  parameter, mean, sd, q05, q50, q95, rhat, ess_bulk, ess_tail, prior,
 *                prior_sd, sd_ratio (posterior over prior sd)
 *   summary.md   the verdict, the diagnostics, the table, the sampler and its settings
 *   posterior.cfg  the posterior median of the free parameters as a scenario on base_path
 *   free.cfg     a copy of the free file: the priors of the draws
 *   plots/       trace, marginals (with the prior drawn) and pairs (the most correlated pairs),
 *                .gp scripts and PNG + PDF when gnuplot runs (plots/rs_plots_posterior)
 * plots (may be NULL) receives what the figures came to. The same run writes the same bytes
 * (no dates; the wall time only in summary.md). Errors: RS_ERR_IO naming a file, RS_ERR_NOMEM. */
rs_status rs_post_write(const char *dir, const rs_post_run *run, rs_plots_report *plots,
                        rs_error *err);

/* ---------------------------------------------------------------- predictions (predict.c) */

/* A thinned set of posterior draws of the free parameters (sigma left out) with importance
 * log weights (0 until re-weighted). */
typedef struct rs_post_sample_set {
  int n;      /* draws */
  long total; /* rows of chains.csv */
  int np;     /* parameters */
  char names[RS_POST_MAXDIM][64];
  rs_pref ref[RS_POST_MAXDIM]; /* in the reference's parameter set */
  double *x;                   /* n x np */
  double *logw;                /* n */
  double ess; /* effective sample size of the weights, (sum w)^2 / sum w^2 (n unweighted) */
} rs_post_sample_set;

/* Read dir/chains.csv (a posterior's) and keep max_draws rows evenly spaced over all its rows
 * (row floor(k T / max_draws); all when max_draws <= 0 or T <= max_draws), the parameters
 * parsed against ref. Errors: RS_ERR_IO for a missing file, RS_ERR_INPUT naming file:line. */
rs_status rs_post_read_draws(const char *dir, const rs_params *ref, int max_draws,
                             rs_post_sample_set *out, rs_error *err);
void rs_post_sample_set_free(rs_post_sample_set *ss);

/* Importance weights from the default priors (def: the posterior's free set) to those of alt:
 * every parameter alt names gets alt's prior, the others keep def's; log w = sum over alt's
 * parameters of log p_alt(x) - log p_def(x); ss->ess set. alt naming a parameter that is not in
 * def and in the draws: RS_ERR_INPUT naming alt's file:line. */
rs_status rs_post_reweight(rs_post_sample_set *ss, const rs_free_set *def, const rs_free_set *alt,
                           rs_error *err);

/* diff[(k * ndraws + d) * K + i], K = RS_NINDICATOR * RS_NCSTAT: for scenario k >= 1 the
 * difference of statistic i (rs_compare_stats) from the reference's at draw d, with scenario
 * k's changes (rs_delta_make against the reference) applied on top of the draw; for k = 0 the
 * reference's own statistic. NAN where the draw's runs failed. */
#define RS_POST_FAN 5 /* indicators of the fan charts: R, tfp_growth, rd_total, e, gdp_growth */

typedef struct rs_post_prediction {
  int nscen, ndraws, failed;
  double *diff;
  /* the fan charts' series: fan[((k * ndraws + d) * nrows + r) * RS_POST_FAN + f], scenario k's
   * difference from the reference in row r (the reference's output grid) at draw d */
  int nrows;
  double *fan;
} rs_post_prediction;

/* The indicators of the fan charts (RS_POST_FAN of them). */
extern const int rs_post_fan_indicators[RS_POST_FAN];

/* Run c's scenarios on every draw of ss (threads at a time, one workspace per thread, stored by
 * draw: the same bits for any thread count), on the reference's span and solver settings as
 * rs_post_member_solver sets them. c must be loaded (rs_compare_load). */
rs_status rs_post_predict(const rs_compare *c, const rs_post_sample_set *ss, int threads,
                          rs_post_prediction *out, rs_error *err);
void rs_post_prediction_free(rs_post_prediction *pr);

typedef struct rs_post_interval {
  int n; /* finite values with weight */
  double median, q05, q25, q75, q95;
  double p_positive; /* weighted share of values > 0 */
} rs_post_interval;

/* Weighted quantiles (the smallest value whose cumulative weight reaches q of the total) and
 * P(value > 0) of v[k * stride], k < n, with log weights logw (NAN values skipped). */
void rs_post_weighted_summary(const double *v, long stride, int n, const double *logw,
                              rs_post_interval *out);

/* With the default suffix "" also, per scenario k >= 1, dir/NAME/posterior_fan.csv (year and,
 * per fan indicator, the best fit's difference and the 5/25/50/75/95 % quantiles over the draws
 * in each row) and the fan chart dir/plots/fan_NAME (50 and 90 % bands, the median and the best
 * fit, per indicator; plots/rs_plots_fan_panels), plots (may be NULL) accumulating.
 * Write dir/posteriorSUFFIX.csv (one row per scenario k >= 1, indicator and statistic: the best
 * fit's difference, the median, 5/25/75/95 % quantiles, P(> 0), the draws used and the weights'
 * ESS) and dir/posteriorSUFFIX.md (the key indicators over 1991-2000 and 2001-final), label
 * naming the prior in the title. c must have been run (its stats give the best fit's). */
rs_status rs_post_predict_write(const char *dir, const rs_compare *c, const rs_post_sample_set *ss,
                                const rs_post_prediction *pr, const char *label, const char *suffix,
                                rs_plots_report *plots, rs_error *err);

/* The Shapley contributions (rs_shapley) of the items of d on top of every draw of ss (the
 * draw's values set on base): phi[k * d->n + i] for draw k and item i, NAN for a draw whose runs
 * fail (counted in *failed). The draws run one after another, each subset set in parallel by
 * rs_shapley: the same bits for any thread count. Errors other than failed runs: rs_shapley's. */
rs_status rs_post_shapley(const rs_params *base, const rs_delta *d, const rs_post_sample_set *ss,
                          int col, double y1, double y2, int threads, double *phi, int *failed,
                          rs_error *err);

#endif /* RS_POSTERIOR_H */
