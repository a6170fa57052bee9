/* cli/cli.h -- the relsim command line: one function per subcommand.
 * The command line owns no logic of its own: it parses arguments, calls the modules (params,
 * sim, output, plots) and turns their status into messages and exit codes (0 success, 1 failed
 * run or I/O, 2 bad input or usage, 130 interrupted). */
#ifndef RS_CLI_H
#define RS_CLI_H

#include "params.h"
#include "sim.h"

/* Each takes the arguments after the subcommand name (argv[0] is the subcommand) and returns
 * the process exit status. */
int rs_cmd_run(int argc, char **argv);
int rs_cmd_params(int argc, char **argv);
int rs_cmd_bench(int argc, char **argv);
int rs_cmd_calibrate(int argc, char **argv);
int rs_cmd_compare(int argc, char **argv);
int rs_cmd_attribute(int argc, char **argv);

/* ---- shared helpers (cli/common.c) */

/* Print "relsim: error: MSG" (or "relsim: warning: ...") on stderr. */
void rs_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rs_cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* After an ensemble command: how many of its member runs fell back to BDF, on stderr when any
 * did (rs_solver_ensemble_options). */
void rs_cli_ensemble_note(const char *cmd);

/* The value of an option at argv[*i]: "--name=value" or "--name value" (advancing *i), or of a
 * short option "-o value"/"-ovalue". Returns NULL (and prints a usage error) when missing. */
const char *rs_cli_optarg(int argc, char **argv, int *i, const char *name);
/* 1 if argv[i] is the long option name (with or without "=value") or the short one. */
int rs_cli_is_opt(const char *arg, const char *name, const char *short_name);

/* Load FILE (or the registry defaults when file is NULL), apply the --set overrides in order,
 * then set span.end to `to` when to is finite, and validate. Messages go to stderr; returns the
 * exit status (0 on success). */
int rs_cli_load(const char *file, const char *const *sets, int nsets, double to, rs_params *p,
                rs_provenance *prov);

/* Parse an integer option value in [lo, hi]. Returns 0 and sets *out, or prints a usage error
 * naming the command and the option and returns 2. */
int rs_cli_parse_int(const char *cmd, const char *opt, const char *text, long lo, long hi,
                     long *out);

/* The whole command line as one string (for manifests), into buf. */
void rs_cli_command_line(int argc, char **argv, char *buf, size_t n);
/* Parse a year for --to: a number in [1900, 2200]. Returns 0 and sets *year, or prints a usage
 * error and returns 2. */
int rs_cli_parse_year(const char *text, double *year);

#endif /* RS_CLI_H */
