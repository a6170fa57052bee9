/* cli/cmd_sens.c -- `relsim ensemble` and `relsim sensitivity local|morris|sobol`: parse the
 * command line, load the scenario and the free set, call sens/ and report. Under mpirun every
 * process parses and loads the same; only rank 0 prints and writes. It owns no logic. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sens.h"

static const char ensemble_usage[] =
    "Usage: relsim ensemble FILE [--free FREE.cfg] (--samples N [--design D] [--seed S]\n"
    "                       | --sample-file SAMPLES.csv) [-o DIR] [--to YEAR] [--threads T]\n"
    "                       [--exact K] [-q]\n"
    "\n"
    "Run FILE many times with its free parameters sampled and write into DIR (default\n"
    "out/ensemble/NAME):\n"
    "  envelope.csv        year, indicator, q05, q25, q50, q75, q95, min, max over the members\n"
    "                      that ran (units of series.csv)\n"
    "  members.csv         every member's parameter values and status (ok / failed)\n"
    "  ensemble.md         counts, and the failed members with the reason each failed\n"
    "  reference/series.csv  FILE itself\n"
    "  plots/fan_*         fan charts (min-max, 5-95 %, 25-75 %, median) with the reference\n"
    "                      run on top: a, s, R, G, rd_total, gdp_growth (PNG, PDF, .gp)\n"
    "\n"
    "Options:\n"
    "  --free FREE.cfg     the parameters to sample and their bounds (default params/free.cfg);\n"
    "                      each is drawn uniformly between its bounds\n"
    "  --samples N         number of members\n"
    "  --design D          random, lhs (Latin hypercube, default) or sobol (low-discrepancy)\n"
    "  --seed S            seed of the random and lhs designs (default 20010618)\n"
    "  --sample-file F     one member per row of the CSV file F: every column named after a\n"
    "                      parameter (tfp.lambda, event.slump.magnitude, ...) is set, other\n"
    "                      columns (chain, iteration, log_likelihood) are ignored\n"
    "  -o, --out DIR       output directory\n"
    "  --to YEAR           end every run in YEAR\n"
    "  --threads T         OpenMP threads (default: all cores); results do not depend on T\n"
    "  --params LIST       sample only these parameters of the free set (comma-separated)\n"
    "  --exact K           exact quantiles up to K members (default 1000), streaming beyond\n"
    "  -q, --quiet         no progress or summary\n"
    "\n"
    "Under mpirun (relsim built with MPI) the members are split across the processes; the\n"
    "output is the same byte for byte.\n"
    "Exit status: 0 success (also with failed members: they are listed), 1 every member\n"
    "failed or a file error, 2 bad input.\n";

static const char sens_usage[] =
    "Usage: relsim sensitivity local FILE [--params LIST] [--free FREE.cfg] [-o DIR] [--to YEAR]\n"
    "       relsim sensitivity morris FILE [--free FREE.cfg] [--trajectories N] [--levels L]\n"
    "                                 [--output SPEC]... [--scenario S.cfg] [common options]\n"
    "       relsim sensitivity sobol FILE [--free FREE.cfg] [--samples N] [--bootstrap B]\n"
    "                                [--output SPEC]... [--time LIST] [--scenario S.cfg]\n"
    "                                [common options]\n"
    "\n"
    "local: normalised sensitivity functions (dy/dp)(p/y) of every indicator at every output\n"
    "  time, exact (CVODES forward sensitivities), for the parameters in LIST (comma-separated;\n"
    "  default: those of the free set), ranked per indicator by their L1 and L2 norms over\n"
    "  time. Writes sensitivity.csv (year, indicator, parameter, value), ranking.csv,\n"
    "  sensitivity.md and plots/ (heatmap, local_IND). Default DIR out/sensitivity/local.\n"
    "morris: elementary effects (mu*, mu, sigma) of every free parameter (uniform on its\n"
    "  bounds) on each output, N trajectories (default 20) of P + 1 runs. morris.csv,\n"
    "  morris.md, plots/morris_OUTPUT (mu* against sigma). Default DIR out/sensitivity/morris.\n"
    "sobol: first-order and total Sobol indices with bootstrap intervals and the estimates at\n"
    "  N/2 (convergence), N base rows (default 1024; N (P + 2) runs, twice with a scenario) on a\n"
    "  Sobol sequence; time-resolved indices of the indicators in --time. sobol.csv,\n"
    "  sobol_time.csv, sobol.md, plots/sobol_OUTPUT, plots/sobol_time_IND. Default DIR\n"
    "  out/sensitivity/sobol.\n"
    "\n"
    "Outputs (--output, repeatable): IND@YEAR (an indicator in a year) or IND@Y1:Y2 (its time\n"
    "  average), e.g. R@2000, gdp_growth@1991:2000; rates and shares in percent. With\n"
    "  --scenario S.cfg each output is the difference the scenario makes (its changes against\n"
    "  its own base applied on top of every sample, minus the sample's run). Defaults: R@2000,\n"
    "  gdp_growth@1991:2000, a@2000; with a scenario the thesis, R@2001:TO and\n"
    "  gdp_growth@2001:TO, with TO = --to (default 2025).\n"
    "\n"
    "Common options: --params LIST (morris, sobol: only these of the free set),\n"
    "  --seed S (Morris trajectories, bootstrap), --threads T, -o DIR,\n"
    "  --to YEAR, -q. --time LIST: indicators of the time-resolved indices (default\n"
    "  R,gdp_growth; 'none' for none). Results do not depend on the thread count, nor, under\n"
    "  mpirun, on the number of processes.\n"
    "\n"
    "Example (the thesis):\n"
    "  relsim sensitivity sobol params/calibrated.cfg --free params/free.cfg \\\n"
    "      --scenario params/scenarios/no_regionalization.cfg --samples 1024\n";

typedef struct sens_args {
  const char *file, *free_file, *out, *sample_file, *scenario, *params, *time;
  const char *outputs[RS_SENS_MAXOUT];
  int noutputs;
  long samples, trajectories, levels, bootstrap, threads, exact, seed;
  int design, quiet;
  double to;
} sens_args;

/* Parse the options shared by both commands. Returns -1 to go on, else an exit status. */
static int parse(const char *cmd, const char *usage, int argc, char **argv, sens_args *a) {
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i], *v;
#define OPT(name, shortname) rs_cli_is_opt(arg, name, shortname)
#define VAL(name)                                             \
  do {                                                        \
    if (!(v = rs_cli_optarg(argc, argv, &i, name))) return 2; \
  } while (0)
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      if (rs_sens_rank() == 0) fputs(usage, stdout);
      return 0;
    } else if (OPT("--free", NULL)) {
      VAL("--free");
      a->free_file = v;
    } else if (OPT("--out", "-o")) {
      VAL("-o");
      a->out = v;
    } else if (OPT("--sample-file", NULL)) {
      VAL("--sample-file");
      a->sample_file = v;
    } else if (OPT("--scenario", NULL)) {
      VAL("--scenario");
      a->scenario = v;
    } else if (OPT("--params", NULL)) {
      VAL("--params");
      a->params = v;
    } else if (OPT("--time", NULL)) {
      VAL("--time");
      a->time = v;
    } else if (OPT("--output", NULL)) {
      VAL("--output");
      if (a->noutputs >= RS_SENS_MAXOUT) {
        rs_cli_error("%s: at most %d outputs", cmd, RS_SENS_MAXOUT);
        return 2;
      }
      a->outputs[a->noutputs++] = v;
    } else if (OPT("--design", NULL)) {
      VAL("--design");
      if ((a->design = rs_sens_design_find(v)) < 0) {
        rs_cli_error("%s: --design '%s': random, lhs or sobol", cmd, v);
        return 2;
      }
    } else if (OPT("--samples", NULL)) {
      VAL("--samples");
      if (rs_cli_parse_int(cmd, "--samples", v, 2, 100000000, &a->samples)) return 2;
    } else if (OPT("--trajectories", NULL)) {
      VAL("--trajectories");
      if (rs_cli_parse_int(cmd, "--trajectories", v, 2, 10000000, &a->trajectories)) return 2;
    } else if (OPT("--levels", NULL)) {
      VAL("--levels");
      if (rs_cli_parse_int(cmd, "--levels", v, 2, 100, &a->levels)) return 2;
    } else if (OPT("--bootstrap", NULL)) {
      VAL("--bootstrap");
      if (rs_cli_parse_int(cmd, "--bootstrap", v, 10, 100000, &a->bootstrap)) return 2;
    } else if (OPT("--threads", NULL)) {
      VAL("--threads");
      if (rs_cli_parse_int(cmd, "--threads", v, 1, 1024, &a->threads)) return 2;
    } else if (OPT("--exact", NULL)) {
      VAL("--exact");
      if (rs_cli_parse_int(cmd, "--exact", v, 5, 10000000, &a->exact)) return 2;
    } else if (OPT("--seed", NULL)) {
      VAL("--seed");
      if (rs_cli_parse_int(cmd, "--seed", v, 0, 2147483647L, &a->seed)) return 2;
    } else if (OPT("--to", NULL)) {
      VAL("--to");
      if (rs_cli_parse_year(v, &a->to)) return 2;
    } else if (OPT("--quiet", "-q")) {
      a->quiet = 1;
    } else if (arg[0] == '-') {
      rs_cli_error("%s: unknown option '%s' (see relsim %s --help)", cmd, arg, cmd);
      return 2;
    } else if (!a->file) {
      a->file = arg;
    } else {
      rs_cli_error("%s: one scenario file only ('%s' is a second)", cmd, arg);
      return 2;
    }
