/* tests/test_targets.c -- the calibration targets: the shipped params/targets.cfg carries every
 * figure of TARGETS.md and params/targets/data.cfg cites a source for every data entry; every
 * kind of target gives the residual computed by hand on a hand-made run; every derivative agrees
 * with a central difference along the sensitivities; every mistake in a target or series file
 * gives one "FILE:LINE: " message; several files load together in order, bases first, with
 * unique ids, and paper_only leaves the data out; a series read from the model's own output has
 * zero residuals. Run from the repository root (fixtures in tests/data/targets/). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "targets.h"

#define SPAN0 1955.0
#define SPAN1 2000.0
#define NS 3      /* parameters of the hand-made sensitivities */
#define MAXRES 64 /* residuals of any target in these tests */
#define FD_STEP 1e-5

/* ---------------------------------------------------------------- a hand-made run */

/* Indicator c at time t of the hand-made run: simple known functions of x = t - 1955. */
static double known(int c, double t) {
  double x = t - 1955.0;
  switch (c) {
    case RS_I_A:
      return 0.6 + 0.01 * x; /* linear */
    case RS_I_S:
      return 0.3 - 0.0004 * (t - 1973.0) * (t - 1973.0); /* peak 0.3 in 1973 */
    case RS_I_R:
      return 0.5 + 0.004 * x;
    case RS_I_G:
      return 0.1 + 0.02 * x;
    case RS_I_RDB:
      return 0.02 + 0.0001 * x;
    case RS_I_E:
      return 0.08 - 0.001 * x; /* falls below closure in 1988 + 1/3 */
    case RS_I_F:
      return 1.0 + 0.05 * x;
    case RS_I_CLOSURE:
      return 0.03 + 0.0005 * x;
    case RS_I_TFP_GROWTH:
      return 1e-4 * x * x; /* quadratic: the trapezoid rule differs from the integral */
    default:
      return 1.0 + 0.01 * c + 0.001 * x;
  }
}

/* A run of n rows from t0 every step, every indicator as known(). */
static void make_run(rs_series *s, double t0, double step, int n) {
  rs_series_init(s);
  s->year = malloc((size_t)n * sizeof *s->year);
  s->ind = malloc((size_t)n * RS_NINDICATOR * sizeof *s->ind);
  s->nrows = s->cap = n;
  for (int i = 0; i < n; i++) {
    s->year[i] = t0 + step * i;
    for (int c = 0; c < RS_NINDICATOR; c++)
      s->ind[(size_t)i * RS_NINDICATOR + (size_t)c] = known(c, s->year[i]);
  }
}

/* The yearly run 1955-2000. */
static void make_yearly(rs_series *s) {
  make_run(s, SPAN0, 1.0, 46);
}

/* Sensitivities for NS parameters, smooth in the row and distinct per parameter and column,
 * of the size of the indicators' own variation. */
static double *make_sens(const rs_series *s) {
  size_t n = (size_t)s->nrows * NS * RS_NINDICATOR;
  double *dS = malloc(n * sizeof *dS);
  for (int i = 0; i < s->nrows; i++)
    for (int j = 0; j < NS; j++)
      for (int c = 0; c < RS_NINDICATOR; c++)
        dS[((size_t)i * NS + (size_t)j) * RS_NINDICATOR + (size_t)c] =
            0.01 * sin(0.37 * i + 1.3 * j + 0.71 * c) + 0.002 * (j + 1);
  return dS;
}

/* A copy of s moved along parameter j of dS by h: ind + h dS_j. */
static void shifted(const rs_series *s, const double *dS, int j, double h, rs_series *out) {
  make_run(out, s->year[0], 1.0, s->nrows);
  memcpy(out->year, s->year, (size_t)s->nrows * sizeof *s->year);
  for (int i = 0; i < s->nrows; i++)
    for (int c = 0; c < RS_NINDICATOR; c++)
      out->ind[(size_t)i * RS_NINDICATOR + (size_t)c] =
          rs_series_at(s, i, c) + h * dS[((size_t)i * NS + (size_t)j) * RS_NINDICATOR + (size_t)c];
}

static void free_run(rs_series *s) {
  free(s->year);
  free(s->ind);
  rs_series_init(s);
}

/* ---------------------------------------------------------------- hand-made targets */

/* A modelled target with a value (NAN for none) and scale; years y1, y2. */
static rs_target make_target(int kind, int ind, double y1, double y2, double value, double scale) {
  rs_target t;
  memset(&t, 0, sizeof t);
  snprintf(t.id, sizeof t.id, "hand_%s", rs_target_kind_name(kind));
  t.modelled = 1;
  t.kind = kind;
  t.indicator = ind;
  t.other = -1;
  t.year = y1;
  t.year2 = y2;
  t.value = value;
  t.lower = t.upper = (double)NAN;
  t.scale = scale;
  t.scale_gap = (double)NAN;
  t.weight = 1.0;
  return t;
}

static rs_target make_range(int kind, int ind, double y1, double y2, double lo, double hi,
                            double scale) {
  rs_target t = make_target(kind, ind, y1, y2, (double)NAN, scale);
  t.lower = lo;
  t.upper = hi;
  return t;
}

static rs_target make_order(int ind, double y_lhs, int other, double y_rhs, double scale) {
  rs_target t = make_range(RS_TK_ORDER, ind, y_lhs, y_rhs, -(double)INFINITY, 0.0, scale);
  t.other = other;
  return t;
}

static rs_target make_crossing(int ind, int other, double y1, double y2, double scale,
                               double scale_gap) {
  rs_target t = make_range(RS_TK_CROSSING, ind, y1, y2, y1, y2, scale);
  t.other = other;
  t.scale_gap = scale_gap;
  return t;
}

/* Evaluate t on s without derivatives; returns the first residual, *m the model value. */
static double residual(const rs_target *t, const rs_series *s, double *m) {
  double res[MAXRES], mm = 0.0;
  rs_error err;
  rs_status st = rs_target_eval(t, s, NULL, 0, &mm, res, NULL, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) fprintf(stderr, "  %s\n", err.msg);
  if (m) *m = mm;
  return st == RS_OK ? res[0] : (double)NAN;
}

/* ---------------------------------------------------------------- the shipped file */

/* Every id of the table of TARGETS.md (basic_share has two entries, 1985 and 1998). */
static const char *const table_ids[] = {
    "tfp_rel_1955",      "tfp_rel_1973",          "tfp_rel_1980",     "tfp_rel_1990",
    "tfp_growth_55_73",  "tfp_growth_73_80",      "tfp_growth_90_94", "inv_share_1973",
    "return_1955",       "return_1970",           "mpk_late60s",      "mpk_mid70s",
    "gdp_growth_91_99",  "rd_gdp_1990",           "rd_gdp_1998",      "rd_inv_share",
    "rd_intensity_fall", "basic_share_1985",      "basic_share_1998", "startup_early70s",
    "startup_2000",      "startup_below_closure", "firms_declining",  "independent_early50s",
    "independent_1990s", "ties_survive",          "asia_fdi_1995",    "tech_exports_asia",
    "expats_asia",       "crisis_holds"};
#define NTABLE ((int)(sizeof table_ids / sizeof table_ids[0]))

/* The "further figures" paragraph below the table. */
static const char *const further_ids[] = {"jica_experts",
                                          "eximbank_loans",
                                          "subcontractors_table4",
                                          "expat_management_share",
                                          "oda_asia",
                                          "inward_fdi_1990s",
                                          "computer_value_added",
                                          "productivity_gap_1994",
                                          "machinery_value_added",
                                          "machinery_profits",
                                          "budget_deficit_2000",
                                          "brain_drain_1995",
                                          "us_startup_rate",
                                          "basic_share_us",
                                          "basic_share_de_fr",
                                          "jcer_forecast"};
#define NFURTHER ((int)(sizeof further_ids / sizeof further_ids[0]))

static const rs_target *find(const rs_targets *ts, const char *id) {
  for (int i = 0; i < ts->n; i++)
    if (strcmp(ts->t[i].id, id) == 0) return &ts->t[i];
  return NULL;
}

static rs_targets shipped;

static void the_shipped_target_file_loads_with_the_run_span_1955_to_2000(void) {
  rs_error err;
  rs_status st = rs_targets_load("params/targets.cfg", SPAN0, SPAN1, &shipped, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) fprintf(stderr, "  %s\n", err.msg);
  CHECK(shipped.n >= NTABLE + NFURTHER);
  CHECK(shipped.nfiles == 1 && strcmp(shipped.file[0].path, "params/targets.cfg") == 0);
  CHECK(shipped.file[0].origin == RS_TO_PAPER && shipped.file[0].base_of == -1);
  CHECK(shipped.file[0].nentries == shipped.n);
  /* every entry of the paper's file is the paper's: the external data are in data.cfg */
  CHECK(rs_targets_count(&shipped, RS_TO_PAPER) == shipped.n);
}

