/* tests/test_calib_report.c -- the calibration report (calib/report.c): what
 * rs_calib_write_report writes from a calibration result built by hand.
 * The fixture is a result for three free parameters (two scalars and an event magnitude) over
 * tests/data/calib/base.cfg, with twelve targets written here as rs_target structs (every kind,
 * a data series among them; one not modelled; quotes with commas and quotes), the real run at the
 * estimate (rs_sim_run), model values and residuals computed from that run, and plausible
 * covariance, collinearity and tension numbers. Each test writes into its own directory under
 * $RELSIM_TEST_TMP. */
#define _XOPEN_SOURCE 700 /* realpath, setenv */

#include "check.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calib.h"
#include "sim.h"

#define BASE_FILE "tests/data/calib/base.cfg"
#define NT 12 /* targets */
#define NP 3  /* free parameters */

/* ---------------------------------------------------------------- fixtures */

typedef struct fixture {
  rs_params base;
  rs_targets ts;
  rs_free_set fs;
  rs_calib_result res;
} fixture;

/* Indicator ind of s at year (linear interpolation). */
static double at(const rs_series *s, int ind, double year) {
  for (int i = 1; i < s->nrows; i++)
    if (year <= s->year[i]) {
      double w = (year - s->year[i - 1]) / (s->year[i] - s->year[i - 1]);
      return (1 - w) * rs_series_at(s, i - 1, ind) + w * rs_series_at(s, i, ind);
    }
  return rs_series_at(s, s->nrows - 1, ind);
}

/* Mean (or max) of ind over the output rows in [y0, y1]. */
static double over(const rs_series *s, int ind, double y0, double y1, int max) {
  double acc = max ? -1e300 : 0.0;
  int n = 0;
  for (int i = 0; i < s->nrows; i++) {
    if (s->year[i] < y0 || s->year[i] > y1) continue;
    double v = rs_series_at(s, i, ind);
    acc = max ? fmax(acc, v) : acc + v;
    n++;
  }
  return max ? acc : acc / n;
}

static rs_target *add_target(rs_targets *ts, const char *id, int kind, const char *ind, double year,
                             double year2, double value, double scale, const char *section,
                             const char *quote, const char *paper) {
  rs_target *t = &ts->t[ts->n++];
  memset(t, 0, sizeof *t);
  snprintf(t->id, sizeof t->id, "%s", id);
  t->modelled = 1;
  t->kind = kind;
  t->indicator = ind ? rs_indicator_find(ind) : -1;
  t->other = -1;
  t->year = year;
  t->year2 = year2;
  t->value = value;
  t->lower = t->upper = (double)NAN;
  t->scale = scale;
  t->scale_gap = (double)NAN;
  t->weight = 1.0;
  snprintf(t->section, sizeof t->section, "%s", section);
  snprintf(t->quote, sizeof t->quote, "%s", quote);
  snprintf(t->paper_value, sizeof t->paper_value, "%s", paper);
  t->line = ts->n;
  return t;
}

/* The model value and residual of target t on the run s (the formulas of targets.h). */
static void evaluate(const rs_target *t, const rs_series *s, double *model, double *resid) {
  double m = (double)NAN;
  switch (t->kind) {
    case RS_TK_POINT:
      m = at(s, t->indicator, t->year);
      break;
    case RS_TK_MEAN:
    case RS_TK_MEAN_GROWTH:
      m = over(s, t->indicator, t->year, t->year2, 0);
      break;
    case RS_TK_MAX_IN:
      m = over(s, t->indicator, t->year, t->year2, 1);
      break;
    case RS_TK_RATIO:
      m = at(s, t->indicator, t->year2) / at(s, t->indicator, t->year);
      break;
    case RS_TK_ORDER:
      m = at(s, t->indicator, t->year) - at(s, t->other, t->year2);
      break;
    case RS_TK_CROSSING:
      m = 1992.4;
      break;
    case RS_TK_SERIES: {
      double ss = 0.0;
      for (int p = 0; p < t->npoints; p++) {
        double r = (at(s, t->indicator, t->sx[p]) - t->sy[p]) / t->ssd[p];
        ss += r * r;
      }
      *model = *resid = sqrt(ss / t->npoints);
      return;
    }
  }
  *model = m;
  if (!isnan(t->value))
    *resid = (m - t->value) / t->scale;
  else if (m > t->upper)
    *resid = (m - t->upper) / t->scale;
  else if (m < t->lower)
    *resid = (m - t->lower) / t->scale;
  else
    *resid = 0.0;
}

