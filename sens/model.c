/* sens/model.c -- the model as a function of the unit cube for Sobol and Morris analyses: the
 * free set sampled through rs_sens_param_value, scalar outputs (an indicator in a year or its
 * mean over a span, or the difference a scenario makes to it: the thesis counterfactual, whose
 * changes compare/ extracts and applies), time-resolved outputs; and the tables and figures of
 * both analyses. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "sens.h"

rs_status rs_sens_output_parse(const char *text, rs_sens_output *o, rs_error *err) {
  memset(o, 0, sizeof *o);
  const char *at = strchr(text, '@');
  char ind[48];
  if (!at || (size_t)(at - text) >= sizeof ind)
    return rs_fail(err, RS_ERR_INPUT,
                   "output '%s': expected INDICATOR@YEAR or INDICATOR@Y1:Y2 (R@2000, "
                   "gdp_growth@1991:2000)",
                   text);
  snprintf(ind, sizeof ind, "%.*s", (int)(at - text), text);
  o->ind = rs_indicator_find(ind);
  if (o->ind < 0)
    return rs_fail(err, RS_ERR_INPUT, "output '%s': unknown indicator '%s'", text, ind);
  char y1s[32], y2s[32];
  const char *colon = strchr(at + 1, ':');
  snprintf(y1s, sizeof y1s, "%.*s", colon ? (int)(colon - at - 1) : 31, at + 1);
  snprintf(y2s, sizeof y2s, "%s", colon ? colon + 1 : y1s);
  if (!rs_parse_double(y1s, &o->y1) || !rs_parse_double(y2s, &o->y2) || o->y2 < o->y1 ||
      o->y1 < 1900 || o->y2 > 2200)
    return rs_fail(err, RS_ERR_INPUT, "output '%s': years 1900-2200, Y1 <= Y2", text);
  char units[64];
  o->scale = rs_plots_indicator_scale(o->ind, units, sizeof units);
  char a[32], b[32];
  rs_format_number(o->y1, a);
  rs_format_number(o->y2, b);
  if (o->y1 == o->y2) {
    rs_snprintf_fits(o->name, sizeof o->name, "%s_%s", ind, a);
    rs_snprintf_fits(o->label, sizeof o->label, "%s in %s (%s)", ind, a, units);
  } else {
    rs_snprintf_fits(o->name, sizeof o->name, "%s_%s_%s", ind, a, b);
    rs_snprintf_fits(o->label, sizeof o->label, "%s, mean %s-%s (%s)", ind, a, b, units);
  }
  return RS_OK;
}

rs_status rs_sens_model_init(rs_sens_model *m, const rs_params *base, const rs_free_set *fs,
                             const rs_sens_output *out, int nout, const char *scenario_file,
                             const int *tind, int ntind, rs_error *err) {
  memset(m, 0, sizeof *m);
  if (nout < 1 || nout > RS_SENS_MAXOUT || ntind < 0 || ntind > 4 || fs->n < 1)
    return rs_fail(err, RS_ERR_INPUT, "sensitivity: 1 to %d outputs, a free set", RS_SENS_MAXOUT);
  m->base = *base;
  m->fs = *fs;
  m->nout = nout;
  memcpy(m->out, out, sizeof(rs_sens_output) * (size_t)nout);
  for (int k = 0; k < nout; k++) {
    double s = base->v[RS_P_SPAN_START], e = base->v[RS_P_SPAN_END];
    if (out[k].y1 < s || out[k].y2 > e)
      return rs_fail(err, RS_ERR_INPUT, "output %s: outside the run (%g-%g; see --to)", out[k].name,
                     s, e);
  }
  if (scenario_file) {
    rs_delta *d = malloc(sizeof *d);
    if (!d) return rs_fail(err, RS_ERR_NOMEM, "sensitivity: out of memory");
    rs_status st =
        rs_compare_scenario_delta(scenario_file, d, m->scenario_base, sizeof m->scenario_base, err);
    if (st != RS_OK) {
      free(d);
      return st;
    }
    m->delta = d;
    m->has_scenario = 1;
    snprintf(m->scenario_file, sizeof m->scenario_file, "%s", scenario_file);
    for (int k = 0; k < nout; k++) { /* the difference the scenario makes */
      char tmp[64];
      snprintf(tmp, sizeof tmp, "d%s", m->out[k].name);
      memcpy(m->out[k].name, tmp, sizeof tmp);
      char lab[128];
      rs_snprintf_fits(lab, sizeof lab, "change in %s", m->out[k].label);
      memcpy(m->out[k].label, lab, sizeof lab);
    }
  }
  m->ntind = ntind;
  for (int k = 0; k < ntind; k++) m->tind[k] = tind[k];
  m->nrows = rs_sim_output_times(base, NULL);
  m->year = malloc(sizeof(double) * (size_t)m->nrows);
  if (!m->year) {
    rs_sens_model_free(m);
    return rs_fail(err, RS_ERR_NOMEM, "sensitivity: out of memory");
  }
  rs_sim_output_times(base, m->year);
  return RS_OK;
}

