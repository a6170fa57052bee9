/* cli/cmd_compare.c -- `relsim compare`: scenarios side by side, the first the reference, with
 * tables, figures and, with --band, uncertainty bands over the near-best fits. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "compare.h"
#include "posterior.h" /* --posterior: posterior-predictive differences */

#define MAX_FILES 64

static const char compare_usage[] =
    "Usage: relsim compare FILE... [-o DIR] [--to YEAR] [--forecast FILE] [--threads T]\n"
    "                      [--band [band options]] [-q]\n"
    "\n"
    "Run the scenarios in the parameter files side by side. The first file is the reference\n"
    "(e.g. params/calibrated.cfg); every run uses its span, output grid and solver settings.\n"
    "Writes into DIR:\n"
    "  compare.md     tables of the key indicators (relative TFP, TFP and GDP growth, investment,\n"
    "                 ties, the Asian network, the net relational effect, R&D, basic research,\n"
    "                 start-ups, closures, independent start-ups): the value of each scenario in\n"
    "                 1973, 1990, 2000 and the final year and its averages over 1991-2000 and\n"
    "                 2001-final, with the difference from the reference in parentheses; past\n"
    "                 2000, GDP growth averaged over the periods of the JCER forecast quoted in\n"
    "                 sec. 6, beside the forecast's averages (--forecast)\n"
    "  compare.csv    the same statistics for every indicator, with the differences (and bands)\n"
    "  NAME/series.csv  each scenario's run (NAME: the file name without .cfg)\n"
    "  plots/         one figure per indicator and an overview, a line per scenario (PNG, PDF\n"
    "                 and the gnuplot script: cd DIR/plots && gnuplot gdp_growth.gp)\n"
    "DIR is built as a temporary folder beside it and swapped in whole when complete: a failure\n"
    "or an interrupt (Ctrl-C, SIGTERM; also during --band) leaves the earlier DIR as it was.\n"
    "\n"
    "Options:\n"
    "  -o, --out DIR        output directory (default out/compare)\n"
    "  --to YEAR            end every run in YEAR (e.g. --to 2025 for the projection)\n"
    "  --forecast FILE      the JCER forecast of sec. 6 set beside the runs past 2000: GDP growth\n"
    "                       per period in the reading compared with (period averages) and an\n"
    "                       alternative; the file's header gives the format. Default:\n"
    "                       " RS_FORECAST_DEFAULT
    "; when it is missing, the comparison\n"
    "                       goes without the forecast and says so. A FILE given here must exist\n"
    "  --threads T          OpenMP threads (default: all cores); the results do not depend on T\n"
    "  --no-clobber         refuse to replace an existing, non-empty DIR\n"
    "  -q, --quiet          print nothing but errors and warnings\n"
    "  -h, --help           this text\n"
    "\n"
    "Uncertainty bands (--band): the figures of the paper do not pin every parameter down, so a\n"
    "difference between scenarios is reported with its band: the reference is re-calibrated with\n"
    "the band parameters fixed at points of a grid across their bounds, the fits within the\n"
    "tolerance of the best are kept, every scenario's changes are applied to each, and the min\n"
    "and max of each difference are reported (in brackets in compare.md, shaded in the\n"
    "figures). The reference must then be a calibrated scenario (params/calibrated.cfg).\n"
    "  --band               compute the bands (takes longer: one calibration per grid point)\n"
    "  --band-base FILE     the uncalibrated base of the calibration (default "
    "params/baseline.cfg)\n"
    "  --targets FILE       a target file; repeat it for several (default: params/targets.cfg,\n"
    "                       the paper's figures, and params/targets/data.cfg, external data)\n"
    "  --paper-only         keep only the targets of origin \"paper\" (the fit to the paper\n"
    "                       alone)\n"
    "  --free FILE          the free parameters (default params/free.cfg)\n"
    "  --band-params LIST   comma-separated parameters to fix on grids, e.g.\n"
    "                       ties.kappa_e,ties.omega (default: the weakly identified ones and\n"
    "                       ties.kappa_e)\n"
    "  --band-points N      grid points per parameter across its bounds (default 5)\n"
    "  --band-tolerance X   keep fits with cost <= (1 + X) x the best (default 0.10)\n"
    "\n"
    "Examples:\n"
    "  relsim compare params/calibrated.cfg params/scenarios/*.cfg --to 2025\n"
    "  relsim compare params/calibrated.cfg params/scenarios/no_regionalization.cfg --band\n"
    "\n"
    "Exit status: 0 success, 1 a run failed (the message names the file, the year and the state)\n"
    "or a file could not be written, 2 bad input (file:line of the offending setting).\n";

