/* tests/test_calib.c -- the calibration: a twin experiment, sensitivities against differences
 * (as Jacobians and as optimisers), thread-count independence of the multi-start, extra starts,
 * nested free sets, errors in free files, and the profiles (calib/profile.c): their grid, the
 * estimate on them, thread-count independence and their errors. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "check.h"
#include "output.h"

static char tmpdir[1024];

static void write_text(const char *path, const char *text) {
  FILE *fp = fopen(path, "w");
  if (!fp) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(1);
  }
  fputs(text, fp);
  fclose(fp);
}

/* Write indicator col of s as a year,value CSV. */
static void write_series_csv(const char *path, const rs_series *s, int col) {
  FILE *fp = fopen(path, "w");
  if (!fp) exit(1);
  fprintf(fp, "year,value\n");
  for (int i = 0; i < s->nrows; i++)
    fprintf(fp, "%.17g,%.17g\n", s->year[i], rs_series_at(s, i, col));
  fclose(fp);
}

/* The defaults at tight tolerances, so that recovered values reflect the fit, not the solver. */
static void tight_defaults(rs_params *p) {
  rs_params_defaults(p);
  p->v[RS_P_SOLVER_RTOL] = 1e-10;
  p->v[RS_P_SOLVER_ATOL] = 1e-3 * p->v[RS_P_SOLVER_RTOL];
  p->v[RS_P_SOLVER_MAX_STEPS] = 100000;
}

/* The twin experiment: targets made by the model from known parameters (truth: the defaults
 * with five parameters moved), to be recovered from the defaults (base) by freeing those five. */
static const char *const twin_names[] = {"tfp.lambda", "tfp.gamma", "ties.kappa_b", "asia.chi",
                                         "startup.e_g"};
static const double twin_values[] = {0.046, 0.017, 9.5, 2.6, 0.5};
enum { TWIN_NF = 5 };

static void twin_problem(rs_params *truth, rs_params *base, rs_targets *ts, rs_free_set *fs) {
  tight_defaults(truth);
  for (int j = 0; j < TWIN_NF; j++) {
    rs_pref r;
    CHECK(rs_pref_parse(truth, twin_names[j], &r) == 0);
    rs_pref_set(truth, r, twin_values[j]);
  }
  rs_error err;
  rs_sim *sim = rs_sim_alloc(&err);
  rs_series s;
  rs_series_init(&s);
  CHECK(rs_sim_run(sim, truth, &s, NULL, &err) == RS_OK);
  const char *cols[] = {"a", "R", "G", "s", "e"};
  char path[1200], targets[4096] = "origin = \"data\";\ntargets = (\n";
  for (int c = 0; c < 5; c++) {
    snprintf(path, sizeof path, "%s/twin_%d.csv", tmpdir, c);
    write_series_csv(path, &s, rs_indicator_find(cols[c]));
    char entry[512];
    snprintf(entry, sizeof entry,
             "  { id = \"twin_%d\"; indicator = \"%s\"; kind = \"series\"; file = \"twin_%d.csv\"; "
             "scale = 0.01; weight = 1.0; section = \"data: twin\"; quote = \"twin\"; "
             "paper_value = \"-\"; source = \"the run of this test\"; }%s\n",
             c, cols[c], c, c < 4 ? "," : "");
    strcat(targets, entry);
  }
  strcat(targets, ");\n");
  snprintf(path, sizeof path, "%s/twin_targets.cfg", tmpdir);
  write_text(path, targets);
  rs_status st = rs_targets_load(path, 1955.0, 2000.0, ts, &err);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  CHECK(st == RS_OK);
  snprintf(path, sizeof path, "%s/twin_free.cfg", tmpdir);
  write_text(
      path,
      "free = ( { name = \"tfp.lambda\"; }, { name = \"tfp.gamma\"; },\n"
      "  { name = \"ties.kappa_b\"; }, { name = \"asia.chi\"; }, { name = \"startup.e_g\"; } );\n");
  tight_defaults(base);
  CHECK(rs_free_load(path, base, fs, &err) == RS_OK);
  rs_series_free(&s);
  rs_sim_free(sim);
}

