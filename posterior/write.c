/* posterior/write.c -- the outputs of relsim posterior: the kept draws (chains.csv), their
 * summaries and diagnostics (summary.csv, summary.md), the posterior median as a scenario
 * (posterior.cfg) and the figures (through plots/). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posterior.h"

#define PATH_LEN 4096

void rs_post_summarise_draws(const rs_post_draws *dr, rs_post_summary *s) {
  long per = dr->warmup + dr->samples;
  for (int j = 0; j < dr->d; j++)
    rs_post_summarise(dr->x + (long)dr->warmup * dr->d + j, dr->chains, dr->samples, per * dr->d,
                      dr->d, &s[j]);
}

static const rs_free_param *param(const rs_post_run *run, int j) {
  return j < run->fs->n ? &run->fs->p[j] : run->sigma;
}

static rs_status put(const char *dir, const char *name, const rs_buf *b, rs_error *err) {
  char path[PATH_LEN];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (b->failed) return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path);
  return rs_write_file(path, b->data, err);
}

static rs_status write_chains(const char *dir, const rs_post_run *run, rs_error *err) {
  const rs_post_draws *dr = run->dr;
  char path[PATH_LEN];
  snprintf(path, sizeof path, "%s/chains.csv", dir);
  rs_afile f;
  rs_status st = rs_afile_open(&f, path, err);
  if (st != RS_OK) return st;
  fputs("chain,iteration", f.fp);
  for (int j = 0; j < dr->d; j++) fprintf(f.fp, ",%s", param(run, j)->name);
  fputs(",loglik,logprior\n", f.fp);
  long per = dr->warmup + dr->samples;
  for (int c = 0; c < dr->chains; c++)
    for (int i = 0; i < dr->samples; i++) {
      long k = c * per + dr->warmup + i;
      fprintf(f.fp, "%d,%d", c + 1, i + 1);
      for (int j = 0; j < dr->d; j++) fprintf(f.fp, ",%.17g", dr->x[k * dr->d + j]);
      fprintf(f.fp, ",%.17g,%.17g\n", dr->loglik[k], dr->logprior[k]);
    }
  return rs_afile_commit(&f, err);
}

static void summary_csv(rs_buf *b, const rs_post_run *run) {
  char v[12][32], pr[128];
  rs_buf_printf(b,
                "parameter,mean,sd,q05,q50,q95,rhat,ess_bulk,ess_tail,prior,prior_sd,sd_ratio\n");
  for (int j = 0; j < run->dr->d; j++) {
    const rs_post_summary *s = &run->s[j];
    const rs_free_param *fp = param(run, j);
    double psd = rs_free_prior_sd(fp);
    rs_buf_csv_field(b, fp->name);
    rs_buf_printf(b, ",%s,%s,%s,%s,%s,%s,%s,%s,", rs_format_csv6(s->mean, v[0]),
                  rs_format_csv6(s->sd, v[1]), rs_format_csv6(s->q05, v[2]),
                  rs_format_csv6(s->q50, v[3]), rs_format_csv6(s->q95, v[4]),
                  rs_format_csv6(s->rhat, v[5]), rs_format_csv6(s->ess_bulk, v[6]),
                  rs_format_csv6(s->ess_tail, v[7]));
    rs_buf_csv_field(b, rs_free_prior_describe(fp, pr, sizeof pr));
    rs_buf_printf(b, ",%s,%s\n", rs_format_csv6(psd, v[8]),
                  rs_format_csv6(psd > 0 ? s->sd / psd : (double)NAN, v[9]));
  }
}

static void summary_md(rs_buf *b, const rs_post_run *run) {
  const rs_post_draws *dr = run->dr;
  int d = dr->d, conv = rs_post_converged(run->s, d), worst_r = 0, worst_e = 0;
  for (int j = 1; j < d; j++) {
    if (run->s[j].rhat > run->s[worst_r].rhat) worst_r = j;
    if (run->s[j].ess_bulk < run->s[worst_e].ess_bulk) worst_e = j;
  }
  double acc = dr->proposed > 0 ? (double)dr->accepted / (double)dr->proposed : (double)NAN;
  rs_buf_printf(b, "# Posterior of %s\n\n", run->base_path);
  if (run->command) rs_buf_printf(b, "`%s`\n\n", run->command);
  rs_buf_printf(b,
                "**Verdict: %s.** Every R-hat below 1.01 and every bulk and tail ESS at least 400 "
                "is asked; the worst R-hat is %.4f (`%s`), the lowest bulk ESS %.0f (`%s`).\n\n",
                conv ? "converged" : "NOT converged", run->s[worst_r].rhat,
                param(run, worst_r)->name, run->s[worst_e].ess_bulk, param(run, worst_e)->name);
  rs_buf_printf(b,
                "%d chains x %d kept draws (after %d warm-up draws each, discarded: the first half "
                "of every chain), thinning %d; %ld density evaluations (%ld failed runs, "
                "rejected), acceptance rate %.3f over the kept iterations; %.1f s on %d "
                "thread%s (%.0f runs/s, %.2f bulk ESS/s at the lowest).\n\n",
                dr->chains, dr->samples, dr->warmup, dr->thin, dr->evals, dr->failed, acc,
                run->seconds, run->threads, run->threads == 1 ? "" : "s",
                (double)dr->evals / fmax(run->seconds, 1e-9),
                run->s[worst_e].ess_bulk / fmax(run->seconds, 1e-9));
  rs_buf_printf(b,
                "| parameter | mean | sd | 5 %% | 50 %% | 95 %% | R-hat | bulk ESS | tail ESS | "
                "prior | prior sd | sd / prior sd |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
                "---|---:|---:|\n");
  for (int j = 0; j < d; j++) {
    const rs_post_summary *s = &run->s[j];
    const rs_free_param *fp = param(run, j);
    char pr[128];
    double psd = rs_free_prior_sd(fp);
    rs_buf_printf(
        b, "| `%s` | %.4g | %.3g | %.4g | %.4g | %.4g | %.4f | %.0f | %.0f | %s | %.3g | %.2f |\n",
        fp->name, s->mean, s->sd, s->q05, s->q50, s->q95, s->rhat, s->ess_bulk, s->ess_tail,
        rs_free_prior_describe(fp, pr, sizeof pr), psd, psd > 0 ? s->sd / psd : (double)NAN);
  }
  rs_buf_printf(b,
                "\nA ratio of posterior to prior sd near 1 means the targets say little about the "
                "parameter beyond its prior.\n\n"
                "**Likelihood.** Every modelled target's weighted scaled residual (the "
                "calibration's, one-sided figures as hinges) is normal with standard deviation "
                "`misfit.sigma`, sampled with the rest under a half-normal prior (scale 2.5, on "
                "[0.1, 10]).\n\n"
                "**Sampler.** DE-MC-ZS (differential evolution from an archive of past states, "
                "10 %% snooker updates, randomised subspaces; bounds by reflection), warm-started "
                "from the calibration's optimum and its Gauss-Newton covariance. R-hat is the "
                "larger of the rank-normalised split-R-hat of the draws and of their distance "
                "from the median; the ESS are those of the rank-normalised split chains (bulk) "
                "and of the 5 %% and 95 %% quantile indicators (tail), after Vehtari et al. "
                "(2021).\n\n"
                "Files: `chains.csv` (the kept draws), `summary.csv`, `posterior.cfg` (the "
                "posterior median as a scenario), `plots/` (trace, marginals with the prior, "
                "pairs).\n");
}

static rs_status write_cfg(const char *dir, const rs_post_run *run, rs_error *err) {
  rs_params p = *run->base;
  for (int j = 0; j < run->fs->n; j++) rs_pref_set(&p, run->fs->p[j].ref, run->s[j].q50);
  char ref[PATH_LEN], path[PATH_LEN];
  rs_calib_base_reference(dir, run->base_path, ref, sizeof ref);
  snprintf(path, sizeof path, "%s/posterior.cfg", dir);
  rs_buf h;
  rs_buf_init(&h);
  rs_buf_printf(&h,
                "posterior.cfg -- relsim: the posterior median of every free parameter, as a\n"
                "scenario over the base file below (the medians taken one at a time: a point\n"
                "of the parameter space, not a draw). chains.csv beside it holds the draws.\n\n");
  if (run->command) rs_buf_printf(&h, "command:  %s\n", run->command);
  rs_buf_printf(&h, "base:     %s\nfree:     %s\n\n", run->base_path, run->fs->file);
  for (int j = 0; j < run->dr->d; j++)
    rs_buf_printf(&h, "  %-30s median %-12.6g 90 %% interval %.6g to %.6g (R-hat %.3f)\n",
                  param(run, j)->name, run->s[j].q50, run->s[j].q05, run->s[j].q95, run->s[j].rhat);
  if (h.failed) {
    rs_buf_free(&h);
    return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path);
  }
  rs_afile f;
  rs_status st = rs_afile_open(&f, path, err);
  if (st == RS_OK) {
    rs_error werr;
    st = rs_params_write_scenario(f.fp, &p, run->base, ref, h.data, NULL, NULL, &werr);
    if (st != RS_OK) {
      rs_afile_abort(&f);
      st = rs_fail(err, st, "%s: %s", path, werr.msg);
    } else {
      st = rs_afile_commit(&f, err);
    }
  }
  rs_buf_free(&h);
  return st;
}

static const char *units_of(const rs_post_run *run, int j) {
  if (j >= run->fs->n) return "1";
  const rs_free_param *fp = &run->fs->p[j];
  const char *u = fp->ref.id >= 0
                      ? rs_param_info_get(fp->ref.id)->units
                      : rs_channel_info_get(run->base->events[fp->ref.event].channel)->units;
  return u && strcmp(u, "dimensionless") != 0 ? u : "1";
}

/* Correlations of the kept draws (d x d). */
static void correlations(const rs_post_draws *dr, const rs_post_summary *s, double *r) {
  int d = dr->d;
  long per = dr->warmup + dr->samples;
  double n = (double)dr->chains * dr->samples;
  for (int a = 0; a < d; a++)
    for (int b = a; b < d; b++) {
      double acc = 0.0;
      for (int c = 0; c < dr->chains; c++)
        for (int i = 0; i < dr->samples; i++) {
          const double *x = dr->x + (c * per + dr->warmup + i) * d;
          acc += (x[a] - s[a].mean) * (x[b] - s[b].mean);
        }
      double den = s[a].sd * s[b].sd * (n - 1.0);
      r[a * d + b] = r[b * d + a] = den > 0.0 ? acc / den : 0.0;
    }
}

