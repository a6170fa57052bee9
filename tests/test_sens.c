/* tests/test_sens.c -- sensitivity analysis and ensembles (sens/): the Sobol sequence, Sobol
 * indices of functions with known indices, Morris on a function with a known ranking, streaming
 * quantiles against a sort, ensemble envelopes against a sort of the members' runs, local
 * sensitivities against central differences of whole runs, thread-count independence. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "sens.h"

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double type7(const double *x, int n, double p) {
  double h = (n - 1) * p;
  int k = (int)floor(h);
  return k >= n - 1 ? x[n - 1] : x[k] + (h - k) * (x[k + 1] - x[k]);
}

/* ---------------------------------------------------------------- the Sobol sequence */

static void the_sobol_sequence_starts_with_the_known_points_and_stratifies_every_dimension(void) {
  double u[RS_SENS_SOBOL_MAXDIM];
  rs_sens_sobol_point(2, 1, u);
  CHECK(u[0] == 0.5 && u[1] == 0.5);
  rs_sens_sobol_point(2, 2, u);
  CHECK(u[0] == 0.75 && u[1] == 0.25);
  rs_sens_sobol_point(2, 3, u);
  CHECK(u[0] == 0.25 && u[1] == 0.75);
  /* every dimension: the first 2^m points put one point in each interval of width 2^-m */
  enum { M = 10, NP = 1 << M };
  static int count[RS_SENS_SOBOL_MAXDIM][NP];
  memset(count, 0, sizeof count);
  for (int i = 0; i < NP; i++) {
    rs_sens_sobol_point(RS_SENS_SOBOL_MAXDIM, (uint32_t)i, u);
    for (int j = 0; j < RS_SENS_SOBOL_MAXDIM; j++) count[j][(int)(u[j] * NP)]++;
  }
  int bad = 0;
  for (int j = 0; j < RS_SENS_SOBOL_MAXDIM; j++)
    for (int k = 0; k < NP; k++) bad += count[j][k] != 1;
  CHECK(bad == 0);
  /* dimensions 1 and 2 form a (0, m, 2)-net: every 2^-a x 2^-(m-a) box holds one point */
  static int box[NP];
  for (int a = 0; a <= M; a++) {
    memset(box, 0, sizeof box);
    for (int i = 0; i < NP; i++) {
      rs_sens_sobol_point(2, (uint32_t)i, u);
      box[((int)(u[0] * (1 << a)) << (M - a)) + (int)(u[1] * (1 << (M - a)))]++;
    }
    for (int k = 0; k < NP; k++) bad += box[k] != 1;
  }
  CHECK(bad == 0);
}

static void a_latin_hypercube_has_one_point_in_every_stratum_of_every_dimension(void) {
  enum { N = 50, D = 4 };
  double u[N * D];
  rs_sens_lhs(N, D, 7, u);
  for (int k = 0; k < D; k++) {
    int seen[N] = {0};
    for (int i = 0; i < N; i++) seen[(int)(u[i * D + k] * N)]++;
    for (int i = 0; i < N; i++) CHECK(seen[i] == 1);
  }
}

/* ---------------------------------------------------------------- test functions */

static int ishigami(void *ctx, void *ws, const double *u, double *y) {
  (void)ctx, (void)ws;
  const double pi = 3.14159265358979323846;
  double x1 = -pi + 2 * pi * u[0], x2 = -pi + 2 * pi * u[1], x3 = -pi + 2 * pi * u[2];
  y[0] = sin(x1) + 7.0 * sin(x2) * sin(x2) + 0.1 * pow(x3, 4) * sin(x1);
  return 0;
}

