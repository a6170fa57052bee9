/* posterior/predict.c -- posterior-predictive counterfactuals: every scenario of a comparison
 * applied on top of each of a thinned set of posterior draws (read back from chains.csv), the
 * differences from the reference summarised by their median, 50 % and 90 % intervals and the
 * probability of a positive difference, optionally re-weighted to another prior by importance
 * sampling. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "posterior.h"

/* ---------------------------------------------------------------- reading draws */

static int is_named(const char *a, const char *b) {
  return strcmp(a, b) == 0;
}

rs_status rs_post_read_draws(const char *dir, const rs_params *ref, int max_draws,
                             rs_post_sample_set *out, rs_error *err) {
  memset(out, 0, sizeof *out);
  char path[4200];
  snprintf(path, sizeof path, "%s/chains.csv", dir);
  FILE *fp = fopen(path, "r");
  if (!fp) return rs_fail(err, RS_ERR_IO, "%s: cannot read the posterior's draws", path);
  static char line[1 << 16];
  char *f[RS_POST_MAXDIM + 8];
  if (!fgets(line, sizeof line, fp)) {
    fclose(fp);
    return rs_fail(err, RS_ERR_INPUT, "%s: empty", path);
  }
  line[strcspn(line, "\r\n")] = '\0';
  int nf = rs_csv_split(line, f, RS_POST_MAXDIM + 8);
  if (nf < 5 || !is_named(f[0], "chain") || !is_named(f[1], "iteration") ||
      !is_named(f[nf - 1], "logprior") || !is_named(f[nf - 2], "loglik")) {
    fclose(fp);
    return rs_fail(err, RS_ERR_INPUT,
                   "%s:1: not a posterior's chains.csv (chain,iteration,...,loglik,logprior)",
                   path);
  }
  int col[RS_POST_MAXDIM];
  for (int k = 2; k < nf - 2; k++) {
    if (is_named(f[k], "misfit.sigma")) continue;
    if (out->np == RS_POST_MAXDIM || rs_pref_parse(ref, f[k], &out->ref[out->np]) != 0) {
      fclose(fp);
      return rs_fail(err, RS_ERR_INPUT, "%s:1: '%s' is not a parameter of the reference", path,
                     f[k]);
    }
    snprintf(out->names[out->np], sizeof out->names[0], "%s", f[k]);
    col[out->np++] = k;
  }
  /* every row, then the thinned set: rows k T / max_draws */
  size_t cap = 1024, n = 0;
  double *all = malloc(sizeof(double) * cap * (size_t)out->np);
  int bad = 0, lineno = 1;
  while (all && fgets(line, sizeof line, fp)) {
    lineno++;
    line[strcspn(line, "\r\n")] = '\0';
    if (rs_csv_split(line, f, RS_POST_MAXDIM + 8) != nf) {
      bad = lineno;
      break;
    }
    if (n == cap) {
      cap *= 2;
      double *g = realloc(all, sizeof(double) * cap * (size_t)out->np);
      if (!g) {
        free(all);
        all = NULL;
        break;
      }
      all = g;
    }
    for (int j = 0; j < out->np; j++)
      if (!rs_parse_double(f[col[j]], &all[n * (size_t)out->np + (size_t)j])) bad = lineno;
    if (bad) break;
    n++;
  }
  fclose(fp);
  if (!all) return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path);
  if (bad || n == 0) {
    free(all);
    return bad ? rs_fail(err, RS_ERR_INPUT, "%s:%d: a malformed row", path, bad)
               : rs_fail(err, RS_ERR_INPUT, "%s: no draws", path);
  }
  int m = max_draws > 0 && (size_t)max_draws < n ? max_draws : (int)n;
  out->x = malloc(sizeof(double) * (size_t)m * (size_t)out->np);
  out->logw = calloc((size_t)m, sizeof(double));
  if (!out->x || !out->logw) {
    free(all);
    rs_post_sample_set_free(out);
    return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path);
  }
  for (int k = 0; k < m; k++) {
    size_t row = (size_t)((double)k * (double)n / m);
    memcpy(out->x + (size_t)k * (size_t)out->np, all + row * (size_t)out->np,
           sizeof(double) * (size_t)out->np);
  }
  free(all);
  out->n = m;
  out->total = (long)n;
  out->ess = m;
  return RS_OK;
}

void rs_post_sample_set_free(rs_post_sample_set *ss) {
  if (!ss) return;
  free(ss->x);
  free(ss->logw);
  ss->x = ss->logw = NULL;
}

