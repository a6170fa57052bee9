/* tests/test_model.c -- the equations of relsim (model/) and a model run (sim/).
 * The RHS against a hand computation from the equations documented at the top of model.c, the
 * analytic Jacobian against central differences (also at the smoothed kinks), the baseline's
 * first row, stocks in range under extreme parameters, events switched off, event shapes and
 * edges, time tables, and determinism. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "model.h"
#include "sim.h"

/* ---------------------------------------------------------------- helpers */

static rs_event make_event(const char *name, int shape, int channel, double start, double end,
                           double magnitude) {
  rs_event ev;
  memset(&ev, 0, sizeof ev);
  snprintf(ev.name, sizeof ev.name, "%s", name);
  ev.enabled = true;
  ev.shape = shape;
  ev.channel = channel;
  ev.start = start;
  ev.end = end;
  ev.magnitude = magnitude;
  return ev;
}

static void add_event(rs_params *p, rs_event ev) {
  if (p->nevents < RS_EVENT_MAX) p->events[p->nevents++] = ev;
}

static void disable_event(rs_params *p, const char *name) {
  int i = rs_params_find_event(p, name);
  CHECK(i >= 0);
  if (i >= 0) p->events[i].enabled = false;
}

/* Prepare a model from p and put it in a segment that contains t and no edge. */
static void prepare_at(rs_model *m, const rs_params *p, double t) {
  rs_model_prepare(m, p);
  rs_model_set_segment(m, t - 0.25, t + 0.25);
}

/* Run p; on success out holds the series. */
static rs_status run(rs_sim *sim, const rs_params *p, rs_series *out, rs_solver_stats *st,
                     rs_error *err) {
  rs_status v = rs_params_validate(p, err);
  CHECK(v == RS_OK);
  if (v != RS_OK) {
    fprintf(stderr, "  invalid parameters: %s\n", err->msg);
    return v;
  }
  return rs_sim_run(sim, p, out, st, err);
}

static int row_of_year(const rs_series *s, double year) {
  for (int i = 0; i < s->nrows; i++)
    if (s->year[i] == year) return i;
  return -1;
}

/* ---------------------------------------------------------------- the RHS by hand */

/* pos(x) = 0.5 (x + sqrt(x^2 + w^2)), the smooth positive part of model.c's opening comment. */
static double hpos(double x, double w) {
  return 0.5 * (x + sqrt(x * x + w * w));
}

/* Exogenous values at one time, worked out by hand from the default tables and the events. */
typedef struct exo {
  double t;
  double gf, n, rdp;    /* g_f(t), n(t), rd_pub(t) = rd_public(t) + public_rd(t) */
  double rdf;           /* rd_f(t) = rd_frontier(t) */
  double int_gf, int_n; /* integrals of g_f and n from 1955 to t */
  double tfp, yen, bubble, burst, pressure, crisis, reform, entry, erosion; /* channels */
} exo;

/* dy/dt from the equations in the opening comment of model.c, written out independently of its
 * code (same order of the state: a, K, s, R, G, rd_b, e, F). */
static void rhs_by_hand(const rs_params *p, const exo *x, const double *y, double *dy) {
  const double *v = p->v;
  double a = y[0], K = y[1], s = y[2], R = y[3], G = y[4], rdb = y[5], e = y[6], F = y[7];
  double w = v[RS_P_SMOOTH], alpha = v[RS_P_ALPHA];
  /* Y = Z a A_f K^alpha L^(1-alpha), Z = 1/(a0 K0^alpha), K0 = alpha/r0 */
  double K0 = alpha / v[RS_P_INIT_R_RETURN];
  double Z = 1.0 / (v[RS_P_INIT_A] * pow(K0, alpha));
  double Af = exp(x->int_gf), L = exp(x->int_n);
  double Y = Z * a * Af * pow(K, alpha) * pow(L, 1.0 - alpha);
  double r = alpha * Y / K;
  /* manufacturing a_m = w_mfg a; B = beta R pos(1 - a_m), C = gamma R a_m^m */
  double am = v[RS_P_W_MFG] * a;
  double B = v[RS_P_BETA] * R * hpos(1.0 - am, w);
  double C = v[RS_P_GAMMA] * R * pow(am, v[RS_P_M_EXP]);
  /* da/dt = a [(lambda + mu rd/rd_f)(1 - a) + B - C + eta (rd - rd_f) - tfp(t)],
   * rd = rd_b + rd_pub */
  double rd = rdb + x->rdp;
  double ga = (v[RS_P_LAMBDA] + v[RS_P_MU] * rd / x->rdf) * (1.0 - a) + B - C +
              v[RS_P_ETA] * (rd - x->rdf) - x->tfp;
  dy[0] = a * ga;
  /* dK/dt = s Y - delta K */
  dy[1] = s * Y - v[RS_P_DELTA] * K;
  /* g_K = s Y/K - delta, g_Y = g_a + g_f + alpha g_K + (1-alpha) n,
   * g_pot = (g_a + g_f)/(1 - alpha) + n */
  double gK = s * Y / K - v[RS_P_DELTA];
  double gY = ga + x->gf + alpha * gK + (1.0 - alpha) * x->n;
  double gpot = (ga + x->gf) / (1.0 - alpha) + x->n;
  /* s* = clamp(s0 + sigma_R R + sigma_r (r - r_ref) + sigma_g (g_pot - g_norm) + sigma_b bubble;
   * s_max), clamp(x; c) = pos(x) - pos(x - c); ds/dt = (s* - s)/tau_s */
  double sraw = v[RS_P_S0] + v[RS_P_SIGMA_R] * R + v[RS_P_SIGMA_RET] * (r - v[RS_P_R_REF]) +
                v[RS_P_SIGMA_G] * (gpot - v[RS_P_G_NORM]) + v[RS_P_SIGMA_B] * x->bubble;
  double sstar = hpos(sraw, w) - hpos(sraw - v[RS_P_S_MAX], w);
  dy[2] = (sstar - s) / v[RS_P_TAU_S];
  /* P = pos(C - B) + burst + pressure; relief = omega_s min(G/G_full, 1) with the smooth
   * min(x, 1) = x - pos(x - 1); erosion = kappa_e (1 + erosion(t)) pos(P (1 - relief) - omega G);
   * dR/dt = kappa_b (1-R) pos(B - C) - erosion R - reform R */
  double P = hpos(C - B, w) + x->burst + x->pressure;
  double gr = G / v[RS_P_G_FULL];
  double relief = v[RS_P_OMEGA_S] * (gr - hpos(gr - 1.0, w));
  double erosion =
      v[RS_P_KAPPA_E] * (1.0 + x->erosion) * hpos(P * (1.0 - relief) - v[RS_P_OMEGA] * G, w);
  dy[3] = v[RS_P_KAPPA_B] * (1.0 - R) * hpos(B - C, w) - erosion * R - x->reform * R;
  /* dG/dt = chi R (P + yen) (1 - G/G_max) - delta_G G - crisis (1 - b_R R) G */
  dy[4] = v[RS_P_CHI] * R * (P + x->yen) * (1.0 - G / v[RS_P_G_MAX]) - v[RS_P_DELTA_G] * G -
          x->crisis * (1.0 - v[RS_P_B_R] * R) * G;
  /* rd* = clamp(rho0 + rho_a min(a_m, 1) + rho_pi (g_Y - g_K) - rho_R R a_m^m - rho_b bubble;
   * rd_max), with the smooth min(a_m, 1) = a_m - pos(a_m - 1); d rd_b/dt = (rd* - rd_b)/tau_rd */
  double rdraw = v[RS_P_RHO0] + v[RS_P_RHO_A] * (am - hpos(am - 1.0, w)) +
                 v[RS_P_RHO_PI] * (gY - gK) - v[RS_P_RHO_R] * R * pow(am, v[RS_P_M_EXP]) -
                 v[RS_P_RHO_B] * x->bubble;
  double rdstar = hpos(rdraw, w) - hpos(rdraw - v[RS_P_RD_MAX], w);
  dy[5] = (rdstar - rdb) / v[RS_P_TAU_RD];
  /* e* = clamp(e0 + e_g g_Y - e_R R + entry; e_max), de/dt = (e* - e)/tau_e */
  double eraw = v[RS_P_E0] + v[RS_P_E_G] * gY - v[RS_P_E_R] * R + x->entry;
  double estar = hpos(eraw, w) - hpos(eraw - v[RS_P_E_MAX], w);
  dy[6] = (estar - e) / v[RS_P_TAU_E];
  /* x = x0 + x_g pos(g_ref - g_Y) + x_b burst, dF/dt = (e - x) F */
  double close = v[RS_P_X0] + v[RS_P_X_G] * hpos(v[RS_P_G_REF] - gY, w) + v[RS_P_X_B] * x->burst;
  dy[7] = (e - close) * F;
}