/* The whole fixture. Returns 0 if something could not be set up. */
static int fixture_make(fixture *f) {
  memset(f, 0, sizeof *f);
  rs_error err = {{0}};
  if (rs_params_load(BASE_FILE, &f->base, NULL, &err) != RS_OK) {
    fprintf(stderr, "%s\n", err.msg);
    return 0;
  }

  /* the free set: two scalars (one with a prior) and an event magnitude */
  static const char *const names[NP] = {"tfp.lambda", "tfp.gamma", "event.bubble.magnitude"};
  static const double lo[NP] = {0.01, 0.0, 0.0}, hi[NP] = {0.2, 0.05, 5.0};
  rs_free_set *fs = &f->fs;
  fs->n = NP;
  snprintf(fs->file, sizeof fs->file, "tests/data/calib/free.cfg");
  for (int j = 0; j < NP; j++) {
    rs_free_param *p = &fs->p[j];
    if (rs_pref_parse(&f->base, names[j], &p->ref) != 0) return 0;
    snprintf(p->name, sizeof p->name, "%s", names[j]);
    p->lower = lo[j];
    p->upper = hi[j];
    p->line = j + 2;
  }
  fs->p[1].has_prior = 1;
  fs->p[1].prior_mean = 0.02;
  fs->p[1].prior_sd = 0.01;

  /* the estimate: digits that only a round-trip format keeps; gamma at its upper bound */
  rs_calib_result *r = &f->res;
  r->n = NP;
  r->x[0] = 0.052345678901234567;
  r->x[1] = 0.05;
  r->x[2] = 4.0 / 3.0;
  r->fitted = f->base;
  for (int j = 0; j < NP; j++) rs_pref_set(&r->fitted, fs->p[j].ref, r->x[j]);
  rs_series_init(&r->series);
  rs_sim *sim = rs_sim_alloc(&err);
  if (!sim || rs_sim_run(sim, &r->fitted, &r->series, NULL, &err) != RS_OK) {
    fprintf(stderr, "run: %s\n", err.msg);
    rs_sim_free(sim);
    return 0;
  }
  rs_sim_free(sim);

  /* the targets, in file order */
  rs_targets *ts = &f->ts;
  ts->t = calloc(NT, sizeof *ts->t);
  if (!ts->t) return 0;
  /* two files: the paper's figures, and one external data series (the last target) */
  ts->nfiles = 2;
  snprintf(ts->file[0].path, sizeof ts->file[0].path, "tests/data/calib/targets.cfg");
  snprintf(ts->file[1].path, sizeof ts->file[1].path, "tests/data/calib/data.cfg");
  ts->file[0].origin = RS_TO_PAPER;
  ts->file[1].origin = RS_TO_DATA;
  ts->file[0].base_of = ts->file[1].base_of = -1;
  ts->file[0].nentries = NT - 1;
  ts->file[1].nentries = 1;
  add_target(ts, "tfp_rel_1955", RS_TK_POINT, "a", 1955, 1955, 0.61, 0.02, "2",
             "Japan's TFP was \"61 %\" of the US level, in 1955 (Cameron)", "61 %");
  add_target(ts, "tfp_growth_55_73", RS_TK_MEAN_GROWTH, "tfp_growth", 1955, 1973, 0.022, 0.003, "2",
             "manufacturing TFP grew 2.2 % a year, 1955-73", "2.2 %/yr");
  add_target(ts, "inv_share_1973", RS_TK_MAX_IN, "s", 1970, 1975, 0.41, 0.02, "2",
             "investment as much as 41 % of GDP in 1973", "41 %");
  rs_target *t = add_target(ts, "ties_survive", RS_TK_RATIO, "R", 1985, 2000, (double)NAN, 0.05,
                            "intro, 1", "relationalism \"still standing tall\"", "0.9-1.15");
  t->lower = 0.9;
  t->upper = 1.15;
  t = add_target(ts, "crisis_holds", RS_TK_RATIO, "G", 1997, 2000, (double)NAN, 0.05, "4",
                 "the crisis slowed but did not stop regionalization", ">= 0.95");
  t->lower = 0.95;
  t->upper = (double)INFINITY;
  t = add_target(ts, "startup_2000", RS_TK_POINT, "e", 2000, 2000, (double)NAN, 0.005, "6, fig. 3",
                 "\"today\" under 4 %", "3-4 %");
  t->lower = 0.03;
  t->upper = 0.04;
  add_target(ts, "startup_early70s", RS_TK_MEAN, "e", 1970, 1974, 0.07, 0.01, "6, fig. 3",
             "start-up rate 7 % in the early 1970s", "7 %");
  t = add_target(ts, "mpk_mid70s", RS_TK_MEAN, "mpk", 1974, 1977, (double)NAN, 0.05, "2",
                 "under $0.20 in the mid-1970s", "< $0.20");
  t->lower = -(double)INFINITY;
  t->upper = 0.2;
  t = add_target(ts, "startup_below_closure", RS_TK_CROSSING, "e", 1990, 1994, (double)NAN, 1.0,
                 "6, fig. 3", "start-up rate fell below the closure rate", "early 1990s");
  t->other = rs_indicator_find("closure");
  t->lower = 1990;
  t->upper = 1994;
  t->scale_gap = 0.005;
  t = add_target(ts, "firms_declining", RS_TK_ORDER, "F", 2000, 1993, (double)NAN, 0.01, "6",
                 "firms \"in the aggregate, declining in number\"", "declining");
  t->other = t->indicator;
  t->lower = -(double)INFINITY;
  t->upper = 0.0;
  t = add_target(ts, "oda_asia", RS_TK_POINT, NULL, 1990, 1995, (double)NAN, (double)NAN, "3",
                 "ODA to Asia $3.1 bn (1990), $4.2 bn (1995)", "$3.1 bn, $4.2 bn");
  t->modelled = 0;
  t->weight = 0.0;
  snprintf(t->reason, sizeof t->reason, "no aid flows in the model, \"ODA\" is exogenous");
  t = add_target(ts, "rd_gdp_series", RS_TK_SERIES, "rd_total", 1985, 1998, (double)NAN,
                 (double)NAN, "data: made up", "national R&D, share of GDP (made-up series)",
                 "2.8-3.1 %");
  t->origin = RS_TO_DATA;
  t->file = 1;
  snprintf(t->source, sizeof t->source, "this test, made up, no licence needed");
  t->npoints = 4;
  t->sx = malloc(4 * sizeof(double));
  t->sy = malloc(4 * sizeof(double));
  t->ssd = malloc(4 * sizeof(double));
  if (!t->sx || !t->sy || !t->ssd) return 0;
  for (int p = 0; p < 4; p++) {
    t->sx[p] = 1985 + 4.0 * p + (p == 3 ? 1.0 : 0.0);
    t->sy[p] = 0.028 + 0.001 * p;
    t->ssd[p] = 0.002;
  }
  snprintf(t->series_file, sizeof t->series_file, "tests/data/calib/rd_gdp.csv");

  /* per-target results */
  r->ntargets = ts->n;
  r->model = calloc(NT, sizeof(double));
  r->resid = calloc(NT, sizeof(double));
  r->tcost = calloc(NT, sizeof(double));
  r->res_target = calloc(NT + 1, sizeof(int));
  r->res = calloc(NT + 1, sizeof(double));
  r->J = calloc((NT + 1) * NP, sizeof(double));
  r->cov = calloc(NP * NP, sizeof(double));
  r->corr = calloc(NP * NP, sizeof(double));
  r->starts = calloc(4, sizeof *r->starts);
  r->collin = calloc(4, sizeof *r->collin);
  r->tension = calloc(2, sizeof *r->tension);
  if (!r->model || !r->resid || !r->tcost || !r->res_target || !r->res || !r->J || !r->cov ||
      !r->corr || !r->starts || !r->collin || !r->tension)
    return 0;
  r->cost = 0.0;
  int m = 0;
  for (int k = 0; k < ts->n; k++) {
    t = &ts->t[k];
    if (!t->modelled) {
      r->model[k] = r->resid[k] = (double)NAN;
      continue;
    }
    evaluate(t, &r->series, &r->model[k], &r->resid[k]);
    r->tcost[k] = t->weight * r->resid[k] * r->resid[k];
    r->cost += r->tcost[k];
    r->res[m] = sqrt(t->weight) * r->resid[k];
    r->res_target[m] = k;
    for (int j = 0; j < NP; j++) r->J[m * NP + j] = 0.1 * (k + 1) - 0.3 * j;
    m++;
  }
  double prior = (r->x[1] - 0.02) / 0.01; /* the prior of tfp.gamma */
  r->res[m] = prior;
  r->res_target[m] = -1 - 1;
  r->cost += prior * prior;
  r->m = m + 1;

  /* per parameter */
  static const double se[NP] = {0.0041, 0.0123, 0.87};
  static const double corr[NP][NP] = {{1, -0.93, 0.2}, {-0.93, 1, -0.05}, {0.2, -0.05, 1}};
  for (int i = 0; i < NP; i++) {
    r->se[i] = se[i];
    for (int j = 0; j < NP; j++) {
      r->corr[i * NP + j] = corr[i][j];
      r->cov[i * NP + j] = corr[i][j] * se[i] * se[j];
    }
  }
  r->at_bound[1] = 1;
  r->weak[1] = r->weak[2] = 1;
  r->sigma2 = r->cost / (r->m - NP);

  /* identifiability and tension */
  r->collin_all = 23.4;
  r->ncollin = 4;
  r->collin[0] = (rs_calib_collin){0x3u, 2, 18.2};
  r->collin[1] = (rs_calib_collin){0x5u, 2, 4.1};
  r->collin[2] = (rs_calib_collin){0x6u, 2, 2.5};
  r->collin[3] = (rs_calib_collin){0x7u, 3, 23.4};
  r->ntension = 2;
  r->tension[0] = (rs_calib_tension){0, 1, -0.93};
  r->tension[1] = (rs_calib_tension){5, 6, -0.41};

  /* starts: start 2 is the best */
  r->nstarts = 4;
  static const double extra[4] = {31.5, 0.25, 0.0, 1e-3}; /* start 3 is within 1 % */
  for (int i = 0; i < 4; i++) {
    rs_calib_start *s = &r->starts[i];
    for (int j = 0; j < NP; j++) {
      s->x0[j] = fs->p[j].lower + (i + 0.5) / 4.0 * (fs->p[j].upper - fs->p[j].lower);
      s->x[j] = r->x[j];
    }
    s->cost = r->cost * (1.0 + extra[i]);
    s->iterations = 10 + 7 * i;
    s->status = i == 0 ? 1 : 0;
    s->runs = 40 + 20 * i;
    r->runs += s->runs;
  }
  r->best = 2;
  return 1;
}