rs_status rs_post_reweight(rs_post_sample_set *ss, const rs_free_set *def, const rs_free_set *alt,
                           rs_error *err) {
  int map[RS_FREE_MAX][2], nm = 0;
  for (int a = 0; a < alt->n; a++) {
    int dj = -1, sj = -1;
    for (int j = 0; j < def->n; j++)
      if (is_named(def->p[j].name, alt->p[a].name)) dj = j;
    for (int j = 0; j < ss->np; j++)
      if (is_named(ss->names[j], alt->p[a].name)) sj = j;
    if (dj < 0 || sj < 0)
      return rs_fail(err, RS_ERR_INPUT, "%s:%d: '%s' is not a free parameter of the posterior (%s)",
                     alt->file, alt->p[a].line, alt->p[a].name, def->file);
    map[nm][0] = dj;
    map[nm][1] = sj;
    nm++;
  }
  double mx = (double)-INFINITY;
  for (int k = 0; k < ss->n; k++) {
    const double *x = ss->x + (size_t)k * (size_t)ss->np;
    double lw = 0.0;
    for (int q = 0; q < nm; q++) {
      int a = q, dj = map[q][0], sj = map[q][1];
      double la = rs_free_prior_logpdf(&alt->p[a], x[sj]);
      double ld = rs_free_prior_logpdf(&def->p[dj], x[sj]);
      if (la != ld) lw += la - ld; /* the same prior: exactly 1, even where both are 0 */
    }
    ss->logw[k] = isnan(lw) ? (double)-INFINITY : lw;
    if (ss->logw[k] > mx) mx = ss->logw[k];
  }
  double s1 = 0.0, s2 = 0.0;
  for (int k = 0; k < ss->n; k++) {
    double w = isfinite(mx) ? exp(ss->logw[k] - mx) : 0.0;
    s1 += w;
    s2 += w * w;
  }
  ss->ess = s2 > 0.0 ? s1 * s1 / s2 : 0.0;
  return RS_OK;
}

/* ---------------------------------------------------------------- the runs */

const int rs_post_fan_indicators[RS_POST_FAN] = {RS_I_R, RS_I_TFP_GROWTH, RS_I_RD_TOTAL, RS_I_E,
                                                 RS_I_GDP_GROWTH};

/* The fan series of draw d, scenario k: the difference q - ref per row (NAN when failed). */
static void fan_rows(rs_post_prediction *out, int k, int d, const rs_series *ref,
                     const rs_series *q) {
  double *o =
      out->fan + ((size_t)k * (size_t)out->ndraws + (size_t)d) * (size_t)out->nrows * RS_POST_FAN;
  for (int r = 0; r < out->nrows; r++)
    for (int f = 0; f < RS_POST_FAN; f++) {
      int col = rs_post_fan_indicators[f];
      int ok = ref && q && r < ref->nrows && r < q->nrows;
      o[r * RS_POST_FAN + f] =
          ok ? rs_series_at(q, r, col) - rs_series_at(ref, r, col) : (double)NAN;
    }
}

