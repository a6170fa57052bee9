/* sens/ensemble.c -- ensembles: many runs of one scenario with the free parameters drawn by a
 * design, or set row by row from a sample file (a posterior sample works as is), reduced in
 * member order into streaming quantiles of every indicator at every output time (the envelope),
 * with the failed members counted and listed with their reasons. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "sens.h"

rs_ensemble_options rs_ensemble_default_options(void) {
  rs_ensemble_options o = {.design = RS_DESIGN_LHS, .n = 200, .seed = 20010618, .exact = 1000};
  return o;
}

typedef struct ens_ctx {
  const rs_params *base;
  const rs_free_set *fs;
  const rs_sens_samples *samples;
  const double *u; /* design: n x fs->n */
  int np;          /* parameters set per member */
  int nrows;
  rs_sens_quant q;
  rs_afile members;
  long nfailed, cap;
  long *failed;
} ens_ctx;

/* The parameter set of member i. */
static void member_params(const ens_ctx *c, long i, rs_params *p) {
  *p = *c->base;
  if (c->samples)
    for (int k = 0; k < c->samples->np; k++)
      rs_pref_set(p, c->samples->ref[k],
                  c->samples->x[(size_t)i * (size_t)c->samples->np + (size_t)k]);
  else
    for (int k = 0; k < c->fs->n; k++)
      rs_pref_set(
          p, c->fs->p[k].ref,
          rs_sens_param_value(&c->fs->p[k], c->u[(size_t)i * (size_t)c->fs->n + (size_t)k]));
  rs_sens_member_solver(p);
}

typedef struct ens_ws {
  rs_sim *sim;
  rs_series s;
  rs_params p;
} ens_ws;

static void *ens_ws_alloc(void *ctx) {
  (void)ctx;
  ens_ws *w = calloc(1, sizeof *w);
  rs_error e;
  if (!w || !(w->sim = rs_sim_alloc(&e))) {
    free(w);
    return NULL;
  }
  rs_series_init(&w->s);
  return w;
}

static void ens_ws_free(void *p) {
  ens_ws *w = p;
  if (!w) return;
  rs_series_free(&w->s);
  rs_sim_free(w->sim);
  free(w);
}

/* Run member i; err (may be NULL) says why it failed. */
static int run_member(const ens_ctx *c, ens_ws *w, long i, double *out, rs_error *err) {
  rs_error e;
  member_params(c, i, &w->p);
  if (rs_params_validate(&w->p, err ? err : &e) != RS_OK) return 1;
  if (rs_sim_run(w->sim, &w->p, &w->s, NULL, err ? err : &e) != RS_OK) return 1;
  if (w->s.nrows != c->nrows) return 1;
  memcpy(out, w->s.ind, sizeof(double) * (size_t)c->nrows * RS_NINDICATOR);
  return 0;
}

static int ens_eval(void *ctx, void *ws, long i, double *out) {
  return run_member(ctx, ws, i, out, NULL);
}

static void ens_reduce(void *ctx, long i, int ok, const double *out) {
  ens_ctx *c = ctx;
  if (ok)
    rs_sens_quant_add(&c->q, out);
  else {
    if (c->nfailed >= c->cap) {
      long cap = c->cap ? 2 * c->cap : 64;
      long *f = realloc(c->failed, sizeof(long) * (size_t)cap);
      if (f) c->failed = f, c->cap = cap;
    }
    if (c->nfailed < c->cap) c->failed[c->nfailed] = i;
    c->nfailed++;
  }
  /* members.csv: the values as set, with the status */
  rs_params p;
  member_params(c, i, &p);
  char buf[32];
  fprintf(c->members.fp, "%ld,%s", i, ok ? "ok" : "failed");
  for (int k = 0; k < c->np; k++) {
    rs_pref r = c->samples ? c->samples->ref[k] : c->fs->p[k].ref;
    fprintf(c->members.fp, ",%s", rs_format_double(rs_pref_get(&p, r), buf));
  }
  fputc('\n', c->members.fp);
}