#undef OPT
#undef VAL
  }
  if (!a->file) {
    rs_cli_error("%s: which scenario? (relsim %s FILE ...; see --help)", cmd, cmd);
    return 2;
  }
  return -1;
}

static void defaults(sens_args *a) {
  memset(a, 0, sizeof *a);
  a->free_file = "params/free.cfg";
  a->design = RS_DESIGN_LHS;
  a->seed = 20010618;
  a->levels = 4;
  a->bootstrap = 200;
  a->exact = 1000;
  a->to = (double)NAN;
}

/* --params LIST for the sampled analyses: keep only these parameters of the free set, in the
 * free set's order. */
static int restrict_free(const char *params, rs_free_set *fs) {
  char list[4096];
  snprintf(list, sizeof list, "%s", params);
  int keep[RS_FREE_MAX] = {0};
  for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
    int k = 0;
    while (k < fs->n && strcmp(fs->p[k].name, tok) != 0) k++;
    if (k == fs->n) {
      rs_cli_error("--params: '%s' is not in the free set %s", tok, fs->file);
      return 2;
    }
    keep[k] = 1;
  }
  int n = 0;
  for (int k = 0; k < fs->n; k++)
    if (keep[k]) fs->p[n++] = fs->p[k];
  fs->n = n;
  return 0;
}

