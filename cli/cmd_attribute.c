/* cli/cmd_attribute.c -- `relsim attribute`: which change of a scenario produces how much of
 * its effect. This file parses the command line, loads the base and the scenario, calls
 * rs_delta_make and rs_shapley (compare/), prints the table and writes attribution.csv and the
 * waterfall chart (plots/rs_plots_render_script). It owns no logic of its own. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "posterior.h" /* --posterior: contributions over posterior draws */
#include "plots.h"

static const char attribute_usage[] =
    "Usage: relsim attribute BASE.cfg SCENARIO.cfg --indicator NAME (--year Y | --mean Y1:Y2)\n"
    "                        [-o DIR] [--to YEAR] [--threads T] [-q]\n"
    "\n"
    "Split the difference that SCENARIO.cfg makes to one quantity of the run against BASE.cfg\n"
    "(the indicator NAME in year Y, or its time average over Y1..Y2) into the contributions of\n"
    "the settings the scenario changes: every scalar parameter, every whole time table and\n"
    "every whole event in which the two files differ (span and solver settings aside: every\n"
    "run uses BASE's). The contributions are exact Shapley values: the model is run with every\n"
    "combination of the changed settings applied on top of BASE (2^n runs, in parallel), and a\n"
    "setting's contribution is the change it makes when it is switched on, averaged over every\n"
    "order of switching the settings on. They add up to the total difference; an interaction\n"
    "between settings is shared equally among them; when effects simply add up, each setting's\n"
    "contribution is its one-at-a-time effect. At most 12 settings (4096 runs).\n"
    "\n"
    "Prints a table (each setting, its value in BASE and in SCENARIO, its contribution in the\n"
    "indicator's units and as a share of the total; the total and the check that the parts sum\n"
    "to it) and writes into DIR:\n"
    "  attribution.csv    setting, base, scenario, contribution, share, and a total row\n"
    "                     (values in the units of series.csv; share as a fraction of the total)\n"
    "  waterfall.gp       a waterfall chart from BASE's value through every contribution to\n"
    "                     SCENARIO's, with PNG + PDF when gnuplot is installed (edit and re-run:\n"
    "                     cd DIR && gnuplot waterfall.gp)\n"
    "\n"
    "Options:\n"
    "  --indicator NAME   a column of series.csv: gdp_growth, tfp_growth, a, R, G, rd_total,\n"
    "                     basic_share, indep_share, e, closure, net_relational, ... (see the\n"
    "                     header of a run's series.csv)\n"
    "  --year Y           the indicator in year Y (interpolated between output times)\n"
    "  --mean Y1:Y2       its time average over Y1..Y2 (trapezoid rule), e.g. --mean 1991:2000\n"
    "  -o, --out DIR      output directory (default out/attribute/SCENARIO-NAME)\n"
    "  --to YEAR          end every run in YEAR (both files; default: BASE's span.end)\n"
    "  --threads T        OpenMP threads (default: all cores); the result does not depend on T\n"
    "  --no-clobber       refuse to replace an existing, non-empty DIR\n"
    "  --posterior DIR    also over --draws draws of a posterior (relsim posterior -o DIR): each\n"
    "                     contribution's median and 90 % interval, posterior_attribution.csv\n"
    "  --draws N          posterior draws used, evenly spaced (default 200; 2^n runs each)\n"
    "  -q, --quiet        print nothing but errors and warnings\n"
    "  -h, --help         this text\n"
    "\n"
    "Example:\n"
    "  relsim attribute params/calibrated.cfg params/scenarios/no_regionalization.cfg \\\n"
    "      --indicator gdp_growth --mean 1991:2000\n"
    "\n"
    "Exit status: 0 success, 1 a run failed (the message names the combination of settings), 2\n"
    "bad input (unknown indicator, a year outside the run, a scenario identical to its base or\n"
    "changing more than 12 settings, a bad parameter file).\n";

/* ---------------------------------------------------------------- arguments */

typedef struct attr_args {
  const char *base, *scenario, *indicator, *out;
  int has_year, has_mean;
  double y1, y2; /* --year: y1 = y2 = Y; --mean: y1 < y2 */
  double to;
  int threads, quiet, no_clobber;
  const char *posterior; /* --posterior DIR, or NULL */
  int draws;
} attr_args;

/* A year: a finite number. Returns 0, or prints a usage error and returns 2. */
static int parse_year_value(const char *opt, const char *text, double *y) {
  char *end;
  double x = strtod(text, &end);
  if (end == text || *end != '\0' || !isfinite(x)) {
    rs_cli_error("attribute: %s %s: expected a year such as 2000", opt, text);
    return 2;
  }
  *y = x;
  return 0;
}

