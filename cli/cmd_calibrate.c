/* cli/cmd_calibrate.c -- `relsim calibrate`: fit the free parameters of a scenario to the
 * paper's figures (and external data), profile the parameters asked for (with the thesis
 * scenario along each profile) and write the fit report. Ctrl-C keeps the best point so far. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calib.h"
#include "cli.h"
#include "compare.h" /* rs_compare_profile_thesis: the thesis along the profiles */

static const char calibrate_usage[] =
    "Usage: relsim calibrate BASE.cfg [--targets FILE]... [--paper-only] [--free FILE] [-o DIR]\n"
    "                        [options]\n"
    "\n"
    "Fit the free parameters of the scenario BASE.cfg to the paper's figures and external data\n"
    "by weighted least squares on scaled residuals: Levenberg-Marquardt within the search\n"
    "bounds (each step solves the damped linear model inside the bounds, so a parameter on a\n"
    "bound leaves it as soon as the cost falls inward), from a multi-start run in parallel,\n"
    "with gradients from CVODES forward sensitivities. Writes into DIR: calibrated.cfg (a\n"
    "scenario on BASE.cfg holding the fitted values with their standard errors), fit.csv and\n"
    "fit.md (every target, modelled or not: model value, target, scaled residual, share of the\n"
    "cost, within scale, origin, citation; parameters, correlations, identifiability, targets\n"
    "in tension, profiles), parameters.csv, series.csv and plots/.\n"
    "\n"
    "Options:\n"
    "  --targets FILE     a target file; repeat it for several, loaded in order (a file's\n"
    "                     base = \"...\"; is loaded before it). Default: params/targets.cfg (the\n"
    "                     paper's figures) and params/targets/data.cfg (external data)\n"
    "  --paper-only       keep only the targets of origin \"paper\": the fit to the paper alone\n"
    "  --free FILE        the free parameters, bounds and priors (default params/free.cfg)\n"
    "  -o, --out DIR      output directory (default out/calibration)\n"
    "  --starts N         the design: start 1 = the base values, N - 1 more from a Latin\n"
    "                     hypercube over the bounds (default 16); --start files come on top\n"
    "  --start FILE.cfg   one more start: the values of the free parameters in FILE.cfg (a\n"
    "                     parameter file loaded like BASE.cfg, e.g. params/calibrated.cfg),\n"
    "                     clamped into the bounds; repeatable (starts 2, 3, ...). A previous\n"
    "                     optimum given as a start is never lost: the fit can only improve on it\n"
    "  --seed S           seed of the Latin hypercube (default 20010618)\n"
    "  --max-iter N       Levenberg-Marquardt iterations per start (default 100)\n"
    "  --threads T        OpenMP threads (default: all cores); the result does not depend on T\n"
    "  --jacobian KIND    sens (CVODES sensitivities, default) or fd (central differences)\n"
    "  --set NAME=VALUE   override a setting of the base (as in relsim run)\n"
    "  --profile NAME[,NAME...]\n"
    "                     after the fit, the profile of each named free parameter (at most\n"
    "                     8): held at points across its search bounds, the others re-fitted\n"
    "                     from the estimate (--max-iter iterations a point); fit.md gets a\n"
    "                     Profiles section, DIR gets profiles.csv and plots/profiles.\n"
    "                     Repeatable\n"
    "  --profile-points N grid points per profile, besides the estimate (default 7)\n"
    "  --thesis FILE.cfg  the counterfactual whose answer the profiles show at every point: its\n"
    "                     changes against its own base, applied to each point's fit (default\n"
    "                     params/scenarios/no_regionalization.cfg; none: no thesis columns)\n"
    "  --thesis-to YEAR   the final year of the thesis runs (default 2025)\n"
    "  --no-clobber       refuse to replace an existing, non-empty DIR\n"
    "  -q, --quiet        no progress line (there is none when stderr is not a terminal)\n"
    "  -h, --help         this text\n"
    "\n"
    "DIR is built as a temporary folder beside it and swapped in whole when complete, so a\n"
    "failure or a kill leaves the earlier DIR as it was. Ctrl-C (or SIGTERM) stops every start\n"
    "at its next iteration, writes the best point so far as DIR.partial/calibrated.partial.cfg\n"
    "(DIR itself unchanged) and exits with status 130; during the profiles, it writes the\n"
    "complete fit without them into DIR and exits with status 130. A later complete\n"
    "calibration into DIR removes DIR.partial.\n";

/* The thesis scenario when --profile is given without --thesis. */
static const char default_thesis[] = "params/scenarios/no_regionalization.cfg";

