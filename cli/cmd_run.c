/* cli/cmd_run.c -- `relsim run`: one scenario, its CSV, its manifest and its figures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "plots.h"

#define MAX_SETS 256

static const char run_usage[] =
    "Usage: relsim run FILE [-o DIR] [--set NAME=VALUE]... [--to YEAR] [--no-plots] [-q]\n"
    "\n"
    "Run the scenario in the parameter file FILE (e.g. params/baseline.cfg, or a scenario file\n"
    "that names its base) and write into DIR:\n"
    "  series.csv    every stock and indicator at every output time (span.output_step)\n"
    "  manifest.cfg  the effective parameters, each with the file:line or --set behind it,\n"
    "                solver statistics, library versions, SHA-256 of the inputs; it is itself\n"
    "                a parameter file: `relsim run DIR/manifest.cfg` reproduces the run\n"
    "  plots/        overview and one figure per panel, PNG + PDF, with the gnuplot (.gp)\n"
    "                script beside each (edit and re-run: cd DIR/plots && gnuplot overview.gp)\n"
    "DIR is built as a temporary folder beside it and swapped in whole when complete: a failed\n"
    "or interrupted run leaves the earlier DIR as it was, and no file of an earlier run stays\n"
    "beside new ones. relsim replaces only folders it wrote (or empty ones).\n"
    "\n"
    "Options:\n"
    "  -o, --out DIR        output directory (default: out/NAME for FILE = .../NAME.cfg)\n"
    "  --set NAME=VALUE     override a setting; repeatable, applied in order. NAME is a\n"
    "                       parameter (tfp.lambda=0.05, or lambda=0.05 when unique), or an\n"
    "                       event field: event.bubble.enabled=false, event.oil1.magnitude=0.03\n"
    "                       (fields: enabled, shape, channel, start, end, magnitude).\n"
    "                       `relsim params` lists every parameter with units and bounds.\n"
    "  --to YEAR            end the run in YEAR instead of span.end (e.g. --to 2025)\n"
    "  --no-plots           write the CSV and manifest only\n"
    "  --no-clobber         refuse to replace an existing, non-empty DIR\n"
    "  -q, --quiet          print nothing but errors and warnings\n"
    "  -h, --help           this text\n"
    "\n"
    "Exit status: 0 success, 1 the run failed (the message names the year, the state and the\n"
    "setting to change), 2 bad input (file:line of the offending setting).\n";

typedef struct run_args {
  const char *file, *out;
  const char *sets[MAX_SETS];
  int nsets;
  double to;
  int plots, quiet, no_clobber;
} run_args;

/* Parse the arguments; returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, run_args *a) {
  memset(a, 0, sizeof *a);
  a->to = (double)NAN;
  a->plots = 1;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      fputs(run_usage, stdout);
      return 0;
    } else if (rs_cli_is_opt(arg, "--out", "-o")) {
      if (!(a->out = rs_cli_optarg(argc, argv, &i, "--out"))) return 2;
    } else if (rs_cli_is_opt(arg, "--set", NULL)) {
      const char *v = rs_cli_optarg(argc, argv, &i, "--set");
      if (!v) return 2;
      if (a->nsets == MAX_SETS) {
        rs_cli_error("at most %d --set options", MAX_SETS);
        return 2;
      }
      a->sets[a->nsets++] = v;
    } else if (rs_cli_is_opt(arg, "--to", NULL)) {
      const char *v = rs_cli_optarg(argc, argv, &i, "--to");
      if (!v || rs_cli_parse_year(v, &a->to) != 0) return 2;
    } else if (strcmp(arg, "--no-plots") == 0) {
      a->plots = 0;
    } else if (strcmp(arg, "--no-clobber") == 0) {
      a->no_clobber = 1;
    } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
      a->quiet = 1;
    } else if (arg[0] == '-' && arg[1] != '\0') {
      rs_cli_error("run: unknown option '%s' (see relsim run --help)", arg);
      return 2;
    } else if (a->file) {
      rs_cli_error("run: one parameter file at a time ('%s' and '%s')", a->file, arg);
      return 2;
    } else {
      a->file = arg;
    }
  }
  if (!a->file) {
    rs_cli_error("run: no parameter file given (try: relsim run params/baseline.cfg)");
    return 2;
  }
  return -1;
}

/* out/NAME for .../NAME.cfg */
static void default_out(const char *file, char *buf, size_t n) {
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  size_t len = strlen(base);
  if (len > 4 && strcmp(base + len - 4, ".cfg") == 0) len -= 4;
  snprintf(buf, n, "out/%.*s", (int)len, base);
}