static void the_shipped_file_has_an_entry_for_every_row_and_further_figure_of_targets_md(void) {
  for (int i = 0; i < NTABLE; i++) {
    const rs_target *t = find(&shipped, table_ids[i]);
    CHECK(t != NULL);
    if (!t) {
      fprintf(stderr, "  missing table row %s\n", table_ids[i]);
      continue;
    }
    /* rd_inv_share is kept out of the cost with its reason (R&D over manufacturing investment
     * has no counterpart in the model, and the economy-wide ratio did not fall in the data) */
    if (strcmp(t->id, "rd_inv_share") == 0) {
      CHECK(!t->modelled && strstr(t->reason, "manufacturing investment"));
      continue;
    }
    CHECK(t->modelled);
    CHECK(rs_target_nresiduals(t) == 1);
  }
  for (int i = 0; i < NFURTHER; i++) {
    const rs_target *t = find(&shipped, further_ids[i]);
    CHECK(t != NULL);
    if (!t) fprintf(stderr, "  missing further figure %s\n", further_ids[i]);
  }
}

static void every_shipped_entry_cites_the_paper_and_unmodelled_ones_say_why(void) {
  for (int i = 0; i < shipped.n; i++) {
    const rs_target *t = &shipped.t[i];
    CHECK(t->section[0] != '\0');
    CHECK(t->quote[0] != '\0');
    CHECK(strlen(t->quote) <= 200);
    CHECK(t->paper_value[0] != '\0');
    if (strlen(t->quote) > 200) fprintf(stderr, "  %s: quote too long\n", t->id);
    if (!t->modelled) {
      CHECK(t->reason[0] != '\0');
      CHECK(t->indicator == -1);
      CHECK(rs_target_nresiduals(t) == 0);
    } else {
      CHECK(t->year >= SPAN0 && t->year <= SPAN1);
      CHECK(t->year2 >= SPAN0 && t->year2 <= SPAN1);
      /* A data series with an sd column has its scales in the file. */
      CHECK(t->scale > 0.0 || (t->kind == RS_TK_SERIES && t->ssd));
      CHECK(t->weight > 0.0);
    }
  }
  CHECK(rs_targets_nresiduals(&shipped) >= NTABLE);
}

/* The mapping of TARGETS.md, entry by entry where it is specific. */
static void the_shipped_targets_map_the_figures_as_targets_md_says(void) {
  const rs_target *t;
#define EXPECT_TARGET(id_, kind_, ind_, y1_, y2_)                                       \
  do {                                                                                  \
    t = find(&shipped, id_);                                                            \
    CHECK(t != NULL);                                                                   \
    if (t) {                                                                            \
      CHECK(t->kind == (kind_));                                                        \
      CHECK(t->indicator == (ind_));                                                    \
      CHECK(t->year == (y1_) && t->year2 == (y2_));                                     \
      if (t->kind != (kind_) || t->indicator != (ind_)) fprintf(stderr, "  %s\n", id_); \
    }                                                                                   \
  } while (0)
  /* Cameron's index is manufacturing's level, a_m = w_mfg a */
  EXPECT_TARGET("tfp_rel_1955", RS_TK_POINT, RS_I_A_MFG, 1955.0, 1955.0);
  if (t) CHECK(t->value == 0.61);
  EXPECT_TARGET("tfp_rel_1980", RS_TK_POINT, RS_I_A_MFG, 1980.0, 1980.0);
  if (t) CHECK(t->value == 1.011);
  EXPECT_TARGET("tfp_growth_55_73", RS_TK_MEAN_GROWTH, RS_I_TFP_GROWTH, 1955.0, 1973.0);
  if (t) CHECK(t->value == 0.022 && t->weight == 0.5);
  EXPECT_TARGET("tfp_growth_90_94", RS_TK_MEAN_GROWTH, RS_I_TFP_GROWTH, 1990.0, 1994.0);
  if (t) CHECK(t->value == -0.001);
  EXPECT_TARGET("inv_share_1973", RS_TK_MAX_IN, RS_I_S, 1970.0, 1975.0);
  if (t) CHECK(t->value == 0.41);
  EXPECT_TARGET("return_1970", RS_TK_POINT, RS_I_RET, 1970.0, 1970.0);
  EXPECT_TARGET("mpk_late60s", RS_TK_MEAN, RS_I_MPK, 1966.0, 1970.0);
  EXPECT_TARGET("mpk_mid70s", RS_TK_MEAN, RS_I_MPK, 1974.0, 1977.0);
  if (t) CHECK(isnan(t->value) && isinf(t->lower) && t->lower < 0 && t->upper == 0.20);
  EXPECT_TARGET("gdp_growth_91_99", RS_TK_MEAN_GROWTH, RS_I_GDP_GROWTH, 1991.0, 1999.0);
  EXPECT_TARGET("rd_gdp_1998", RS_TK_POINT, RS_I_RD_TOTAL, 1998.0, 1998.0);
  EXPECT_TARGET("rd_intensity_fall", RS_TK_ORDER, RS_I_RDB, 1993.0, 1987.0);
  if (t) CHECK(t->other == RS_I_RDB);
  EXPECT_TARGET("basic_share_1985", RS_TK_POINT, RS_I_BASIC_SHARE, 1985.0, 1985.0);
  EXPECT_TARGET("basic_share_1998", RS_TK_POINT, RS_I_BASIC_SHARE, 1998.0, 1998.0);
  EXPECT_TARGET("startup_early70s", RS_TK_MEAN, RS_I_E, 1970.0, 1974.0);
  EXPECT_TARGET("startup_2000", RS_TK_POINT, RS_I_E, 2000.0, 2000.0);
  if (t) CHECK(isnan(t->value) && t->lower == 0.03 && t->upper == 0.04);
  EXPECT_TARGET("startup_below_closure", RS_TK_CROSSING, RS_I_E, 1990.0, 1994.0);
  if (t) CHECK(t->other == RS_I_CLOSURE && t->scale_gap > 0.0);
  EXPECT_TARGET("firms_declining", RS_TK_ORDER, RS_I_F, 2000.0, 1993.0);
  EXPECT_TARGET("independent_early50s", RS_TK_POINT, RS_I_INDEP_SHARE, 1955.0, 1955.0);
  if (t) CHECK(t->value == 0.50);
  EXPECT_TARGET("independent_1990s", RS_TK_MEAN, RS_I_INDEP_SHARE, 1991.0, 2000.0);
  EXPECT_TARGET("ties_survive", RS_TK_RATIO, RS_I_R, 1985.0, 2000.0);
  if (t) CHECK(t->lower == 0.9 && t->upper == 1.15);
  EXPECT_TARGET("asia_fdi_1995", RS_TK_POINT, RS_I_G, 1995.0, 1995.0);
  if (t) CHECK(t->value == 1.0);
  EXPECT_TARGET("tech_exports_asia", RS_TK_RATIO, RS_I_G, 1986.0, 1996.0);
  EXPECT_TARGET("expats_asia", RS_TK_RATIO, RS_I_G, 1987.0, 1996.0);
  EXPECT_TARGET("crisis_holds", RS_TK_RATIO, RS_I_G, 1997.0, 2000.0);
  if (t) CHECK(t->lower == 0.95 && isinf(t->upper));
#undef EXPECT_TARGET
  t = find(&shipped, "jcer_forecast");
  if (t) CHECK(!t->modelled && t->year == 2000.0 && t->year2 == 2025.0);
}

static void every_shipped_target_evaluates_on_a_yearly_run_with_derivatives(void) {
  rs_series s;
  make_yearly(&s);
  double *dS = make_sens(&s);
  double res[MAXRES], jac[MAXRES * NS], m;
  rs_error err;
  for (int i = 0; i < shipped.n; i++) {
    const rs_target *t = &shipped.t[i];
    rs_status st = rs_target_eval(t, &s, dS, NS, &m, res, jac, &err);
    CHECK(st == RS_OK);
    if (st != RS_OK) fprintf(stderr, "  %s: %s\n", t->id, err.msg);
    for (int r = 0; st == RS_OK && r < rs_target_nresiduals(t); r++) {
      CHECK(isfinite(res[r]));
      for (int j = 0; j < NS; j++) CHECK(isfinite(jac[r * NS + j]));
    }
    if (!t->modelled) CHECK(isnan(m));
  }
  free(dS);
  free_run(&s);
  rs_targets_free(&shipped);
  rs_targets_free(&shipped); /* a freed set frees again as a no-op */
  CHECK(shipped.n == 0 && shipped.t == NULL);
}

/* ---------------------------------------------------------------- residuals by kind */

static void a_point_is_the_scaled_difference_in_its_year(void) {
  rs_series s;
  make_yearly(&s);
  rs_target t = make_target(RS_TK_POINT, RS_I_A, 1973.0, 1973.0, 0.867, 0.02);
  double m;
  CHECK_REL(residual(&t, &s, &m), (0.78 - 0.867) / 0.02, 1e-12);
  CHECK_REL(m, 0.78, 1e-14);
  free_run(&s);
}