/* --mean Y1:Y2 */
static int parse_mean(const char *text, double *y1, double *y2) {
  const char *colon = strchr(text, ':');
  char first[64];
  if (!colon || (size_t)(colon - text) >= sizeof first) {
    rs_cli_error("attribute: --mean %s: expected Y1:Y2, e.g. --mean 1991:2000", text);
    return 2;
  }
  memcpy(first, text, (size_t)(colon - text));
  first[colon - text] = '\0';
  if (parse_year_value("--mean", first, y1) || parse_year_value("--mean", colon + 1, y2)) return 2;
  if (!(*y1 < *y2)) {
    rs_cli_error("attribute: --mean %s: the first year must be before the second", text);
    return 2;
  }
  return 0;
}

/* One option at argv[*i]; returns -1 when handled, else an exit status. */
static int parse_option(int argc, char **argv, int *i, attr_args *a) {
  const char *arg = argv[*i], *v;
#define VALUE(name) \
  if (!(v = rs_cli_optarg(argc, argv, i, name))) return 2
  if (rs_cli_is_opt(arg, "--indicator", NULL)) {
    VALUE("--indicator");
    a->indicator = v;
  } else if (rs_cli_is_opt(arg, "--year", NULL)) {
    VALUE("--year");
    if (parse_year_value("--year", v, &a->y1)) return 2;
    a->y2 = a->y1;
    a->has_year = 1;
  } else if (rs_cli_is_opt(arg, "--mean", NULL)) {
    VALUE("--mean");
    if (parse_mean(v, &a->y1, &a->y2)) return 2;
    a->has_mean = 1;
  } else if (rs_cli_is_opt(arg, "--out", "-o")) {
    VALUE("--out");
    a->out = v;
  } else if (rs_cli_is_opt(arg, "--to", NULL)) {
    VALUE("--to");
    if (rs_cli_parse_year(v, &a->to)) return 2;
  } else if (rs_cli_is_opt(arg, "--posterior", NULL)) {
    VALUE("--posterior");
    a->posterior = v;
  } else if (rs_cli_is_opt(arg, "--draws", NULL)) {
    VALUE("--draws");
    long t;
    if (rs_cli_parse_int("attribute", "--draws", v, 10, 100000, &t)) return 2;
    a->draws = (int)t;
  } else if (rs_cli_is_opt(arg, "--threads", NULL)) {
    VALUE("--threads");
    long t;
    if (rs_cli_parse_int("attribute", "--threads", v, 1, 256, &t)) return 2;
    a->threads = (int)t;
  } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
    a->quiet = 1;
  } else if (strcmp(arg, "--no-clobber") == 0) {
    a->no_clobber = 1;
  } else {
    rs_cli_error("attribute: unknown option '%s' (see relsim attribute --help)", arg);
    return 2;
  }
#undef VALUE
  return -1;
}

/* Parse the arguments; returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, attr_args *a) {
  memset(a, 0, sizeof *a);
  a->to = (double)NAN;
  a->draws = 200;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      fputs(attribute_usage, stdout);
      return 0;
    }
    if (argv[i][0] == '-' && argv[i][1] != '\0') {
      int rc = parse_option(argc, argv, &i, a);
      if (rc >= 0) return rc;
    } else if (!a->base) {
      a->base = argv[i];
    } else if (!a->scenario) {
      a->scenario = argv[i];
    } else {
      rs_cli_error("attribute: two parameter files only, BASE and SCENARIO (also got '%s')",
                   argv[i]);
      return 2;
    }
  }
  if (!a->scenario) {
    rs_cli_error(
        "attribute: need BASE.cfg and SCENARIO.cfg (try: relsim attribute "
        "params/calibrated.cfg params/scenarios/no_regionalization.cfg --indicator "
        "gdp_growth --mean 1991:2000)");
    return 2;
  }
  if (!a->indicator) {
    rs_cli_error("attribute: which indicator? --indicator NAME (e.g. --indicator gdp_growth)");
    return 2;
  }
  if (a->has_year + a->has_mean != 1) {
    rs_cli_error("attribute: give exactly one of --year Y and --mean Y1:Y2");
    return 2;
  }
  return -1;
}

/* ---------------------------------------------------------------- checks */

/* The indicator's column, or -1 after an error naming the closest name and all of them. */
static int find_indicator(const char *name) {
  int col = rs_indicator_find(name);
  if (col >= 0) return col;
  char low[64], cand[64];
  snprintf(low, sizeof low, "%s", name);
  for (char *p = low; *p; p++) *p = (char)tolower((unsigned char)*p);
  int best = -1;
  size_t bestd = (size_t)-1;
  for (int i = 0; i < RS_NINDICATOR; i++) {
    snprintf(cand, sizeof cand, "%s", rs_indicator_info_get(i)->name);
    for (char *p = cand; *p; p++) *p = (char)tolower((unsigned char)*p);
    size_t dist = rs_edit_distance(low, cand);
    if (dist < bestd) {
      bestd = dist;
      best = i;
    }
  }
  size_t len = strlen(name);
  char list[1024];
  size_t used = 0;
  list[0] = '\0';
  for (int i = 0; i < RS_NINDICATOR && used + 1 < sizeof list; i++) {
    int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                     rs_indicator_info_get(i)->name);
    if (w < 0) break;
    used += (size_t)w;
  }
  if (best >= 0 && bestd <= (len > 6 ? len / 2 : 3))
    rs_cli_error("attribute: unknown indicator '%s'; did you mean '%s'? (indicators: %s)", name,
                 rs_indicator_info_get(best)->name, list);
  else
    rs_cli_error("attribute: unknown indicator '%s' (indicators: %s)", name, list);
  return -1;
}

