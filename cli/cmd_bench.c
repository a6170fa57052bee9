/* cli/cmd_bench.c -- `relsim bench`: how many runs of a scenario one core does per second, with
 * each integration method, and how far each lies from a tight-tolerance BDF reference.
 * The loop does no allocation and no file work: the sim workspace is reused, as the
 * calibration and the uncertainty bands reuse it. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "output.h"
#include "sim.h"

static const char bench_usage[] =
    "Usage: relsim bench [FILE] [-n N] [--method M]... [--csv] [--export PATH] [--set "
    "NAME=VALUE]... [--to YEAR]\n"
    "\n"
    "Run the scenario FILE (default: the registry defaults, which params/baseline.cfg holds)\n"
    "N times in one process on one core with each integration method and print, per method,\n"
    "runs per second (CPU time and wall time), the integrator's work per run (steps, RHS and\n"
    "Jacobian evaluations) and the deviation from a BDF reference run at rtol 1e-10: the largest\n"
    "difference over every output row, relative to each series' largest value, for the stocks\n"
    "and for every indicator.\n"
    "\n"
    "  -n N              number of timed runs per method (default 2000), after one untimed\n"
    "                    warm-up run\n"
    "  --method M        bdf, adams, erk or auto (the ensemble commands' method); repeatable;\n"
    "                    default: all four\n"
    "  --csv             one CSV row per method instead of the table\n"
    "  --export PATH     write the effective model as JSON (for bench/scipy_relsim.py) and\n"
    "                    run nothing\n"
    "  --set NAME=VALUE  override a setting (as in relsim run)\n"
    "  --to YEAR         end the runs in YEAR\n"
    "  -h, --help        this text\n";

static double clock_seconds(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One method's measurements. */
typedef struct bench_row {
  rs_method method;
  double cpu, wall;   /* seconds for n runs */
  rs_solver_stats st; /* of the last run */
  double dev_stocks;  /* deviation of the stocks from the reference */
  double dev_all;     /* of every indicator */
} bench_row;

static int parse_method(const char *v, rs_method *m) {
  for (int k = RS_METHOD_BDF; k <= RS_METHOD_AUTO; k++)
    if (strcmp(v, rs_solver_method_name((rs_method)k)) == 0) return *m = (rs_method)k, 0;
  rs_cli_error("bench: --method '%s' is not one of bdf, adams, erk, auto", v);
  return 2;
}

/* n timed runs of p with method m after a warm-up; the last run's series stays in s. */
static rs_status time_method(rs_sim *sim, rs_params p, long n, const rs_series *ref, rs_series *s,
                             bench_row *row, rs_error *err) {
  p.v[RS_P_SOLVER_METHOD] = (double)row->method;
  rs_status st = rs_sim_run(sim, &p, s, &row->st, err); /* warm-up: buffers grow here */
  double c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID), w0 = clock_seconds(CLOCK_MONOTONIC);
  for (long i = 0; st == RS_OK && i < n; i++) st = rs_sim_run(sim, &p, s, &row->st, err);
  row->cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
  row->wall = clock_seconds(CLOCK_MONOTONIC) - w0;
  if (st != RS_OK) return st;
  row->dev_stocks = rs_series_deviation(s, ref, 0, RS_NSTATE);
  row->dev_all = rs_series_deviation(s, ref, 0, RS_NINDICATOR);
  return RS_OK;
}

static void print_rows(const bench_row *rows, int nrows, long n, int csv) {
  if (csv)
    printf(
        "method,runs_per_s_cpu,runs_per_s_wall,steps,rhs_evals,jac_evals,segments,fallbacks,"
        "dev_stocks,dev_all\n");
  else
    printf("  %-6s %21s %21s %7s %17s %10s %20s\n", "method", "runs per second (CPU)",
           "runs per second (wall)", "steps", "RHS evaluations", "Jacobians",
           "deviation stocks/all");
  for (int k = 0; k < nrows; k++) {
    const bench_row *r = &rows[k];
    const char *name = rs_solver_method_name(r->method);
    if (csv)
      printf("%s,%.1f,%.1f,%ld,%ld,%ld,%ld,%ld,%.3g,%.3g\n", name, (double)n / r->cpu,
             (double)n / r->wall, r->st.steps, r->st.rhs_evals, r->st.jac_evals, r->st.segments,
             r->st.fallbacks, r->dev_stocks, r->dev_all);
    else
      printf("  %-6s %21.0f %21.0f %7ld %17ld %10ld %9.2g / %-8.2g\n", name, (double)n / r->cpu,
             (double)n / r->wall, r->st.steps, r->st.rhs_evals, r->st.jac_evals, r->dev_stocks,
             r->dev_all);
  }
}