static void compare_rhs(const char *label, const rs_params *p, const exo *x, const double *y) {
  rs_model m;
  prepare_at(&m, p, x->t);
  double got[RS_NSTATE], want[RS_NSTATE];
  CHECK(rs_model_rhs(&m, x->t, y, got) == 0);
  rhs_by_hand(p, x, y, want);
  for (int i = 0; i < RS_NSTATE; i++) {
    double d = fabs(got[i] - want[i]);
    if (!(d <= 1e-12 * fabs(want[i])))
      fprintf(stderr, "  %s: d%s/dt = %.17g, by hand %.17g\n", label, rs_state_name(i), got[i],
              want[i]);
    CHECK_REL(got[i], want[i], 1e-12);
  }
}

/* The default tables (registry.c), by hand. g_f: 0.00986 to 1972.5, -0.0028 from 1973.5 to
 * 1979.5, 0.00668 from 1980.5 to 1989.5, 0.00779 from 1990.5 to 1999.5 (linear across each
 * boundary year). n: 0.02623 to 1959.5, 0.02188 from 1960.5 to 1969.5, 0.01487 from 1970.5 to
 * 1979.5, 0.01464 from 1980.5 to 1989.5, 0.00639 from 1990.5 to 1999.5. rd_public: 0.00368
 * (1963), 0.00391 (1965), 0.00480 (1975), 0.00479 (1978 on). rd_frontier: 0.0245 (1970), 0.0212
 * (1975), 0.0221 (1980), 0.0264 (1985), 0.0255 (1990), 0.0240 (1995), 0.0249 (1998). */
#define GF1 0.00986
#define GF2 (-0.0028)
#define GF3 0.00668
#define GF4 0.00779
#define N1 0.02623
#define N2 0.02188
#define N3 0.01487
#define N4 0.01464
#define N5 0.00639
/* Integrals from 1955 to the end of each boundary year (1973.5, 1980.5, 1990.5; 1960.5, 1970.5,
 * 1980.5, 1990.5): the constant pieces and the trapezoids of the one-year changes. */
#define IGF_1973_5 (17.5 * GF1 + 0.5 * (GF1 + GF2))
#define IGF_1980_5 (IGF_1973_5 + 6.0 * GF2 + 0.5 * (GF2 + GF3))
#define IGF_1990_5 (IGF_1980_5 + 9.0 * GF3 + 0.5 * (GF3 + GF4))
#define IN_1970_5 (4.5 * N1 + 0.5 * (N1 + N2) + 9.0 * N2 + 0.5 * (N2 + N3))
#define IN_1980_5 (IN_1970_5 + 9.0 * N3 + 0.5 * (N3 + N4))
#define IN_1990_5 (IN_1980_5 + 9.0 * N4 + 0.5 * (N4 + N5))

static void the_rhs_matches_a_hand_computation_from_the_documented_equations(void) {
  rs_params p;

  /* 1974.5: oil1 (tfp 0.02) and an added entry pulse 1974-76 (0.02). */
  rs_params_defaults(&p);
  add_event(&p, make_event("entry_push", RS_SHAPE_PULSE, RS_CH_ENTRY, 1974.0, 1976.0, 0.02));
  exo x1 = {.t = 1974.5,
            .gf = GF2,
            .n = N3,
            .rdp = 0.00391 + 0.95 * (0.00480 - 0.00391), /* 1965 -> 1975 */
            .rdf = 0.0245 - 4.5 / 5.0 * 0.0033,          /* 1970 0.0245 -> 1975 0.0212 */
            .int_gf = IGF_1973_5 + 1.0 * GF2,
            .int_n = IN_1970_5 + 4.0 * N3,
            .tfp = 0.02,
            .entry = 0.02};
  const double y1[RS_NSTATE] = {0.78, 3.1, 0.33, 0.55, 0.12, 0.011, 0.06, 1.7};
  compare_rhs("1974.5", &p, &x1, y1);

  /* 1980.5 with one event active: a reform step from 1980 (0.05/yr); oil2 ended in 1980. */
  rs_params_defaults(&p);
  add_event(&p, make_event("reform", RS_SHAPE_STEP, RS_CH_REFORM, 1980.0, (double)NAN, 0.05));
  exo x2 = {.t = 1980.5,
            .gf = GF3,
            .n = N4,
            .rdp = 0.00479,                     /* flat after 1978 */
            .rdf = 0.0221 + 0.5 / 5.0 * 0.0043, /* 1980 0.0221 -> 1985 0.0264 */
            .int_gf = IGF_1980_5,
            .int_n = IN_1980_5,
            .reform = 0.05};
  const double y2[RS_NSTATE] = {0.85, 2.3, 0.30, 0.60, 0.40, 0.015, 0.05, 1.4};
  compare_rhs("1980.5", &p, &x2, y2);

  /* 1987.5: plaza (yen 0.03) and the bubble (1.0); erosion twice as fast (an added step). */
  rs_params_defaults(&p);
  add_event(&p, make_event("faster", RS_SHAPE_STEP, RS_CH_EROSION, 1987.0, (double)NAN, 1.0));
  exo x3 = {.t = 1987.5,
            .gf = GF3,
            .n = N4,
            .rdp = 0.00479,
            .rdf = 0.0264 - 2.5 / 5.0 * 0.0009, /* 1985 0.0264 -> 1990 0.0255 */
            .int_gf = IGF_1980_5 + 7.0 * GF3,
            .int_n = IN_1980_5 + 7.0 * N4,
            .yen = 0.03,
            .bubble = 1.0,
            .erosion = 1.0};
  const double y3[RS_NSTATE] = {0.92, 9.5, 0.36, 0.80, 0.70, 0.021, 0.045, 2.6};
  compare_rhs("1987.5", &p, &x3, y3);

  /* 1993: plaza (0.03), burst (0.01), US pressure (0.01), the slump (tfp 0.005). */
  rs_params_defaults(&p);
  exo x4 = {.t = 1993.0,
            .gf = GF4,
            .n = N5,
            .rdp = 0.00479,
            .rdf = 0.0255 - 3.0 / 5.0 * 0.0015, /* 1990 0.0255 -> 1995 0.0240 */
            .int_gf = IGF_1990_5 + 2.5 * GF4,
            .int_n = IN_1990_5 + 2.5 * N5,
            .tfp = 0.005,
            .yen = 0.03,
            .burst = 0.01,
            .pressure = 0.01};
  const double y4[RS_NSTATE] = {0.96, 30.0, 0.38, 0.82, 0.85, 0.022, 0.042, 3.0};
  compare_rhs("1993.0", &p, &x4, y4);
  /* The same with a network beyond G_full (full relief) and the 0.1 absolute absorption on. */
  p.v[RS_P_OMEGA] = 0.004;
  const double y4b[RS_NSTATE] = {0.96, 30.0, 0.38, 0.82, 1.4, 0.022, 0.042, 3.0};
  compare_rhs("1993.0, G > G_full", &p, &x4, y4b);

  /* 1998: plaza, burst, the Asian crisis (0.3), the slump and the Basic Plan ramp on public R&D
   * (0.0012 from 1996 to 2001: 2/5 of it by 1998). */
  rs_params_defaults(&p);
  exo x5 = {.t = 1998.0,
            .gf = GF4,
            .n = N5,
            .rdp = 0.00479 + 0.4 * 0.0012,
            .rdf = 0.0249, /* a table point */
            .int_gf = IGF_1990_5 + 7.5 * GF4,
            .int_n = IN_1990_5 + 7.5 * N5,
            .tfp = 0.005,
            .yen = 0.03,
            .burst = 0.01,
            .crisis = 0.3};
  const double y5[RS_NSTATE] = {0.97, 40.0, 0.39, 0.84, 0.95, 0.023, 0.041, 3.2};
  compare_rhs("1998.0", &p, &x5, y5);
}