static void the_sobol_indices_of_the_ishigami_function_hold_the_exact_values_in_their_intervals(
    void) {
  /* exact (a = 7, b = 0.1): V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 */
  const double pi = 3.14159265358979323846, a = 7, b = 0.1;
  double V = a * a / 8 + b * pow(pi, 4) / 5 + b * b * pow(pi, 8) / 18 + 0.5;
  double V1 = 0.5 * pow(1 + b * pow(pi, 4) / 5, 2), V2 = a * a / 8;
  double V13 = b * b * pow(pi, 8) * (1.0 / 18 - 1.0 / 50);
  double S1[3] = {V1 / V, V2 / V, 0}, ST[3] = {(V1 + V13) / V, V2 / V, V13 / V};
  rs_sens_problem pb = {.d = 3, .nout = 1, .nboot = 1, .eval = ishigami};
  rs_sobol_options o = rs_sobol_default_options();
  o.n = 4096;
  o.nboot = 500;
  rs_sobol_result r;
  rs_error err;
  CHECK(rs_sens_sobol(&pb, &o, &r, &err) == RS_OK);
  for (int i = 0; i < 3; i++) {
    CHECK(r.S1_lo[i] <= S1[i] && S1[i] <= r.S1_hi[i]);
    CHECK(r.ST_lo[i] <= ST[i] && ST[i] <= r.ST_hi[i]);
    CHECK(fabs(r.ST[i] - ST[i]) < 0.03);
    CHECK(r.S1_hi[i] - r.S1_lo[i] < 0.2); /* the intervals are not vacuous */
  }
  CHECK(r.nok == 4096 && r.nfailed == 0);
  rs_sobol_result_free(&r);
}

static int linear(void *ctx, void *ws, const double *u, double *y) {
  (void)ctx, (void)ws;
  y[0] = 4 * u[0] + 2 * u[1] + 1 * u[2] + 0 * u[3];
  y[1] = u[3]; /* a second output: only the last input matters */
  return 0;
}

static void the_sobol_indices_of_a_linear_model_hold_the_exact_values_in_their_intervals(void) {
  const double c[4] = {4, 2, 1, 0}, sum = 16 + 4 + 1;
  rs_sens_problem pb = {.d = 4, .nout = 2, .nboot = 2, .eval = linear};
  rs_sobol_options o = rs_sobol_default_options();
  o.n = 2048;
  rs_sobol_result r;
  rs_error err;
  CHECK(rs_sens_sobol(&pb, &o, &r, &err) == RS_OK);
  for (int i = 0; i < 4; i++) {
    double S = c[i] * c[i] / sum; /* first order = total for an additive model */
    CHECK(r.S1_lo[i] - 1e-9 <= S && S <= r.S1_hi[i] + 1e-9);
    CHECK(r.ST_lo[i] - 1e-9 <= S && S <= r.ST_hi[i] + 1e-9);
    CHECK(fabs(r.S1[i] - S) < 0.02 && fabs(r.ST[i] - S) < 0.02);
  }
  CHECK(fabs(r.ST[4 + 3] - 1) < 0.02 && r.ST[4 + 0] == 0 && r.S1[4 + 0] == 0);
  rs_sobol_result_free(&r);
}

static int ranked(void *ctx, void *ws, const double *u, double *y) {
  (void)ctx, (void)ws;
  /* effects 8 > 4 (with an interaction) > 1 > 0 */
  y[0] = 8 * u[0] + 3 * u[1] + 2 * u[1] * u[2] + 0.2 * u[2] + 0 * u[3];
  return 0;
}

static void morris_ranks_the_inputs_of_a_function_with_a_known_ranking(void) {
  rs_sens_problem pb = {.d = 4, .nout = 1, .eval = ranked};
  rs_morris_result r;
  rs_error err;
  CHECK(rs_sens_morris(&pb, 40, 4, 11, 0, 0, &r, &err) == RS_OK);
  CHECK(r.mustar[0] > r.mustar[1] && r.mustar[1] > r.mustar[2] && r.mustar[2] > r.mustar[3]);
  CHECK(fabs(r.mustar[0] - 8) < 1e-9 && r.sigma[0] < 1e-9); /* linear: every effect is 8 */
  CHECK(r.mustar[3] == 0 && r.sigma[3] == 0);
  CHECK(r.sigma[1] > 0.1 && r.sigma[2] > 0.1); /* the interaction shows as spread */
  CHECK(r.nok == 40);
  rs_morris_result_free(&r);
}

