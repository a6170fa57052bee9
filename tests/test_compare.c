/* tests/test_compare.c -- the comparison of scenarios (compare/compare.c, compare/delta.c,
 * compare/forecast.c, compare/thesis.c): every shipped scenario loads and runs, the scenarios do
 * what their files say, the tables have the layout their headers promise, the results do not
 * depend on the thread count, the JCER forecast of sec. 6 comes from its data file, averages and
 * all, and the thesis along the profiles of a calibration is the scenario's own change. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "compare.h"

/* ---------------------------------------------------------------- helpers */

#define MAX_SCEN 32

static char tmpdir[1024];

/* The scratch directory of this test, created. */
static const char *scratch(const char *sub, char *out, size_t n) {
  snprintf(out, n, "%s/%s", tmpdir, sub);
  rs_error err;
  if (rs_mkdir_p(out, &err) != RS_OK) fprintf(stderr, "%s\n", err.msg);
  return out;
}

/* A whole file into a malloc'ed string (NULL if unreadable). */
static char *slurp(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  if (s && fread(s, 1, (size_t)n, fp) != (size_t)n) {
    free(s);
    s = NULL;
  }
  if (s) s[n] = '\0';
  fclose(fp);
  return s;
}

static int exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* params/calibrated.cfg, then every .cfg file of params/scenarios in name order. Returns the count;
 * the names are malloc'ed into files[]. */
static int shipped_scenarios(char **files) {
  int n = 0;
  files[n++] = strdup("params/calibrated.cfg");
  DIR *d = opendir("params/scenarios");
  if (!d) return n;
  struct dirent *e;
  while ((e = readdir(d)) && n < MAX_SCEN) {
    size_t len = strlen(e->d_name);
    if (len < 5 || strcmp(e->d_name + len - 4, ".cfg") != 0) continue;
    char path[512];
    snprintf(path, sizeof path, "params/scenarios/%s", e->d_name);
    files[n++] = strdup(path);
  }
  closedir(d);
  qsort(files + 1, (size_t)(n - 1), sizeof *files, cmp_str);
  return n;
}

static int find_scenario(const rs_compare *c, const char *name) {
  for (int i = 0; i < c->n; i++)
    if (strcmp(c->sc[i].name, name) == 0) return i;
  return -1;
}

/* Load and run files to year `to` with threads; 1 on success. */
static int compare_files(rs_compare *c, const char *const *files, int n, double to, int threads) {
  rs_error err;
  rs_status st = rs_compare_load(c, files, n, to, &err);
  if (st == RS_OK) st = rs_compare_run(c, threads, &err);
  if (st != RS_OK) fprintf(stderr, "compare: %s\n", err.msg);
  return st == RS_OK;
}

/* Split a CSV line (no quoted fields) at commas in place; returns the field count. */
static int split(char *line, char **f, int max) {
  int n = 0;
  for (char *p = line; n < max;) {
    f[n++] = p;
    p = strchr(p, ',');
    if (!p) break;
    *p++ = '\0';
  }
  return n;
}

/* Write text to the file path (in the scratch directory); 1 on success. */
static int write_text(const char *path, const char *text) {
  FILE *fp = fopen(path, "w");
  if (!fp) return 0;
  int ok = fputs(text, fp) >= 0;
  return fclose(fp) == 0 && ok;
}

static int column(char **head, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (strcmp(head[i], name) == 0) return i;
  return -1;
}

/* ---------------------------------------------------------------- tests */

static void every_shipped_scenario_loads_and_runs_to_2025(void) {
  char *files[MAX_SCEN];
  int n = shipped_scenarios(files);
  CHECK(n >= 8); /* the reference and the seven counterfactuals of MODEL.md */
  rs_compare c;
  CHECK(compare_files(&c, (const char *const *)files, n, 2025.0, 0));
  CHECK(c.n == n);
  CHECK(c.to == 2025.0);
  for (int i = 0; i < c.n; i++) {
    const rs_series *s = &c.sc[i].series;
    CHECK(s->nrows == 71); /* 1955..2025 every year */
    if (s->nrows < 1) continue;
    CHECK(s->year[0] == 1955.0);
    CHECK(s->year[s->nrows - 1] == 2025.0);
    int finite = 1;
    for (int r = 0; r < s->nrows; r++)
      for (int ind = 0; ind < RS_NINDICATOR; ind++)
        if (ind != RS_I_MPK) finite &= isfinite(rs_series_at(s, r, ind)) != 0;
    CHECK(finite);
    for (int k = 0; k < RS_NCSTAT; k++)
      CHECK(isfinite(c.sc[i].stats[RS_I_GDP_GROWTH * RS_NCSTAT + k]));
  }
  static const char *const expected[] = {
      "no_regionalization", "reform_1980",         "atomistic_japan", "no_bubble",
      "no_asian_crisis",    "basic_research_push", "us_startup_rate"};
  for (int j = 0; j < 7; j++) CHECK(find_scenario(&c, expected[j]) > 0);
  rs_compare_free(&c);
  for (int i = 0; i < n; i++) free(files[i]);
}

static void no_regionalization_keeps_the_asian_network_at_zero(void) {
  const char *files[] = {"params/calibrated.cfg", "params/scenarios/no_regionalization.cfg"};
  rs_compare c;
  CHECK(compare_files(&c, files, 2, 2025.0, 1));
  const rs_series *s = &c.sc[1].series;
  CHECK(s->nrows == 71);
  double worst = 0.0;
  for (int r = 0; r < s->nrows; r++) worst = fmax(worst, fabs(rs_series_at(s, r, RS_I_G)));
  CHECK(worst <= 1e-12);
  /* and the reference does regionalize: G(1995) near the paper's index of 1 */
  CHECK(c.sc[0].stats[RS_I_G * RS_NCSTAT + RS_CS_Y2000] > 0.5);
  rs_compare_free(&c);
}