typedef struct cal_args {
  const char *base;
  rs_cli_fit_args fit; /* --targets, --paper-only, --free, -o, --set, -q, --no-clobber */
  const char *starts[RS_CALIB_MAX_EXTRA]; /* --start files */
  int nstart_files;
  rs_calib_options opt;
  char profile_list[1024]; /* the --profile names, split in place into profiles[] */
  const char *profiles[RS_PROFILE_MAX + 1];
  int nprofiles, profile_points;
  const char *thesis; /* NULL: none */
  double thesis_to;
} cal_args;

/* Append the comma-separated names of one --profile to a->profiles. Returns 0 or 2. */
static int add_profiles(cal_args *a, const char *v) {
  size_t used = 0;
  for (int i = 0; i < a->nprofiles; i++) used += strlen(a->profiles[i]) + 1;
  size_t len = strlen(v);
  if (used + len + 1 > sizeof a->profile_list) {
    rs_cli_error("calibrate: --profile: the names are too long");
    return 2;
  }
  char *list = a->profile_list + used;
  memcpy(list, v, len + 1);
  for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
    if (a->nprofiles == RS_PROFILE_MAX) {
      rs_cli_error("calibrate: --profile: at most %d parameters", RS_PROFILE_MAX);
      return 2;
    }
    a->profiles[a->nprofiles++] = tok;
  }
  return 0;
}

/* One option at argv[*i]; returns -1 when handled, else an exit status. */
static int parse_option(int argc, char **argv, int *i, void *args) {
  cal_args *a = args;
  const char *arg = argv[*i], *v;
  long x;
#define VALUE(name) \
  if (!(v = rs_cli_optarg(argc, argv, i, name))) return 2
  int shared = rs_cli_fit_option("calibrate", argc, argv, i, &a->fit);
  if (shared != 0) return shared;
  if (rs_cli_is_opt(arg, "--starts", NULL)) {
    VALUE("--starts");
    if (rs_cli_parse_int("calibrate", "--starts", v, 1, 1024, &x)) return 2;
    a->opt.nstarts = (int)x;
  } else if (rs_cli_is_opt(arg, "--start", NULL)) {
    VALUE("--start");
    if (a->nstart_files >= RS_CALIB_MAX_EXTRA) {
      rs_cli_error("calibrate: at most %d --start files", RS_CALIB_MAX_EXTRA);
      return 2;
    }
    a->starts[a->nstart_files++] = v;
  } else if (rs_cli_is_opt(arg, "--seed", NULL)) {
    VALUE("--seed");
    if (rs_cli_parse_int("calibrate", "--seed", v, 0, 2147483647L, &x)) return 2;
    a->opt.seed = (uint64_t)x;
  } else if (rs_cli_is_opt(arg, "--max-iter", NULL)) {
    VALUE("--max-iter");
    if (rs_cli_parse_int("calibrate", "--max-iter", v, 1, 100000, &x)) return 2;
    a->opt.max_iter = (int)x;
  } else if (rs_cli_is_opt(arg, "--threads", NULL)) {
    VALUE("--threads");
    if (rs_cli_parse_int("calibrate", "--threads", v, 1, 256, &x)) return 2;
    a->opt.threads = (int)x;
  } else if (rs_cli_is_opt(arg, "--jacobian", NULL)) {
    VALUE("--jacobian");
    if (strcmp(v, "sens") != 0 && strcmp(v, "fd") != 0) {
      rs_cli_error("calibrate: --jacobian %s: expected sens or fd", v);
      return 2;
    }
    a->opt.jacobian = strcmp(v, "fd") == 0 ? RS_JAC_FD : RS_JAC_SENS;
  } else if (rs_cli_is_opt(arg, "--profile", NULL)) {
    VALUE("--profile");
    if (add_profiles(a, v)) return 2;
  } else if (rs_cli_is_opt(arg, "--profile-points", NULL)) {
    VALUE("--profile-points");
    if (rs_cli_parse_int("calibrate", "--profile-points", v, 2, RS_PROFILE_POINTS_MAX, &x))
      return 2;
    a->profile_points = (int)x;
  } else if (rs_cli_is_opt(arg, "--thesis", NULL)) {
    VALUE("--thesis");
    a->thesis = strcmp(v, "none") == 0 ? NULL : v;
  } else if (rs_cli_is_opt(arg, "--thesis-to", NULL)) {
    VALUE("--thesis-to");
    if (rs_cli_parse_int("calibrate", "--thesis-to", v, 2002, 2200, &x)) return 2;
    a->thesis_to = (double)x;
  } else {
    rs_cli_error("calibrate: unknown option '%s' (see relsim calibrate --help)", arg);
    return 2;
  }
#undef VALUE
  return -1;
}