static void fixture_free(fixture *f) {
  rs_calib_result *r = &f->res;
  free(r->model);
  free(r->resid);
  free(r->tcost);
  free(r->res_target);
  free(r->res);
  free(r->J);
  free(r->cov);
  free(r->corr);
  free(r->starts);
  free(r->collin);
  free(r->tension);
  rs_series_free(&r->series);
  for (int k = 0; k < f->ts.n; k++) {
    free(f->ts.t[k].sx);
    free(f->ts.t[k].sy);
    free(f->ts.t[k].ssd);
  }
  free(f->ts.t);
  memset(f, 0, sizeof *f);
}

/* ---------------------------------------------------------------- helpers */

/* A fresh, empty directory $RELSIM_TEST_TMP/calib_report/<name> (files and plots/ emptied). */
static void fresh_dir(const char *name, char *dir, size_t n) {
  const char *root = getenv("RELSIM_TEST_TMP");
  snprintf(dir, n, "%s/calib_report/%s", root && root[0] ? root : "/tmp", name);
  CHECK(rs_mkdir_p(dir, NULL) == RS_OK);
  for (int pass = 0; pass < 2; pass++) {
    char sub[4300];
    snprintf(sub, sizeof sub, pass ? "%s" : "%s/plots", dir);
    DIR *d = opendir(sub);
    if (!d) continue;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
      if (de->d_name[0] == '.') continue;
      char f[4600];
      snprintf(f, sizeof f, "%s/%s", sub, de->d_name);
      if (unlink(f) != 0) rmdir(f);
    }
    closedir(d);
  }
}

/* Whole file into a NUL-terminated malloc'd string (NULL if unreadable); *len its size. */
static char *slurp(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *s = malloc((size_t)(n > 0 ? n : 0) + 1);
  size_t got = s ? fread(s, 1, (size_t)(n > 0 ? n : 0), fp) : 0;
  fclose(fp);
  if (!s) return NULL;
  s[got] = '\0';
  if (len) *len = got;
  return s;
}

static char *read_in(const char *dir, const char *name, size_t *len) {
  char path[8800];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return slurp(path, len);
}

static int exists_in(const char *dir, const char *name) {
  char path[8800];
  struct stat sb;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
}

/* Number of entries of dir (not . and ..) whose name ends in suffix ("" for all). */
static int count_entries(const char *dir, const char *suffix) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  int n = 0;
  struct dirent *de;
  size_t sl = strlen(suffix);
  while ((de = readdir(d)) != NULL) {
    size_t l = strlen(de->d_name);
    if (de->d_name[0] == '.') continue;
    if (l >= sl && strcmp(de->d_name + l - sl, suffix) == 0) n++;
  }
  closedir(d);
  return n;
}

static rs_status write_report(const fixture *f, const char *dir, int partial,
                              rs_plots_report *plots) {
  rs_error err = {{0}};
  rs_status st =
      rs_calib_write_report(dir, BASE_FILE, &f->base, &f->ts, &f->fs, &f->res, NULL, 0, partial,
                            "relsim calibrate --targets tests/data/calib/targets.cfg", plots, &err);
  if (st != RS_OK) fprintf(stderr, "rs_calib_write_report: %s\n", err.msg);
  return st;
}

/* Split one CSV record (RFC 4180) starting at *p into fields (unquoted, into buf); advances *p
 * past the record. Returns the number of fields. */
static int csv_record(const char **p, char fields[][400], int max) {
  int n = 0;
  const char *s = *p;
  for (;;) {
    char *out = fields[n < max ? n : max - 1];
    size_t len = 0;
    if (*s == '"') {
      s++;
      for (; *s; s++) {
        if (*s == '"' && s[1] == '"') {
          if (len < 399) out[len++] = '"';
          s++;
        } else if (*s == '"') {
          s++;
          break;
        } else if (len < 399) {
          out[len++] = *s;
        }
      }
    } else {
      for (; *s && *s != ',' && *s != '\n'; s++)
        if (len < 399) out[len++] = *s;
    }
    out[len] = '\0';
    n++;
    if (*s == ',') {
      s++;
      continue;
    }
    if (*s == '\n') s++;
    break;
  }
  *p = s;
  return n;
}

/* ---------------------------------------------------------------- tests */

