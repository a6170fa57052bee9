/* posterior/sampler.c -- DE-MC-ZS (DREAM(ZS)): differential-evolution Markov chains that draw
 * their jumps from an archive Z of past states, with snooker updates and randomised subspaces.
 *
 * Each iteration moves every chain once. A chain's proposal is, with probability 0.9, a parallel
 * jump x + g (z1 - z2) + e over a random subset of the coordinates (each kept with probability
 * CR, CR drawn from {1/3, 2/3, 1}; g = 2.38 / sqrt(2 d'), d' the subset's size, or g = 1 one time
 * in ten so that chains can jump between modes; e a tiny normal jitter), reflected into the
 * bounds, or with probability 0.1 a snooker jump along the line from an archive point z through
 * x (ter Braak and Vrugt 2008), rejected when it leaves the bounds, with its Jacobian factor
 * |x* - z|^(d-1) / |x - z|^(d-1). Both are symmetric or corrected, so the chains leave the
 * posterior invariant. The archive starts with max(10 d, 100) draws from the warm start (the
 * calibration's optimum and its covariance) and gets every chain's state every 10 iterations;
 * halfway through the warm-up it forgets the warm start's draws (forget_warm_start).
 *
 * Determinism: every chain has its own xoshiro256** stream seeded from (seed, chain); within an
 * iteration the chains read the archive as it was at the iteration's start and write only their
 * own state; the archive grows after the iteration, in chain order. The draws therefore depend
 * on the seed alone, whatever the thread count, and a checkpoint (the whole state, written
 * between iterations) resumes to the same bits.
 *
 * Burn-in: the first `warmup` draws of every chain (by default half of them) are the warm-up
 * and are discarded by the summaries; the acceptance rate counts the kept iterations only. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "posterior.h"

enum { ARCHIVE_EVERY = 10 };
static const double p_snooker = 0.1;

rs_post_options rs_post_default_options(void) {
  rs_post_options o;
  memset(&o, 0, sizeof o);
  o.chains = 8;
  o.samples = 1000;
  o.warmup = -1; /* as many as samples */
  o.thin = 1;
  o.seed = 20010618u;
  o.checkpoint_every = 50;
  return o;
}

/* ---------------------------------------------------------------- random numbers */

typedef struct rng {
  uint64_t s[4];
} rng;

static uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed, uint64_t stream) {
  uint64_t x = seed ^ (0xd1b54a32d192ed03u * (stream + 1));
  for (int i = 0; i < 4; i++) r->s[i] = splitmix(&x);
}

static uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r) {
  uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return out;
}