/* Targets made by the model from known parameters are recovered from the defaults. */
static void a_twin_experiment_recovers_the_true_parameters(void) {
  rs_params truth, base;
  rs_targets ts;
  rs_free_set fs;
  twin_problem(&truth, &base, &ts, &fs);
  rs_calib_options opt = rs_calib_default_options();
  opt.nstarts = 1; /* from the defaults: a perturbed start */
  opt.threads = 1;
  rs_calib_result res;
  rs_error err;
  rs_status st = rs_calibrate(&base, &ts, &fs, &opt, &res, &err);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  CHECK(st == RS_OK);
  for (int j = 0; st == RS_OK && j < TWIN_NF; j++) {
    printf("  %-14s start %-8g true %-8g fitted %.10g\n", twin_names[j], res.starts[0].x0[j],
           twin_values[j], res.x[j]);
    CHECK_REL(res.x[j], twin_values[j], 1e-4);
  }
  CHECK(st != RS_OK || res.cost < 1e-10);
  rs_calib_result_free(&res);
  rs_targets_free(&ts);
}

/* An extra start is used: given the truth of the twin experiment as start 2 (index 1), beside
 * the base and a hypercube cut short, the estimate is that start, at cost ~0; and the result
 * is the same, bit for bit, with 1 and 2 threads. */
static void an_extra_start_at_the_known_optimum_is_the_estimate_for_any_thread_count(void) {
  rs_params truth, base;
  rs_targets ts;
  rs_free_set fs;
  twin_problem(&truth, &base, &ts, &fs);
  rs_calib_options opt = rs_calib_default_options();
  opt.nstarts = 4;  /* the base and 3 hypercube points ... */
  opt.max_iter = 2; /* ... that two iterations cannot bring to the optimum */
  opt.extra_starts = &truth;
  opt.nextra = 1;
  rs_calib_result r1, r2;
  rs_error err;
  opt.threads = 1;
  CHECK(rs_calibrate(&base, &ts, &fs, &opt, &r1, &err) == RS_OK);
  opt.threads = 2;
  CHECK(rs_calibrate(&base, &ts, &fs, &opt, &r2, &err) == RS_OK);
  CHECK(r1.nstarts == 5 && r1.nextra == 1);
  for (int k = 0; k < r1.nstarts; k++) printf("  start %d: cost %.4g\n", k + 1, r1.starts[k].cost);
  CHECK(r1.best == 1);
  CHECK(r1.cost < 1e-12);
  /* The targets come from BDF runs, the fit from the ensemble method (ERK): at rtol 1e-10 their
   * global errors differ by some 1e-9, which moves the optimum by up to 1e-8. */
  for (int j = 0; j < TWIN_NF; j++) {
    CHECK(r1.starts[1].x0[j] == twin_values[j]);
    CHECK_REL(r1.x[j], twin_values[j], 1e-8);
  }
  for (int k = 0; k < r1.nstarts; k++)
    if (k != 1) CHECK(r1.starts[k].cost > 1e3 * r1.cost); /* the others did not get there */
  CHECK(r1.best == r2.best);
  CHECK(memcmp(r1.x, r2.x, sizeof(double) * (size_t)fs.n) == 0);
  CHECK(r1.cost == r2.cost);
  for (int k = 0; k < r1.nstarts; k++) CHECK(r1.starts[k].cost == r2.starts[k].cost);
  rs_calib_result_free(&r1);
  rs_calib_result_free(&r2);
  rs_targets_free(&ts);
}