static int sometimes_fails(void *ctx, void *ws, const double *u, double *y) {
  (void)ctx, (void)ws;
  y[0] = u[0] + u[1];
  return u[0] > 0.9; /* a tenth of the evaluations fail */
}

static void failed_rows_are_counted_listed_and_left_out(void) {
  rs_sens_problem pb = {.d = 2, .nout = 1, .nboot = 1, .eval = sometimes_fails};
  rs_sobol_options o = rs_sobol_default_options();
  o.n = 256;
  rs_sobol_result r;
  rs_error err;
  CHECK(rs_sens_sobol(&pb, &o, &r, &err) == RS_OK);
  CHECK(r.nfailed > 0 && r.nfailed + r.nok == 256);
  double u[4];
  rs_sens_sobol_point(4, (uint32_t)(r.failed[0] + 1), u);
  CHECK(u[0] > 0.9 || u[2] > 0.9);
  rs_sobol_result_free(&r);
}

/* ---------------------------------------------------------------- quantiles */

static void streaming_quantiles_equal_a_sort_while_exact_and_come_close_after(void) {
  enum { N = 4000, EXACT = 300 };
  rs_sens_quant q;
  rs_error err;
  CHECK(rs_sens_quant_init(&q, 2, EXACT, &err) == RS_OK);
  static double all[N], sorted[N];
  for (int i = 0; i < N; i++) {
    /* a skewed distribution: exponential by inversion */
    double x[2] = {-log(1 - rs_sens_uniform(3, (uint64_t)i, 0)), 0};
    x[1] = i < EXACT - 1 ? x[0] : (double)NAN; /* cell 1 stays exact */
    all[i] = x[0];
    rs_sens_quant_add(&q, x);
  }
  double out[RS_SENS_NQ + 2];
  memcpy(sorted, all, sizeof(double) * (EXACT - 1));
  qsort(sorted, EXACT - 1, sizeof(double), cmp_double);
  rs_sens_quant_get(&q, 1, out);
  for (int k = 0; k < RS_SENS_NQ; k++)
    CHECK(out[k] == type7(sorted, EXACT - 1, rs_sens_quantile_p[k]));
  CHECK(out[RS_SENS_NQ] == sorted[0] && out[RS_SENS_NQ + 1] == sorted[EXACT - 2]);
  memcpy(sorted, all, sizeof all);
  qsort(sorted, N, sizeof(double), cmp_double);
  rs_sens_quant_get(&q, 0, out);
  for (int k = 0; k < RS_SENS_NQ; k++) {
    double want = type7(sorted, N, rs_sens_quantile_p[k]);
    CHECK(fabs(out[k] - want) < 0.05 * (1 + want)); /* P-squared: an estimate */
  }
  CHECK(out[RS_SENS_NQ] == sorted[0] && out[RS_SENS_NQ + 1] == sorted[N - 1]);
  rs_sens_quant_free(&q);
}

/* ---------------------------------------------------------------- the model */

static const char *tmpdir(const char *leaf, char *buf, size_t n) {
  const char *t = getenv("RELSIM_TEST_TMP");
  snprintf(buf, n, "%s/sens_%s", t ? t : "/tmp", leaf);
  return buf;
}

static char *read_all(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) n = 0;
  if (s) s[n] = '\0';
  fclose(f);
  return s;
}

static void load_base(rs_params *p) {
  rs_error err;
  CHECK(rs_params_load("params/calibrated.cfg", p, NULL, &err) == RS_OK);
  CHECK(rs_params_validate(p, &err) == RS_OK);
}

/* A sample of 9 members varying two parameters; member 4 is outside the bounds of tfp.lambda
 * (it must fail, be counted and listed). */