/* ---------------------------------------------------------------- the Jacobian */

/* The worst ratio error / allowance over every comparison of the Jacobian (for
 * RELSIM_TEST_VERBOSE). */
static double jac_worst = 0.0;

/* Scale of state component j for differences: its size, or 0.01 for a stock near zero. */
static double state_scale(const double *y, int j) {
  return fmax(fabs(y[j]), 1e-2);
}

/* Fourth-order central differences of rs_model_rhs, column by column, with step h = hrel times
 * the component's scale: f' = (-f(+2h) + 8 f(+h) - 8 f(-h) + f(-2h)) / 12h, truncation
 * h^4 f^(5)/30. With hrel = 1e-6 the truncation stays below 1e-9 relative even at the smoothed
 * kinks (width w = 1e-4, so f^(5) ~ 1/w^4 there); the rounding error grows as 1/h. */
static void jac_by_differences(const rs_model *m, double t, const double *y, double hrel,
                               double *J) {
  static const double step[4] = {2.0, 1.0, -1.0, -2.0}, weight[4] = {-1.0, 8.0, -8.0, 1.0};
  for (int j = 0; j < RS_NSTATE; j++) {
    double h = hrel * state_scale(y, j);
    double acc[RS_NSTATE] = {0};
    for (int k = 0; k < 4; k++) {
      double yk[RS_NSTATE], fk[RS_NSTATE];
      memcpy(yk, y, sizeof yk);
      yk[j] += step[k] * h;
      CHECK(rs_model_rhs(m, t, yk, fk) == 0);
      for (int i = 0; i < RS_NSTATE; i++) acc[i] += weight[k] * fk[i];
    }
    for (int i = 0; i < RS_NSTATE; i++) J[j * RS_NSTATE + i] = acc[i] / (12.0 * h);
  }
}

/* Compare, scale-aware: each entry to 1e-6 relative, plus the error of the differences
 * themselves, estimated from their spread over the steps h/4 ... 4h (the rounding error grows
 * as 1/h, so the spread is at least about three times that at h), plus a floor of
 * 1e-8 |f_i| / scale_j for entries whose effect on f_i is negligible against f_i itself.
 * Rounding makes the spread large where an entry is tiny against terms that cancel inside f_i
 * (the smooth positive part far from its kink, 0.5 (x + sqrt(x^2 + w^2)) with x << 0, is such a
 * case); a wrong entry differs by far more. Returns the worst ratio error / allowance. */
static double compare_jac(const char *label, const rs_model *m, double t, const double *y) {
  enum { NH = 4 };
  static const double hrel[NH] = {0.25e-6, 0.5e-6, 2e-6, 4e-6};
  double J[RS_NSTATE * RS_NSTATE], D[RS_NSTATE * RS_NSTATE], f[RS_NSTATE];
  double Dh[NH][RS_NSTATE * RS_NSTATE];
  CHECK(rs_model_jac(m, t, y, J) == 0);
  CHECK(rs_model_rhs(m, t, y, f) == 0);
  jac_by_differences(m, t, y, 1e-6, D);
  for (int h = 0; h < NH; h++) jac_by_differences(m, t, y, hrel[h], Dh[h]);
  double worst = 0.0;
  for (int i = 0; i < RS_NSTATE; i++) {
    for (int j = 0; j < RS_NSTATE; j++) {
      int k = j * RS_NSTATE + i;
      double a = J[k], d = D[k];
      double spread = 0.0;
      for (int h = 0; h < NH; h++) spread = fmax(spread, fabs(d - Dh[h][k]));
      double allow = 1e-6 * fabs(a) + spread + 1e-8 * fabs(f[i]) / state_scale(y, j) + 1e-300;
      double ratio = fabs(a - d) / allow;
      if (ratio > 1.0)
        fprintf(stderr, "  %s: d f_%s / d %s = %.10g, differences %.10g (spread %.3g)\n", label,
                rs_state_name(i), rs_state_name(j), a, d, spread);
      CHECK(ratio <= 1.0);
      if (ratio > worst) worst = ratio;
    }
  }
  if (worst > jac_worst) jac_worst = worst;
  return worst;
}

/* Bisection on state component j in [lo, hi] for a zero of indicator ind minus target. */
static double solve_state(rs_model *m, double t, double *y, int j, double lo, double hi, int ind,
                          double target) {
  double out[RS_NINDICATOR];
  y[j] = lo;
  rs_model_indicators(m, t, y, out);
  double glo = out[ind] - target;
  for (int it = 0; it < 200; it++) {
    y[j] = 0.5 * (lo + hi);
    rs_model_indicators(m, t, y, out);
    double g = out[ind] - target;
    if ((g < 0) == (glo < 0)) {
      lo = y[j];
      glo = g;
    } else {
      hi = y[j];
    }
  }
  return y[j];
}

