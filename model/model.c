/* model/model.c -- the equations of relsim: time tables, events, right-hand side, its Jacobian
 * (by the complex step from the equations themselves) and indicators. Section numbers are those
 * of Hatch (2001); the code of each equation is in equations.inc, written once for real and for
 * complex numbers.
 *
 * Time t in calendar years. Stocks y = (a, K, s, R, G, rd_b, e, F) (stocks.def). pos(x) is the
 * smooth positive part 0.5 (x + sqrt(x^2 + w^2)), w = numerics.smooth, used wherever the
 * structure has max(x, 0): it keeps the RHS differentiable, which CVODE's error control and the
 * sensitivities of the calibration both need. clamp(x; c) = pos(x) - pos(x - c) keeps a target
 * smoothly within [0, c]; min(x, 1) is the smooth x - pos(x - 1).
 *
 * Exogenous (tables and events, params/baseline.cfg; the tables from published data):
 *   g_f(t) US TFP growth, n(t) = labor_growth(t), rd_pub(t) = rd_public(t) + public_rd(t),
 *   rd_f(t) = rd_frontier(t) (the US's R&D)
 *   A_f(t) = exp(int g_f), L(t) = exp(int n)            frontier TFP and labour, 1 at start
 *   channels tfp, yen, bubble, burst, pressure, asian_crisis, public_rd, reform, entry, basic,
 *   erosion (events)
 * Output and returns (sec. 2):
 *   Y = Z a A_f K^alpha L^(1-alpha),  Z = 1/(a0 K0^alpha) so Y(start) = 1, K0 = alpha/r0
 *   r = alpha Y / K
 * Manufacturing, where the flip happens and Cameron's index measures (sec. 2):
 *   a_m = w_mfg a                          a is the whole economy's level relative to the US
 * The flip (sec. 2, 6):
 *   B = beta R pos(1 - a_m)                relational benefit: faster diffusion while behind
 *   C = gamma R a_m^m                      opportunity cost near the frontier
 * TFP (sec. 2, 6): relative TFP moves with catch-up, whose speed rises with R&D relative to the
 * frontier's (absorptive capacity: Nelson-Phelps, Benhabib-Spiegel), with ties, and with R&D
 * relative to the frontier's (a laggard with little R&D converges more slowly, to a level below
 * the frontier, but converges):
 *   da/dt = a [(lambda + mu rd/rd_f) (1 - a) + B - C + eta (rd - rd_f) - tfp(t)],
 *   rd = rd_b + rd_pub
 * Capital and investment (sec. 2): investment follows expected growth (an accelerator: in steady
 * state s = (g + delta) K/Y), tied firms chase market share, the bubble adds a boom:
 *   dK/dt = s Y - delta K
 *   g_pot = (g_a + g_f)/(1 - alpha) + n    the balanced growth that TFP and labour allow
 *   ds/dt = (s* - s)/tau_s,
 *   s* = clamp(s0 + sigma_R R + sigma_r (r - r_ref) + sigma_g (g_pot - g_norm)
 *              + sigma_b bubble(t); s_max)
 * Pressure and ties (sec. 2-5): the Asian network absorbs a share of the pressure, growing with
 * its size up to G_full, so that ties erode whenever some pressure gets through:
 *   P = pos(C - B) + burst(t) + pressure(t)
 *   relief = omega_s min(G/G_full, 1)
 *   erosion = kappa_e (1 + erosion(t)) pos(P (1 - relief) - omega G)   (omega = 0: relsim 0.1's
 *                                                                       absolute absorption)
 *   dR/dt = kappa_b (1-R) pos(B - C) - erosion R - reform(t) R
 * Regionalization (sec. 3-5):
 *   dG/dt = chi R (P + yen(t)) (1 - G/G_max) - delta_G G - asian_crisis(t) (1 - b_R R) G
 * R&D (sec. 6): business R&D rises with development up to the frontier and follows profits,
 * here the growth of the profit rate r = alpha Y/K, g_Y - g_K (profits fall when output slows
 * while capital still grows, as after the bubble):
 *   d rd_b/dt = (rd* - rd_b)/tau_rd,
 *   rd* = clamp(rho0 + rho_a min(a_m, 1) + rho_pi (g_Y - g_K) - rho_R R a_m^m
 *               - rho_b bubble(t); rd_max)
 * Start-ups and closures (sec. 6):
 *   de/dt = (e* - e)/tau_e,  e* = clamp(e0 + e_g g_Y - e_R R + entry(t); e_max)
 *   x = x0 + x_g pos(g_ref - g_Y) + x_b burst(t),  dF/dt = (e - x) F
 * with g_K = sY/K - delta, g_Y = (dY/dt)/Y = g_a + g_f + alpha g_K + (1-alpha) n,
 * g_a = (da/dt)/a (Japan's TFP grows at g_a + g_f).
 * Indicators: TFP growth g_a + g_f; mpk = (dY/dt)/(dK/dt); rd_total = rd_b + rd_pub;
 *   rd_inv_share = rd_b/(rd_b + s); basic = (theta_pub rd_pub + theta_b (1 - theta_R R) rd_b)
 *   /(rd_pub + rd_b) + basic(t); indep = indep_max (1-R)^nu; net relational effect B - C;
 *   a_mfg = a_m; measurement equations sub_share = w_sub R (subcontractors among small
 *   manufacturers), rd_oecd = w_rd rd_total (R&D on the OECD's basis); profit_growth = g_Y - g_K;
 *   g_pot, relief and erosion as above.
 * With mu = sigma_g = omega_s = rho_pi = 0 and w_mfg = 1 the system is relsim 0.1's (a test
 * checks it against 0.1's output).
 *
 * Every stock stays in its range by construction: a, K, F grow multiplicatively or from
 * positive inflows; s, rd_b, e relax towards non-negative targets; R has a (1-R) building
 * factor and an R erosion factor; G has an R P inflow (P >= 0) and G outflows. The RHS also
 * reports a stock outside its range as a recoverable failure so that the integrator retries. */