/* The scenario and the free set. */
static int load(const sens_args *a, rs_params *p, rs_free_set *fs, int need_free) {
  rs_provenance *prov = malloc(sizeof *prov);
  if (!prov) return 1;
  int rc = rs_cli_load(a->file, NULL, 0, a->to, p, prov);
  free(prov);
  if (rc || !need_free) return rc;
  rs_error err;
  rs_status st = rs_free_load(a->free_file, p, fs, &err);
  if (st != RS_OK) {
    rs_cli_error("%s", err.msg);
    return 2;
  }
  return a->params ? restrict_free(a->params, fs) : 0;
}

static void report_plots(const rs_plots_report *rep, const char *dir, int quiet) {
  if (rs_sens_rank() != 0) return;
  if (!rep->rendered && rep->why_not[0]) rs_cli_warning("no images: %s", rep->why_not);
  if (!quiet) printf("relsim: wrote %s (%d figures)\n", dir, rep->nscripts);
}

static const char *base_name(const char *file, char *buf, size_t n) {
  const char *s = strrchr(file, '/');
  snprintf(buf, n, "%s", s ? s + 1 : file);
  char *dot = strstr(buf, ".cfg");
  if (dot && dot[4] == '\0') *dot = '\0';
  return buf;
}

int rs_cmd_ensemble(int argc, char **argv) {
  sens_args a;
  defaults(&a);
  int rc = parse("ensemble", ensemble_usage, argc, argv, &a);
  if (rc >= 0) return rc;
  if (!a.samples == !a.sample_file) {
    rs_cli_error("ensemble: give --samples N or --sample-file FILE (one of them)");
    return 2;
  }
  rs_params *p = malloc(sizeof *p);
  rs_free_set *fs = malloc(sizeof *fs);
  if (!p || !fs) return 1;
  rc = load(&a, p, fs, !a.sample_file);
  rs_error err;
  rs_sens_samples smp = {0};
  if (!rc && a.sample_file && rs_sens_samples_read(a.sample_file, p, &smp, &err) != RS_OK) {
    rs_cli_error("%s", err.msg);
    rc = 2;
  }
  char dir[RS_PATH_MAX], name[256], cmdline[4096];
  rs_cli_command_line(argc, argv, cmdline, sizeof cmdline);
  if (a.out)
    snprintf(dir, sizeof dir, "%s", a.out);
  else
    snprintf(dir, sizeof dir, "out/ensemble/%s", base_name(a.file, name, sizeof name));
  /* rank 0 writes: into a temporary folder swapped in whole at the end (rs_outdir) */
  rs_outdir od;
  memset(&od, 0, sizeof od);
  od.lock_fd = -1;
  if (!rc && rs_sens_rank() == 0) rc = rs_cli_outdir_begin(&od, dir, 0);
  if (!rc) {
    rs_ensemble_options o = rs_ensemble_default_options();
    o.design = a.design;
    o.n = (int)a.samples;
    o.seed = (uint64_t)a.seed;
    o.threads = (int)a.threads;
    o.exact = (int)a.exact;
    o.progress = !a.quiet && rs_sens_rank() == 0;
    long nfailed = 0, n = a.sample_file ? smp.n : a.samples;
    rs_plots_report rep = {0};
    rs_status st = rs_ensemble_run(od.work[0] ? od.work : dir, p, fs, a.sample_file ? &smp : NULL,
                                   &o, cmdline, &nfailed, &rep, &err);
    if (st != RS_OK) {
      rs_cli_error("%s", err.msg);
      rc = rs_exit_code(st);
    } else if (rs_sens_rank() == 0 && (rc = rs_cli_outdir_commit(&od)) == 0) {
      if (nfailed)
        rs_cli_warning("%ld of %ld members failed (listed in %s/ensemble.md)", nfailed, n, dir);
      report_plots(&rep, dir, a.quiet);
      if (nfailed == n) rc = 1;
    }
  }
  rs_outdir_abort(&od);
  rs_sens_samples_free(&smp);
  free(p);
  free(fs);
  return rc;
}