/* The Jacobian from CVODES sensitivities agrees with central differences of whole runs. */
static void sensitivities_agree_with_central_differences_on_the_baseline(void) {
  rs_params base;
  tight_defaults(&base);
  /* Differences of whole runs carry the integration error divided by the step: make it small. */
  base.v[RS_P_SOLVER_RTOL] = 1e-12;
  base.v[RS_P_SOLVER_ATOL] = 1e-15;
  /* A step limit makes the step sequence (almost) the same for the perturbed runs, so that
   * their difference is the parameter's effect and not a change of steps. */
  base.v[RS_P_SOLVER_MAX_STEP] = 0.02;
  /* Wide smoothed kinks: a central difference whose step straddles a kink (a_m = w_mfg a
   * crossing 1 moves with w_mfg by 0.5 % of the step) averages the slopes on its two sides,
   * while the sensitivities are exact; with kinks wider than the steps both see one slope. */
  base.v[RS_P_SMOOTH] = 1e-2;
  rs_error err;
  rs_targets ts;
  rs_free_set fs;
  CHECK(rs_targets_load("params/targets.cfg", 1955.0, 2000.0, &ts, &err) == RS_OK);
  CHECK(rs_free_load("params/free.cfg", &base, &fs, &err) == RS_OK);
  /* The smooth targets only: a one-sided target (a range, an order, a crossing window) or a
   * peak has a kink where it starts to bind, and a central difference straddling it averages
   * the two slopes, while the sensitivities give the slope of the side they are on. */
  for (int i = 0; i < ts.n; i++) {
    rs_target *t = &ts.t[i];
    if (t->kind == RS_TK_ORDER || t->kind == RS_TK_CROSSING || t->kind == RS_TK_MAX_IN ||
        (t->kind != RS_TK_SERIES && isnan(t->value)))
      t->modelled = 0;
  }
  double x[RS_FREE_MAX];
  for (int j = 0; j < fs.n; j++) x[j] = rs_pref_get(&base, fs.p[j].ref);
  int m = rs_targets_nresiduals(&ts) + fs.n;
  double *f1 = calloc((size_t)m, sizeof(double)), *f2 = calloc((size_t)m, sizeof(double));
  double *J1 = calloc((size_t)m * (size_t)fs.n, sizeof(double));
  double *J2 = calloc((size_t)m * (size_t)fs.n, sizeof(double));
  int m1 = 0, m2 = 0;
  CHECK(rs_calib_residuals(&base, &ts, &fs, x, RS_JAC_SENS, f1, J1, &m1, &err) == RS_OK);
  CHECK(rs_calib_residuals(&base, &ts, &fs, x, RS_JAC_FD, f2, J2, &m2, &err) == RS_OK);
  CHECK(m1 == m2);
  /* Column by column, in the Euclidean norm: a column is how every residual answers one
   * parameter. (Entry by entry, entries whose exact value is 0 -- a parameter that cannot reach
   * a target -- are dominated by the differencing noise of whole runs, about 1e-9 / h.) */
  double worst = 0.0;
  int wj = 0;
  for (int j = 0; j < fs.n; j++) {
    double dd = 0.0, nn = 0.0;
    for (int r = 0; r < m1; r++) {
      double d = J1[r * fs.n + j] - J2[r * fs.n + j];
      dd += d * d;
      nn += J2[r * fs.n + j] * J2[r * fs.n + j];
    }
    double ss = 0.0;
    for (int r = 0; r < m1; r++) ss += J1[r * fs.n + j] * J1[r * fs.n + j];
    /* A parameter that reaches none of these targets: its exact column is 0, the differences
     * are run noise. */
    if (ss == 0.0) {
      CHECK(sqrt(nn) < 1e-5);
      continue;
    }
    double rel = nn > 0.0 ? sqrt(dd / nn) : sqrt(dd);
    if (getenv("RELSIM_TEST_VERBOSE"))
      printf("  %-24s |J| %.4g  rel diff %.3g\n", fs.p[j].name, sqrt(nn), rel);
    if (rel > worst) {
      worst = rel;
      wj = j;
    }
  }
  printf("  worst column: %s, relative difference %.3g\n", fs.p[wj].name, worst);
  CHECK(worst < 1e-5);
  free(f1);
  free(f2);
  free(J1);
  free(J2);
  rs_targets_free(&ts);
}

/* The shipped calibration (params/calibrated.cfg) with the free set of the list, each free
 * parameter moved back to its registry default: a realistic fit of part of the model to the
 * paper's figures (params/targets.cfg). */