/* Every year asked for within the base's run. Returns 0 or 2 after an error. */
static int check_years(const attr_args *a, const rs_params *base) {
  double t0 = base->v[RS_P_SPAN_START], t1 = base->v[RS_P_SPAN_END];
  const char *opt = a->has_mean ? "--mean" : "--year";
  char what[64];
  if (a->has_mean)
    snprintf(what, sizeof what, "%g:%g", a->y1, a->y2);
  else
    snprintf(what, sizeof what, "%g", a->y1);
  if (a->y1 < t0) {
    rs_cli_error("attribute: %s %s: %g is before the start of the run (%g, span.start of %s)", opt,
                 what, a->y1, t0, a->base);
    return 2;
  }
  if (a->y2 > t1) {
    rs_cli_error(
        "attribute: %s %s: %g is after the end of the run (%g); extend the run with "
        "--to %.0f",
        opt, what, a->y2, t1, ceil(a->y2));
    return 2;
  }
  return 0;
}

/* Warn when the scenario's span or solver settings differ from the base's: they are not
 * attributed, every run uses the base's. */
static void warn_run_settings(const attr_args *a, const rs_params *base, const rs_params *sc) {
  char names[512];
  size_t used = 0;
  names[0] = '\0';
  for (int id = 0; id < RS_NPARAM; id++) {
    const char *name = rs_param_info_get(id)->name;
    if (strncmp(name, "span.", 5) != 0 && strncmp(name, "solver.", 7) != 0) continue;
    if (base->v[id] == sc->v[id] || used + 1 >= sizeof names) continue;
    int w = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "", name);
    if (w > 0) used += (size_t)w;
  }
  if (used)
    rs_cli_warning(
        "%s sets %s differently from %s; these are not attributed: every run uses "
        "the base's",
        a->scenario, names, a->base);
}

/* ---------------------------------------------------------------- formatting */

/* "no_regionalization" for ".../no_regionalization.cfg" */
static void file_stem(const char *file, char *buf, size_t n) {
  const char *b = strrchr(file, '/');
  b = b ? b + 1 : file;
  size_t len = strlen(b);
  if (len > 4 && strcmp(b + len - 4, ".cfg") == 0) len -= 4;
  snprintf(buf, n, "%.*s", (int)len, b);
}

/* A scalar's value as written in a file: the enum's word, an integer, or a real. full: every
 * digit (CSV), else 6 significant digits (table). */
static void scalar_text(int id, double x, int full, char *buf, size_t n) {
  const rs_param_info *info = rs_param_info_get(id);
  char num[32];
  if (info->type == RS_T_ENUM)
    rs_param_enum_word(id, (int)x, buf, n);
  else if (info->type == RS_T_INT)
    snprintf(buf, n, "%.0f", x);
  else if (full)
    snprintf(buf, n, "%s", rs_format_double(x, num));
  else
    snprintf(buf, n, "%.6g", x);
}

/* An event as "ramp public_rd 1990-1995 0.004" (a step: "step entry from 1995 0.1"). */
static void event_text(const rs_event *ev, int full, char *buf, size_t n) {
  char mag[32], s[32], e[32];
  if (full) {
    rs_format_double(ev->magnitude, mag);
    rs_format_double(ev->start, s);
    rs_format_double(ev->end, e);
  } else {
    snprintf(mag, sizeof mag, "%.6g", ev->magnitude);
    snprintf(s, sizeof s, "%g", ev->start);
    snprintf(e, sizeof e, "%g", ev->end);
  }
  const char *ch = rs_channel_info_get(ev->channel) ? rs_channel_info_get(ev->channel)->name : "?";
  if (ev->shape == RS_SHAPE_STEP)
    snprintf(buf, n, "step %s from %s %s", ch, s, mag);
  else
    snprintf(buf, n, "%s %s %s-%s %s", rs_shape_name(ev->shape), ch, s, e, mag);
}

/* The value of item it in the base (which = 0) or in the scenario (which = 1), readable. */
static void item_text(const rs_delta_item *it, const rs_params *base, const rs_params *sc,
                      int which, int full, char *buf, size_t n) {
  if (it->kind == RS_DELTA_SCALAR) {
    scalar_text(it->id, which ? sc->v[it->id] : base->v[it->id], full, buf, n);
  } else if (it->kind == RS_DELTA_TABLE) {
    const rs_table *t = which ? &sc->tables[it->id] : &base->tables[it->id];
    snprintf(buf, n, "%s (%d points)", which ? "replaced" : "table", t->n);
  } else {
    const rs_event *ev = &sc->events[it->id];
    int b = rs_params_find_event(base, ev->name);
    char desc[160];
    if (!which) {
      if (b < 0)
        snprintf(buf, n, "-");
      else if (!base->events[b].enabled)
        snprintf(buf, n, "disabled");
      else
        event_text(&base->events[b], full, buf, n);
    } else if (!ev->enabled) {
      snprintf(buf, n, "disabled");
    } else {
      event_text(ev, full, desc, sizeof desc);
      snprintf(buf, n, "%s%s", b < 0 ? "added: " : (!base->events[b].enabled ? "enabled: " : ""),
               desc);
    }
  }
}