void rs_sens_model_free(rs_sens_model *m) {
  if (!m) return;
  free(m->delta);
  free(m->year);
  m->delta = NULL;
  m->year = NULL;
}

typedef struct model_ws {
  rs_sim *sim;
  rs_series a, b;
  rs_params p, q;
} model_ws;

static void *model_ws_alloc(void *ctx) {
  (void)ctx;
  model_ws *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  rs_error e;
  if (!(w->sim = rs_sim_alloc(&e))) {
    free(w);
    return NULL;
  }
  rs_series_init(&w->a);
  rs_series_init(&w->b);
  return w;
}

static void model_ws_free(void *p) {
  model_ws *w = p;
  if (!w) return;
  rs_series_free(&w->a);
  rs_series_free(&w->b);
  rs_sim_free(w->sim);
  free(w);
}

static double output_value(const rs_series *s, const rs_sens_output *o) {
  return o->y1 == o->y2 ? rs_series_value_at(s, o->ind, o->y1)
                        : rs_series_mean(s, o->ind, o->y1, o->y2);
}

static int model_eval(void *ctx, void *wsv, const double *u, double *y) {
  const rs_sens_model *m = ctx;
  model_ws *w = wsv;
  rs_error e;
  w->p = m->base;
  for (int k = 0; k < m->fs.n; k++)
    rs_pref_set(&w->p, m->fs.p[k].ref, rs_sens_param_value(&m->fs.p[k], u[k]));
  rs_sens_member_solver(&w->p);
  if (rs_params_validate(&w->p, &e) != RS_OK) return 1;
  if (rs_sim_run(w->sim, &w->p, &w->a, NULL, &e) != RS_OK) return 1;
  if (m->has_scenario) {
    w->q = w->p;
    rs_delta_apply(m->delta, 0xffffffffu, &w->q);
    if (rs_params_validate(&w->q, &e) != RS_OK) return 1;
    if (rs_sim_run(w->sim, &w->q, &w->b, NULL, &e) != RS_OK) return 1;
  }
  for (int k = 0; k < m->nout; k++) {
    double v = output_value(&w->a, &m->out[k]);
    if (m->has_scenario) v = output_value(&w->b, &m->out[k]) - v;
    y[k] = m->out[k].scale * v;
    if (!isfinite(y[k])) return 1;
  }
  double *t = y + m->nout;
  for (int k = 0; k < m->ntind; k++)
    for (int i = 0; i < m->nrows; i++) {
      double v = rs_series_at(&w->a, i, m->tind[k]);
      if (m->has_scenario) v = rs_series_at(&w->b, i, m->tind[k]) - v;
      t[k * m->nrows + i] = v;
    }
  return 0;
}