enum { PRIOR_POINTS = 200 };

static rs_status write_plots(const char *dir, const rs_post_run *run, rs_plots_report *plots,
                             rs_error *err) {
  const rs_post_draws *dr = run->dr;
  int d = dr->d;
  static rs_plots_post_param pp[RS_POST_MAXDIM];
  static double px[RS_POST_MAXDIM][PRIOR_POINTS], py[RS_POST_MAXDIM][PRIOR_POINTS];
  double r[RS_POST_MAXDIM * RS_POST_MAXDIM];
  for (int j = 0; j < d; j++) {
    const rs_free_param *fp = param(run, j);
    memset(&pp[j], 0, sizeof pp[j]);
    snprintf(pp[j].name, sizeof pp[j].name, "%s", fp->name);
    snprintf(pp[j].units, sizeof pp[j].units, "%s", units_of(run, j));
    pp[j].column = 3 + j;
    /* a posterior narrower than a twentieth of the bounds is drawn around itself */
    const rs_post_summary *s = &run->s[j];
    double w = s->q95 - s->q05, lo = fp->lower, hi = fp->upper;
    if (w < 0.05 * (hi - lo)) {
      lo = fmax(lo, s->q05 - 3.0 * w - 1e-12 * (hi - lo));
      hi = fmin(hi, s->q95 + 3.0 * w + 1e-12 * (hi - lo));
    }
    pp[j].lower = lo;
    pp[j].upper = hi;
    for (int k = 0; k < PRIOR_POINTS; k++) {
      double x = lo + (hi - lo) * (k + 0.5) / PRIOR_POINTS;
      px[j][k] = x;
      py[j][k] = exp(rs_free_prior_logpdf(fp, x));
    }
    pp[j].nprior = PRIOR_POINTS;
    pp[j].prior_x = px[j];
    pp[j].prior_y = py[j];
  }
  correlations(dr, run->s, r);
  rs_plots_post sp;
  memset(&sp, 0, sizeof sp);
  sp.csv = "../chains.csv";
  sp.nparams = d;
  sp.p = pp;
  sp.chains = dr->chains;
  sp.samples = dr->samples;
  sp.every = dr->chains * dr->samples > 8000 ? dr->chains * dr->samples / 8000 : 1;
  /* the most correlated pairs, by |r| descending (ties: the first pair in order) */
  int used[RS_POST_MAXDIM * RS_POST_MAXDIM] = {0};
  for (int k = 0; k < 6 && d > 1; k++) {
    int ba = -1, bb = -1;
    for (int a = 0; a < d; a++)
      for (int b = a + 1; b < d; b++)
        if (!used[a * d + b] && (ba < 0 || fabs(r[a * d + b]) > fabs(r[ba * d + bb]))) {
          ba = a;
          bb = b;
        }
    if (ba < 0) break;
    used[ba * d + bb] = 1;
    sp.pair[k][0] = ba;
    sp.pair[k][1] = bb;
    sp.pair_corr[k] = r[ba * d + bb];
    sp.npairs++;
  }
  char plotdir[PATH_LEN];
  snprintf(plotdir, sizeof plotdir, "%s/plots", dir);
  return rs_plots_posterior(plotdir, &sp, plots, err);
}