static rs_status write_envelope(const char *dir, const ens_ctx *c, const double *year,
                                rs_error *err) {
  char path[RS_PATH_MAX];
  snprintf(path, sizeof path, "%s/envelope.csv", dir);
  rs_afile f;
  rs_status st = rs_afile_open(&f, path, err);
  if (st != RS_OK) return st;
  fprintf(f.fp, "year,indicator,q05,q25,q50,q75,q95,min,max\n");
  for (int ind = 0; ind < RS_NINDICATOR; ind++)
    for (int i = 0; i < c->nrows; i++) {
      double v[RS_SENS_NQ + 2];
      char buf[32];
      rs_sens_quant_get(&c->q, i * RS_NINDICATOR + ind, v);
      fprintf(f.fp, "%s,%s", rs_format_number(year[i], buf), rs_indicator_info_get(ind)->name);
      for (int k = 0; k < RS_SENS_NQ + 2; k++) fprintf(f.fp, ",%s", rs_format_csv6(v[k], buf));
      fputc('\n', f.fp);
    }
  return rs_afile_commit(&f, err);
}

/* ensemble.md: what ran, what failed and why (the first 20 failures re-run for their
 * messages). */
static rs_status write_report(const char *dir, const ens_ctx *c, long n,
                              const rs_ensemble_options *opt, const char *command, rs_error *err) {
  rs_buf b;
  rs_buf_init(&b);
  rs_buf_printf(&b, "# Ensemble\n\nCommand: `%s`\n\n", command ? command : "");
  if (c->samples)
    rs_buf_printf(&b, "%ld members, one per row of the sample file; parameters set: ", n);
  else
    rs_buf_printf(&b,
                  "%ld members, a %s design over the search bounds of `%s` (uniform), seed "
                  "%llu; parameters: ",
                  n, rs_sens_design_name(opt->design), c->fs->file, (unsigned long long)opt->seed);
  for (int k = 0; k < c->np; k++)
    rs_buf_printf(&b, "%s`%s`", k ? ", " : "", c->samples ? c->samples->name[k] : c->fs->p[k].name);
  rs_buf_printf(&b,
                ".\n\n%ld ran, %ld failed. `envelope.csv` holds the 5, 25, 50, 75 and 95 %% "
                "quantiles and the range over the members that ran (exact up to %d members, "
                "streaming estimates beyond), `members.csv` every member's values and status.\n",
                n - c->nfailed, c->nfailed, opt->exact);
  if (c->nfailed) {
    rs_buf_printf(&b, "\n## Failed members\n\n| member | why |\n|---|---|\n");
    ens_ws *w = ens_ws_alloc(NULL);
    double *out = malloc(sizeof(double) * (size_t)c->nrows * RS_NINDICATOR);
    for (long k = 0; k < c->nfailed && k < c->cap; k++) {
      rs_error e;
      snprintf(e.msg, sizeof e.msg, "(not re-run)");
      if (k < 20 && w && out) run_member(c, w, c->failed[k], out, &e);
      rs_buf_printf(&b, "| %ld | ", c->failed[k]);
      rs_buf_md_cell(&b, e.msg);
      rs_buf_printf(&b, " |\n");
    }
    free(out);
    ens_ws_free(w);
  }
  char path[RS_PATH_MAX];
  snprintf(path, sizeof path, "%s/ensemble.md", dir);
  rs_status st = b.failed ? rs_fail(err, RS_ERR_NOMEM, "ensemble.md: out of memory")
                          : rs_write_file(path, b.data, err);
  rs_buf_free(&b);
  return st;
}

static rs_status write_fans(const char *dir, const ens_ctx *c, const double *year,
                            const rs_series *ref, rs_plots_report *rep, rs_error *err) {
  static const int key[] = {RS_I_A, RS_I_S, RS_I_R, RS_I_G, RS_I_RD_TOTAL, RS_I_GDP_GROWTH};
  char plotdir[RS_PATH_MAX];
  snprintf(plotdir, sizeof plotdir, "%s/plots", dir);
  double *env = malloc(sizeof(double) * 8 * (size_t)c->nrows);
  if (!env) return rs_fail(err, RS_ERR_NOMEM, "ensemble: out of memory");
  double *r = env + 7 * c->nrows;
  rs_status st = RS_OK;
  for (size_t k = 0; st == RS_OK && k < sizeof key / sizeof key[0]; k++) {
    for (int i = 0; i < c->nrows; i++) {
      rs_sens_quant_get(&c->q, i * RS_NINDICATOR + key[k], env + 7 * i);
      r[i] = rs_series_at(ref, i, key[k]);
    }
    char units[64], name[80], title[200], ylabel[200];
    double scale = rs_plots_indicator_scale(key[k], units, sizeof units);
    const rs_indicator_info *inf = rs_indicator_info_get(key[k]);
    snprintf(name, sizeof name, "fan_%s", strcmp(inf->name, "R") == 0 ? "R_relational" : inf->name);
    snprintf(title, sizeof title, "%s: ensemble of %ld runs", inf->label, c->q.n[key[k]] + 0L);
    snprintf(ylabel, sizeof ylabel, "%s (%s)", inf->name, units);
    st = rs_plots_fan(plotdir, name, title, ylabel, c->nrows, year, env, r, scale, rep, err);
  }
  free(env);
  return st;
}

