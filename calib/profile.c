/* calib/profile.c -- profile likelihoods of free parameters.
 *
 * The profile of a free parameter is the best cost the others can reach with it held at each
 * value of a grid across its search bounds: where the curve is flat, the targets do not decide
 * the parameter, and the answers that depend on it (the counterfactuals) should be read along
 * the curve, not at its minimum alone. Each point re-fits every other free parameter by the
 * calibration's own least squares (one start, rs_calib_refit: without the description of the
 * estimate, which would cost more than the re-fit). The grid runs outward from the estimate in
 * both directions, each point starting from its neighbour's fit (continuation), so that the
 * curve follows one valley instead of jumping between local optima; the estimate itself is a
 * point of every profile. The chains (two per parameter) run in parallel, each on its own
 * workspace, and are stored by index: the result does not depend on the thread count. */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"

/* ---------------------------------------------------------------- the grid */

int rs_calib_grid_geometric(double lower, double upper) {
  return lower >= 0.0 && upper > 0.0 && (lower == 0.0 || upper / lower >= 1000.0);
}

double rs_calib_grid_point(double lower, double upper, int k, int n) {
  if (n < 2) return 0.5 * (lower + upper);
  /* The bounds exactly: a fitted value on a bound is then a grid point, not a near neighbour. */
  if (k <= 0) return lower;
  if (k >= n - 1) return upper;
  if (!rs_calib_grid_geometric(lower, upper))
    return lower + (upper - lower) * (double)k / (double)(n - 1);
  double g0 = fmax(lower, upper * 1e-3);
  if (g0 == lower) /* a positive lower bound within three decades of upper/1000... */
    return lower * pow(upper / lower, (double)k / (double)(n - 1));
  /* ... else (0, say) the lower bound, then n - 1 points from upper/1000 to upper */
  return g0 * pow(upper / g0, (double)(k - 1) / (double)(n - 2));
}

/* The grid of profile pr: npoints across the search bounds of free parameter fp, with the
 * estimate inserted in order (unless a grid point equals it). Sets pr->n, pr->at, pr->value. */
static void make_grid(const rs_free_param *fp, double estimate, int npoints, rs_calib_profile *pr) {
  int n = 0;
  pr->at = -1;
  for (int k = 0; k < npoints; k++) {
    double v = rs_calib_grid_point(fp->lower, fp->upper, k, npoints);
    if (pr->at < 0 && estimate <= v) {
      pr->at = n;
      pr->value[n++] = estimate;
      if (estimate == v) continue;
    }
    pr->value[n++] = v;
  }
  if (pr->at < 0) {
    pr->at = n;
    pr->value[n++] = estimate;
  }
  pr->n = n;
}

/* ---------------------------------------------------------------- the chains */

/* One chain: the points of a profile from index from towards index to (inclusive), each
 * starting from the fit of the point before it (the estimate before the first). */
typedef struct chain {
  int profile, from, to;
  int length;   /* points */
  rs_status st; /* RS_OK, or why the chain stopped (no workspace) */
  rs_error err; /* its message */
} chain;

/* What the progress line counts. */
typedef struct progress {
  int done, total;
} progress;

static void run_chain(const rs_params *est, const rs_targets *ts, const rs_free_set *fs,
                      const rs_calib_options *opt, rs_calib_profile *pr, chain *ch, progress *pg) {
  int step = ch->to >= ch->from ? 1 : -1;
  const rs_params *start = est;
  /* the free set without the profiled parameter: what each point re-fits */
  rs_free_set sub;
  memset(&sub, 0, sizeof sub);
  snprintf(sub.file, sizeof sub.file, "%s", fs->file);
  for (int q = 0; q < fs->n; q++)
    if (q != pr->param) sub.p[sub.n++] = fs->p[q];
  for (int i = 0; i < ch->length && ch->st == RS_OK; i++) {
    int k = ch->from + i * step;
    rs_params p = *start;
    rs_pref_set(&p, fs->p[pr->param].ref, pr->value[k]);
    rs_calib_start out;
    ch->st = rs_calib_refit(&p, ts, &sub, opt, &out, &pr->fitted[k], &ch->err);
    pr->cost[k] = out.cost;
    pr->status[k] = out.status;
    /* A failed point leaves the next to start where this one started. */
    if (isfinite(pr->cost[k])) start = &pr->fitted[k];
#pragma omp critical(rs_profile_progress)
    {
      pg->done++;
      if (opt->progress) {
        fprintf(stderr, "\rprofiles: %d/%d points (%s = %.4g: cost %.6g)   ", pg->done, pg->total,
                pr->name, pr->value[k], pr->cost[k]);
        fflush(stderr);
      }
    }
  }
}

/* ---------------------------------------------------------------- the profiles */

void rs_calib_profile_free(rs_calib_profile *pr) {
  if (!pr) return;
  free(pr->value);
  free(pr->cost);
  free(pr->status);
  free(pr->fitted);
  free(pr->col);
  memset(pr, 0, sizeof *pr);
}

static rs_status alloc_profile(rs_calib_profile *pr, int cap) {
  memset(pr, 0, sizeof *pr);
  pr->value = calloc((size_t)cap, sizeof *pr->value);
  pr->cost = calloc((size_t)cap, sizeof *pr->cost);
  pr->status = calloc((size_t)cap, sizeof *pr->status);
  pr->fitted = calloc((size_t)cap, sizeof *pr->fitted);
  return pr->value && pr->cost && pr->status && pr->fitted ? RS_OK : RS_ERR_NOMEM;
}

