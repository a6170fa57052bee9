/* tests/test_posterior.c -- the posterior module: priors (densities that integrate to 1, the
 * quantile inverting the distribution function, free-file errors), the sampler on problems
 * with known posteriors (linear-Gaussian in closed form, bounded, strongly correlated), the
 * diagnostics (R-hat flagging chains that have not mixed, ESS of known processes), determinism
 * across thread counts and resume equal to an uninterrupted run. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "posterior.h"

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
    exit(1);
  }
  fputs(text, f);
  fclose(f);
}

static const char *tmpdir(void) {
  const char *t = getenv("RELSIM_TEST_TMP");
  static char buf[4096];
  snprintf(buf, sizeof buf, "%s/posterior", t ? t : "/tmp");
  rs_error err;
  rs_mkdir_p(buf, &err);
  return buf;
}

/* ---------------------------------------------------------------- priors */

static rs_free_param make_param(double lo, double hi, int kind, double p0, double p1) {
  rs_free_param fp;
  memset(&fp, 0, sizeof fp);
  fp.lower = lo;
  fp.upper = hi;
  rs_error err;
  if (rs_free_set_prior(&fp, kind, p0, p1, &err) != RS_OK) fprintf(stderr, "%s\n", err.msg);
  return fp;
}

static void every_prior_integrates_to_one_and_its_quantile_inverts_it(void) {
  rs_free_param ps[] = {
      make_param(0.0, 1.0, RS_PRIOR_UNIFORM, 0, 0),
      make_param(-1.0, 3.0, RS_PRIOR_NORMAL, 0.5, 1.0),
      make_param(0.0, 50.0, RS_PRIOR_LOGNORMAL, 6.0, 1.0),
      make_param(0.8, 1.2, RS_PRIOR_BETA, 3.0, 3.0),
      make_param(0.0, 50.0, RS_PRIOR_HALFNORMAL, 10.0, 0),
      make_param(0.1, 10.0, RS_PRIOR_HALFNORMAL, 2.5, 0),
  };
  for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
    const rs_free_param *fp = &ps[k];
    enum { N = 200000 };
    double h = (fp->upper - fp->lower) / N, total = 0.0, below = 0.0;
    double u = 0.3, xq = rs_free_prior_quantile(fp, u);
    for (int i = 0; i < N; i++) {
      double x = fp->lower + (i + 0.5) * h, dens = exp(rs_free_prior_logpdf(fp, x)) * h;
      total += dens;
      if (x < xq) below += dens;
    }
    CHECK_REL(total, 1.0, 1e-4);
    CHECK_REL(below, u, 2e-3);
    CHECK(rs_free_prior_quantile(fp, 0.0) == fp->lower);
    CHECK(rs_free_prior_quantile(fp, 1.0) == fp->upper);
    CHECK(rs_free_prior_logpdf(fp, fp->upper + 1.0) == (double)-INFINITY);
  }
  /* the uniform's sd is the range over sqrt(12) */
  CHECK_REL(rs_free_prior_sd(&ps[0]), 1.0 / sqrt(12.0), 1e-4);
}

