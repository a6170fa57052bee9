/* tests/test_attribute.c -- the Shapley attribution (compare/shapley.c) and `relsim attribute`:
 * contributions that sum to the total for the shipped scenarios, a two-setting case computed
 * by hand from four runs, the same values with 1 and 2 threads, an additive case, the limit of
 * 12 settings, failures that name their subset, and the command line's files and exit codes.
 * Fixtures are in tests/data/attribute/ (scenarios on params/calibrated.cfg); scratch files go
 * to $RELSIM_TEST_TMP/attribute; the program is $RELSIM. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"
#include "compare.h"
#include "params.h"

#define BASE "params/calibrated.cfg"
#define DATA "tests/data/attribute/"

/* ---------------------------------------------------------------- helpers */

static void load(const char *file, rs_params *p) {
  rs_error err;
  rs_status st = rs_params_load(file, p, NULL, &err);
  if (st != RS_OK) {
    fprintf(stderr, "cannot load %s: %s\n", file, err.msg);
    exit(1);
  }
}

/* The quantity of one run of p: indicator col at y1, or its mean over [y1, y2]. */
static double run_value(const rs_params *p, int col, double y1, double y2) {
  rs_error err;
  rs_sim *sim = rs_sim_alloc(&err);
  rs_series s;
  rs_series_init(&s);
  CHECK(sim != NULL);
  rs_status st = sim ? rs_sim_run(sim, p, &s, NULL, &err) : RS_ERR_NOMEM;
  CHECK(st == RS_OK);
  double v = st == RS_OK ? rs_series_mean(&s, col, y1, y2) : (double)NAN;
  rs_series_free(&s);
  rs_sim_free(sim);
  return v;
}

/* The index of the item named name in d, or -1 (after a failed check). */
static int item_index(const rs_delta *d, const char *name) {
  for (int k = 0; k < d->n; k++)
    if (strcmp(d->item[k].name, name) == 0) return k;
  fprintf(stderr, "no item '%s' in the delta\n", name);
  CHECK(0);
  return -1;
}

/* Attribute scenario against base: d, phi, v0, v1; returns the status. */
static rs_status attribute(const char *base_file, const char *sc_file, const char *ind, double y1,
                           double y2, int threads, rs_params *base, rs_delta *d, double *phi,
                           double *v0, double *v1, rs_error *err) {
  rs_params *sc = malloc(sizeof *sc);
  load(base_file, base);
  load(sc_file, sc);
  rs_status st = rs_delta_make(base, sc, d, err);
  free(sc);
  if (st != RS_OK) return st;
  return rs_shapley(base, d, rs_indicator_find(ind), y1, y2, threads, phi, v0, v1, err);
}

/* sum phi = v1 - v0 within 1e-9 relative; v0 is the base's run and v1 the scenario's run. */
static void check_sums(const char *sc_file, const char *ind, double y1, double y2, int nitems) {
  rs_params *base = malloc(sizeof *base), *sc = malloc(sizeof *sc);
  rs_delta *d = malloc(sizeof *d);
  double phi[RS_DELTA_MAX], v0 = 0.0, v1 = 0.0;
  rs_error err;
  rs_status st = attribute(BASE, sc_file, ind, y1, y2, 0, base, d, phi, &v0, &v1, &err);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  CHECK(st == RS_OK);
  CHECK(d->n == nitems);
  if (st == RS_OK) {
    double sum = 0.0;
    for (int k = 0; k < d->n; k++) sum += phi[k];
    CHECK(v1 != v0);
    CHECK_REL(sum, v1 - v0, 1e-9);
    int col = rs_indicator_find(ind);
    CHECK(v0 == run_value(base, col, y1, y2));
    load(sc_file, sc);
    CHECK(v1 == run_value(sc, col, y1, y2));
  }
  free(d);
  free(sc);
  free(base);
}

/* ---------------------------------------------------------------- the attribution */