static int parse_args(int argc, char **argv, cal_args *a) {
  memset(a, 0, sizeof *a);
  a->fit.free_file = "params/free.cfg";
  a->fit.out = "out/calibration";
  a->opt = rs_calib_default_options();
  a->profile_points = 7;
  a->thesis = default_thesis;
  a->thesis_to = 2025.0;
  int rc = rs_cli_parse_base("calibrate", argc, argv, calibrate_usage, parse_option, a, &a->base);
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

static void summary(const cal_args *a, const rs_targets *ts, const rs_calib_result *res,
                    double seconds, const rs_calib_profile *prof, int nprof, double pseconds) {
  int modelled = 0, within = 0, data = 0;
  for (int i = 0; i < ts->n; i++) {
    if (!ts->t[i].modelled) continue;
    modelled++;
    data += ts->t[i].origin == RS_TO_DATA;
    within += fabs(res->resid[i]) <= 1.0;
  }
  printf(
      "relsim: calibrated %d parameters of %s against %d targets (%d modelled, %d of them "
      "data%s) in %.1f s\n",
      res->n, a->base, ts->n, modelled, data, a->fit.paper_only ? "; --paper-only" : "", seconds);
  long eruns, fallbacks;
  rs_sim_ensemble_totals(&eruns, &fallbacks);
  printf(
      "  cost %.6g; %d of %d modelled targets within their scale; %d starts, best %d; "
      "%ld model runs (%ld fell back to BDF)\n",
      res->cost, within, modelled, res->nstarts, res->best + 1, res->runs, fallbacks);
  if (nprof > 0) {
    int points = 0;
    for (int i = 0; i < nprof; i++) points += prof[i].n;
    printf("  profiles of %d parameter%s (%d re-fits%s) in %.1f s\n", nprof, nprof == 1 ? "" : "s",
           points, prof[0].ncol > 0 ? ", with the thesis scenario at each" : "", pseconds);
  }
  printf("  %s/calibrated.cfg, fit.md, fit.csv, parameters.csv, %sseries.csv, plots/\n", a->fit.out,
         nprof > 0 ? "profiles.csv, " : "");
}

static rs_status write_partial(const cal_args *a, const rs_params *base, const rs_targets *ts,
                               const rs_free_set *fs, const rs_calib_result *res, const char *cmd,
                               rs_error *err) {
  char name[RS_PATH_MAX + 16];
  rs_cli_partial_dir(a->fit.out, name, sizeof name);
  rs_outdir pd;
  rs_status st = rs_outdir_begin(&pd, name, 0, err);
  if (st != RS_OK) return st;
  /* the fitted point is complete when only the writing was interrupted: mark it partial all
   * the same, since its report is not */
  st = rs_calib_write_report(pd.work, a->base, base, ts, fs, res, NULL, 0, 1, cmd, NULL, err);
  if (st == RS_OK) st = rs_outdir_commit(&pd, err);
  rs_outdir_abort(&pd);
  return st;
}

/* A complete calibration into DIR makes an earlier DIR.partial stale. */
static void remove_partial(const char *out) {
  char name[RS_PATH_MAX + 16];
  rs_cli_partial_dir(out, name, sizeof name);
  (void)rs_remove_tree(name);
}

int rs_cmd_calibrate(int argc, char **argv) {
  cal_args a;
  int rc = parse_args(argc, argv, &a);
  if (rc >= 0) return rc;
  rs_params base;
  rs_provenance *prov = malloc(sizeof *prov);
  if (!prov) return 1;
  rc = rs_cli_load(a.base, a.fit.sets, a.fit.nsets, (double)NAN, &base, prov);
  /* The extra starts: each file's free-parameter values (rs_calibrate clamps them into the
   * bounds). The --set overrides are the base's, not theirs. */
  rs_params *extra = NULL;
  if (rc == 0 && a.nstart_files > 0) {
    extra = malloc(sizeof *extra * (size_t)a.nstart_files);
    if (!extra) rc = 1;
  }
  for (int i = 0; rc == 0 && i < a.nstart_files; i++)
    rc = rs_cli_load(a.starts[i], NULL, 0, (double)NAN, &extra[i], prov);
  free(prov);
  if (rc) {
    free(extra);
    return rc;
  }
  a.opt.extra_starts = extra;
  a.opt.nextra = a.nstart_files;
  rs_error err;
  rs_targets ts;
  rs_free_set fs;
  memset(&ts, 0, sizeof ts);
  rs_status st = rs_targets_load_files(a.fit.targets, a.fit.ntargets, a.fit.paper_only,
                                       base.v[RS_P_SPAN_START], base.v[RS_P_SPAN_END], &ts, &err);
  if (st == RS_OK) st = rs_free_load(a.fit.free_file, &base, &fs, &err);
  /* The profiles' names and the thesis scenario are checked now, not after the fit. */
  const char *bad_opt = NULL;
  if (st == RS_OK && a.nprofiles > 0 &&
      (st = rs_calib_profile_check(&fs, a.profiles, a.nprofiles, &err)) != RS_OK)
    bad_opt = "--profile";
  if (st == RS_OK && a.nprofiles > 0 && a.thesis &&
      (st = rs_compare_profile_thesis(NULL, 0, a.thesis, a.thesis_to, 1, &err)) != RS_OK)
    bad_opt = "--thesis";
  if (st != RS_OK) {
    if (bad_opt)
      rs_cli_error("calibrate %s: %s", bad_opt, err.msg);
    else
      rs_cli_error("%s", err.msg);
    rs_targets_free(&ts);
    free(extra);
    return st == RS_ERR_IO ? 2 : rs_exit_code(st);
  }
  volatile sig_atomic_t *interrupted = rs_cli_interrupt_flag();
  a.opt.interrupt = interrupted;
  rs_outdir od;
  rc = rs_cli_outdir_begin(&od, a.fit.out, a.fit.no_clobber);
  if (rc != 0) {
    rs_targets_free(&ts);
    free(extra);
    return rc;
  }
  rs_calib_result res;
  double t0 = now_seconds();
  st = rs_calibrate(&base, &ts, &fs, &a.opt, &res, &err);
  double seconds = now_seconds() - t0;
  /* The profiles, from the estimate, and the thesis scenario at every point. An interrupt
   * during them drops them: the fit itself is complete and its report is written. */
  rs_calib_profile prof[RS_PROFILE_MAX];
  memset(prof, 0, sizeof prof);
  int nprof = 0, prof_interrupted = 0;
  double t1 = now_seconds();
  if (st == RS_OK && !res.interrupted && a.nprofiles > 0) {
    st = rs_calib_profiles(&res.fitted, &ts, &fs, a.profiles, a.nprofiles, a.profile_points, &a.opt,
                           prof, &err);
    if (st == RS_OK) nprof = a.nprofiles;
    if (st == RS_OK && *interrupted) prof_interrupted = 1;
    if (st == RS_OK && !prof_interrupted && a.thesis)
      st = rs_compare_profile_thesis(prof, nprof, a.thesis, a.thesis_to, a.opt.threads, &err);
    if (st != RS_OK || prof_interrupted) {
      for (int i = 0; i < nprof; i++) rs_calib_profile_free(&prof[i]);
      nprof = 0;
    }
  }
  double pseconds = now_seconds() - t1;
  char cmd[4096];
  memcpy(cmd, "relsim ", 8);
  rs_cli_command_line(argc, argv, cmd + 7, sizeof cmd - 7);
  rs_plots_report plots;
  memset(&plots, 0, sizeof plots);
  /* An interrupt before the report is complete, in any phase but the profiles, leaves DIR as it
   * was and the best point so far in DIR.partial. */
  if (st == RS_OK && !res.interrupted && !prof_interrupted)
    st = rs_calib_write_report(od.work, a.base, &base, &ts, &fs, &res, prof, nprof, 0, cmd, &plots,
                               &err);
  int partial = st == RS_OK && (res.interrupted || (*interrupted && !prof_interrupted));
  if (st == RS_OK && partial) {
    rs_outdir_abort(&od);
    st = write_partial(&a, &base, &ts, &fs, &res, cmd, &err);
  } else if (st == RS_OK) {
    st = rs_outdir_commit(&od, &err); /* also after an interrupt during the profiles */
    if (st == RS_OK) remove_partial(a.fit.out);
  }
  rs_outdir_abort(&od);
  if (st == RS_OK && !partial && !plots.rendered) rs_cli_warning("no images: %s", plots.why_not);
  if (st != RS_OK) {
    rs_cli_error("%s", err.msg);
    rc = rs_exit_code(st);
  } else if (partial) {
    rs_cli_warning(
        "interrupted: the best point so far is in %s.partial/calibrated.partial.cfg; "
        "%s is unchanged",
        od.final, od.final);
    rc = 130;
  } else if (prof_interrupted) {
    rs_cli_warning("interrupted during the profiles: %s holds the complete fit without them",
                   od.final);
    rc = 130;
  } else {
    summary(&a, &ts, &res, seconds, prof, nprof, pseconds);
  }
  for (int i = 0; i < nprof; i++) rs_calib_profile_free(&prof[i]);
  rs_calib_result_free(&res);
  rs_targets_free(&ts);
  free(extra);
  rs_cli_ensemble_note("calibrate");
  return rc;
}