rs_status rs_post_predict(const rs_compare *c, const rs_post_sample_set *ss, int threads,
                          rs_post_prediction *out, rs_error *err) {
  memset(out, 0, sizeof *out);
  int n = c->n, K = RS_NINDICATOR * RS_NCSTAT;
  rs_delta *deltas = calloc((size_t)n, sizeof *deltas);
  out->diff = malloc(sizeof(double) * (size_t)n * (size_t)ss->n * (size_t)K);
  out->nrows = c->sc[0].series.nrows;
  out->fan = malloc(sizeof(double) * (size_t)n * (size_t)ss->n * (size_t)out->nrows * RS_POST_FAN);
  if (!deltas || !out->diff || !out->fan) {
    free(deltas);
    rs_post_prediction_free(out);
    return rs_fail(err, RS_ERR_NOMEM, "posterior prediction: out of memory");
  }
  rs_status st = RS_OK;
  for (int k = 1; k < n && st == RS_OK; k++)
    st = rs_delta_make(&c->sc[0].params, &c->sc[k].params, &deltas[k], err);
  out->nscen = n;
  out->ndraws = ss->n;
  int nt = rs_threads(threads, 0), failed = 0;
  if (st == RS_OK) {
#pragma omp parallel num_threads(nt) reduction(+ : failed)
    {
      rs_error e2;
      rs_sim *sim = rs_sim_alloc(&e2);
      rs_series sr, sq;
      rs_series_init(&sr);
      rs_series_init(&sq);
      double *sref = malloc(sizeof(double) * (size_t)K),
             *sq_stats = malloc(sizeof(double) * (size_t)K);
#pragma omp for schedule(dynamic)
      for (int d = 0; d < ss->n; d++) {
        rs_params p = c->sc[0].params;
        for (int j = 0; j < ss->np; j++)
          rs_pref_set(&p, ss->ref[j], ss->x[(size_t)d * (size_t)ss->np + (size_t)j]);
        rs_post_member_solver(&p);
        int ok = sim && sref && sq_stats && rs_sim_run(sim, &p, &sr, NULL, &e2) == RS_OK;
        if (ok) rs_compare_stats(&sr, sref);
        for (int k = 0; k < n; k++) {
          double *o = out->diff + ((size_t)k * (size_t)ss->n + (size_t)d) * (size_t)K;
          int okk = ok;
          if (okk && k > 0) {
            rs_params q = p;
            rs_delta_apply(&deltas[k], 0xffffffffu, &q);
            okk = rs_sim_run(sim, &q, &sq, NULL, &e2) == RS_OK;
            if (okk) rs_compare_stats(&sq, sq_stats);
          }
          for (int i = 0; i < K; i++)
            o[i] = !okk ? (double)NAN : k == 0 ? sref[i] : sq_stats[i] - sref[i];
          fan_rows(out, k, d, okk ? &sr : NULL, okk ? (k == 0 ? &sr : &sq) : NULL);
        }
        failed += !ok;
      }
      free(sref);
      free(sq_stats);
      rs_series_free(&sr);
      rs_series_free(&sq);
      rs_sim_free(sim);
    }
  }
  out->failed = failed;
  free(deltas);
  if (st != RS_OK) rs_post_prediction_free(out);
  return st;
}

void rs_post_prediction_free(rs_post_prediction *pr) {
  if (!pr) return;
  free(pr->diff);
  free(pr->fan);
  pr->diff = pr->fan = NULL;
}

/* ---------------------------------------------------------------- summaries */

typedef struct wv {
  double v, w;
} wv;

static int cmp_wv(const void *a, const void *b) {
  double x = ((const wv *)a)->v, y = ((const wv *)b)->v;
  return (x > y) - (x < y);
}