rs_status rs_calib_profile_check(const rs_free_set *fs, const char *const *names, int nnames,
                                 rs_error *err) {
  if (nnames < 0 || nnames > RS_PROFILE_MAX)
    return rs_fail(err, RS_ERR_INPUT, "profiles: %d parameters named, at most %d", nnames,
                   RS_PROFILE_MAX);
  const char *file = fs->file[0] ? fs->file : "the free set";
  const char *cands[RS_FREE_MAX];
  for (int q = 0; q < fs->n; q++) cands[q] = fs->p[q].name;
  for (int i = 0; i < nnames; i++) {
    int j = -1;
    for (int q = 0; q < fs->n; q++)
      if (strcmp(fs->p[q].name, names[i]) == 0) j = q;
    if (j < 0) {
      char dym[128];
      return rs_fail(err, RS_ERR_INPUT,
                     "'%s' is not a free parameter of %s%s: only free parameters have a profile "
                     "(free it there, or name one of its %d)",
                     names[i], file,
                     rs_did_you_mean(rs_closest(names[i], cands, fs->n), dym, sizeof dym), fs->n);
    }
    for (int q = 0; q < i; q++)
      if (strcmp(names[q], names[i]) == 0)
        return rs_fail(err, RS_ERR_INPUT, "'%s' is named twice for a profile", names[i]);
  }
  if (nnames > 0 && fs->n < 2)
    return rs_fail(err, RS_ERR_INPUT,
                   "a profile re-fits the other free parameters, so it needs at least two (%s "
                   "frees %d)",
                   file, fs->n);
  return RS_OK;
}

rs_status rs_calib_profiles(const rs_params *estimate, const rs_targets *ts, const rs_free_set *fs,
                            const char *const *names, int nnames, int npoints,
                            const rs_calib_options *opt, rs_calib_profile *out, rs_error *err) {
  rs_status st = rs_calib_profile_check(fs, names, nnames, err);
  if (st != RS_OK) return st;
  if (npoints < 2 || npoints > RS_PROFILE_POINTS_MAX)
    return rs_fail(err, RS_ERR_INPUT, "profiles: %d grid points, need 2 to %d", npoints,
                   RS_PROFILE_POINTS_MAX);
  for (int i = 0; i < nnames; i++) memset(&out[i], 0, sizeof out[i]);
  for (int i = 0; i < nnames && st == RS_OK; i++) {
    int j = 0;
    while (strcmp(fs->p[j].name, names[i]) != 0) j++; /* there: checked above */
    if (alloc_profile(&out[i], npoints + 1) != RS_OK) {
      st = rs_fail(err, RS_ERR_NOMEM, "profiles: out of memory");
      break;
    }
    snprintf(out[i].name, sizeof out[i].name, "%s", fs->p[j].name);
    out[i].param = j;
    make_grid(&fs->p[j], rs_pref_get(estimate, fs->p[j].ref), npoints, &out[i]);
  }
  if (st != RS_OK) {
    for (int i = 0; i < nnames; i++) rs_calib_profile_free(&out[i]);
    return st;
  }
  /* Two chains per profile: from the estimate up (the estimate included), and from the point
   * below it down. Both start from the estimate, so they run at the same time. Longest first
   * (ties in index order): the order affects the wall time only, never the result. */
  chain chains[2 * RS_PROFILE_MAX];
  int nch = 0;
  progress pg = {0, 0};
  for (int i = 0; i < nnames; i++) {
    rs_calib_profile *pr = &out[i];
    chains[nch++] = (chain){i, pr->at, pr->n - 1, pr->n - pr->at, RS_OK, {{0}}};
    if (pr->at > 0) chains[nch++] = (chain){i, pr->at - 1, 0, pr->at, RS_OK, {{0}}};
    pg.total += pr->n;
  }
  int order[2 * RS_PROFILE_MAX];
  for (int c = 0; c < nch; c++) {
    int k = c;
    while (k > 0 && chains[order[k - 1]].length < chains[c].length) {
      order[k] = order[k - 1];
      k--;
    }
    order[k] = c;
  }
  gsl_set_error_handler_off(); /* once, before the threads (rs_calib_refit's requirement) */
  int threads = rs_threads(opt->threads, 0);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int c = 0; c < nch; c++) {
    chain *ch = &chains[order[c]];
    run_chain(estimate, ts, fs, opt, &out[ch->profile], ch, &pg);
  }
  if (opt->progress) fputc('\n', stderr);
  for (int c = 0; c < nch; c++)
    if (chains[c].st != RS_OK) {
      st = rs_fail(err, chains[c].st, "profile of %s: %s", out[chains[c].profile].name,
                   chains[c].err.msg);
      for (int i = 0; i < nnames; i++) rs_calib_profile_free(&out[i]);
      return st;
    }
  /* The best point of each profile, for the report. */
  for (int i = 0; i < nnames; i++) {
    rs_calib_profile *pr = &out[i];
    pr->best = -1;
    for (int k = 0; k < pr->n; k++)
      if (isfinite(pr->cost[k]) && (pr->best < 0 || pr->cost[k] < pr->cost[pr->best])) pr->best = k;
  }
  return RS_OK;
}
