/* cli/cmd_posterior.c -- `relsim posterior`: sample the posterior of the free parameters of a
 * scenario given the targets (posterior/), warm-started from a calibration, and write the draws,
 * their diagnostics and figures. Ctrl-C or a kill leaves a checkpoint; --resume continues. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "posterior.h"

static const char posterior_usage[] =
    "Usage: relsim posterior BASE.cfg [--targets FILE]... [--paper-only] [--free FILE] [-o DIR]\n"
    "                        [options]\n"
    "\n"
    "Sample the posterior of the free parameters of BASE.cfg (with their priors from the free\n"
    "file) and of the misfit scale misfit.sigma, given the targets: every modelled target's\n"
    "weighted scaled residual is normal with standard deviation sigma. DE-MC-ZS chains run in\n"
    "parallel, warm-started from a calibration; the draws for a seed do not depend on the\n"
    "thread count. Writes into DIR: chains.csv (the kept draws), summary.csv and summary.md\n"
    "(mean, sd, 5/50/95 % quantiles, R-hat, bulk and tail ESS, prior and posterior sd; the\n"
    "verdict), posterior.cfg (the posterior median as a scenario on BASE.cfg) and plots/.\n"
    "\n"
    "Options:\n"
    "  --targets FILE     a target file; repeatable (default: params/targets.cfg and\n"
    "                     params/targets/data.cfg, as relsim calibrate)\n"
    "  --paper-only       keep only the targets of origin \"paper\"\n"
    "  --free FILE        the free parameters, bounds and priors (default params/free.cfg)\n"
    "  -o, --out DIR      output directory (default out/posterior)\n"
    "  --start FILE.cfg   the warm start: its values of the free parameters and the covariance of\n"
    "                     a fit there (default params/calibrated.cfg)\n"
    "  --chains N         chains (default 8, at least 3)\n"
    "  --samples S        kept draws per chain (default 1000)\n"
    "  --warmup W         warm-up draws per chain, discarded (default: S, half of every chain)\n"
    "  --thin K           iterations per stored draw (default 1)\n"
    "  --seed K           seed (default 20010618)\n"
    "  --threads T        OpenMP threads (default: all cores); the draws do not depend on T\n"
    "  --log-scale        sample rates and scales on a log scale (those whose range spans a\n"
    "                     decade above a positive lower bound, or that start in the lower third\n"
    "                     of a range from 0): the same posterior, often better mixing\n"
    "  --resume           continue from DIR.partial/checkpoint.bin (same options): the result\n"
    "                     is the same bit for bit as an uninterrupted run\n"
    "  --no-clobber       refuse to replace an existing, non-empty DIR\n"
    "  --set NAME=VALUE   override a setting of the base (as in relsim run)\n"
    "  -q, --quiet        no progress line (there is none when stderr is not a terminal)\n"
    "  -h, --help         this text\n"
    "\n"
    "DIR is built as a temporary folder beside it and swapped in whole when complete. The state\n"
    "of the chains lives beside DIR, in DIR.partial/checkpoint.bin: Ctrl-C (SIGINT) or SIGTERM\n"
    "writes it and exits with status 130 (DIR unchanged); it is also written every 50\n"
    "iterations, so that even a hard kill loses little. A complete run removes DIR.partial.\n";

typedef struct post_args {
  const char *base, *start;
  rs_cli_fit_args fit; /* --targets, --paper-only, --free, -o, --set, -q, --no-clobber */
  int resume, log_scale;
  rs_post_options opt;
} post_args;

static int parse_option(int argc, char **argv, int *i, void *args) {
  post_args *a = args;
  const char *arg = argv[*i], *v;
  long x;
#define VALUE(name) \
  if (!(v = rs_cli_optarg(argc, argv, i, name))) return 2
#define INT(name, lo, hi, dst)                                      \
  VALUE(name);                                                      \
  if (rs_cli_parse_int("posterior", name, v, lo, hi, &x)) return 2; \
  dst = (int)x
  int shared = rs_cli_fit_option("posterior", argc, argv, i, &a->fit);
  if (shared != 0) return shared;
  if (rs_cli_is_opt(arg, "--start", NULL)) {
    VALUE("--start");
    a->start = v;
  } else if (rs_cli_is_opt(arg, "--chains", NULL)) {
    INT("--chains", 3, RS_POST_MAXCHAINS, a->opt.chains);
  } else if (rs_cli_is_opt(arg, "--samples", NULL)) {
    INT("--samples", 4, 10000000, a->opt.samples);
  } else if (rs_cli_is_opt(arg, "--warmup", NULL)) {
    INT("--warmup", 0, 10000000, a->opt.warmup);
  } else if (rs_cli_is_opt(arg, "--thin", NULL)) {
    INT("--thin", 1, 10000, a->opt.thin);
  } else if (rs_cli_is_opt(arg, "--seed", NULL)) {
    VALUE("--seed");
    if (rs_cli_parse_int("posterior", "--seed", v, 0, 2147483647L, &x)) return 2;
    a->opt.seed = (uint64_t)x;
  } else if (rs_cli_is_opt(arg, "--threads", NULL)) {
    INT("--threads", 1, 256, a->opt.threads);
  } else if (strcmp(arg, "--log-scale") == 0) {
    a->log_scale = 1;
  } else if (strcmp(arg, "--resume") == 0) {
    a->resume = 1;
  } else {
    rs_cli_error("posterior: unknown option '%s' (see relsim posterior --help)", arg);
    return 2;
  }
#undef INT
#undef VALUE
  return -1;
}