void rs_post_weighted_summary(const double *v, long stride, int n, const double *logw,
                              rs_post_interval *out) {
  wv *t = malloc(sizeof *t * (size_t)(n > 0 ? n : 1));
  memset(out, 0, sizeof *out);
  out->median = out->q05 = out->q25 = out->q75 = out->q95 = out->p_positive = (double)NAN;
  if (!t) return;
  double mx = (double)-INFINITY;
  for (int k = 0; k < n; k++)
    if (logw[k] > mx) mx = logw[k];
  int m = 0;
  double W = 0.0, pos = 0.0;
  for (int k = 0; k < n; k++) {
    double x = v[(long)k * stride], w = isfinite(mx) ? exp(logw[k] - mx) : 0.0;
    if (isnan(x) || !(w > 0.0)) continue;
    t[m++] = (wv){x, w};
    W += w;
    pos += x > 0.0 ? w : 0.0;
  }
  out->n = m;
  if (m > 0 && W > 0.0) {
    qsort(t, (size_t)m, sizeof *t, cmp_wv);
    const double q[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
    double *dst[5] = {&out->q05, &out->q25, &out->median, &out->q75, &out->q95};
    for (int a = 0; a < 5; a++) {
      double cum = 0.0;
      int k = 0;
      while (k < m - 1 && cum + t[k].w < q[a] * W) cum += t[k++].w;
      *dst[a] = t[k].v;
    }
    out->p_positive = pos / W;
  }
  free(t);
}

/* ---------------------------------------------------------------- the tables */

/* The key indicators of posterior.md, with the factor to percentage points where they are
 * rates or shares. */
static const struct {
  int ind;
  const char *label;
  double scale;
} key[] = {
    {RS_I_R, "ties R (0..1)", 1.0},
    {RS_I_TFP_GROWTH, "TFP growth (pp per year)", 100.0},
    {RS_I_RD_TOTAL, "national R&D (pp of GDP)", 100.0},
    {RS_I_E, "start-up rate (pp per year)", 100.0},
    {RS_I_GDP_GROWTH, "GDP growth (pp per year)", 100.0},
};

static void interval_of(const rs_post_prediction *pr, const rs_post_sample_set *ss, int k, int i,
                        rs_post_interval *iv) {
  int K = RS_NINDICATOR * RS_NCSTAT;
  rs_post_weighted_summary(pr->diff + (size_t)k * (size_t)pr->ndraws * (size_t)K + (size_t)i, K,
                           pr->ndraws, ss->logw, iv);
}

/* dir/NAME/posterior_fan.csv and dir/plots/fan_NAME for scenario k. */
static rs_status write_fan(const char *dir, const rs_compare *c, const rs_post_sample_set *ss,
                           const rs_post_prediction *pr, int k, rs_plots_report *plots,
                           rs_error *err) {
  rs_buf b;
  rs_buf_init(&b);
  rs_buf_printf(&b, "year");
  for (int f = 0; f < RS_POST_FAN; f++) {
    const char *nm = rs_indicator_info_get(rs_post_fan_indicators[f])->name;
    rs_buf_printf(&b, ",%s_best,%s_q05,%s_q25,%s_q50,%s_q75,%s_q95", nm, nm, nm, nm, nm, nm);
  }
  rs_buf_printf(&b, "\n");
  const rs_series *ref = &c->sc[0].series, *sc = &c->sc[k].series;
  for (int r = 0; r < pr->nrows; r++) {
    char v[32];
    rs_buf_printf(&b, "%s", rs_format_csv6(ref->year[r], v));
    for (int f = 0; f < RS_POST_FAN; f++) {
      int col = rs_post_fan_indicators[f];
      rs_post_interval iv;
      size_t at = ((size_t)k * (size_t)pr->ndraws * (size_t)pr->nrows + (size_t)r) * RS_POST_FAN;
      rs_post_weighted_summary(pr->fan + at + (size_t)f, (long)pr->nrows * RS_POST_FAN, pr->ndraws,
                               ss->logw, &iv);
      double best =
          r < sc->nrows ? rs_series_at(sc, r, col) - rs_series_at(ref, r, col) : (double)NAN;
      char a[6][32];
      rs_buf_printf(&b, ",%s,%s,%s,%s,%s,%s", rs_format_csv6(best, a[0]),
                    rs_format_csv6(iv.q05, a[1]), rs_format_csv6(iv.q25, a[2]),
                    rs_format_csv6(iv.median, a[3]), rs_format_csv6(iv.q75, a[4]),
                    rs_format_csv6(iv.q95, a[5]));
    }
    rs_buf_printf(&b, "\n");
  }
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", dir, c->sc[k].name);
  rs_status st = rs_mkdir_p(path, err);
  snprintf(path, sizeof path, "%s/%s/posterior_fan.csv", dir, c->sc[k].name);
  if (st == RS_OK)
    st = b.failed ? rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path)
                  : rs_write_file(path, b.data, err);
  rs_buf_free(&b);
  if (st != RS_OK) return st;
  rs_plots_fan_panel panels[RS_POST_FAN];
  for (int f = 0; f < RS_POST_FAN; f++) {
    int col = rs_post_fan_indicators[f];
    memset(&panels[f], 0, sizeof panels[f]);
    panels[f].column = 2 + 6 * f;
    panels[f].scale = rs_plots_indicator_scale(col, panels[f].units, sizeof panels[f].units);
    snprintf(panels[f].label, sizeof panels[f].label, "%s", rs_indicator_info_get(col)->label);
  }
  char csv[300], name[96], title[300], pdir[4200];
  snprintf(csv, sizeof csv, "../%s/posterior_fan.csv", c->sc[k].name);
  snprintf(name, sizeof name, "fan_%s", c->sc[k].name);
  snprintf(title, sizeof title,
           "%s minus %s over %d posterior draws: median, 50 %% and 90 %% bands, best fit dashed",
           c->sc[k].name, c->sc[0].name, ss->n);
  snprintf(pdir, sizeof pdir, "%s/plots", dir);
  return rs_plots_fan_panels(pdir, name, csv, title, panels, RS_POST_FAN, plots, err);
}