static void small_samples(const rs_params *p, rs_sens_samples *s) {
  memset(s, 0, sizeof *s);
  s->n = 9;
  s->np = 2;
  CHECK(rs_pref_parse(p, "tfp.lambda", &s->ref[0]) == 0);
  CHECK(rs_pref_parse(p, "ties.kappa_e", &s->ref[1]) == 0);
  snprintf(s->name[0], 64, "tfp.lambda");
  snprintf(s->name[1], 64, "ties.kappa_e");
  s->x = malloc(sizeof(double) * 18);
  for (int i = 0; i < 9; i++) {
    s->x[2 * i] = i == 4 ? 0.005 : rs_pref_get(p, s->ref[0]) * (1.0 + 0.05 * i);
    s->x[2 * i + 1] = rs_pref_get(p, s->ref[1]) * (1.3 - 0.07 * i);
  }
}

static void ensemble_quantiles_equal_a_sort_of_the_members_runs(void) {
  rs_params *p = malloc(sizeof *p), *q = malloc(sizeof *q);
  load_base(p);
  rs_sens_samples s;
  small_samples(p, &s);
  char dir[512], path[600];
  tmpdir("ensemble", dir, sizeof dir);
  rs_ensemble_options o = rs_ensemble_default_options();
  rs_error err;
  long nfailed = -1;
  CHECK(rs_ensemble_run(dir, p, NULL, &s, &o, "test", &nfailed, NULL, &err) == RS_OK);
  CHECK(nfailed == 1);
  /* the members' R in 1995, run one by one */
  double v[9];
  int nv = 0;
  rs_sim *sim = rs_sim_alloc(&err);
  rs_series ser;
  rs_series_init(&ser);
  for (int i = 0; i < 9; i++) {
    if (i == 4) continue;
    *q = *p;
    rs_pref_set(q, s.ref[0], s.x[2 * i]);
    rs_pref_set(q, s.ref[1], s.x[2 * i + 1]);
    rs_sens_member_solver(q); /* the members' own method */
    CHECK(rs_sim_run(sim, q, &ser, NULL, &err) == RS_OK);
    v[nv++] = rs_series_value_at(&ser, RS_I_R, 1995);
  }
  qsort(v, (size_t)nv, sizeof(double), cmp_double);
  snprintf(path, sizeof path, "%s/envelope.csv", dir);
  char *text = read_all(path);
  CHECK(text != NULL);
  const char *line = text ? strstr(text, "\n1995,R,") : NULL;
  CHECK(line != NULL);
  if (line) {
    double got[7];
    CHECK(sscanf(line + 8, "%lf,%lf,%lf,%lf,%lf,%lf,%lf", &got[0], &got[1], &got[2], &got[3],
                 &got[4], &got[5], &got[6]) == 7);
    for (int k = 0; k < RS_SENS_NQ; k++)
      CHECK_REL(got[k], type7(v, nv, rs_sens_quantile_p[k]), 1e-5);
    CHECK_REL(got[5], v[0], 1e-5);
    CHECK_REL(got[6], v[nv - 1], 1e-5);
  }
  free(text);
  snprintf(path, sizeof path, "%s/ensemble.md", dir);
  text = read_all(path);
  CHECK_STR_CONTAINS(text, "8 ran, 1 failed");
  CHECK_STR_CONTAINS(text, "| 4 | setting 'tfp.lambda' = 0.005 is outside its bounds");
  free(text);
  rs_series_free(&ser);
  rs_sim_free(sim);
  rs_sens_samples_free(&s);
  free(p);
  free(q);
}