rs_sens_problem rs_sens_model_problem(rs_sens_model *m) {
  rs_sens_problem pb = {.d = m->fs.n,
                        .nout = m->nout + m->ntind * m->nrows,
                        .nboot = m->nout,
                        .ctx = m,
                        .ws_alloc = model_ws_alloc,
                        .ws_free = model_ws_free,
                        .eval = model_eval};
  return pb;
}

/* ---------------------------------------------------------------- writing */

static void csv_num(rs_buf *b, double x) {
  char buf[32];
  rs_buf_printf(b, ",%s", rs_format_csv6(x, buf));
}

static const char *const *param_names(const rs_sens_model *m) {
  static _Thread_local const char *names[RS_FREE_MAX];
  for (int k = 0; k < m->fs.n; k++) names[k] = m->fs.p[k].name;
  return names;
}

static void describe_setup(rs_buf *b, const rs_sens_model *m, const char *command) {
  rs_buf_printf(b, "Command: `%s`\n\n", command ? command : "");
  rs_buf_printf(b,
                "Free parameters (%d), each sampled uniformly on its search bounds in `%s`:\n\n"
                "| parameter | lower | upper |\n|---|---|---|\n",
                m->fs.n, m->fs.file);
  for (int k = 0; k < m->fs.n; k++)
    rs_buf_printf(b, "| `%s` | %g | %g |\n", m->fs.p[k].name, m->fs.p[k].lower, m->fs.p[k].upper);
  if (m->has_scenario)
    rs_buf_printf(b,
                  "\nEach output is the difference the scenario `%s` makes: its changes against "
                  "its base `%s` applied on top of every sample, minus the sample's own run.\n",
                  m->scenario_file, m->scenario_base);
}

static void list_failed(rs_buf *b, long nfailed, const long *failed, const char *what) {
  rs_buf_printf(b,
                "\n%ld %s failed (a run that could not be finished or a parameter set that "
                "is not valid) and %s left out%s",
                nfailed, what, nfailed == 1 ? "is" : "are", nfailed ? ": " : ".\n");
  for (long k = 0; k < nfailed && k < 200; k++)
    rs_buf_printf(b, "%s%ld", k ? ", " : "", failed ? failed[k] : -1);
  if (nfailed > 200) rs_buf_printf(b, ", ...");
  if (nfailed) rs_buf_printf(b, ".\n");
}

