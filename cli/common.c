/* cli/common.c -- helpers shared by the subcommands: messages, options, loading a scenario. */
#define _XOPEN_SOURCE 700 /* sigaction, SA_RESETHAND */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void rs_cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("relsim: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

void rs_cli_warning(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("relsim: warning: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

void rs_cli_ensemble_note(const char *cmd) {
  long runs, fallbacks;
  rs_sim_ensemble_totals(&runs, &fallbacks);
  if (fallbacks > 0)
    fprintf(stderr,
            "relsim %s: %ld of %ld ensemble runs fell back to BDF (the explicit method failed "
            "or found them stiff)\n",
            cmd, fallbacks, runs);
}

int rs_cli_is_opt(const char *arg, const char *name, const char *short_name) {
  if (short_name && strncmp(arg, short_name, strlen(short_name)) == 0) return 1;
  size_t n = strlen(name);
  return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

const char *rs_cli_optarg(int argc, char **argv, int *i, const char *name) {
  const char *arg = argv[*i];
  const char *eq = strchr(arg, '=');
  if (arg[1] != '-' && arg[2] != '\0') return arg + 2; /* -oDIR */
  if (arg[1] == '-' && eq) return eq + 1;
  if (*i + 1 >= argc) {
    rs_cli_error("option %s needs a value", name);
    return NULL;
  }
  return argv[++*i];
}

int rs_cli_parse_int(const char *cmd, const char *opt, const char *text, long lo, long hi,
                     long *out) {
  char *end;
  long x = strtol(text, &end, 10);
  if (*end != '\0' || end == text || x < lo || x > hi) {
    rs_cli_error("%s: %s %s: expected an integer from %ld to %ld", cmd, opt, text, lo, hi);
    return 2;
  }
  *out = x;
  return 0;
}

int rs_cli_parse_year(const char *text, double *year) {
  char *end;
  double y = strtod(text, &end);
  if (end == text || *end != '\0' || !(y >= 1900.0 && y <= 2200.0)) {
    rs_cli_error("--to %s: expected a year between 1900 and 2200", text);
    return 2;
  }
  *year = y;
  return 0;
}

int rs_cli_load(const char *file, const char *const *sets, int nsets, double to, rs_params *p,
                rs_provenance *prov) {
  rs_error err;
  rs_status st = RS_OK;
  rs_provenance_init(prov);
  if (file)
    st = rs_params_load(file, p, prov, &err);
  else
    rs_params_defaults(p);
  for (int i = 0; st == RS_OK && i < nsets; i++) st = rs_params_set(p, prov, sets[i], &err);
  if (st == RS_OK && isfinite(to)) {
    p->v[RS_P_SPAN_END] = to;
    prov->scalar[RS_P_SPAN_END].file = RS_ORIGIN_SET;
    prov->scalar[RS_P_SPAN_END].line = 0;
  }
  int validating = st == RS_OK;
  if (st == RS_OK) st = rs_params_validate(p, &err);
  if (st != RS_OK && validating && (nsets > 0 || isfinite(to))) {
    /* the file alone was valid (rs_params_load validates it), so the overrides caused this */
    char b[32];
    rs_cli_error("%s (after %s%s%s%s%s)", err.msg, nsets > 0 ? "the --set options" : "",
                 nsets > 0 && isfinite(to) ? " and " : "", isfinite(to) ? "--to " : "",
                 isfinite(to) ? rs_format_number(to, b) : "", file ? "" : " on the defaults");
    return rs_exit_code(st);
  }
  if (st != RS_OK) {
    rs_cli_error("%s", err.msg);
    /* An unreadable parameter file is bad input too, not a failed run. */
    return st == RS_ERR_IO ? 2 : rs_exit_code(st);
  }
  return 0;
}

void rs_cli_command_line(int argc, char **argv, char *buf, size_t n) {
  size_t len = 0;
  buf[0] = '\0';
  for (int i = 0; i < argc && len + 1 < n; i++) {
    int w = snprintf(buf + len, n - len, "%s%s", i ? " " : "", argv[i]);
    if (w < 0) break;
    len += (size_t)w;
  }
  rs_text_printable(buf); /* the command line goes into comment lines of the manifests */
}

/* ---------------------------------------------------------------- signals and output folders */

static volatile sig_atomic_t interrupted = 0;

static void on_signal(int sig) {
  (void)sig;
  interrupted = 1;
}

void rs_cli_signals_install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = (int)SA_RESETHAND; /* a second signal ends the process */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

volatile sig_atomic_t *rs_cli_interrupt_flag(void) {
  return &interrupted;
}

int rs_cli_outdir_begin(rs_outdir *d, const char *dir, int no_clobber) {
  rs_error err;
  rs_status st = rs_outdir_begin(d, dir, no_clobber ? RS_OUTDIR_NO_CLOBBER : 0, &err);
  if (st == RS_OK) return 0;
  rs_cli_error("-o: %s", err.msg);
  return st == RS_ERR_IO ? 1 : rs_exit_code(st);
}

int rs_cli_outdir_commit(rs_outdir *d) {
  if (interrupted) {
    rs_outdir_abort(d);
    rs_cli_warning("interrupted: %s is unchanged", d->final);
    return 130;
  }
  rs_error err;
  rs_status st = rs_outdir_commit(d, &err);
  if (st == RS_OK) return 0;
  rs_cli_error("%s", err.msg);
  return rs_exit_code(st);
}

int rs_cli_parse_base(const char *cmd, int argc, char **argv, const char *usage,
                      int (*option)(int argc, char **argv, int *i, void *args), void *args,
                      const char **base) {
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      fputs(usage, stdout);
      return 0;
    }
    if (argv[i][0] == '-' && argv[i][1] != '\0') {
      int rc = option(argc, argv, &i, args);
      if (rc >= 0) return rc;
    } else if (*base) {
      rs_cli_error("%s: one base scenario at a time ('%s' and '%s')", cmd, *base, argv[i]);
      return 2;
    } else {
      *base = argv[i];
    }
  }
  if (!*base) {
    rs_cli_error("%s: no base scenario (try: relsim %s params/baseline.cfg)", cmd, cmd);
    return 2;
  }
  return -1;
}

void rs_cli_partial_dir(const char *out, char *buf, size_t n) {
  size_t len = strlen(out);
  while (len > 1 && out[len - 1] == '/') len--;
  snprintf(buf, n, "%.*s.partial", (int)len, out);
}

int rs_cli_fit_option(const char *cmd, int argc, char **argv, int *i, rs_cli_fit_args *f) {
  const char *arg = argv[*i], *v;
  if (rs_cli_is_opt(arg, "--targets", NULL)) {
    if (!(v = rs_cli_optarg(argc, argv, i, "--targets"))) return 2;
    if (f->ntargets == RS_TARGET_FILES_MAX) {
      rs_cli_error("%s: at most %d --targets files", cmd, RS_TARGET_FILES_MAX);
      return 2;
    }
    f->targets[f->ntargets++] = v;
  } else if (strcmp(arg, "--paper-only") == 0) {
    f->paper_only = 1;
  } else if (rs_cli_is_opt(arg, "--free", NULL)) {
    if (!(f->free_file = rs_cli_optarg(argc, argv, i, "--free"))) return 2;
  } else if (rs_cli_is_opt(arg, "--out", "-o")) {
    if (!(f->out = rs_cli_optarg(argc, argv, i, "--out"))) return 2;
  } else if (rs_cli_is_opt(arg, "--set", NULL)) {
    if (!(v = rs_cli_optarg(argc, argv, i, "--set"))) return 2;
    if (f->nsets == RS_CLI_MAX_SETS) {
      rs_cli_error("%s: at most %d --set options", cmd, RS_CLI_MAX_SETS);
      return 2;
    }
    f->sets[f->nsets++] = v;
  } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
    f->quiet = 1;
  } else if (strcmp(arg, "--no-clobber") == 0) {
    f->no_clobber = 1;
  } else {
    return 0;
  }
  return -1;
}

void rs_cli_default_targets(const char **targets, int *n) {
  targets[(*n)++] = "params/targets.cfg";
  targets[(*n)++] = "params/targets/data.cfg";
}
