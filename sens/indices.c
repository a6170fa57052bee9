/* sens/indices.c -- Sobol indices (Saltelli sampling on the Sobol sequence; the estimators of
 * Saltelli et al. 2010, "Variance based sensitivity analysis of model output. Design and
 * estimator for the total sensitivity index", Comput. Phys. Commun. 181, 259-270: first order by
 * their eq. (b) of table 2, total by Jansen's formula, eq. (f)) with percentile bootstrap
 * intervals, and Morris elementary effects (Morris 1991, Technometrics 33, 161-174; mu* of
 * Campolongo, Cariboni and Saltelli 2007). Both run on rs_sens_run: every base row (Sobol) or
 * trajectory (Morris) is one member, reduced in member order. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "sens.h"

/* A thread's workspace: the problem's and room for the points. */
typedef struct pws {
  void *ws;
  double u[2 * RS_SENS_SOBOL_MAXDIM], x[RS_SENS_SOBOL_MAXDIM];
} pws;

typedef struct wrap {
  const rs_sens_problem *pb;
} wrap;

/* A thread's workspace remembers how to free the problem's part. */
typedef struct pws_owned {
  pws w;
  void (*free_fn)(void *);
} pws_owned;

static void *pws_alloc_owned(void *ctx) {
  const rs_sens_problem *pb = ((wrap *)ctx)->pb;
  pws_owned *o = calloc(1, sizeof *o);
  if (!o) return NULL;
  o->free_fn = pb->ws_free;
  if (pb->ws_alloc && !(o->w.ws = pb->ws_alloc(pb->ctx))) {
    free(o);
    return NULL;
  }
  return o;
}

static void pws_free_owned(void *p) {
  pws_owned *o = p;
  if (!o) return;
  if (o->free_fn && o->w.ws) o->free_fn(o->w.ws);
  free(o);
}

/* ---------------------------------------------------------------- Sobol */

typedef struct sobol_ctx {
  wrap wr;
  const rs_sens_problem *pb;
  rs_sobol_result *res;
  double *s1num, *stnum; /* nout x d sums */
  double *wmean, *wm2;   /* Welford over f(A) and f(B), per output */
  long nv;               /* values in the Welford sums */
  double *held;          /* nboot x N x (d + 2): the values of the bootstrapped outputs */
  long nfailed_cap;
} sobol_ctx;

static int sobol_eval(void *ctx, void *wsv, long row, double *out) {
  sobol_ctx *c = ctx;
  const rs_sens_problem *pb = c->pb;
  pws *w = &((pws_owned *)wsv)->w;
  int d = pb->d, no = pb->nout;
  rs_sens_sobol_point(2 * d, (uint32_t)(row + 1), w->u);
  if (pb->eval(pb->ctx, w->ws, w->u, out)) return 1;          /* f(A) */
  if (pb->eval(pb->ctx, w->ws, w->u + d, out + no)) return 1; /* f(B) */
  for (int i = 0; i < d; i++) {
    memcpy(w->x, w->u, sizeof(double) * (size_t)d);
    w->x[i] = w->u[d + i];
    if (pb->eval(pb->ctx, w->ws, w->x, out + (size_t)(2 + i) * (size_t)no)) return 1;
  }
  return 0;
}

static void welford(double *mean, double *m2, long n, double x) {
  double dx = x - *mean;
  *mean += dx / (double)n;
  *m2 += dx * (x - *mean);
}

static void sobol_reduce(void *ctx, long row, int ok, const double *out) {
  sobol_ctx *c = ctx;
  rs_sobol_result *r = c->res;
  int d = r->d, no = r->nout;
  if (!ok) {
    if (r->nfailed >= c->nfailed_cap) {
      long cap = c->nfailed_cap ? 2 * c->nfailed_cap : 64;
      long *f = realloc(r->failed, sizeof(long) * (size_t)cap);
      if (f) r->failed = f, c->nfailed_cap = cap;
    }
    if (r->nfailed < c->nfailed_cap) r->failed[r->nfailed] = row;
    r->nfailed++;
    return;
  }
  const double *fA = out, *fB = out + no;
  c->nv += 2;
  for (int o = 0; o < no; o++) {
    welford(&c->wmean[o], &c->wm2[o], c->nv - 1, fA[o]);
    welford(&c->wmean[o], &c->wm2[o], c->nv, fB[o]);
    for (int i = 0; i < d; i++) {
      double fi = out[(size_t)(2 + i) * (size_t)no + (size_t)o];
      c->s1num[o * d + i] += fB[o] * (fi - fA[o]);
      c->stnum[o * d + i] += (fA[o] - fi) * (fA[o] - fi);
    }
  }
  for (int o = 0; o < r->nboot; o++) {
    double *h = c->held + ((size_t)o * (size_t)r->n + (size_t)r->nok) * (size_t)(d + 2);
    for (int k = 0; k < d + 2; k++) h[k] = out[(size_t)k * (size_t)no + (size_t)o];
  }
  r->nok++;
}

