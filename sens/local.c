/* sens/local.c -- local sensitivity functions: the normalised derivatives (dy/dp)(p/y) of every
 * indicator over time, as R's FME::sensFun gives them (Soetaert and Petzoldt 2010, "Inverse
 * modelling, sensitivity and Monte Carlo analysis in R using package FME", J. Stat. Softw. 33),
 * here exact: CVODES forward sensitivities with complex-step right-hand sides (sim/), the
 * machinery of the calibration's Jacobian. With the norms L1 = sum |S| / n and
 * L2 = sqrt(sum S^2 / n) per indicator and parameter (mean absolute value and root mean square over
 * time), a ranking. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sens.h"

rs_status rs_sens_local(const rs_params *p, const rs_pref *refs, int np, rs_series *series,
                        double *s, double *raw, rs_error *err) {
  rs_sim *sim = rs_sim_alloc(err);
  if (!sim) return RS_ERR_NOMEM;
  int nrows = rs_sim_output_times(p, NULL);
  size_t n = (size_t)nrows * (size_t)np * RS_NINDICATOR;
  double *dS = raw ? raw : malloc(sizeof(double) * n);
  if (!dS) {
    rs_sim_free(sim);
    return rs_fail(err, RS_ERR_NOMEM, "local sensitivities: out of memory");
  }
  rs_status st = rs_sim_run_sens(sim, p, refs, np, series, dS, NULL, err);
  rs_sim_free(sim);
  if (st == RS_OK) {
    for (int c = 0; c < RS_NINDICATOR; c++) {
      double ymax = 0;
      for (int i = 0; i < nrows; i++) ymax = fmax(ymax, fabs(rs_series_at(series, i, c)));
      for (int i = 0; i < nrows; i++) {
        double y = rs_series_at(series, i, c);
        for (int k = 0; k < np; k++) {
          size_t at = ((size_t)i * (size_t)np + (size_t)k) * RS_NINDICATOR + (size_t)c;
          /* where y is 0 the relative change is undefined (growth rates crossing zero) */
          s[at] = fabs(y) > 1e-9 * ymax && ymax > 0 ? dS[at] * rs_pref_get(p, refs[k]) / y
                                                    : (double)NAN;
        }
      }
    }
  }
  if (!raw) free(dS);
  return st;
}

/* L1 and L2 of indicator c, parameter k over the rows where S is defined. */
static void norms(const double *s, int nrows, int np, int k, int c, double *l1, double *l2) {
  double a = 0, q = 0;
  int n = 0;
  for (int i = 0; i < nrows; i++) {
    double v = s[((size_t)i * (size_t)np + (size_t)k) * RS_NINDICATOR + (size_t)c];
    if (!isfinite(v)) continue;
    a += fabs(v);
    q += v * v;
    n++;
  }
  *l1 = n ? a / n : (double)NAN;
  *l2 = n ? sqrt(q / n) : (double)NAN;
}

static void order_by(const double *key, int n, int *idx) { /* descending, NAN last */
  for (int i = 0; i < n; i++) idx[i] = i;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      double a = key[idx[i]], b = key[idx[j]];
      if ((isnan(a) && !isnan(b)) || b > a) {
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
      }
    }
}