static void a_mean_growth_uses_the_trapezoid_rule_on_the_output_rows(void) {
  rs_series s;
  make_yearly(&s);
  /* tfp_growth = 1e-4 x^2 at x = 0, 1, 2, 3: trapezoid (0+1)/2 + (1+4)/2 + (4+9)/2 = 9.5,
   * times 1e-4, over 3 years (the exact integral would give 9/3). */
  rs_target t = make_target(RS_TK_MEAN_GROWTH, RS_I_TFP_GROWTH, 1955.0, 1958.0, 0.003, 0.001);
  double m;
  CHECK_REL(residual(&t, &s, &m), (9.5e-4 / 3.0 - 0.003) / 0.001, 1e-12);
  CHECK_REL(m, 9.5e-4 / 3.0, 1e-12);
  /* a linear level averages to its midpoint value */
  rs_target u = make_target(RS_TK_MEAN, RS_I_A, 1960.0, 1970.0, 0.71, 0.02);
  CHECK_REL(residual(&u, &s, &m), (0.70 - 0.71) / 0.02, 1e-12);
  CHECK_REL(m, 0.70, 1e-14);
  free_run(&s);
  /* on a half-yearly grid the rule uses every row: x^2 at 0, .5, ..., 3 */
  make_run(&s, SPAN0, 0.5, 91);
  double sum = 0.0;
  for (int k = 0; k < 6; k++) {
    double x0 = 0.5 * k, x1 = 0.5 * (k + 1);
    sum += 0.25 * (x0 * x0 + x1 * x1);
  }
  CHECK_REL(residual(&t, &s, &m), (1e-4 * sum / 3.0 - 0.003) / 0.001, 1e-12);
  free_run(&s);
}

static void a_ratio_divides_the_later_year_by_the_earlier(void) {
  rs_series s;
  make_yearly(&s);
  rs_target t = make_target(RS_TK_RATIO, RS_I_G, 1960.0, 1980.0, 2.5, 0.5); /* 0.6 / 0.2 */
  double m;
  CHECK_REL(residual(&t, &s, &m), (3.0 - 2.5) / 0.5, 1e-12);
  CHECK_REL(m, 3.0, 1e-14);
  free_run(&s);
}

static void a_max_in_takes_the_largest_row_of_the_span(void) {
  rs_series s;
  make_yearly(&s);
  rs_target t = make_target(RS_TK_MAX_IN, RS_I_S, 1970.0, 1975.0, 0.41, 0.02);
  double m;
  CHECK_REL(residual(&t, &s, &m), (0.3 - 0.41) / 0.02, 1e-12);
  CHECK_REL(m, 0.3, 1e-14);
  rs_target u = make_target(RS_TK_MAX_IN, RS_I_S, 1980.0, 1990.0, 0.28, 0.02); /* falling */
  CHECK_REL(residual(&u, &s, &m), (0.3 - 0.0004 * 49.0 - 0.28) / 0.02, 1e-10);
  free_run(&s);
}

static void an_order_is_zero_when_satisfied_and_the_scaled_excess_when_violated(void) {
  rs_series s;
  make_yearly(&s);
  double m;
  /* rd_b rises: rd_b(1987) < rd_b(1993) holds, rd_b(1993) < rd_b(1987) does not */
  rs_target ok = make_order(RS_I_RDB, 1987.0, RS_I_RDB, 1993.0, 0.001);
  CHECK(residual(&ok, &s, &m) == 0.0);
  CHECK_REL(m, -0.0006, 1e-10);
  rs_target bad = make_order(RS_I_RDB, 1993.0, RS_I_RDB, 1987.0, 0.001);
  CHECK_REL(residual(&bad, &s, &m), 0.0006 / 0.001, 1e-10);
  /* across indicators: e(2000) = 0.035 below closure(1990) = 0.0475 */
  rs_target two = make_order(RS_I_E, 2000.0, RS_I_CLOSURE, 1990.0, 0.005);
  CHECK(residual(&two, &s, &m) == 0.0);
  CHECK_REL(m, 0.035 - 0.0475, 1e-10);
  free_run(&s);
}

static void a_crossing_inside_its_span_has_zero_residual(void) {
  rs_series s;
  make_yearly(&s);
  /* e = 0.08 - 0.001 x meets closure = 0.03 + 0.0005 x at x = 100/3 */
  rs_target t = make_crossing(RS_I_E, RS_I_CLOSURE, 1985.0, 1990.0, 1.0, 0.005);
  double m;
  CHECK(residual(&t, &s, &m) == 0.0);
  CHECK_REL(m, 1955.0 + 100.0 / 3.0, 1e-12);
  free_run(&s);
}

static void a_crossing_outside_its_span_counts_the_years_outside(void) {
  rs_series s;
  make_yearly(&s);
  double m, tstar = 1955.0 + 100.0 / 3.0;
  rs_target early = make_crossing(RS_I_E, RS_I_CLOSURE, 1990.0, 1994.0, 2.0, 0.005);
  CHECK_REL(residual(&early, &s, &m), (tstar - 1990.0) / 2.0, 1e-10);
  CHECK_REL(m, tstar, 1e-12);
  rs_target late = make_crossing(RS_I_E, RS_I_CLOSURE, 1980.0, 1985.0, 1.0, 0.005);
  CHECK_REL(residual(&late, &s, &m), tstar - 1985.0, 1e-10);
  free_run(&s);
}

static void a_crossing_that_never_happens_measures_the_gap_in_the_span(void) {
  rs_series s;
  make_yearly(&s);
  double m;
  /* e stays above rd_b: the smallest e - rd_b in 1990-94 is in 1994 (x = 39), positive */
  rs_target above = make_crossing(RS_I_E, RS_I_RDB, 1990.0, 1994.0, 1.0, 0.005);
  CHECK_REL(residual(&above, &s, &m), ((0.08 - 0.039) - (0.02 + 0.0039)) / 0.005, 1e-10);
  CHECK(isnan(m));
  /* e stays below F from the start: the largest e - F in 1990-94 is in 1990 (x = 35) */
  rs_target below = make_crossing(RS_I_E, RS_I_F, 1990.0, 1994.0, 1.0, 2.0);
  CHECK_REL(residual(&below, &s, &m), ((0.08 - 0.035) - (1.0 + 1.75)) / 2.0, 1e-12);
  CHECK(isnan(m));
  free_run(&s);
}

static void a_range_is_zero_inside_and_the_scaled_distance_outside(void) {
  rs_series s;
  make_yearly(&s);
  double m; /* a(1973) = 0.78 */
  rs_target in = make_range(RS_TK_POINT, RS_I_A, 1973.0, 1973.0, 0.7, 0.8, 0.02);
  CHECK(residual(&in, &s, &m) == 0.0);
  rs_target above = make_range(RS_TK_POINT, RS_I_A, 1973.0, 1973.0, 0.6, 0.7, 0.02);
  CHECK_REL(residual(&above, &s, &m), (0.78 - 0.7) / 0.02, 1e-12);
  rs_target below = make_range(RS_TK_POINT, RS_I_A, 1973.0, 1973.0, 0.8, 0.9, 0.02);
  CHECK_REL(residual(&below, &s, &m), (0.78 - 0.8) / 0.02, 1e-12);
  rs_target open = make_range(RS_TK_POINT, RS_I_A, 1973.0, 1973.0, 0.9, (double)INFINITY, 0.02);
  CHECK_REL(residual(&open, &s, &m), (0.78 - 0.9) / 0.02, 1e-12);
  rs_target open2 =
      make_range(RS_TK_RATIO, RS_I_G, 1960.0, 1980.0, -(double)INFINITY, 3.5, 0.5); /* 3 */
  CHECK(residual(&open2, &s, &m) == 0.0);
  free_run(&s);
}

/* A series target on hand-made data (no file). */
static rs_target make_series_target(int ind, int n, const double *x, const double *y,
                                    const double *sd, double scale) {
  rs_target t = make_target(RS_TK_SERIES, ind, x[0], x[n - 1], (double)NAN, scale);
  t.npoints = n;
  t.sx = (double *)x;
  t.sy = (double *)y;
  t.ssd = (double *)sd;
  return t;
}