static void prior_syntax_errors_name_the_file_and_line(void) {
  rs_params base;
  rs_params_defaults(&base);
  rs_free_set fs;
  rs_error err;
  char path[4200];
  snprintf(path, sizeof path, "%s/priors.cfg", tmpdir());
  const char *bad[][2] = {
      {"free = (\n  { name = \"ties.kappa_e\";\n    prior = { kind = \"lognormal\"; median = "
       "\"six\"; sdlog = 1.0; }; }\n);\n",
       "priors.cfg:3"},
      {"free = (\n  { name = \"ties.kappa_e\";\n    prior = { kind = \"gamma\"; }; }\n);\n",
       "unknown prior kind 'gamma'"},
      {"free = (\n  { name = \"ties.kappa_e\";\n    prior = { kind = \"beta\"; a = 2.0; }; }\n);\n",
       "needs 'b'"},
      {"free = (\n  { name = \"ties.kappa_e\";\n    prior = { kind = \"half-normal\"; sd = 2.0; }; "
       "}\n);\n",
       "no field 'sd'"},
      {"free = (\n  { name = \"ties.kappa_e\";\n    prior = { kind = \"half-normal\"; scale = "
       "-2.0; }; }\n);\n",
       "scale > 0"},
      {"free = (\n  { name = \"tfp.lambda\";\n    prior = { kind = \"normal\"; mean = 50.0; sd = "
       "0.1; }; }\n);\n",
       "mass"},
      {"free = (\n  { name = \"ties.kappa_e\";\n    prior = [\"a\", 1.0]; }\n);\n", "priors.cfg:3"},
  };
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    write_text(path, bad[k][0]);
    CHECK(rs_free_load(path, &base, &fs, &err) == RS_ERR_INPUT);
    CHECK_STR_CONTAINS(err.msg, bad[k][1]);
    CHECK_STR_CONTAINS(err.msg, "priors.cfg:");
  }
  write_text(path,
             "free = (\n  { name = \"ties.kappa_e\"; upper = 50.0;\n    prior = { kind = "
             "\"half-normal\"; scale = 10.0; }; },\n  { name = \"tfp.beta\"; prior = [0.1, 0.05]; "
             "}\n);\n");
  CHECK(rs_free_load(path, &base, &fs, &err) == RS_OK);
  CHECK(fs.n == 2 && fs.p[0].prior_kind == RS_PRIOR_HALFNORMAL && !fs.p[0].has_prior);
  CHECK(fs.p[1].prior_kind == RS_PRIOR_NORMAL && fs.p[1].has_prior && fs.p[1].prior_sd == 0.05);
}

static void the_shipped_free_file_loads_with_its_priors(void) {
  rs_params base;
  rs_error err;
  CHECK(rs_params_load("params/baseline.cfg", &base, NULL, &err) == RS_OK);
  rs_free_set fs;
  CHECK(rs_free_load("params/free.cfg", &base, &fs, &err) == RS_OK);
  int kinds = 0;
  for (int j = 0; j < fs.n; j++) kinds |= 1 << fs.p[j].prior_kind;
  /* uniform, lognormal, beta and half-normal (a normal prior would change the calibration) */
  CHECK(kinds == ((1 << RS_PRIOR_UNIFORM) | (1 << RS_PRIOR_LOGNORMAL) | (1 << RS_PRIOR_BETA) |
                  (1 << RS_PRIOR_HALFNORMAL)));
}

/* ---------------------------------------------------------------- Gaussian test problems */

/* A d-dimensional Gaussian posterior N(mu, S) as loglik, a flat prior on wide bounds. */
typedef struct gauss {
  int d;
  double mu[4];
  double P[16]; /* precision */
  volatile sig_atomic_t *interrupt;
  long calls, stop_after;
} gauss;

static int gauss_logp(void *ctx, int thread, const double *x, double *ll, double *lp) {
  (void)thread;
  gauss *g = ctx;
  double q = 0.0;
  for (int i = 0; i < g->d; i++)
    for (int j = 0; j < g->d; j++) q += (x[i] - g->mu[i]) * g->P[i * g->d + j] * (x[j] - g->mu[j]);
  *ll = -0.5 * q;
  *lp = 0.0;
  if (g->interrupt && ++g->calls == g->stop_after) *g->interrupt = 1;
  return 0;
}

static rs_post_problem gauss_problem(gauss *g, double lo, double hi) {
  rs_post_problem pb;
  memset(&pb, 0, sizeof pb);
  pb.d = g->d;
  for (int j = 0; j < g->d; j++) {
    pb.lo[j] = lo;
    pb.hi[j] = hi;
    pb.start[j] = 0.5 * (lo + hi);
  }
  pb.fn = gauss_logp;
  pb.ctx = g;
  return pb;
}