static void partial_problem(const char *const *names, int nf, int tight, rs_params *base,
                            rs_targets *ts, rs_free_set *fs) {
  rs_error err;
  CHECK(rs_params_load("params/calibrated.cfg", base, NULL, &err) == RS_OK);
  if (tight) {
    base->v[RS_P_SOLVER_RTOL] = 1e-10;
    base->v[RS_P_SOLVER_ATOL] = 1e-3 * base->v[RS_P_SOLVER_RTOL];
    base->v[RS_P_SOLVER_MAX_STEPS] = 100000;
  }
  CHECK(rs_targets_load("params/targets.cfg", 1955.0, 2000.0, ts, &err) == RS_OK);
  /* The bounds of params/free.cfg, for the names of the list. */
  rs_free_set all;
  CHECK(rs_free_load("params/free.cfg", base, &all, &err) == RS_OK);
  rs_params dflt;
  rs_params_defaults(&dflt);
  memset(fs, 0, sizeof *fs);
  for (int i = 0; i < nf; i++)
    for (int j = 0; j < all.n; j++)
      if (strcmp(all.p[j].name, names[i]) == 0) {
        fs->p[fs->n++] = all.p[j];
        rs_pref_set(base, all.p[j].ref, rs_pref_get(&dflt, all.p[j].ref));
      }
  CHECK(fs->n == nf);
}

/* From the same start, the optimiser with the sensitivity Jacobian and with central differences
 * of whole runs reaches the same optimum (cost to 1e-6, parameters to 1e-4 of their ranges), on
 * a realistic problem where several parameters end on bounds of their search ranges (tight
 * tolerances, so that the two Jacobians agree to far better than what is asked). */
static void sensitivities_and_differences_reach_the_same_optimum_with_parameters_on_bounds(void) {
  static const char *const names[] = {"tfp.lambda",         "tfp.eta",          "investment.s0",
                                      "investment.sigma_r", "production.delta", "rd.rho_a"};
  enum { NF = 6 };
  rs_params base;
  rs_targets ts;
  rs_free_set fs;
  partial_problem(names, NF, 1, &base, &ts, &fs);
  rs_calib_options opt = rs_calib_default_options();
  opt.nstarts = 1;
  opt.threads = 1;
  rs_calib_result rs, rf;
  rs_error err;
  opt.jacobian = RS_JAC_SENS;
  CHECK(rs_calibrate(&base, &ts, &fs, &opt, &rs, &err) == RS_OK);
  opt.jacobian = RS_JAC_FD;
  CHECK(rs_calibrate(&base, &ts, &fs, &opt, &rf, &err) == RS_OK);
  printf("  cost: sensitivities %.12g (%d iterations), differences %.12g (%d iterations)\n",
         rs.cost, rs.starts[0].iterations, rf.cost, rf.starts[0].iterations);
  CHECK_REL(rf.cost, rs.cost, 1e-6);
  CHECK(rs.starts[0].status == 0 && rf.starts[0].status == 0);
  int on_bound = 0;
  for (int j = 0; j < fs.n; j++) {
    double range = fs.p[j].upper - fs.p[j].lower;
    int on = rs.x[j] == fs.p[j].lower || rs.x[j] == fs.p[j].upper;
    printf("  %-20s start %-8g sens %-14.10g fd %-14.10g%s\n", fs.p[j].name, rs.starts[0].x0[j],
           rs.x[j], rf.x[j], on ? " (on a bound)" : "");
    CHECK(fabs(rs.x[j] - rf.x[j]) <= 1e-4 * range);
    on_bound += on;
  }
  CHECK(on_bound >= 2); /* the bounds matter in this problem */
  rs_calib_result_free(&rs);
  rs_calib_result_free(&rf);
  rs_targets_free(&ts);
}

/* A free set that nests another, given the other's optimum as an extra start, reports an
 * optimum no worse than it: freeing one more parameter cannot make the calibration worse (it
 * did when the optimiser could not move parameters off their bounds, and the previous optimum
 * was not among the starts). */