static void contributions_sum_to_the_total_for_no_regionalization(void) {
  check_sums("params/scenarios/no_regionalization.cfg", "gdp_growth", 1991.0, 2000.0, 2);
  check_sums("params/scenarios/no_regionalization.cfg", "R", 2000.0, 2000.0, 2);
}

/* basic_research_push adds two events; mixed has two scalars, a disabled and an added event. */
static void contributions_sum_to_the_total_for_scenarios_that_change_events(void) {
  check_sums("params/scenarios/basic_research_push.cfg", "gdp_growth", 1991.0, 2000.0, 2);
  check_sums("params/scenarios/basic_research_push.cfg", "rd_total", 1998.0, 1998.0, 2);
  check_sums(DATA "mixed.cfg", "R", 2000.0, 2000.0, 4);
  check_sums(DATA "mixed.cfg", "gdp_growth", 1991.0, 2000.0, 4);
}

/* phi_1 = ((v(1) - v(0)) + (v(12) - v(2))) / 2 from four runs made here, by setting the two
 * scalars directly (not through rs_delta_apply). */
static void two_settings_give_the_hand_computed_shapley_values(void) {
  const char *inds[] = {"R", "gdp_growth"};
  const double y1s[] = {2000.0, 1991.0}, y2s[] = {2000.0, 2000.0};
  for (int t = 0; t < 2; t++) {
    rs_params *base = malloc(sizeof *base), *sc = malloc(sizeof *sc), *p = malloc(sizeof *p);
    rs_delta *d = malloc(sizeof *d);
    double phi[RS_DELTA_MAX], v0, v1;
    rs_error err;
    rs_status st = attribute(BASE, DATA "two_scalars.cfg", inds[t], y1s[t], y2s[t], 2, base, d, phi,
                             &v0, &v1, &err);
    CHECK(st == RS_OK);
    CHECK(d->n == 2);
    load(DATA "two_scalars.cfg", sc);
    int col = rs_indicator_find(inds[t]);
    int ke = RS_P_KAPPA_E, chi = RS_P_CHI;
    double v[4]; /* v(none), v(kappa_e), v(chi), v(both) */
    for (int m = 0; m < 4; m++) {
      *p = *base;
      if (m & 1) p->v[ke] = sc->v[ke];
      if (m & 2) p->v[chi] = sc->v[chi];
      v[m] = run_value(p, col, y1s[t], y2s[t]);
    }
    double phi_ke = ((v[1] - v[0]) + (v[3] - v[2])) / 2.0;
    double phi_chi = ((v[2] - v[0]) + (v[3] - v[1])) / 2.0;
    int ike = item_index(d, "ties.kappa_e"), ichi = item_index(d, "asia.chi");
    if (st == RS_OK && ike >= 0 && ichi >= 0) {
      CHECK(phi[ike] == phi_ke); /* bit for bit */
      CHECK(phi[ichi] == phi_chi);
      CHECK(v0 == v[0]);
      CHECK(v1 == v[3]);
      /* the settings interact: the one-at-a-time effects do not add up to the total */
      CHECK(fabs((v[1] - v[0]) + (v[2] - v[0]) - (v[3] - v[0])) > 1e-6 * fabs(v[3] - v[0]));
    }
    free(d);
    free(p);
    free(sc);
    free(base);
  }
}

static void one_and_two_threads_give_the_same_values_bit_for_bit(void) {
  const char *files[] = {DATA "mixed.cfg", "params/scenarios/no_regionalization.cfg"};
  for (int f = 0; f < 2; f++) {
    rs_params *base = malloc(sizeof *base);
    rs_delta *d = malloc(sizeof *d);
    double phi1[RS_DELTA_MAX], phi2[RS_DELTA_MAX], a0, a1, b0, b1;
    rs_error err;
    CHECK(attribute(BASE, files[f], "gdp_growth", 1991.0, 2000.0, 1, base, d, phi1, &a0, &a1,
                    &err) == RS_OK);
    CHECK(attribute(BASE, files[f], "gdp_growth", 1991.0, 2000.0, 2, base, d, phi2, &b0, &b1,
                    &err) == RS_OK);
    CHECK(memcmp(phi1, phi2, sizeof(double) * (size_t)d->n) == 0);
    CHECK(memcmp(&a0, &b0, sizeof a0) == 0 && memcmp(&a1, &b1, sizeof a1) == 0);
    free(d);
    free(base);
  }
}