static void report_should_write_every_file(void) {
  fixture f;
  CHECK(fixture_make(&f));
  char dir[4200];
  fresh_dir("all", dir, sizeof dir);
  rs_plots_report plots;
  CHECK(write_report(&f, dir, 0, &plots) == RS_OK);
  static const char *const files[] = {"calibrated.cfg",
                                      "fit.csv",
                                      "fit.md",
                                      "parameters.csv",
                                      "series.csv",
                                      "plots/fit_a.gp",
                                      "plots/fit_e.gp",
                                      "plots/fit_R_relational.gp",
                                      "plots/fit_G.gp",
                                      "plots/fit_F.gp",
                                      "plots/fit_s.gp",
                                      "plots/fit_tfp_growth.gp",
                                      "plots/fit_mpk.gp",
                                      "plots/fit_rd_total.gp",
                                      "plots/residuals.gp",
                                      "plots/correlation.gp"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    if (!exists_in(dir, files[i])) fprintf(stderr, "missing %s/%s\n", dir, files[i]);
    CHECK(exists_in(dir, files[i]));
  }
  CHECK(!exists_in(dir, "calibrated.partial.cfg"));
  CHECK(plots.nscripts == 11); /* 9 indicators, residuals, correlation */
  /* the plot of e draws the closure rate too (the crossing) and the ranges */
  char *gp = read_in(dir, "plots/fit_e.gp", NULL);
  CHECK_STR_CONTAINS(gp, "column(\"closure\")");
  CHECK_STR_CONTAINS(gp, "startup_below_closure");
  CHECK_STR_CONTAINS(gp, "set object 1 rectangle from 1990, graph 0 to 1994, graph 1");
  CHECK_STR_CONTAINS(gp, "$range << EOD");
  CHECK_STR_CONTAINS(gp, "data = \"../series.csv\"");
  free(gp);
  /* the legend and title say "the paper's" of the paper's figures only: a data target is
   * tagged and keyed as data */
  gp = read_in(dir, "plots/fit_a.gp", NULL);
  CHECK_STR_CONTAINS(gp, "model at the estimate and the paper's figures");
  CHECK_STR_CONTAINS(gp, "title \"paper's figure +- scale\"");
  free(gp);
  gp = read_in(dir, "plots/fit_rd_total.gp", NULL);
  CHECK_STR_CONTAINS(gp, "model at the estimate and data\"");
  CHECK_STR_CONTAINS(gp, "title \"data +- sd\"");
  CHECK_STR_CONTAINS(gp, "\"rd_gdp_series [data]");
  CHECK(strstr(gp ? gp : "", "paper's") == NULL);
  free(gp);
  gp = read_in(dir, "plots/residuals.gp", NULL);
  CHECK_STR_CONTAINS(gp, "\"rd_gdp_series [data]\" 10");
  CHECK_STR_CONTAINS(gp, "\"tfp_rel_1955\" 0");
  CHECK_STR_CONTAINS(gp, "(model - target) / scale");
  free(gp);
  /* no temporary files left */
  char plotdir[4300];
  snprintf(plotdir, sizeof plotdir, "%s/plots", dir);
  for (int pass = 0; pass < 2; pass++) {
    DIR *d = opendir(pass ? dir : plotdir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) CHECK(strstr(de->d_name, ".tmp.") == NULL);
    if (d) closedir(d);
  }
  fixture_free(&f);
}

static void calibrated_cfg_should_load_back_to_the_estimate_bit_for_bit(void) {
  fixture f;
  CHECK(fixture_make(&f));
  char dir[4200], path[4400];
  fresh_dir("load", dir, sizeof dir);
  CHECK(write_report(&f, dir, 0, NULL) == RS_OK);
  snprintf(path, sizeof path, "%s/calibrated.cfg", dir);
  rs_params back;
  rs_provenance prov;
  rs_error err = {{0}};
  rs_status st = rs_params_load(path, &back, &prov, &err);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  CHECK(st == RS_OK);
  for (int j = 0; j < NP; j++) {
    double got = rs_pref_get(&back, f.fs.p[j].ref);
    CHECK(memcmp(&got, &f.res.x[j], sizeof got) == 0);
  }
  /* everything else as in the base: the whole set equals res->fitted */
  CHECK(memcmp(back.v, f.res.fitted.v, sizeof back.v) == 0);
  CHECK(back.nevents == f.res.fitted.nevents);
  CHECK(back.events[rs_params_find_event(&back, "bubble")].magnitude == 4.0 / 3.0);
  /* the chain: baseline.cfg, base.cfg, calibrated.cfg */
  CHECK(st != RS_OK || prov.nfiles == 3);

  /* the base line names the base file relative to dir */
  char *cfg = read_in(dir, "calibrated.cfg", NULL);
  CHECK(cfg != NULL);
  const char *b = cfg ? strstr(cfg, "\nbase = \"") : NULL;
  CHECK(b != NULL);
  if (b) {
    char ref[4096], joined[8600], r1[PATH_MAX], r2[PATH_MAX];
    b += strlen("\nbase = \"");
    snprintf(ref, sizeof ref, "%.*s", (int)strcspn(b, "\""), b);
    CHECK(ref[0] != '/');
    CHECK_STR_CONTAINS(ref, "tests/data/calib/base.cfg");
    snprintf(joined, sizeof joined, "%s/%s", dir, ref);
    CHECK(realpath(joined, r1) != NULL);
    CHECK(realpath(BASE_FILE, r2) != NULL);
    CHECK(strcmp(r1, r2) == 0);
  }
  /* the comment of a fitted scalar: standard error, bounds and flags */
  CHECK_STR_CONTAINS(cfg, "fitted; SE 0.0041 (bounds 0.01 to 0.2)");
  CHECK_STR_CONTAINS(cfg, "fitted; SE 0.0123 (bounds 0 to 0.05); AT BOUND; weakly identified");
  /* the header: files, cost, every estimate (the event magnitude too) */
  CHECK_STR_CONTAINS(cfg, "# command:  relsim calibrate --targets tests/data/calib/targets.cfg");
  CHECK_STR_CONTAINS(cfg, "# free:     tests/data/calib/free.cfg: 3 parameters");
  /* every target file, with its origin */
  CHECK_STR_CONTAINS(cfg, "# targets:  12 figures, 11 modelled, ");
  CHECK_STR_CONTAINS(
      cfg, "#             tests/data/calib/targets.cfg (paper): 11 figures, 10 modelled\n");
  CHECK_STR_CONTAINS(cfg, "#             tests/data/calib/data.cfg (data): 1 figure, 1 modelled\n");
  CHECK_STR_CONTAINS(cfg, "figures of Hatch (2001) and external data)");
  char cost[64];
  snprintf(cost, sizeof cost, "# cost:     %.6g", f.res.cost);
  CHECK_STR_CONTAINS(cfg, cost);
  CHECK_STR_CONTAINS(cfg, "event.bubble.magnitude");
  CHECK(strstr(cfg ? cfg : "", "INTERRUPTED") == NULL);
  free(cfg);
  fixture_free(&f);
}