static void no_bubble_equals_the_reference_before_1986(void) {
  const char *files[] = {"params/calibrated.cfg", "params/scenarios/no_bubble.cfg"};
  rs_compare c;
  CHECK(compare_files(&c, files, 2, 2000.0, 2));
  const rs_series *a = &c.sc[0].series, *b = &c.sc[1].series;
  CHECK(a->nrows == b->nrows);
  int rows = 0, bad = 0;
  for (int r = 0; r < a->nrows && r < b->nrows && a->year[r] < 1986.0; r++, rows++)
    for (int ind = 0; ind < RS_NINDICATOR; ind++) {
      double x = rs_series_at(a, r, ind), y = rs_series_at(b, r, ind);
      if (!(fabs(x - y) <= 1e-12 * fmax(1.0, fabs(x)))) {
        if (bad++ < 3)
          fprintf(stderr, "  %g %s: %.17g vs %.17g\n", a->year[r], rs_indicator_info_get(ind)->name,
                  x, y);
      }
    }
  CHECK(rows == 31); /* 1955..1985 */
  CHECK(bad == 0);
  /* and the bubble matters afterwards: investment in 1990 is lower without it */
  CHECK(c.sc[1].stats[RS_I_S * RS_NCSTAT + RS_CS_Y1990] <
        c.sc[0].stats[RS_I_S * RS_NCSTAT + RS_CS_Y1990] - 0.005);
  rs_compare_free(&c);
}

static void compare_csv_has_one_row_per_scenario_and_indicator(void) {
  const char *files[] = {"params/calibrated.cfg", "params/scenarios/no_bubble.cfg",
                         "params/scenarios/no_regionalization.cfg"};
  rs_compare c;
  CHECK(compare_files(&c, files, 3, 2025.0, 2));
  char dir[1200], path[1400];
  scratch("csv", dir, sizeof dir);
  rs_error err;
  rs_plots_report rep;
  CHECK(rs_compare_write(dir, &c, &rep, &err) == RS_OK);
  snprintf(path, sizeof path, "%s/compare.csv", dir);
  char *text = slurp(path);
  CHECK(text != NULL);
  if (!text) {
    rs_compare_free(&c);
    return;
  }
  char *head[128], *f[128];
  int nhead = 0, rows = 0, comments = 0, bad_width = 0, ref_rows = 0, ref_nonzero = 0;
  int per_scenario[3] = {0, 0, 0};
  char *save = NULL;
  static const char *const stats[] = {"value_1973",  "value_1990",     "value_2000",
                                      "value_final", "mean_1991_2000", "mean_2001_final"};
  int stat_col[6], diff_col[6], min_col[6], max_col[6], final_col = -1, ind_col = -1;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    if (line[0] == '#') {
      comments++;
      continue;
    }
    if (nhead == 0) {
      nhead = split(line, head, 128);
      for (int k = 0; k < 6; k++) {
        char name[64];
        stat_col[k] = column(head, nhead, stats[k]);
        snprintf(name, sizeof name, "diff_%s", stats[k]);
        diff_col[k] = column(head, nhead, name);
        snprintf(name, sizeof name, "diff_%s_min", stats[k]);
        min_col[k] = column(head, nhead, name);
        snprintf(name, sizeof name, "diff_%s_max", stats[k]);
        max_col[k] = column(head, nhead, name);
        CHECK(stat_col[k] >= 0 && diff_col[k] >= 0 && min_col[k] >= 0 && max_col[k] >= 0);
      }
      final_col = column(head, nhead, "final_year");
      ind_col = column(head, nhead, "indicator");
      CHECK(column(head, nhead, "scenario") == 0);
      CHECK(column(head, nhead, "units") >= 0);
      CHECK(final_col >= 0 && ind_col >= 0);
      continue;
    }
    rows++;
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", line);
    int nf = split(copy, f, 128);
    if (nf != nhead) {
      bad_width++;
      continue;
    }
    for (int i = 0; i < 3; i++) per_scenario[i] += strcmp(f[0], c.sc[i].name) == 0;
    if (final_col >= 0) CHECK(strcmp(f[final_col], "2025") == 0);
    for (int k = 0; k < 6; k++) {
      if (min_col[k] >= 0) CHECK(f[min_col[k]][0] == '\0'); /* no band */
      if (max_col[k] >= 0) CHECK(f[max_col[k]][0] == '\0');
    }
    if (strcmp(f[0], c.sc[0].name) == 0) {
      ref_rows++;
      for (int k = 0; k < 6; k++) {
        if (diff_col[k] < 0 || stat_col[k] < 0) continue;
        /* 0, or empty exactly where the statistic itself is not defined */
        int defined = f[stat_col[k]][0] != '\0' && strcmp(f[stat_col[k]], "nan") != 0;
        ref_nonzero += defined ? strcmp(f[diff_col[k]], "0") != 0 : f[diff_col[k]][0] != '\0';
      }
    }
  }
  CHECK(nhead == 4 + 6 + 6 + 12);
  CHECK(rows == 3 * RS_NINDICATOR);
  CHECK(comments >= 2);
  CHECK(bad_width == 0);
  for (int i = 0; i < 3; i++) CHECK(per_scenario[i] == RS_NINDICATOR);
  CHECK(ref_rows == RS_NINDICATOR);
  CHECK(ref_nonzero == 0);
  free(text);
  /* each scenario's series, and every figure's script */
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s/series.csv", dir, c.sc[i].name);
    CHECK(exists(path));
  }
  snprintf(path, sizeof path, "%s/plots/overview.gp", dir);
  CHECK(exists(path));
  snprintf(path, sizeof path, "%s/plots/R_relational.gp", dir);
  CHECK(exists(path));
  CHECK(rep.nscripts == RS_NINDICATOR + 1);
  rs_compare_free(&c);
}

