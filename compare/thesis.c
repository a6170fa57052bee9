/* compare/thesis.c -- the paper's thesis along the profiles of a calibration.
 *
 * The thesis (regionalization preserved relational ties and so delayed reform) is a claim about
 * a counterfactual, and the calibration leaves the parameters that decide it weakly pinned down.
 * A profile (calib/profile.c) holds a whole fitted parameter set at every grid point of one
 * parameter; this file applies a scenario's changes (its delta against its own base, so that a
 * scenario written on params/calibrated.cfg transfers to any fit) to each of those fits and
 * records how much ties and GDP growth differ, so that the report shows how the counterfactual
 * answer moves along the cost curve. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

/* The columns, in the order of rs_calib_profile.col. */
enum { C_R_EARLY, C_R_LATE, C_GDP_EARLY, C_GDP_LATE, NCOL };

rs_status rs_compare_scenario_delta(const char *file, rs_delta *d, char *base_file, size_t nbase,
                                    rs_error *err) {
  rs_provenance *prov = malloc(sizeof *prov);
  rs_params *pp = malloc(2 * sizeof *pp);
  if (!prov || !pp) {
    free(prov);
    free(pp);
    return rs_fail(err, RS_ERR_NOMEM, "thesis: out of memory");
  }
  rs_status st = rs_params_load(file, &pp[1], prov, err);
  if (st == RS_OK && prov->nfiles < 2)
    st = rs_fail(err, RS_ERR_INPUT,
                 "%s: the thesis scenario names no base (base = \"...\";): its changes are "
                 "what it sets on top of its base, applied to every fit",
                 file);
  if (st == RS_OK) {
    snprintf(base_file, nbase, "%s", prov->files[prov->nfiles - 2]);
    st = rs_params_load(base_file, &pp[0], NULL, err);
  }
  if (st == RS_OK) {
    rs_error e;
    st = rs_delta_make(&pp[0], &pp[1], d, &e);
    if (st != RS_OK) st = rs_fail(err, st, "%s against its base %s: %s", file, base_file, e.msg);
  }
  free(prov);
  free(pp);
  return st;
}

/* The four differences for one fit: the scenario's changes on top of it minus the fit itself,
 * both run to `to`; NAN for those a run could not give. */
static void point_thesis(rs_sim *sim, rs_series *ref, rs_series *scen, const rs_params *fit,
                         const rs_delta *d, double to, double *out) {
  for (int c = 0; c < NCOL; c++) out[c] = (double)NAN;
  rs_params p = *fit, q;
  p.v[RS_P_SPAN_END] = to;
  q = p;
  rs_delta_apply(d, 0xffffffffu, &q);
  rs_error e;
  if (rs_params_validate(&p, &e) != RS_OK || rs_params_validate(&q, &e) != RS_OK) return;
  if (rs_sim_run(sim, &p, ref, NULL, &e) != RS_OK) return;
  if (rs_sim_run(sim, &q, scen, NULL, &e) != RS_OK) return;
  static const double from[2] = {1991.0, 2001.0};
  for (int half = 0; half < 2; half++) {
    double until = half == 0 ? 2000.0 : to;
    out[half] = rs_series_mean(scen, RS_I_R, from[half], until) -
                rs_series_mean(ref, RS_I_R, from[half], until);
    /* growth in percentage points: 0.4, not 0.004 */
    out[2 + half] = 100.0 * (rs_series_mean(scen, RS_I_GDP_GROWTH, from[half], until) -
                             rs_series_mean(ref, RS_I_GDP_GROWTH, from[half], until));
  }
}

/* The file name without directory and ".cfg": "no_regionalization". */
static void scenario_name(const char *file, char *out, size_t n) {
  const char *slash = strrchr(file, '/');
  const char *name = slash ? slash + 1 : file;
  size_t len = strlen(name);
  if (len > 4 && strcmp(name + len - 4, ".cfg") == 0) len -= 4;
  snprintf(out, n, "%.*s", (int)len, name);
}