static void fit_csv_should_have_one_row_per_target_with_quotes_escaped(void) {
  fixture f;
  CHECK(fixture_make(&f));
  char dir[4200];
  fresh_dir("csv", dir, sizeof dir);
  CHECK(write_report(&f, dir, 0, NULL) == RS_OK);
  char *csv = read_in(dir, "fit.csv", NULL);
  CHECK(csv != NULL);
  if (!csv) return;
  static char fields[24][400];
  const char *p = csv;
  int nf = csv_record(&p, fields, 24);
  CHECK(nf == 21);
  CHECK(strcmp(fields[0], "id") == 0 && strcmp(fields[16], "quote") == 0);
  /* where each target comes from, after the columns of earlier reports; the figure as stated
   * is not called the paper's, since a data target has one too */
  CHECK(strcmp(fields[8], "stated_value") == 0);
  CHECK(strcmp(fields[18], "origin") == 0 && strcmp(fields[19], "file") == 0);
  CHECK(strcmp(fields[20], "source") == 0);
  int rows = 0;
  while (*p) {
    nf = csv_record(&p, fields, 24);
    CHECK(nf == 21);
    CHECK(strcmp(fields[18], rows == 11 ? "data" : "paper") == 0);
    CHECK(strcmp(fields[19],
                 rows == 11 ? "tests/data/calib/data.cfg" : "tests/data/calib/targets.cfg") == 0);
    CHECK(strcmp(fields[20], rows == 11 ? "this test, made up, no licence needed" : "") == 0);
    CHECK(rows < NT && strcmp(fields[0], f.ts.t[rows].id) == 0);
    if (rows == 0) {
      CHECK(strcmp(fields[1], "yes") == 0 && strcmp(fields[2], "point") == 0);
      CHECK(strcmp(fields[3], "a") == 0 && strcmp(fields[5], "1955") == 0);
      CHECK(strcmp(fields[7], "0.61") == 0);
      CHECK(strcmp(fields[16], f.ts.t[0].quote) == 0); /* commas and quotes survive */
      char want[32];
      snprintf(want, sizeof want, "%.6g", f.res.resid[0]);
      CHECK(strcmp(fields[11], want) == 0);
      CHECK(strcmp(fields[14], fabs(f.res.resid[0]) <= 1 ? "yes" : "no") == 0);
    }
    if (rows == 3) CHECK(strcmp(fields[7], "0.9..1.15") == 0);
    if (rows == 4) CHECK(strcmp(fields[7], "0.95..inf") == 0);
    if (rows == 8) CHECK(strcmp(fields[4], "closure") == 0 && strcmp(fields[7], "1990..1994") == 0);
    if (rows == 9) CHECK(strcmp(fields[7], "-inf..0") == 0);
    if (rows == 11) { /* a data series: no single target value; model and residual the RMS */
      CHECK(strcmp(fields[2], "series") == 0 && strcmp(fields[7], "") == 0);
      CHECK(strcmp(fields[10], fields[11]) == 0 && strtod(fields[11], NULL) > 0.0);
    }
    if (rows == 10) {
      CHECK(strcmp(fields[1], "no") == 0 && strcmp(fields[14], "-") == 0);
      CHECK(strcmp(fields[10], "") == 0 && strcmp(fields[2], "") == 0);
      CHECK(strcmp(fields[17], f.ts.t[10].reason) == 0);
      CHECK(strcmp(fields[8], "$3.1 bn, $4.2 bn") == 0);
    }
    rows++;
  }
  CHECK(rows == NT);
  /* the raw text: RFC 4180 quoting */
  CHECK_STR_CONTAINS(csv, "\"Japan's TFP was \"\"61 %\"\" of the US level, in 1955 (Cameron)\"");
  CHECK_STR_CONTAINS(csv, "\"no aid flows in the model, \"\"ODA\"\" is exogenous\"");
  /* cost shares add up to the cost of the targets (the prior takes the rest) */
  double sum = 0.0, prior = (f.res.x[1] - 0.02) / 0.01;
  p = strchr(csv, '\n') + 1;
  while (*p) {
    csv_record(&p, fields, 24);
    if (fields[13][0]) sum += strtod(fields[13], NULL);
  }
  CHECK_REL(sum, 1.0 - prior * prior / f.res.cost, 1e-4);
  free(csv);
  fixture_free(&f);
}

