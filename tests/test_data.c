/* tests/test_data.c -- the numbers relsim takes from the world are the numbers of its data files.
 * Every value derived from a published table (the default time tables of the registry, the
 * initial values and capital share taken from the Penn World Table, the targets of
 * params/targets/data.cfg and the series files they read) is recomputed here from the extract
 * it cites (params/data/pwt1001_jpn_usa.csv, params/data/us_rd_gdp.csv), so that neither can
 * change without the other; and every data file opens with its source. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model.h"
#include "targets.h"
#include "util.h"

/* ---------------------------------------------------------------- reading the extracts */

#define MAXROWS 200
#define MAXCOLS 24

/* A CSV file with '#' comment lines, a header line and numeric or text fields. */
typedef struct table {
  int nrows, ncols;
  char head[MAXCOLS][32];
  char text[MAXROWS][MAXCOLS][24]; /* the fields as written */
  int comment_lines;               /* '#' lines before the header */
} table;

static int read_table(const char *path, table *t) {
  memset(t, 0, sizeof *t);
  FILE *fp = fopen(path, "r");
  if (!fp) {
    fprintf(stderr, "  cannot read %s\n", path);
    return 0;
  }
  char line[4096];
  int have_head = 0;
  while (fgets(line, sizeof line, fp)) {
    if (line[0] == '#') {
      t->comment_lines++;
      continue;
    }
    char *f[MAXCOLS];
    int n = rs_csv_split(line, f, MAXCOLS);
    if (n < 1 || n > MAXCOLS) continue;
    if (!have_head) {
      t->ncols = n;
      for (int j = 0; j < n; j++) snprintf(t->head[j], sizeof t->head[j], "%s", f[j]);
      have_head = 1;
    } else if (t->nrows < MAXROWS) {
      for (int j = 0; j < n && j < t->ncols; j++)
        snprintf(t->text[t->nrows][j], sizeof t->text[t->nrows][j], "%s", f[j]);
      t->nrows++;
    }
  }
  fclose(fp);
  return have_head;
}

static int col(const table *t, const char *name) {
  for (int j = 0; j < t->ncols; j++)
    if (strcmp(t->head[j], name) == 0) return j;
  fprintf(stderr, "  no column '%s'\n", name);
  return -1;
}

/* The value of column name in the row whose column key equals keyval and whose year is year
 * (the key NULL: any). NAN when missing. */
static double value_at(const table *t, const char *key, const char *keyval, double year,
                       const char *name) {
  int cy = col(t, "year"), cv = col(t, name), ck = key ? col(t, key) : -1;
  if (cy < 0 || cv < 0) return (double)NAN;
  for (int i = 0; i < t->nrows; i++) {
    double y, v;
    if (ck >= 0 && strcmp(t->text[i][ck], keyval) != 0) continue;
    if (!rs_parse_double(t->text[i][cy], &y) || y != year) continue;
    return rs_parse_double(t->text[i][cv], &v) ? v : (double)NAN;
  }
  return (double)NAN;
}

static double round_to(double x, double unit) {
  return floor(x / unit + 0.5) * unit;
}

static table pwt, usrd;

static double pwt_at(const char *country, double year, const char *name) {
  return value_at(&pwt, "countrycode", country, year, name);
}

/* Average log growth of a PWT quantity over [y1, y2]. */
static double pwt_growth(const char *country, const char *name, double y1, double y2) {
  return (log(pwt_at(country, y2, name)) - log(pwt_at(country, y1, name))) / (y2 - y1);
}

/* ... of emp x hc, the labour input of PWT's TFP. */
static double labour_growth(double y1, double y2) {
  double l1 = pwt_at("JPN", y1, "emp") * pwt_at("JPN", y1, "hc");
  double l2 = pwt_at("JPN", y2, "emp") * pwt_at("JPN", y2, "hc");
  return (log(l2) - log(l1)) / (y2 - y1);
}

/* ---------------------------------------------------------------- the tables */

/* The value a period table holds in the middle of [y1, y2] (a constant piece). */
static double table_mid(const rs_table *tab, double y1, double y2) {
  return rs_table_eval(tab, 0.5 * (y1 + y2));
}

