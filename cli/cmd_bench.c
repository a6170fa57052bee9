/* cli/cmd_bench.c -- `relsim bench`: how many runs of a scenario one core does per second.
 * The loop does no allocation and no file work: the sim workspace is reused, as the
 * calibration and the uncertainty bands reuse it. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "sim.h"

static const char bench_usage[] =
    "Usage: relsim bench [FILE] [-n N] [--set NAME=VALUE]... [--to YEAR]\n"
    "\n"
    "Run the scenario FILE (default: the registry defaults, which params/baseline.cfg holds)\n"
    "N times in one process on one core and print runs per second and the integrator's work\n"
    "per run (steps, RHS and Jacobian evaluations, segments between event edges).\n"
    "\n"
    "  -n N              number of timed runs (default 2000), after one untimed warm-up run\n"
    "  --set NAME=VALUE  override a setting (as in relsim run)\n"
    "  --to YEAR         end the runs in YEAR\n"
    "  -h, --help        this text\n";

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int rs_cmd_bench(int argc, char **argv) {
  const char *file = NULL, *sets[256];
  int nsets = 0;
  long n = 2000;
  double to = (double)NAN;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i], *v;
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      fputs(bench_usage, stdout);
      return 0;
    } else if (rs_cli_is_opt(arg, "--runs", "-n")) {
      if (!(v = rs_cli_optarg(argc, argv, &i, "-n"))) return 2;
      if (rs_cli_parse_int("bench", "-n", v, 1, 100000000, &n)) return 2;
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
  rs_params p;
  rs_provenance *prov = malloc(sizeof *prov);
  if (!prov) return 1;
  int rc = rs_cli_load(file, sets, nsets, to, &p, prov);
  free(prov);
  if (rc) return rc;
  rs_error err;
  rs_sim *sim = rs_sim_alloc(&err);
  if (!sim) {
    rs_cli_error("%s", err.msg);
    return 1;
  }
  rs_series s;
  rs_series_init(&s);
  rs_solver_stats st;
  rs_status status = rs_sim_run(sim, &p, &s, &st, &err); /* warm-up: buffers grow here */
  double t0 = now_seconds();
  for (long i = 0; status == RS_OK && i < n; i++) status = rs_sim_run(sim, &p, &s, &st, &err);
  double dt = now_seconds() - t0;
  if (status != RS_OK) {
    rs_cli_error("%s", err.msg);
  } else {
    char method[16];
    rs_param_enum_word(RS_P_SOLVER_METHOD, (int)p.v[RS_P_SOLVER_METHOD], method, sizeof method);
    printf("relsim bench: %s, %g-%g, %s, rtol %g, %ld runs\n", file ? file : "registry defaults",
           p.v[RS_P_SPAN_START], p.v[RS_P_SPAN_END], method, p.v[RS_P_SOLVER_RTOL], n);
    printf("  wall time        %.3f s\n", dt);
    printf("  runs per second  %.0f\n", (double)n / dt);
    printf(
        "  per run          %ld steps, %ld RHS evaluations, %ld Jacobian evaluations, "
        "%ld segments, %ld error-test failures\n",
        st.steps, st.rhs_evals, st.jac_evals, st.segments, st.err_test_fails);
  }
  rs_series_free(&s);
  rs_sim_free(sim);
  return rs_exit_code(status);
}