static void a_series_interpolates_between_rows_with_and_without_sd(void) {
  rs_series s;
  make_yearly(&s);
  double x[3] = {1960.5, 1970.0, 1972.25}, y[3] = {0.70, 0.75, 0.2996}, sd[3] = {0.005, 0.05, 1e-4};
  double res[3], m;
  rs_error err;
  rs_target t = make_series_target(RS_I_A, 2, x, y, NULL, 0.01);
  CHECK(rs_target_nresiduals(&t) == 2);
  CHECK(rs_target_eval(&t, &s, NULL, 0, &m, res, NULL, &err) == RS_OK);
  CHECK_REL(res[0], (0.655 - 0.70) / 0.01, 1e-10);
  CHECK(fabs(res[1]) < 1e-12);
  CHECK_REL(m, sqrt(0.5 * (res[0] * res[0] + res[1] * res[1])), 1e-14);
  t = make_series_target(RS_I_A, 2, x, y, sd, (double)NAN);
  CHECK(rs_target_eval(&t, &s, NULL, 0, &m, res, NULL, &err) == RS_OK);
  CHECK_REL(res[0], (0.655 - 0.70) / 0.005, 1e-10);
  /* a curved indicator is interpolated linearly: s(1972.25) = .75 s(1972) + .25 s(1973) */
  double xs[1] = {1972.25}, ys[1] = {0.2996}, sds[1] = {1e-4};
  t = make_series_target(RS_I_S, 1, xs, ys, sds, (double)NAN);
  CHECK(rs_target_eval(&t, &s, NULL, 0, &m, res, NULL, &err) == RS_OK);
  CHECK_REL(res[0], (0.75 * (0.3 - 0.0004) + 0.25 * 0.3 - 0.2996) / 1e-4, 1e-9);
  free_run(&s);
}

static void the_fixture_series_files_load_relative_to_their_target_file(void) {
  rs_targets ts;
  rs_error err;
  rs_status st = rs_targets_load("tests/data/targets/series.cfg", SPAN0, SPAN1, &ts, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) {
    fprintf(stderr, "  %s\n", err.msg);
    return;
  }
  CHECK(ts.n == 2);
  CHECK(ts.t[0].npoints == 2 && ts.t[0].ssd == NULL && ts.t[0].scale == 0.01);
  CHECK(ts.t[0].sx[0] == 1960.5 && ts.t[0].sy[0] == 0.70 && ts.t[0].year2 == 1970.0);
  CHECK(ts.t[1].npoints == 2 && ts.t[1].ssd != NULL && ts.t[1].weight == 2.0);
  CHECK(ts.t[1].ssd && ts.t[1].ssd[0] == 0.001 && ts.t[1].ssd[1] == 0.01);
  CHECK(rs_targets_nresiduals(&ts) == 4);
  rs_series s;
  make_yearly(&s);
  double res[2], m;
  CHECK(rs_target_eval(&ts.t[0], &s, NULL, 0, &m, res, NULL, &err) == RS_OK);
  CHECK_REL(res[0], -4.5, 1e-10);
  CHECK(fabs(res[1]) < 1e-12);
  CHECK(rs_target_eval(&ts.t[1], &s, NULL, 0, &m, res, NULL, &err) == RS_OK);
  CHECK_REL(res[0], (0.2997 - 0.30) / 0.001, 1e-9);
  CHECK_REL(res[1], (0.3 - 0.0004 * 49.0 - 0.28) / 0.01, 1e-9);
  free_run(&s);
  rs_targets_free(&ts);
}

static void an_unmodelled_target_has_no_residual_and_no_model_value(void) {
  rs_series s;
  make_yearly(&s);
  rs_target t = make_target(RS_TK_POINT, -1, (double)NAN, (double)NAN, (double)NAN, (double)NAN);
  t.modelled = 0;
  double m = 0.0;
  rs_error err;
  CHECK(rs_target_nresiduals(&t) == 0);
  CHECK(rs_target_eval(&t, &s, NULL, 0, &m, NULL, NULL, &err) == RS_OK);
  CHECK(isnan(m));
  free_run(&s);
}

static void a_year_off_the_output_grid_or_outside_the_run_is_a_run_error(void) {
  rs_series s;
  make_yearly(&s);
  double res[2], m;
  rs_error err;
  rs_target t = make_target(RS_TK_POINT, RS_I_A, 1973.5, 1973.5, 0.8, 0.02);
  CHECK(rs_target_eval(&t, &s, NULL, 0, &m, res, NULL, &err) == RS_ERR_RUN);
  CHECK_STR_CONTAINS(err.msg, "target 'hand_point'");
  CHECK_STR_CONTAINS(err.msg, "1973.5 is not on the output grid");
  free_run(&s);
  make_run(&s, SPAN0, 1.0, 26); /* 1955-1980 */
  rs_target u = make_target(RS_TK_MEAN, RS_I_A, 1975.0, 1990.0, 0.8, 0.02);
  CHECK(rs_target_eval(&u, &s, NULL, 0, &m, res, NULL, &err) == RS_ERR_RUN);
  CHECK_STR_CONTAINS(err.msg, "does not cover the year 1990");
  double x[1] = {1985.0}, y[1] = {0.8};
  rs_target v = make_series_target(RS_I_A, 1, x, y, NULL, 0.01);
  CHECK(rs_target_eval(&v, &s, NULL, 0, &m, res, NULL, &err) == RS_ERR_RUN);
  CHECK_STR_CONTAINS(err.msg, "1985");
  /* a ratio over a zero is undefined, not infinite */
  s.ind[(size_t)5 * RS_NINDICATOR + RS_I_G] = 0.0;
  rs_target w = make_target(RS_TK_RATIO, RS_I_G, 1960.0, 1970.0, 2.0, 0.5);
  CHECK(rs_target_eval(&w, &s, NULL, 0, &m, res, NULL, &err) == RS_ERR_RUN);
  CHECK_STR_CONTAINS(err.msg, "is 0 in 1960");
  free_run(&s);
}

/* ---------------------------------------------------------------- derivatives */

/* Compare the Jacobian of t on s with a central difference along each parameter's
 * sensitivities. nonzero: the Jacobian must not vanish (so the check is not vacuous). */
static void check_jacobian(const char *what, const rs_target *t, const rs_series *s,
                           const double *dS, int nonzero) {
  int nres = rs_target_nresiduals(t);
  double res[MAXRES], jac[MAXRES * NS], rp[MAXRES], rm[MAXRES], m;
  rs_error err;
  CHECK(nres >= 1 && nres <= MAXRES);
  rs_status st = rs_target_eval(t, s, dS, NS, &m, res, jac, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) {
    fprintf(stderr, "  %s: %s\n", what, err.msg);
    return;
  }
  double norm = 0.0;
  for (int j = 0; j < NS; j++) {
    rs_series sp, sm;
    shifted(s, dS, j, FD_STEP, &sp);
    shifted(s, dS, j, -FD_STEP, &sm);
    CHECK(rs_target_eval(t, &sp, NULL, 0, &m, rp, NULL, &err) == RS_OK);
    CHECK(rs_target_eval(t, &sm, NULL, 0, &m, rm, NULL, &err) == RS_OK);
    for (int r = 0; r < nres; r++) {
      double fd = (rp[r] - rm[r]) / (2.0 * FD_STEP), an = jac[r * NS + j];
      norm += fabs(an);
      CHECK_REL(an, fd, 1e-7);
      if (!(fabs(an - fd) <= 1e-7 * (fabs(fd) > 0 ? fabs(fd) : 1.0)))
        fprintf(stderr, "  %s: residual %d, parameter %d: %.12g vs %.12g\n", what, r, j, an, fd);
    }
    free_run(&sp);
    free_run(&sm);
  }
  if (nonzero) CHECK(norm > 0.0);
  if (nonzero && !(norm > 0.0)) fprintf(stderr, "  %s: Jacobian vanishes\n", what);
}