static double rng_uniform(rng *r) { /* in (0, 1) */
  return ((double)(rng_next(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static int rng_int(rng *r, int n) {
  return (int)(rng_uniform(r) * n) % n;
}

static double rng_normal(rng *r) { /* Box-Muller, one value per call (no hidden state) */
  double u = rng_uniform(r), v = rng_uniform(r);
  return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* ---------------------------------------------------------------- the state */

typedef struct chain {
  double x[RS_POST_MAXDIM];
  double ll, lp;
  rng r;
  long proposed, accepted;
} chain;

typedef struct state {
  int d, nchains;
  long iter;    /* iterations done */
  long total;   /* iterations to do */
  int zn, zcap; /* archive size, capacity */
  double *z;    /* zcap x d */
  chain *ch;
  long evals, failed;
} state;

static double reflect(double v, double lo, double hi) {
  double w = hi - lo;
  for (int k = 0; k < 64 && (v < lo || v > hi); k++) v = v < lo ? 2.0 * lo - v : 2.0 * hi - v;
  return v < lo || v > hi ? lo + 0.5 * w : v;
}

static int eval(const rs_post_problem *pb, int thread, const double *x, double *ll, double *lp) {
  if (pb->fn(pb->ctx, thread, x, ll, lp) != 0) return 1;
  return !(isfinite(*ll) && isfinite(*lp));
}

/* Draws from the warm start: start + L n (L the Cholesky factor of the covariance, or the
 * bounds' uniform without one), reflected into the bounds. */
static void warm_draw(const rs_post_problem *pb, const double *L, rng *r, double *x) {
  int d = pb->d;
  double nrm[RS_POST_MAXDIM];
  for (int j = 0; j < d; j++) nrm[j] = rng_normal(r);
  for (int j = 0; j < d; j++) {
    double v;
    if (L) {
      v = pb->start[j];
      for (int k = 0; k <= j; k++) v += L[j * d + k] * nrm[k];
    } else {
      v = pb->lo[j] + (pb->hi[j] - pb->lo[j]) * rng_uniform(r);
    }
    x[j] = reflect(v, pb->lo[j], pb->hi[j]);
  }
}

/* A Cholesky factor of the covariance, with the variance of each coordinate capped at the
 * square of its range (a parameter the targets do not decide has an enormous variance) and
 * the correlations kept; a matrix that is not positive definite loses its correlations. */
static double *cholesky(const rs_post_problem *pb) {
  int d = pb->d;
  if (!pb->start_cov) return NULL;
  double *a = malloc(sizeof(double) * (size_t)(d * d));
  if (!a) return NULL;
  double sd[RS_POST_MAXDIM];
  for (int j = 0; j < d; j++) {
    double v = pb->start_cov[j * d + j], w = pb->hi[j] - pb->lo[j];
    sd[j] = isfinite(v) && v > 0.0 ? fmin(sqrt(v), 0.1 * w) : 0.1 * w;
  }
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < d; i++)
      for (int j = 0; j < d; j++) {
        double vi = pb->start_cov[i * d + i], vj = pb->start_cov[j * d + j];
        double c = i == j ? 1.0 : pass == 0 ? pb->start_cov[i * d + j] / sqrt(vi * vj) : 0.0;
        a[i * d + j] = (isfinite(c) ? fmax(fmin(c, 1.0), -1.0) : 0.0) * sd[i] * sd[j];
      }
    int ok = 1;
    for (int j = 0; j < d && ok; j++) {
      for (int k = 0; k < j; k++) {
        double s = a[j * d + k];
        for (int q = 0; q < k; q++) s -= a[j * d + q] * a[k * d + q];
        a[j * d + k] = s / a[k * d + k];
      }
      double s = a[j * d + j];
      for (int q = 0; q < j; q++) s -= a[j * d + q] * a[j * d + q];
      if (!(s > 1e-14 * sd[j] * sd[j])) ok = 0;
      a[j * d + j] = ok ? sqrt(s) : 0.0;
    }
    if (ok) {
      for (int j = 0; j < d; j++)
        for (int k = j + 1; k < d; k++) a[j * d + k] = 0.0;
      return a;
    }
  }
  for (int j = 0; j < d * d; j++) a[j] = 0.0;
  for (int j = 0; j < d; j++) a[j * d + j] = sd[j];
  return a;
}

static rs_status state_alloc(state *s, const rs_post_problem *pb, const rs_post_options *opt,
                             rs_error *err) {
  memset(s, 0, sizeof *s);
  s->d = pb->d;
  s->nchains = opt->chains;
  s->total = (long)(opt->warmup + opt->samples) * opt->thin;
  int z0 = pb->d * 10 > 100 ? pb->d * 10 : 100;
  s->zcap = z0 + (int)(s->total / ARCHIVE_EVERY + 1) * opt->chains;
  s->z = malloc(sizeof(double) * (size_t)s->zcap * (size_t)pb->d);
  s->ch = calloc((size_t)opt->chains, sizeof *s->ch);
  if (!s->z || !s->ch) return rs_fail(err, RS_ERR_NOMEM, "posterior: out of memory");
  return RS_OK;
}

static void state_free(state *s) {
  free(s->z);
  free(s->ch);
}

/* The initial archive and the chains' first states, from the warm start: every draw from one
 * stream of its own, the chains' first states re-drawn until the density can be evaluated. */
static rs_status state_init(state *s, const rs_post_problem *pb, const rs_post_options *opt,
                            rs_error *err) {
  double *L = cholesky(pb);
  rng r;
  rng_seed(&r, opt->seed, 0xffffu);
  int z0 = pb->d * 10 > 100 ? pb->d * 10 : 100;
  for (int i = 0; i < z0; i++) warm_draw(pb, L, &r, s->z + (size_t)i * (size_t)pb->d);
  s->zn = z0;
  int bad = -1;
  for (int c = 0; c < s->nchains; c++) rng_seed(&s->ch[c].r, opt->seed, (uint64_t)c);
#pragma omp parallel for schedule(dynamic) num_threads(rs_threads(opt->threads, 0))
  for (int c = 0; c < s->nchains; c++) {
    chain *ch = &s->ch[c];
    int ok = 0;
    for (int k = 0; k < 1000 && !ok; k++) {
      if (c == 0 && k == 0)
        for (int j = 0; j < pb->d; j++) ch->x[j] = reflect(pb->start[j], pb->lo[j], pb->hi[j]);
      else
        warm_draw(pb, L, &ch->r, ch->x);
      ok = eval(pb, omp_get_thread_num(), ch->x, &ch->ll, &ch->lp) == 0;
    }
    if (!ok) {
#pragma omp critical
      bad = c;
    }
  }
  free(L);
  s->evals = 0;
  if (bad >= 0)
    return rs_fail(err, RS_ERR_INPUT,
                   "posterior: the density cannot be evaluated at 1,000 draws from the warm start "
                   "(chain %d)",
                   bad + 1);
  return RS_OK;
}

/* One proposal and its acceptance for chain ch (reads the archive, writes only ch). */
static void step(const state *s, const rs_post_problem *pb, chain *ch, int thread, long *evals,
                 long *failed, int count) {
  int d = s->d;
  rng *r = &ch->r;
  double y[RS_POST_MAXDIM], logj = 0.0;
  int inside = 1;
  memcpy(y, ch->x, sizeof(double) * (size_t)d);
  if (rng_uniform(r) < p_snooker && d > 1) {
    const double *z = s->z + (size_t)rng_int(r, s->zn) * (size_t)d;
    const double *z1 = s->z + (size_t)rng_int(r, s->zn) * (size_t)d;
    const double *z2 = s->z + (size_t)rng_int(r, s->zn) * (size_t)d;
    double u[RS_POST_MAXDIM], uu = 0.0, p1 = 0.0, p2 = 0.0;
    for (int j = 0; j < d; j++) {
      double w = pb->hi[j] - pb->lo[j]; /* lengths in units of the ranges */
      u[j] = (ch->x[j] - z[j]) / w;
      uu += u[j] * u[j];
      p1 += z1[j] / w * u[j];
      p2 += z2[j] / w * u[j];
    }
    if (!(uu > 0.0)) return;
    double g = 1.2 + rng_uniform(r), yz = 0.0;
    for (int j = 0; j < d; j++) {
      double w = pb->hi[j] - pb->lo[j];
      y[j] = ch->x[j] + g * (p1 - p2) / uu * u[j] * w;
      inside &= y[j] >= pb->lo[j] && y[j] <= pb->hi[j];
      yz += ((y[j] - z[j]) / w) * ((y[j] - z[j]) / w);
    }
    if (!(yz > 0.0)) return;
    logj = 0.5 * (d - 1) * (log(yz) - log(uu));
  } else {
    const double cr_set[3] = {1.0 / 3.0, 2.0 / 3.0, 1.0};
    double cr = cr_set[rng_int(r, 3)];
    int i1 = rng_int(r, s->zn), i2 = rng_int(r, s->zn - 1);
    if (i2 >= i1) i2++;
    const double *z1 = s->z + (size_t)i1 * (size_t)d, *z2 = s->z + (size_t)i2 * (size_t)d;
    int keep[RS_POST_MAXDIM], nk = 0;
    for (int j = 0; j < d; j++) nk += keep[j] = rng_uniform(r) < cr;
    if (nk == 0) {
      int j = rng_int(r, d);
      keep[j] = 1;
      nk = 1;
    }
    double g = rng_uniform(r) < 0.1 ? 1.0 : 2.38 / sqrt(2.0 * nk);
    for (int j = 0; j < d; j++) {
      double e = 1e-6 * (pb->hi[j] - pb->lo[j]) * rng_normal(r);
      if (keep[j]) y[j] = reflect(ch->x[j] + g * (z1[j] - z2[j]) + e, pb->lo[j], pb->hi[j]);
    }
  }
  double u = rng_uniform(r); /* drawn whether or not it is needed: one stream per chain */
  if (count) ch->proposed++;
  if (!inside) return;
  double ll, lp;
  (*evals)++;
  if (eval(pb, thread, y, &ll, &lp) != 0) {
    (*failed)++;
    return;
  }
  double loga = (ll + lp) - (ch->ll + ch->lp) + logj;
  if (log(u) < loga) {
    memcpy(ch->x, y, sizeof(double) * (size_t)d);
    ch->ll = ll;
    ch->lp = lp;
    if (count) ch->accepted++;
  }
}

/* ---------------------------------------------------------------- checkpoints */

static const char magic[8] = {'r', 's', 'p', 'o', 's', 't', '0', '1'};

typedef struct ck_header {
  char magic[8];
  int32_t d, chains, warmup, samples, thin, zn;
  uint64_t seed;
  int64_t iter, evals, failed;
  int32_t stored, pad;
} ck_header;

static rs_status write_checkpoint(const char *path, const state *s, const rs_post_options *opt,
                                  const rs_post_draws *dr, rs_error *err) {
  rs_afile f;
  rs_status st = rs_afile_open(&f, path, err);
  if (st != RS_OK) return st;
  ck_header h;
  memset(&h, 0, sizeof h);
  memcpy(h.magic, magic, sizeof magic);
  h.d = s->d;
  h.chains = s->nchains;
  h.warmup = opt->warmup;
  h.samples = opt->samples;
  h.thin = opt->thin;
  h.zn = s->zn;
  h.seed = opt->seed;
  h.iter = s->iter;
  h.evals = s->evals;
  h.failed = s->failed;
  h.stored = dr->stored;
  size_t per = (size_t)(dr->warmup + dr->samples);
  int ok = fwrite(&h, sizeof h, 1, f.fp) == 1;
  ok = ok && fwrite(s->z, sizeof(double) * (size_t)s->d, (size_t)s->zn, f.fp) == (size_t)s->zn;
  ok = ok && fwrite(s->ch, sizeof *s->ch, (size_t)s->nchains, f.fp) == (size_t)s->nchains;
  for (int c = 0; ok && c < s->nchains; c++) {
    size_t k = (size_t)dr->stored;
    ok = fwrite(dr->x + (size_t)c * per * (size_t)s->d, sizeof(double) * (size_t)s->d, k, f.fp) ==
             k &&
         fwrite(dr->loglik + (size_t)c * per, sizeof(double), k, f.fp) == k &&
         fwrite(dr->logprior + (size_t)c * per, sizeof(double), k, f.fp) == k;
  }
  if (!ok) {
    rs_afile_abort(&f);
    return rs_fail(err, RS_ERR_IO, "%s: cannot write the checkpoint", path);
  }
  return rs_afile_commit(&f, err);
}

static rs_status read_checkpoint(const char *path, state *s, const rs_post_options *opt,
                                 rs_post_draws *dr, rs_error *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return rs_fail(err, RS_ERR_IO, "%s: cannot read the checkpoint (nothing to resume)", path);
  ck_header h;
  int ok = fread(&h, sizeof h, 1, fp) == 1 && memcmp(h.magic, magic, sizeof magic) == 0;
  if (ok && (h.d != s->d || h.chains != s->nchains || h.warmup != opt->warmup ||
             h.samples != opt->samples || h.thin != opt->thin || h.seed != opt->seed ||
             h.zn > s->zcap || h.stored > dr->warmup + dr->samples)) {
    fclose(fp);
    return rs_fail(err, RS_ERR_INPUT,
                   "%s: the checkpoint is of another run (%d parameters, %d chains, warm-up %d, "
                   "%d samples, thin %d, seed %llu): resume with the same options",
                   path, h.d, h.chains, h.warmup, h.samples, h.thin, (unsigned long long)h.seed);
  }
  size_t per = (size_t)(dr->warmup + dr->samples);
  ok = ok && fread(s->z, sizeof(double) * (size_t)s->d, (size_t)h.zn, fp) == (size_t)h.zn;
  ok = ok && fread(s->ch, sizeof *s->ch, (size_t)s->nchains, fp) == (size_t)s->nchains;
  for (int c = 0; ok && c < s->nchains; c++) {
    size_t k = (size_t)h.stored;
    ok = fread(dr->x + (size_t)c * per * (size_t)s->d, sizeof(double) * (size_t)s->d, k, fp) == k &&
         fread(dr->loglik + (size_t)c * per, sizeof(double), k, fp) == k &&
         fread(dr->logprior + (size_t)c * per, sizeof(double), k, fp) == k;
  }
  fclose(fp);
  if (!ok)
    return rs_fail(err, RS_ERR_INPUT, "%s: not a complete relsim posterior checkpoint", path);
  s->zn = h.zn;
  s->iter = h.iter;
  s->evals = h.evals;
  s->failed = h.failed;
  dr->stored = h.stored;
  return RS_OK;
}

/* ---------------------------------------------------------------- the run */

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The worst classic split-R-hat of the draws stored so far (their second half), for progress. */
static double rhat_so_far(const rs_post_draws *dr) {
  int n = dr->stored / 2;
  if (n < 8) return (double)NAN;
  size_t per = (size_t)(dr->warmup + dr->samples);
  double *v = malloc(sizeof(double) * (size_t)dr->chains * (size_t)n);
  if (!v) return (double)NAN;
  double worst = 0.0;
  for (int j = 0; j < dr->d; j++) {
    for (int c = 0; c < dr->chains; c++)
      for (int i = 0; i < n; i++)
        v[(size_t)c * (size_t)n + (size_t)i] =
            dr->x[((size_t)c * per + (size_t)(dr->stored - n + i)) * (size_t)dr->d + (size_t)j];
    double r = rs_post_rhat(v, dr->chains, n);
    if (isfinite(r) && r > worst) worst = r;
  }
  free(v);
  return worst;
}

static void store(const state *s, rs_post_draws *dr) {
  size_t per = (size_t)(dr->warmup + dr->samples);
  for (int c = 0; c < s->nchains; c++) {
    size_t k = (size_t)c * per + (size_t)dr->stored;
    memcpy(dr->x + k * (size_t)s->d, s->ch[c].x, sizeof(double) * (size_t)s->d);
    dr->loglik[k] = s->ch[c].ll;
    dr->logprior[k] = s->ch[c].lp;
  }
  dr->stored++;
}

static void archive(state *s) {
  for (int c = 0; c < s->nchains && s->zn < s->zcap; c++, s->zn++)
    memcpy(s->z + (size_t)s->zn * (size_t)s->d, s->ch[c].x, sizeof(double) * (size_t)s->d);
}

/* Halfway through the warm-up, the archive forgets the draws from the warm start when the
 * chains have given it at least as many states: the Laplace approximation's spread (capped at a
 * tenth of each range) is far wider than the posterior in its well-identified directions, and
 * differences of such points propose jumps that are mostly rejected. */
static void forget_warm_start(state *s, int d) {
  int z0 = d * 10 > 100 ? d * 10 : 100;
  if (s->zn - z0 < z0) return;
  memmove(s->z, s->z + (size_t)z0 * (size_t)d, sizeof(double) * (size_t)(s->zn - z0) * (size_t)d);
  s->zn -= z0;
}

static rs_status check_options(const rs_post_problem *pb, const rs_post_options *opt,
                               rs_error *err) {
  if (pb->d < 1 || pb->d > RS_POST_MAXDIM || !pb->fn)
    return rs_fail(err, RS_ERR_INPUT, "posterior: %d parameters (1 to %d)", pb->d, RS_POST_MAXDIM);
  for (int j = 0; j < pb->d; j++)
    if (!(pb->lo[j] < pb->hi[j]) || !isfinite(pb->lo[j]) || !isfinite(pb->hi[j]))
      return rs_fail(err, RS_ERR_INPUT, "posterior: bounds of parameter %d: [%g, %g]", j + 1,
                     pb->lo[j], pb->hi[j]);
  if (opt->chains < 3 || opt->chains > RS_POST_MAXCHAINS)
    return rs_fail(err, RS_ERR_INPUT, "posterior: %d chains (3 to %d)", opt->chains,
                   RS_POST_MAXCHAINS);
  if (opt->samples < 4 || opt->warmup < 0 || opt->thin < 1 ||
      (long)(opt->samples + opt->warmup) * opt->thin > 100000000L)
    return rs_fail(err, RS_ERR_INPUT, "posterior: samples %d, warm-up %d, thin %d", opt->samples,
                   opt->warmup, opt->thin);
  return RS_OK;
}

static rs_status draws_alloc(rs_post_draws *dr, int d, const rs_post_options *opt, rs_error *err) {
  memset(dr, 0, sizeof *dr);
  dr->d = d;
  dr->chains = opt->chains;
  dr->warmup = opt->warmup;
  dr->samples = opt->samples;
  dr->thin = opt->thin;
  size_t k = (size_t)opt->chains * (size_t)(opt->warmup + opt->samples);
  dr->x = malloc(sizeof(double) * k * (size_t)d);
  dr->loglik = malloc(sizeof(double) * k);
  dr->logprior = malloc(sizeof(double) * k);
  if (!dr->x || !dr->loglik || !dr->logprior) {
    rs_post_draws_free(dr);
    return rs_fail(err, RS_ERR_NOMEM, "posterior: out of memory for %zu draws", k);
  }
  return RS_OK;
}

static void progress_line(const state *s, const rs_post_draws *dr, double t0, long it0) {
  double el = now_seconds() - t0, rate = (double)(s->iter - it0) / fmax(el, 1e-9);
  double left = (double)(s->total - s->iter) / fmax(rate, 1e-9);
  fprintf(
      stderr,
      "\rposterior: iteration %ld/%ld (%s), %d draws a chain, R-hat so far %.3f, %.0f s left   ",
      s->iter, s->total,
      s->iter < (long)dr->warmup * (s->total / (dr->warmup + dr->samples)) ? "warm-up" : "sampling",
      dr->stored, rhat_so_far(dr), left);
  fflush(stderr);
}

rs_status rs_post_sample(const rs_post_problem *pb, const rs_post_options *opt_in, int resume,
                         rs_post_draws *out, rs_error *err) {
  rs_post_options opt = *opt_in;
  if (opt.warmup < 0) opt.warmup = opt.samples;
  memset(out, 0, sizeof *out);
  rs_status st = check_options(pb, &opt, err);
  if (st != RS_OK) return st;
  if (resume && !opt.checkpoint)
    return rs_fail(err, RS_ERR_INPUT, "posterior: nothing to resume from (no checkpoint file)");
  state s;
  st = state_alloc(&s, pb, &opt, err);
  if (st == RS_OK) st = draws_alloc(out, pb->d, &opt, err);
  if (st == RS_OK && resume) {
    st = read_checkpoint(opt.checkpoint, &s, &opt, out, err);
    out->resumed_at = (int)s.iter;
  } else if (st == RS_OK) {
    st = state_init(&s, pb, &opt, err);
  }
  if (st != RS_OK) {
    state_free(&s);
    rs_post_draws_free(out);
    return st;
  }
  int threads = rs_threads(opt.threads, 0);
  long warm_iters = (long)opt.warmup * opt.thin;
  double t0 = now_seconds(), last = t0;
  long it0 = s.iter;
  while (s.iter < s.total) {
    if (opt.interrupt && *opt.interrupt) {
      out->interrupted = 1;
      break;
    }
    int count = s.iter >= warm_iters;
    long ev = 0, fl = 0;
#pragma omp parallel for schedule(dynamic) num_threads(threads) reduction(+ : ev, fl)
    for (int c = 0; c < s.nchains; c++)
      step(&s, pb, &s.ch[c], omp_get_thread_num(), &ev, &fl, count);
    s.evals += ev;
    s.failed += fl;
    s.iter++;
    if (s.iter % ARCHIVE_EVERY == 0) archive(&s);
    if (s.iter == warm_iters / 2) forget_warm_start(&s, pb->d);
    if (s.iter % opt.thin == 0) store(&s, out);
    if (opt.checkpoint && opt.checkpoint_every > 0 && s.iter % opt.checkpoint_every == 0 &&
        s.iter < s.total && (st = write_checkpoint(opt.checkpoint, &s, &opt, out, err)) != RS_OK)
      break;
    if (opt.progress && now_seconds() - last > 2.0) {
      last = now_seconds();
      progress_line(&s, out, t0, it0);
    }
  }
  if (opt.progress) fputc('\n', stderr);
  /* the last state goes to the checkpoint also when the chains are complete: the caller
   * removes it once the outputs are safely written, so an interrupt while they are written
   * loses nothing (--resume then only writes them) */
  if (st == RS_OK && opt.checkpoint) st = write_checkpoint(opt.checkpoint, &s, &opt, out, err);
  for (int c = 0; c < s.nchains; c++) {
    out->proposed += s.ch[c].proposed;
    out->accepted += s.ch[c].accepted;
  }
  out->evals = s.evals;
  out->failed = s.failed;
  state_free(&s);
  if (st != RS_OK) rs_post_draws_free(out);
  return st;
}

void rs_post_draws_free(rs_post_draws *dr) {
  if (!dr) return;
  free(dr->x);
  free(dr->loglik);
  free(dr->logprior);
  dr->x = dr->loglik = dr->logprior = NULL;
}