static void compare_md_has_the_key_tables_and_the_jcer_forecast(void) {
  const char *files[] = {"params/calibrated.cfg", "params/scenarios/reform_1980.cfg"};
  rs_compare c;
  CHECK(compare_files(&c, files, 2, 2025.0, 2));
  char dir[1200], path[1400];
  scratch("md", dir, sizeof dir);
  rs_error err;
  CHECK(rs_compare_write(dir, &c, NULL, &err) == RS_OK);
  snprintf(path, sizeof path, "%s/compare.md", dir);
  char *md = slurp(path);
  static const char *const keys[] = {"(`a`)", "(`tfp_growth`)",  "(`gdp_growth`)",
                                     "(`R`)", "(`G`)",           "(`rd_total`)",
                                     "(`e`)", "(`closure`)",     "(`net_relational`)",
                                     "(`s`)", "(`basic_share`)", "(`indep_share`)"};
  for (int j = 0; j < 12; j++) CHECK_STR_CONTAINS(md, keys[j]);
  CHECK_STR_CONTAINS(md, "params/scenarios/reform_1980.cfg");
  CHECK_STR_CONTAINS(md, "percentage points");
  CHECK_STR_CONTAINS(md, "| mean 1991\u20132000 |");
  CHECK_STR_CONTAINS(md, "mean 2001\u20132025");
  /* without a forecast set (rs_compare_set_forecast), no forecast */
  CHECK(md && !strstr(md, "JCER"));
  free(md);
  rs_compare_free(&c);

  /* with the shipped file: the natural reading's averages beside the runs' */
  CHECK(compare_files(&c, files, 2, 2025.0, 2));
  CHECK(rs_compare_set_forecast(&c, RS_FORECAST_DEFAULT, 0, NULL, &err) == RS_OK);
  CHECK(rs_compare_write(dir, &c, NULL, &err) == RS_OK);
  md = slurp(path);
  CHECK_STR_CONTAINS(md, "## The projection beside the JCER forecast");
  CHECK_STR_CONTAINS(md, "barely hold its own until 2005");
  CHECK_STR_CONTAINS(md, "| period | JCER (period averages) | JCER, alternative reading |");
  CHECK_STR_CONTAINS(md, "| 2000\u20132005 | 0.00 | 0.50 |");
  CHECK_STR_CONTAINS(md, "| 2005\u20132015 | -0.10 | 0.00 |");
  CHECK_STR_CONTAINS(md, "| 2015\u20132025 | -0.20 | -1.50 |");
  CHECK_STR_CONTAINS(md, "| 2000\u20132025, all | -0.12 | -0.50 |");
  CHECK_STR_CONTAINS(md, "falling by 0.2 points a year");
  free(md);
  snprintf(path, sizeof path, "%s/plots/gdp_growth.gp", dir);
  char *gp = slurp(path);
  CHECK_STR_CONTAINS(gp, "JCER forecast, sec. 6 (period averages)");
  CHECK_STR_CONTAINS(gp, "JCER, alternative reading (falling 0.1/0.2 pt a year)");
  CHECK_STR_CONTAINS(gp, "\"../calibrated/series.csv\"");
  CHECK_STR_CONTAINS(gp, "\"../reform_1980/series.csv\"");
  /* the natural reading as a step: each period's average at both of its ends */
  CHECK_STR_CONTAINS(gp,
                     "$jcer << EOD\n2000,0\n2005,0\n2005,-0.1\n2015,-0.1\n2015,-0.2\n"
                     "2025,-0.2\nEOD\n");
  CHECK_STR_CONTAINS(gp, "$jcer_alt << EOD\n2000,0.5\n2005,0.5\n2005,0.5\n2015,-0.5\n");
  free(gp);
  snprintf(path, sizeof path, "%s/plots/overview.gp", dir);
  gp = slurp(path);
  CHECK_STR_CONTAINS(gp,
                     "keyentry with lines ls 90 title \"JCER forecast, sec. 6 (period "
                     "averages)\"");
  CHECK_STR_CONTAINS(gp,
                     "keyentry with lines ls 92 title \"JCER, alternative reading (falling "
                     "0.1/0.2 pt a year)\"");
  free(gp);
  rs_compare_free(&c);

  /* a run ending in 2000 has no projection: no JCER line, no 2001-final column */
  CHECK(compare_files(&c, files, 2, 2000.0, 1));
  CHECK(rs_compare_set_forecast(&c, RS_FORECAST_DEFAULT, 0, NULL, &err) == RS_OK);
  scratch("md2000", dir, sizeof dir);
  CHECK(rs_compare_write(dir, &c, NULL, &err) == RS_OK);
  snprintf(path, sizeof path, "%s/compare.md", dir);
  md = slurp(path);
  CHECK(md && !strstr(md, "JCER"));
  CHECK(md && !strstr(md, "mean 2001"));
  free(md);
  snprintf(path, sizeof path, "%s/plots/gdp_growth.gp", dir);
  gp = slurp(path);
  CHECK(gp && !strstr(gp, "$jcer"));
  free(gp);
  rs_compare_free(&c);
}