static void the_analytic_jacobian_matches_central_differences_also_at_the_kinks(void) {
  rs_params p;
  rs_params_defaults(&p);
  add_event(&p, make_event("reform", RS_SHAPE_PULSE, RS_CH_REFORM, 1992.0, 1994.0, 0.05));
  add_event(&p, make_event("entry_push", RS_SHAPE_STEP, RS_CH_ENTRY, 1992.5, (double)NAN, 0.01));
  rs_model m;
  double out[RS_NINDICATOR];

  /* Generic states at several times (the events of each time active). */
  const double times[4] = {1960.5, 1974.5, 1988.0, 1993.0};
  const double states[4][RS_NSTATE] = {{0.65, 1.3, 0.22, 0.3, 0.03, 0.006, 0.064, 1.1},
                                       {0.80, 3.0, 0.33, 0.55, 0.12, 0.011, 0.06, 1.7},
                                       {0.92, 9.5, 0.36, 0.80, 0.70, 0.021, 0.045, 2.6},
                                       {0.96, 30.0, 0.38, 0.82, 0.85, 0.022, 0.042, 3.0}};
  for (int k = 0; k < 4; k++) {
    prepare_at(&m, &p, times[k]);
    char label[64];
    snprintf(label, sizeof label, "state at %.1f", times[k]);
    compare_jac(label, &m, times[k], states[k]);
  }

  /* Near the flip B = C (a_m about 0.89 with R = 0.5): the kinks of pos(B - C), pos(C - B). */
  double y[RS_NSTATE] = {0.9, 8.0, 0.35, 0.5, 0.5, 0.02, 0.05, 2.0};
  prepare_at(&m, &p, 1993.0);
  solve_state(&m, 1993.0, y, RS_A, 0.85 / p.v[RS_P_W_MFG], 0.95 / p.v[RS_P_W_MFG],
              RS_I_NET_RELATIONAL, 0.0);
  rs_model_indicators(&m, 1993.0, y, out);
  CHECK(fabs(out[RS_I_NET_RELATIONAL]) < 1e-12);
  const double offsets[5] = {0.0, 3e-5, -3e-5, 3e-4, -3e-4}; /* in a: within a few w/beta R */
  double a_flip = y[RS_A];
  for (int k = 0; k < 5; k++) {
    y[RS_A] = a_flip + offsets[k];
    compare_jac("near B = C", &m, 1993.0, y);
  }
  y[RS_A] = a_flip;

  /* Near a_m = w_mfg a = 1: the kink of pos(1 - a_m) and of min(a_m, 1). */
  const double near_one[5] = {1.0, 1.0 - 1e-5, 1.0 + 1e-5, 1.0 - 1e-4, 1.0 + 1e-4};
  for (int k = 0; k < 5; k++) {
    y[RS_A] = near_one[k] / p.v[RS_P_W_MFG];
    compare_jac("near a_m = 1", &m, 1993.0, y);
  }

  /* Near G = G_full: the kink of the relief omega_s min(G/G_full, 1). */
  y[RS_A] = 0.95 / p.v[RS_P_W_MFG];
  const double near_full[3] = {1.0, 1.0 - 1e-5, 1.0 + 1e-5};
  for (int k = 0; k < 3; k++) {
    y[RS_G] = near_full[k] * p.v[RS_P_G_FULL];
    compare_jac("near G = G_full", &m, 1993.0, y);
  }

  /* Near P (1 - relief) = omega G: the kink of the unabsorbed pressure pos(q), with the
   * absolute absorption of relsim 0.1 switched on so that q crosses zero inside the range. */
  rs_params p2 = p;
  p2.v[RS_P_OMEGA] = 0.05;
  rs_model m2;
  prepare_at(&m2, &p2, 1993.0);
  double glo = 0.0, ghi = p2.v[RS_P_G_MAX] * 0.99;
  for (int it = 0; it < 200; it++) {
    y[RS_G] = 0.5 * (glo + ghi);
    rs_model_indicators(&m2, 1993.0, y, out);
    double q = out[RS_I_PRESSURE] * (1.0 - out[RS_I_RELIEF]) - p2.v[RS_P_OMEGA] * y[RS_G];
    if (q > 0)
      glo = y[RS_G];
    else
      ghi = y[RS_G];
  }
  CHECK(y[RS_G] > 0.01 && y[RS_G] < p2.v[RS_P_G_MAX] * 0.98);
  compare_jac("near q = 0", &m2, 1993.0, y);
  y[RS_G] *= 1.0 + 1e-3;
  compare_jac("near q = 0 (above)", &m2, 1993.0, y);
  y[RS_G] = 0.5;

  /* Near g_Y = g_ref: the kink of the closure rate. */
  solve_state(&m, 1993.0, y, RS_S, 0.0, 0.9, RS_I_GDP_GROWTH, p.v[RS_P_G_REF]);
  rs_model_indicators(&m, 1993.0, y, out);
  CHECK_REL(out[RS_I_GDP_GROWTH], p.v[RS_P_G_REF], 1e-9);
  compare_jac("near g_Y = g_ref", &m, 1993.0, y);

  /* Near rd* = 0: the kink of target business R&D (a low a without ties), found by bisection
   * on a with the documented target (rho0 + rho_a min(a_m, 1) + rho_pi (g_Y - g_K)
   * - rho_R R a_m^m - rho_b bubble) from the indicators. */
  double z[RS_NSTATE] = {0.5, 1.5, 0.2, 0.02, 0.02, 0.003, 0.06, 1.0};
  prepare_at(&m, &p, 1960.5);
  double lo = 0.05, hi = 0.8, wsm = p.v[RS_P_SMOOTH];
  for (int it = 0; it < 200; it++) {
    z[RS_A] = 0.5 * (lo + hi);
    rs_model_indicators(&m, 1960.5, z, out);
    double am = out[RS_I_A_MFG];
    double raw = p.v[RS_P_RHO0] + p.v[RS_P_RHO_A] * (am - hpos(am - 1.0, wsm)) +
                 p.v[RS_P_RHO_PI] * out[RS_I_PROFIT_GROWTH] -
                 p.v[RS_P_RHO_R] * z[RS_R] * pow(am, p.v[RS_P_M_EXP]);
    if (raw < 0)
      lo = z[RS_A];
    else
      hi = z[RS_A];
  }
  CHECK(z[RS_A] > 0.06 && z[RS_A] < 0.79);
  compare_jac("near rd* = 0", &m, 1960.5, z);
  z[RS_A] *= 1.0 + 1e-3;
  compare_jac("near rd* = 0 (above)", &m, 1960.5, z);
  if (getenv("RELSIM_TEST_VERBOSE"))
    printf("  Jacobian: worst difference %.3g of its allowance\n", jac_worst);
}

/* ---------------------------------------------------------------- the baseline */

static void the_baseline_starts_in_1955_at_a_042_r_034_and_y_1(void) {
  rs_error err = {""};
  rs_sim *sim = rs_sim_alloc(&err);
  CHECK(sim != NULL);
  if (!sim) return;
  rs_params p;
  rs_params_defaults(&p);
  rs_series s;
  rs_series_init(&s);
  rs_solver_stats st;
  rs_status rc = run(sim, &p, &s, &st, &err);
  CHECK(rc == RS_OK);
  if (rc == RS_OK) {
    CHECK(s.nrows == 46);
    CHECK(s.year[0] == 1955.0 && s.year[s.nrows - 1] == 2000.0);
    CHECK(rs_series_at(&s, 0, RS_I_A) == 0.42);
    CHECK_REL(rs_series_at(&s, 0, RS_I_RET), 0.34, 1e-14);
    CHECK_REL(rs_series_at(&s, 0, RS_I_Y), 1.0, 1e-14);
    CHECK_REL(rs_series_at(&s, 0, RS_I_K), 0.39 / 0.34, 1e-15);
    /* The other stocks start at their initial.* values. */
    CHECK(rs_series_at(&s, 0, RS_I_S) == 0.249);
    CHECK(rs_series_at(&s, 0, RS_I_R) == 0.20);
    CHECK(rs_series_at(&s, 0, RS_I_F) == 1.0);
    /* One segment per stretch between the 12 distinct edges of the default events inside
     * 1955-2000 (the slump starts with the burst and ends with the run). */
    CHECK(st.segments == 13);
    /* The work of a run, for the record (and against a blow-up of it). */
    CHECK(st.steps > 0 && st.steps < 2000);
    CHECK(st.rhs_evals < 3 * st.steps + 100);
  } else {
    fprintf(stderr, "  %s\n", err.msg);
  }
  rs_series_free(&s);
  rs_sim_free(sim);
}