rs_status rs_ensemble_run(const char *dir, const rs_params *base, const rs_free_set *fs,
                          const rs_sens_samples *samples, const rs_ensemble_options *opt,
                          const char *command, long *nfailed, rs_plots_report *rep, rs_error *err) {
  ens_ctx c = {.base = base, .fs = fs, .samples = samples};
  long n = samples ? samples->n : opt->n;
  c.np = samples ? samples->np : fs->n;
  if (n < 1) return rs_fail(err, RS_ERR_INPUT, "ensemble: no members");
  c.nrows = rs_sim_output_times(base, NULL);
  double *year = malloc(sizeof(double) * (size_t)c.nrows);
  double *u = samples ? NULL : malloc(sizeof(double) * (size_t)n * (size_t)fs->n);
  rs_status st = RS_OK;
  if (!year || (!samples && !u)) st = rs_fail(err, RS_ERR_NOMEM, "ensemble: out of memory");
  if (st == RS_OK) {
    rs_sim_output_times(base, year);
    if (u) rs_sens_design_points(opt->design, (int)n, fs->n, opt->seed, u);
    c.u = u;
    st = rs_sens_quant_init(&c.q, c.nrows * RS_NINDICATOR, opt->exact, err);
  }
  int root = rs_sens_rank() == 0;
  char path[RS_PATH_MAX];
  if (st == RS_OK && root) st = rs_mkdir_p(dir, err);
  if (st == RS_OK && root) {
    snprintf(path, sizeof path, "%s/members.csv", dir);
    st = rs_afile_open(&c.members, path, err);
    if (st == RS_OK) {
      fprintf(c.members.fp, "member,status");
      for (int k = 0; k < c.np; k++)
        fprintf(c.members.fp, ",%s", samples ? samples->name[k] : fs->p[k].name);
      fputc('\n', c.members.fp);
    }
  }
  if (st == RS_OK) {
    rs_sens_task t = {.n = n,
                      .nout = c.nrows * RS_NINDICATOR,
                      .ctx = &c,
                      .ws_alloc = ens_ws_alloc,
                      .ws_free = ens_ws_free,
                      .eval = ens_eval,
                      .reduce = ens_reduce,
                      .threads = opt->threads,
                      .block = 128,
                      .progress = opt->progress};
    st = rs_sens_run(&t, err);
  }
  if (root && c.members.fp) {
    if (st == RS_OK)
      st = rs_afile_commit(&c.members, err);
    else
      rs_afile_abort(&c.members);
  }
  rs_series ref;
  rs_series_init(&ref);
  if (st == RS_OK && root) {
    rs_sim *sim = rs_sim_alloc(err);
    st = sim ? rs_sim_run(sim, base, &ref, NULL, err) : RS_ERR_NOMEM;
    rs_sim_free(sim);
    char rdir[RS_PATH_MAX];
    snprintf(rdir, sizeof rdir, "%s/reference", dir);
    if (st == RS_OK) st = rs_mkdir_p(rdir, err);
    rs_snprintf_fits(path, sizeof path, "%s/series.csv", rdir);
    if (st == RS_OK) st = rs_output_write_csv(path, &ref, err);
  }
  if (st == RS_OK && root) st = write_envelope(dir, &c, year, err);
  if (st == RS_OK && root) st = write_report(dir, &c, n, opt, command, err);
  if (st == RS_OK && root && c.nfailed < n) st = write_fans(dir, &c, year, &ref, rep, err);
  if (nfailed) *nfailed = c.nfailed;
  rs_series_free(&ref);
  rs_sens_quant_free(&c.q);
  free(c.failed);
  free(u);
  free(year);
  return st;
}