/* "mean 1991-2000" or "2000" into buf. */
static void period_text(const attr_args *a, char *buf, size_t n) {
  if (a->has_mean)
    snprintf(buf, n, "mean %g-%g", a->y1, a->y2);
  else
    snprintf(buf, n, "%g", a->y1);
}

/* Decimals that give the largest of the values about four significant digits. */
static int decimals_for(const double *x, int n) {
  double m = 0.0;
  for (int i = 0; i < n; i++)
    if (isfinite(x[i]) && fabs(x[i]) > m) m = fabs(x[i]);
  if (m == 0.0) return 4;
  int d = 3 - (int)floor(log10(m));
  return d < 0 ? 0 : d > 12 ? 12 : d;
}

/* ---------------------------------------------------------------- the result */

typedef struct attr_result {
  int col;
  char base_name[64], sc_name[64], period[64];
  rs_delta *d;
  const rs_params *base;
  double phi[RS_DELTA_MAX], v0, v1;
  double scale;   /* from series.csv units to the units shown (percent for rates and shares) */
  char units[64]; /* the units shown: "% per year" */
} attr_result;

static void print_table(const attr_result *r) {
  const rs_indicator_info *info = rs_indicator_info_get(r->col);
  int n = r->d->n;
  double total = r->v1 - r->v0, sum = 0.0;
  for (int i = 0; i < n; i++) sum += r->phi[i];
  double shown[RS_DELTA_MAX + 3];
  for (int i = 0; i < n; i++) shown[i] = r->scale * r->phi[i];
  shown[n] = r->scale * r->v0;
  shown[n + 1] = r->scale * r->v1;
  shown[n + 2] = r->scale * total;
  int dec = decimals_for(shown, n); /* the contributions decide, the levels follow */
  if (n == 0 || decimals_for(shown + n + 2, 1) > dec) dec = decimals_for(shown + n + 2, 1);

  printf("%s (%s), %s, %s against %s\n", info->name, info->label, r->period, r->sc_name,
         r->base_name);
  printf("exact Shapley values of the %d setting%s changed (%u runs, %g-%g); units: %s\n\n", n,
         n == 1 ? "" : "s", 1u << n, r->base->v[RS_P_SPAN_START], r->base->v[RS_P_SPAN_END],
         r->units);

  /* column widths */
  char bt[RS_DELTA_MAX][160], st[RS_DELTA_MAX][160];
  int wn = (int)strlen("setting"), wb = (int)strlen(r->base_name), ws = (int)strlen(r->sc_name);
  for (int i = 0; i < n; i++) {
    item_text(&r->d->item[i], r->base, &r->d->scenario, 0, 0, bt[i], sizeof bt[i]);
    item_text(&r->d->item[i], r->base, &r->d->scenario, 1, 0, st[i], sizeof st[i]);
    int l = (int)strlen(r->d->item[i].name);
    if (l > wn) wn = l;
    if ((int)strlen(bt[i]) > wb) wb = (int)strlen(bt[i]);
    if ((int)strlen(st[i]) > ws) ws = (int)strlen(st[i]);
  }
  /* the rows below the table put their labels in the first three columns */
  char lab0[160], lab1[160];
  snprintf(lab0, sizeof lab0, "%s (no setting changed)", r->base_name);
  snprintf(lab1, sizeof lab1, "%s (every setting changed)", r->sc_name);
  int need = (int)(strlen(lab0) > strlen(lab1) ? strlen(lab0) : strlen(lab1));
  if (wn + 2 + wb + 2 + ws < need) ws = need - wn - 4 - wb;
  int wleft = wn + 2 + wb + 2 + ws;
  const char *ch = "contribution", *sh = "share";
  printf("  %-*s  %-*s  %-*s  %14s  %7s\n", wn, "setting", wb, r->base_name, ws, r->sc_name, ch,
         sh);
  for (int i = 0; i < n; i++) {
    char share[32];
    if (total != 0.0)
      snprintf(share, sizeof share, "%.1f %%", 100.0 * r->phi[i] / total + 0.0); /* no -0.0 */
    else
      snprintf(share, sizeof share, "-");
    char val[48];
    if (shown[i] == 0.0) /* exactly: the setting does not touch the quantity */
      snprintf(val, sizeof val, "0");
    else
      snprintf(val, sizeof val, "%+.*f", dec, shown[i]);
    printf("  %-*s  %-*s  %-*s  %14s  %7s\n", wn, r->d->item[i].name, wb, bt[i], ws, st[i], val,
           share);
  }
  printf("\n");
  printf("  %-*s  %14.*f\n", wleft, lab0, dec, shown[n]);
  printf("  %-*s  %14.*f\n", wleft, lab1, dec, shown[n + 1]);
  printf("  %-*s  %+14.*f  %7s\n", wleft, "total difference", dec, shown[n + 2],
         total != 0.0 ? "100.0 %" : "-");
  double diff = r->scale * (sum - total);
  double mag = fabs(total);
  for (int i = 0; i < n; i++) mag = fabs(r->phi[i]) > mag ? fabs(r->phi[i]) : mag;
  if (fabs(sum - total) <= 1e-9 * mag || sum == total)
    printf("  contributions sum to the total (difference %.1e)\n", diff);
  else
    printf("  WARNING: contributions do not sum to the total (difference %.3e)\n", diff);
}