#include <assert.h>
#include <complex.h>
#ifndef CMPLX /* glibc 2.36 defines CMPLX for GCC only; clang has the same builtin */
#define CMPLX(x, y) __builtin_complex((double)(x), (double)(y))
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static const double rs_pi = 3.14159265358979323846;

/* ---------------------------------------------------------------- tables */

/* Index j of the segment [t_j, t_{j+1}] containing t (0 <= j <= n-2); t inside the range. */
static int table_segment(const rs_table *tab, double t) {
  int lo = 0, hi = tab->n - 1;
  while (hi - lo > 1) {
    int mid = (lo + hi) / 2;
    if (tab->t[mid] <= t)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

double rs_table_eval(const rs_table *tab, double t) {
  int n = tab->n;
  if (n == 1 || t <= tab->t[0]) return tab->v[0];
  if (t >= tab->t[n - 1]) return tab->v[n - 1];
  int j = table_segment(tab, t);
  double w = (t - tab->t[j]) / (tab->t[j + 1] - tab->t[j]);
  return tab->v[j] + w * (tab->v[j + 1] - tab->v[j]);
}

/* Integral from the first knot to t (negative for t before it). */
static double table_primitive(const rs_table *tab, double t) {
  int n = tab->n;
  if (n == 1 || t <= tab->t[0]) return (t - tab->t[0]) * tab->v[0];
  double sum = 0.0;
  for (int j = 0; j + 1 < n; j++) {
    double a = tab->t[j], b = tab->t[j + 1];
    if (t <= a) break;
    double hi = t < b ? t : b;
    double vhi = rs_table_eval(tab, hi);
    sum += 0.5 * (tab->v[j] + vhi) * (hi - a);
  }
  if (t > tab->t[n - 1]) sum += (t - tab->t[n - 1]) * tab->v[n - 1];
  return sum;
}

double rs_table_integral(const rs_table *tab, double t0, double t1) {
  return table_primitive(tab, t1) - table_primitive(tab, t0);
}

/* table_primitive from the integrals at the knots precomputed in cum: O(log n), for the RHS. */
static double table_primitive_fast(const rs_table *tab, const double *cum, double t) {
  int n = tab->n;
  if (n == 1 || t <= tab->t[0]) return (t - tab->t[0]) * tab->v[0];
  if (t >= tab->t[n - 1]) return cum[n - 1] + (t - tab->t[n - 1]) * tab->v[n - 1];
  int j = table_segment(tab, t);
  double h = t - tab->t[j];
  double slope = (tab->v[j + 1] - tab->v[j]) / (tab->t[j + 1] - tab->t[j]);
  return cum[j] + h * (tab->v[j] + 0.5 * slope * h);
}

/* ---------------------------------------------------------------- events */

double rs_event_shape(const rs_event *ev, double t, double seg_mid) {
  if (!ev->enabled) return 0.0;
  switch (ev->shape) {
    case RS_SHAPE_STEP:
      return seg_mid > ev->start ? 1.0 : 0.0;
    case RS_SHAPE_PULSE:
      return seg_mid > ev->start && seg_mid < ev->end ? 1.0 : 0.0;
    case RS_SHAPE_RAMP:
      if (t <= ev->start) return 0.0;
      if (t >= ev->end) return 1.0;
      return (t - ev->start) / (ev->end - ev->start);
    case RS_SHAPE_SMOOTH_PULSE: {
      if (t <= ev->start || t >= ev->end) return 0.0;
      double sn = sin(rs_pi * (t - ev->start) / (ev->end - ev->start));
      return sn * sn;
    }
  }
  return 0.0;
}

double rs_event_value(const rs_event *ev, double t, double seg_mid) {
  return ev->magnitude * rs_event_shape(ev, t, seg_mid);
}

/* ---------------------------------------------------------------- the equations */

/* The ranges of the stocks and which ones the integrator keeps positive (stocks.def). */
static const double stock_lower[RS_NSTATE] = {
#define X(id, name, units, lo, hi, positive, label) lo,
#include "stocks.def"
#undef X
};
static const double stock_upper[RS_NSTATE] = {
#define X(id, name, units, lo, hi, positive, label) hi,
#include "stocks.def"
#undef X
};
static const int stock_positive[RS_NSTATE] = {
#define X(id, name, units, lo, hi, positive, label) positive,
#include "stocks.def"
#undef X
};

/* The double instance of equations.inc: the runs. */
#define NUM double
#define NUM_EXP exp
#define NUM_POW pow
#define NUM_SQRT sqrt
#define RE(x) (x)
#define G_(name) name##_d
#include "equations.inc"
#undef NUM
#undef NUM_EXP
#undef NUM_POW
#undef NUM_SQRT
#undef RE
#undef G_

/* Elementary functions for the complex step. The imaginary parts carried here are derivative
 * directions scaled by the step cs_step (1e-100), so every term of second order in them is below
 * the rounding of the real part: f(x + i y) = f(x) + i y f'(x) is then exact, and far cheaper than
 * the general cexp, cpow and csqrt (which would also be exact). */
static double complex cs_exp(double complex z) {
  double e = exp(creal(z));
  return CMPLX(e, e * cimag(z));
}
static double complex cs_sqrt(double complex z) {
  double r = sqrt(creal(z));
  return CMPLX(r, cimag(z) / (2.0 * r));
}
/* z^w = exp(w log z): d(z^w) = z^w (w dz / z + dw log z). */
static double complex cs_pow(double complex z, double complex w) {
  double x = creal(z), u = creal(w);
  double p = pow(x, u);
  double dp = cimag(z) != 0.0 ? p * u * cimag(z) / x : 0.0;
  if (cimag(w) != 0.0) dp += p * cimag(w) * log(x);
  return CMPLX(p, dp);
}

/* The complex instance: exact derivatives by the complex step (see rs_model_sens_rhs). */
#define NUM double complex
#define NUM_EXP cs_exp
#define NUM_POW cs_pow
#define NUM_SQRT cs_sqrt
#define RE(x) creal(x)
#define G_(name) name##_c
#include "equations.inc"
#undef NUM
#undef NUM_EXP
#undef NUM_POW
#undef NUM_SQRT
#undef RE
#undef G_

/* The evaluation context of a model for the double instance. */
static ctx_d model_ctx(const rs_model *m) {
  ctx_d c = {m, m->p.v, m->mag, m->Z, m->K0};
  return c;
}

/* ---------------------------------------------------------------- preparation */

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

/* The preconditions rs_params_validate establishes and the model relies on (tables bisected as
 * sorted, events indexed into fixed arrays, a span to integrate). Debug and sanitizer builds
 * check them; a release build trusts the validation. */
static void assert_validated(const rs_params *p) {
  assert(p->nevents >= 0 && p->nevents <= RS_EVENT_MAX);
  assert(p->v[RS_P_SPAN_END] > p->v[RS_P_SPAN_START]);
  for (int k = 0; k < RS_NTABLE; k++) {
    const rs_table *tab = &p->tables[k];
    assert(tab->n >= 1 && tab->n <= RS_TABLE_MAX);
    for (int j = 1; j < tab->n; j++) assert(tab->t[j] > tab->t[j - 1]);
  }
  for (int i = 0; i < p->nevents; i++) {
    const rs_event *ev = &p->events[i];
    assert(isfinite(ev->start) && isfinite(ev->magnitude));
    assert(ev->shape == RS_SHAPE_STEP || ev->end - ev->start >= RS_EVENT_MIN_LENGTH);
    (void)ev;
  }
  (void)p;
}

void rs_model_prepare(rs_model *m, const rs_params *p) {
  assert_validated(p);
  memset(m, 0, sizeof *m);
  m->p = *p;
  const double *v = p->v;
  m->t0 = v[RS_P_SPAN_START];
  for (int i = 0; i < p->nevents; i++) m->mag[i] = p->events[i].magnitude;
  ctx_d c = {m, m->p.v, m->mag, 0.0, 0.0};
  prepare_norms_d(&c);
  m->K0 = c.K0;
  m->Z = c.Z;
  for (int k = 0; k < RS_NTABLE; k++) {
    const rs_table *tab = &p->tables[k];
    for (int j = 0; j < tab->n; j++) m->cum[k][j] = table_primitive(tab, tab->t[j]);
    m->prim0[k] = table_primitive(tab, m->t0);
  }
  /* Event edges strictly inside the span, sorted and distinct: the integrator stops at each.
   * Edges closer than RS_EDGE_GAP to each other or to the span's ends are one edge: the
   * integrator cannot start a segment shorter than a few rounding errors of the year
   * (CV_TOO_CLOSE), and a jump of the forcing that lasts less than a minute is nothing at the
   * model's time scale. */
  double t1 = v[RS_P_SPAN_END];
  int n = 0;
  for (int i = 0; i < p->nevents; i++) {
    const rs_event *ev = &p->events[i];
    if (!ev->enabled) continue;
    double e2[2] = {ev->start, ev->end};
    for (int k = 0; k < 2; k++)
      if (isfinite(e2[k]) && e2[k] > m->t0 + RS_EDGE_GAP && e2[k] < t1 - RS_EDGE_GAP)
        m->edges[n++] = e2[k];
  }
  qsort(m->edges, (size_t)n, sizeof m->edges[0], cmp_double);
  int w = 0;
  for (int i = 0; i < n; i++)
    if (w == 0 || m->edges[i] > m->edges[w - 1] + RS_EDGE_GAP) m->edges[w++] = m->edges[i];
  m->nedges = w;
  for (int i = 1; i < w; i++) assert(m->edges[i] > m->edges[i - 1] + RS_EDGE_GAP);
  m->seg_mid = m->t0;
}

void rs_model_set_segment(rs_model *m, double t_lo, double t_hi) {
  m->seg_mid = 0.5 * (t_lo + t_hi);
}

const double *rs_model_constraints(void) {
  /* The stocks marked positive in stocks.def (a, K, F) are kept > 0 by the integrator (CVODE
   * constraint 2). The others are kept in range by the formulation: the flows see them clamped
   * to their range, so that at a bound they can only move back inside, and a stray beyond the
   * rounding margin is refused as a recoverable RHS failure. An integrator constraint on them
   * too would fail where a stock decays onto its bound at a high rate (erosion at 200/yr driving
   * R to 0): the step that lands a rounding error below zero is refused again and again
   * (CV_CONSTR_FAIL). */
  static const double c[RS_NSTATE] = {
#define X(id, name, units, lo, hi, positive, label) (positive) ? 2.0 : 0.0,
#include "stocks.def"
#undef X
  };
  return c;
}

void rs_model_initial_state(const rs_model *m, double y[RS_NSTATE]) {
  ctx_d c = model_ctx(m);
  initial_state_d(&c, y);
}

/* How far a stock may stray outside its range before the RHS refuses it. Newton iterates and
 * the interpolant of the integrator land a rounding error beyond a bound that the exact
 * solution only touches (R resting at 1, G decaying to 0); refusing those would stop a sound run.
 * Within this margin the flows see the stock clamped to its range. */
#define RS_RANGE_SLACK 1e-3

/* 0 if every stock is in range (within the slack), +1 if one is out (recoverable: the integrator
 * retries a smaller step), -1 if one is not finite. */
static int check_state(const double *y) {
  for (int i = 0; i < RS_NSTATE; i++)
    if (!isfinite(y[i])) return -1;
  for (int i = 0; i < RS_NSTATE; i++) {
    if (stock_positive[i]
            ? y[i] <= 0.0
            : y[i] < stock_lower[i] - RS_RANGE_SLACK || y[i] > stock_upper[i] + RS_RANGE_SLACK)
      return 1;
  }
  return 0;
}

int rs_model_rhs(const rs_model *m, double t, const double *y_in, double *ydot) {
  int bad = check_state(y_in);
  if (bad) return bad;
  double y[RS_NSTATE];
  clamp_state_d(y_in, y);
  ctx_d c = model_ctx(m);
  rhs_d(&c, t, y, ydot);
  for (int i = 0; i < RS_NSTATE; i++)
    if (!isfinite(ydot[i])) return -1;
  return 0;
}

/* ---------------------------------------------------------------- indicators */

static const rs_indicator_info indicator_info[RS_NINDICATOR] = {
#define X(id, name, units, lo, hi, positive, label) {name, units, label},
#include "stocks.def"
#undef X
    {"Y", "first-year GDP", "output"},
    {"r", "1/yr", "gross return on capital"},
    {"tfp_growth", "1/yr", "TFP growth"},
    {"gdp_growth", "1/yr", "GDP growth"},
    {"mpk", "1", "marginal output per unit of capital"},
    {"rd_total", "share of GDP", "national R&D"},
    {"rd_inv_share", "1", "R&D share of investment"},
    {"basic_share", "1", "basic-research share of R&D"},
    {"indep_share", "1", "independent share of start-ups"},
    {"closure", "1/yr", "closure rate"},
    {"net_relational", "1/yr", "net relational effect B - C"},
    {"B", "1/yr", "relational benefit"},
    {"C", "1/yr", "relational opportunity cost"},
    {"P", "1/yr", "pressure on the regime"},
    {"rd_public", "share of GDP", "government R&D"},
    {"a_mfg", "1 (US = 1)", "manufacturing TFP relative to the US"},
    {"sub_share", "1", "subcontractors among small manufacturers"},
    {"rd_oecd", "share of GDP", "national R&D, OECD basis"},
    {"profit_growth", "1/yr", "growth of the profit rate"},
    {"g_pot", "1/yr", "expected growth (accelerator)"},
    {"relief", "1", "share of pressure absorbed by the network"},
    {"erosion", "1/yr", "erosion rate of ties"},
};

const rs_indicator_info *rs_indicator_info_get(int i) {
  return i >= 0 && i < RS_NINDICATOR ? &indicator_info[i] : NULL;
}

int rs_indicator_find(const char *name) {
  for (int i = 0; i < RS_NINDICATOR; i++)
    if (strcmp(indicator_info[i].name, name) == 0) return i;
  return -1;
}

void rs_model_indicators(const rs_model *m, double t, const double *y_in, double *out) {
  double y[RS_NSTATE];
  clamp_state_d(y_in, y);
  ctx_d c = model_ctx(m);
  indicators_d(&c, t, y, out);
}

/* ---------------------------------------------------------------- parameter references */

int rs_pref_parse(const rs_params *p, const char *name, rs_pref *ref) {
  ref->id = -1;
  ref->event = -1;
  const char *pre = strncmp(name, "event.", 6) == 0    ? name + 6
                    : strncmp(name, "events.", 7) == 0 ? name + 7
                                                       : NULL;
  if (pre) {
    const char *dot = strrchr(pre, '.');
    if (!dot || strcmp(dot + 1, "magnitude") != 0) return -1;
    char ev[RS_NAME_MAX];
    size_t len = (size_t)(dot - pre);
    if (len >= sizeof ev) return -1;
    memcpy(ev, pre, len);
    ev[len] = '\0';
    ref->event = rs_params_find_event(p, ev);
    return ref->event >= 0 ? 0 : -1;
  }
  ref->id = rs_param_find(name);
  if (ref->id < 0 || rs_param_info_get(ref->id)->type != RS_T_REAL) return -1;
  return 0;
}

const char *rs_pref_name(const rs_params *p, rs_pref ref, char *buf, size_t n) {
  if (ref.id >= 0)
    snprintf(buf, n, "%s", rs_param_info_get(ref.id)->name);
  else
    snprintf(buf, n, "event.%s.magnitude", p->events[ref.event].name);
  return buf;
}

double rs_pref_get(const rs_params *p, rs_pref ref) {
  return ref.id >= 0 ? p->v[ref.id] : p->events[ref.event].magnitude;
}

void rs_pref_set(rs_params *p, rs_pref ref, double value) {
  if (ref.id >= 0)
    p->v[ref.id] = value;
  else
    p->events[ref.event].magnitude = value;
}

void rs_pref_bounds(const rs_params *p, rs_pref ref, double *lower, double *upper) {
  if (ref.id >= 0) {
    *lower = rs_param_info_get(ref.id)->lower;
    *upper = rs_param_info_get(ref.id)->upper;
  } else {
    const rs_channel_info *ci = rs_channel_info_get(p->events[ref.event].channel);
    *lower = ci->lower;
    *upper = ci->upper;
  }
}

/* ---------------------------------------------------------------- sensitivities */

/* The complex step: f(x + i h) = f(x) + i h f'(x) + O(h^2), so Im f / h is the derivative to
 * rounding for any small h (no subtraction, no cancellation). The step is far below the usual
 * 1e-20 because the products of two imaginary parts (h^2 f' g') land in the real parts: near a
 * smoothed kink, pos(x) = (x + sqrt(x^2 + w^2))/2 with x = i h f', they must stay far below w^2
 * even where f' is huge (a_m^m with m = 20 at an extreme corner of the registry: 1e15). With
 * h = 1e-100 they are below 1e-170 for any f' below 1e15, while h f' stays far above the
 * smallest double for any derivative the model has. */
static const double cs_step = 1e-100;

/* Parameter values and magnitudes as complex numbers, with the step on parameter ref. */
typedef struct cs_params {
  double complex v[RS_NPARAM];
  double complex mag[RS_EVENT_MAX];
} cs_params;

static void cs_context(const rs_model *m, rs_pref ref, cs_params *cp, ctx_c *c) {
  for (int i = 0; i < RS_NPARAM; i++) cp->v[i] = m->p.v[i];
  for (int i = 0; i < m->p.nevents; i++) cp->mag[i] = m->mag[i];
  if (ref.id >= 0)
    cp->v[ref.id] += CMPLX(0.0, cs_step);
  else if (ref.event >= 0)
    cp->mag[ref.event] += CMPLX(0.0, cs_step);
  c->m = m;
  c->v = cp->v;
  c->mag = cp->mag;
  prepare_norms_c(c);
}

/* The Jacobian by the complex step, column by column: J e_j = Im f(y + i h e_j) / h. Exact to
 * rounding (no difference quotient) and written nowhere but in the equations themselves, so a
 * change of the equations cannot leave a stale hand-derived Jacobian behind. */
int rs_model_jac(const rs_model *m, double t, const double *y_in, double *J) {
  int bad = check_state(y_in);
  if (bad) return bad;
  cs_params cp;
  ctx_c c;
  const rs_pref none = {-1, -1};
  cs_context(m, none, &cp, &c);
  double complex yk[RS_NSTATE], f[RS_NSTATE];
  double y[RS_NSTATE];
  clamp_state_d(y_in, y);
  for (int j = 0; j < RS_NSTATE; j++) {
    /* The direction is added after clamping: within the slack outside a range, Newton's matrix
     * keeps the restoring slope of the flow instead of the flat one of the clamp. */
    for (int i = 0; i < RS_NSTATE; i++) yk[i] = y[i];
    yk[j] += CMPLX(0.0, cs_step);
    rhs_c(&c, t, yk, f);
    for (int i = 0; i < RS_NSTATE; i++) {
      J[j * RS_NSTATE + i] = cimag(f[i]) / cs_step;
      if (!isfinite(J[j * RS_NSTATE + i])) return -1;
    }
  }
  return 0;
}

void rs_model_sens_initial(const rs_model *m, const rs_pref *refs, int ns, double *yS0) {
  cs_params cp;
  ctx_c c;
  double complex y[RS_NSTATE];
  for (int k = 0; k < ns; k++) {
    cs_context(m, refs[k], &cp, &c);
    initial_state_c(&c, y);
    for (int i = 0; i < RS_NSTATE; i++) yS0[k * RS_NSTATE + i] = cimag(y[i]) / cs_step;
  }
}

int rs_model_sens_rhs(const rs_model *m, const rs_pref *refs, int ns, double t, const double *y,
                      const double *const *yS, double *const *ySdot) {
  int bad = check_state(y);
  if (bad) return bad;
  cs_params cp;
  ctx_c c;
  double complex yc[RS_NSTATE], yk[RS_NSTATE], f[RS_NSTATE];
  for (int k = 0; k < ns; k++) {
    cs_context(m, refs[k], &cp, &c);
    /* One complex evaluation along (yS_k, e_k) gives (df/dy) yS_k + df/dp_k at once. */
    for (int i = 0; i < RS_NSTATE; i++) yc[i] = CMPLX(y[i], cs_step * yS[k][i]);
    clamp_state_c(yc, yk);
    rhs_c(&c, t, yk, f);
    for (int i = 0; i < RS_NSTATE; i++) {
      ySdot[k][i] = cimag(f[i]) / cs_step;
      if (!isfinite(ySdot[k][i])) return -1;
    }
  }
  return 0;
}

void rs_model_sens_indicators(const rs_model *m, const rs_pref *refs, int ns, double t,
                              const double *y, const double *yS, double *dout) {
  cs_params cp;
  ctx_c c;
  double complex yc[RS_NSTATE], yk[RS_NSTATE], out[RS_NINDICATOR];
  for (int k = 0; k < ns; k++) {
    cs_context(m, refs[k], &cp, &c);
    for (int i = 0; i < RS_NSTATE; i++) yc[i] = CMPLX(y[i], cs_step * yS[k * RS_NSTATE + i]);
    clamp_state_c(yc, yk);
    indicators_c(&c, t, yk, out);
    for (int i = 0; i < RS_NINDICATOR; i++) dout[k * RS_NINDICATOR + i] = cimag(out[i]) / cs_step;
  }
}