static void a_free_set_nesting_another_started_at_its_optimum_is_never_worse(void) {
  static const char *const names[] = {"tfp.lambda", "tfp.eta", "investment.s0", "production.delta",
                                      "investment.sigma_r"};
  rs_params base_a, base_b;
  rs_targets ta, tb;
  rs_free_set fa, fb;
  partial_problem(names, 4, 0, &base_a, &ta, &fa);
  partial_problem(names, 5, 0, &base_b, &tb, &fb);
  rs_calib_options opt = rs_calib_default_options();
  opt.nstarts = 2;
  opt.threads = 2;
  rs_calib_result ra, rb;
  rs_error err;
  CHECK(rs_calibrate(&base_a, &ta, &fa, &opt, &ra, &err) == RS_OK);
  opt.max_iter = 3; /* short of the optimum, from the base and the hypercube point ... */
  opt.extra_starts = &ra.fitted; /* ... but not from here */
  opt.nextra = 1;
  CHECK(rs_calibrate(&base_b, &tb, &fb, &opt, &rb, &err) == RS_OK);
  printf("  nested (4 parameters): cost %.10g; nesting (5): cost %.10g, best start %d\n", ra.cost,
         rb.cost, rb.best + 1);
  CHECK(rb.cost <= ra.cost * (1.0 + 1e-6)); /* the runs' own noise, about 1e-7 of the cost */
  rs_calib_result_free(&ra);
  rs_calib_result_free(&rb);
  rs_targets_free(&ta);
  rs_targets_free(&tb);
}

/* The multi-start gives the same estimate, bit for bit, with 1 and with 2 threads. */
static void the_multistart_result_does_not_depend_on_the_thread_count(void) {
  rs_params base;
  rs_params_defaults(&base);
  rs_error err;
  rs_targets ts;
  rs_free_set fs;
  CHECK(rs_targets_load("params/targets.cfg", 1955.0, 2000.0, &ts, &err) == RS_OK);
  CHECK(rs_free_load("params/free.cfg", &base, &fs, &err) == RS_OK);
  rs_calib_options opt = rs_calib_default_options();
  opt.nstarts = 4;
  opt.max_iter = 4;
  rs_params extra = base; /* and a given start, clamped into the bounds */
  for (int j = 0; j < fs.n; j++) rs_pref_set(&extra, fs.p[j].ref, fs.p[j].upper + 1.0);
  opt.extra_starts = &extra;
  opt.nextra = 1;
  rs_calib_result r1, r2;
  opt.threads = 1;
  CHECK(rs_calibrate(&base, &ts, &fs, &opt, &r1, &err) == RS_OK);
  opt.threads = 2;
  CHECK(rs_calibrate(&base, &ts, &fs, &opt, &r2, &err) == RS_OK);
  CHECK(r1.nstarts == 5);
  for (int j = 0; j < fs.n; j++) CHECK(r1.starts[1].x0[j] == fs.p[j].upper);
  CHECK(r1.best == r2.best);
  CHECK(memcmp(r1.x, r2.x, sizeof(double) * (size_t)fs.n) == 0);
  CHECK(r1.cost == r2.cost);
  for (int k = 0; k < r1.nstarts; k++) CHECK(r1.starts[k].cost == r2.starts[k].cost);
  CHECK(r1.runs == r2.runs);
  rs_calib_result_free(&r1);
  rs_calib_result_free(&r2);
  rs_targets_free(&ts);
}

