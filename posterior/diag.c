/* posterior/diag.c -- convergence diagnostics and summaries of posterior draws (Vehtari et al.
 * 2021): rank-normalised split-R-hat for the bulk and, on |x - median|, the tails; the effective
 * sample size of the rank-normalised split chains (bulk) and of the 5 % and 95 % quantile
 * indicators (tail), each by Geyer's initial monotone sequence on the chains' autocovariances
 * (computed by FFT), combined across chains as Stan does. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "posterior.h"

double rs_post_quantile_sorted(const double *sorted, int n, double q) {
  if (n <= 0) return (double)NAN;
  double h = (n - 1) * q;
  int i = (int)floor(h);
  if (i >= n - 1) return sorted[n - 1];
  if (i < 0) return sorted[0];
  return sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double rs_post_rhat(const double *x, int chains, int n) {
  double w = 0.0, mean_all = 0.0, b = 0.0;
  double *m = malloc(sizeof(double) * (size_t)chains);
  if (!m) return (double)NAN;
  for (int c = 0; c < chains; c++) {
    double s = 0.0;
    for (int i = 0; i < n; i++) s += x[(size_t)c * (size_t)n + (size_t)i];
    m[c] = s / n;
    mean_all += m[c] / chains;
    double v = 0.0;
    for (int i = 0; i < n; i++) {
      double e = x[(size_t)c * (size_t)n + (size_t)i] - m[c];
      v += e * e;
    }
    w += v / (n - 1) / chains;
  }
  for (int c = 0; c < chains; c++) b += (m[c] - mean_all) * (m[c] - mean_all);
  b *= (double)n / (chains - 1);
  free(m);
  if (!(w > 0.0)) return b > 0.0 ? (double)INFINITY : 1.0;
  double vplus = (n - 1.0) / n * w + b / n;
  return sqrt(vplus / w);
}

/* The biased autocovariance of one chain (acov[0..n-1]) by FFT, zero-padded. */
static int autocov(const double *x, int n, double *acov, double *buf, int nfft) {
  double mean = 0.0;
  for (int i = 0; i < n; i++) mean += x[i];
  mean /= n;
  for (int i = 0; i < nfft; i++) {
    buf[2 * i] = i < n ? x[i] - mean : 0.0;
    buf[2 * i + 1] = 0.0;
  }
  if (gsl_fft_complex_radix2_forward(buf, 1, (size_t)nfft) != GSL_SUCCESS) return 1;
  for (int i = 0; i < nfft; i++) {
    buf[2 * i] = buf[2 * i] * buf[2 * i] + buf[2 * i + 1] * buf[2 * i + 1];
    buf[2 * i + 1] = 0.0;
  }
  if (gsl_fft_complex_radix2_inverse(buf, 1, (size_t)nfft) != GSL_SUCCESS) return 1;
  for (int t = 0; t < n; t++) acov[t] = buf[2 * t] / n;
  return 0;
}

double rs_post_ess(const double *x, int chains, int n) {
  int nfft = 1;
  while (nfft < 2 * n) nfft *= 2;
  double *acov = calloc((size_t)n, sizeof(double));
  double *one = malloc(sizeof(double) * (size_t)n);
  double *buf = malloc(sizeof(double) * 2 * (size_t)nfft);
  double *means = malloc(sizeof(double) * (size_t)chains);
  double ess = (double)NAN;
  if (!acov || !one || !buf || !means) goto done;
  double mean_var = 0.0;
  for (int c = 0; c < chains; c++) {
    const double *xc = x + (size_t)c * (size_t)n;
    if (autocov(xc, n, one, buf, nfft)) goto done;
    double s = 0.0;
    for (int i = 0; i < n; i++) s += xc[i];
    means[c] = s / n;
    for (int t = 0; t < n; t++) acov[t] += one[t] / chains;
    mean_var += one[0] * n / (n - 1.0) / chains;
  }
  double var_plus = mean_var * (n - 1.0) / n;
  if (chains > 1) {
    double mm = 0.0, vb = 0.0;
    for (int c = 0; c < chains; c++) mm += means[c] / chains;
    for (int c = 0; c < chains; c++) vb += (means[c] - mm) * (means[c] - mm);
    var_plus += vb / (chains - 1);
  }
  if (!(var_plus > 0.0)) {
    ess = (double)chains * n;
    goto done;
  }
  /* rho_t = 1 - (mean_var - acov_t) / var_plus; Geyer's positive, monotone pair sums. */
  double tau = 0.0, prev = (double)INFINITY;
  int t = 0;
  for (; t + 1 < n; t += 2) {
    double r0 = t == 0 ? 1.0 : 1.0 - (mean_var - acov[t]) / var_plus;
    double r1 = 1.0 - (mean_var - acov[t + 1]) / var_plus;
    double p = r0 + r1;
    if (!(p > 0.0)) break;
    if (p > prev) p = prev;
    prev = p;
    tau += p;
  }
  tau = -1.0 + 2.0 * tau;
  /* Stan's cap: at most log10(chains n) times the draws (antithetic chains). */
  double cap = (double)chains * n * log10((double)chains * n);
  ess = (double)chains * n / fmax(tau, (double)chains * n / cap);
done:
  free(acov);
  free(one);
  free(buf);
  free(means);
  return ess;
}