/* rd.theta_b moves only basic_share and startup.indep_nu only indep_share: each setting's
 * contribution is its one-at-a-time effect, and the other's is zero. */
static void unrelated_settings_contribute_their_one_at_a_time_effects(void) {
  const char *inds[] = {"basic_share", "indep_share"};
  const char *movers[] = {"rd.theta_b", "startup.indep_nu"};
  for (int t = 0; t < 2; t++) {
    rs_params *base = malloc(sizeof *base), *sc = malloc(sizeof *sc), *p = malloc(sizeof *p);
    rs_delta *d = malloc(sizeof *d);
    double phi[RS_DELTA_MAX], v0, v1;
    rs_error err;
    CHECK(attribute(BASE, DATA "additive.cfg", inds[t], 1991.0, 2000.0, 0, base, d, phi, &v0, &v1,
                    &err) == RS_OK);
    load(DATA "additive.cfg", sc);
    int col = rs_indicator_find(inds[t]);
    for (int k = 0; k < d->n; k++) {
      *p = *base;
      p->v[d->item[k].id] = sc->v[d->item[k].id];
      double alone = run_value(p, col, 1991.0, 2000.0) - v0;
      CHECK_REL(phi[k], alone, 1e-12);
      if (strcmp(d->item[k].name, movers[t]) == 0)
        CHECK(fabs(alone) > 1e-3 * fabs(v0)); /* it does move the indicator */
      else
        CHECK(phi[k] == 0.0);
    }
    free(d);
    free(p);
    free(sc);
    free(base);
  }
}

/* A delta of 13 scalar changes, built here on the registry defaults. */
static void more_than_twelve_settings_are_refused(void) {
  rs_params *base = malloc(sizeof *base), *sc = malloc(sizeof *sc);
  rs_delta *d = malloc(sizeof *d);
  load(BASE, base);
  *sc = *base;
  int changed = 0;
  for (int id = 0; id < RS_NPARAM && changed < 13; id++) {
    const rs_param_info *info = rs_param_info_get(id);
    if (info->type != RS_T_REAL || strncmp(info->name, "span.", 5) == 0 ||
        strncmp(info->name, "solver.", 7) == 0 || strncmp(info->name, "initial.", 8) == 0)
      continue;
    double x = 0.5 * (sc->v[id] + info->upper);
    if (x == sc->v[id]) continue;
    sc->v[id] = x;
    changed++;
  }
  rs_error err;
  CHECK(changed == 13);
  CHECK(rs_delta_make(base, sc, d, &err) == RS_OK);
  CHECK(d->n == 13);
  double phi[RS_DELTA_MAX];
  err.msg[0] = '\0';
  CHECK(rs_shapley(base, d, RS_I_GDP_GROWTH, 2000.0, 2000.0, 1, phi, NULL, NULL, &err) ==
        RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "13 settings");
  CHECK_STR_CONTAINS(err.msg, "limited to 12");
  free(d);
  free(sc);
  free(base);
}