static int parse_args(int argc, char **argv, post_args *a) {
  memset(a, 0, sizeof *a);
  a->fit.free_file = "params/free.cfg";
  a->fit.out = "out/posterior";
  a->start = "params/calibrated.cfg";
  a->opt = rs_post_default_options();
  int rc = rs_cli_parse_base("posterior", argc, argv, posterior_usage, parse_option, a, &a->base);
  if (rc >= 0) return rc;
  if (a->fit.ntargets == 0) rs_cli_default_targets(a->fit.targets, &a->fit.ntargets);
  a->opt.progress = !a->fit.quiet && isatty(STDERR_FILENO);
  return -1;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The warm start's covariance: one Gauss-Newton step of the calibration from the start (its
 * covariance (J'J)^-1 at the point reached). */
static rs_status warm_covariance(const rs_params *start, const rs_targets *ts,
                                 const rs_free_set *fs, int threads, rs_params *at, double *cov,
                                 rs_error *err) {
  rs_calib_options co = rs_calib_default_options();
  co.nstarts = 1;
  co.max_iter = 1;
  co.threads = threads;
  rs_calib_result res;
  rs_status st = rs_calibrate(start, ts, fs, &co, &res, err);
  if (st != RS_OK) return st;
  memcpy(cov, res.cov, sizeof(double) * (size_t)(fs->n * fs->n));
  *at = res.fitted;
  rs_calib_result_free(&res);
  return RS_OK;
}

static void report(const post_args *a, const rs_post_draws *dr, const rs_post_summary *s,
                   const rs_free_set *fs, const rs_free_param *sigma, double seconds) {
  int d = dr->d, wr = 0, we = 0;
  for (int j = 1; j < d; j++) {
    if (s[j].rhat > s[wr].rhat) wr = j;
    if (s[j].ess_bulk < s[we].ess_bulk) we = j;
  }
  fprintf(stderr, "posterior: %-30s %10s %10s %8s %9s %9s\n", "parameter", "median", "sd", "R-hat",
          "bulk ESS", "tail ESS");
  for (int j = 0; j < d; j++)
    fprintf(stderr, "posterior: %-30s %10.4g %10.3g %8.4f %9.0f %9.0f\n",
            j < fs->n ? fs->p[j].name : sigma->name, s[j].q50, s[j].sd, s[j].rhat, s[j].ess_bulk,
            s[j].ess_tail);
  double acc = dr->proposed ? (double)dr->accepted / (double)dr->proposed : (double)NAN;
  fprintf(stderr,
          "posterior: %s: worst R-hat %.4f (%s), lowest bulk ESS %.0f (%s); acceptance %.3f\n",
          rs_post_converged(s, d) ? "converged"
                                  : "NOT converged (every R-hat < 1.01 and every "
                                    "ESS >= 400 asked)",
          s[wr].rhat, wr < fs->n ? fs->p[wr].name : sigma->name, s[we].ess_bulk,
          we < fs->n ? fs->p[we].name : sigma->name, acc);
  printf(
      "relsim: %d chains x %d draws of %d parameters in %.1f s (%ld runs, %.0f runs/s, %.2f "
      "bulk ESS/s at the lowest)\n  %s/chains.csv, summary.md, summary.csv, posterior.cfg, "
      "plots/\n",
      dr->chains, dr->samples, d, seconds, dr->evals, (double)dr->evals / fmax(seconds, 1e-9),
      s[we].ess_bulk / fmax(seconds, 1e-9), a->fit.out);
}

int rs_cmd_posterior(int argc, char **argv) {
  post_args a;
  int rc = parse_args(argc, argv, &a);
  if (rc >= 0) return rc;
  rs_params base, start;
  rs_provenance *prov = malloc(sizeof *prov);
  if (!prov) return 1;
  rc = rs_cli_load(a.base, a.fit.sets, a.fit.nsets, (double)NAN, &base, prov);
  if (rc == 0) rc = rs_cli_load(a.start, a.fit.sets, a.fit.nsets, (double)NAN, &start, prov);
  free(prov);
  if (rc) return rc;
  rs_error err;
  rs_targets ts;
  rs_free_set fs;
  memset(&ts, 0, sizeof ts);
  rs_status st = rs_targets_load_files(a.fit.targets, a.fit.ntargets, a.fit.paper_only,
                                       base.v[RS_P_SPAN_START], base.v[RS_P_SPAN_END], &ts, &err);
  if (st == RS_OK) st = rs_free_load(a.fit.free_file, &base, &fs, &err);
  if (st != RS_OK) {
    rs_cli_error("%s", err.msg);
    rs_targets_free(&ts);
    return st == RS_ERR_IO ? 2 : rs_exit_code(st);
  }
  rs_post_model pm;
  rs_post_problem pb;
  rs_post_draws dr;
  memset(&dr, 0, sizeof dr);
  double *cov = malloc(sizeof(double) * RS_FREE_MAX * RS_FREE_MAX);
  double *cov2 = malloc(sizeof(double) * RS_POST_MAXDIM * RS_POST_MAXDIM);
  rs_params at;
  /* the chains' state lives beside DIR (DIR.partial/checkpoint.bin), DIR is replaced whole */
  char partial[4096], ck[4200];
  rs_cli_partial_dir(a.fit.out, partial, sizeof partial);
  snprintf(ck, sizeof ck, "%s/checkpoint.bin", partial);
  rs_outdir od;
  memset(&od, 0, sizeof od);
  od.lock_fd = -1;
  st = cov && cov2 ? RS_OK : rs_fail(&err, RS_ERR_NOMEM, "posterior: out of memory");
  if (st == RS_OK) {
    rc = rs_cli_outdir_begin(&od, a.fit.out, a.fit.no_clobber);
    if (rc != 0) st = rs_fail(&err, RS_ERR_IO, "%s: not written", a.fit.out);
  }
  if (st == RS_OK) st = rs_mkdir_p(partial, &err);
  if (st == RS_OK) st = warm_covariance(&start, &ts, &fs, a.opt.threads, &at, cov, &err);
  if (st == RS_OK) st = rs_post_model_init(&pm, &base, &ts, &fs, a.opt.threads, &err);
  pm.log_scale = a.log_scale;
  if (st == RS_OK) st = rs_post_model_problem(&pm, &at, cov, &pb, cov2, &err);
  a.opt.interrupt = rs_cli_interrupt_flag();
  a.opt.checkpoint = ck;
  double t0 = now_seconds();
  if (st == RS_OK) st = rs_post_sample(&pb, &a.opt, a.resume, &dr, &err);
  double seconds = now_seconds() - t0;
  rs_post_summary s[RS_POST_MAXDIM];
  if (st == RS_OK && dr.interrupted) {
    rs_cli_warning(
        "interrupted at %d of %d draws a chain: %s holds the state; continue with "
        "--resume",
        dr.stored, dr.warmup + dr.samples, ck);
    rc = 130;
  } else if (st == RS_OK) {
    for (long k = 0; k < (long)dr.chains * (dr.warmup + dr.samples); k++)
      rs_post_model_to_x(&pm, dr.x + k * dr.d, dr.x + k * dr.d);
    rs_post_summarise_draws(&dr, s);
    char cmd[4096];
    memcpy(cmd, "relsim ", 8);
    rs_cli_command_line(argc, argv, cmd + 7, sizeof cmd - 7);
    rs_post_run run = {a.base,    &base,   &fs,
                       &pm.sigma, &dr,     s,
                       cmd,       seconds, a.opt.threads > 0 ? a.opt.threads : pm.nthreads};
    rs_plots_report plots;
    memset(&plots, 0, sizeof plots);
    st = rs_post_write(od.work, &run, &plots, &err);
    if (st == RS_OK && plots.nscripts > 0 && !plots.rendered)
      rs_cli_warning("no images: %s", plots.why_not);
    if (st == RS_OK) {
      rc = rs_cli_outdir_commit(&od);
      if (rc == 0) (void)rs_remove_tree(partial); /* the checkpoint is spent */
      if (rc == 0) report(&a, &dr, s, &fs, &pm.sigma, seconds);
      if (rc == 130)
        rs_cli_warning("the draws are complete in %s; --resume writes the outputs", ck);
    }
  }
  if (st != RS_OK && rc == 0) {
    rs_cli_error("%s", err.msg);
    rc = rs_exit_code(st);
  }
  rs_outdir_abort(&od);
  if (pm.ev) rs_post_model_free(&pm);
  rs_post_draws_free(&dr);
  free(cov);
  free(cov2);
  rs_targets_free(&ts);
  return rc;
}
