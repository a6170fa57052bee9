/* cli/common.c -- helpers shared by the subcommands: messages, options, loading a scenario. */
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
  if (st == RS_OK) st = rs_params_validate(p, &err);
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
}