static const char compare_usage_posterior[] =
    "\nPosterior-predictive differences (--posterior):\n"
    "  --posterior DIR      posterior-predictive differences: every scenario's changes applied\n"
    "                       on top of each of --draws draws of DIR/chains.csv (relsim posterior),\n"
    "                       written to posterior.csv and posterior.md: median, 50 % and 90 %\n"
    "                       intervals and P(difference > 0)\n"
    "  --draws N            draws of the posterior used, evenly spaced (default 1000)\n"
    "  --prior-file ALT.cfg with --posterior: re-weight the draws to the priors of ALT.cfg (a "
    "free\n"
    "                       file; its entries replace the priors of the parameters they name)\n"
    "                       by importance sampling: posterior_ALT.csv/.md, with the effective\n"
    "                       sample size and a warning when it collapses. Repeatable\n";

typedef struct compare_args {
  const char *files[MAX_FILES];
  int nfiles;
  const char *out;
  const char *forecast; /* --forecast, or NULL: RS_FORECAST_DEFAULT if it exists */
  double to;
  int threads, quiet, band, no_clobber;
  int targets_given; /* a --targets option replaced the default target files */
  rs_band_options bopt;
  const char *posterior; /* --posterior DIR, or NULL */
  int draws;             /* --draws */
  const char *prior_files[8];
  int nprior_files;
} compare_args;

/* One option at argv[*i]; returns -1 when handled, else an exit status. */
static int parse_option(int argc, char **argv, int *i, compare_args *a) {
  const char *arg = argv[*i], *v;
  long x;
#define VALUE(name) \
  if (!(v = rs_cli_optarg(argc, argv, i, name))) return 2
  if (rs_cli_is_opt(arg, "--out", "-o")) {
    VALUE("--out");
    a->out = v;
  } else if (rs_cli_is_opt(arg, "--posterior", NULL)) {
    VALUE("--posterior");
    a->posterior = v;
  } else if (rs_cli_is_opt(arg, "--draws", NULL)) {
    VALUE("--draws");
    if (rs_cli_parse_int("compare", "--draws", v, 10, 1000000, &x)) return 2;
    a->draws = (int)x;
  } else if (rs_cli_is_opt(arg, "--prior-file", NULL)) {
    VALUE("--prior-file");
    if (a->nprior_files == 8) {
      rs_cli_error("compare: at most 8 --prior-file files");
      return 2;
    }
    a->prior_files[a->nprior_files++] = v;
  } else if (rs_cli_is_opt(arg, "--to", NULL)) {
    VALUE("--to");
    if (rs_cli_parse_year(v, &a->to) != 0) return 2;
  } else if (rs_cli_is_opt(arg, "--forecast", NULL)) {
    VALUE("--forecast");
    a->forecast = v;
  } else if (rs_cli_is_opt(arg, "--threads", NULL)) {
    VALUE("--threads");
    if (rs_cli_parse_int("compare", "--threads", v, 1, 256, &x)) return 2;
    a->threads = (int)x;
  } else if (strcmp(arg, "--band") == 0) {
    a->band = 1;
  } else if (rs_cli_is_opt(arg, "--band-base", NULL)) {
    VALUE("--band-base");
    a->bopt.base_file = v;
  } else if (rs_cli_is_opt(arg, "--targets", NULL)) {
    VALUE("--targets");
    /* the first --targets replaces the default list; the others add to it */
    if (!a->targets_given) a->bopt.ntargets_files = 0;
    a->targets_given = 1;
    if (a->bopt.ntargets_files == RS_TARGET_FILES_MAX) {
      rs_cli_error("compare: at most %d --targets files", RS_TARGET_FILES_MAX);
      return 2;
    }
    a->bopt.targets_files[a->bopt.ntargets_files++] = v;
  } else if (strcmp(arg, "--paper-only") == 0) {
    a->bopt.paper_only = 1;
  } else if (rs_cli_is_opt(arg, "--free", NULL)) {
    VALUE("--free");
    a->bopt.free_file = v;
  } else if (rs_cli_is_opt(arg, "--band-params", NULL)) {
    VALUE("--band-params");
    a->bopt.params = v[0] ? v : NULL;
  } else if (rs_cli_is_opt(arg, "--band-points", NULL)) {
    VALUE("--band-points");
    if (rs_cli_parse_int("compare", "--band-points", v, 2, 101, &x)) return 2;
    a->bopt.points = (int)x;
  } else if (rs_cli_is_opt(arg, "--band-tolerance", NULL)) {
    VALUE("--band-tolerance");
    char *end;
    double t = strtod(v, &end);
    if (end == v || *end != '\0' || !(t > 0.0 && t <= 10.0)) {
      rs_cli_error("compare: --band-tolerance %s: expected a number in (0, 10]", v);
      return 2;
    }
    a->bopt.tolerance = t;
  } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
    a->quiet = 1;
  } else if (strcmp(arg, "--no-clobber") == 0) {
    a->no_clobber = 1;
  } else {
    rs_cli_error("compare: unknown option '%s' (see relsim compare --help)", arg);
    return 2;
  }