int rs_cmd_bench(int argc, char **argv) {
  const char *file = NULL, *sets[256], *export = NULL;
  int nsets = 0, csv = 0, nrows = 0;
  long n = 2000;
  double to = (double)NAN;
  bench_row rows[8];
  memset(rows, 0, sizeof rows);
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i], *v;
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      fputs(bench_usage, stdout);
      return 0;
    } else if (rs_cli_is_opt(arg, "--runs", "-n")) {
      if (!(v = rs_cli_optarg(argc, argv, &i, "-n"))) return 2;
      if (rs_cli_parse_int("bench", "-n", v, 1, 100000000, &n)) return 2;
    } else if (rs_cli_is_opt(arg, "--method", NULL)) {
      if (!(v = rs_cli_optarg(argc, argv, &i, "--method"))) return 2;
      if (nrows < 8 && parse_method(v, &rows[nrows++].method)) return 2;
    } else if (rs_cli_is_opt(arg, "--export", NULL)) {
      if (!(export = rs_cli_optarg(argc, argv, &i, "--export"))) return 2;
    } else if (strcmp(arg, "--csv") == 0) {
      csv = 1;
    } else if (rs_cli_is_opt(arg, "--set", NULL)) {
      if (!(v = rs_cli_optarg(argc, argv, &i, "--set"))) return 2;
      if (nsets < 256) sets[nsets++] = v;
    } else if (rs_cli_is_opt(arg, "--to", NULL)) {
      if (!(v = rs_cli_optarg(argc, argv, &i, "--to")) || rs_cli_parse_year(v, &to)) return 2;
    } else if (arg[0] == '-') {
      rs_cli_error("bench: unknown option '%s' (see relsim bench --help)", arg);
      return 2;
    } else {
      file = arg;
    }
  }
  if (nrows == 0)
    for (int k = RS_METHOD_BDF; k <= RS_METHOD_AUTO; k++) rows[nrows++].method = (rs_method)k;
  rs_params p;
  rs_provenance *prov = malloc(sizeof *prov);
  if (!prov) return 1;
  int rc = rs_cli_load(file, sets, nsets, to, &p, prov);
  free(prov);
  if (rc) return rc;
  rs_error err;
  if (export) {
    rs_status es = rs_output_write_json(export, &p, &err);
    if (es != RS_OK) rs_cli_error("%s", err.msg);
    return rs_exit_code(es);
  }
  rs_sim *sim = rs_sim_alloc(&err);
  if (!sim) {
    rs_cli_error("%s", err.msg);
    return 1;
  }
  rs_series ref, s;
  rs_series_init(&ref);
  rs_series_init(&s);
  /* The reference: BDF at tolerances ten thousand times tighter. */
  rs_params q = p;
  q.v[RS_P_SOLVER_METHOD] = (double)RS_METHOD_BDF;
  q.v[RS_P_SOLVER_RTOL] = 1e-10;
  q.v[RS_P_SOLVER_ATOL] = 1e-13;
  q.v[RS_P_SOLVER_MAX_STEPS] = 1e6;
  rs_status status = rs_sim_run(sim, &q, &ref, NULL, &err);
  for (int k = 0; status == RS_OK && k < nrows; k++)
    status = time_method(sim, p, n, &ref, &s, &rows[k], &err);
  if (status != RS_OK) {
    rs_cli_error("%s", err.msg);
  } else {
    if (!csv)
      printf(
          "relsim bench: %s, %g-%g, rtol %g, %ld runs per method; deviation from BDF at rtol "
          "1e-10\n",
          file ? file : "registry defaults", p.v[RS_P_SPAN_START], p.v[RS_P_SPAN_END],
          p.v[RS_P_SOLVER_RTOL], n);
    print_rows(rows, nrows, n, csv);
  }
  rs_series_free(&ref);
  rs_series_free(&s);
  rs_sim_free(sim);
  return rs_exit_code(status);
}