/* A bad free file names the file, the line and what is wrong. */
static void bad_free_files_give_file_line_errors(void) {
  rs_params base;
  rs_params_defaults(&base);
  rs_free_set fs;
  rs_error err;
  char path[1200];
  snprintf(path, sizeof path, "%s/bad_free.cfg", tmpdir);
  write_text(path, "free = (\n  { name = \"tfp.lamda\"; }\n);\n");
  CHECK(rs_free_load(path, &base, &fs, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "bad_free.cfg:2");
  CHECK_STR_CONTAINS(err.msg, "tfp.lambda");
  write_text(path, "free = (\n  { name = \"tfp.lambda\"; lower = 0.0; }\n);\n");
  CHECK(rs_free_load(path, &base, &fs, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "bad_free.cfg:2");
  write_text(path, "free = (\n  { name = \"tfp.lambda\"; upper = 0.02; }\n);\n");
  CHECK(rs_free_load(path, &base, &fs, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "base value");
  write_text(path, "free = (\n  { name = \"tfp.lambda\"; },\n  { name = \"lambda\"; }\n);\n");
  CHECK(rs_free_load(path, &base, &fs, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "bad_free.cfg:3");
  write_text(path, "free = (\n  { name = \"solver.max_steps\"; }\n);\n");
  CHECK(rs_free_load(path, &base, &fs, &err) == RS_ERR_INPUT);
  write_text(path, "free = (\n  { name = \"tfp.beta\"; prior = [0.1, 0.0]; }\n);\n");
  CHECK(rs_free_load(path, &base, &fs, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "prior");
  write_text(path, "free = (\n  { name = \"event.bubble.magnitude\"; prior = [1.0, 0.5]; }\n);\n");
  CHECK(rs_free_load(path, &base, &fs, &err) == RS_OK);
  CHECK(fs.n == 1 && fs.p[0].has_prior && fs.p[0].ref.event >= 0);
}

/* ---------------------------------------------------------------- profiles */

/* A small real problem for the profiles: params/baseline.cfg, the paper's figures, and four
 * parameters of params/free.cfg (with its bounds) fitted by a short calibration. */
static const char *const prof_names[] = {"ties.kappa_e", "ties.omega_s", "asia.chi", "tfp.lambda"};
enum { PROF_NF = 4 };

static void profile_problem(rs_params *base, rs_targets *ts, rs_free_set *fs,
                            rs_calib_result *fit) {
  rs_error err;
  CHECK(rs_params_load("params/baseline.cfg", base, NULL, &err) == RS_OK);
  CHECK(rs_targets_load("params/targets.cfg", 1955.0, 2000.0, ts, &err) == RS_OK);
  rs_free_set all;
  rs_status st = rs_free_load("params/free.cfg", base, &all, &err);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  CHECK(st == RS_OK);
  memset(fs, 0, sizeof *fs);
  snprintf(fs->file, sizeof fs->file, "%s", all.file);
  for (int i = 0; i < PROF_NF; i++)
    for (int j = 0; j < all.n; j++)
      if (strcmp(all.p[j].name, prof_names[i]) == 0) fs->p[fs->n++] = all.p[j];
  CHECK(fs->n == PROF_NF);
  rs_calib_options opt = rs_calib_default_options();
  opt.nstarts = 1;
  opt.max_iter = 10;
  opt.threads = 2;
  CHECK(rs_calibrate(base, ts, fs, &opt, fit, &err) == RS_OK);
}

/* The profile options of the tests: one start's iterations, a few points. */
static rs_calib_options profile_options(int threads) {
  rs_calib_options opt = rs_calib_default_options();
  opt.max_iter = 10;
  opt.threads = threads;
  return opt;
}

/* The grid starts and ends on the bounds and increases: evenly; geometrically from upper/1000
 * with the lower bound 0 first; geometrically from a positive lower bound without repeating it
 * (it once came twice when lower = upper/1000); with two points, the bounds (it was NaN). */
static void the_profile_grid_spans_the_bounds_and_increases(void) {
  static const double lo[] = {0.1, 0.0, 0.05, 0.01, 0.0, -1.0};
  static const double hi[] = {0.9, 50.0, 50.0, 50.0, 1.0, 1.0};
  static const int geometric[] = {0, 1, 1, 1, 1, 0};
  for (int c = 0; c < 6; c++)
    for (int n = 2; n <= 9; n++) {
      CHECK(rs_calib_grid_geometric(lo[c], hi[c]) == geometric[c]);
      CHECK(rs_calib_grid_point(lo[c], hi[c], 0, n) == lo[c]);
      CHECK(rs_calib_grid_point(lo[c], hi[c], n - 1, n) == hi[c]);
      for (int k = 1; k < n; k++)
        CHECK(rs_calib_grid_point(lo[c], hi[c], k, n) >
              rs_calib_grid_point(lo[c], hi[c], k - 1, n));
    }
  CHECK_REL(rs_calib_grid_point(0.0, 50.0, 1, 7), 0.05, 1e-12); /* upper/1000 after the 0 */
  CHECK_REL(rs_calib_grid_point(0.0, 50.0, 4, 7), 0.05 * pow(1000.0, 0.6), 1e-12);
  CHECK_REL(rs_calib_grid_point(0.05, 50.0, 1, 4), 0.5, 1e-12); /* 0.05, 0.5, 5, 50 */
  CHECK_REL(rs_calib_grid_point(0.1, 0.9, 2, 5), 0.5, 1e-12);
}

/* On a small real problem: every profile holds the estimate's value at its point `at`, with
 * the lowest cost of the profile (to the integrator's noise: the point is re-fitted from the
 * estimate, the others from their neighbours), its grid spans the search bounds in increasing
 * order, and the other free parameters moved; the result is the same, bit for bit, for 1 and 2
 * threads. */
static void a_profile_holds_the_estimate_at_its_lowest_cost_for_any_thread_count(void) {
  rs_params base;
  rs_targets ts;
  rs_free_set fs;
  rs_calib_result fit;
  profile_problem(&base, &ts, &fs, &fit);
  /* Not ties.omega_s: with the estimate of ties.kappa_e at its bound 0 (no erosion) the relief
   * has nothing to act on, and a re-fit at its far end rightly moves nothing. */
  const char *names[] = {"ties.kappa_e", "tfp.lambda"};
  rs_calib_profile p1[2], p2[2];
  rs_error err;
  rs_calib_options opt = profile_options(1);
  rs_status st = rs_calib_profiles(&fit.fitted, &ts, &fs, names, 2, 4, &opt, p1, &err);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  CHECK(st == RS_OK);
  opt = profile_options(2);
  CHECK(rs_calib_profiles(&fit.fitted, &ts, &fs, names, 2, 4, &opt, p2, &err) == RS_OK);
  for (int i = 0; st == RS_OK && i < 2; i++) {
    const rs_calib_profile *pr = &p1[i];
    const rs_free_param *fp = &fs.p[pr->param];
    CHECK(strcmp(pr->name, names[i]) == 0 && strcmp(fp->name, names[i]) == 0);
    CHECK(pr->n == 4 || pr->n == 5); /* the grid, and the estimate unless it is a grid point */
    CHECK(pr->value[0] == fp->lower && pr->value[pr->n - 1] == fp->upper);
    for (int k = 1; k < pr->n; k++) CHECK(pr->value[k] > pr->value[k - 1]);
    CHECK(pr->value[pr->at] == rs_pref_get(&fit.fitted, fp->ref));
    double lowest = (double)INFINITY;
    for (int k = 0; k < pr->n; k++) {
      printf("  %-13s %-10.4g cost %.8g status %d%s\n", pr->name, pr->value[k], pr->cost[k],
             pr->status[k], k == pr->at ? "  (estimate)" : "");
      CHECK(isfinite(pr->cost[k]));
      CHECK(rs_pref_get(&pr->fitted[k], fp->ref) == pr->value[k]); /* held there */
      lowest = fmin(lowest, pr->cost[k]);
    }
    CHECK(pr->cost[pr->at] <= lowest * (1.0 + 1e-4));
    CHECK(pr->cost[pr->at] <= fit.cost * (1.0 + 1e-4)); /* a re-fit from the estimate */
    CHECK(pr->best >= 0 && pr->cost[pr->best] == lowest);
    /* away from the estimate the others were re-fitted: at the far end they differ from it */
    int moved = 0, far = pr->at == 0 ? pr->n - 1 : 0;
    for (int j = 0; j < fs.n; j++)
      if (j != pr->param)
        moved |=
            rs_pref_get(&pr->fitted[far], fs.p[j].ref) != rs_pref_get(&fit.fitted, fs.p[j].ref);
    CHECK(moved);
    /* 1 and 2 threads: the same profile, bit for bit */
    const rs_calib_profile *q = &p2[i];
    CHECK(q->n == pr->n && q->at == pr->at && q->best == pr->best);
    CHECK(memcmp(q->value, pr->value, sizeof(double) * (size_t)pr->n) == 0);
    CHECK(memcmp(q->cost, pr->cost, sizeof(double) * (size_t)pr->n) == 0);
    CHECK(memcmp(q->status, pr->status, sizeof(int) * (size_t)pr->n) == 0);
    for (int k = 0; k < pr->n; k++)
      CHECK(memcmp(q->fitted[k].v, pr->fitted[k].v, sizeof pr->fitted[k].v) == 0);
  }
  for (int i = 0; i < 2; i++) {
    rs_calib_profile_free(&p1[i]);
    rs_calib_profile_free(&p2[i]);
  }
  rs_calib_result_free(&fit);
  rs_targets_free(&ts);
}

/* A name that is not free (a typo, or a parameter params/free.cfg does not free) is an error
 * naming it, the free file and the closest free name; so is a name given twice. Nothing is
 * computed and the profiles are left empty. */
static void a_profile_of_a_name_that_is_not_free_is_an_error_naming_it(void) {
  rs_params base;
  rs_targets ts;
  rs_free_set fs;
  rs_calib_result fit;
  profile_problem(&base, &ts, &fs, &fit);
  rs_calib_profile pr[2];
  rs_error err;
  rs_calib_options opt = profile_options(1);
  const char *typo[] = {"ties.kappa_e", "ties.kapa_b"};
  CHECK(rs_calib_profiles(&fit.fitted, &ts, &fs, typo, 2, 4, &opt, pr, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "'ties.kapa_b' is not a free parameter of params/free.cfg");
  CHECK_STR_CONTAINS(err.msg, "did you mean 'ties.kappa_e'");
  CHECK(pr[0].n == 0 && pr[0].value == NULL && pr[1].value == NULL);
  const char *fixed[] = {"tfp.gamma"};
  CHECK(rs_calib_profile_check(&fs, fixed, 1, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "'tfp.gamma' is not a free parameter");
  const char *twice[] = {"tfp.lambda", "tfp.lambda"};
  CHECK(rs_calib_profile_check(&fs, twice, 2, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "named twice");
  CHECK(rs_calib_profiles(&fit.fitted, &ts, &fs, fixed, 0, 1, &opt, pr, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "grid points");
  rs_calib_result_free(&fit);
  rs_targets_free(&ts);
}

int main(void) {
  const char *t = getenv("RELSIM_TEST_TMP");
  snprintf(tmpdir, sizeof tmpdir, "%s/calib", t ? t : "/tmp/relsim-test");
  rs_error err;
  if (rs_mkdir_p(tmpdir, &err) != RS_OK) {
    fprintf(stderr, "%s\n", err.msg);
    return 1;
  }
  RUN(bad_free_files_give_file_line_errors);
  RUN(a_twin_experiment_recovers_the_true_parameters);
  RUN(sensitivities_agree_with_central_differences_on_the_baseline);
  RUN(the_multistart_result_does_not_depend_on_the_thread_count);
  RUN(an_extra_start_at_the_known_optimum_is_the_estimate_for_any_thread_count);
  RUN(sensitivities_and_differences_reach_the_same_optimum_with_parameters_on_bounds);
  RUN(a_free_set_nesting_another_started_at_its_optimum_is_never_worse);
  RUN(the_profile_grid_spans_the_bounds_and_increases);
  RUN(a_profile_holds_the_estimate_at_its_lowest_cost_for_any_thread_count);
  RUN(a_profile_of_a_name_that_is_not_free_is_an_error_naming_it);
  return CHECK_DONE();
}