#undef VALUE
  return -1;
}

/* Parse the arguments; returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, compare_args *a) {
  memset(a, 0, sizeof *a);
  a->out = "out/compare";
  a->to = (double)NAN;
  a->draws = 1000;
  a->bopt = rs_band_default_options();
  a->bopt.base_file = "params/baseline.cfg";
  a->bopt.free_file = "params/free.cfg";
  a->bopt.params = NULL;
  if (a->bopt.points <= 0) a->bopt.points = 5;
  if (!(a->bopt.tolerance > 0.0)) a->bopt.tolerance = 0.10;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      fputs(compare_usage, stdout);
      fputs(compare_usage_posterior, stdout);
      return 0;
    }
    if (arg[0] == '-' && arg[1] != '\0') {
      int rc = parse_option(argc, argv, &i, a);
      if (rc >= 0) return rc;
    } else if (a->nfiles == MAX_FILES) {
      rs_cli_error("compare: at most %d scenario files", MAX_FILES);
      return 2;
    } else {
      a->files[a->nfiles++] = arg;
    }
  }
  if (a->nfiles == 0) {
    rs_cli_error(
        "compare: no scenario files (try: relsim compare params/calibrated.cfg "
        "params/scenarios/no_bubble.cfg)");
    return 2;
  }
  a->bopt.threads = a->threads;
  a->bopt.progress = a->band && !a->quiet && isatty(STDERR_FILENO);
  return -1;
}

/* The file name of path without its directory and .cfg, for output names. */
static void stem(const char *path, char *out, size_t n) {
  const char *b = strrchr(path, '/');
  snprintf(out, n, "%s", b ? b + 1 : path);
  size_t len = strlen(out);
  if (len > 4 && strcmp(out + len - 4, ".cfg") == 0) out[len - 4] = '\0';
}

/* --posterior: the scenarios on every draw, summarised under the draws' own priors and under
 * each --prior-file by importance re-weighting. */