static void fit_md_should_tell_the_summary_tensions_and_collinear_subsets(void) {
  fixture f;
  CHECK(fixture_make(&f));
  char dir[4200];
  fresh_dir("md", dir, sizeof dir);
  CHECK(write_report(&f, dir, 0, NULL) == RS_OK);
  char *md = read_in(dir, "fit.md", NULL);
  CHECK(md != NULL);
  char want[256];
  snprintf(want, sizeof want, "| cost (sum of weight x scaled residual², priors included) | %.6g |",
           f.res.cost);
  CHECK_STR_CONTAINS(md, want);
  int nwithin = 0;
  for (int k = 0; k < NT; k++) nwithin += f.ts.t[k].modelled && fabs(f.res.resid[k]) <= 1.0;
  snprintf(want, sizeof want, "| modelled targets within scale (\\|r\\| <= 1) | %d of 11 |",
           nwithin);
  CHECK_STR_CONTAINS(md, want);
  CHECK_STR_CONTAINS(md, "| starts | 4 |");
  CHECK_STR_CONTAINS(md, "| best start | 3 (cost"); /* counted from 1, as the command line does */
  CHECK_STR_CONTAINS(md, "| model runs | 280 |");
  CHECK_STR_CONTAINS(md, "| status | complete |");
  CHECK_STR_CONTAINS(md, "| free parameters | 3 (1 at a bound, 2 weakly identified) |");
  /* the tension pair with its reading */
  CHECK_STR_CONTAINS(md, "| `tfp_rel_1955` |");
  CHECK_STR_CONTAINS(md, "| `tfp_growth_55_73` |");
  CHECK_STR_CONTAINS(md, "| -0.93 |");
  CHECK(strstr(md ? md : "", "cannot both be met by this model") ||
        strstr(md ? md : "", "pull the parameters in opposite directions"));
  /* collinearity: the whole set and the subsets, with parameter names and readings */
  CHECK_STR_CONTAINS(md, "γ = 23.4: poorly identifiable");
  CHECK_STR_CONTAINS(md, "| 2 | 18.2 | tfp.lambda, tfp.gamma | poorly identifiable");
  CHECK_STR_CONTAINS(md, "| 2 | 4.1 | tfp.lambda, event.bubble.magnitude | identifiable |");
  CHECK_STR_CONTAINS(md, "| 3 | 23.4 | tfp.lambda, tfp.gamma, event.bubble.magnitude |");
  /* parameters and correlations */
  CHECK_STR_CONTAINS(md, "| `tfp.gamma` | 0.05 | 0 to 0.05 | 0.0123 |");
  CHECK_STR_CONTAINS(md, "normal(0.02, 0.01)");
  CHECK_STR_CONTAINS(md, "AT BOUND; weakly identified");
  CHECK_STR_CONTAINS(md, "`tfp.lambda` and `tfp.gamma` (-0.93)");
  CHECK_STR_CONTAINS(md, "| `tfp.lambda` | 1.00 | -0.93 | 0.20 |");
  /* the unmodelled figure with its reason, the citations, the starts */
  CHECK_STR_CONTAINS(md, "| `oda_asia` | 1990-1995 | $3.1 bn, $4.2 bn |");
  CHECK_STR_CONTAINS(md, "no aid flows in the model");
  CHECK_STR_CONTAINS(md, "sec. 6, fig. 3: “\"today\" under 4 %”");
  CHECK_STR_CONTAINS(md, "| **3** |");
  CHECK_STR_CONTAINS(md, "| iteration limit |");
  CHECK_STR_CONTAINS(md, "R(2000)/R(1985) in 0.9 to 1.15");
  CHECK_STR_CONTAINS(md, "F(2000) − F(1993) < 0");
  CHECK_STR_CONTAINS(md, "rd_total: 4 data points 1985-1998");
  /* the data target is tagged and cited by its source, never as a section of the paper */
  CHECK_STR_CONTAINS(md, "| `rd_gdp_series` (data) | rd_total: 4 data points");
  CHECK_STR_CONTAINS(md,
                     "| data: made up: “national R&D, share of GDP (made-up series)” "
                     "(source: this test, made up, no licence needed) |");
  CHECK(strstr(md ? md : "", "sec. data:") == NULL);
  CHECK_STR_CONTAINS(md, "| id | compared | target | model |");
  CHECK_STR_CONTAINS(md, "| data targets (not from the paper) | 1 |");
  CHECK_STR_CONTAINS(md,
                     "figures of Hatch (2001) and external data in "
                     "`tests/data/calib/targets.cfg` (paper, 11 figures) and "
                     "`tests/data/calib/data.cfg` (data, 1 figure).");
  CHECK_STR_CONTAINS(md, "| 1992.4 |");
  CHECK_STR_CONTAINS(md, "Only 2 of the 4 starts ended within 1 % of the best cost");
  snprintf(want, sizeof want, "| of which the priors of 1 parameter | %.6g |",
           (f.res.x[1] - 0.02) / 0.01 * ((f.res.x[1] - 0.02) / 0.01));
  CHECK_STR_CONTAINS(md, want);
  free(md);

  /* parameters.csv: the estimate to the last bit, flags */
  char *pc = read_in(dir, "parameters.csv", NULL);
  CHECK(pc != NULL);
  CHECK_STR_CONTAINS(pc,
                     "name,units,estimate,lower,upper,se,base,prior_mean,prior_sd,at_bound,weak\n");
  const char *row = pc ? strstr(pc, "\ntfp.lambda,") : NULL;
  CHECK(row != NULL);
  if (row) {
    static char fields[24][400];
    row++;
    CHECK(csv_record(&row, fields, 24) == 11);
    CHECK(strtod(fields[2], NULL) == f.res.x[0]);
    CHECK(strcmp(fields[3], "0.01") == 0 && strcmp(fields[4], "0.2") == 0);
    CHECK(strcmp(fields[5], "0.0041") == 0 && strcmp(fields[6], "0.05") == 0);
    CHECK(strcmp(fields[7], "") == 0 && strcmp(fields[9], "no") == 0);
  }
  CHECK_STR_CONTAINS(pc, "tfp.gamma,1/yr,0.05,0,0.05,0.0123,0.02,0.02,0.01,yes,yes\n");
  free(pc);
  fixture_free(&f);
}

static void a_base_in_another_tree_should_be_named_by_its_absolute_path(void) {
  fixture f;
  CHECK(fixture_make(&f));
  char tmpl[] = "/tmp/relsim_calib_report_XXXXXX", path[256], real_base[PATH_MAX],
       real_dir[PATH_MAX];
  char *dir = mkdtemp(tmpl);
  CHECK(dir != NULL);
  if (!dir) return;
  CHECK(write_report(&f, dir, 1, NULL) == RS_OK);
  snprintf(path, sizeof path, "%s/calibrated.partial.cfg", dir);
  rs_params back;
  rs_error err = {{0}};
  CHECK(rs_params_load(path, &back, NULL, &err) == RS_OK);
  CHECK(rs_pref_get(&back, f.fs.p[0].ref) == f.res.x[0]);
  /* absolute when the two real paths share nothing but the root */
  char *cfg = slurp(path, NULL);
  CHECK(realpath(BASE_FILE, real_base) && realpath(dir, real_dir));
  size_t k = strcspn(real_base + 1, "/");
  if (strncmp(real_base, real_dir, k + 1) != 0 || real_dir[k + 1] != '/') {
    char want[PATH_MAX + 16];
    snprintf(want, sizeof want, "base = \"%s\";", real_base);
    CHECK_STR_CONTAINS(cfg, want);
  }
  free(cfg);
  unlink(path);
  CHECK(rmdir(dir) == 0);
  fixture_free(&f);
}

static void partial_should_write_only_calibrated_partial_cfg(void) {
  fixture f;
  CHECK(fixture_make(&f));
  f.res.interrupted = 1;
  char dir[4200], path[4400];
  fresh_dir("partial", dir, sizeof dir);
  CHECK(write_report(&f, dir, 1, NULL) == RS_OK);
  CHECK(count_entries(dir, "") == 1);
  CHECK(exists_in(dir, "calibrated.partial.cfg"));
  char *cfg = read_in(dir, "calibrated.partial.cfg", NULL);
  CHECK_STR_CONTAINS(cfg, "INTERRUPTED");
  CHECK_STR_CONTAINS(cfg, "best point so far");
  free(cfg);
  snprintf(path, sizeof path, "%s/calibrated.partial.cfg", dir);
  rs_params back;
  rs_error err = {{0}};
  CHECK(rs_params_load(path, &back, NULL, &err) == RS_OK);
  for (int j = 0; j < NP; j++) CHECK(rs_pref_get(&back, f.fs.p[j].ref) == f.res.x[j]);
  fixture_free(&f);
}