rs_status rs_sens_write_sobol(const char *dir, const rs_sens_model *m, const rs_sobol_result *r,
                              const char *command, rs_plots_report *rep, rs_error *err) {
  rs_status st = rs_mkdir_p(dir, err);
  if (st != RS_OK) return st;
  int d = r->d;
  const char *const *names = param_names(m);
  char path[RS_PATH_MAX], plotdir[RS_PATH_MAX];
  rs_buf b;
  rs_buf_init(&b);
  rs_buf_printf(&b, "output,parameter,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi,S1_half,ST_half\n");
  for (int o = 0; o < m->nout; o++)
    for (int i = 0; i < d; i++) {
      rs_buf_printf(&b, "%s,%s", m->out[o].name, names[i]);
      const double x[8] = {r->S1[o * d + i],      r->S1_lo[o * d + i],  r->S1_hi[o * d + i],
                           r->ST[o * d + i],      r->ST_lo[o * d + i],  r->ST_hi[o * d + i],
                           r->S1_half[o * d + i], r->ST_half[o * d + i]};
      for (int k = 0; k < 8; k++) csv_num(&b, x[k]);
      rs_buf_printf(&b, "\n");
    }
  snprintf(path, sizeof path, "%s/sobol.csv", dir);
  st = b.failed ? rs_fail(err, RS_ERR_NOMEM, "sobol.csv: out of memory")
                : rs_write_file(path, b.data, err);
  rs_buf_free(&b);
  if (st != RS_OK) return st;
  /* time-resolved indices; undefined where the output does not vary (its variance below 1e-9
   * of its largest over the run: at the start, before a scenario changes anything, the
   * indices are ratios of rounding errors) */
  double *S1t = NULL, *STt = NULL;
  if (m->ntind > 0) {
    size_t nt = (size_t)m->ntind * (size_t)m->nrows * (size_t)d;
    S1t = malloc(sizeof(double) * 2 * nt);
    if (!S1t) return rs_fail(err, RS_ERR_NOMEM, "sobol: out of memory");
    STt = S1t + nt;
    for (int k = 0; k < m->ntind; k++) {
      double vmax = 0;
      for (int i = 0; i < m->nrows; i++) vmax = fmax(vmax, r->var[m->nout + k * m->nrows + i]);
      for (int i = 0; i < m->nrows; i++) {
        int o = m->nout + k * m->nrows + i;
        int flat = !(r->var[o] > 1e-9 * vmax);
        for (int j = 0; j < d; j++) {
          S1t[(size_t)(k * m->nrows + i) * (size_t)d + (size_t)j] =
              flat ? (double)NAN : r->S1[o * d + j];
          STt[(size_t)(k * m->nrows + i) * (size_t)d + (size_t)j] =
              flat ? (double)NAN : r->ST[o * d + j];
        }
      }
    }
  }
  if (m->ntind > 0) {
    rs_buf_init(&b);
    rs_buf_printf(&b, "indicator,year,parameter,S1,ST\n");
    for (int k = 0; k < m->ntind; k++)
      for (int i = 0; i < m->nrows; i++)
        for (int j = 0; j < d; j++) {
          size_t o = (size_t)(k * m->nrows + i) * (size_t)d + (size_t)j;
          rs_buf_printf(&b, "%s,%g,%s", rs_indicator_info_get(m->tind[k])->name, m->year[i],
                        names[j]);
          csv_num(&b, S1t[o]);
          csv_num(&b, STt[o]);
          rs_buf_printf(&b, "\n");
        }
    snprintf(path, sizeof path, "%s/sobol_time.csv", dir);
    st = b.failed ? rs_fail(err, RS_ERR_NOMEM, "sobol_time.csv: out of memory")
                  : rs_write_file(path, b.data, err);
    rs_buf_free(&b);
    if (st != RS_OK) {
      free(S1t);
      return st;
    }
  }
  /* the report */
  rs_buf_init(&b);
  rs_buf_printf(&b, "# Sobol indices\n\n");
  describe_setup(&b, m, command);
  rs_buf_printf(&b,
                "\nN = %d base rows of a Sobol sequence (Saltelli's scheme: %d runs of the model "
                "per row), %ld used. First-order S1 (Saltelli et al. 2010) and total ST "
                "(Jansen) indices with 95 %% percentile bootstrap intervals over the rows; "
                "\"at N/2\" is the estimate from the first half of the rows: where it differs "
                "from the estimate at N by more than the interval's half-width, N is too small.\n",
                r->n, (d + 2) * (m->has_scenario ? 2 : 1), r->nok);
  list_failed(&b, r->nfailed, r->failed, "rows");
  for (int o = 0; o < m->nout; o++) {
    rs_buf_printf(
        &b,
        "\n## %s\n\n%s: mean %.4g, variance %.4g.\n\n"
        "| parameter | ST | 95 %% interval | ST at N/2 | S1 | 95 %% interval | S1 at N/2 |\n"
        "|---|---|---|---|---|---|---|\n",
        m->out[o].name, m->out[o].label, r->mean[o], r->var[o]);
    int idx[RS_FREE_MAX];
    for (int i = 0; i < d; i++) idx[i] = i;
    for (int i = 0; i < d; i++) /* by total index, largest first */
      for (int j = i + 1; j < d; j++)
        if (r->ST[o * d + idx[j]] > r->ST[o * d + idx[i]]) {
          int t = idx[i];
          idx[i] = idx[j];
          idx[j] = t;
        }
    int unconverged = 0;
    for (int q = 0; q < d; q++) {
      int i = idx[q], c = o * d + i;
      double half = (r->ST_hi[c] - r->ST_lo[c]) / 2;
      if (fabs(r->ST_half[c] - r->ST[c]) > half) unconverged++;
      rs_buf_printf(&b, "| `%s` | %.3f | %.3f to %.3f | %.3f | %.3f | %.3f to %.3f | %.3f |\n",
                    names[i], r->ST[c], r->ST_lo[c], r->ST_hi[c], r->ST_half[c], r->S1[c],
                    r->S1_lo[c], r->S1_hi[c], r->S1_half[c]);
    }
    rs_buf_printf(&b,
                  "\nConvergence: %d of %d total indices at N/2 lie outside the interval's "
                  "half-width from the estimate at N.\n",
                  unconverged, d);
  }
  snprintf(path, sizeof path, "%s/sobol.md", dir);
  st = b.failed ? rs_fail(err, RS_ERR_NOMEM, "sobol.md: out of memory")
                : rs_write_file(path, b.data, err);
  rs_buf_free(&b);
  if (st != RS_OK) {
    free(S1t);
    return st;
  }
  /* figures */
  snprintf(plotdir, sizeof plotdir, "%s/plots", dir);
  for (int o = 0; st == RS_OK && o < m->nout; o++) {
    char name[80], title[256];
    snprintf(name, sizeof name, "sobol_%s", m->out[o].name);
    snprintf(title, sizeof title, "Sobol indices: %s (N = %d, 95 %% bootstrap intervals)",
             m->out[o].label, r->n);
    int c = o * d;
    st = rs_plots_bars_ci(plotdir, name, title, "share of the output's variance", d, names,
                          r->S1 + c, r->S1_lo + c, r->S1_hi + c, "first order S1", r->ST + c,
                          r->ST_lo + c, r->ST_hi + c, "total ST", rep, err);
  }
  for (int k = 0; st == RS_OK && k < m->ntind; k++) {
    /* the six parameters with the largest time-averaged total index */
    double avg[RS_FREE_MAX];
    int idx[RS_FREE_MAX], nl = d < 6 ? d : 6;
    for (int j = 0; j < d; j++) {
      avg[j] = 0;
      int cnt = 0;
      for (int i = 0; i < m->nrows; i++) {
        double v = STt[(size_t)(k * m->nrows + i) * (size_t)d + (size_t)j];
        if (isfinite(v)) avg[j] += v, cnt++;
      }
      avg[j] = cnt ? avg[j] / cnt : 0;
      idx[j] = j;
    }
    for (int i = 0; i < d; i++)
      for (int j = i + 1; j < d; j++)
        if (avg[idx[j]] > avg[idx[i]]) {
          int t = idx[i];
          idx[i] = idx[j];
          idx[j] = t;
        }
    double *v = malloc(sizeof(double) * (size_t)nl * (size_t)m->nrows);
    if (!v) {
      free(S1t);
      return rs_fail(err, RS_ERR_NOMEM, "sobol: out of memory");
    }
    const char *keys[6];
    for (int l = 0; l < nl; l++) {
      keys[l] = names[idx[l]];
      for (int i = 0; i < m->nrows; i++)
        v[l * m->nrows + i] = STt[(size_t)(k * m->nrows + i) * (size_t)d + (size_t)idx[l]];
    }
    const char *iname = rs_indicator_info_get(m->tind[k])->name;
    char name[80], title[256];
    snprintf(name, sizeof name, "sobol_time_%s", iname);
    snprintf(title, sizeof title, "Total Sobol indices of %s%s over time (six largest)", iname,
             m->has_scenario ? " (scenario minus run)" : "");
    st = rs_plots_lines(plotdir, name, title, "total index ST (share of variance)", m->nrows,
                        m->year, nl, keys, v, -0.05, 1.1, rep, err);
    free(v);
  }
  free(S1t);
  return st;
}