/* ---------------------------------------------------------------- extreme parameters */

/* Rows whose stocks dip below zero by less than the absolute tolerance (see check_ranges). */
static int tiny_negative_rows = 0;

/* Every row of a successful run has its stocks in their physical ranges: a, K, F > 0; s, R, G,
 * rd_b, e >= 0; R <= 1, G <= G_max, s <= s_max. The tiny tolerance: the solver's atol below zero
 * (outputs come from CVODE's interpolant, which the constraints do not bind: see test_solver's
 * constraints_hold_at_interpolated_outputs_too; such rows are counted in tiny_negative_rows),
 * and 10 (rtol + atol) above the upper bounds. Returns the number of rows out of range. */
static int check_ranges(const char *label, const rs_params *p, const rs_series *s) {
  double atol = p->v[RS_P_SOLVER_ATOL];
  double tol = 10.0 * (p->v[RS_P_SOLVER_RTOL] + atol);
  int bad = 0;
  for (int i = 0; i < s->nrows; i++) {
    double a = rs_series_at(s, i, RS_I_A), K = rs_series_at(s, i, RS_I_K);
    double sv = rs_series_at(s, i, RS_I_S), R = rs_series_at(s, i, RS_I_R);
    double G = rs_series_at(s, i, RS_I_G), rdb = rs_series_at(s, i, RS_I_RDB);
    double e = rs_series_at(s, i, RS_I_E), F = rs_series_at(s, i, RS_I_F);
    int ok = a > 0 && K > 0 && F > 0 && sv >= -atol && R >= -atol && G >= -atol && rdb >= -atol &&
             e >= -atol && R <= 1.0 + tol && G <= p->v[RS_P_G_MAX] * (1.0 + tol) &&
             sv <= p->v[RS_P_S_MAX] * (1.0 + tol);
    for (int j = 0; j < RS_NSTATE; j++) ok = ok && isfinite(rs_series_at(s, i, j));
    if (ok && (sv < 0 || R < 0 || G < 0 || rdb < 0 || e < 0)) tiny_negative_rows++;
    if (!ok) {
      if (bad < 3)
        fprintf(stderr,
                "  %s: year %g out of range: a=%g K=%g s=%g R=%.17g G=%g rd_b=%g e=%g F=%g\n",
                label, s->year[i], a, K, sv, R, G, rdb, e, F);
      bad++;
    }
  }
  return bad;
}

/* Print every clean failure (the random corners only with RELSIM_TEST_VERBOSE set). */
static int verbose_failures = 1;

/* Tally of clean failures by CVODE flag ("failed with CV_... at"). */
enum { NTALLY = 8 };
typedef struct tally {
  char flag[NTALLY][40];
  int count[NTALLY];
} tally;

static void tally_add(tally *t, const char *msg) {
  const char *w = strstr(msg, "failed with ");
  char flag[40] = "other";
  if (w) sscanf(w + 12, "%39s", flag);
  for (int k = 0; k < NTALLY; k++) {
    if (t->count[k] == 0) snprintf(t->flag[k], sizeof t->flag[k], "%s", flag);
    if (strcmp(t->flag[k], flag) == 0) {
      t->count[k]++;
      return;
    }
  }
}

/* Run one parameter set; a failure must be a clean RS_ERR_RUN with a message, never a series
 * out of range. Returns 1 if the run failed (cleanly). */
static int run_in_range(rs_sim *sim, const char *label, const rs_params *p, tally *t) {
  rs_error err = {""};
  rs_series s;
  rs_series_init(&s);
  rs_status rc = run(sim, p, &s, NULL, &err);
  int failed = 0;
  if (rc == RS_OK) {
    CHECK(s.nrows == rs_sim_output_times(p, NULL));
    CHECK(check_ranges(label, p, &s) == 0);
  } else {
    CHECK(rc == RS_ERR_RUN);
    CHECK(s.nrows == 0);
    CHECK_STR_CONTAINS(err.msg, "simulated year");
    if (verbose_failures) fprintf(stderr, "  note: %s fails cleanly: %s\n", label, err.msg);
    if (t) tally_add(t, err.msg);
    failed = 1;
  }
  rs_series_free(&s);
  return failed;
}