/* --params LIST (or the free set) as references. */
static int local_refs(const sens_args *a, const rs_params *p, rs_pref *refs, int *np) {
  *np = 0;
  if (!a->params) {
    rs_free_set *fs = malloc(sizeof *fs);
    rs_error err;
    if (!fs) return 1;
    if (rs_free_load(a->free_file, p, fs, &err) != RS_OK) {
      rs_cli_error("%s", err.msg);
      free(fs);
      return 2;
    }
    for (int k = 0; k < fs->n; k++) refs[(*np)++] = fs->p[k].ref;
    free(fs);
    return 0;
  }
  char list[4096];
  snprintf(list, sizeof list, "%s", a->params);
  for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
    if (*np >= RS_FREE_MAX) {
      rs_cli_error("sensitivity local: at most %d parameters", RS_FREE_MAX);
      return 2;
    }
    if (rs_pref_parse(p, tok, &refs[*np]) != 0) {
      rs_cli_error(
          "sensitivity local: '%s' is not a real parameter (relsim params; or "
          "event.NAME.magnitude)",
          tok);
      return 2;
    }
    (*np)++;
  }
  return 0;
}

static int cmd_local(sens_args *a, int argc, char **argv) {
  rs_params *p = malloc(sizeof *p);
  if (!p) return 1;
  int rc = load(a, p, NULL, 0), np = 0;
  rs_pref refs[RS_FREE_MAX];
  if (!rc) rc = local_refs(a, p, refs, &np);
  if (!rc && rs_sens_rank() == 0) {
    char cmdline[4096];
    rs_cli_command_line(argc, argv, cmdline, sizeof cmdline);
    const char *dir = a->out ? a->out : "out/sensitivity/local";
    rs_plots_report rep = {0};
    rs_error err;
    rs_outdir od;
    if ((rc = rs_cli_outdir_begin(&od, dir, 0)) == 0) {
      rs_status st = rs_sens_local_write(od.work, p, refs, np, cmdline, &rep, &err);
      if (st != RS_OK) {
        rs_cli_error("%s", err.msg);
        rc = rs_exit_code(st);
      } else if ((rc = rs_cli_outdir_commit(&od)) == 0) {
        report_plots(&rep, dir, a->quiet);
      }
      rs_outdir_abort(&od);
    }
  }
  free(p);
  return rc;
}