static void the_shipped_forecast_gives_the_period_averages_of_sec_6(void) {
  rs_forecast f;
  rs_error err;
  CHECK(rs_forecast_load(RS_FORECAST_DEFAULT, &f, &err) == RS_OK);
  CHECK_STR_CONTAINS(f.quote, "barely hold its own until 2005");
  CHECK(strcmp(f.file, RS_FORECAST_DEFAULT) == 0);
  const rs_forecast_reading *nat = &f.reading[RS_FC_NATURAL], *alt = &f.reading[RS_FC_DECLINING];
  CHECK(nat->n == 3 && alt->n == 3);
  if (nat->n != 3 || alt->n != 3) return;
  /* "barely hold its own until 2005": about 0; then on average -0.1 and -0.2 %/yr */
  CHECK(nat->p[0].from == 2000.0 && nat->p[0].to == 2005.0);
  CHECK(nat->p[1].to == 2015.0 && nat->p[2].to == 2025.0);
  CHECK_REL(rs_forecast_mean(nat, 2000.0, 2005.0), 0.0, 1e-15);
  CHECK_REL(rs_forecast_mean(nat, 2005.0, 2015.0), -0.001, 1e-12);
  CHECK_REL(rs_forecast_mean(nat, 2015.0, 2025.0), -0.002, 1e-12);
  CHECK_REL(rs_forecast_mean(nat, 2000.0, 2025.0), -0.0012, 1e-12);
  /* an average within a period is the period's (the reading says nothing finer) */
  CHECK_REL(rs_forecast_mean(nat, 2006.0, 2009.0), -0.001, 1e-12);
  /* the alternative, kept: 0.5 %/yr to 2005, then falling 0.1 and 0.2 points a year */
  CHECK_REL(rs_forecast_mean(alt, 2000.0, 2005.0), 0.005, 1e-12);
  CHECK_REL(rs_forecast_mean(alt, 2015.0, 2015.0), -0.005, 1e-12);
  CHECK_REL(rs_forecast_mean(alt, 2025.0, 2025.0), -0.025, 1e-12);
  CHECK_REL(rs_forecast_mean(alt, 2010.0, 2010.0), 0.0, 1e-12);
  CHECK_REL(rs_forecast_mean(alt, 2005.0, 2015.0), 0.0, 1e-12);
  CHECK_REL(rs_forecast_mean(alt, 2015.0, 2025.0), -0.015, 1e-12);
  /* outside the forecast: no value */
  CHECK(isnan(rs_forecast_mean(nat, 1999.0, 2005.0)));
  CHECK(isnan(rs_forecast_mean(nat, 2020.0, 2026.0)));
  CHECK(isnan(rs_forecast_mean(nat, 2010.0, 2005.0)));
  CHECK(strcmp(rs_forecast_reading_name(RS_FC_NATURAL), "natural") == 0);
  CHECK(strcmp(rs_forecast_reading_name(RS_FC_DECLINING), "declining") == 0);
}

static void the_tables_and_figures_show_whatever_the_forecast_file_holds(void) {
  /* numbers unlike the paper's: if anything came from elsewhere, it would show */
  char dir[1200], file[1400], path[1400];
  scratch("fixture", dir, sizeof dir);
  snprintf(file, sizeof file, "%s/forecast.csv", dir);
  CHECK(write_text(file,
                   "# a fixture\n"
                   "# quote: a fixture forecast, not the paper's\n"
                   "reading,from,to,growth_start,growth_end\n"
                   "natural,2000,2010,0.003,0.003\n"
                   "natural,2010,2025,-0.005,-0.005\n"
                   "declining,2000,2010,0.01,0.007\n"
                   "declining,2010,2025,0.007,0.007\n"));
  const char *files[] = {"params/calibrated.cfg", "params/scenarios/no_bubble.cfg"};
  rs_compare c;
  rs_error err;
  CHECK(compare_files(&c, files, 2, 2025.0, 2));
  int missing = -1;
  CHECK(rs_compare_set_forecast(&c, file, 1, &missing, &err) == RS_OK);
  CHECK(missing == 0);
  CHECK(rs_compare_write(dir, &c, NULL, &err) == RS_OK);
  snprintf(path, sizeof path, "%s/compare.md", dir);
  char *md = slurp(path);
  CHECK_STR_CONTAINS(md, "\"a fixture forecast, not the paper's\"");
  CHECK_STR_CONTAINS(md, "| 2000\u20132010 | 0.30 | 0.85 |");
  CHECK_STR_CONTAINS(md, "| 2010\u20132025 | -0.50 | 0.70 |");
  CHECK_STR_CONTAINS(md, "| 2000\u20132025, all | -0.18 | 0.76 |");
  CHECK_STR_CONTAINS(md, "0.3 % a year over 2000\u20132010");
  CHECK(md && !strstr(md, "0.1 percent")); /* nothing of the shipped file */
  CHECK(md && !strstr(md, "-0.10 |"));
  /* the runs' averages over the file's periods */
  char cell[64];
  snprintf(cell, sizeof cell, " %.2f |",
           100.0 * rs_series_mean(&c.sc[0].series, RS_I_GDP_GROWTH, 2000.0, 2010.0));
  CHECK_STR_CONTAINS(md, cell);
  free(md);
  snprintf(path, sizeof path, "%s/plots/gdp_growth.gp", dir);
  char *gp = slurp(path);
  CHECK_STR_CONTAINS(gp, "$jcer << EOD\n2000,0.3\n2010,0.3\n2010,-0.5\n2025,-0.5\nEOD\n");
  CHECK_STR_CONTAINS(gp, "$jcer_alt << EOD\n2000,1\n2010,0.7\n2010,0.7\n2025,0.7\nEOD\n");
  CHECK_STR_CONTAINS(gp, "JCER, alternative reading (falling 0.03 pt a year)");
  CHECK_STR_CONTAINS(gp, "a fixture forecast, not the paper's");
  free(gp);
  rs_compare_free(&c);

  /* a run that ends inside a period: the period clipped, and said so */
  CHECK(compare_files(&c, files, 2, 2018.0, 1));
  CHECK(rs_compare_set_forecast(&c, file, 0, NULL, &err) == RS_OK);
  CHECK(rs_compare_write(dir, &c, NULL, &err) == RS_OK);
  snprintf(path, sizeof path, "%s/compare.md", dir);
  md = slurp(path);
  CHECK_STR_CONTAINS(md, "| 2010\u20132018 (of 2010\u20132025) | -0.50 | 0.70 |");
  free(md);
  snprintf(path, sizeof path, "%s/plots/gdp_growth.gp", dir);
  gp = slurp(path);
  CHECK_STR_CONTAINS(gp, "2010,-0.5\n2018,-0.5\nEOD\n");
  free(gp);
  rs_compare_free(&c);
}