static void stocks_stay_in_range_under_extreme_parameters(void) {
  rs_error err = {""};
  rs_sim *sim = rs_sim_alloc(&err);
  CHECK(sim != NULL);
  if (!sim) return;
  rs_params p;

  /* Maximum erosion and a maximal reform from 1980, no absorption. */
  rs_params_defaults(&p);
  p.v[RS_P_KAPPA_E] = 200.0;
  p.v[RS_P_OMEGA] = 0.0;
  add_event(&p, make_event("reform", RS_SHAPE_STEP, RS_CH_REFORM, 1980.0, (double)NAN, 10.0));
  run_in_range(sim, "max erosion and reform", &p, NULL);

  /* Maximum crisis, no bailouts, fast network decay. */
  rs_params_defaults(&p);
  p.events[rs_params_find_event(&p, "asian_crisis")].magnitude = 10.0;
  p.v[RS_P_B_R] = 0.0;
  p.v[RS_P_DELTA_G] = 0.5;
  run_in_range(sim, "max crisis", &p, NULL);

  /* No building of ties or network at all. */
  rs_params_defaults(&p);
  p.v[RS_P_KAPPA_B] = 0.0;
  p.v[RS_P_CHI] = 0.0;
  p.v[RS_P_BETA] = 0.0;
  run_in_range(sim, "zero building", &p, NULL);

  /* Maximum building from full ties. */
  rs_params_defaults(&p);
  p.v[RS_P_KAPPA_B] = 200.0;
  p.v[RS_P_BETA] = 1.0;
  p.v[RS_P_INIT_TIES] = 1.0;
  run_in_range(sim, "max building from R = 1", &p, NULL);

  /* Huge chi, smallest saturation, maximal yen push. */
  rs_params_defaults(&p);
  p.v[RS_P_CHI] = 100.0;
  p.v[RS_P_G_MAX] = 1.0;
  p.events[rs_params_find_event(&p, "plaza")].magnitude = 1.0;
  run_in_range(sim, "huge chi", &p, NULL);

  /* Tiny adjustment times. */
  rs_params_defaults(&p);
  p.v[RS_P_TAU_S] = p.v[RS_P_TAU_RD] = p.v[RS_P_TAU_E] = 0.25;
  run_in_range(sim, "tiny taus", &p, NULL);

  /* Largest and smallest smoothing width. */
  rs_params_defaults(&p);
  p.v[RS_P_SMOOTH] = 1e-2;
  run_in_range(sim, "large smooth width", &p, NULL);
  p.v[RS_P_SMOOTH] = 1e-7;
  run_in_range(sim, "tiny smooth width", &p, NULL);

  /* Investment pinned at its ceiling. */
  rs_params_defaults(&p);
  p.v[RS_P_S0] = 0.25;
  p.v[RS_P_SIGMA_R] = 1.0;
  p.v[RS_P_SIGMA_RET] = 5.0;
  p.v[RS_P_S_MAX] = 0.3;
  p.v[RS_P_INIT_S] = 0.29;
  add_event(&p, make_event("boom", RS_SHAPE_PULSE, RS_CH_BUBBLE, 1960.0, 1990.0, 5.0));
  run_in_range(sim, "s at its ceiling", &p, NULL);

  /* A steep flip far past the frontier with strong R&D. */
  rs_params_defaults(&p);
  p.v[RS_P_M_EXP] = 20.0;
  p.v[RS_P_GAMMA] = 0.2;
  p.v[RS_P_ETA] = 3.0;
  p.v[RS_P_RHO_A] = 0.5;
  p.v[RS_P_RHO0] = 0.1;
  run_in_range(sim, "steep flip past the frontier", &p, NULL);

  /* Violent start-up dynamics and every channel at its bound. */
  rs_params_defaults(&p);
  p.v[RS_P_E_G] = 5.0;
  p.v[RS_P_X_G] = 5.0;
  p.v[RS_P_X_B] = 5.0;
  p.v[RS_P_TAU_E] = 0.25;
  add_event(&p, make_event("tfp_crash", RS_SHAPE_PULSE, RS_CH_TFP, 1960.0, 1962.0, 0.2));
  add_event(&p, make_event("no_entry", RS_SHAPE_STEP, RS_CH_ENTRY, 1970.0, (double)NAN, -0.2));
  add_event(&p, make_event("crash", RS_SHAPE_SMOOTH_PULSE, RS_CH_BURST, 1975.0, 1985.0, 1.0));
  add_event(&p, make_event("push", RS_SHAPE_RAMP, RS_CH_PRESSURE, 1980.0, 1990.0, 1.0));
  add_event(&p, make_event("cut", RS_SHAPE_STEP, RS_CH_PUBLIC_RD, 1990.0, (double)NAN, -0.05));
  run_in_range(sim, "every channel at its bound", &p, NULL);

  /* Every model parameter at its upper bound, then at its lower bound. */
  rs_params_defaults(&p);
  for (int i = RS_P_INIT_A; i < RS_NPARAM; i++) p.v[i] = rs_param_info_get(i)->upper;
  p.v[RS_P_INIT_S] = 0.5 * p.v[RS_P_S_MAX];
  p.v[RS_P_INIT_G] = 0.5 * p.v[RS_P_G_MAX];
  run_in_range(sim, "all upper bounds", &p, NULL);
  rs_params_defaults(&p);
  for (int i = RS_P_INIT_A; i < RS_NPARAM; i++) p.v[i] = rs_param_info_get(i)->lower;
  run_in_range(sim, "all lower bounds", &p, NULL);

  /* Random corners: each model parameter at its lower bound, its upper bound or its default,
   * and every default event magnitude at a bound of its channel (fixed seed). */
  unsigned long long state = 0x9E3779B97F4A7C15ull;
  int failures = 0, runs = 300;
  tally t;
  memset(&t, 0, sizeof t);
  verbose_failures = getenv("RELSIM_TEST_VERBOSE") != NULL;
  for (int r = 0; r < runs; r++) {
    rs_params_defaults(&p);
    for (int i = RS_P_INIT_A; i < RS_NPARAM; i++) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      int pick = (int)((state >> 33) % 3u);
      const rs_param_info *pi = rs_param_info_get(i);
      if (pick == 0) p.v[i] = pi->lower;
      if (pick == 1) p.v[i] = pi->upper;
    }
    for (int k = 0; k < p.nevents; k++) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      const rs_channel_info *ci = rs_channel_info_get(p.events[k].channel);
      if ((state >> 40) & 1u) p.events[k].magnitude = (state >> 41) & 1u ? ci->upper : ci->lower;
    }
    if (!(p.v[RS_P_INIT_G] < p.v[RS_P_G_MAX])) p.v[RS_P_INIT_G] = 0.5 * p.v[RS_P_G_MAX];
    if (!(p.v[RS_P_INIT_S] < p.v[RS_P_S_MAX])) p.v[RS_P_INIT_S] = 0.5 * p.v[RS_P_S_MAX];
    char label[64];
    snprintf(label, sizeof label, "random corner %d", r);
    failures += run_in_range(sim, label, &p, &t);
  }
  verbose_failures = 1;
  printf("  %d of %d random corners failed (cleanly):", failures, runs);
  for (int k = 0; k < NTALLY && t.count[k]; k++) printf(" %d %s", t.count[k], t.flag[k]);
  printf("; %d rows dipped below 0 by less than atol\n", tiny_negative_rows);
  rs_sim_free(sim);
}

/* A stock that settles on a bound of its range must not stop the run: ties saturating at R = 1
 * under fast building, ties eroded to R = 0 under strong pressure. CVODE's constraint handling
 * and its Newton iterates leave such a stock a rounding error outside its range (R = 1 + 1e-16,
 * R = -1e-80); an RHS that treats that as a recoverable failure makes every later step fail
 * (CV_REPTD_RHSFUNC_ERR). Each case is the smallest change from the defaults that shows it. */
static void a_stock_resting_on_its_bound_does_not_stop_the_run(void) {
  rs_error err = {""};
  rs_sim *sim = rs_sim_alloc(&err);
  CHECK(sim != NULL);
  if (!sim) return;
  rs_params p;
  rs_series s;
  rs_series_init(&s);

  /* R -> 1: the fastest building, with sharp kinks. */
  rs_params_defaults(&p);
  p.v[RS_P_KAPPA_B] = 200.0;
  p.v[RS_P_SMOOTH] = 1e-7;
  rs_status rc = run(sim, &p, &s, NULL, &err);
  if (rc != RS_OK) fprintf(stderr, "  R -> 1: %s\n", err.msg);
  CHECK(rc == RS_OK);
  if (rc == RS_OK) CHECK(check_ranges("R -> 1", &p, &s) == 0);

  /* R -> 0: no building, the fastest erosion, the strongest burst of the bubble. */
  rs_params_defaults(&p);
  p.v[RS_P_KAPPA_B] = 0.0;
  p.v[RS_P_KAPPA_E] = 200.0;
  p.events[rs_params_find_event(&p, "burst")].magnitude = 1.0;
  rc = run(sim, &p, &s, NULL, &err);
  if (rc != RS_OK) fprintf(stderr, "  R -> 0: %s\n", err.msg);
  CHECK(rc == RS_OK);
  if (rc == RS_OK) CHECK(check_ranges("R -> 0", &p, &s) == 0);

  rs_series_free(&s);
  rs_sim_free(sim);
}

/* ---------------------------------------------------------------- switching events off */

/* Largest relative difference between two series over rows [r0, r1) and all indicators. */
static double max_rel_diff(const rs_series *x, const rs_series *y, int r0, int r1) {
  double worst = 0.0;
  for (int i = r0; i < r1; i++)
    for (int j = 0; j < RS_NINDICATOR; j++) {
      double u = rs_series_at(x, i, j), v = rs_series_at(y, i, j);
      double d = fabs(u - v) / fmax(fabs(v), 1e-300);
      if (u != v && d > worst) worst = d;
    }
  return worst;
}