static void every_kind_has_the_exact_derivative_of_its_residual(void) {
  rs_series s;
  make_yearly(&s);
  double *dS = make_sens(&s);
  rs_target t;
  t = make_target(RS_TK_POINT, RS_I_A, 1973.0, 1973.0, 0.867, 0.02);
  check_jacobian("point", &t, &s, dS, 1);
  t = make_target(RS_TK_MEAN_GROWTH, RS_I_TFP_GROWTH, 1955.0, 1973.0, 0.022, 0.003);
  check_jacobian("mean_growth", &t, &s, dS, 1);
  t = make_target(RS_TK_MEAN, RS_I_E, 1970.0, 1974.0, 0.07, 0.005);
  check_jacobian("mean", &t, &s, dS, 1);
  t = make_target(RS_TK_RATIO, RS_I_G, 1960.0, 1980.0, 2.5, 0.5);
  check_jacobian("ratio", &t, &s, dS, 1);
  t = make_target(RS_TK_MAX_IN, RS_I_S, 1970.0, 1975.0, 0.41, 0.02);
  check_jacobian("max_in", &t, &s, dS, 1);
  t = make_order(RS_I_RDB, 1993.0, RS_I_RDB, 1987.0, 0.001);
  check_jacobian("order violated", &t, &s, dS, 1);
  t = make_order(RS_I_E, 2000.0, RS_I_CLOSURE, 1990.0, 0.005);
  check_jacobian("order satisfied", &t, &s, dS, 0);
  t = make_crossing(RS_I_E, RS_I_CLOSURE, 1990.0, 1994.0, 1.0, 0.005);
  check_jacobian("crossing outside", &t, &s, dS, 1);
  t = make_crossing(RS_I_E, RS_I_CLOSURE, 1985.0, 1990.0, 1.0, 0.005);
  check_jacobian("crossing inside", &t, &s, dS, 0);
  t = make_crossing(RS_I_E, RS_I_RDB, 1990.0, 1994.0, 1.0, 0.005);
  check_jacobian("crossing never, above", &t, &s, dS, 1);
  t = make_crossing(RS_I_E, RS_I_F, 1990.0, 1994.0, 1.0, 2.0);
  check_jacobian("crossing never, below", &t, &s, dS, 1);
  t = make_range(RS_TK_POINT, RS_I_A, 1973.0, 1973.0, 0.6, 0.7, 0.02);
  check_jacobian("range above", &t, &s, dS, 1);
  t = make_range(RS_TK_RATIO, RS_I_G, 1960.0, 1980.0, 3.5, (double)INFINITY, 0.5);
  check_jacobian("range below", &t, &s, dS, 1);
  t = make_range(RS_TK_POINT, RS_I_A, 1973.0, 1973.0, 0.7, 0.8, 0.02);
  check_jacobian("range inside", &t, &s, dS, 0);
  double x[3] = {1960.5, 1970.0, 1972.25}, y[3] = {0.70, 0.75, 0.80}, sd[3] = {0.005, 0.05, 0.01};
  t = make_series_target(RS_I_A, 3, x, y, NULL, 0.01);
  check_jacobian("series without sd", &t, &s, dS, 1);
  t = make_series_target(RS_I_S, 3, x, y, sd, (double)NAN);
  check_jacobian("series with sd", &t, &s, dS, 1);
  free(dS);
  free_run(&s);
}

/* ---------------------------------------------------------------- errors in files */

/* out = $RELSIM_TEST_TMP/targets/NAME (the directory is created). */
static void scratch_path(const char *name, char *out, size_t n) {
  const char *tmp = getenv("RELSIM_TEST_TMP");
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/targets", tmp && tmp[0] ? tmp : "/tmp/relsim-test");
  rs_error err;
  if (rs_mkdir_p(dir, &err) != RS_OK) fprintf(stderr, "%s\n", err.msg);
  rs_path_join(dir, name, out, n);
}

static void write_scratch(const char *name, const char *text, char *path, size_t n) {
  rs_error err;
  scratch_path(name, path, n);
  if (rs_write_file(path, text, &err) != RS_OK) fprintf(stderr, "%s\n", err.msg);
}

/* Load text as the scratch target file NAME: expect RS_ERR_INPUT and one line that starts with
 * "FILE:LINE: " (FILE the target file, or the series file `series` when not NULL) and holds
 * each needle. */
static void expect_error(const char *name, const char *text, const char *series, int line,
                         const char *const *needles) {
  char path[1024], spath[1024], prefix[1100];
  rs_targets ts;
  rs_error err;
  memset(&err, 0, sizeof err);
  write_scratch(name, text, path, sizeof path);
  rs_status st = rs_targets_load(path, SPAN0, SPAN1, &ts, &err);
  CHECK(st == RS_ERR_INPUT);
  if (st != RS_ERR_INPUT) fprintf(stderr, "  %s: status %d, message: %s\n", name, (int)st, err.msg);
  CHECK(ts.n == 0 && ts.t == NULL);
  if (series) scratch_path(series, spath, sizeof spath);
  snprintf(prefix, sizeof prefix, "%s:%d: ", series ? spath : path, line);
  CHECK(strncmp(err.msg, prefix, strlen(prefix)) == 0);
  if (strncmp(err.msg, prefix, strlen(prefix)) != 0)
    fprintf(stderr, "  want prefix \"%s\" in: %s\n", prefix, err.msg);
  CHECK(strchr(err.msg, '\n') == NULL);
  for (; needles && *needles; needles++) CHECK_STR_CONTAINS(err.msg, *needles);
  rs_targets_free(&ts);
}

#define EXPECT_ERROR(name, text, line, ...)       \
  do {                                            \
    const char *const n_[] = {__VA_ARGS__, NULL}; \
    expect_error(name, text, NULL, line, n_);     \
  } while (0)

#define CITE "section = \"2\"; quote = \"q\"; paper_value = \"1 %\";\n"
/* The origin of a file of the paper, on the line of "targets = (" so that lines keep their
 * numbers. */
#define ORIGIN "origin = \"paper\"; "

static void an_unknown_kind_is_an_error_with_the_closest_kind(void) {
  EXPECT_ERROR("kind.cfg",
               ORIGIN "targets = (\n  { id = \"x\"; " CITE
                      "    kind = \"pont\";\n    indicator = \"a\"; year = 1970; value = 0.8; "
                      "scale = 0.02; }\n);\n",
               3, "target 'x'", "unknown kind 'pont'; did you mean 'point'?", "kinds: point, ");
}

static void an_unknown_indicator_is_an_error_with_the_closest_name(void) {
  EXPECT_ERROR("indicator.cfg",
               ORIGIN
               "targets = (\n  { id = \"x\"; " CITE
               "    kind = \"mean_growth\";\n    indicator = \"tfp_grwth\"; span = [1970, 1975];\n"
               "    value = 0.8; scale = 0.02; }\n);\n",
               4, "unknown indicator 'tfp_grwth'; did you mean 'tfp_growth'?");
  EXPECT_ERROR("other.cfg",
               ORIGIN "targets = (\n  { id = \"x\"; " CITE
                      "    kind = \"crossing\"; indicator = \"e\"; span = [1990, 1994];\n"
                      "    other = \"closur\"; scale = 1.0; scale_gap = 0.005; }\n);\n",
               4, "'other' names an unknown indicator 'closur'; did you mean 'closure'?");
}

static void a_year_outside_the_run_span_is_an_error(void) {
  EXPECT_ERROR("year.cfg",
               ORIGIN "targets = (\n  { id = \"x\"; " CITE
                      "    kind = \"point\"; indicator = \"a\";\n    year = 1950; value = 0.8; "
                      "scale = 0.02; }\n);\n",
               4, "'year' gives the year 1950, outside the run span 1955-2000");
  EXPECT_ERROR("span.cfg",
               ORIGIN
               "targets = (\n  { id = \"x\"; " CITE
               "    kind = \"mean\"; indicator = \"a\";\n    span = [1990, 2005]; value = 0.8; "
               "scale = 0.02; }\n);\n",
               4, "'span' gives the year 2005, outside the run span");
  EXPECT_ERROR("backwards.cfg",
               ORIGIN
               "targets = (\n  { id = \"x\"; " CITE
               "    kind = \"ratio\"; indicator = \"G\";\n    years = [1996, 1986]; value = 4.0; "
               "scale = 0.5; }\n);\n",
               4, "must run forward in time (FROM < TO), found [1996, 1986]");
}

static void a_value_and_a_range_both_or_neither_are_errors(void) {
  EXPECT_ERROR("both.cfg",
               ORIGIN "targets = (\n  { id = \"x\"; " CITE
                      "    kind = \"point\"; indicator = \"a\"; year = 1970;\n    value = 0.8;\n"
                      "    lower = 0.7; scale = 0.02; }\n);\n",
               4, "'value' and lower/upper are both given");
  EXPECT_ERROR("neither.cfg",
               ORIGIN "targets = (\n\n  { id = \"x\"; " CITE
                      "    kind = \"point\"; indicator = \"a\"; year = 1970; scale = 0.02; }\n);\n",
               3, "needs value = V; or a range lower = L; upper = U;");
  EXPECT_ERROR("empty_range.cfg",
               ORIGIN "targets = (\n  { id = \"x\"; " CITE
                      "    kind = \"point\"; indicator = \"a\"; year = 1970;\n    lower = 0.9;\n"
                      "    upper = 0.8; scale = 0.02; }\n);\n",
               5, "does not leave a range");
}

static void a_zero_scale_is_an_error(void) {
  EXPECT_ERROR("scale.cfg",
               ORIGIN "targets = (\n  { id = \"x\"; " CITE
                      "    kind = \"point\"; indicator = \"a\"; year = 1970; value = 0.8;\n"
                      "    scale = 0; }\n);\n",
               4, "'scale' must be positive, found 0");
  EXPECT_ERROR("weight.cfg",
               ORIGIN "targets = (\n  { id = \"x\"; " CITE
                      "    kind = \"point\"; indicator = \"a\"; year = 1970; value = 0.8;\n"
                      "    scale = 0.1;\n    weight = -1; }\n);\n",
               5, "'weight' must not be negative");
  EXPECT_ERROR("noscale.cfg",
               ORIGIN "targets = (\n  { id = \"x\"; " CITE
                      "    kind = \"point\"; indicator = \"a\"; year = 1970; value = 0.8; }\n);\n",
               2, "has no scale = S;");
}