static void a_malformed_forecast_file_is_reported_with_its_line(void) {
  static const struct {
    const char *text, *where, *what;
  } cases[] = {
      {"# quote: q\nreading,from,to,growth_start,growth_end\nnatural,2000,2005,abc,0\n",
       ":3:", "growth_start 'abc' is not a number"},
      {"# quote: q\nreading,from,to,growth_start,growth_end\nnatural,2000,2005,0,0\n"
       "natural,2006,2015,-0.001,-0.001\n",
       ":4:", "without gaps"},
      {"# quote: q\nreading,from,to,growth_start,growth_end\nnatrual,2000,2005,0,0\n",
       ":3:", "unknown reading 'natrual'"},
      {"# quote: q\n\nreading,from,to,growth\nnatural,2000,2005,0\n", ":3:", "header"},
      {"# quote: q\nreading,from,to,growth_start,growth_end\nnatural,2000,2005,-0.5,-0.5\n",
       ":3:", "1/yr"},
      {"# quote: q\nreading,from,to,growth_start,growth_end\nnatural,2005,2000,0,0\n",
       ":3:", "from < to"},
      {"# quote: q\nreading,from,to,growth_start,growth_end\nnatural,2000,2005,0\n",
       ":3:", "4 fields, want 5"},
      {"# quote: q\n# quote: again\nreading,from,to,growth_start,growth_end\n",
       ":2:", "second quote line"},
      {"reading,from,to,growth_start,growth_end\nnatural,2000,2005,0,0\n", ": no comment line",
       "# quote:"},
      {"# quote: q\nreading,from,to,growth_start,growth_end\ndeclining,2000,2005,0,0\n",
       ": no period", "natural"},
  };
  char dir[1200], file[1400], want[1500];
  scratch("badforecast", dir, sizeof dir);
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    snprintf(file, sizeof file, "%s/bad%zu.csv", dir, k);
    CHECK(write_text(file, cases[k].text));
    rs_forecast f;
    rs_error err;
    err.msg[0] = '\0';
    CHECK(rs_forecast_load(file, &f, &err) == RS_ERR_INPUT);
    snprintf(want, sizeof want, "%s%s", file, cases[k].where);
    CHECK_STR_CONTAINS(err.msg, want);
    CHECK_STR_CONTAINS(err.msg, cases[k].what);
    CHECK(f.file[0] == '\0' && f.reading[RS_FC_NATURAL].n == 0); /* nothing half read */
  }
  /* the comparison refuses it too, and is left without a forecast */
  const char *files[] = {"params/calibrated.cfg"};
  rs_compare c;
  rs_error err;
  CHECK(compare_files(&c, files, 1, 2010.0, 1));
  snprintf(file, sizeof file, "%s/bad0.csv", dir);
  CHECK(rs_compare_set_forecast(&c, file, 1, NULL, &err) == RS_ERR_INPUT);
  CHECK(c.forecast.file[0] == '\0');
  rs_compare_free(&c);
}

static void a_missing_default_forecast_leaves_the_comparison_without_it(void) {
  const char *files[] = {"params/calibrated.cfg", "params/scenarios/no_bubble.cfg"};
  rs_compare c;
  rs_error err;
  CHECK(compare_files(&c, files, 2, 2025.0, 2));
  const char *nowhere = "tests/data/compare/no_such_forecast.csv";
  int missing = 0;
  CHECK(rs_compare_set_forecast(&c, nowhere, 1, &missing, &err) == RS_OK);
  CHECK(missing == 1);
  char dir[1200], path[1400];
  scratch("noforecast", dir, sizeof dir);
  CHECK(rs_compare_write(dir, &c, NULL, &err) == RS_OK);
  snprintf(path, sizeof path, "%s/compare.md", dir);
  char *md = slurp(path);
  CHECK(md && !strstr(md, "JCER"));
  CHECK_STR_CONTAINS(md, "mean 2001\u20132025"); /* the rest of the projection is there */
  free(md);
  snprintf(path, sizeof path, "%s/plots/gdp_growth.gp", dir);
  char *gp = slurp(path);
  CHECK(gp && !strstr(gp, "$jcer") && !strstr(gp, "JCER"));
  free(gp);
  /* the same file named by the user is an error naming it */
  missing = -1;
  CHECK(rs_compare_set_forecast(&c, nowhere, 0, &missing, &err) == RS_ERR_IO);
  CHECK(missing == 0);
  CHECK_STR_CONTAINS(err.msg, nowhere);
  rs_compare_free(&c);
}

static void serial_and_parallel_runs_write_identical_tables(void) {
  char *files[MAX_SCEN];
  int n = shipped_scenarios(files);
  char dir1[1200], dir2[1200], p1[1400], p2[1400];
  scratch("threads1", dir1, sizeof dir1);
  scratch("threads2", dir2, sizeof dir2);
  rs_error err;
  for (int t = 1; t <= 2; t++) {
    rs_compare c;
    CHECK(compare_files(&c, (const char *const *)files, n, 2025.0, t));
    CHECK(rs_compare_set_forecast(&c, RS_FORECAST_DEFAULT, 0, NULL, &err) == RS_OK);
    CHECK(rs_compare_write(t == 1 ? dir1 : dir2, &c, NULL, &err) == RS_OK);
    rs_compare_free(&c);
  }
  static const char *const names[] = {"compare.csv",           "compare.md",
                                      "plots/overview.gp",     "plots/gdp_growth.gp",
                                      "calibrated/series.csv", "no_bubble/series.csv"};
  for (int j = 0; j < 6; j++) {
    snprintf(p1, sizeof p1, "%s/%s", dir1, names[j]);
    snprintf(p2, sizeof p2, "%s/%s", dir2, names[j]);
    char *a = slurp(p1), *b = slurp(p2);
    CHECK(a != NULL && b != NULL);
    if (a && b && strcmp(a, b) != 0) {
      fprintf(stderr, "  %s differs between 1 and 2 threads\n", names[j]);
      CHECK(0);
    }
    free(a);
    free(b);
  }
  for (int i = 0; i < n; i++) free(files[i]);
}