static void switching_an_event_off_changes_only_what_it_should(void) {
  rs_error err = {""};
  rs_sim *sim = rs_sim_alloc(&err);
  CHECK(sim != NULL);
  if (!sim) return;
  rs_params p, q;
  rs_params_defaults(&p);
  rs_series base, off;
  rs_series_init(&base);
  rs_series_init(&off);
  CHECK(run(sim, &p, &base, NULL, &err) == RS_OK);

  /* asian_crisis (1997.5-98.9): everything identical up to the 1997 row; G lower afterwards. */
  q = p;
  disable_event(&q, "asian_crisis");
  CHECK(run(sim, &q, &off, NULL, &err) == RS_OK);
  int r1997 = row_of_year(&base, 1997.0);
  CHECK(r1997 > 0 && off.nrows == base.nrows);
  if (r1997 > 0 && off.nrows == base.nrows) {
    double d = max_rel_diff(&base, &off, 0, r1997 + 1);
    if (d > 0) fprintf(stderr, "  asian_crisis off: rows to 1997 differ by %.3g\n", d);
    CHECK(d <= 1e-12);
    /* Bit for bit up to the last edge both runs share (1996): same segments, same steps. */
    int r1996 = row_of_year(&base, 1996.0);
    CHECK(memcmp(base.ind, off.ind, sizeof(double) * RS_NINDICATOR * (size_t)(r1996 + 1)) == 0);
    for (int i = r1997 + 1; i < base.nrows; i++)
      CHECK(rs_series_at(&base, i, RS_I_G) < rs_series_at(&off, i, RS_I_G));
  }

  /* bubble (1986-90.9): identical up to 1985; s higher with the bubble in 1987-90. */
  q = p;
  disable_event(&q, "bubble");
  CHECK(run(sim, &q, &off, NULL, &err) == RS_OK);
  int r1985 = row_of_year(&base, 1985.0);
  CHECK(r1985 > 0);
  if (r1985 > 0 && off.nrows == base.nrows) {
    CHECK(memcmp(base.ind, off.ind, sizeof(double) * RS_NINDICATOR * (size_t)(r1985 + 1)) == 0);
    for (int y = 1987; y <= 1990; y++) {
      int i = row_of_year(&base, y);
      CHECK(rs_series_at(&base, i, RS_I_S) > rs_series_at(&off, i, RS_I_S));
    }
  }
  rs_series_free(&off);
  rs_series_free(&base);
  rs_sim_free(sim);
}

/* ---------------------------------------------------------------- events */

static void event_shapes_take_their_values_at_and_around_their_edges(void) {
  rs_event step = make_event("s", RS_SHAPE_STEP, RS_CH_YEN, 1990.0, (double)NAN, 0.5);
  rs_event pulse = make_event("p", RS_SHAPE_PULSE, RS_CH_BURST, 1990.0, 1992.0, 0.25);
  rs_event ramp = make_event("r", RS_SHAPE_RAMP, RS_CH_PUBLIC_RD, 1990.0, 1994.0, 0.002);
  rs_event smooth = make_event("m", RS_SHAPE_SMOOTH_PULSE, RS_CH_CRISIS, 1990.0, 1992.0, 0.3);

  /* Step: the side of the edge comes from seg_mid, not from t. */
  CHECK(rs_event_value(&step, 1989.0, 1989.0) == 0.0);
  CHECK(rs_event_value(&step, 1990.0, 1989.5) == 0.0); /* at the edge, segment before it */
  CHECK(rs_event_value(&step, 1990.0, 1990.5) == 0.5); /* at the edge, segment after it */
  CHECK(rs_event_value(&step, 1995.0, 1995.0) == 0.5);
  /* Pulse: on in (start, end) by seg_mid; both edges either way. */
  CHECK(rs_event_value(&pulse, 1990.0, 1989.9) == 0.0);
  CHECK(rs_event_value(&pulse, 1990.0, 1990.1) == 0.25);
  CHECK(rs_event_value(&pulse, 1991.0, 1991.0) == 0.25);
  CHECK(rs_event_value(&pulse, 1992.0, 1991.9) == 0.25);
  CHECK(rs_event_value(&pulse, 1992.0, 1992.1) == 0.0);
  CHECK(rs_event_value(&pulse, 1993.0, 1993.0) == 0.0);
  /* Ramp: continuous, 0 to magnitude linearly, whatever the segment. */
  CHECK(rs_event_value(&ramp, 1989.0, 1989.0) == 0.0);
  CHECK(rs_event_value(&ramp, 1990.0, 1989.5) == 0.0);
  CHECK(rs_event_value(&ramp, 1990.0, 1990.5) == 0.0);
  CHECK_REL(rs_event_value(&ramp, 1991.0, 1991.0), 0.0005, 1e-14);
  CHECK_REL(rs_event_value(&ramp, 1993.0, 1992.0), 0.0015, 1e-14);
  CHECK(rs_event_value(&ramp, 1994.0, 1993.5) == 0.002);
  CHECK(rs_event_value(&ramp, 1994.0, 1994.5) == 0.002);
  CHECK(rs_event_value(&ramp, 2000.0, 2000.0) == 0.002);
  /* Smooth pulse: magnitude sin^2, zero at and outside both ends, peak in the middle. */
  CHECK(rs_event_value(&smooth, 1990.0, 1989.5) == 0.0);
  CHECK(rs_event_value(&smooth, 1990.0, 1990.5) == 0.0);
  CHECK_REL(rs_event_value(&smooth, 1991.0, 1991.0), 0.3, 1e-15);
  CHECK_REL(rs_event_value(&smooth, 1990.5, 1991.0), 0.15, 1e-14);
  CHECK(fabs(rs_event_value(&smooth, 1992.0, 1991.5)) < 1e-30);
  CHECK(rs_event_value(&smooth, 1993.0, 1993.0) == 0.0);
  CHECK(rs_event_value(&smooth, 1989.0, 1989.0) == 0.0);
  /* Disabled: zero everywhere. */
  step.enabled = pulse.enabled = ramp.enabled = smooth.enabled = false;
  const double ts[3] = {1989.0, 1991.0, 1995.0};
  for (int k = 0; k < 3; k++) {
    CHECK(rs_event_value(&step, ts[k], ts[k]) == 0.0);
    CHECK(rs_event_value(&pulse, ts[k], ts[k]) == 0.0);
    CHECK(rs_event_value(&ramp, ts[k], ts[k]) == 0.0);
    CHECK(rs_event_value(&smooth, ts[k], ts[k]) == 0.0);
  }
}

static int has_edge(const rs_model *m, double t) {
  for (int i = 0; i < m->nedges; i++)
    if (m->edges[i] == t) return 1;
  return 0;
}