typedef struct ranked {
  double v;
  int i;
} ranked;

static int cmp_ranked(const void *a, const void *b) {
  const ranked *x = a, *y = b;
  if (x->v != y->v) return (x->v > y->v) - (x->v < y->v);
  return (x->i > y->i) - (x->i < y->i);
}

/* z-scores of the ranks of v (S values, ties given their average rank), in place. */
static void rank_normalise(double *v, int S, ranked *tmp) {
  for (int i = 0; i < S; i++) tmp[i] = (ranked){v[i], i};
  qsort(tmp, (size_t)S, sizeof *tmp, cmp_ranked);
  for (int i = 0; i < S;) {
    int j = i;
    while (j + 1 < S && tmp[j + 1].v == tmp[i].v) j++;
    double r = 0.5 * (i + j) + 1.0;
    for (int k = i; k <= j; k++) v[tmp[k].i] = gsl_cdf_ugaussian_Pinv((r - 0.375) / (S + 0.25));
    i = j + 1;
  }
}

void rs_post_summarise(const double *x, int chains, int n, long stride_c, long stride_i,
                       rs_post_summary *out) {
  memset(out, 0, sizeof *out);
  int half = n / 2, sc = 2 * chains, S = sc * half, N = chains * n;
  double *all = malloc(sizeof(double) * (size_t)N);
  double *split = malloc(sizeof(double) * (size_t)S);
  double *work = malloc(sizeof(double) * (size_t)S);
  ranked *tmp = malloc(sizeof(ranked) * (size_t)S);
  if (!all || !split || !work || !tmp) {
    out->rhat = out->ess_bulk = (double)NAN;
    goto done;
  }
  double s1 = 0.0;
  for (int c = 0; c < chains; c++)
    for (int i = 0; i < n; i++) s1 += all[c * n + i] = x[c * stride_c + i * stride_i];
  out->mean = s1 / N;
  double s2 = 0.0;
  for (int k = 0; k < N; k++) s2 += (all[k] - out->mean) * (all[k] - out->mean);
  out->sd = sqrt(s2 / (N - 1));
  /* split chains: the first and the last half of each (the middle draw of an odd n dropped) */
  for (int c = 0; c < chains; c++)
    for (int i = 0; i < half; i++) {
      split[(2 * c) * half + i] = all[c * n + i];
      split[(2 * c + 1) * half + i] = all[c * n + (n - half) + i];
    }
  qsort(all, (size_t)N, sizeof(double), cmp_double);
  out->q05 = rs_post_quantile_sorted(all, N, 0.05);
  out->q25 = rs_post_quantile_sorted(all, N, 0.25);
  out->q50 = rs_post_quantile_sorted(all, N, 0.50);
  out->q75 = rs_post_quantile_sorted(all, N, 0.75);
  out->q95 = rs_post_quantile_sorted(all, N, 0.95);
  if (!(out->sd > 0.0)) {
    out->rhat = out->rhat_bulk = out->rhat_tail = 1.0;
    out->ess_bulk = out->ess_tail = N;
    goto done;
  }
  memcpy(work, split, sizeof(double) * (size_t)S);
  rank_normalise(work, S, tmp);
  out->rhat_bulk = rs_post_rhat(work, sc, half);
  out->ess_bulk = rs_post_ess(work, sc, half);
  for (int k = 0; k < S; k++) work[k] = fabs(split[k] - out->q50);
  rank_normalise(work, S, tmp);
  out->rhat_tail = rs_post_rhat(work, sc, half);
  out->rhat = fmax(out->rhat_bulk, out->rhat_tail);
  double e[2];
  double q[2] = {out->q05, out->q95};
  for (int t = 0; t < 2; t++) {
    for (int k = 0; k < S; k++) work[k] = split[k] <= q[t] ? 1.0 : 0.0;
    e[t] = rs_post_ess(work, sc, half);
  }
  out->ess_tail = fmin(e[0], e[1]);
done:
  free(all);
  free(split);
  free(work);
  free(tmp);
}

int rs_post_converged(const rs_post_summary *s, int d) {
  for (int j = 0; j < d; j++)
    if (!(s[j].rhat < 1.01) || !(s[j].ess_bulk >= 400.0) || !(s[j].ess_tail >= 400.0)) return 0;
  return 1;
}