/* A copy of the free file, so that the draws carry their priors (compare --posterior reads it). */
static rs_status copy_free(const char *dir, const rs_post_run *run, rs_error *err) {
  FILE *in = fopen(run->fs->file, "rb");
  if (!in) return rs_fail(err, RS_ERR_IO, "%s: cannot read", run->fs->file);
  rs_buf b;
  rs_buf_init(&b);
  char chunk[4096];
  size_t k;
  while ((k = fread(chunk, 1, sizeof chunk, in)) > 0) rs_buf_printf(&b, "%.*s", (int)k, chunk);
  fclose(in);
  rs_status st = put(dir, "free.cfg", &b, err);
  rs_buf_free(&b);
  return st;
}

rs_status rs_post_write(const char *dir, const rs_post_run *run, rs_plots_report *plots,
                        rs_error *err) {
  rs_status st = rs_mkdir_p(dir, err);
  if (st == RS_OK) st = write_chains(dir, run, err);
  rs_buf b;
  rs_buf_init(&b);
  if (st == RS_OK) {
    summary_csv(&b, run);
    st = put(dir, "summary.csv", &b, err);
  }
  rs_buf_free(&b);
  rs_buf_init(&b);
  if (st == RS_OK) {
    summary_md(&b, run);
    st = put(dir, "summary.md", &b, err);
  }
  rs_buf_free(&b);
  if (st == RS_OK) st = write_cfg(dir, run, err);
  if (st == RS_OK) st = copy_free(dir, run, err);
  if (st == RS_OK) st = write_plots(dir, run, plots, err);
  return st;
}
