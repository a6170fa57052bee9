/* sens/quantile.c -- streaming quantiles: exact while a cell has few values, then P-squared
 * (R. Jain and I. Chlamtac 1985, "The P^2 algorithm for dynamic calculation of quantiles and
 * histograms without storing observations", Comm. ACM 28, 1076-1085), one five-marker estimator
 * per quantile, started from the exact order statistics of the first values. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sens.h"

const double rs_sens_quantile_p[RS_SENS_NQ] = {0.05, 0.25, 0.50, 0.75, 0.95};

enum { MK = 15 }; /* per quantile: heights q[5], positions n[5], desired positions np[5] */

rs_status rs_sens_quant_init(rs_sens_quant *q, int ncell, int exact, rs_error *err) {
  memset(q, 0, sizeof *q);
  if (ncell < 1 || exact < 5) return rs_fail(err, RS_ERR_INPUT, "quantiles: bad sizes");
  q->ncell = ncell;
  q->exact = exact;
  q->n = calloc((size_t)ncell, sizeof *q->n);
  q->buf = malloc(sizeof(double) * (size_t)ncell * (size_t)exact);
  q->mk = malloc(sizeof(double) * (size_t)ncell * RS_SENS_NQ * MK);
  q->lo = malloc(sizeof(double) * (size_t)ncell);
  q->hi = malloc(sizeof(double) * (size_t)ncell);
  if (!q->n || !q->buf || !q->mk || !q->lo || !q->hi) {
    rs_sens_quant_free(q);
    return rs_fail(err, RS_ERR_NOMEM, "quantiles: out of memory (%d cells)", ncell);
  }
  return RS_OK;
}

void rs_sens_quant_free(rs_sens_quant *q) {
  if (!q) return;
  free(q->n);
  free(q->buf);
  free(q->mk);
  free(q->lo);
  free(q->hi);
  memset(q, 0, sizeof *q);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* R's type 7: x[h] + (h - floor h)(x[h+1] - x[h]) with h = (n - 1) p (0-based), x sorted. */
static double type7(const double *x, long n, double p) {
  double h = (double)(n - 1) * p;
  long k = (long)floor(h);
  if (k >= n - 1) return x[n - 1];
  return x[k] + (h - (double)k) * (x[k + 1] - x[k]);
}

/* Start the markers of quantile p from the sorted first values x[0..n-1]. */
static void p2_start(double *m, const double *x, long n, double p) {
  const double dp[5] = {0.0, p / 2, p, (1 + p) / 2, 1.0};
  double *h = m, *pos = m + 5, *des = m + 10;
  for (int i = 0; i < 5; i++) {
    des[i] = 1.0 + (double)(n - 1) * dp[i];
    pos[i] = floor(des[i] + 0.5);
    if (i > 0 && pos[i] <= pos[i - 1]) pos[i] = pos[i - 1] + 1;
  }
  for (int i = 4; i >= 0; i--) /* keep them strictly inside 1..n */
    if (pos[i] > (double)n - (4 - i)) pos[i] = (double)n - (4 - i);
  for (int i = 0; i < 5; i++) h[i] = x[(long)pos[i] - 1];
}

static double parabolic(const double *h, const double *pos, int i, double s) {
  return h[i] + s / (pos[i + 1] - pos[i - 1]) *
                    ((pos[i] - pos[i - 1] + s) * (h[i + 1] - h[i]) / (pos[i + 1] - pos[i]) +
                     (pos[i + 1] - pos[i] - s) * (h[i] - h[i - 1]) / (pos[i] - pos[i - 1]));
}

static void p2_add(double *m, double x, double p) {
  const double dp[5] = {0.0, p / 2, p, (1 + p) / 2, 1.0};
  double *h = m, *pos = m + 5, *des = m + 10;
  int k;
  if (x < h[0]) {
    h[0] = x;
    k = 0;
  } else if (x >= h[4]) {
    if (x > h[4]) h[4] = x;
    k = 3;
  } else {
    k = 0;
    while (k < 3 && x >= h[k + 1]) k++;
  }
  for (int i = k + 1; i < 5; i++) pos[i] += 1.0;
  for (int i = 0; i < 5; i++) des[i] += dp[i];
  for (int i = 1; i <= 3; i++) {
    double d = des[i] - pos[i];
    if ((d >= 1.0 && pos[i + 1] - pos[i] > 1.0) || (d <= -1.0 && pos[i - 1] - pos[i] < -1.0)) {
      double s = d >= 0 ? 1.0 : -1.0;
      double hp = parabolic(h, pos, i, s);
      if (h[i - 1] < hp && hp < h[i + 1])
        h[i] = hp;
      else {
        int j = i + (int)s;
        h[i] += s * (h[j] - h[i]) / (pos[j] - pos[i]);
      }
      pos[i] += s;
    }
  }
}

void rs_sens_quant_add(rs_sens_quant *q, const double *x) {
  for (int c = 0; c < q->ncell; c++) {
    double v = x[c];
    if (isnan(v)) continue;
    long n = q->n[c];
    double *buf = q->buf + (size_t)c * (size_t)q->exact;
    double *mk = q->mk + (size_t)c * RS_SENS_NQ * MK;
    if (n == 0 || v < q->lo[c]) q->lo[c] = v;
    if (n == 0 || v > q->hi[c]) q->hi[c] = v;
    if (n < q->exact) {
      buf[n] = v;
      if (n + 1 == q->exact) { /* the cell turns streaming: markers from the exact values */
        qsort(buf, (size_t)q->exact, sizeof *buf, cmp_double);
        for (int k = 0; k < RS_SENS_NQ; k++)
          p2_start(mk + k * MK, buf, q->exact, rs_sens_quantile_p[k]);
      }
    } else {
      for (int k = 0; k < RS_SENS_NQ; k++) p2_add(mk + k * MK, v, rs_sens_quantile_p[k]);
    }
    q->n[c] = n + 1;
  }
}

void rs_sens_quant_get(const rs_sens_quant *q, int c, double *out) {
  long n = q->n[c];
  for (int k = 0; k < RS_SENS_NQ + 2; k++) out[k] = (double)NAN;
  if (n == 0) return;
  out[RS_SENS_NQ] = q->lo[c];
  out[RS_SENS_NQ + 1] = q->hi[c];
  const double *buf = q->buf + (size_t)c * (size_t)q->exact;
  if (n < q->exact) {
    double *tmp = malloc(sizeof(double) * (size_t)n);
    if (!tmp) return;
    memcpy(tmp, buf, sizeof(double) * (size_t)n);
    qsort(tmp, (size_t)n, sizeof *tmp, cmp_double);
    for (int k = 0; k < RS_SENS_NQ; k++) out[k] = type7(tmp, n, rs_sens_quantile_p[k]);
    free(tmp);
  } else if (n == q->exact) {
    for (int k = 0; k < RS_SENS_NQ; k++) out[k] = type7(buf, n, rs_sens_quantile_p[k]);
  } else {
    const double *mk = q->mk + (size_t)c * RS_SENS_NQ * MK;
    for (int k = 0; k < RS_SENS_NQ; k++) out[k] = mk[k * MK + 2];
  }
}