/* Mean and covariance of the kept draws. */
static void moments(const rs_post_draws *dr, double *mean, double *cov) {
  int d = dr->d;
  long per = dr->warmup + dr->samples;
  double n = (double)dr->chains * dr->samples;
  memset(mean, 0, sizeof(double) * (size_t)d);
  memset(cov, 0, sizeof(double) * (size_t)(d * d));
  for (int c = 0; c < dr->chains; c++)
    for (int i = 0; i < dr->samples; i++)
      for (int j = 0; j < d; j++) mean[j] += dr->x[(c * per + dr->warmup + i) * d + j] / n;
  for (int c = 0; c < dr->chains; c++)
    for (int i = 0; i < dr->samples; i++) {
      const double *x = dr->x + (c * per + dr->warmup + i) * d;
      for (int a = 0; a < d; a++)
        for (int b = 0; b < d; b++) cov[a * d + b] += (x[a] - mean[a]) * (x[b] - mean[b]) / (n - 1);
    }
}

static void a_linear_gaussian_posterior_is_recovered_within_monte_carlo_error(void) {
  /* y = A x + e, e ~ N(0, I), prior x ~ N(0, 4 I): posterior precision A'A + I/4, mean
   * (A'A + I/4)^-1 A'y. Here the prior enters as the second half of the log density. */
  const double A[3][2] = {{1.0, 0.5}, {0.2, 1.5}, {1.0, -1.0}}, y[3] = {1.0, 2.0, 0.3};
  double P[4] = {0.25, 0.0, 0.0, 0.25}, b[2] = {0, 0};
  for (int r = 0; r < 3; r++)
    for (int i = 0; i < 2; i++) {
      b[i] += A[r][i] * y[r];
      for (int j = 0; j < 2; j++) P[i * 2 + j] += A[r][i] * A[r][j];
    }
  double det = P[0] * P[3] - P[1] * P[2];
  double S[4] = {P[3] / det, -P[1] / det, -P[2] / det, P[0] / det};
  double mu[2] = {S[0] * b[0] + S[1] * b[1], S[2] * b[0] + S[3] * b[1]};
  gauss g = {.d = 2};
  memcpy(g.mu, mu, sizeof mu);
  memcpy(g.P, P, sizeof P);
  rs_post_problem pb = gauss_problem(&g, -20.0, 20.0);
  rs_post_options opt = rs_post_default_options();
  opt.samples = 2500;
  opt.chains = 6;
  opt.threads = 2;
  rs_post_draws dr;
  rs_error err;
  CHECK(rs_post_sample(&pb, &opt, 0, &dr, &err) == RS_OK);
  rs_post_summary s[2];
  rs_post_summarise_draws(&dr, s);
  double m[2], c[4];
  moments(&dr, m, c);
  for (int j = 0; j < 2; j++) {
    double se = sqrt(S[j * 3]) / sqrt(s[j].ess_bulk);
    CHECK(fabs(m[j] - mu[j]) < 4.0 * se);
    CHECK(s[j].rhat < 1.01);
    CHECK(s[j].ess_bulk > 400.0);
    CHECK_REL(c[j * 3], S[j * 3], 0.12);
  }
  CHECK(fabs(c[1] - S[1]) < 0.12 * sqrt(S[0] * S[3]));
  rs_post_draws_free(&dr);
}

static void a_strongly_correlated_pair_is_sampled_with_its_correlation(void) {
  double rho = 0.99, s1 = 1.0, s2 = 0.1;
  double S[4] = {s1 * s1, rho * s1 * s2, rho * s1 * s2, s2 * s2};
  double det = S[0] * S[3] - S[1] * S[2];
  gauss g = {.d = 2, .mu = {1.0, -0.5}, .P = {S[3] / det, -S[1] / det, -S[2] / det, S[0] / det}};
  rs_post_problem pb = gauss_problem(&g, -10.0, 10.0);
  rs_post_options opt = rs_post_default_options();
  opt.samples = 3000;
  opt.chains = 6;
  rs_post_draws dr;
  rs_error err;
  CHECK(rs_post_sample(&pb, &opt, 0, &dr, &err) == RS_OK);
  rs_post_summary s[2];
  rs_post_summarise_draws(&dr, s);
  double m[2], c[4];
  moments(&dr, m, c);
  CHECK(s[0].rhat < 1.01 && s[1].rhat < 1.01);
  CHECK(fabs(m[0] - 1.0) < 4.0 * s1 / sqrt(s[0].ess_bulk));
  CHECK_REL(sqrt(c[0]), s1, 0.1);
  CHECK_REL(sqrt(c[3]), s2, 0.1);
  CHECK(fabs(c[1] / sqrt(c[0] * c[3]) - rho) < 0.005);
  rs_post_draws_free(&dr);
}