static rs_status write_tables(const char *dir, const rs_params *p, const rs_series *ser,
                              const double *s, const char (*names)[64], int np, double *L2,
                              const char *command, rs_error *err) {
  int nrows = ser->nrows;
  char path[RS_PATH_MAX], buf[32];
  rs_afile f;
  snprintf(path, sizeof path, "%s/sensitivity.csv", dir);
  rs_status st = rs_afile_open(&f, path, err);
  if (st != RS_OK) return st;
  fprintf(f.fp, "year,indicator,parameter,value\n");
  for (int i = 0; i < nrows; i++)
    for (int c = 0; c < RS_NINDICATOR; c++)
      for (int k = 0; k < np; k++) {
        fprintf(f.fp, "%s,%s,%s,", rs_format_number(ser->year[i], buf),
                rs_indicator_info_get(c)->name, names[k]);
        fprintf(f.fp, "%s\n",
                rs_format_csv6(s[((size_t)i * (size_t)np + (size_t)k) * RS_NINDICATOR + (size_t)c],
                               buf));
      }
  if ((st = rs_afile_commit(&f, err)) != RS_OK) return st;
  snprintf(path, sizeof path, "%s/ranking.csv", dir);
  if ((st = rs_afile_open(&f, path, err)) != RS_OK) return st;
  rs_buf md;
  rs_buf_init(&md);
  rs_buf_printf(&md,
                "# Local sensitivities\n\nCommand: `%s`\n\nNormalised sensitivity functions "
                "S = (dy/dp)(p/y): the relative change of indicator y for a relative change of "
                "parameter p, at every output time from %g to %g, from CVODES forward "
                "sensitivities (exact derivatives, as in the calibration). L1 = sum |S| / n and "
                "L2 = sqrt(sum S^2 / n) over the n output times where y is not zero. A parameter "
                "at 0 has S = 0 (a relative change of 0 is 0). Largest L2 per indicator:\n\n"
                "| indicator | 1st | 2nd | 3rd |\n|---|---|---|---|\n",
                command ? command : "", p->v[RS_P_SPAN_START], p->v[RS_P_SPAN_END]);
  fprintf(f.fp, "indicator,parameter,L1,L2,rank\n");
  for (int c = 0; c < RS_NINDICATOR; c++) {
    double l1[RS_FREE_MAX], l2[RS_FREE_MAX];
    int idx[RS_FREE_MAX];
    for (int k = 0; k < np; k++) norms(s, nrows, np, k, c, &l1[k], &l2[k]);
    for (int k = 0; k < np; k++) L2[c * np + k] = l2[k];
    order_by(l2, np, idx);
    for (int r = 0; r < np; r++) {
      int k = idx[r];
      fprintf(f.fp, "%s,%s,%s,", rs_indicator_info_get(c)->name, names[k],
              rs_format_csv6(l1[k], buf));
      fprintf(f.fp, "%s,%d\n", rs_format_csv6(l2[k], buf), r + 1);
    }
    rs_buf_printf(&md, "| `%s` |", rs_indicator_info_get(c)->name);
    for (int r = 0; r < 3; r++)
      if (r < np && isfinite(l2[idx[r]]))
        rs_buf_printf(&md, " `%s` (%.3g) |", names[idx[r]], l2[idx[r]]);
      else
        rs_buf_printf(&md, " |");
    rs_buf_printf(&md, "\n");
  }
  st = rs_afile_commit(&f, err);
  snprintf(path, sizeof path, "%s/sensitivity.md", dir);
  if (st == RS_OK)
    st = md.failed ? rs_fail(err, RS_ERR_NOMEM, "sensitivity.md: out of memory")
                   : rs_write_file(path, md.data, err);
  rs_buf_free(&md);
  return st;
}