/* A CSV field: quoted when it holds a comma or a quote. */
static void csv_field(rs_buf *b, const char *s) {
  if (!strpbrk(s, ",\"\n")) {
    rs_buf_printf(b, "%s", s);
    return;
  }
  rs_buf_printf(b, "\"");
  for (; *s; s++) rs_buf_printf(b, *s == '"' ? "\"\"" : "%c", *s);
  rs_buf_printf(b, "\"");
}

static rs_status write_csv(const char *dir, const attr_result *r, const attr_args *a,
                           rs_error *err) {
  const rs_indicator_info *info = rs_indicator_info_get(r->col);
  rs_buf b;
  rs_buf_init(&b);
  double total = r->v1 - r->v0;
  char n1[32], n2[32], n3[32], n4[32], txt[256];
  rs_buf_printf(&b,
                "# relsim %s attribution of %s (%s), %s, %s (%s) against %s (%s); exact Shapley "
                "values; contribution, base and scenario of the total row in %s (as series.csv); "
                "share: fraction of the total difference\n",
                RS_VERSION, info->name, info->label, r->period, r->sc_name, a->scenario,
                r->base_name, a->base, info->units);
  rs_buf_printf(&b, "setting,base,scenario,contribution,share\n");
  for (int i = 0; i < r->d->n; i++) {
    csv_field(&b, r->d->item[i].name);
    rs_buf_printf(&b, ",");
    item_text(&r->d->item[i], r->base, &r->d->scenario, 0, 1, txt, sizeof txt);
    csv_field(&b, txt);
    rs_buf_printf(&b, ",");
    item_text(&r->d->item[i], r->base, &r->d->scenario, 1, 1, txt, sizeof txt);
    csv_field(&b, txt);
    rs_buf_printf(&b, ",%s,%s\n", rs_format_double(r->phi[i], n1),
                  total != 0.0 ? rs_format_double(r->phi[i] / total, n2) : "");
  }
  rs_buf_printf(&b, "total,%s,%s,%s,%s\n", rs_format_double(r->v0, n1), rs_format_double(r->v1, n2),
                rs_format_double(total, n3), total != 0.0 ? rs_format_double(1.0, n4) : "");
  rs_status st = RS_OK;
  if (b.failed) st = rs_fail(err, RS_ERR_NOMEM, "attribution.csv: out of memory");
  char path[RS_PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/attribution.csv", dir);
  if (st == RS_OK) st = rs_write_file(path, b.data, err);
  rs_buf_free(&b);
  return st;
}

/* The waterfall script: bars from the base's value (a full bar) through each contribution (a
 * floating bar from the running total, green up, vermillion down) to the scenario's value (a
 * full bar), with the values on the bars and dotted links between the levels. */
static void put_waterfall(rs_buf *b, const attr_result *r) {
  const rs_indicator_info *info = rs_indicator_info_get(r->col);
  int n = r->d->n, nb = n + 2;
  double s = r->scale;
  double lev[RS_DELTA_MAX + 2], shown[RS_DELTA_MAX + 3];
  lev[0] = s * r->v0;
  double run = r->v0;
  for (int i = 0; i < n; i++) {
    run += r->phi[i];
    lev[i + 1] = s * run;
    shown[i] = s * r->phi[i];
  }
  lev[n + 1] = s * r->v1;
  shown[n] = s * r->v0;
  shown[n + 1] = s * r->v1;
  shown[n + 2] = s * (r->v1 - r->v0);
  int dec = decimals_for(shown, n);
  if (n == 0 || decimals_for(shown + n + 2, 1) > dec) dec = decimals_for(shown + n + 2, 1);

  /* y range: the levels, and zero unless the contributions would be lost against the full bars
   * (then the axis starts near the levels and the full bars start at the axis) */
  double lo = lev[0], hi = lev[0];
  for (int i = 0; i <= n + 1; i++) {
    lo = lev[i] < lo ? lev[i] : lo;
    hi = lev[i] > hi ? lev[i] : hi;
  }
  double big = fabs(lo) > fabs(hi) ? fabs(lo) : fabs(hi);
  int zoom = (lo > 0.0 || hi < 0.0) && hi - lo < 0.25 * big && hi - lo > 1e-12 * big;
  double ymin, ymax;
  if (zoom) {
    double pad = 0.6 * (hi - lo);
    ymin = lo - pad;
    ymax = hi + pad;
    if (lo > 0.0 && ymin < 0.0) ymin = 0.0;
    if (hi < 0.0 && ymax > 0.0) ymax = 0.0;
  } else {
    ymin = lo < 0.0 ? lo : 0.0;
    ymax = hi > 0.0 ? hi : 0.0;
    double pad = 0.15 * (ymax - ymin);
    if (pad == 0.0) pad = 1.0;
    if (ymin < 0.0) ymin -= pad;
    if (ymax > 0.0 || ymin == 0.0) ymax += pad;
  }
  int ydec = -(int)floor(log10((ymax - ymin) / 8.0)); /* decimals of steps of 1, 2 or 5 */
  ydec = ydec < 0 ? 0 : ydec > 12 ? 12 : ydec;
  int nup = 0, ndown = 0;
  for (int i = 0; i < n; i++) {
    nup += r->phi[i] > 0.0;
    ndown += r->phi[i] < 0.0;
  }
  double foot = zoom ? (lo > 0.0 ? ymin : ymax) : 0.0; /* where the full bars start */

  rs_buf_printf(b,
                "# waterfall.gp -- relsim attribution: how each setting that %s changes against "
                "%s\n"
                "# moves %s (%s), %s, from the base's value to the scenario's (exact Shapley "
                "values).\n"
                "# Written by relsim %s (cli/cmd_attribute.c); edit freely and re-run from this "
                "directory:\n"
                "#   gnuplot waterfall.gp\n"
                "# It writes waterfall.png (1200x800) and waterfall.pdf (16 x 11 cm); for another "
                "base name:\n"
                "#   gnuplot -e \"outbase='name'\" waterfall.gp\n\n",
                r->sc_name, r->base_name, info->name, info->label, r->period, RS_VERSION);
  rs_buf_printf(b, "if (!exists(\"outbase\")) outbase = \"waterfall\"\n\n");
  rs_buf_printf(b,
                "# One bar per row: x, bottom, top, colour (0xRRGGBB), label of the x axis, value "
                "printed,\n"
                "# where the value goes (the top or the bottom of the bar), above (1) or below "
                "(-1). Values in %s.\n"
                "$bars << EOD\n",
                r->units);
  for (int k = 0; k < nb; k++) {
    double bot, top, val;
    unsigned colour;
    const char *name;
    char text[48];
    if (k == 0 || k == nb - 1) {
      val = k == 0 ? lev[0] : lev[n + 1];
      bot = foot;
      top = val;
      colour = k == 0 ? 0x56B4E9u : 0x0072B2u;
      name = k == 0 ? r->base_name : r->sc_name;
      snprintf(text, sizeof text, "%.*f", dec, val);
    } else {
      val = shown[k - 1];
      bot = lev[k - 1];
      top = lev[k];
      colour = val >= 0.0 ? 0x009E73u : 0xD55E00u;
      name = r->d->item[k - 1].name;
      if (val == 0.0)
        snprintf(text, sizeof text, "0");
      else
        snprintf(text, sizeof text, "%+.*f", dec, val);
    }
    int up = (k == 0 || k == nb - 1) ? (val >= foot) : (val >= 0.0);
    double at = up ? (top > bot ? top : bot) : (top < bot ? top : bot);
    rs_buf_printf(b, "%d %.12g %.12g %u ", k, bot, top, colour);
    rs_plots_quote(b, name);
    rs_buf_printf(b, " ");
    rs_plots_quote(b, text);
    rs_buf_printf(b, " %.12g %d\n", at, up ? 1 : -1);
  }
  rs_buf_printf(b, "EOD\n\n# Links between the levels: x from, y, x to.\n$links << EOD\n");
  for (int k = 0; k + 1 < nb; k++) rs_buf_printf(b, "%g %.12g %g\n", k + 0.3, lev[k], k + 1 - 0.3);
  rs_buf_printf(b, "EOD\n\n");

  int longest = 0;
  for (int i = 0; i < n; i++)
    if ((int)strlen(r->d->item[i].name) > longest) longest = (int)strlen(r->d->item[i].name);
  if ((int)strlen(r->base_name) > longest) longest = (int)strlen(r->base_name);
  if ((int)strlen(r->sc_name) > longest) longest = (int)strlen(r->sc_name);
  int rotate = nb * (longest + 2) > 110;

  rs_buf_printf(b,
                "set style line 1 lc rgb \"#56B4E9\" lw 1\n"
                "set style line 2 lc rgb \"#0072B2\" lw 1\n"
                "set style line 3 lc rgb \"#009E73\" lw 1\n"
                "set style line 4 lc rgb \"#D55E00\" lw 1\n"
                "set style line 10 lc rgb \"gray40\" lw 1 dt 3\n"
                "set grid ytics lc rgb \"#e0e0e0\" lw 1 dt 1\n"
                "set border 3 lw 1\n"
                "set style fill solid 0.9 border lc rgb \"gray30\"\n"
                "set xrange [-0.6:%d.6]\n"
                "set yrange [%.12g:%.12g]\n"
                "set xtics nomirror scale 0%s\n"
                "set format y \"%%.%df\"\n"
                "set ytics nomirror out\n"
                "set tmargin 4.5\n"
                "set key at graph 1, graph 1.01 right bottom horizontal samplen 1.5 noopaque\n"
                "set xzeroaxis lt -1 lw 1\n",
                nb - 1, ymin, ymax, rotate ? " rotate by 30 right" : "", ydec);
  rs_buf_printf(b, "set title offset 0,1.3 ");
  char text[512];
  snprintf(text, sizeof text, "%s, %s: %s against %s", info->label, r->period, r->sc_name,
           r->base_name);
  rs_plots_quote(b, text);
  rs_buf_printf(b, "\nset ylabel ");
  snprintf(text, sizeof text, "%s, %s [%s]", info->name, r->period, r->units);
  rs_plots_quote(b, text);
  rs_buf_printf(b, "\nset xlabel ");
  snprintf(text, sizeof text,
           "setting changed by %s (contribution: exact Shapley value; total %+.*f%s%s)", r->sc_name,
           dec, shown[n + 2], r->units[0] == '%' ? " " : "", r->units[0] == '%' ? r->units : "");
  rs_plots_quote(b, text);
  rs_buf_printf(b, "\n");
  if (zoom)
    rs_buf_printf(b,
                  "set label 1 \"the axis does not start at 0: the full bars start at its %s\" "
                  "at graph 0.01, graph %s left font \",11\" tc rgb \"gray40\"\n",
                  lo > 0.0 ? "bottom" : "top", lo > 0.0 ? "0.97" : "0.03");

  rs_buf_printf(b,
                "\ndo for [ext in \"png pdf\"] {\n"
                "  if (ext eq \"png\") {\n"
                "    set terminal pngcairo size 1200,800 noenhanced font \"Helvetica,16\" "
                "linewidth 2\n"
                "    small = \"Helvetica,14\"\n"
                "  } else {\n"
                "    set terminal pdfcairo size 16cm,11cm noenhanced font \"Helvetica,8\" "
                "linewidth 1\n"
                "    small = \"Helvetica,7\"\n"
                "  }\n"
                "  set output outbase.\".\".ext\n"
                "  plot $bars using 1:(($2+$3)/2):(0.3):(abs($3-$2)/2):4:xtic(5) "
                "with boxxyerror lc rgb variable notitle, \\\n"
                "       $links using 1:2:($3-$1):(0) with vectors nohead ls 10 notitle, \\\n"
                "       $bars using 1:($8 > 0 ? $7 : 1/0):6 with labels offset 0,0.7 "
                "font small notitle, \\\n"
                "       $bars using 1:($8 < 0 ? $7 : 1/0):6 with labels offset 0,-0.7 "
                "font small notitle, \\\n"
                "       NaN with boxes ls 3 fs solid 0.9 title \"%s\", \\\n"
                "       NaN with boxes ls 4 fs solid 0.9 title \"%s\"\n"
                "  set output\n"
                "}\n",
                nup ? "raises" : "", ndown ? "lowers" : "");
}

/* ---------------------------------------------------------------- the command */

/* --posterior: every contribution over the draws, as a median with a 90 % interval, printed
 * and written to DIR/posterior_attribution.csv. */
static rs_status posterior_attribution(const attr_args *a, const attr_result *r, const char *dir,
                                       rs_error *err) {
  rs_post_sample_set ss;
  rs_status st = rs_post_read_draws(a->posterior, r->base, a->draws, &ss, err);
  if (st != RS_OK) return st;
  double *phi = malloc(sizeof(double) * (size_t)ss.n * (size_t)(r->d->n + 1));
  int failed = 0;
  st =
      phi ? rs_post_shapley(r->base, r->d, &ss, r->col, a->y1, a->y2, a->threads, phi, &failed, err)
          : rs_fail(err, RS_ERR_NOMEM, "attribute: out of memory");
  rs_buf b;
  rs_buf_init(&b);
  rs_buf_printf(&b, "item,median,q05,q25,q75,q95,p_positive,best_fit,draws\n");
  if (st == RS_OK && !a->quiet)
    printf("\nover %d posterior draws of %s (%d failed): median [90 %% interval], %s\n", ss.n,
           a->posterior, failed, r->units);
  for (int i = 0; st == RS_OK && i < r->d->n; i++) {
    rs_post_interval iv;
    rs_post_weighted_summary(phi + i, r->d->n, ss.n, ss.logw, &iv);
    char v[7][32];
    csv_field(&b, r->d->item[i].name);
    rs_buf_printf(&b, ",%s,%s,%s,%s,%s,%s,%s,%d\n", rs_format_csv6(iv.median, v[0]),
                  rs_format_csv6(iv.q05, v[1]), rs_format_csv6(iv.q25, v[2]),
                  rs_format_csv6(iv.q75, v[3]), rs_format_csv6(iv.q95, v[4]),
                  rs_format_csv6(iv.p_positive, v[5]), rs_format_csv6(r->phi[i], v[6]), iv.n);
    if (!a->quiet)
      printf("  %-40s %+10.4g [%+.4g, %+.4g]  (best fit %+.4g)\n", r->d->item[i].name,
             iv.median * r->scale, iv.q05 * r->scale, iv.q95 * r->scale, r->phi[i] * r->scale);
  }
  char path[RS_PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/posterior_attribution.csv", dir);
  if (st == RS_OK)
    st = b.failed ? rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path)
                  : rs_write_file(path, b.data, err);
  rs_buf_free(&b);
  free(phi);
  rs_post_sample_set_free(&ss);
  return st;
}

static int attribute(const attr_args *a, int col) {
  rs_params *p = malloc(2 * sizeof *p);
  rs_provenance *prov = malloc(sizeof *prov);
  attr_result *r = calloc(1, sizeof *r);
  rs_delta *d = malloc(sizeof *d);
  int rc = p && prov && r && d ? 0 : 1;
  if (rc) rs_cli_error("attribute: out of memory");
  if (rc == 0) rc = rs_cli_load(a->base, NULL, 0, a->to, &p[0], prov);
  if (rc == 0) rc = rs_cli_load(a->scenario, NULL, 0, a->to, &p[1], prov);
  if (rc == 0) rc = check_years(a, &p[0]);
  rs_error err;
  rs_status st = RS_OK;
  if (rc == 0 && (st = rs_delta_make(&p[0], &p[1], d, &err)) != RS_OK) {
    rs_cli_error("%s: %s", a->scenario, err.msg);
    rc = rs_exit_code(st);
  }
  if (rc == 0 && d->n == 0) {
    rs_cli_error(
        "attribute: %s changes nothing against %s (span and solver settings aside): "
        "nothing to attribute",
        a->scenario, a->base);
    rc = 2;
  }
  if (rc == 0) {
    warn_run_settings(a, &p[0], &p[1]);
    r->col = col;
    r->d = d;
    r->base = &p[0];
    file_stem(a->base, r->base_name, sizeof r->base_name);
    file_stem(a->scenario, r->sc_name, sizeof r->sc_name);
    period_text(a, r->period, sizeof r->period);
    r->scale = rs_plots_indicator_scale(col, r->units, sizeof r->units);
    st = rs_shapley(&p[0], d, col, a->y1, a->y2, a->threads, r->phi, &r->v0, &r->v1, &err);
    if (st != RS_OK) {
      rs_cli_error("%s against %s: %s", a->scenario, a->base, err.msg);
      rc = rs_exit_code(st);
    }
  }
  char dir[RS_PATH_MAX];
  if (rc == 0) {
    if (a->out)
      snprintf(dir, sizeof dir, "%s", a->out);
    else
      snprintf(dir, sizeof dir, "out/attribute/%s-%s", r->sc_name,
               rs_indicator_info_get(col)->name);
    if (!a->quiet) print_table(r);
    rs_outdir od;
    rc = rs_cli_outdir_begin(&od, dir, a->no_clobber);
    st = rc == 0 ? write_csv(od.work, r, a, &err) : RS_ERR_IO; /* rc: begin's message said */
    rs_plots_report rep;
    memset(&rep, 0, sizeof rep);
    rs_buf b;
    rs_buf_init(&b);
    if (st == RS_OK) {
      put_waterfall(&b, r);
      st = b.failed ? rs_fail(&err, RS_ERR_NOMEM, "waterfall.gp: out of memory")
                    : rs_plots_render_script(od.work, "waterfall", b.data, &rep, &err);
    }
    rs_buf_free(&b);
    if (st == RS_OK && a->posterior) st = posterior_attribution(a, r, od.work, &err);
    if (rc != 0) {
    } else if (st != RS_OK) {
      rs_cli_error("%s", err.msg);
      rc = rs_exit_code(st);
    } else if ((rc = rs_cli_outdir_commit(&od)) == 0) {
      if (!rep.rendered) rs_cli_warning("no images: %s", rep.why_not);
      if (!a->quiet)
        printf("\n  %s/attribution.csv\n  %s/waterfall.gp%s\n", dir, dir,
               rep.rendered ? " (.png, .pdf)" : "");
    }
    rs_outdir_abort(&od);
  }
  free(d);
  free(r);
  free(prov);
  free(p);
  return rc;
}

int rs_cmd_attribute(int argc, char **argv) {
  attr_args a;
  int rc = parse_args(argc, argv, &a);
  if (rc >= 0) return rc;
  int col = find_indicator(a.indicator);
  if (col < 0) return 2;
  return attribute(&a, col);
}