static void a_posterior_cut_by_a_bound_is_the_truncated_normal(void) {
  /* N(0, 1) on [0, 3]: mean phi(0)-phi(3) over Phi(3)-Phi(0) = 0.7759 (truncated normal) */
  gauss g = {.d = 1, .mu = {0.0}, .P = {1.0}};
  rs_post_problem pb = gauss_problem(&g, 0.0, 3.0);
  rs_post_options opt = rs_post_default_options();
  opt.samples = 3000;
  opt.chains = 6;
  rs_post_draws dr;
  rs_error err;
  CHECK(rs_post_sample(&pb, &opt, 0, &dr, &err) == RS_OK);
  rs_post_summary s;
  rs_post_summarise_draws(&dr, &s);
  double phi0 = 1.0 / sqrt(2.0 * 3.141592653589793), phi3 = phi0 * exp(-4.5);
  double mass = 0.5 * erf(3.0 / sqrt(2.0));
  double mean = (phi0 - phi3) / mass;
  CHECK(fabs(s.mean - mean) < 4.0 * s.sd / sqrt(s.ess_bulk));
  CHECK(s.q05 >= 0.0 && s.q95 <= 3.0);
  /* the median of the truncated normal: Phi^-1(0.5 + mass/2) */
  CHECK(fabs(s.q50 - 0.6742) < 0.03);
  rs_post_draws_free(&dr);
}

/* ---------------------------------------------------------------- diagnostics */

static double lcg_normal(uint64_t *st) {
  double u[2];
  for (int k = 0; k < 2; k++) {
    *st = *st * 6364136223846793005u + 1442695040888963407u;
    u[k] = ((double)(*st >> 11) + 0.5) / 9007199254740992.0;
  }
  return sqrt(-2.0 * log(u[0])) * cos(6.283185307179586 * u[1]);
}

static void ess_of_known_processes_and_rhat_of_chains_that_have_not_mixed(void) {
  enum { C = 4, N = 4000 };
  double *x = malloc(sizeof(double) * C * N);
  uint64_t st = 42;
  for (int k = 0; k < C * N; k++) x[k] = lcg_normal(&st);
  CHECK_REL(rs_post_ess(x, C, N), C * N, 0.1);
  CHECK(fabs(rs_post_rhat(x, C, N) - 1.0) < 0.005);
  /* AR(1), phi 0.9: ESS = N (1 - phi) / (1 + phi) */
  for (int c = 0; c < C; c++) {
    double v = 0.0;
    for (int i = 0; i < N; i++) x[c * N + i] = v = 0.9 * v + sqrt(1 - 0.81) * lcg_normal(&st);
  }
  CHECK_REL(rs_post_ess(x, C, N), C * N * 0.1 / 1.9, 0.2);
  /* chains started apart (at -10 and +10), slowly mixing: R-hat flags them */
  for (int c = 0; c < C; c++) {
    double v = c % 2 ? 10.0 : -10.0;
    for (int i = 0; i < N / 10; i++) x[c * (N / 10) + i] = v = 0.999 * v + 0.05 * lcg_normal(&st);
  }
  rs_post_summary s;
  rs_post_summarise(x, C, N / 10, N / 10, 1, &s);
  CHECK(s.rhat > 1.5);
  CHECK(!rs_post_converged(&s, 1));
  free(x);
}

/* ---------------------------------------------------------------- determinism, resume */