static void images_should_be_png_and_pdf_when_gnuplot_runs(void) {
  unsetenv("RELSIM_GNUPLOT");
  fixture f;
  CHECK(fixture_make(&f));
  char dir[4200], plotdir[4300];
  fresh_dir("images", dir, sizeof dir);
  rs_plots_report plots;
  CHECK(write_report(&f, dir, 0, &plots) == RS_OK);
  if (!plots.gnuplot[0]) {
    printf("note: gnuplot not found on PATH: image checks skipped (%s)\n", plots.why_not);
    fixture_free(&f);
    return;
  }
  if (!plots.rendered) fprintf(stderr, "gnuplot: %s\n", plots.why_not);
  CHECK(plots.rendered == 1);
  CHECK(plots.nimages == 2 * plots.nscripts);
  snprintf(plotdir, sizeof plotdir, "%s/plots", dir);
  CHECK(count_entries(plotdir, ".png") == plots.nscripts);
  CHECK(count_entries(plotdir, ".pdf") == plots.nscripts);
  static const char *const names[] = {"fit_a", "fit_e", "residuals", "correlation"};
  for (int i = 0; i < 4; i++) {
    char name[64];
    size_t len = 0;
    snprintf(name, sizeof name, "plots/%s.png", names[i]);
    char *png = read_in(dir, name, &len);
    CHECK(png && len > 1000 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
    free(png);
    snprintf(name, sizeof name, "plots/%s.pdf", names[i]);
    char *pdf = read_in(dir, name, &len);
    CHECK(pdf && len > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
    free(pdf);
  }
  char *md = read_in(dir, "fit.md", NULL);
  CHECK_STR_CONTAINS(md, "![scaled residuals of the modelled targets](plots/residuals.png)");
  free(md);
  fixture_free(&f);
}

static void without_gnuplot_every_file_but_the_images_should_be_written(void) {
  setenv("RELSIM_GNUPLOT", "/nonexistent", 1);
  fixture f;
  CHECK(fixture_make(&f));
  char dir[4200], plotdir[4300];
  fresh_dir("nognuplot", dir, sizeof dir);
  /* an image of an earlier report must not survive beside this report's numbers */
  char stale[4400];
  snprintf(stale, sizeof stale, "%s/plots", dir);
  CHECK(rs_mkdir_p(stale, NULL) == RS_OK);
  snprintf(stale, sizeof stale, "%s/plots/residuals.png", dir);
  CHECK(rs_write_file(stale, "old image", NULL) == RS_OK);
  rs_plots_report plots;
  CHECK(write_report(&f, dir, 0, &plots) == RS_OK);
  snprintf(plotdir, sizeof plotdir, "%s/plots", dir);
  CHECK(count_entries(plotdir, ".png") == 0);
  CHECK(count_entries(plotdir, ".pdf") == 0);
  CHECK(count_entries(plotdir, ".gp") == 11);
  CHECK(plots.rendered == 0 && plots.nimages == 0 && plots.gnuplot[0] == '\0');
  CHECK_STR_CONTAINS(plots.why_not, "gnuplot not found");
  CHECK(exists_in(dir, "fit.md") && exists_in(dir, "fit.csv") && exists_in(dir, "calibrated.cfg"));
  char *md = read_in(dir, "fit.md", NULL);
  CHECK_STR_CONTAINS(md, "there are no images: gnuplot not found");
  free(md);
  unsetenv("RELSIM_GNUPLOT");
  fixture_free(&f);
}

static void two_writes_should_be_byte_identical(void) {
  setenv("RELSIM_GNUPLOT", "/nonexistent", 1); /* the images hold dates; the rest must not */
  fixture f;
  CHECK(fixture_make(&f));
  static const char *const files[] = {"calibrated.cfg",
                                      "fit.csv",
                                      "fit.md",
                                      "parameters.csv",
                                      "series.csv",
                                      "plots/fit_a.gp",
                                      "plots/fit_e.gp",
                                      "plots/fit_R_relational.gp",
                                      "plots/residuals.gp",
                                      "plots/correlation.gp"};
  enum { NF = sizeof files / sizeof files[0] };
  char dir[2][4200];
  fresh_dir("same_a", dir[0], sizeof dir[0]);
  fresh_dir("same_b", dir[1], sizeof dir[1]);
  char *first[NF];
  size_t flen[NF];
  CHECK(write_report(&f, dir[0], 0, NULL) == RS_OK);
  for (int i = 0; i < NF; i++) first[i] = read_in(dir[0], files[i], &flen[i]);
  /* again into the same directory, and into a sibling */
  CHECK(write_report(&f, dir[0], 0, NULL) == RS_OK);
  CHECK(write_report(&f, dir[1], 0, NULL) == RS_OK);
  for (int d = 0; d < 2; d++)
    for (int i = 0; i < NF; i++) {
      size_t len = 0;
      char *again = read_in(dir[d], files[i], &len);
      CHECK(first[i] && again && len == flen[i] && memcmp(first[i], again, len) == 0);
      if (!(first[i] && again && len == flen[i] && memcmp(first[i], again, len) == 0))
        fprintf(stderr, "differs: %s/%s\n", dir[d], files[i]);
      free(again);
    }
  for (int i = 0; i < NF; i++) free(first[i]);
  unsetenv("RELSIM_GNUPLOT");
  fixture_free(&f);
}

static void an_inconsistent_result_should_be_refused(void) {
  fixture f;
  CHECK(fixture_make(&f));
  char dir[4200];
  fresh_dir("bad", dir, sizeof dir);
  rs_error err = {{0}};
  f.res.ntargets = NT - 1;
  CHECK(rs_calib_write_report(dir, BASE_FILE, &f.base, &f.ts, &f.fs, &f.res, NULL, 0, 0, NULL, NULL,
                              &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "11 targets, the target set 12");
  CHECK(count_entries(dir, "") == 0);
  f.res.ntargets = NT;
  f.res.n = NP - 1;
  CHECK(rs_calib_write_report(dir, BASE_FILE, &f.base, &f.ts, &f.fs, &f.res, NULL, 0, 0, NULL, NULL,
                              &err) == RS_ERR_INPUT);
  f.res.n = NP;
  fixture_free(&f);
}

/* A profile of tfp.gamma (search bounds 0 to 0.05, estimate 0.05 on the upper bound) made by
 * hand: four points, one a failed re-fit, with two columns of which the second is plotted. */
static void profile_make(const fixture *f, rs_calib_profile *pr) {
  static const double value[] = {0.0, 5e-5, 0.0016, 0.05};
  static const int status[] = {0, 3, 1, 0};
  memset(pr, 0, sizeof *pr);
  snprintf(pr->name, sizeof pr->name, "tfp.gamma");
  pr->param = 1;
  pr->n = 4;
  pr->at = 3;
  pr->best = 3;
  pr->value = calloc(4, sizeof *pr->value);
  pr->cost = calloc(4, sizeof *pr->cost);
  pr->status = calloc(4, sizeof *pr->status);
  pr->fitted = calloc(4, sizeof *pr->fitted);
  pr->col = calloc(8, sizeof *pr->col);
  CHECK(pr->value && pr->cost && pr->status && pr->fitted && pr->col);
  double cost = f->res.cost;
  const double costs[] = {1.5 * cost, (double)INFINITY, 1.05 * cost, cost};
  for (int k = 0; k < 4; k++) {
    pr->value[k] = value[k];
    pr->cost[k] = costs[k];
    pr->status[k] = status[k];
    pr->fitted[k] = f->res.fitted;
    pr->col[2 * k] = k == 1 ? (double)NAN : -0.1 * k;
    pr->col[2 * k + 1] = k == 1 ? (double)NAN : 0.25 * k;
  }
  pr->ncol = 2;
  snprintf(pr->col_name[0], sizeof pr->col_name[0], "dx_early");
  snprintf(pr->col_name[1], sizeof pr->col_name[1], "dx_late");
  snprintf(pr->col_label[0], sizeof pr->col_label[0], "Δx early");
  snprintf(pr->col_label[1], sizeof pr->col_label[1], "Δx late (pp)");
  pr->col_plot[1] = 1;
  snprintf(pr->col_title, sizeof pr->col_title, "what a made-up scenario changes.");
  snprintf(pr->col_axis, sizeof pr->col_axis, "Δx [pp/yr]");
  snprintf(pr->col_source, sizeof pr->col_source, "made_up − fit");
}

/* With a profile the report has a Profiles section (how to read it, a table per parameter with
 * the estimate's row marked, the cost above the lowest profile cost, the re-fit's status and
 * the columns), profiles.csv (one row per point, the estimate flagged) and plots/profiles.gp
 * (log x for a range from 0, the 10 % line, the plotted column on the right axis); a later
 * report without profiles removes them, and a profile of another free set is refused. */
static void profiles_should_give_a_section_a_csv_and_a_figure(void) {
  setenv("RELSIM_GNUPLOT", "/nonexistent", 1); /* the scripts are the point here */
  fixture f;
  CHECK(fixture_make(&f));
  rs_calib_profile pr;
  profile_make(&f, &pr);
  char dir[4200];
  fresh_dir("profiles", dir, sizeof dir);
  rs_error err = {{0}};
  rs_status st = rs_calib_write_report(dir, BASE_FILE, &f.base, &f.ts, &f.fs, &f.res, &pr, 1, 0,
                                       NULL, NULL, &err);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  CHECK(st == RS_OK);
  char *md = read_in(dir, "fit.md", NULL);
  CHECK_STR_CONTAINS(md, "## Profiles\n\nThe profile of a parameter is the lowest cost");
  CHECK_STR_CONTAINS(md, "what a made-up scenario changes.");
  CHECK_STR_CONTAINS(md, "### `tfp.gamma`");
  CHECK_STR_CONTAINS(md, "| `tfp.gamma` | cost | cost − best | re-fit | Δx early | Δx late (pp) |");
  CHECK_STR_CONTAINS(md, "| **0.05** (estimate) |");
  CHECK_STR_CONTAINS(md, "| 5e-05 | n/a | n/a | failed | n/a | n/a |");
  CHECK_STR_CONTAINS(md, "iteration limit");
  /* 0, 0.0016 and the estimate have finite costs; 0 is 50 % above the best */
  CHECK_STR_CONTAINS(md, "Within 10 % of the best cost: 0.0016 to 0.05 (2 of 4 points).");
  CHECK_STR_CONTAINS(md, "Along them Δx late (pp) runs from +0.500 to +0.750.");
  CHECK_STR_CONTAINS(md, "- `profiles.csv`");
  CHECK_STR_CONTAINS(md, "](plots/profiles.png)");
  char *csv = read_in(dir, "profiles.csv", NULL);
  CHECK_STR_CONTAINS(csv, "parameter,value,cost,delta_cost,status,estimate,dx_early,dx_late\n");
  CHECK_STR_CONTAINS(csv, "tfp.gamma,5e-05,,,failed,no,,\n");
  CHECK_STR_CONTAINS(csv, ",0,converged,yes,-0.3,0.75\n");
  int rows = 0;
  for (const char *p = csv ? csv : ""; *p; p++) rows += *p == '\n';
  CHECK(rows == 1 + 4);
  char *gp = read_in(dir, "plots/profiles.gp", NULL);
  CHECK_STR_CONTAINS(gp, "set logscale x");
  CHECK_STR_CONTAINS(gp, "set xtics out nomirror (\"0\" ");
  CHECK_STR_CONTAINS(gp, "plot thr with lines ls 10 title \"+10 % of the best cost\"");
  CHECK_STR_CONTAINS(gp, "axes x1y2 with linespoints ls 5 title \"Δx late (pp)\"");
  CHECK_STR_CONTAINS(gp, "set y2label \"Δx [pp/yr]\"");
  CHECK_STR_CONTAINS(gp, "tfp.gamma [");
  CHECK(strstr(gp ? gp : "", "Δx early") == NULL); /* not plotted */
  free(md);
  free(csv);
  free(gp);
  /* without profiles: no section, and the files of the earlier report are gone */
  CHECK(write_report(&f, dir, 0, NULL) == RS_OK);
  md = read_in(dir, "fit.md", NULL);
  CHECK(strstr(md ? md : "## Profiles", "## Profiles") == NULL);
  CHECK(!exists_in(dir, "profiles.csv") && !exists_in(dir, "plots/profiles.gp"));
  free(md);
  /* a profile that is not of this free set */
  pr.param = 0;
  CHECK(rs_calib_write_report(dir, BASE_FILE, &f.base, &f.ts, &f.fs, &f.res, &pr, 1, 0, NULL, NULL,
                              &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "profile 1 (tfp.gamma)");
  rs_calib_profile_free(&pr);
  unsetenv("RELSIM_GNUPLOT");
  fixture_free(&f);
}

int main(void) {
  RUN(report_should_write_every_file);
  RUN(calibrated_cfg_should_load_back_to_the_estimate_bit_for_bit);
  RUN(fit_csv_should_have_one_row_per_target_with_quotes_escaped);
  RUN(fit_md_should_tell_the_summary_tensions_and_collinear_subsets);
  RUN(partial_should_write_only_calibrated_partial_cfg);
  RUN(a_base_in_another_tree_should_be_named_by_its_absolute_path);
  RUN(images_should_be_png_and_pdf_when_gnuplot_runs);
  RUN(without_gnuplot_every_file_but_the_images_should_be_written);
  RUN(two_writes_should_be_byte_identical);
  RUN(an_inconsistent_result_should_be_refused);
  RUN(profiles_should_give_a_section_a_csv_and_a_figure);
  return CHECK_DONE();
}