/* The outputs: given, or the defaults (the thesis with a scenario). */
static int outputs(const sens_args *a, const rs_params *p, rs_sens_output *out, int *nout) {
  char defs[3][64];
  const char *list[RS_SENS_MAXOUT];
  int n = a->noutputs;
  for (int k = 0; k < n; k++) list[k] = a->outputs[k];
  if (n == 0 && a->scenario) {
    char to[32];
    rs_format_number(p->v[RS_P_SPAN_END], to);
    snprintf(defs[0], sizeof defs[0], "R@2001:%s", to);
    snprintf(defs[1], sizeof defs[1], "gdp_growth@2001:%s", to);
    list[0] = defs[0], list[1] = defs[1], n = 2;
  } else if (n == 0) {
    list[0] = "R@2000", list[1] = "gdp_growth@1991:2000", list[2] = "a@2000", n = 3;
  }
  for (int k = 0; k < n; k++) {
    rs_error err;
    if (rs_sens_output_parse(list[k], &out[k], &err) != RS_OK) {
      rs_cli_error("%s", err.msg);
      return 2;
    }
  }
  *nout = n;
  return 0;
}

static int time_indicators(const sens_args *a, int *tind, int *ntind) {
  char list[256];
  snprintf(list, sizeof list, "%s", a->time ? a->time : "R,gdp_growth");
  *ntind = 0;
  if (strcmp(list, "none") == 0) return 0;
  for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
    int c = rs_indicator_find(tok);
    if (c < 0 || *ntind >= 4) {
      rs_cli_error("sensitivity: --time: '%s' is not an indicator (or more than 4)", tok);
      return 2;
    }
    tind[(*ntind)++] = c;
  }
  return 0;
}