static void a_duplicate_id_is_an_error_naming_the_first(void) {
  EXPECT_ERROR(
      "dup.cfg",
      ORIGIN "targets = (\n  { id = \"x\"; " CITE
             "    kind = \"point\"; indicator = \"a\"; year = 1970; value = 0.8; scale = 0.1; },\n"
             "  { id = \"x\"; " CITE "    modelled = false; reason = \"r\"; }\n);\n",
      4, "target 'x': 'id' is used twice", "line 2");
}

static void an_unknown_field_is_an_error_with_the_closest_field(void) {
  EXPECT_ERROR("field.cfg",
               ORIGIN "targets = (\n  { id = \"x\"; " CITE
                      "    kind = \"point\"; indicator = \"a\"; year = 1970; value = 0.8;\n"
                      "    sclae = 0.1; }\n);\n",
               4, "target 'x': unknown field 'sclae'; did you mean 'scale'?");
  EXPECT_ERROR("root.cfg", "# comment\ntarget = ( );\n", 2,
               "unknown setting 'target'; did you mean 'targets'?");
  EXPECT_ERROR("misplaced.cfg",
               ORIGIN
               "targets = (\n  { id = \"x\"; " CITE
               "    kind = \"point\"; indicator = \"a\"; year = 1970; value = 0.8; scale = 0.1;\n"
               "    span = [1970, 1975]; }\n);\n",
               4, "'span' does not apply to kind 'point' (which takes year = Y;");
  EXPECT_ERROR("unmodelled.cfg",
               ORIGIN "targets = (\n  { id = \"x\"; " CITE
                      "    modelled = false; reason = \"no sectors\";\n    value = 0.3; }\n);\n",
               4, "'value' is not used by an entry with modelled = false");
}

static void an_unmodelled_entry_needs_a_reason_and_every_entry_a_citation(void) {
  EXPECT_ERROR("reason.cfg",
               ORIGIN "targets = (\n  { id = \"x\"; " CITE "    modelled = false; }\n);\n", 2,
               "has modelled = false but no reason");
  EXPECT_ERROR("cite.cfg",
               ORIGIN
               "targets = (\n  { id = \"x\"; section = \"2\"; paper_value = \"1\";\n"
               "    modelled = false; reason = \"r\"; }\n);\n",
               2, "has no quote = ");
  EXPECT_ERROR("badid.cfg",
               ORIGIN "targets = (\n  { id = \"X-1\"; " CITE
                      "    modelled = false; reason = \"r\"; }\n);\n",
               2, "must be 1 to 47 characters of a-z, 0-9 and _");
  EXPECT_ERROR("type.cfg",
               ORIGIN "targets = (\n  { id = \"x\"; " CITE
                      "    kind = \"point\"; indicator = \"a\";\n    year = \"1970\"; value = 0.8; "
                      "scale = 0.1; }\n);\n",
               4, "'year' expects a number, found the string \"1970\"");
  EXPECT_ERROR(
      "crossing.cfg",
      ORIGIN "targets = (\n  { id = \"x\"; " CITE
             "    kind = \"crossing\"; indicator = \"e\"; other = \"closure\"; span = [1990, 1994];"
             "\n    scale = 1.0; }\n);\n",
      2, "kind 'crossing' needs scale_gap = G;");
}

static void a_syntax_error_gives_the_line_from_libconfig(void) {
  EXPECT_ERROR("syntax.cfg", ORIGIN "targets = (\n  { id = \"x\"; " CITE "    value = ; }\n);\n", 3,
               "libconfig: ");
}

static void a_missing_target_file_is_an_io_error(void) {
  rs_targets ts;
  rs_error err;
  CHECK(rs_targets_load("tests/data/targets/no_such.cfg", SPAN0, SPAN1, &ts, &err) == RS_ERR_IO);
  CHECK_STR_CONTAINS(err.msg, "tests/data/targets/no_such.cfg: cannot read");
  CHECK(ts.n == 0 && ts.t == NULL);
}

static void a_missing_series_file_is_an_error_at_its_file_setting(void) {
  EXPECT_ERROR(
      "noseries.cfg",
      ORIGIN
      "targets = (\n  { id = \"x\"; " CITE
      "    kind = \"series\"; indicator = \"a\";\n    file = \"nope.csv\"; scale = 0.1; }\n);\n",
      4, "target 'x': cannot read series file", "nope.csv");
}

static void a_malformed_series_line_is_an_error_at_its_line_in_the_series_file(void) {
  char spath[1024];
  const char *cfg =
      ORIGIN "targets = (\n  { id = \"x\"; " CITE
             "    kind = \"series\"; indicator = \"a\"; file = \"bad.csv\"; scale = 0.1; }\n);\n";
  const char *const n1[] = {"expected 'year,value' or 'year,value,sd'", "'1961,abc'",
                            "target 'x' at ", NULL};
  write_scratch("bad.csv", "year,value\n1960,0.7\n1961,abc\n", spath, sizeof spath);
  expect_error("badseries.cfg", cfg, "bad.csv", 3, n1);
  const char *const n2[] = {"years must increase, but 1960 follows 1961", NULL};
  write_scratch("bad.csv", "# c\n1961,0.7\n1960,0.7\n", spath, sizeof spath);
  expect_error("badseries.cfg", cfg, "bad.csv", 3, n2);
  const char *const n3[] = {"3 columns, but the first data line has 2", NULL};
  write_scratch("bad.csv", "1960,0.7\n\n1961,0.7,0.1\n", spath, sizeof spath);
  expect_error("badseries.cfg", cfg, "bad.csv", 3, n3);
  const char *const n4[] = {"year 2010 is outside the run span 1955-2000", NULL};
  write_scratch("bad.csv", "1960,0.7\n2010,0.7\n", spath, sizeof spath);
  expect_error("badseries.cfg", cfg, "bad.csv", 2, n4);
  const char *const n5[] = {"no data lines", NULL};
  write_scratch("bad.csv", "year,value\n# nothing\n", spath, sizeof spath);
  expect_error("badseries.cfg", cfg, "bad.csv", 2, n5);
  const char *const n6[] = {"is not used: the series file", NULL};
  write_scratch("bad.csv", "1960,0.7,0.01\n", spath, sizeof spath);
  expect_error("badseries.cfg", cfg, NULL, 3, n6);
  const char *const n7[] = {"sd must be positive, found 0", NULL};
  write_scratch("bad.csv", "1960,0.7,0.01\n1961,0.7,0\n", spath, sizeof spath);
  expect_error("badseries.cfg", cfg, "bad.csv", 2, n7);
}

/* ---------------------------------------------------------------- several files */

#define MULTI "tests/data/targets/multi/"

/* Load paths into ts, expecting success; 0 (and the message printed) on failure. */
static int load_ok(const char *const *paths, int n, int paper_only, rs_targets *ts) {
  rs_error err;
  rs_status st = rs_targets_load_files(paths, n, paper_only, SPAN0, SPAN1, ts, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) fprintf(stderr, "  %s\n", err.msg);
  return st == RS_OK;
}

/* Load paths, expecting status want and a message that holds each needle; ts stays empty. */
static void load_fails(const char *const *paths, int n, rs_status want,
                       const char *const *needles) {
  rs_targets ts;
  rs_error err;
  memset(&err, 0, sizeof err);
  rs_status st = rs_targets_load_files(paths, n, 0, SPAN0, SPAN1, &ts, &err);
  CHECK(st == want);
  if (st != want) fprintf(stderr, "  status %d, want %d: %s\n", (int)st, (int)want, err.msg);
  CHECK(ts.n == 0 && ts.t == NULL && ts.nfiles == 0);
  CHECK(strchr(err.msg, '\n') == NULL);
  for (; *needles; needles++) CHECK_STR_CONTAINS(err.msg, *needles);
  rs_targets_free(&ts);
}