static void the_results_do_not_depend_on_the_thread_count(void) {
  rs_params *p = malloc(sizeof *p);
  load_base(p);
  rs_free_set *fs = malloc(sizeof *fs);
  rs_error err;
  CHECK(rs_free_load("params/free.cfg", p, fs, &err) == RS_OK);
  fs->n = 5; /* the first five free parameters */
  rs_sens_output out[2];
  CHECK(rs_sens_output_parse("R@1995", &out[0], &err) == RS_OK);
  CHECK(rs_sens_output_parse("gdp_growth@1991:2000", &out[1], &err) == RS_OK);
  int tind[1] = {RS_I_A};
  rs_sens_model *m = malloc(sizeof *m);
  CHECK(rs_sens_model_init(m, p, fs, out, 2, NULL, tind, 1, &err) == RS_OK);
  rs_sens_problem pb = rs_sens_model_problem(m);
  rs_sobol_options o = rs_sobol_default_options();
  o.n = 24;
  rs_sobol_result r1, r2;
  o.threads = 1;
  CHECK(rs_sens_sobol(&pb, &o, &r1, &err) == RS_OK);
  o.threads = 2;
  CHECK(rs_sens_sobol(&pb, &o, &r2, &err) == RS_OK);
  size_t nd = (size_t)pb.nout * 5;
  CHECK(memcmp(r1.S1, r2.S1, nd * sizeof(double)) == 0);
  CHECK(memcmp(r1.ST, r2.ST, nd * sizeof(double)) == 0);
  CHECK(memcmp(r1.ST_lo, r2.ST_lo, 2 * 5 * sizeof(double)) == 0);
  rs_sobol_result_free(&r1);
  rs_sobol_result_free(&r2);
  /* an ensemble's files, byte for byte */
  rs_ensemble_options eo = rs_ensemble_default_options();
  eo.n = 30;
  eo.exact = 10; /* the streaming estimates too */
  char d1[512], d2[512], f1[600], f2[600];
  tmpdir("threads1", d1, sizeof d1);
  tmpdir("threads2", d2, sizeof d2);
  eo.threads = 1;
  CHECK(rs_ensemble_run(d1, p, fs, NULL, &eo, "test", NULL, NULL, &err) == RS_OK);
  eo.threads = 2;
  CHECK(rs_ensemble_run(d2, p, fs, NULL, &eo, "test", NULL, NULL, &err) == RS_OK);
  const char *files[] = {"envelope.csv", "members.csv"};
  for (int k = 0; k < 2; k++) {
    snprintf(f1, sizeof f1, "%s/%s", d1, files[k]);
    snprintf(f2, sizeof f2, "%s/%s", d2, files[k]);
    char *a = read_all(f1), *b = read_all(f2);
    CHECK(a && b && strcmp(a, b) == 0);
    free(a);
    free(b);
  }
  rs_sens_model_free(m);
  free(m);
  free(fs);
  free(p);
}

static void local_sensitivities_equal_central_differences_of_whole_runs(void) {
  rs_params *p = malloc(sizeof *p), *q = malloc(sizeof *q);
  load_base(p);
  p->v[RS_P_SOLVER_RTOL] = 1e-10; /* tight, so that the differences are accurate */
  p->v[RS_P_SOLVER_ATOL] = 1e-12;
  const char *names[3] = {"tfp.lambda", "ties.kappa_e", "event.slump.magnitude"};
  rs_pref refs[3];
  for (int k = 0; k < 3; k++) CHECK(rs_pref_parse(p, names[k], &refs[k]) == 0);
  int nrows = rs_sim_output_times(p, NULL);
  size_t n = (size_t)nrows * 3 * RS_NINDICATOR;
  double *s = malloc(sizeof(double) * n), *raw = malloc(sizeof(double) * n);
  rs_series ser, up, dn;
  rs_series_init(&ser);
  rs_series_init(&up);
  rs_series_init(&dn);
  rs_error err;
  CHECK(rs_sens_local(p, refs, 3, &ser, s, raw, &err) == RS_OK);
  rs_sim *sim = rs_sim_alloc(&err);
  const int ind[4] = {RS_I_A, RS_I_R, RS_I_S, RS_I_RD_TOTAL};
  int bad = 0;
  for (int k = 0; k < 3; k++) {
    double x = rs_pref_get(p, refs[k]), h = 1e-4 * (fabs(x) > 0 ? fabs(x) : 1);
    *q = *p;
    rs_pref_set(q, refs[k], x + h);
    CHECK(rs_sim_run(sim, q, &up, NULL, &err) == RS_OK);
    rs_pref_set(q, refs[k], x - h);
    CHECK(rs_sim_run(sim, q, &dn, NULL, &err) == RS_OK);
    for (int c = 0; c < 4; c++) {
      double scale = 0;
      for (int i = 0; i < nrows; i++)
        scale =
            fmax(scale, fabs(raw[((size_t)i * 3 + (size_t)k) * RS_NINDICATOR + (size_t)ind[c]]));
      for (int i = 0; i < nrows; i += 5) {
        size_t at = ((size_t)i * 3 + (size_t)k) * RS_NINDICATOR + (size_t)ind[c];
        double fd = (rs_series_at(&up, i, ind[c]) - rs_series_at(&dn, i, ind[c])) / (2 * h);
        if (fabs(raw[at] - fd) > 2e-3 * scale + 1e-9) {
          bad++;
          fprintf(stderr, "  %s %s year %g: sensitivity %.8g, difference %.8g\n", names[k],
                  rs_indicator_info_get(ind[c])->name, ser.year[i], raw[at], fd);
        }
        double y = rs_series_at(&ser, i, ind[c]);
        if (fabs(y) > 1e-6) CHECK_REL(s[at], raw[at] * x / y, 1e-12); /* the normalisation */
      }
    }
  }
  CHECK(bad == 0);
  rs_sim_free(sim);
  rs_series_free(&ser);
  rs_series_free(&up);
  rs_series_free(&dn);
  free(s);
  free(raw);
  free(p);
  free(q);
}