static void series_mean_is_the_trapezoid_rule(void) {
  double years[4] = {0.0, 1.0, 2.0, 3.0};
  double ind[4 * RS_NINDICATOR];
  memset(ind, 0, sizeof ind);
  for (int r = 0; r < 4; r++) ind[r * RS_NINDICATOR + 2] = years[r] * years[r]; /* 0 1 4 9 */
  rs_series s = {.nrows = 4, .year = years, .ind = ind, .cap = 4};
  /* (0.5 (0+1) + 0.5 (1+4) + 0.5 (4+9)) / 3 */
  CHECK_REL(rs_series_mean(&s, 2, 0.0, 3.0), 9.5 / 3.0, 1e-15);
  /* ends between rows, interpolated: v(0.5) = 0.5, v(2.5) = 6.5;
   * 0.5 (0.5+1) 0.5 + 0.5 (1+4) + 0.5 (4+6.5) 0.5 = 5.5 over 2 years */
  CHECK_REL(rs_series_mean(&s, 2, 0.5, 2.5), 2.75, 1e-15);
  /* within one interval: the mean of the two interpolated ends */
  CHECK_REL(rs_series_mean(&s, 2, 1.25, 1.75), 0.5 * (1.75 + 3.25), 1e-15);
  /* a single year is the value there */
  CHECK_REL(rs_series_mean(&s, 2, 2.0, 2.0), 4.0, 0.0);
  CHECK_REL(rs_series_mean(&s, 2, 1.5, 1.5), 2.5, 1e-15);
  /* not covered */
  CHECK(isnan(rs_series_mean(&s, 2, -1.0, 2.0)));
  CHECK(isnan(rs_series_mean(&s, 2, 1.0, 3.5)));
}

static void stats_are_nan_where_the_run_does_not_reach(void) {
  const char *files[] = {"params/calibrated.cfg"};
  rs_compare c;
  CHECK(compare_files(&c, files, 1, 2000.0, 1));
  const double *st = c.sc[0].stats;
  for (int ind = 0; ind < RS_NINDICATOR; ind++) {
    CHECK(isnan(st[ind * RS_NCSTAT + RS_CS_MEAN_01F]));
    CHECK(isfinite(st[ind * RS_NCSTAT + RS_CS_MEAN_9100]));
    CHECK(st[ind * RS_NCSTAT + RS_CS_FINAL] == st[ind * RS_NCSTAT + RS_CS_Y2000]);
  }
  /* the 1991-2000 mean is the trapezoid mean of the yearly rows */
  const rs_series *s = &c.sc[0].series;
  double sum = 0.0;
  for (int r = 0; r < s->nrows; r++) {
    double y = s->year[r], v = rs_series_at(s, r, RS_I_GDP_GROWTH);
    if (y >= 1991.0 && y <= 2000.0) sum += (y == 1991.0 || y == 2000.0) ? 0.5 * v : v;
  }
  CHECK_REL(st[RS_I_GDP_GROWTH * RS_NCSTAT + RS_CS_MEAN_9100], sum / 9.0, 1e-12);
  rs_compare_free(&c);
  /* a run ending in 1980 has no 1990 or 2000 value */
  CHECK(compare_files(&c, files, 1, 1980.0, 1));
  CHECK(isnan(c.sc[0].stats[RS_I_A * RS_NCSTAT + RS_CS_Y1990]));
  CHECK(isnan(c.sc[0].stats[RS_I_A * RS_NCSTAT + RS_CS_Y2000]));
  CHECK(isnan(c.sc[0].stats[RS_I_A * RS_NCSTAT + RS_CS_MEAN_9100]));
  CHECK(isfinite(c.sc[0].stats[RS_I_A * RS_NCSTAT + RS_CS_Y1973]));
  rs_compare_free(&c);
}

static void every_run_takes_the_reference_span(void) {
  /* a scenario that ends elsewhere is run on the reference's span */
  char dir[1200], path[1400];
  scratch("span", dir, sizeof dir);
  snprintf(path, sizeof path, "%s/short.cfg", dir);
  FILE *fp = fopen(path, "w");
  CHECK(fp != NULL);
  if (!fp) return;
  char cwd[1024];
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  fprintf(fp, "base = \"%s/params/calibrated.cfg\";\nspan = { end = 1990.0; };\n", cwd);
  fclose(fp);
  const char *files[] = {"params/calibrated.cfg", path, "params/calibrated.cfg"};
  rs_compare c;
  CHECK(compare_files(&c, files, 3, 2010.0, 2));
  CHECK(c.sc[1].params.v[RS_P_SPAN_END] == 2010.0);
  CHECK(c.sc[1].series.nrows == c.sc[0].series.nrows);
  /* the same file twice gets a name of its own */
  CHECK(strcmp(c.sc[0].name, "calibrated") == 0);
  CHECK(strcmp(c.sc[1].name, "short") == 0);
  CHECK(strcmp(c.sc[2].name, "calibrated_2") == 0);
  rs_compare_free(&c);
}

static void load_errors_name_the_file_and_line(void) {
  rs_compare c;
  rs_error err;
  const char *missing[] = {"params/calibrated.cfg", "params/scenarios/no_such_scenario.cfg"};
  CHECK(rs_compare_load(&c, missing, 2, 2025.0, &err) == RS_ERR_IO);
  CHECK_STR_CONTAINS(err.msg, "params/scenarios/no_such_scenario.cfg");
  CHECK(c.n == 0 && c.sc == NULL); /* nothing left allocated */

  char dir[1200], path[1400];
  scratch("bad", dir, sizeof dir);
  snprintf(path, sizeof path, "%s/bad.cfg", dir);
  FILE *fp = fopen(path, "w");
  CHECK(fp != NULL);
  if (!fp) return;
  fprintf(fp, "# a typo on line 2\nties = { kappa_x = 1.0; };\n");
  fclose(fp);
  const char *bad[] = {"params/calibrated.cfg", path};
  CHECK(rs_compare_load(&c, bad, 2, 2025.0, &err) == RS_ERR_INPUT);
  char where[1500];
  snprintf(where, sizeof where, "%s:2", path);
  CHECK_STR_CONTAINS(err.msg, where);
  CHECK_STR_CONTAINS(err.msg, "kappa_x");

  CHECK(rs_compare_load(&c, bad, 0, 2025.0, &err) == RS_ERR_INPUT);
  rs_compare_free(&c);
  rs_compare_free(NULL);
}