static void the_draws_are_the_same_for_any_thread_count(void) {
  gauss g = {.d = 2, .mu = {0.3, -0.2}, .P = {2.0, 0.5, 0.5, 1.0}};
  rs_post_problem pb = gauss_problem(&g, -5.0, 5.0);
  rs_post_options opt = rs_post_default_options();
  opt.samples = 300;
  rs_post_draws a, b;
  rs_error err;
  opt.threads = 1;
  CHECK(rs_post_sample(&pb, &opt, 0, &a, &err) == RS_OK);
  opt.threads = 3;
  CHECK(rs_post_sample(&pb, &opt, 0, &b, &err) == RS_OK);
  size_t k = (size_t)a.chains * (size_t)(a.warmup + a.samples);
  CHECK(memcmp(a.x, b.x, sizeof(double) * k * 2) == 0);
  CHECK(memcmp(a.loglik, b.loglik, sizeof(double) * k) == 0);
  CHECK(a.accepted == b.accepted && a.evals == b.evals);
  rs_post_draws_free(&a);
  rs_post_draws_free(&b);
}

static void a_resumed_run_equals_an_uninterrupted_one(void) {
  gauss g = {.d = 2, .mu = {0.3, -0.2}, .P = {2.0, 0.5, 0.5, 1.0}};
  rs_post_problem pb = gauss_problem(&g, -5.0, 5.0);
  rs_post_options opt = rs_post_default_options();
  opt.samples = 300;
  opt.threads = 1;
  opt.checkpoint_every = 7;
  char ck[4200];
  snprintf(ck, sizeof ck, "%s/checkpoint.bin", tmpdir());
  remove(ck);
  rs_post_draws a, b, c;
  rs_error err;
  CHECK(rs_post_sample(&pb, &opt, 0, &a, &err) == RS_OK);
  volatile sig_atomic_t flag = 0;
  g.interrupt = &flag;
  g.stop_after = 1234; /* mid-run, between checkpoints */
  opt.interrupt = &flag;
  opt.checkpoint = ck;
  CHECK(rs_post_sample(&pb, &opt, 0, &b, &err) == RS_OK);
  CHECK(b.interrupted == 1 && b.stored < b.warmup + b.samples);
  rs_post_draws_free(&b);
  flag = 0;
  g.interrupt = NULL;
  CHECK(rs_post_sample(&pb, &opt, 1, &c, &err) == RS_OK);
  CHECK(c.interrupted == 0 && c.resumed_at > 0);
  size_t k = (size_t)a.chains * (size_t)(a.warmup + a.samples);
  CHECK(memcmp(a.x, c.x, sizeof(double) * k * 2) == 0);
  CHECK(memcmp(a.logprior, c.logprior, sizeof(double) * k) == 0);
  CHECK(a.accepted == c.accepted && a.evals == c.evals);
  /* a complete run leaves its final state (the caller removes it once its outputs are
   * written): resuming from it gives the same draws at once */
  CHECK(rs_post_sample(&pb, &opt, 0, &b, &err) == RS_OK);
  rs_post_draws_free(&b);
  CHECK(rs_post_sample(&pb, &opt, 1, &b, &err) == RS_OK);
  CHECK(b.resumed_at > 0 && memcmp(a.x, b.x, sizeof(double) * k * 2) == 0);
  rs_post_draws_free(&b);
  /* a checkpoint of other options is refused; no checkpoint at all is an I/O error */
  opt.samples += 1;
  CHECK(rs_post_sample(&pb, &opt, 1, &b, &err) != RS_OK);
  rs_post_draws_free(&b);
  remove(ck);
  CHECK(rs_post_sample(&pb, &opt, 1, &b, &err) == RS_ERR_IO);
  rs_post_draws_free(&a);
  rs_post_draws_free(&c);
}

/* ---------------------------------------------------------------- predictions */

/* A chains.csv of n draws around the calibrated values of the shipped free set (relative
 * perturbations of size eps). */
