/* cli/main.c -- entry point of the relsim program: dispatch to the subcommands.
 * This file contains the top-level --help and --version and nothing else. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sens.h"
#include "solver.h"

static const char usage[] =
    "relsim " RS_VERSION
    " -- a system-dynamics model of Japan's techno-industrial regime, 1955-2000 and beyond,\n"
    "after W. Hatch (2001), \"Regionalizing Relationalism\" (MIT Japan Program WP 01.07).\n"
    "\n"
    "Usage: relsim COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  run FILE      run a scenario: series.csv, manifest.cfg and figures in a directory\n"
    "  params        list every parameter with its units, default, bounds and meaning\n"
    "  bench [FILE]  time repeated runs of a scenario (runs per second)\n"
    "  calibrate BASE.cfg\n"
    "                fit the free parameters to the paper's figures, with a fit report\n"
    "  compare FILE...\n"
    "                run scenarios side by side (the first is the reference): tables,\n"
    "                figures and, with --band, uncertainty bands over near-best fits\n"
    "  posterior BASE.cfg\n"
    "                sample the posterior of the free parameters (Bayesian calibration)\n"
    "  attribute BASE.cfg SCENARIO.cfg\n"
    "                split a difference into the contributions of the settings changed\n"
    "  ensemble FILE --free FREE.cfg --samples N | --sample-file SAMPLES.csv\n"
    "                many runs with sampled parameters: quantile envelopes, fan charts\n"
    "  sensitivity local|morris|sobol FILE ...\n"
    "                which parameters drive which output (local functions, screening,\n"
    "                Sobol indices with intervals); under mpirun across processes\n"
    "\n"
    "Options:\n"
    "  -h, --help     this text (each command has its own: relsim run --help)\n"
    "  -V, --version  versions of relsim and of the libraries it uses\n"
    "  --max-input-mb N\n"
    "                 (before COMMAND) read input files of up to N MiB (default: 1 for\n"
    "                 parameter, target and free-set files, 64 for CSV series); the same as\n"
    "                 the environment variable RELSIM_MAX_INPUT_MB\n"
    "\n"
    "Start with:  relsim run params/baseline.cfg -o out/baseline\n"
    "Exit status: 0 success, 1 failed run or file error, 2 bad input, 130 interrupted.\n";

static int dispatch(int argc, char **argv);

/* MPI (when built with it and started by a launcher) wraps every command: the analyses split
 * their work across the processes, everything else runs the same on each. */
int main(int argc, char **argv) {
  rs_sens_mpi_init(&argc, &argv);
  int rc = dispatch(argc, argv);
  rs_sens_mpi_finalize();
  return rc;
}

static int dispatch(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage, stderr);
    return 2;
  }
  /* --max-input-mb N before the command: every reader takes the cap from the environment */
  while (argc >= 3 && rs_cli_is_opt(argv[1], "--max-input-mb", NULL)) {
    int i = 1;
    const char *v = rs_cli_optarg(argc, argv, &i, "--max-input-mb");
    long mb;
    if (!v || rs_cli_parse_int("relsim", "--max-input-mb", v, 1, 1048576, &mb) != 0) return 2;
    char text[32];
    snprintf(text, sizeof text, "%ld", mb);
    if (setenv("RELSIM_MAX_INPUT_MB", text, 1) != 0) return 1;
    argc -= i;
    argv += i;
  }
  if (argc < 2) {
    fputs(usage, stderr);
    return 2;
  }
  const char *cmd = argv[1];
  rs_cli_signals_install();
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
    fputs(usage, stdout);
    return 0;
  }
  if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
    printf("relsim %s\n%s\nlibconfig %s\n", RS_VERSION, rs_solver_version(),
           rs_params_libconfig_version());
    return 0;
  }
  if (strcmp(cmd, "run") == 0) return rs_cmd_run(argc - 1, argv + 1);
  if (strcmp(cmd, "params") == 0) return rs_cmd_params(argc - 1, argv + 1);
  if (strcmp(cmd, "bench") == 0) return rs_cmd_bench(argc - 1, argv + 1);
  if (strcmp(cmd, "calibrate") == 0) return rs_cmd_calibrate(argc - 1, argv + 1);
  if (strcmp(cmd, "compare") == 0) return rs_cmd_compare(argc - 1, argv + 1);
  if (strcmp(cmd, "attribute") == 0) return rs_cmd_attribute(argc - 1, argv + 1);
  if (strcmp(cmd, "ensemble") == 0) return rs_cmd_ensemble(argc - 1, argv + 1);
  if (strcmp(cmd, "sensitivity") == 0) return rs_cmd_sensitivity(argc - 1, argv + 1);
  if (strcmp(cmd, "posterior") == 0) return rs_cmd_posterior(argc - 1, argv + 1);
  rs_cli_error(
      "unknown command '%s' (commands: run, params, bench, calibrate, compare, "
      "attribute, posterior, ensemble, sensitivity; see relsim --help)",
      cmd);
  return 2;
}