static void a_band_is_written_to_the_tables_and_figures(void) {
  /* a band made by hand (rs_compare_band fills the same fields) */
  const char *files[] = {"params/calibrated.cfg", "params/scenarios/no_regionalization.cfg"};
  rs_compare c;
  CHECK(compare_files(&c, files, 2, 2025.0, 2));
  int nrows = c.sc[0].series.nrows;
  for (int i = 1; i < 2; i++) {
    rs_compare_scenario *sc = &c.sc[i];
    sc->band_lo = calloc((size_t)nrows * RS_NINDICATOR, sizeof(double));
    sc->band_hi = calloc((size_t)nrows * RS_NINDICATOR, sizeof(double));
    for (int k = 0; k < nrows * RS_NINDICATOR; k++) {
      double d = sc->series.ind[k] - c.sc[0].series.ind[k];
      sc->band_lo[k] = d - 0.01 - 0.2 * fabs(d);
      sc->band_hi[k] = d + 0.01 + 0.2 * fabs(d);
    }
    for (int k = 0; k < RS_NINDICATOR * RS_NCSTAT; k++) {
      double d = sc->stats[k] - c.sc[0].stats[k];
      sc->band_min[k] = d - 0.25;
      sc->band_max[k] = d + 0.5;
    }
  }
  c.has_band = 1;
  c.nfits = 7;
  c.ntried = 10;
  snprintf(c.band_note, sizeof c.band_note, "A hand-made band for the test.");
  char dir[1200], path[1400];
  scratch("band", dir, sizeof dir);
  rs_error err;
  CHECK(rs_compare_write(dir, &c, NULL, &err) == RS_OK);
  snprintf(path, sizeof path, "%s/compare.md", dir);
  char *md = slurp(path);
  CHECK_STR_CONTAINS(md, "A hand-made band for the test.");
  /* a difference in percent with its band: gdp_growth band is d - 25 pp .. d + 50 pp */
  CHECK_STR_CONTAINS(md, " [");
  free(md);
  snprintf(path, sizeof path, "%s/compare.csv", dir);
  char *csv = slurp(path);
  CHECK_STR_CONTAINS(csv, "no_regionalization,G,");
  /* the reference's band fields stay empty; the scenario's hold numbers */
  char *row = csv ? strstr(csv, "\nno_regionalization,a,") : NULL;
  CHECK(row != NULL);
  if (row) {
    char line[4096], *f[128];
    snprintf(line, sizeof line, "%.*s", (int)strcspn(row + 1, "\n"), row + 1);
    int nf = split(line, f, 128);
    CHECK(nf == 28);
    if (nf == 28) {
      /* diff_value_1973_min = diff - 0.25 */
      CHECK_REL(strtod(f[16], NULL), strtod(f[10], NULL) - 0.25, 1e-5);
      CHECK_REL(strtod(f[17], NULL), strtod(f[10], NULL) + 0.5, 1e-5);
    }
  }
  free(csv);
  snprintf(path, sizeof path, "%s/no_regionalization/band.csv", dir);
  CHECK(exists(path));
  snprintf(path, sizeof path, "%s/calibrated/band.csv", dir);
  CHECK(!exists(path));
  snprintf(path, sizeof path, "%s/plots/gdp_growth.gp", dir);
  char *gp = slurp(path);
  CHECK_STR_CONTAINS(gp, "b2 = \"../no_regionalization/band.csv\"");
  CHECK_STR_CONTAINS(gp, "filledcurves");
  CHECK_STR_CONTAINS(gp, "column(\"gdp_growth_lo\")");
  free(gp);
  rs_compare_free(&c); /* frees band_lo/band_hi */
}

/* ---------------------------------------------------------------- the thesis along profiles */

/* A profile made by hand: params/baseline.cfg with ties.kappa_e at 0, 1, 5 and 20, the point
 * at 5 a failed re-fit (cost INFINITY). */
static void thesis_profile(rs_calib_profile *pr) {
  static const double kappa[] = {0.0, 1.0, 5.0, 20.0};
  memset(pr, 0, sizeof *pr);
  rs_params base;
  rs_error err;
  CHECK(rs_params_load("params/baseline.cfg", &base, NULL, &err) == RS_OK);
  pr->n = 4;
  pr->value = calloc(4, sizeof *pr->value);
  pr->cost = calloc(4, sizeof *pr->cost);
  pr->status = calloc(4, sizeof *pr->status);
  pr->fitted = calloc(4, sizeof *pr->fitted);
  CHECK(pr->value && pr->cost && pr->status && pr->fitted);
  snprintf(pr->name, sizeof pr->name, "ties.kappa_e");
  pr->at = 1;
  for (int k = 0; k < 4; k++) {
    pr->value[k] = kappa[k];
    pr->cost[k] = k == 2 ? (double)INFINITY : 100.0 + k;
    pr->status[k] = k == 2 ? 3 : 0;
    pr->fitted[k] = base;
    pr->fitted[k].v[RS_P_KAPPA_E] = kappa[k];
  }
}

/* A scenario that changes nothing (a file holding only its base) gives differences of exactly
 * 0 at every point that has a fit, and NAN at the failed one; the columns are named and
 * labelled as the report expects, the later period after the final year. */