static int write_outputs(const run_args *a, const char *dir, int argc, char **argv,
                         const rs_params *p, const rs_provenance *prov, const rs_series *s,
                         const rs_solver_stats *stats) {
  rs_error err;
  char path[RS_PATH_MAX + 32], cmd[4096];
  memcpy(cmd, "relsim ", 8);
  rs_cli_command_line(argc, argv, cmd + 7, sizeof cmd - 7);
  rs_run_info info = {cmd, a->sets, a->nsets, stats};
  snprintf(path, sizeof path, "%s/series.csv", dir);
  rs_status st = RS_OK;
  { st = rs_output_write_csv(path, s, &err); }
  if (st == RS_OK) {
    snprintf(path, sizeof path, "%s/manifest.cfg", dir);
    st = rs_output_write_manifest(path, p, prov, &info, &err);
  }
  if (st != RS_OK) {
    rs_cli_error("%s", err.msg);
    return rs_exit_code(st);
  }
  return 0;
}

static int draw(const run_args *a, const char *dir, rs_plots_report *rep) {
  rs_error err;
  const rs_plot_point *pts;
  int npts = rs_plots_paper_points(&pts);
  rs_status st = rs_plots_run(dir, pts, npts, rep, &err);
  if (st != RS_OK) {
    rs_cli_error("%s", err.msg);
    return rs_exit_code(st);
  }
  if (!rep->rendered) rs_cli_warning("no images: %s", rep->why_not);
  (void)a;
  return 0;
}

static void summary(const run_args *a, const char *dir, const rs_params *p, const rs_series *s,
                    const rs_solver_stats *st, const rs_plots_report *rep) {
  if (a->quiet) return;
  printf("relsim: ran %s, %g-%g (%ld steps, %ld RHS evaluations, %ld segments)\n", a->file,
         p->v[RS_P_SPAN_START], p->v[RS_P_SPAN_END], st->steps, st->rhs_evals, st->segments);
  printf("  %s/series.csv    %d rows x %d columns\n", dir, s->nrows, RS_NINDICATOR + 1);
  printf("  %s/manifest.cfg  effective parameters and provenance\n", dir);
  if (a->plots)
    printf("  %s/plots/        %d gnuplot scripts, %d images\n", dir, rep->nscripts, rep->nimages);
}

int rs_cmd_run(int argc, char **argv) {
  run_args a;
  int rc = parse_args(argc, argv, &a);
  if (rc >= 0) return rc;
  rs_params p;
  rs_provenance *prov = malloc(sizeof *prov);
  if (!prov) return 1;
  rc = rs_cli_load(a.file, a.sets, a.nsets, a.to, &p, prov);
  rs_error err;
  rs_sim *sim = NULL;
  rs_series s;
  rs_series_init(&s);
  rs_solver_stats stats;
  char dir[RS_PATH_MAX];
  if (a.out)
    snprintf(dir, sizeof dir, "%s", a.out);
  else
    default_out(a.file, dir, sizeof dir);
  rs_outdir od;
  memset(&od, 0, sizeof od);
  od.lock_fd = -1;
  if (rc == 0) rc = rs_cli_outdir_begin(&od, dir, a.no_clobber);
  if (rc == 0 && !(sim = rs_sim_alloc(&err))) {
    rs_cli_error("%s", err.msg);
    rc = 1;
  }
  if (rc == 0) {
    rs_status st = rs_sim_run(sim, &p, &s, &stats, &err);
    if (st != RS_OK) {
      rs_cli_error("%s: %s", a.file, err.msg);
      rc = rs_exit_code(st);
    }
  }
  if (rc == 0) rc = write_outputs(&a, od.work, argc, argv, &p, prov, &s, &stats);
  rs_plots_report rep;
  memset(&rep, 0, sizeof rep);
  if (rc == 0 && a.plots) rc = draw(&a, od.work, &rep);
  if (rc == 0) rc = rs_cli_outdir_commit(&od);
  rs_outdir_abort(&od); /* no-op after the commit */
  if (rc == 0) summary(&a, od.final, &p, &s, &stats, &rep);
  rs_series_free(&s);
  rs_sim_free(sim);
  free(prov);
  return rc;
}