rs_status rs_sens_write_morris(const char *dir, const rs_sens_model *m, const rs_morris_result *r,
                               const char *command, rs_plots_report *rep, rs_error *err) {
  rs_status st = rs_mkdir_p(dir, err);
  if (st != RS_OK) return st;
  int d = r->d;
  const char *const *names = param_names(m);
  char path[RS_PATH_MAX], plotdir[RS_PATH_MAX];
  rs_buf b;
  rs_buf_init(&b);
  rs_buf_printf(&b, "output,parameter,mu,mustar,sigma\n");
  for (int o = 0; o < m->nout; o++)
    for (int i = 0; i < d; i++) {
      rs_buf_printf(&b, "%s,%s", m->out[o].name, names[i]);
      csv_num(&b, r->mu[o * d + i]);
      csv_num(&b, r->mustar[o * d + i]);
      csv_num(&b, r->sigma[o * d + i]);
      rs_buf_printf(&b, "\n");
    }
  snprintf(path, sizeof path, "%s/morris.csv", dir);
  st = b.failed ? rs_fail(err, RS_ERR_NOMEM, "morris.csv: out of memory")
                : rs_write_file(path, b.data, err);
  rs_buf_free(&b);
  if (st != RS_OK) return st;
  rs_buf_init(&b);
  rs_buf_printf(&b, "# Morris screening\n\n");
  describe_setup(&b, m, command);
  rs_buf_printf(&b,
                "\n%d trajectories of %d runs on a 4-level grid, %ld used. An elementary effect "
                "is the change of the output when one parameter moves by 2/3 of its range, "
                "divided by 2/3: in the output's units per whole range. mu* is the mean of their "
                "absolute values (importance), sigma their standard deviation (interactions "
                "and non-linearity: sigma above mu* means the effect depends on the others).\n",
                r->r, d + 1, r->nok);
  list_failed(&b, r->nfailed, r->failed, "trajectories");
  for (int o = 0; o < m->nout; o++) {
    rs_buf_printf(&b, "\n## %s\n\n%s\n\n| parameter | mu* | mu | sigma |\n|---|---|---|---|\n",
                  m->out[o].name, m->out[o].label);
    int idx[RS_FREE_MAX];
    for (int i = 0; i < d; i++) idx[i] = i;
    for (int i = 0; i < d; i++)
      for (int j = i + 1; j < d; j++)
        if (r->mustar[o * d + idx[j]] > r->mustar[o * d + idx[i]]) {
          int t = idx[i];
          idx[i] = idx[j];
          idx[j] = t;
        }
    for (int q = 0; q < d; q++) {
      int c = o * d + idx[q];
      rs_buf_printf(&b, "| `%s` | %.4g | %.4g | %.4g |\n", names[idx[q]], r->mustar[c], r->mu[c],
                    r->sigma[c]);
    }
  }
  snprintf(path, sizeof path, "%s/morris.md", dir);
  st = b.failed ? rs_fail(err, RS_ERR_NOMEM, "morris.md: out of memory")
                : rs_write_file(path, b.data, err);
  rs_buf_free(&b);
  snprintf(plotdir, sizeof plotdir, "%s/plots", dir);
  for (int o = 0; st == RS_OK && o < m->nout; o++) {
    char name[80], title[256], units[64];
    snprintf(name, sizeof name, "morris_%s", m->out[o].name);
    snprintf(title, sizeof title, "Morris screening: %s (%d trajectories)", m->out[o].label, r->r);
    rs_plots_indicator_scale(m->out[o].ind, units, sizeof units);
    st = rs_plots_morris(plotdir, name, title, units, d, names, r->mustar + o * d, r->sigma + o * d,
                         8, rep, err);
  }
  return st;
}