static int cmd_global(sens_args *a, int sobol, int argc, char **argv) {
  if (a->scenario && !isfinite(a->to)) a->to = 2025.0; /* the thesis runs to 2025 */
  rs_params *p = malloc(sizeof *p);
  rs_free_set *fs = malloc(sizeof *fs);
  rs_sens_model *m = malloc(sizeof *m);
  if (!p || !fs || !m) return 1;
  rs_sens_output out[RS_SENS_MAXOUT];
  int nout = 0, tind[4], ntind = 0;
  int rc = load(a, p, fs, 1);
  if (!rc) rc = outputs(a, p, out, &nout);
  if (!rc && sobol) rc = time_indicators(a, tind, &ntind);
  rs_error err;
  if (!rc && rs_sens_model_init(m, p, fs, out, nout, a->scenario, tind, ntind, &err) != RS_OK) {
    rs_cli_error("%s", err.msg);
    rc = 2;
  }
  if (rc) {
    free(p), free(fs), free(m);
    return rc;
  }
  char cmdline[4096];
  rs_cli_command_line(argc, argv, cmdline, sizeof cmdline);
  const char *dir = a->out ? a->out : sobol ? "out/sensitivity/sobol" : "out/sensitivity/morris";
  rs_sens_problem pb = rs_sens_model_problem(m);
  rs_plots_report rep = {0};
  int root = rs_sens_rank() == 0, progress = !a->quiet && root;
  rs_status st;
  rs_outdir od;
  memset(&od, 0, sizeof od);
  od.lock_fd = -1;
  int orc = 0; /* the output folder's exit status (rank 0) */
  if (sobol) {
    rs_sobol_options o = rs_sobol_default_options();
    if (a->samples) o.n = (int)a->samples;
    o.nboot = (int)a->bootstrap;
    o.seed = (uint64_t)a->seed;
    o.threads = (int)a->threads;
    o.progress = progress;
    rs_sobol_result r;
    if (progress)
      fprintf(stderr, "relsim sensitivity sobol: %d base rows x %d runs%s\n", o.n, fs->n + 2,
              a->scenario ? " x 2 (the scenario)" : "");
    st = rs_sens_sobol(&pb, &o, &r, &err);
    if (st == RS_OK && root && (orc = rs_cli_outdir_begin(&od, dir, 0)) == 0) {
      st = rs_sens_write_sobol(od.work, m, &r, cmdline, &rep, &err);
      if (r.nfailed)
        rs_cli_warning("%ld of %d rows failed (listed in %s/sobol.md)", r.nfailed, o.n, dir);
    }
    rs_sobol_result_free(&r);
  } else {
    rs_morris_result r;
    long ntraj = a->trajectories ? a->trajectories : 20;
    st = rs_sens_morris(&pb, (int)ntraj, (int)a->levels, (uint64_t)a->seed, (int)a->threads,
                        progress, &r, &err);
    if (st == RS_OK && root && (orc = rs_cli_outdir_begin(&od, dir, 0)) == 0) {
      st = rs_sens_write_morris(od.work, m, &r, cmdline, &rep, &err);
      if (r.nfailed)
        rs_cli_warning("%ld of %ld trajectories failed (listed in %s/morris.md)", r.nfailed, ntraj,
                       dir);
    }
    rs_morris_result_free(&r);
  }
  if (st != RS_OK) {
    rs_cli_error("%s", err.msg);
    rc = rs_exit_code(st);
  } else if (orc != 0) {
    rc = orc;
  } else if (!root || (rc = rs_cli_outdir_commit(&od)) == 0) {
    report_plots(&rep, dir, a->quiet);
  }
  rs_outdir_abort(&od);
  rs_sens_model_free(m);
  free(p), free(fs), free(m);
  return rc;
}

int rs_cmd_sensitivity(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
    if (rs_sens_rank() == 0) fputs(sens_usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const char *kind = argv[1];
  int which = strcmp(kind, "local") == 0    ? 0
              : strcmp(kind, "morris") == 0 ? 1
              : strcmp(kind, "sobol") == 0  ? 2
                                            : -1;
  if (which < 0) {
    rs_cli_error("sensitivity: '%s': local, morris or sobol (see relsim sensitivity --help)", kind);
    return 2;
  }
  sens_args a;
  defaults(&a);
  int rc = parse("sensitivity", sens_usage, argc - 1, argv + 1, &a);
  if (rc >= 0) return rc;
  if (which == 0) return cmd_local(&a, argc, argv);
  return cmd_global(&a, which == 2, argc, argv);
}