rs_status rs_post_predict_write(const char *dir, const rs_compare *c, const rs_post_sample_set *ss,
                                const rs_post_prediction *pr, const char *label, const char *suffix,
                                rs_plots_report *plots, rs_error *err) {
  rs_buf b;
  rs_buf_init(&b);
  rs_buf_printf(&b,
                "scenario,indicator,units,statistic,best_fit,median,q05,q25,q75,q95,p_positive,"
                "draws,ess\n");
  char v[10][32];
  for (int k = 1; k < c->n; k++)
    for (int ind = 0; ind < RS_NINDICATOR; ind++)
      for (int st = 0; st < RS_NCSTAT; st++) {
        int i = ind * RS_NCSTAT + st;
        rs_post_interval iv;
        interval_of(pr, ss, k, i, &iv);
        double best = c->sc[k].stats[i] - c->sc[0].stats[i];
        rs_buf_csv_field(&b, c->sc[k].name);
        rs_buf_printf(&b, ",%s,", rs_indicator_info_get(ind)->name);
        rs_buf_csv_field(&b, rs_indicator_info_get(ind)->units);
        rs_buf_printf(&b, ",%s,%s,%s,%s,%s,%s,%s,%s,%d,%s\n", rs_compare_stat_name(st),
                      rs_format_csv6(best, v[0]), rs_format_csv6(iv.median, v[1]),
                      rs_format_csv6(iv.q05, v[2]), rs_format_csv6(iv.q25, v[3]),
                      rs_format_csv6(iv.q75, v[4]), rs_format_csv6(iv.q95, v[5]),
                      rs_format_csv6(iv.p_positive, v[6]), iv.n, rs_format_csv6(ss->ess, v[7]));
      }
  char path[4200];
  snprintf(path, sizeof path, "%s/posterior%s.csv", dir, suffix);
  rs_status s = b.failed ? rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path)
                         : rs_write_file(path, b.data, err);
  rs_buf_free(&b);
  if (s != RS_OK) return s;
  rs_buf_init(&b);
  rs_buf_printf(&b, "# Posterior-predictive differences from %s (%s)\n\n", c->sc[0].name, label);
  rs_buf_printf(&b,
                "Every scenario's changes applied on top of each of %d posterior draws (evenly "
                "spaced over the %ld kept draws); %d draws whose runs failed are left out. "
                "Importance-sampling effective sample size %.0f of %d.\nEach cell: the median "
                "difference, the 50 %% interval in parentheses, the 90 %% interval in brackets, "
                "and P(difference > 0); the best fit's difference (params of the reference) "
                "after `best`.\n\n",
                ss->n, ss->total, pr->failed, ss->ess, ss->n);
  for (int k = 1; k < c->n; k++) {
    rs_buf_printf(&b, "## %s\n\n| difference, %s − %s | 1991–2000 | 2001–final |\n|---|---|---|\n",
                  c->sc[k].name, c->sc[k].name, c->sc[0].name);
    for (size_t q = 0; q < sizeof key / sizeof *key; q++) {
      rs_buf_printf(&b, "| %s |", key[q].label);
      for (int st = RS_CS_MEAN_9100; st <= RS_CS_MEAN_01F; st++) {
        int i = key[q].ind * RS_NCSTAT + st;
        rs_post_interval iv;
        interval_of(pr, ss, k, i, &iv);
        double f = key[q].scale, best = (c->sc[k].stats[i] - c->sc[0].stats[i]) * f;
        if (iv.n == 0)
          rs_buf_printf(&b, " – |");
        else
          rs_buf_printf(&b, " %+.2f (%+.2f, %+.2f) [%+.2f, %+.2f], P(>0) = %.2f; best %+.2f |",
                        iv.median * f, iv.q25 * f, iv.q75 * f, iv.q05 * f, iv.q95 * f,
                        iv.p_positive, best);
      }
      rs_buf_printf(&b, "\n");
    }
    rs_buf_printf(&b, "\n");
  }
  snprintf(path, sizeof path, "%s/posterior%s.md", dir, suffix);
  s = b.failed ? rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path)
               : rs_write_file(path, b.data, err);
  rs_buf_free(&b);
  for (int k = 1; s == RS_OK && !suffix[0] && k < c->n; k++)
    s = write_fan(dir, c, ss, pr, k, plots, err);
  return s;
}

/* ---------------------------------------------------------------- attribution */

rs_status rs_post_shapley(const rs_params *base, const rs_delta *d, const rs_post_sample_set *ss,
                          int col, double y1, double y2, int threads, double *phi, int *failed,
                          rs_error *err) {
  *failed = 0;
  for (int k = 0; k < ss->n; k++) {
    rs_params p = *base;
    for (int j = 0; j < ss->np; j++)
      rs_pref_set(&p, ss->ref[j], ss->x[(size_t)k * (size_t)ss->np + (size_t)j]);
    rs_post_member_solver(&p);
    double *out = phi + (size_t)k * (size_t)d->n;
    rs_error e2;
    rs_status st = rs_shapley(&p, d, col, y1, y2, threads, out, NULL, NULL, &e2);
    if (st == RS_ERR_RUN) {
      (*failed)++;
      for (int i = 0; i < d->n; i++) out[i] = (double)NAN;
    } else if (st != RS_OK) {
      return rs_fail(err, st, "draw %d: %s", k + 1, e2.msg);
    }
  }
  return RS_OK;
}