static void two_files_load_together_in_file_order_with_every_entry(void) {
  const char *const paths[] = {MULTI "paper.cfg", MULTI "data.cfg"};
  rs_targets ts;
  if (!load_ok(paths, 2, 0, &ts)) return;
  CHECK(ts.nfiles == 2 && ts.n == 4 && !ts.paper_only);
  static const char *const ids[] = {"p_point", "p_report", "d_point", "d_series"};
  for (int k = 0; k < ts.n && k < 4; k++) {
    CHECK(strcmp(ts.t[k].id, ids[k]) == 0);
    CHECK(ts.t[k].file == (k < 2 ? 0 : 1));
    CHECK(ts.t[k].origin == (k < 2 ? RS_TO_PAPER : RS_TO_DATA));
    /* a data entry cites its source; the paper's entries cite the paper, with no source */
    CHECK((ts.t[k].source[0] != '\0') == (k >= 2));
  }
  CHECK(strcmp(ts.file[0].path, MULTI "paper.cfg") == 0 && ts.file[0].origin == RS_TO_PAPER);
  CHECK(strcmp(ts.file[1].path, MULTI "data.cfg") == 0 && ts.file[1].origin == RS_TO_DATA);
  CHECK(ts.file[0].base_of == -1 && ts.file[1].base_of == -1);
  CHECK(ts.file[0].nentries == 2 && ts.file[1].nentries == 2 && ts.file[1].ndropped == 0);
  CHECK(ts.t[2].line == 5 && ts.t[3].line == 8);
  CHECK(rs_targets_count(&ts, RS_TO_PAPER) == 2 && rs_targets_count(&ts, RS_TO_DATA) == 2);
  /* the series file is relative to the file that holds it, and tidied */
  CHECK(strcmp(ts.t[3].series_file, "tests/data/targets/a_nosd.csv") == 0);
  CHECK(ts.t[3].npoints == 2 && ts.t[3].sx[0] == 1960.5);
  CHECK(rs_targets_nresiduals(&ts) == 1 + 1 + 2);
  rs_targets_free(&ts);
}

static void a_base_is_loaded_before_the_file_that_names_it_along_the_chain(void) {
  const char *const paths[] = {MULTI "chain_a.cfg"};
  rs_targets ts;
  if (!load_ok(paths, 1, 0, &ts)) return;
  CHECK(ts.nfiles == 3 && ts.n == 3);
  if (ts.nfiles == 3) {
    CHECK(strcmp(ts.file[0].path, MULTI "sub/chain_c.cfg") == 0);
    CHECK(strcmp(ts.file[1].path, MULTI "sub/chain_b.cfg") == 0);
    CHECK(strcmp(ts.file[2].path, MULTI "chain_a.cfg") == 0);
    CHECK(ts.file[0].base_of == 1 && ts.file[1].base_of == 2 && ts.file[2].base_of == -1);
    CHECK(ts.file[0].origin == RS_TO_PAPER && ts.file[2].origin == RS_TO_DATA);
  }
  if (ts.n == 3) {
    CHECK(strcmp(ts.t[0].id, "cc") == 0 && strcmp(ts.t[1].id, "cb") == 0);
    CHECK(strcmp(ts.t[2].id, "ca") == 0);
    /* each entry keeps the origin of its own file, and its series its own directory */
    CHECK(ts.t[1].origin == RS_TO_PAPER && ts.t[2].origin == RS_TO_DATA);
    CHECK(strcmp(ts.t[1].series_file, "tests/data/targets/data/s_sd.csv") == 0);
    CHECK(ts.t[1].npoints == 2 && ts.t[1].ssd != NULL);
  }
  rs_targets_free(&ts);
  /* a data file on the paper's file: the paper's entries come first */
  const char *const on[] = {MULTI "on_paper.cfg"};
  if (!load_ok(on, 1, 0, &ts)) return;
  CHECK(ts.n == 3 && strcmp(ts.t[0].id, "p_point") == 0 && strcmp(ts.t[2].id, "on_paper") == 0);
  CHECK(ts.nfiles == 2 && ts.file[0].base_of == 1);
  rs_targets_free(&ts);
}

static void a_cycle_of_base_files_is_an_error_naming_the_chain(void) {
  const char *const paths[] = {MULTI "cycle_a.cfg"};
  const char *const needles[] = {MULTI "cycle_b.cfg:3: the base files form a cycle: " MULTI
                                       "cycle_a.cfg -> " MULTI "cycle_b.cfg -> " MULTI
                                       "cycle_a.cfg",
                                 NULL};
  load_fails(paths, 1, RS_ERR_INPUT, needles);
}

static void a_missing_base_names_the_resolved_path_and_the_file_that_names_it(void) {
  const char *const paths[] = {MULTI "missing_base.cfg"};
  const char *const needles[] = {MULTI "missing_base.cfg:3: base file '" MULTI
                                       "nowhere/none.cfg' (\"nowhere/none.cfg\" relative to " MULTI
                                       "missing_base.cfg) cannot be read: ",
                                 NULL};
  load_fails(paths, 1, RS_ERR_IO, needles);
}

static void a_duplicate_id_across_files_names_both_locations(void) {
  const char *const paths[] = {MULTI "paper.cfg", MULTI "dup.cfg"};
  const char *const needles[] = {MULTI
                                 "dup.cfg:6: target 'p_point': 'id' is used twice: the "
                                 "entry at " MULTI "paper.cfg:5 has the same id",
                                 NULL};
  load_fails(paths, 2, RS_ERR_INPUT, needles);
}

static void a_file_loaded_twice_is_an_error_naming_how_it_came_first(void) {
  const char *const twice[] = {MULTI "paper.cfg", MULTI "paper.cfg"};
  const char *const n1[] = {MULTI "paper.cfg: is loaded already, as " MULTI "paper.cfg", NULL};
  load_fails(twice, 2, RS_ERR_INPUT, n1);
  /* given, and then named as the base of another */
  const char *const as_base[] = {MULTI "paper.cfg", MULTI "on_paper.cfg"};
  const char *const n2[] = {MULTI "on_paper.cfg:4: base file '" MULTI "paper.cfg'",
                            "is loaded already, as " MULTI "paper.cfg", NULL};
  load_fails(as_base, 2, RS_ERR_INPUT, n2);
}

static void paper_only_drops_the_data_entries_and_counts_them(void) {
  const char *const paths[] = {MULTI "paper.cfg", MULTI "data.cfg"};
  rs_targets all, paper;
  if (!load_ok(paths, 2, 0, &all)) return;
  if (!load_ok(paths, 2, 1, &paper)) {
    rs_targets_free(&all);
    return;
  }
  int ndata = rs_targets_count(&all, RS_TO_DATA);
  CHECK(ndata == 2);
  CHECK(paper.paper_only && paper.n == all.n - ndata);
  CHECK(rs_targets_count(&paper, RS_TO_DATA) == 0);
  CHECK(paper.nfiles == 2); /* the data file was read and checked, its entries left out */
  CHECK(paper.file[1].nentries == 0 && paper.file[1].ndropped == ndata);
  CHECK(paper.file[0].nentries == 2 && paper.file[0].ndropped == 0);
  for (int k = 0; k < paper.n; k++) {
    CHECK(paper.t[k].origin == RS_TO_PAPER && paper.t[k].file == 0);
    CHECK(strcmp(paper.t[k].id, all.t[k].id) == 0); /* in the same order */
  }
  CHECK(rs_targets_nresiduals(&paper) == 1);
  rs_targets_free(&paper);
  rs_targets_free(&all);
}

#define DATA_ORIGIN "origin = \"data\"; "
#define DATA_CITE                                                                             \
  "section = \"data: X\"; quote = \"q\"; paper_value = \"1 %\";\n    source = \"S, table 1, " \
  "2001, CC BY\";\n"

static void a_missing_or_unknown_origin_is_an_error_at_its_file_and_line(void) {
  EXPECT_ERROR("no_origin.cfg",
               "targets = (\n  { id = \"x\"; " CITE
               "    modelled = false; "
               "reason = \"r\"; }\n);\n",
               1, "no origin = \"paper\"; or origin = \"data\";");
  EXPECT_ERROR("bad_origin.cfg", "# a comment\norigin = \"papr\";\ntargets = ( );\n", 2,
               "'origin' names an unknown origin 'papr'; did you mean 'paper'? (origins: paper, "
               "data)");
  EXPECT_ERROR("type_origin.cfg", "origin = 1;\ntargets = ( );\n", 1,
               "'origin' expects \"paper\" or \"data\", found");
  EXPECT_ERROR("root_typo.cfg", "origin = \"paper\";\nbse = \"x.cfg\";\ntargets = ( );\n", 2,
               "unknown setting 'bse'; did you mean 'base'?");
}

static void a_data_entry_without_its_source_is_an_error_at_its_line(void) {
  EXPECT_ERROR("no_source.cfg",
               DATA_ORIGIN "targets = (\n  { id = \"x\"; " CITE
                           "    kind = \"point\"; indicator = \"a\"; year = 1970; value = 0.8; "
                           "scale = 0.1; }\n);\n",
               2, "target 'x': has no source = ", "publisher, table, edition, licence");
  EXPECT_ERROR("label.cfg",
               DATA_ORIGIN
               "targets = (\n  { id = \"x\";\n    section = \"6\"; quote = \"q\"; "
               "paper_value = \"1\"; source = \"S\";\n    modelled = false; reason "
               "= \"r\"; }\n);\n",
               3, "'section' of a data target is a short source label that starts with \"data:\"");
  EXPECT_ERROR("paper_source.cfg",
               ORIGIN "targets = (\n  { id = \"x\"; " CITE
                      "    source = \"S\"; modelled = false; reason = \"r\"; }\n);\n",
               3, "'source' is for data targets only");
  /* data follow the run span like any target: none after 2000 in a calibration to 2000 */
  EXPECT_ERROR("late_data.cfg",
               DATA_ORIGIN "targets = (\n  { id = \"x\"; " DATA_CITE
                           "    kind = \"point\"; indicator = \"a\";\n    year = 2005; value = "
                           "0.8; scale = 0.1; }\n);\n",
               5, "'year' gives the year 2005, outside the run span 1955-2000");
}