static void the_frontier_and_labour_tables_are_the_penn_world_tables_period_averages(void) {
  rs_params p;
  rs_params_defaults(&p);
  static const double gf[][2] = {{1955, 1973}, {1973, 1980}, {1980, 1990},
                                 {1990, 2000}, {2000, 2010}, {2010, 2019}};
  for (size_t k = 0; k < sizeof gf / sizeof gf[0]; k++) {
    double want = round_to(pwt_growth("USA", "rtfpna", gf[k][0], gf[k][1]), 1e-5);
    double got = table_mid(&p.tables[RS_TAB_GF], gf[k][0], gf[k][1]);
    if (fabs(got - want) > 1e-12)
      fprintf(stderr, "  g_f %g-%g: table %.5f, PWT %.5f\n", gf[k][0], gf[k][1], got, want);
    CHECK(fabs(got - want) <= 1e-12);
  }
  static const double ln[][2] = {{1955, 1960}, {1960, 1970}, {1970, 1980}, {1980, 1990},
                                 {1990, 2000}, {2000, 2010}, {2010, 2019}};
  for (size_t k = 0; k < sizeof ln / sizeof ln[0]; k++) {
    double want = round_to(labour_growth(ln[k][0], ln[k][1]), 1e-5);
    double got = table_mid(&p.tables[RS_TAB_LABOR], ln[k][0], ln[k][1]);
    if (fabs(got - want) > 1e-12)
      fprintf(stderr, "  n %g-%g: table %.5f, PWT %.5f\n", ln[k][0], ln[k][1], got, want);
    CHECK(fabs(got - want) <= 1e-12);
  }
  /* The integral over a whole period is within an eighth of the step at each end. */
  double exact = pwt_growth("USA", "rtfpna", 1955, 1973) * 18.0;
  CHECK(fabs(rs_table_integral(&p.tables[RS_TAB_GF], 1955, 1973) - exact) < 0.002);
}

static void the_frontiers_rd_is_the_national_patterns_series(void) {
  rs_params p;
  rs_params_defaults(&p);
  const rs_table *tab = &p.tables[RS_TAB_RDF];
  CHECK(tab->n >= 10);
  for (int j = 0; j < tab->n; j++) {
    double want = value_at(&usrd, NULL, NULL, tab->t[j], "rd_gdp_total_pct") / 100.0;
    if (fabs(tab->v[j] - want) > 1e-12)
      fprintf(stderr, "  rd_frontier %g: table %g, NCSES %g\n", tab->t[j], tab->v[j], want);
    CHECK(fabs(tab->v[j] - want) <= 1e-12);
  }
}

static void initial_values_and_the_capital_share_come_from_the_penn_world_table(void) {
  rs_params p;
  rs_params_defaults(&p);
  CHECK(p.v[RS_P_INIT_A] == round_to(pwt_at("JPN", 1955, "ctfp"), 0.01));
  double gcf =
      pwt_at("JPN", 1955, "csh_i") * pwt_at("JPN", 1955, "pl_i") / pwt_at("JPN", 1955, "pl_gdpo");
  CHECK_REL(p.v[RS_P_INIT_S], round_to(gcf, 0.001), 1e-12);
  double labsh = 0.0;
  for (int y = 1955; y <= 2000; y++) labsh += pwt_at("JPN", y, "labsh");
  CHECK_REL(p.v[RS_P_ALPHA], round_to(1.0 - labsh / 46.0, 0.01), 1e-12);
}

/* ---------------------------------------------------------------- the target series */

/* Every row of a year,value series equals what the extract gives for its year. */
static void check_series(const char *path, double (*expect)(double year), double unit) {
  table t;
  CHECK(read_table(path, &t));
  CHECK(t.comment_lines >= 3); /* the source is stated */
  CHECK(t.nrows > 0);
  int cy = col(&t, "year"), cv = col(&t, "value");
  for (int i = 0; i < t.nrows && cy >= 0 && cv >= 0; i++) {
    double y = 0.0, v = 0.0;
    CHECK(rs_parse_double(t.text[i][cy], &y) && rs_parse_double(t.text[i][cv], &v));
    double want = round_to(expect(y), unit);
    if (fabs(v - want) > 1e-12) fprintf(stderr, "  %s %g: %.10g, want %.10g\n", path, y, v, want);
    CHECK(fabs(v - want) <= 1e-12);
  }
}