static void a_sample_file_takes_the_parameter_columns_and_ignores_the_others(void) {
  rs_params *p = malloc(sizeof *p);
  load_base(p);
  char path[512];
  tmpdir("samples.csv", path, sizeof path);
  mkdir(getenv("RELSIM_TEST_TMP") ? getenv("RELSIM_TEST_TMP") : "/tmp", 0777);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) {
    fprintf(f,
            "chain,iteration,tfp.lambda,log_likelihood,event.slump.magnitude\n"
            "1,1,0.05,-3.2,0.01\n1,2,0.06,-3.1,0.02\n");
    fclose(f);
  }
  rs_sens_samples s;
  rs_error err;
  CHECK(rs_sens_samples_read(path, p, &s, &err) == RS_OK);
  CHECK(s.n == 2 && s.np == 2);
  CHECK(strcmp(s.name[1], "event.slump.magnitude") == 0 && s.x[3] == 0.02);
  rs_sens_samples_free(&s);
  f = fopen(path, "w");
  if (f) {
    fprintf(f, "chain,iteration\n1,1\n");
    fclose(f);
  }
  CHECK(rs_sens_samples_read(path, p, &s, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "no column names a parameter");
  f = fopen(path, "w");
  if (f) {
    fprintf(f, "tfp.lambda\n0.05\nabc\n");
    fclose(f);
  }
  CHECK(rs_sens_samples_read(path, p, &s, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, ":3: 'abc' for tfp.lambda is not a number");
  free(p);
}

int main(void) {
  RUN(the_sobol_sequence_starts_with_the_known_points_and_stratifies_every_dimension);
  RUN(a_latin_hypercube_has_one_point_in_every_stratum_of_every_dimension);
  RUN(the_sobol_indices_of_the_ishigami_function_hold_the_exact_values_in_their_intervals);
  RUN(the_sobol_indices_of_a_linear_model_hold_the_exact_values_in_their_intervals);
  RUN(morris_ranks_the_inputs_of_a_function_with_a_known_ranking);
  RUN(failed_rows_are_counted_listed_and_left_out);
  RUN(streaming_quantiles_equal_a_sort_while_exact_and_come_close_after);
  RUN(a_sample_file_takes_the_parameter_columns_and_ignores_the_others);
  RUN(ensemble_quantiles_equal_a_sort_of_the_members_runs);
  RUN(the_results_do_not_depend_on_the_thread_count);
  RUN(local_sensitivities_equal_central_differences_of_whole_runs);
  return CHECK_DONE();
}