static void the_shipped_data_file_loads_and_every_data_entry_cites_a_source(void) {
  const char *const paths[] = {"params/targets.cfg", "params/targets/data.cfg"};
  rs_targets ts, paper;
  if (!load_ok(paths, 2, 0, &ts)) return;
  CHECK(ts.nfiles == 2 && ts.file[1].origin == RS_TO_DATA);
  int ndata = 0;
  for (int k = 0; k < ts.n; k++) {
    const rs_target *t = &ts.t[k];
    /* the origin follows the file: the paper's file holds no data, the data file no paper */
    CHECK(t->origin == (t->file == 1 ? RS_TO_DATA : RS_TO_PAPER));
    if (t->origin != RS_TO_DATA) continue;
    ndata++;
    CHECK(strncmp(t->section, "data:", 5) == 0);
    CHECK(strlen(t->source) >= 20); /* publisher and table at least, not a placeholder */
    CHECK(t->quote[0] && strlen(t->quote) <= 200 && t->paper_value[0]);
    if (t->modelled) CHECK(t->year >= SPAN0 && t->year2 <= SPAN1);
  }
  CHECK(ndata >= 1 && ndata == ts.file[1].nentries);
  /* The R&D series: 1960-1980 from the White Papers, 1981-2000 OECD, on the OECD's basis
   * (the measurement equation rd_oecd = w_rd rd_total), no sd column: the target's scale. */
  const rs_target *rd = find(&ts, "rd_gdp");
  CHECK(rd != NULL);
  if (rd) {
    CHECK(rd->origin == RS_TO_DATA && rd->kind == RS_TK_SERIES && rd->indicator == RS_I_RD_OECD);
    CHECK(strcmp(rd->series_file, "params/data/rd_gdp_japan.csv") == 0);
    CHECK(rd->npoints == 35 && rd->sx[0] == 1960.0 && rd->sx[34] == 2000.0 && rd->ssd == NULL);
  }
  /* Every data target the issue of relsim 0.2 asks for: investment, growth by decade, R&D. */
  static const char *const ids[] = {"investment_rate",  "gdp_growth_1955_60", "gdp_growth_1960s",
                                    "gdp_growth_1970s", "gdp_growth_1980s",   "gdp_growth_1990s",
                                    "rd_gdp",           "subcontract_share",  "tfp_level"};
  for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
    const rs_target *t = find(&ts, ids[k]);
    CHECK(t != NULL && t->origin == RS_TO_DATA && t->modelled);
    if (!t) fprintf(stderr, "  missing data target %s\n", ids[k]);
  }
  if (load_ok(paths, 2, 1, &paper)) {
    CHECK(paper.n == ts.n - ndata && paper.file[1].ndropped == ndata);
    CHECK(find(&paper, "rd_gdp") == NULL);
    rs_targets_free(&paper);
  }
  rs_targets_free(&ts);
}

/* ---------------------------------------------------------------- the model's own output */

static void a_series_read_from_the_models_own_output_has_zero_residuals(void) {
  rs_series s;
  make_yearly(&s);
  double *dS = make_sens(&s);
  rs_buf csv, csv_sd;
  rs_buf_init(&csv);
  rs_buf_init(&csv_sd);
  rs_buf_printf(&csv, "# written by test_targets from a hand-made run\nyear,value\n");
  for (int i = 0; i < s.nrows; i += 3) {
    char y[32], v[32];
    rs_buf_printf(&csv, "%s,%s\n", rs_format_double(s.year[i], y),
                  rs_format_double(rs_series_at(&s, i, RS_I_S), v));
    rs_buf_printf(&csv_sd, "%s,%s,0.01  # sd\n", rs_format_double(s.year[i], y),
                  rs_format_double(rs_series_at(&s, i, RS_I_E), v));
  }
  char path[1024], cfg[1024];
  rs_error err;
  write_scratch("own_s.csv", csv.data, path, sizeof path);
  write_scratch("own_e.csv", csv_sd.data, path, sizeof path);
  write_scratch("own.cfg",
                ORIGIN
                "targets = (\n"
                "  { id = \"own_s\"; " CITE
                "    kind = \"series\"; indicator = \"s\"; file = \"own_s.csv\"; scale = 0.02; },\n"
                "  { id = \"own_e\"; " CITE
                "    kind = \"series\"; indicator = \"e\"; file = \"own_e.csv\"; }\n);\n",
                cfg, sizeof cfg);
  rs_targets ts;
  rs_status st = rs_targets_load(cfg, SPAN0, SPAN1, &ts, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) fprintf(stderr, "  %s\n", err.msg);
  CHECK(ts.n == 2 && rs_targets_nresiduals(&ts) == 32);
  for (int k = 0; st == RS_OK && k < ts.n; k++) {
    double res[MAXRES], jac[MAXRES * NS], m = -1.0;
    CHECK(rs_target_eval(&ts.t[k], &s, dS, NS, &m, res, jac, &err) == RS_OK);
    CHECK(m == 0.0);
    for (int r = 0; r < ts.t[k].npoints; r++) CHECK(res[r] == 0.0);
  }
  rs_targets_free(&ts);
  rs_buf_free(&csv);
  rs_buf_free(&csv_sd);
  free(dS);
  free_run(&s);
}

int main(void) {
  RUN(the_shipped_target_file_loads_with_the_run_span_1955_to_2000);
  RUN(the_shipped_file_has_an_entry_for_every_row_and_further_figure_of_targets_md);
  RUN(every_shipped_entry_cites_the_paper_and_unmodelled_ones_say_why);
  RUN(the_shipped_targets_map_the_figures_as_targets_md_says);
  RUN(every_shipped_target_evaluates_on_a_yearly_run_with_derivatives);
  RUN(a_point_is_the_scaled_difference_in_its_year);
  RUN(a_mean_growth_uses_the_trapezoid_rule_on_the_output_rows);
  RUN(a_ratio_divides_the_later_year_by_the_earlier);
  RUN(a_max_in_takes_the_largest_row_of_the_span);
  RUN(an_order_is_zero_when_satisfied_and_the_scaled_excess_when_violated);
  RUN(a_crossing_inside_its_span_has_zero_residual);
  RUN(a_crossing_outside_its_span_counts_the_years_outside);
  RUN(a_crossing_that_never_happens_measures_the_gap_in_the_span);
  RUN(a_range_is_zero_inside_and_the_scaled_distance_outside);
  RUN(a_series_interpolates_between_rows_with_and_without_sd);
  RUN(the_fixture_series_files_load_relative_to_their_target_file);
  RUN(an_unmodelled_target_has_no_residual_and_no_model_value);
  RUN(a_year_off_the_output_grid_or_outside_the_run_is_a_run_error);
  RUN(every_kind_has_the_exact_derivative_of_its_residual);
  RUN(an_unknown_kind_is_an_error_with_the_closest_kind);
  RUN(an_unknown_indicator_is_an_error_with_the_closest_name);
  RUN(a_year_outside_the_run_span_is_an_error);
  RUN(a_value_and_a_range_both_or_neither_are_errors);
  RUN(a_zero_scale_is_an_error);
  RUN(a_duplicate_id_is_an_error_naming_the_first);
  RUN(an_unknown_field_is_an_error_with_the_closest_field);
  RUN(an_unmodelled_entry_needs_a_reason_and_every_entry_a_citation);
  RUN(a_syntax_error_gives_the_line_from_libconfig);
  RUN(a_missing_target_file_is_an_io_error);
  RUN(a_missing_series_file_is_an_error_at_its_file_setting);
  RUN(a_malformed_series_line_is_an_error_at_its_line_in_the_series_file);
  RUN(two_files_load_together_in_file_order_with_every_entry);
  RUN(a_base_is_loaded_before_the_file_that_names_it_along_the_chain);
  RUN(a_cycle_of_base_files_is_an_error_naming_the_chain);
  RUN(a_missing_base_names_the_resolved_path_and_the_file_that_names_it);
  RUN(a_duplicate_id_across_files_names_both_locations);
  RUN(a_file_loaded_twice_is_an_error_naming_how_it_came_first);
  RUN(paper_only_drops_the_data_entries_and_counts_them);
  RUN(a_missing_or_unknown_origin_is_an_error_at_its_file_and_line);
  RUN(a_data_entry_without_its_source_is_an_error_at_its_line);
  RUN(the_shipped_data_file_loads_and_every_data_entry_cites_a_source);
  RUN(a_series_read_from_the_models_own_output_has_zero_residuals);
  return CHECK_DONE();
}