static rs_status write_figures(const char *dir, const rs_series *ser, const double *s,
                               const char (*names)[64], int np, const double *L2,
                               rs_plots_report *rep, rs_error *err) {
  static const int key[] = {RS_I_A, RS_I_S, RS_I_R, RS_I_G, RS_I_RD_TOTAL, RS_I_E};
  enum { NKEY = sizeof key / sizeof key[0] };
  int nrows = ser->nrows;
  char plotdir[RS_PATH_MAX];
  snprintf(plotdir, sizeof plotdir, "%s/plots", dir);
  const char *pn[RS_FREE_MAX], *rows[RS_NINDICATOR];
  for (int k = 0; k < np; k++) pn[k] = names[k];
  /* the heat map: the indicators that have a sensitivity, stocks and key flows */
  static const int heat[] = {RS_I_A,           RS_I_K,       RS_I_S,        RS_I_R,
                             RS_I_G,           RS_I_RDB,     RS_I_E,        RS_I_F,
                             RS_I_Y,           RS_I_RET,     RS_I_RD_TOTAL, RS_I_BASIC_SHARE,
                             RS_I_INDEP_SHARE, RS_I_CLOSURE, RS_I_A_MFG,    RS_I_EROSION};
  enum { NHEAT = sizeof heat / sizeof heat[0] };
  double *m = malloc(sizeof(double) * NHEAT * (size_t)np);
  double *v = malloc(sizeof(double) * 6 * (size_t)nrows);
  rs_status st = m && v ? RS_OK : rs_fail(err, RS_ERR_NOMEM, "local: out of memory");
  if (st == RS_OK) {
    for (int r = 0; r < NHEAT; r++) {
      rows[r] = rs_indicator_info_get(heat[r])->name;
      for (int k = 0; k < np; k++) m[r * np + k] = L2[heat[r] * np + k];
    }
    st = rs_plots_heatmap(
        plotdir, "heatmap", "Local sensitivities: L2 norm of (dy/dp)(p/y) over time",
        "L2 (relative change of y per relative change of p)", NHEAT, rows, np, pn, m, rep, err);
  }
  for (int q = 0; st == RS_OK && q < NKEY; q++) {
    int c = key[q], idx[RS_FREE_MAX], nl = np < 6 ? np : 6;
    order_by(L2 + c * np, np, idx);
    const char *keys[6];
    for (int l = 0; l < nl; l++) {
      keys[l] = names[idx[l]];
      for (int i = 0; i < nrows; i++)
        v[l * nrows + i] = s[((size_t)i * (size_t)np + (size_t)idx[l]) * RS_NINDICATOR + (size_t)c];
    }
    const rs_indicator_info *inf = rs_indicator_info_get(c);
    char name[80], title[200];
    snprintf(name, sizeof name, "local_%s",
             strcmp(inf->name, "R") == 0 ? "R_relational" : inf->name);
    snprintf(title, sizeof title, "%s (%s): the six largest sensitivities", inf->label, inf->name);
    st = rs_plots_lines(plotdir, name, title, "(dy/dp)(p/y), relative change per relative change",
                        nrows, ser->year, nl, keys, v, (double)NAN, (double)NAN, rep, err);
  }
  free(m);
  free(v);
  return st;
}

rs_status rs_sens_local_write(const char *dir, const rs_params *p, const rs_pref *refs, int np,
                              const char *command, rs_plots_report *rep, rs_error *err) {
  if (np < 1 || np > RS_FREE_MAX)
    return rs_fail(err, RS_ERR_INPUT, "local: 1 to %d parameters", RS_FREE_MAX);
  int nrows = rs_sim_output_times(p, NULL);
  size_t n = (size_t)nrows * (size_t)np * RS_NINDICATOR;
  double *s = malloc(sizeof(double) * (n + (size_t)RS_NINDICATOR * (size_t)np));
  char(*names)[64] = malloc(sizeof(char[64]) * (size_t)np);
  rs_series ser;
  rs_series_init(&ser);
  rs_status st = s && names ? RS_OK : rs_fail(err, RS_ERR_NOMEM, "local: out of memory");
  if (st == RS_OK)
    for (int k = 0; k < np; k++) rs_pref_name(p, refs[k], names[k], 64);
  if (st == RS_OK) st = rs_sens_local(p, refs, np, &ser, s, NULL, err);
  if (st == RS_OK) st = rs_mkdir_p(dir, err);
  double *L2 = s ? s + n : NULL;
  if (st == RS_OK)
    st = write_tables(dir, p, &ser, s, (const char(*)[64])names, np, L2, command, err);
  if (st == RS_OK) st = write_figures(dir, &ser, s, (const char(*)[64])names, np, L2, rep, err);
  rs_series_free(&ser);
  free(s);
  free(names);
  return st;
}