static void write_chains(const char *dir, const rs_free_set *fs, const rs_params *cal, int n,
                         double eps) {
  char path[4200];
  snprintf(path, sizeof path, "%s/chains.csv", dir);
  FILE *f = fopen(path, "w");
  fputs("chain,iteration", f);
  for (int j = 0; j < fs->n; j++) fprintf(f, ",%s", fs->p[j].name);
  fputs(",misfit.sigma,loglik,logprior\n", f);
  uint64_t st = 7;
  for (int i = 0; i < n; i++) {
    fprintf(f, "%d,%d", 1 + i % 2, 1 + i / 2);
    for (int j = 0; j < fs->n; j++) {
      const rs_free_param *fp = &fs->p[j];
      double x = rs_pref_get(cal, fp->ref) * (1.0 + eps * lcg_normal(&st));
      fprintf(f, ",%.17g", fmin(fmax(x, fp->lower), fp->upper));
    }
    fputs(",1.2,-40,-3\n", f);
  }
  fclose(f);
}

static void importance_weights_equal_one_under_the_same_prior(void) {
  rs_params cal;
  rs_error err;
  CHECK(rs_params_load("params/calibrated.cfg", &cal, NULL, &err) == RS_OK);
  rs_free_set fs;
  CHECK(rs_free_load("params/free.cfg", &cal, &fs, &err) == RS_OK);
  write_chains(tmpdir(), &fs, &cal, 50, 0.2);
  rs_post_sample_set ss;
  CHECK(rs_post_read_draws(tmpdir(), &cal, 20, &ss, &err) == RS_OK);
  CHECK(ss.n == 20 && ss.total == 50 && ss.np == fs.n);
  CHECK(rs_post_reweight(&ss, &fs, &fs, &err) == RS_OK);
  for (int k = 0; k < ss.n; k++) CHECK(ss.logw[k] == 0.0);
  CHECK(ss.ess == 20.0);
  /* a different prior on kappa_e moves the weights, and a name outside the set is refused */
  rs_free_set alt;
  CHECK(rs_free_load("params/priors/kappa_e_sceptical.cfg", &cal, &alt, &err) == RS_OK);
  CHECK(rs_post_reweight(&ss, &fs, &alt, &err) == RS_OK);
  CHECK(ss.ess < 20.0);
  rs_free_set one = fs;
  one.n = 1;
  CHECK(rs_post_reweight(&ss, &one, &alt, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "ties.kappa_e");
  rs_post_sample_set_free(&ss);
}

static void posterior_predictive_intervals_contain_the_best_fit_when_the_posterior_is_tight(void) {
  rs_params cal;
  rs_error err;
  CHECK(rs_params_load("params/calibrated.cfg", &cal, NULL, &err) == RS_OK);
  rs_free_set fs;
  CHECK(rs_free_load("params/free.cfg", &cal, &fs, &err) == RS_OK);
  write_chains(tmpdir(), &fs, &cal, 24, 1e-3);
  const char *files[] = {"params/calibrated.cfg", "params/scenarios/no_regionalization.cfg"};
  rs_compare c;
  CHECK(rs_compare_load(&c, files, 2, 2010.0, &err) == RS_OK);
  CHECK(rs_compare_run(&c, 2, &err) == RS_OK);
  rs_post_sample_set ss;
  CHECK(rs_post_read_draws(tmpdir(), &c.sc[0].params, 0, &ss, &err) == RS_OK);
  rs_post_prediction pr;
  CHECK(rs_post_predict(&c, &ss, 2, &pr, &err) == RS_OK);
  CHECK(pr.failed == 0 && pr.ndraws == 24);
  const int inds[] = {RS_I_R, RS_I_GDP_GROWTH, RS_I_TFP_GROWTH};
  for (int q = 0; q < 3; q++) {
    int i = inds[q] * RS_NCSTAT + RS_CS_MEAN_9100, K = RS_NINDICATOR * RS_NCSTAT;
    rs_post_interval iv;
    rs_post_weighted_summary(pr.diff + (size_t)pr.ndraws * (size_t)K + (size_t)i, K, pr.ndraws,
                             ss.logw, &iv);
    double best = c.sc[1].stats[i] - c.sc[0].stats[i];
    CHECK(iv.n == 24 && iv.q05 <= best && best <= iv.q95);
    CHECK(iv.q95 - iv.q05 < 0.05 * fabs(best) + 1e-6);
  }
  /* the same for 1 thread, bit for bit */
  rs_post_prediction p1;
  CHECK(rs_post_predict(&c, &ss, 1, &p1, &err) == RS_OK);
  CHECK(memcmp(p1.diff, pr.diff, sizeof(double) * 2 * 24 * RS_NINDICATOR * RS_NCSTAT) == 0);
  rs_post_prediction_free(&p1);
  rs_post_prediction_free(&pr);
  rs_post_sample_set_free(&ss);
  rs_compare_free(&c);
}

static void the_log_scale_is_the_same_posterior_with_its_jacobian(void) {
  rs_params base, cal;
  rs_error err;
  CHECK(rs_params_load("params/baseline.cfg", &base, NULL, &err) == RS_OK);
  CHECK(rs_params_load("params/calibrated.cfg", &cal, NULL, &err) == RS_OK);
  rs_free_set fs;
  CHECK(rs_free_load("params/free.cfg", &base, &fs, &err) == RS_OK);
  const char *files[] = {"params/targets.cfg", "params/targets/data.cfg"};
  rs_targets ts;
  memset(&ts, 0, sizeof ts);
  CHECK(rs_targets_load_files(files, 2, 0, 1955.0, 2000.0, &ts, &err) == RS_OK);
  rs_post_model a, b;
  rs_post_problem pa, pb;
  CHECK(rs_post_model_init(&a, &base, &ts, &fs, 1, &err) == RS_OK);
  CHECK(rs_post_model_init(&b, &base, &ts, &fs, 1, &err) == RS_OK);
  b.log_scale = 1;
  CHECK(rs_post_model_problem(&a, &cal, NULL, &pa, NULL, &err) == RS_OK);
  CHECK(rs_post_model_problem(&b, &cal, NULL, &pb, NULL, &err) == RS_OK);
  int nlog = 0;
  double x[RS_POST_MAXDIM], jac = 0.0;
  rs_post_model_to_x(&b, pb.start, x);
  for (int j = 0; j < pa.d; j++) {
    nlog += b.logs[j];
    if (b.logs[j]) jac += pb.start[j];
    CHECK_REL(x[j], pa.start[j], 1e-12); /* the same point */
    CHECK(pb.lo[j] <= pb.start[j] && pb.start[j] <= pb.hi[j]);
  }
  CHECK(nlog >= 5 && b.logs[pa.d - 1]); /* kappa_b, chi, ... and sigma */
  double lla, lpa, llb, lpb;
  CHECK(rs_post_model_logp(&a, 0, pa.start, &lla, &lpa) == 0);
  CHECK(rs_post_model_logp(&b, 0, pb.start, &llb, &lpb) == 0);
  CHECK_REL(llb, lla, 1e-5); /* exp(log x) rounds: the runs differ by the solver tolerance */
  CHECK_REL(lpb, lpa + jac, 1e-6);
  rs_post_model_free(&a);
  rs_post_model_free(&b);
  rs_targets_free(&ts);
}

int main(void) {
  RUN(every_prior_integrates_to_one_and_its_quantile_inverts_it);
  RUN(prior_syntax_errors_name_the_file_and_line);
  RUN(the_shipped_free_file_loads_with_its_priors);
  RUN(a_linear_gaussian_posterior_is_recovered_within_monte_carlo_error);
  RUN(a_strongly_correlated_pair_is_sampled_with_its_correlation);
  RUN(a_posterior_cut_by_a_bound_is_the_truncated_normal);
  RUN(ess_of_known_processes_and_rhat_of_chains_that_have_not_mixed);
  RUN(the_draws_are_the_same_for_any_thread_count);
  RUN(a_resumed_run_equals_an_uninterrupted_one);
  RUN(the_log_scale_is_the_same_posterior_with_its_jacobian);
  RUN(importance_weights_equal_one_under_the_same_prior);
  RUN(posterior_predictive_intervals_contain_the_best_fit_when_the_posterior_is_tight);
  return CHECK_DONE();
}