static rs_status posterior_predictive(const compare_args *a, const rs_compare *c, const char *dir,
                                      rs_plots_report *rep, rs_error *err) {
  rs_post_sample_set ss;
  rs_status st = rs_post_read_draws(a->posterior, &c->sc[0].params, a->draws, &ss, err);
  if (st != RS_OK) return st;
  rs_post_prediction pr;
  st = rs_post_predict(c, &ss, a->threads, &pr, err);
  if (st == RS_OK)
    st = rs_post_predict_write(dir, c, &ss, &pr, "the posterior's priors", "", rep, err);
  rs_free_set def, alt;
  char path[4200];
  snprintf(path, sizeof path, "%s/free.cfg", a->posterior);
  if (st == RS_OK && a->nprior_files > 0) st = rs_free_load(path, &c->sc[0].params, &def, err);
  for (int k = 0; st == RS_OK && k < a->nprior_files; k++) {
    st = rs_free_load(a->prior_files[k], &c->sc[0].params, &alt, err);
    if (st == RS_OK) st = rs_post_reweight(&ss, &def, &alt, err);
    char name[256], suffix[300], label[600];
    stem(a->prior_files[k], name, sizeof name);
    snprintf(suffix, sizeof suffix, "_%s", name);
    snprintf(label, sizeof label, "re-weighted to the priors of %s", a->prior_files[k]);
    if (st == RS_OK && ss.ess < fmax(100.0, 0.1 * ss.n))
      rs_cli_warning(
          "%s: the importance weights collapse: an effective sample size of %.0f of %d "
          "draws; sample the posterior under this prior instead",
          a->prior_files[k], ss.ess, ss.n);
    if (st == RS_OK) st = rs_post_predict_write(dir, c, &ss, &pr, label, suffix, rep, err);
    if (st == RS_OK && !a->quiet)
      printf("  %s/posterior%s.md  re-weighted to %s (ESS %.0f of %d)\n", a->out, suffix,
             a->prior_files[k], ss.ess, ss.n);
  }
  if (st == RS_OK && !a->quiet)
    printf("  %s/posterior.md  posterior-predictive differences over %d draws (%d failed)\n",
           a->out, ss.n, pr.failed);
  rs_post_prediction_free(&pr);
  rs_post_sample_set_free(&ss);
  return st;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void summary(const compare_args *a, const rs_compare *c, const rs_plots_report *rep,
                    double seconds) {
  const rs_series *s = &c->sc[0].series;
  printf("relsim: compared %d scenario%s, %g-%g, reference %s, in %.2f s\n", c->n,
         c->n == 1 ? "" : "s", s->year[0], s->year[s->nrows - 1], c->sc[0].name, seconds);
  if (c->has_band)
    printf("  band: %d of %d re-calibrations within %.0f %% of the best cost\n", c->nfits,
           c->ntried, 100.0 * a->bopt.tolerance);
  printf("  %s/compare.md    tables of the key indicators\n", a->out);
  printf("  %s/compare.csv   every indicator, difference from the reference%s\n", a->out,
         c->has_band ? " and its band" : "");
  printf("  %s/NAME/series.csv  each run (", a->out);
  for (int i = 0; i < c->n; i++) printf("%s%s", i ? ", " : "", c->sc[i].name);
  printf(")\n  %s/plots/         %d gnuplot scripts, %d images\n", a->out, rep->nscripts,
         rep->nimages);
}

int rs_cmd_compare(int argc, char **argv) {
  compare_args a;
  int rc = parse_args(argc, argv, &a);
  if (rc >= 0) return rc;
  double t0 = now_seconds();
  rs_compare c;
  rs_error err;
  rs_status st = rs_compare_load(&c, a.files, a.nfiles, a.to, &err);
  if (st != RS_OK) {
    rs_cli_error("%s", err.msg);
    /* an unreadable scenario file is bad input, as in relsim run */
    return st == RS_ERR_IO ? 2 : rs_exit_code(st);
  }
  /* the forecast before the runs: a bad file stops the comparison before any work */
  int missing = 0;
  st = rs_compare_set_forecast(&c, a.forecast ? a.forecast : RS_FORECAST_DEFAULT, !a.forecast,
                               &missing, &err);
  if (st != RS_OK) {
    rs_cli_error("%s", err.msg);
    rs_compare_free(&c);
    return 2; /* an unreadable or malformed forecast file is bad input */
  }
  /* said once, and only when the runs go past the paper's period, where it would be drawn */
  if (missing && c.to > 2000.0)
    rs_cli_warning(
        "%s: no such file: GDP growth is compared without the JCER forecast of "
        "sec. 6 (give one with --forecast FILE)",
        RS_FORECAST_DEFAULT);
  rs_outdir od;
  if ((rc = rs_cli_outdir_begin(&od, a.out, a.no_clobber)) != 0) {
    rs_compare_free(&c);
    return rc;
  }
  st = rs_compare_run(&c, a.threads, &err);
  int band_io = 0; /* the band only reads files: one it cannot read is bad input */
  if (st == RS_OK && a.band) {
    a.bopt.interrupt = rs_cli_interrupt_flag();
    st = rs_compare_band(&c, &a.bopt, &err);
    band_io = st == RS_ERR_IO;
  }
  rs_plots_report rep;
  memset(&rep, 0, sizeof rep);
  if (st == RS_OK) st = rs_compare_write(od.work, &c, &rep, &err);
  if (st == RS_OK && a.posterior) {
    st = posterior_predictive(&a, &c, od.work, &rep, &err);
    band_io = st == RS_ERR_IO;
  }
  if (st == RS_ERR_INTERRUPT) {
    rs_outdir_abort(&od);
    rs_cli_warning("interrupted: %s is unchanged", od.final);
    rc = 130;
  } else if (st != RS_OK) {
    rs_cli_error("%s", err.msg);
    rc = band_io ? 2 : rs_exit_code(st);
  } else if ((rc = rs_cli_outdir_commit(&od)) == 0) {
    if (!rep.rendered) rs_cli_warning("no images: %s", rep.why_not);
    if (!a.quiet) summary(&a, &c, &rep, now_seconds() - t0);
  }
  rs_outdir_abort(&od);
  rs_compare_free(&c);
  rs_cli_ensemble_note("compare");
  return rc;
}