/* Indices from rows idx[0..m-1] (or rows 0..m-1 when idx is NULL) of held values h (row-major,
 * d + 2 per row: f(A), f(B), f(A_B^i)). */
static void indices_of(const double *h, int d, const long *idx, long m, double *S1, double *ST) {
  double mean = 0, m2 = 0;
  long nv = 0;
  for (int i = 0; i < d; i++) S1[i] = ST[i] = 0;
  for (long j = 0; j < m; j++) {
    const double *row = h + (size_t)(idx ? idx[j] : j) * (size_t)(d + 2);
    welford(&mean, &m2, ++nv, row[0]);
    welford(&mean, &m2, ++nv, row[1]);
    for (int i = 0; i < d; i++) {
      S1[i] += row[1] * (row[2 + i] - row[0]);
      ST[i] += (row[0] - row[2 + i]) * (row[0] - row[2 + i]);
    }
  }
  double V = nv > 0 ? m2 / (double)nv : (double)NAN;
  for (int i = 0; i < d; i++) {
    S1[i] = S1[i] / (double)m / V;
    ST[i] = ST[i] / (2.0 * (double)m) / V;
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double pct(double *x, int n, double p) { /* type 7 of sorted x */
  double h = (double)(n - 1) * p;
  int k = (int)floor(h);
  if (k >= n - 1) return x[n - 1];
  return x[k] + (h - (double)k) * (x[k + 1] - x[k]);
}

/* Bootstrap intervals of output o: R resamples of the rows, each drawn by the counter-based
 * generator from (seed, resample, draw), run in parallel and stored by resample. */
static rs_status bootstrap(sobol_ctx *c, const rs_sobol_options *opt, int o, rs_error *err) {
  rs_sobol_result *r = c->res;
  int d = r->d, R = opt->nboot;
  long m = r->nok;
  const double *h = c->held + (size_t)o * (size_t)r->n * (size_t)(d + 2);
  for (int i = 0; i < d; i++) {
    r->S1_lo[o * d + i] = r->S1_hi[o * d + i] = (double)NAN;
    r->ST_lo[o * d + i] = r->ST_hi[o * d + i] = (double)NAN;
  }
  indices_of(h, d, NULL, m / 2, r->S1_half + o * d, r->ST_half + o * d);
  if (m < 4 || R < 10) return RS_OK;
  double *b1 = malloc(sizeof(double) * 2 * (size_t)R * (size_t)d);
  if (!b1) return rs_fail(err, RS_ERR_NOMEM, "sobol: out of memory (bootstrap)");
  double *bt = b1 + (size_t)R * (size_t)d;
  int nomem = 0;
  int nthreads = rs_threads(opt->threads, 0);
#pragma omp parallel num_threads(nthreads)
  {
    long *idx = malloc(sizeof(long) * (size_t)m);
    double s1[RS_SENS_SOBOL_MAXDIM], st[RS_SENS_SOBOL_MAXDIM];
    if (!idx) {
#pragma omp atomic write
      nomem = 1;
    }
#pragma omp for schedule(static)
    for (int b = 0; b < R; b++) {
      if (!idx) continue;
      for (long j = 0; j < m; j++)
        idx[j] = (long)(rs_sens_uniform(opt->seed, (uint64_t)b, (uint64_t)j) * (double)m);
      indices_of(h, d, idx, m, s1, st);
      for (int i = 0; i < d; i++) b1[(size_t)i * (size_t)R + (size_t)b] = s1[i];
      for (int i = 0; i < d; i++) bt[(size_t)i * (size_t)R + (size_t)b] = st[i];
    }
    free(idx);
  }
  if (nomem) {
    free(b1);
    return rs_fail(err, RS_ERR_NOMEM, "sobol: out of memory (bootstrap)");
  }
  double a = (1.0 - opt->level) / 2;
  for (int i = 0; i < d; i++) {
    double *x1 = b1 + (size_t)i * (size_t)R, *xt = bt + (size_t)i * (size_t)R;
    qsort(x1, (size_t)R, sizeof *x1, cmp_double);
    qsort(xt, (size_t)R, sizeof *xt, cmp_double);
    r->S1_lo[o * d + i] = pct(x1, R, a);
    r->S1_hi[o * d + i] = pct(x1, R, 1 - a);
    r->ST_lo[o * d + i] = pct(xt, R, a);
    r->ST_hi[o * d + i] = pct(xt, R, 1 - a);
  }
  free(b1);
  return RS_OK;
}

rs_sobol_options rs_sobol_default_options(void) {
  rs_sobol_options o = {.n = 1024, .nboot = 200, .level = 0.95, .seed = 20010618};
  return o;
}

void rs_sobol_result_free(rs_sobol_result *r) {
  if (!r) return;
  free(r->failed);
  free(r->S1);
  memset(r, 0, sizeof *r);
}

rs_status rs_sens_sobol(const rs_sens_problem *pb, const rs_sobol_options *opt, rs_sobol_result *r,
                        rs_error *err) {
  memset(r, 0, sizeof *r);
  if (pb->d < 1 || 2 * pb->d > RS_SENS_SOBOL_MAXDIM || pb->nout < 1 || pb->nboot < 0 ||
      pb->nboot > pb->nout || opt->n < 2)
    return rs_fail(err, RS_ERR_INPUT, "sobol: %d inputs (1 to %d), %d outputs, N = %d (>= 2)",
                   pb->d, RS_SENS_SOBOL_MAXDIM / 2, pb->nout, opt->n);
  int d = pb->d, no = pb->nout, nb = pb->nboot;
  r->d = d, r->nout = no, r->nboot = nb, r->n = opt->n;
  size_t nd = (size_t)no * (size_t)d, bd = (size_t)(nb ? nb : 1) * (size_t)d;
  /* one block of results: S1, ST | S1_lo, S1_hi, ST_lo, ST_hi, S1_half, ST_half | mean, var */
  r->S1 = calloc(2 * nd + 6 * bd + 2 * (size_t)no, sizeof(double));
  sobol_ctx c = {.pb = pb, .res = r};
  c.wr.pb = pb;
  c.s1num = calloc(4 * nd + 2 * (size_t)no, sizeof(double));
  c.held = nb ? malloc(sizeof(double) * (size_t)nb * (size_t)opt->n * (size_t)(d + 2)) : NULL;
  if (!r->S1 || !c.s1num || (nb && !c.held)) {
    free(c.s1num);
    free(c.held);
    rs_sobol_result_free(r);
    return rs_fail(err, RS_ERR_NOMEM, "sobol: out of memory (N = %d, %d outputs)", opt->n, no);
  }
  r->ST = r->S1 + nd;
  r->S1_lo = r->ST + nd, r->S1_hi = r->S1_lo + bd, r->ST_lo = r->S1_hi + bd;
  r->ST_hi = r->ST_lo + bd, r->S1_half = r->ST_hi + bd, r->ST_half = r->S1_half + bd;
  r->mean = r->ST_half + bd, r->var = r->mean + no;
  c.stnum = c.s1num + nd, c.wmean = c.stnum + nd, c.wm2 = c.wmean + no;
  rs_sens_task t = {.n = opt->n,
                    .nout = (d + 2) * no,
                    .ctx = &c,
                    .ws_alloc = pws_alloc_owned,
                    .ws_free = pws_free_owned,
                    .eval = sobol_eval,
                    .reduce = sobol_reduce,
                    .threads = opt->threads,
                    .block = 64,
                    .progress = opt->progress};
  rs_status st = rs_sens_run(&t, err);
  if (st == RS_OK && rs_sens_rank() == 0) {
    for (int o = 0; o < no; o++) {
      r->mean[o] = c.wmean[o];
      r->var[o] = c.nv > 0 ? c.wm2[o] / (double)c.nv : (double)NAN;
      for (int i = 0; i < d; i++) {
        r->S1[o * d + i] = c.s1num[o * d + i] / (double)r->nok / r->var[o];
        r->ST[o * d + i] = c.stnum[o * d + i] / (2.0 * (double)r->nok) / r->var[o];
      }
    }
    for (int o = 0; st == RS_OK && o < nb; o++) st = bootstrap(&c, opt, o, err);
  }
  free(c.s1num);
  free(c.held);
  if (st != RS_OK) rs_sobol_result_free(r);
  return st;
}

/* ---------------------------------------------------------------- Morris */

typedef struct morris_ctx {
  wrap wr;
  const rs_sens_problem *pb;
  rs_morris_result *res;
  int levels;
  uint64_t seed;
  double *m2; /* Welford of the effects, nout x d */
  long cap;
} morris_ctx;

/* Trajectory t: the base grid level of each input, the order in which they move and the sign
 * of each jump, all from the counter-based generator. */
static void trajectory(const morris_ctx *c, long t, int *order, double *x0, double *step) {
  int d = c->pb->d, p = c->levels;
  double delta = (double)p / (2.0 * (p - 1));
  for (int i = 0; i < d; i++) {
    int g = (int)(rs_sens_uniform(c->seed, (uint64_t)t, (uint64_t)i) * p);
    if (g >= p) g = p - 1;
    x0[i] = (double)g / (p - 1);
    step[i] = x0[i] + delta <= 1.0 + 1e-12 ? delta : -delta;
    order[i] = i;
  }
  for (int i = d - 1; i > 0; i--) {
    int j = (int)(rs_sens_uniform(c->seed, (uint64_t)t, (uint64_t)(d + i)) * (i + 1));
    int tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
}

static int morris_eval(void *ctx, void *wsv, long t, double *out) {
  morris_ctx *c = ctx;
  const rs_sens_problem *pb = c->pb;
  pws *w = &((pws_owned *)wsv)->w;
  int order[RS_SENS_SOBOL_MAXDIM];
  double step[RS_SENS_SOBOL_MAXDIM];
  trajectory(c, t, order, w->x, step);
  if (pb->eval(pb->ctx, w->ws, w->x, out)) return 1;
  for (int k = 0; k < pb->d; k++) {
    w->x[order[k]] += step[order[k]];
    if (pb->eval(pb->ctx, w->ws, w->x, out + (size_t)(k + 1) * (size_t)pb->nout)) return 1;
  }
  return 0;
}

static void morris_reduce(void *ctx, long t, int ok, const double *out) {
  morris_ctx *c = ctx;
  rs_morris_result *r = c->res;
  int d = r->d, no = r->nout;
  if (!ok) {
    if (r->nfailed >= c->cap) {
      long cap = c->cap ? 2 * c->cap : 64;
      long *f = realloc(r->failed, sizeof(long) * (size_t)cap);
      if (f) r->failed = f, c->cap = cap;
    }
    if (r->nfailed < c->cap) r->failed[r->nfailed] = t;
    r->nfailed++;
    return;
  }
  int order[RS_SENS_SOBOL_MAXDIM];
  double x0[RS_SENS_SOBOL_MAXDIM], step[RS_SENS_SOBOL_MAXDIM];
  trajectory(c, t, order, x0, step);
  long n = ++r->nok;
  for (int k = 0; k < d; k++) {
    int i = order[k];
    for (int o = 0; o < no; o++) {
      double ee = (out[(size_t)(k + 1) * (size_t)no + (size_t)o] -
                   out[(size_t)k * (size_t)no + (size_t)o]) /
                  step[i];
      welford(&r->mu[o * d + i], &c->m2[o * d + i], n, ee);
      r->mustar[o * d + i] += (fabs(ee) - r->mustar[o * d + i]) / (double)n;
    }
  }
}

void rs_morris_result_free(rs_morris_result *r) {
  if (!r) return;
  free(r->failed);
  free(r->mu);
  memset(r, 0, sizeof *r);
}

rs_status rs_sens_morris(const rs_sens_problem *pb, int ntraj, int levels, uint64_t seed,
                         int threads, int progress, rs_morris_result *r, rs_error *err) {
  memset(r, 0, sizeof *r);
  if (pb->d < 1 || pb->d > RS_SENS_SOBOL_MAXDIM || pb->nout < 1 || ntraj < 2 || levels < 2 ||
      levels % 2)
    return rs_fail(err, RS_ERR_INPUT,
                   "morris: %d inputs, %d trajectories (>= 2), %d levels (even, >= 2)", pb->d,
                   ntraj, levels);
  int d = pb->d, no = pb->nout;
  size_t nd = (size_t)no * (size_t)d;
  r->d = d, r->nout = no, r->r = ntraj;
  r->mu = calloc(4 * nd, sizeof(double));
  if (!r->mu) return rs_fail(err, RS_ERR_NOMEM, "morris: out of memory");
  r->mustar = r->mu + nd, r->sigma = r->mustar + nd;
  morris_ctx c = {.pb = pb, .res = r, .levels = levels, .seed = seed, .m2 = r->sigma + nd};
  c.wr.pb = pb;
  rs_sens_task t = {.n = ntraj,
                    .nout = (d + 1) * no,
                    .ctx = &c,
                    .ws_alloc = pws_alloc_owned,
                    .ws_free = pws_free_owned,
                    .eval = morris_eval,
                    .reduce = morris_reduce,
                    .threads = threads,
                    .block = 64,
                    .progress = progress};
  rs_status st = rs_sens_run(&t, err);
  for (size_t k = 0; k < nd; k++)
    r->sigma[k] = r->nok > 1 ? sqrt(c.m2[k] / (double)(r->nok - 1)) : (double)NAN;
  if (st != RS_OK) rs_morris_result_free(r);
  return st;
}