/* Names, labels and the sentences of the report. */
static void describe_columns(rs_calib_profile *pr, const char *file, const char *base_file,
                             const rs_delta *d, double to, int nfailed) {
  char y[32], name[128], items[512];
  rs_format_number(to, y);
  scenario_name(file, name, sizeof name);
  size_t len = 0;
  items[0] = '\0';
  for (int k = 0; k < d->n && len < sizeof items; k++) {
    int w = snprintf(items + len, sizeof items - len, "%s`%s`", k ? ", " : "", d->item[k].name);
    if (w < 0) break;
    len += (size_t)w;
  }
  pr->ncol = NCOL;
  snprintf(pr->col_name[C_R_EARLY], sizeof pr->col_name[0], "dR_1991_2000");
  snprintf(pr->col_name[C_R_LATE], sizeof pr->col_name[0], "dR_2001_%s", y);
  snprintf(pr->col_name[C_GDP_EARLY], sizeof pr->col_name[0], "dgdp_pp_1991_2000");
  snprintf(pr->col_name[C_GDP_LATE], sizeof pr->col_name[0], "dgdp_pp_2001_%s", y);
  snprintf(pr->col_label[C_R_EARLY], sizeof pr->col_label[0], "ΔR 1991–2000");
  snprintf(pr->col_label[C_R_LATE], sizeof pr->col_label[0], "ΔR 2001–%s", y);
  snprintf(pr->col_label[C_GDP_EARLY], sizeof pr->col_label[0], "Δ GDP growth 1991–2000 (pp)");
  snprintf(pr->col_label[C_GDP_LATE], sizeof pr->col_label[0], "Δ GDP growth 2001–%s (pp)", y);
  for (int c = 0; c < NCOL; c++) pr->col_plot[c] = c == C_R_LATE || c == C_GDP_LATE;
  char failed[160] = "";
  if (nfailed > 0)
    snprintf(failed, sizeof failed, " At %d point%s a run to %s failed: n/a there.", nfailed,
             nfailed == 1 ? "" : "s", y);
  /* (a title cut short by very long paths is still a title) */
  rs_snprintf_fits(
      pr->col_title, sizeof pr->col_title,
      "%s − fit: the changes of `%s` against its base `%s` (%s) applied to the fit of each "
      "point, minus that fit, both run to %s; time averages of ties R (0–1) and of GDP "
      "growth (percentage points a year).%s",
      name, file, base_file, d->n > 0 ? items : "none", y, failed);
  rs_snprintf_fits(pr->col_axis, sizeof pr->col_axis, "ΔR [0–1], Δ growth [pp/yr]");
  rs_snprintf_fits(pr->col_source, sizeof pr->col_source, "%s − fit", name);
}

rs_status rs_compare_profile_thesis(rs_calib_profile *pr, int nprof, const char *scenario_file,
                                    double to, int threads, rs_error *err) {
  if (nprof < 0 || (nprof > 0 && !pr) || !scenario_file)
    return rs_fail(err, RS_ERR_INPUT, "thesis: missing profiles or scenario file");
  if (!(to >= 2002.0 && to <= 2200.0))
    return rs_fail(err, RS_ERR_INPUT,
                   "thesis: runs to %g: the later period starts in 2001, so the final year must "
                   "be 2002 to 2200",
                   to);
  rs_delta *d = malloc(sizeof *d);
  if (!d) return rs_fail(err, RS_ERR_NOMEM, "thesis: out of memory");
  char base_file[RS_PATH_MAX];
  rs_status st = rs_compare_scenario_delta(scenario_file, d, base_file, sizeof base_file, err);
  /* Every point of every profile is one task, stored by its index. */
  int ntask = 0;
  for (int i = 0; i < nprof; i++) ntask += pr[i].n;
  int *tp = malloc(sizeof(int) * 2 * ((size_t)ntask + 1));
  for (int i = 0; st == RS_OK && i < nprof; i++) {
    free(pr[i].col);
    pr[i].ncol = 0;
    pr[i].col = malloc(sizeof(double) * NCOL * ((size_t)pr[i].n + 1));
    if (!pr[i].col) st = rs_fail(err, RS_ERR_NOMEM, "thesis: out of memory");
  }
  if (st == RS_OK && !tp) st = rs_fail(err, RS_ERR_NOMEM, "thesis: out of memory");
  if (st != RS_OK) {
    free(tp);
    free(d);
    return st;
  }
  for (int i = 0, t = 0; i < nprof; i++)
    for (int k = 0; k < pr[i].n; k++, t++) tp[2 * t] = i, tp[2 * t + 1] = k;
  int nomem = 0;
  int nthreads = rs_threads(threads, 0);
#pragma omp parallel num_threads(nthreads)
  {
    rs_error e;
    rs_sim *sim = rs_sim_alloc(&e);
    rs_solver_options ens = rs_solver_ensemble_options(); /* a member run of the ensemble */
    if (sim) rs_sim_set_method(sim, &ens);
    rs_series a, b;
    rs_series_init(&a);
    rs_series_init(&b);
#pragma omp for schedule(dynamic, 1)
    for (int t = 0; t < ntask; t++) {
      rs_calib_profile *p = &pr[tp[2 * t]];
      int k = tp[2 * t + 1];
      double *out = p->col + (size_t)k * NCOL;
      for (int c = 0; c < NCOL; c++) out[c] = (double)NAN;
      if (!sim) {
#pragma omp atomic write
        nomem = 1;
        continue;
      }
      if (isfinite(p->cost[k])) point_thesis(sim, &a, &b, &p->fitted[k], d, to, out);
    }
    rs_series_free(&a);
    rs_series_free(&b);
    rs_sim_free(sim);
  }
  if (nomem) st = rs_fail(err, RS_ERR_NOMEM, "thesis: out of memory (a run workspace)");
  for (int i = 0; st == RS_OK && i < nprof; i++) {
    int nfailed = 0;
    for (int k = 0; k < pr[i].n; k++)
      nfailed += isfinite(pr[i].cost[k]) && isnan(pr[i].col[(size_t)k * NCOL + C_R_LATE]);
    describe_columns(&pr[i], scenario_file, base_file, d, to, nfailed);
  }
  if (st != RS_OK)
    for (int i = 0; i < nprof; i++) {
      free(pr[i].col);
      pr[i].col = NULL;
      pr[i].ncol = 0;
    }
  free(tp);
  free(d);
  return st;
}