static void a_scenario_that_changes_nothing_has_no_thesis_difference(void) {
  char dir[1200], file[1300], cwd[1024];
  scratch("thesis", dir, sizeof dir);
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  snprintf(file, sizeof file, "%s/same.cfg", dir);
  FILE *fp = fopen(file, "w");
  CHECK(fp != NULL);
  if (!fp) return;
  fprintf(fp, "base = \"%s/params/baseline.cfg\";\n", cwd);
  fclose(fp);
  rs_calib_profile pr;
  thesis_profile(&pr);
  rs_error err;
  rs_status st = rs_compare_profile_thesis(&pr, 1, file, 2025.0, 2, &err);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  CHECK(st == RS_OK);
  CHECK(pr.ncol == 4 && pr.col != NULL);
  static const char *const names[] = {"dR_1991_2000", "dR_2001_2025", "dgdp_pp_1991_2000",
                                      "dgdp_pp_2001_2025"};
  for (int c = 0; st == RS_OK && c < 4; c++) {
    CHECK(strcmp(pr.col_name[c], names[c]) == 0);
    CHECK(pr.col_plot[c] == (c == 1 || c == 3));
    for (int k = 0; k < pr.n; k++)
      if (k == 2)
        CHECK(isnan(pr.col[k * 4 + c]));
      else
        CHECK(pr.col[k * 4 + c] == 0.0);
  }
  CHECK_STR_CONTAINS(pr.col_title, "same.cfg");
  CHECK_STR_CONTAINS(pr.col_source, "same − fit");
  rs_calib_profile_free(&pr);
}

/* no_regionalization (the network removed: initial.G and asia.chi against its base) gives
 * finite differences wherever the profile has a fit; the same bit for bit for 1 and 2 threads;
 * at the baseline's erosion rate (kappa_e 1) ties end lower without the network. */
static void no_regionalization_along_a_profile_gives_finite_differences(void) {
  rs_calib_profile p1, p2;
  thesis_profile(&p1);
  thesis_profile(&p2);
  rs_error err;
  const char *file = "params/scenarios/no_regionalization.cfg";
  rs_status st = rs_compare_profile_thesis(&p1, 1, file, 2025.0, 1, &err);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  CHECK(st == RS_OK);
  CHECK(rs_compare_profile_thesis(&p2, 1, file, 2025.0, 2, &err) == RS_OK);
  for (int k = 0; st == RS_OK && k < p1.n; k++) {
    printf("  kappa_e %-4g dR %+.4f %+.4f  dgdp %+.4f %+.4f pp\n", p1.value[k], p1.col[k * 4],
           p1.col[k * 4 + 1], p1.col[k * 4 + 2], p1.col[k * 4 + 3]);
    for (int c = 0; c < 4; c++)
      CHECK(k == 2 ? isnan(p1.col[k * 4 + c]) : isfinite(p1.col[k * 4 + c]));
  }
  CHECK(st != RS_OK || p1.col[1 * 4 + 1] < -0.01); /* kappa_e 1: ties lower without the network */
  CHECK(st != RS_OK || memcmp(p1.col, p2.col, sizeof(double) * 4 * (size_t)p1.n) == 0);
  CHECK_STR_CONTAINS(p1.col_title, "`initial.G`");
  CHECK_STR_CONTAINS(p1.col_title, "`asia.chi`");
  rs_calib_profile_free(&p1);
  rs_calib_profile_free(&p2);
}

/* A thesis scenario that cannot be read, or that names no base (its changes are what it sets on
 * top of its base), is an error naming the file; with no profiles the file is still checked. */
static void a_thesis_scenario_without_a_base_or_file_is_an_error_naming_it(void) {
  char dir[1200], file[1300];
  scratch("thesis", dir, sizeof dir);
  snprintf(file, sizeof file, "%s/nobase.cfg", dir);
  FILE *fp = fopen(file, "w");
  CHECK(fp != NULL);
  if (!fp) return;
  fprintf(fp, "ties = { kappa_e = 2.0; };\n");
  fclose(fp);
  rs_error err;
  CHECK(rs_compare_profile_thesis(NULL, 0, file, 2025.0, 1, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "nobase.cfg");
  CHECK_STR_CONTAINS(err.msg, "names no base");
  snprintf(file, sizeof file, "%s/no_such_scenario.cfg", dir);
  CHECK(rs_compare_profile_thesis(NULL, 0, file, 2025.0, 1, &err) == RS_ERR_IO);
  CHECK_STR_CONTAINS(err.msg, "no_such_scenario.cfg");
  CHECK(rs_compare_profile_thesis(NULL, 0, "params/scenarios/no_regionalization.cfg", 2001.0, 1,
                                  &err) == RS_ERR_INPUT);
  CHECK(rs_compare_profile_thesis(NULL, 0, "params/scenarios/no_regionalization.cfg", 2025.0, 1,
                                  &err) == RS_OK);
}

int main(void) {
  const char *t = getenv("RELSIM_TEST_TMP");
  snprintf(tmpdir, sizeof tmpdir, "%s/compare", t && t[0] ? t : "/tmp/relsim-test");
  /* the tables do not depend on gnuplot; the images are the CLI test's business */
  setenv("RELSIM_GNUPLOT", "/nonexistent/gnuplot", 1);
  RUN(every_shipped_scenario_loads_and_runs_to_2025);
  RUN(no_regionalization_keeps_the_asian_network_at_zero);
  RUN(no_bubble_equals_the_reference_before_1986);
  RUN(compare_csv_has_one_row_per_scenario_and_indicator);
  RUN(compare_md_has_the_key_tables_and_the_jcer_forecast);
  RUN(the_shipped_forecast_gives_the_period_averages_of_sec_6);
  RUN(the_tables_and_figures_show_whatever_the_forecast_file_holds);
  RUN(a_malformed_forecast_file_is_reported_with_its_line);
  RUN(a_missing_default_forecast_leaves_the_comparison_without_it);
  RUN(serial_and_parallel_runs_write_identical_tables);
  RUN(series_mean_is_the_trapezoid_rule);
  RUN(stats_are_nan_where_the_run_does_not_reach);
  RUN(every_run_takes_the_reference_span);
  RUN(load_errors_name_the_file_and_line);
  RUN(a_band_is_written_to_the_tables_and_figures);
  RUN(a_scenario_that_changes_nothing_has_no_thesis_difference);
  RUN(no_regionalization_along_a_profile_gives_finite_differences);
  RUN(a_thesis_scenario_without_a_base_or_file_is_an_error_naming_it);
  return CHECK_DONE();
}