static double gcf_share(double year) {
  return pwt_at("JPN", year, "csh_i") * pwt_at("JPN", year, "pl_i") /
         pwt_at("JPN", year, "pl_gdpo");
}

static double ctfp(double year) {
  return pwt_at("JPN", year, "ctfp");
}

static void the_investment_and_tfp_series_are_the_penn_world_tables(void) {
  check_series("params/data/investment_rate_japan.csv", gcf_share, 1e-4);
  /* ctfp is copied as the extract holds it (no rounding: unit 0 would divide; use a tiny one) */
  check_series("params/data/tfp_level_japan_pwt.csv", ctfp, 1e-12);
}

static void the_growth_targets_are_the_penn_world_tables_decade_averages(void) {
  const char *files[] = {"params/targets.cfg", "params/targets/data.cfg"};
  rs_targets ts;
  rs_error err;
  rs_status st = rs_targets_load_files(files, 2, 0, 1955.0, 2000.0, &ts, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) {
    fprintf(stderr, "  %s\n", err.msg);
    return;
  }
  int found = 0;
  for (int i = 0; i < ts.n; i++) {
    const rs_target *t = &ts.t[i];
    if (strncmp(t->id, "gdp_growth_19", 13) != 0) continue;
    found++;
    CHECK(t->origin == RS_TO_DATA);
    CHECK(t->kind == RS_TK_MEAN_GROWTH && t->indicator == RS_I_GDP_GROWTH);
    double want = round_to(pwt_growth("JPN", "rgdpna", t->year, t->year2), 1e-4);
    if (fabs(t->value - want) > 1e-12)
      fprintf(stderr, "  %s: %g, PWT gives %.4f\n", t->id, t->value, want);
    CHECK(fabs(t->value - want) <= 1e-12);
  }
  CHECK(found == 5);
  rs_targets_free(&ts);
}

static void every_data_file_opens_with_its_source(void) {
  const char *files[] = {"params/data/pwt1001_jpn_usa.csv",
                         "params/data/us_rd_gdp.csv",
                         "params/data/investment_rate_japan.csv",
                         "params/data/rd_gdp_japan.csv",
                         "params/data/subcontract_share_japan.csv",
                         "params/data/tfp_level_japan_pwt.csv",
                         "params/data/jcer_forecast.csv"};
  for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
    FILE *fp = fopen(files[k], "r");
    CHECK(fp != NULL);
    if (!fp) continue;
    char head[8192];
    size_t n = fread(head, 1, sizeof head - 1, fp);
    head[n] = '\0';
    fclose(fp);
    CHECK(head[0] == '#');
    /* a publisher or publication and how the copy was read or computed */
    int cites = strstr(head, "Penn World Table") || strstr(head, "NCSES") || strstr(head, "METI") ||
                strstr(head, "White Paper") || strstr(head, "JCER") || strstr(head, "Jorda");
    if (!cites) fprintf(stderr, "  %s names no source in its header\n", files[k]);
    CHECK(cites);
  }
}

int main(void) {
  if (!read_table("params/data/pwt1001_jpn_usa.csv", &pwt) ||
      !read_table("params/data/us_rd_gdp.csv", &usrd)) {
    fprintf(stderr, "cannot read the data extracts (run from the repository root)\n");
    return 1;
  }
  RUN(the_frontier_and_labour_tables_are_the_penn_world_tables_period_averages);
  RUN(the_frontiers_rd_is_the_national_patterns_series);
  RUN(initial_values_and_the_capital_share_come_from_the_penn_world_table);
  RUN(the_investment_and_tfp_series_are_the_penn_world_tables);
  RUN(the_growth_targets_are_the_penn_world_tables_decade_averages);
  RUN(every_data_file_opens_with_its_source);
  return CHECK_DONE();
}