static void event_edges_are_collected_sorted_and_distinct_from_enabled_events_only(void) {
  rs_params p;
  rs_params_defaults(&p);
  rs_model m;
  rs_model_prepare(&m, &p);
  /* 1973.8 1975 1979 1980 1985.7 1986 1989 1990.9 1991 1996 (twice) 1997.5 1998.9; the end of
   * st_basic_plan (2001) lies beyond the span. */
  const double want[12] = {1973.8, 1975.0, 1979.0, 1980.0, 1985.7, 1986.0,
                           1989.0, 1990.9, 1991.0, 1996.0, 1997.5, 1998.9};
  CHECK(m.nedges == 12);
  for (int i = 0; i < 12 && i < m.nedges; i++) CHECK(m.edges[i] == want[i]);

  /* A step adds its start; a pulse its start and end; a disabled one nothing; outside the span
   * nothing. */
  int n0 = m.nedges;
  add_event(&p, make_event("st", RS_SHAPE_STEP, RS_CH_REFORM, 1962.25, (double)NAN, 0.1));
  rs_model_prepare(&m, &p);
  CHECK(m.nedges == n0 + 1 && has_edge(&m, 1962.25));
  add_event(&p, make_event("pu", RS_SHAPE_PULSE, RS_CH_ENTRY, 1965.5, 1967.75, 0.01));
  rs_model_prepare(&m, &p);
  CHECK(m.nedges == n0 + 3 && has_edge(&m, 1965.5) && has_edge(&m, 1967.75));
  add_event(&p, make_event("off", RS_SHAPE_PULSE, RS_CH_ENTRY, 1968.5, 1969.5, 0.01));
  p.events[p.nevents - 1].enabled = false;
  add_event(&p, make_event("early", RS_SHAPE_PULSE, RS_CH_ENTRY, 1940.0, 1950.0, 0.01));
  add_event(&p, make_event("late", RS_SHAPE_STEP, RS_CH_ENTRY, 2010.0, (double)NAN, 0.01));
  add_event(&p, make_event("at_start", RS_SHAPE_STEP, RS_CH_ENTRY, 1955.0, (double)NAN, 0.01));
  rs_model_prepare(&m, &p);
  CHECK(m.nedges == n0 + 3);
  CHECK(!has_edge(&m, 1968.5) && !has_edge(&m, 1969.5) && !has_edge(&m, 1955.0));
  for (int i = 1; i < m.nedges; i++) CHECK(m.edges[i] > m.edges[i - 1]);

  /* Disabling asian_crisis removes its two edges. */
  rs_params_defaults(&p);
  disable_event(&p, "asian_crisis");
  rs_model_prepare(&m, &p);
  CHECK(m.nedges == 10 && !has_edge(&m, 1997.5) && !has_edge(&m, 1998.9));
}

/* ---------------------------------------------------------------- tables */

static void tables_interpolate_linearly_are_flat_beyond_the_ends_and_integrate_exactly(void) {
  /* v = 2 at 1, 6 at 3, -1 at 4. */
  rs_table tab;
  memset(&tab, 0, sizeof tab);
  tab.n = 3;
  tab.t[0] = 1.0, tab.t[1] = 3.0, tab.t[2] = 4.0;
  tab.v[0] = 2.0, tab.v[1] = 6.0, tab.v[2] = -1.0;
  CHECK(rs_table_eval(&tab, -5.0) == 2.0);
  CHECK(rs_table_eval(&tab, 1.0) == 2.0);
  CHECK(rs_table_eval(&tab, 2.0) == 4.0);
  CHECK(rs_table_eval(&tab, 3.0) == 6.0);
  CHECK(rs_table_eval(&tab, 3.5) == 2.5);
  CHECK(rs_table_eval(&tab, 4.0) == -1.0);
  CHECK(rs_table_eval(&tab, 9.0) == -1.0);
  /* Integrals by hand: trapezoids of the piecewise-linear function, rectangles beyond the ends. */
  CHECK_REL(rs_table_integral(&tab, 1.0, 3.0), 8.0, 1e-15);         /* (2 + 6)/2 * 2 */
  CHECK_REL(rs_table_integral(&tab, 2.0, 3.5), 5.0 + 2.125, 1e-15); /* (4+6)/2 + (6+2.5)/4 */
  CHECK_REL(rs_table_integral(&tab, 3.5, 2.0), -7.125, 1e-15);      /* reversed limits */
  CHECK_REL(rs_table_integral(&tab, 1.5, 2.5), 4.0, 1e-15);         /* inside one piece */
  CHECK_REL(rs_table_integral(&tab, -3.0, 0.0), 6.0, 1e-15);        /* before the first */
  CHECK_REL(rs_table_integral(&tab, -1.0, 2.0), 4.0 + 3.0, 1e-15);  /* across the first */
  CHECK_REL(rs_table_integral(&tab, 5.0, 7.0), -2.0, 1e-15);        /* after the last */
  CHECK_REL(rs_table_integral(&tab, 0.0, 5.0), 2.0 + 8.0 + 2.5 - 1.0, 1e-15); /* everything */
  CHECK(rs_table_integral(&tab, 2.7, 2.7) == 0.0);
  /* One point: a constant. */
  rs_table one;
  memset(&one, 0, sizeof one);
  one.n = 1;
  one.t[0] = 1990.0;
  one.v[0] = 0.7;
  CHECK(rs_table_eval(&one, 1900.0) == 0.7 && rs_table_eval(&one, 2100.0) == 0.7);
  CHECK_REL(rs_table_integral(&one, 1980.0, 2000.0), 14.0, 1e-14);
  /* The default g_f table, 1955 to 1980.5 (as in the hand computation of the RHS). */
  rs_params p;
  rs_params_defaults(&p);
  CHECK_REL(rs_table_integral(&p.tables[RS_TAB_GF], 1955.0, 1980.5), IGF_1980_5, 1e-14);
}

/* ---------------------------------------------------------------- determinism */

static void two_baseline_runs_in_one_process_are_byte_identical(void) {
  rs_error err = {""};
  rs_sim *sim = rs_sim_alloc(&err), *other = rs_sim_alloc(&err);
  CHECK(sim != NULL && other != NULL);
  if (!sim || !other) {
    rs_sim_free(other);
    rs_sim_free(sim);
    return;
  }
  rs_params p;
  rs_params_defaults(&p);
  rs_series a, b, c;
  rs_series_init(&a);
  rs_series_init(&b);
  rs_series_init(&c);
  rs_solver_stats sa, sb, sc;
  CHECK(run(sim, &p, &a, &sa, &err) == RS_OK);
  /* A different run in between must leave no trace. */
  rs_params q = p;
  q.v[RS_P_KAPPA_E] = 50.0;
  q.v[RS_P_SOLVER_METHOD] = 1.0;
  CHECK(run(sim, &q, &c, &sc, &err) == RS_OK);
  CHECK(run(sim, &p, &b, &sb, &err) == RS_OK);
  CHECK(a.nrows == b.nrows);
  if (a.nrows == b.nrows) {
    CHECK(memcmp(a.year, b.year, sizeof(double) * (size_t)a.nrows) == 0);
    CHECK(memcmp(a.ind, b.ind, sizeof(double) * RS_NINDICATOR * (size_t)a.nrows) == 0);
  }
  CHECK(memcmp(&sa, &sb, sizeof sa) == 0);
  /* And a fresh workspace gives the same bytes. */
  CHECK(run(other, &p, &c, &sc, &err) == RS_OK);
  CHECK(a.nrows == c.nrows);
  if (a.nrows == c.nrows)
    CHECK(memcmp(a.ind, c.ind, sizeof(double) * RS_NINDICATOR * (size_t)a.nrows) == 0);
  CHECK(memcmp(&sa, &sc, sizeof sa) == 0);
  rs_series_free(&c);
  rs_series_free(&b);
  rs_series_free(&a);
  rs_sim_free(other);
  rs_sim_free(sim);
}

int main(void) {
  RUN(the_rhs_matches_a_hand_computation_from_the_documented_equations);
  RUN(the_analytic_jacobian_matches_central_differences_also_at_the_kinks);
  RUN(the_baseline_starts_in_1955_at_a_042_r_034_and_y_1);
  RUN(stocks_stay_in_range_under_extreme_parameters);
  RUN(a_stock_resting_on_its_bound_does_not_stop_the_run);
  RUN(switching_an_event_off_changes_only_what_it_should);
  RUN(event_shapes_take_their_values_at_and_around_their_edges);
  RUN(event_edges_are_collected_sorted_and_distinct_from_enabled_events_only);
  RUN(tables_interpolate_linearly_are_flat_beyond_the_ends_and_integrate_exactly);
  RUN(two_baseline_runs_in_one_process_are_byte_identical);
  return CHECK_DONE();
}