/* initial.G alone exceeds the base's asia.G_max: that subset is named. */
static void an_invalid_combination_is_named(void) {
  rs_params *base = malloc(sizeof *base);
  rs_delta *d = malloc(sizeof *d);
  double phi[RS_DELTA_MAX];
  rs_error err;
  CHECK(attribute(BASE, DATA "bad_combination.cfg", "G", 2000.0, 2000.0, 2, base, d, phi, NULL,
                  NULL, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "the base with initial.G from the scenario");
  CHECK_STR_CONTAINS(err.msg, "asia.G_max");
  free(d);
  free(base);
}

/* With a step limit that no run meets, every run fails; the lowest subset (the base) is named,
 * whatever the thread count. */
static void a_failed_run_names_its_subset(void) {
  rs_params *base = malloc(sizeof *base), *sc = malloc(sizeof *sc);
  rs_delta *d = malloc(sizeof *d);
  load(BASE, base);
  load(DATA "two_scalars.cfg", sc);
  base->v[RS_P_SOLVER_MAX_STEPS] = 10;
  rs_error err, err2;
  double phi[RS_DELTA_MAX];
  CHECK(rs_delta_make(base, sc, d, &err) == RS_OK);
  CHECK(rs_shapley(base, d, RS_I_R, 2000.0, 2000.0, 2, phi, NULL, NULL, &err) == RS_ERR_RUN);
  CHECK_STR_CONTAINS(err.msg, "the run of the base itself failed");
  CHECK(rs_shapley(base, d, RS_I_R, 2000.0, 2000.0, 1, phi, NULL, NULL, &err2) == RS_ERR_RUN);
  CHECK(strcmp(err.msg, err2.msg) == 0);
  free(d);
  free(sc);
  free(base);
}

static void a_year_outside_the_run_is_refused(void) {
  rs_params *base = malloc(sizeof *base);
  rs_delta *d = malloc(sizeof *d);
  double phi[RS_DELTA_MAX];
  rs_error err;
  CHECK(attribute(BASE, DATA "two_scalars.cfg", "R", 2010.0, 2010.0, 1, base, d, phi, NULL, NULL,
                  &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "the year 2010 is outside the run 1955-2000");
  CHECK(attribute(BASE, DATA "two_scalars.cfg", "R", 1991.0, 2005.0, 1, base, d, phi, NULL, NULL,
                  &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "the period 1991-2005");
  free(d);
  free(base);
}

/* ---------------------------------------------------------------- the command line */

/* Run `$RELSIM attribute ARGS` (stdout and stderr into out); returns the exit status. */
static int relsim(const char *args, char *out, size_t n) {
  const char *exe = getenv("RELSIM");
  char cmd[4096];
  if (!exe) {
    fprintf(stderr, "RELSIM is not set\n");
    exit(1);
  }
  snprintf(cmd, sizeof cmd, "%s attribute %s 2>&1", exe, args);
  FILE *fp = popen(cmd, "r");
  if (!fp) exit(1);
  size_t len = fread(out, 1, n - 1, fp);
  out[len] = '\0';
  int rc = pclose(fp);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static char *slurp(const char *path) {
  FILE *fp = fopen(path, "r");
  if (!fp) return NULL;
  char *buf = calloc(1, 1 << 16);
  if (buf) buf[fread(buf, 1, (1 << 16) - 1, fp)] = '\0';
  fclose(fp);
  return buf;
}

static void scratch(const char *name, char *dir, size_t n) {
  const char *root = getenv("RELSIM_TEST_TMP");
  snprintf(dir, n, "%s/attribute/%s", root ? root : "/tmp", name);
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
}

static void the_cli_prints_the_table_and_writes_the_csv_and_the_chart(void) {
  char dir[1024], args[2048], path[1200], *out = malloc(1 << 16);
  scratch("no_regionalization", dir, sizeof dir);
  snprintf(args, sizeof args,
           BASE
           " params/scenarios/no_regionalization.cfg --indicator gdp_growth --mean "
           "1991:2000 --threads 2 -o '%s'",
           dir);
  CHECK(relsim(args, out, 1 << 16) == 0);
  CHECK_STR_CONTAINS(out,
                     "gdp_growth (GDP growth), mean 1991-2000, no_regionalization against "
                     "calibrated");
  CHECK_STR_CONTAINS(out, "asia.chi");
  CHECK_STR_CONTAINS(out, "initial.G");
  CHECK_STR_CONTAINS(out, "contributions sum to the total (difference");
  snprintf(path, sizeof path, "%s/attribution.csv", dir);
  char *csv = slurp(path);
  CHECK(csv != NULL);
  CHECK_STR_CONTAINS(csv, "\nsetting,base,scenario,contribution,share\n");
  CHECK_STR_CONTAINS(csv, "\ninitial.G,0.02,0.0,");
  CHECK_STR_CONTAINS(csv, "\nasia.chi,");
  CHECK_STR_CONTAINS(csv, "\ntotal,");
  snprintf(path, sizeof path, "%s/waterfall.gp", dir);
  char *gp = slurp(path);
  CHECK(gp != NULL);
  CHECK_STR_CONTAINS(gp, "if (!exists(\"outbase\")) outbase = \"waterfall\"");
  CHECK_STR_CONTAINS(gp, "set ylabel \"gdp_growth, mean 1991-2000 [% per year]\"");
  free(gp);
  free(csv);
  free(out);
}

/* The CSV's total row holds v0, v1 and v1 - v0 as rs_shapley gives them, and the
 * contributions in the order of the table. */
static void the_csv_holds_the_values_of_rs_shapley(void) {
  char dir[1024], args[2048], path[1200], *out = malloc(1 << 16);
  scratch("basic_research_push", dir, sizeof dir);
  snprintf(args, sizeof args,
           BASE
           " params/scenarios/basic_research_push.cfg --indicator rd_total --year 1998 -q "
           "-o '%s'",
           dir);
  CHECK(relsim(args, out, 1 << 16) == 0);
  CHECK(strstr(out, "contributions") == NULL); /* -q */
  snprintf(path, sizeof path, "%s/attribution.csv", dir);
  char *csv = slurp(path);
  CHECK(csv != NULL);
  rs_params *base = malloc(sizeof *base);
  rs_delta *d = malloc(sizeof *d);
  double phi[RS_DELTA_MAX], v0, v1;
  rs_error err;
  CHECK(attribute(BASE, "params/scenarios/basic_research_push.cfg", "rd_total", 1998.0, 1998.0, 1,
                  base, d, phi, &v0, &v1, &err) == RS_OK);
  char line[256], num[3][32];
  snprintf(line, sizeof line, "\ntotal,%s,%s,%s,1.0\n", rs_format_double(v0, num[0]),
           rs_format_double(v1, num[1]), rs_format_double(v1 - v0, num[2]));
  CHECK_STR_CONTAINS(csv, line);
  snprintf(line, sizeof line,
           "\nevent.public_rd_push,-,added: ramp public_rd 1990.0-1995.0 "
           "0.004,%s,",
           rs_format_double(phi[0], num[0]));
  CHECK_STR_CONTAINS(csv, line);
  free(d);
  free(base);
  free(csv);
  free(out);
}

static void without_gnuplot_the_csv_and_script_are_still_written(void) {
  char dir[1024], args[2048], path[1200], *out = malloc(1 << 16);
  scratch("no_gnuplot", dir, sizeof dir);
  snprintf(args, sizeof args, BASE " " DATA "two_scalars.cfg --indicator R --year 2000 -o '%s'",
           dir);
  char cmd[2300];
  snprintf(cmd, sizeof cmd, "%s", args);
  setenv("RELSIM_GNUPLOT", "/nonexistent/gnuplot", 1);
  CHECK(relsim(cmd, out, 1 << 16) == 0);
  unsetenv("RELSIM_GNUPLOT");
  CHECK_STR_CONTAINS(out, "relsim: warning: no images: gnuplot not found");
  const char *files[] = {"attribution.csv", "waterfall.gp"};
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    char *text = slurp(path);
    CHECK(text != NULL);
    free(text);
  }
  snprintf(path, sizeof path, "%s/waterfall.png", dir);
  FILE *fp = fopen(path, "r");
  CHECK(fp == NULL);
  if (fp) fclose(fp);
  free(out);
}

static void an_unknown_indicator_exits_2_with_a_suggestion(void) {
  char *out = malloc(1 << 16);
  CHECK(relsim(BASE " params/scenarios/no_regionalization.cfg --indicator gdp_grwoth --year 2000",
               out, 1 << 16) == 2);
  CHECK_STR_CONTAINS(out, "unknown indicator 'gdp_grwoth'; did you mean 'gdp_growth'?");
  free(out);
}

static void a_scenario_identical_to_its_base_exits_2(void) {
  char *out = malloc(1 << 16);
  CHECK(relsim(BASE " " DATA "identical.cfg --indicator R --year 2000", out, 1 << 16) == 2);
  CHECK_STR_CONTAINS(out, "changes nothing against " BASE);
  CHECK_STR_CONTAINS(out, "nothing to attribute");
  free(out);
}

static void bad_years_and_too_many_settings_exit_2(void) {
  char *out = malloc(1 << 16);
  CHECK(relsim(BASE " " DATA "two_scalars.cfg --indicator R --year 2010", out, 1 << 16) == 2);
  CHECK_STR_CONTAINS(out, "extend the run with --to 2010");
  CHECK(relsim(BASE " " DATA "two_scalars.cfg --indicator R --mean 1950:1960", out, 1 << 16) == 2);
  CHECK_STR_CONTAINS(out, "before the start of the run");
  CHECK(relsim(BASE " " DATA "two_scalars.cfg --indicator R --mean 2000:1990", out, 1 << 16) == 2);
  CHECK_STR_CONTAINS(out, "the first year must be before the second");
  CHECK(relsim(BASE " " DATA "two_scalars.cfg --indicator R", out, 1 << 16) == 2);
  CHECK_STR_CONTAINS(out, "exactly one of --year Y and --mean Y1:Y2");
  CHECK(relsim(BASE " " DATA "thirteen.cfg --indicator R --year 2000", out, 1 << 16) == 2);
  CHECK_STR_CONTAINS(out, "changes 13 settings");
  CHECK(relsim(BASE " " DATA "bad_combination.cfg --indicator R --year 2000", out, 1 << 16) == 2);
  CHECK_STR_CONTAINS(out, "initial.G from the scenario is not a valid parameter set");
  CHECK(relsim("--help", out, 1 << 16) == 0);
  CHECK_STR_CONTAINS(out, "Usage: relsim attribute BASE.cfg SCENARIO.cfg");
  free(out);
}

/* --to extends both files: a year after 2000 is then inside the run. */
static void to_extends_both_runs(void) {
  char dir[1024], args[2048], *out = malloc(1 << 16);
  scratch("to2010", dir, sizeof dir);
  snprintf(args, sizeof args,
           BASE " " DATA "two_scalars.cfg --indicator R --year 2010 --to 2010 -o '%s'", dir);
  CHECK(relsim(args, out, 1 << 16) == 0);
  CHECK_STR_CONTAINS(out, "1955-2010");
  free(out);
}

int main(void) {
  RUN(contributions_sum_to_the_total_for_no_regionalization);
  RUN(contributions_sum_to_the_total_for_scenarios_that_change_events);
  RUN(two_settings_give_the_hand_computed_shapley_values);
  RUN(one_and_two_threads_give_the_same_values_bit_for_bit);
  RUN(unrelated_settings_contribute_their_one_at_a_time_effects);
  RUN(more_than_twelve_settings_are_refused);
  RUN(an_invalid_combination_is_named);
  RUN(a_failed_run_names_its_subset);
  RUN(a_year_outside_the_run_is_refused);
  /* the command line: $RELSIM is set by CTest (tests/CMakeLists.txt) */
  CHECK(getenv("RELSIM") != NULL);
  if (getenv("RELSIM")) {
    RUN(the_cli_prints_the_table_and_writes_the_csv_and_the_chart);
    RUN(the_csv_holds_the_values_of_rs_shapley);
    RUN(without_gnuplot_the_csv_and_script_are_still_written);
    RUN(an_unknown_indicator_exits_2_with_a_suggestion);
    RUN(a_scenario_identical_to_its_base_exits_2);
    RUN(bad_years_and_too_many_settings_exit_2);
    RUN(to_extends_both_runs);
  }
  return CHECK_DONE();
}
