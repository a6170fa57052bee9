/* cli/cli.h -- the relsim command line: one function per subcommand.
 * The command line owns no logic of its own: it parses arguments, calls the modules (params,
 * sim, output, plots) and turns their status into messages and exit codes (0 success, 1 failed
 * run or I/O, 2 bad input or usage, 130 interrupted). */
#ifndef RS_CLI_H
#define RS_CLI_H

#include <signal.h>

#include "params.h"
#include "targets.h"
#include "sim.h"

/* Each takes the arguments after the subcommand name (argv[0] is the subcommand) and returns
 * the process exit status. */
int rs_cmd_run(int argc, char **argv);
int rs_cmd_params(int argc, char **argv);
int rs_cmd_bench(int argc, char **argv);
int rs_cmd_calibrate(int argc, char **argv);
int rs_cmd_compare(int argc, char **argv);
int rs_cmd_attribute(int argc, char **argv);
int rs_cmd_ensemble(int argc, char **argv);
int rs_cmd_sensitivity(int argc, char **argv);
int rs_cmd_posterior(int argc, char **argv);

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

/* SIGINT and SIGTERM set a flag instead of ending the process at once (installed by main for
 * every command): a command checks it between its phases and before it swaps its output folder
 * in, so an interrupt leaves the old folder whole and no temporary file behind; the first signal
 * restores the default action, so a second one ends the process at once (the next run then
 * removes the temporary folder). */
void rs_cli_signals_install(void);
/* The flag the handler sets (for library loops that poll it, e.g. the calibration's). */
volatile sig_atomic_t *rs_cli_interrupt_flag(void);

/* An output folder for a command: begin it (lock, checks, temporary work folder) and report
 * failures; returns 0 or the exit status. */
int rs_cli_outdir_begin(rs_outdir *d, const char *dir, int no_clobber);
/* Swap the work folder in unless interrupted (then the work folder is removed and 130 is
 * returned); returns 0 or the exit status, with the message printed. */
int rs_cli_outdir_commit(rs_outdir *d);
/* The argument loop of a command that takes one base scenario and options (calibrate,
 * posterior): -h/--help prints usage and returns 0; every other argument starting with '-' goes
 * to option(argc, argv, &i, args), which returns -1 when it handled it, else an exit status;
 * the first other argument is *base, a second one is a usage error; no base is one too (the
 * message suggests `relsim CMD params/baseline.cfg`). Returns -1 to go on, else the exit status. */
int rs_cli_parse_base(const char *cmd, int argc, char **argv, const char *usage,
                      int (*option)(int argc, char **argv, int *i, void *args), void *args,
                      const char **base);

/* DIR.partial for the output folder out (trailing slashes dropped): a folder beside it for the
 * state of an interrupted calibration or posterior, at the same depth (relative paths in it are
 * those of DIR). */
void rs_cli_partial_dir(const char *out, char *buf, size_t n);

/* The options that calibrate and posterior share: the fit's inputs and outputs. */
#define RS_CLI_MAX_SETS 256
typedef struct rs_cli_fit_args {
  const char *targets[RS_TARGET_FILES_MAX]; /* --targets, in order */
  int ntargets;
  int paper_only;                    /* --paper-only */
  const char *free_file;             /* --free */
  const char *out;                   /* -o, --out */
  const char *sets[RS_CLI_MAX_SETS]; /* --set, in order */
  int nsets;
  int quiet, no_clobber; /* -q, --no-clobber */
} rs_cli_fit_args;
/* One of those options at argv[*i] for command cmd: -1 when handled (advancing *i past its
 * value), 0 when argv[*i] is none of them, else the exit status of a usage error. */
int rs_cli_fit_option(const char *cmd, int argc, char **argv, int *i, rs_cli_fit_args *f);

/* The target files when no --targets is given: the paper's figures and the external data,
 * appended to targets[*n]. */
void rs_cli_default_targets(const char **targets, int *n);

/* The whole command line as one string (for manifests), into buf. */
void rs_cli_command_line(int argc, char **argv, char *buf, size_t n);
/* Parse a year for --to: a number in [1900, 2200]. Returns 0 and sets *year, or prints a usage
 * error and returns 2. */
int rs_cli_parse_year(const char *text, double *year);

#endif /* RS_CLI_H */
