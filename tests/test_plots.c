/* tests/test_plots.c -- the figures of a run: gnuplot scripts, axis labels, the paper's
 * figures, images made by gnuplot, and what happens without gnuplot or with a broken one.
 * Each test builds a synthetic series.csv (every column, 1955..2000, smooth made-up values
 * shaped like the paper's story) in its own directory under $RELSIM_TEST_TMP. */
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model.h"
#include "plots.h"

static const char *script_names[] = {
    "overview", "panel_tfp",      "panel_investment",    "panel_ties",
    "panel_rd", "panel_startups", "panel_net_relational"};
#define NSCRIPTS ((int)(sizeof script_names / sizeof script_names[0]))

/* ---------------------------------------------------------------- fixtures */

/* A smooth made-up value of indicator ind in year t, roughly the shape of the paper's story. */
static double synth(int ind, double t) {
  double x = (t - 1955.0) / 45.0; /* 0..1 */
  double up = 1.0 / (1.0 + exp(-(t - 1968.0) / 6.0));
  double b = 0.03 * (1.0 - up), c = 0.025 * up;
  switch (ind) {
    case RS_I_A:
      return 0.61 + 0.40 * up;
    case RS_I_K:
      return 1.0 + 8.0 * x;
    case RS_I_S:
      return 0.20 + 0.20 * exp(-pow((t - 1973.0) / 10.0, 2));
    case RS_I_R:
      return 0.50 + 0.30 * up;
    case RS_I_G:
      return 1.2 * pow(x, 3);
    case RS_I_RDB:
      return 0.01 + 0.015 * x;
    case RS_I_E:
      return 0.035 + 0.035 * exp(-pow((t - 1972.0) / 12.0, 2));
    case RS_I_F:
      return 1.0 + 0.5 * x;
    case RS_I_Y:
      return exp(2.0 * x);
    case RS_I_RET:
      return 0.34 - 0.22 * up;
    case RS_I_TFP_GROWTH:
      return 0.03 * (1.0 - up);
    case RS_I_GDP_GROWTH:
      return 0.09 * (1.0 - x);
    case RS_I_MPK:
      return 1.2 * (1.0 - up);
    case RS_I_RD_TOTAL:
      return 0.015 + 0.017 * x;
    case RS_I_RD_INV_SHARE:
      return 0.1;
    case RS_I_BASIC_SHARE:
      return 0.13;
    case RS_I_INDEP_SHARE:
      return 0.5 - 0.4 * x;
    case RS_I_CLOSURE:
      return 0.035 + 0.01 * x;
    case RS_I_NET_RELATIONAL:
      return b - c;
    case RS_I_BENEFIT:
      return b;
    case RS_I_COST:
      return c;
    case RS_I_PRESSURE:
      return c > b ? c - b : 0.0;
    case RS_I_RD_PUBLIC:
      return 0.005 + 0.002 * x;
    default:
      return 0.5;
  }
}

/* Remove the files in path (not recursive); missing path is fine. */
static void clear_dir(const char *path) {
  DIR *d = opendir(path);
  if (!d) return;
  struct dirent *de;
  char f[4096];
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
      continue;
    snprintf(f, sizeof f, "%s/%s", path, de->d_name);
    unlink(f);
  }
  closedir(d);
}

/* A fresh run directory $RELSIM_TEST_TMP/plots_<name> holding series.csv (without the column
 * skip, if not NULL) and no plots/ files. */
static void make_run(const char *name, const char *skip, char *dir, size_t n) {
  const char *root = getenv("RELSIM_TEST_TMP");
  char sub[4200];
  snprintf(dir, n, "%s/plots_%s", root && root[0] ? root : "/tmp", name);
  CHECK(rs_mkdir_p(dir, NULL) == RS_OK);
  snprintf(sub, sizeof sub, "%s/plots", dir);
  clear_dir(sub);
  clear_dir(dir);
  snprintf(sub, sizeof sub, "%s/series.csv", dir);
  FILE *fp = fopen(sub, "w");
  CHECK(fp != NULL);
  if (!fp) return;
  fprintf(fp, "# relsim %s series.csv; units: year [yr]", RS_VERSION);
  for (int i = 0; i < RS_NINDICATOR; i++)
    fprintf(fp, ", %s [%s]", rs_indicator_info_get(i)->name, rs_indicator_info_get(i)->units);
  fprintf(fp, "\nyear");
  for (int i = 0; i < RS_NINDICATOR; i++)
    if (!skip || strcmp(skip, rs_indicator_info_get(i)->name) != 0)
      fprintf(fp, ",%s", rs_indicator_info_get(i)->name);
  fprintf(fp, "\n");
  for (int k = 0; k <= 45 * 4; k++) {
    double t = 1955.0 + 0.25 * k;
    fprintf(fp, "%.17g", t);
    for (int i = 0; i < RS_NINDICATOR; i++)
      if (!skip || strcmp(skip, rs_indicator_info_get(i)->name) != 0)
        fprintf(fp, ",%.17g", synth(i, t));
    fprintf(fp, "\n");
  }
  fclose(fp);
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

static char *read_plot_file(const char *dir, const char *name, const char *ext, size_t *len) {
  char path[4300];
  snprintf(path, sizeof path, "%s/plots/%s.%s", dir, name, ext);
  return slurp(path, len);
}

/* Number of files in dir/plots whose name contains part. */
static int count_files(const char *dir, const char *part) {
  char path[4200];
  snprintf(path, sizeof path, "%s/plots", dir);
  DIR *d = opendir(path);
  if (!d) return 0;
  int n = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL)
    if (strstr(de->d_name, part)) n++;
  closedir(d);
  return n;
}

/* Number of non-overlapping occurrences of needle in hay. */
static int count_str(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
  return n;
}

/* The text of datablock name in script s ("" if absent), into out of size n. */
static void datablock(const char *s, const char *name, char *out, size_t n) {
  char head[128];
  snprintf(head, sizeof head, "%s << EOD\n", name);
  out[0] = '\0';
  const char *p = strstr(s, head);
  if (!p) return;
  p += strlen(head);
  const char *end = strstr(p, "\nEOD\n");
  if (!end) return;
  snprintf(out, n, "\n%.*s\n", (int)(end - p), p);
}

static rs_status run_plots(const char *dir, const char *gnuplot, rs_plots_report *rep) {
  const rs_plot_point *pts;
  int n = rs_plots_paper_points(&pts);
  if (gnuplot)
    setenv("RELSIM_GNUPLOT", gnuplot, 1);
  else
    unsetenv("RELSIM_GNUPLOT");
  rs_error err = {{0}};
  rs_status st = rs_plots_run(dir, pts, n, rep, &err);
  if (st != RS_OK) fprintf(stderr, "rs_plots_run: %s\n", err.msg);
  return st;
}

/* 1 when the default gnuplot (PATH) made every image in dir; prints a note if gnuplot is
 * missing, so that the image tests are seen to be skipped. */
static int rendered_with_real_gnuplot(const char *dir, rs_plots_report *rep) {
  CHECK(run_plots(dir, NULL, rep) == RS_OK);
  if (!rep->gnuplot[0]) {
    printf("note: gnuplot not found, image checks skipped (%s)\n", rep->why_not);
    return 0;
  }
  return 1;
}

/* ---------------------------------------------------------------- tests */

static void paper_points_should_name_model_columns_and_cite_the_paper(void) {
  const rs_plot_point *pts = NULL;
  int n = rs_plots_paper_points(&pts);
  CHECK(n >= 12);
  CHECK(pts != NULL);
  int cameron = 0;
  for (int i = 0; i < n; i++) {
    CHECK(rs_indicator_find(pts[i].indicator) >= 0);
    CHECK_STR_CONTAINS(pts[i].label, "sec.");
    CHECK(isfinite(pts[i].value) || (isfinite(pts[i].lo) && isfinite(pts[i].hi)));
    if (strcmp(pts[i].indicator, "a_mfg") == 0) cameron++;
  }
  CHECK(cameron == 4);
}

static void scripts_should_be_written_and_read_series_csv_without_gnuplot(void) {
  char dir[4096];
  make_run("nognuplot", NULL, dir, sizeof dir);
  rs_plots_report rep;
  CHECK(run_plots(dir, "/nonexistent", &rep) == RS_OK);
  CHECK(rep.nscripts == NSCRIPTS);
  CHECK(rep.nimages == 0);
  CHECK(rep.rendered == 0);
  CHECK(rep.gnuplot[0] == '\0');
  CHECK_STR_CONTAINS(rep.why_not, "gnuplot not found");
  CHECK_STR_CONTAINS(rep.why_not, "RELSIM_GNUPLOT");
  for (int i = 0; i < NSCRIPTS; i++) {
    char *s = read_plot_file(dir, script_names[i], "gp", NULL);
    CHECK(s != NULL);
    if (!s) continue;
    char first[128];
    snprintf(first, sizeof first, "# %s.gp -- ", script_names[i]);
    CHECK(strncmp(s, first, strlen(first)) == 0);
    CHECK_STR_CONTAINS(s, "data = \"../series.csv\"");
    CHECK_STR_CONTAINS(s, "using \"year\":");
    char ob[128];
    snprintf(ob, sizeof ob, "if (!exists(\"outbase\")) outbase = \"%s\"", script_names[i]);
    CHECK_STR_CONTAINS(s, ob);
    CHECK_STR_CONTAINS(s, "set output outbase.\".\".ext");
    CHECK_STR_CONTAINS(s, "pngcairo");
    CHECK_STR_CONTAINS(s, "pdfcairo");
    free(s);
  }
  CHECK(count_files(dir, ".png") == 0);
  CHECK(count_files(dir, ".pdf") == 0);
  CHECK(count_files(dir, ".tmp.") == 0);
}

/* Every panel: one "set xlabel" saying year and one "set ylabel" with [units]; right axes too. */
static void every_axis_should_carry_a_label_with_units(void) {
  char dir[4096];
  make_run("labels", NULL, dir, sizeof dir);
  rs_plots_report rep;
  CHECK(run_plots(dir, "/nonexistent", &rep) == RS_OK);
  for (int i = 0; i < NSCRIPTS; i++) {
    char *s = read_plot_file(dir, script_names[i], "gp", NULL);
    CHECK(s != NULL);
    if (!s) continue;
    int nplot = count_str(s, "\n  plot ");
    CHECK(nplot == (i == 0 ? 6 : 1));
    CHECK(count_str(s, "set xlabel \"year\"") == nplot);
    CHECK(count_str(s, "set ylabel \"") == nplot);
    for (const char *p = s; (p = strstr(p, "label \"")) != NULL; p++) {
      if (p[-1] != 'y' && p[-2] != 'y') continue; /* ylabel and y2label lines */
      const char *eol = strchr(p, '\n');
      const char *open = strchr(p, '[');
      CHECK(open && eol && open < eol && strchr(open, ']') < eol);
    }
    if (i == 0 || strcmp(script_names[i], "panel_ties") == 0)
      CHECK(count_str(s, "set y2label \"") == 1);
    free(s);
  }
  char *s = read_plot_file(dir, "panel_rd", "gp", NULL);
  CHECK_STR_CONTAINS(s, "% of GDP]");
  CHECK_STR_CONTAINS(s, "(100*column(\"rd_total\"))");
  free(s);
  s = read_plot_file(dir, "panel_startups", "gp", NULL);
  CHECK_STR_CONTAINS(s, "% per year]");
  free(s);
  s = read_plot_file(dir, "panel_tfp", "gp", NULL);
  CHECK_STR_CONTAINS(s, "set ylabel \"TFP relative to the US [US = 1]\"");
  free(s);
}

static void overview_datablocks_should_hold_the_paper_figures(void) {
  char dir[4096], blk[4096];
  make_run("datablocks", NULL, dir, sizeof dir);
  rs_plots_report rep;
  CHECK(run_plots(dir, "/nonexistent", &rep) == RS_OK);
  char *s = read_plot_file(dir, "overview", "gp", NULL);
  CHECK(s != NULL);
  if (!s) return;
  datablock(s, "$paper_a_mfg", blk, sizeof blk);
  CHECK_STR_CONTAINS(blk, "\n1955,0.61,\"Cameron (sec. 2)\"\n");
  CHECK_STR_CONTAINS(blk, "\n1973,0.867,");
  CHECK_STR_CONTAINS(blk, "\n1980,1.011,");
  CHECK_STR_CONTAINS(blk, "\n1990,0.988,");
  datablock(s, "$paper_s", blk, sizeof blk);
  CHECK_STR_CONTAINS(blk, "\n1973,0.41,");
  datablock(s, "$paper_r", blk, sizeof blk);
  CHECK_STR_CONTAINS(blk, "\n1955,0.34,");
  CHECK_STR_CONTAINS(blk, "\n1970,0.18,");
  datablock(s, "$paper_G", blk, sizeof blk);
  CHECK_STR_CONTAINS(blk, "\n1995,1,");
  datablock(s, "$paper_rd_total", blk, sizeof blk);
  CHECK_STR_CONTAINS(blk, "\n1990,0.0285,");
  CHECK_STR_CONTAINS(blk, "\n1998,0.0306,");
  datablock(s, "$paper_e_span", blk, sizeof blk);
  CHECK_STR_CONTAINS(blk, "\n1970,1974,0.07,");
  datablock(s, "$paper_e_range", blk, sizeof blk);
  CHECK_STR_CONTAINS(blk, "\n2000,0.03,0.04,");
  /* one key entry for the paper on each of the five panels that carry its figures */
  CHECK(count_str(s, "title \"paper (Hatch 2001)\"") == 5);
  CHECK_STR_CONTAINS(s, "$paper_G using 1:(1*$2) axes x1y2 with points");
  CHECK_STR_CONTAINS(s, "$paper_e_span using 1:(100*$3):($2-$1):(0) axes x1y1 with vectors");
  CHECK_STR_CONTAINS(s, "$paper_e_range using 1:(100*$2):(0):(100*($3-$2)) axes x1y1 with vectors");
  free(s);
  s = read_plot_file(dir, "panel_tfp", "gp", NULL);
  CHECK_STR_CONTAINS(s, "$paper_a_mfg << EOD\n1955,0.61,");
  CHECK(count_str(s, "title \"paper (Hatch 2001)\"") == 1);
  CHECK(strstr(s, "$paper_e") == NULL);
  free(s);
}

static void user_points_should_go_on_the_panel_of_their_column(void) {
  char dir[4096], blk[4096];
  make_run("userpoints", NULL, dir, sizeof dir);
  rs_plot_point pts[3] = {
      {"closure", 1993, (double)NAN, 0.05, 0.04, 0.06, "test, with \"quotes\""},
      {"nonexistent", 1990, (double)NAN, 1.0, (double)NAN, (double)NAN, "nowhere"},
      {"net_relational", 1960, 1970, 0.01, (double)NAN, (double)NAN, "span"},
  };
  setenv("RELSIM_GNUPLOT", "/nonexistent", 1);
  rs_plots_report rep;
  rs_error err = {{0}};
  CHECK(rs_plots_run(dir, pts, 3, &rep, &err) == RS_OK);
  char *s = read_plot_file(dir, "panel_startups", "gp", NULL);
  CHECK(s != NULL);
  if (!s) return;
  datablock(s, "$paper_closure", blk, sizeof blk);
  CHECK_STR_CONTAINS(blk, "\n1993,0.05,\"test; with  quotes \"\n");
  datablock(s, "$paper_closure_range", blk, sizeof blk);
  CHECK_STR_CONTAINS(blk, "\n1993,0.04,0.06,");
  CHECK(strstr(s, "$paper_a") == NULL);
  CHECK(count_str(s, "title \"paper (Hatch 2001)\"") == 1);
  free(s);
  s = read_plot_file(dir, "panel_net_relational", "gp", NULL);
  datablock(s, "$paper_net_relational_span", blk, sizeof blk);
  CHECK_STR_CONTAINS(blk, "\n1960,1970,0.01,\"span\"\n");
  free(s);
  for (int i = 0; i < NSCRIPTS; i++) {
    s = read_plot_file(dir, script_names[i], "gp", NULL);
    CHECK(s && strstr(s, "nonexistent") == NULL && strstr(s, "nowhere") == NULL);
    free(s);
  }
}

static void a_missing_series_file_or_column_should_be_an_error(void) {
  char dir[4096], path[4200];
  make_run("missing", NULL, dir, sizeof dir);
  snprintf(path, sizeof path, "%s/series.csv", dir);
  unlink(path);
  rs_plots_report rep;
  rs_error err = {{0}};
  setenv("RELSIM_GNUPLOT", "/nonexistent", 1);
  CHECK(rs_plots_run(dir, NULL, 0, &rep, &err) == RS_ERR_IO);
  CHECK_STR_CONTAINS(err.msg, "series.csv");
  CHECK(rep.nscripts == 0);

  make_run("nocolumn", "closure", dir, sizeof dir);
  CHECK(rs_plots_run(dir, NULL, 0, &rep, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "'closure'");
  CHECK(rs_plots_run(NULL, NULL, 0, &rep, &err) == RS_ERR_INPUT);
}

static int has_magic(const char *dir, const char *name, const char *ext, const char *magic,
                     size_t n) {
  size_t len = 0;
  char *s = read_plot_file(dir, name, ext, &len);
  int ok = s && len > 1000 && memcmp(s, magic, n) == 0;
  free(s);
  return ok;
}

static void gnuplot_should_make_a_png_and_a_pdf_of_every_script(void) {
  char dir[4096];
  make_run("images", NULL, dir, sizeof dir);
  rs_plots_report rep;
  if (!rendered_with_real_gnuplot(dir, &rep)) return;
  CHECK(rep.rendered == 1);
  CHECK(rep.nimages == 2 * NSCRIPTS);
  CHECK(rep.why_not[0] == '\0');
  if (rep.why_not[0]) fprintf(stderr, "why_not: %s\n", rep.why_not);
  for (int i = 0; i < NSCRIPTS; i++) {
    CHECK(has_magic(dir, script_names[i], "png", "\x89PNG\r\n\x1a\n", 8));
    CHECK(has_magic(dir, script_names[i], "pdf", "%PDF-", 5));
  }
  CHECK(count_files(dir, ".tmp") == 0);
}

/* Run gnuplot on one script in dir/plots as a user would; 1 if it exited 0 and said nothing
 * on stderr (no warnings: every column and datablock read). */
static int runs_standalone(const char *dir, const char *script, const char *gnuplot) {
  char plotdir[4200], errpath[4300];
  snprintf(plotdir, sizeof plotdir, "%s/plots", dir);
  snprintf(errpath, sizeof errpath, "%s/standalone.err", dir);
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || dup2(fd, 2) < 0 || chdir(plotdir) != 0) _exit(126);
    execl(gnuplot, "gnuplot", script, (char *)NULL);
    _exit(127);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) < 0) return 0;
  size_t len = 0;
  char *err = slurp(errpath, &len);
  if (len) fprintf(stderr, "%s said: %s\n", script, err);
  free(err);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 && len == 0;
}

static void scripts_should_run_standalone_without_warnings(void) {
  char dir[4096];
  make_run("standalone", NULL, dir, sizeof dir);
  rs_plots_report rep;
  if (!rendered_with_real_gnuplot(dir, &rep)) return;
  char gp[512];
  snprintf(gp, sizeof gp, "%s", rep.gnuplot);
  clear_dir(dir); /* keeps plots/ (a directory) */
  make_run("standalone", NULL, dir, sizeof dir);
  CHECK(run_plots(dir, "/nonexistent", &rep) == RS_OK);
  for (int i = 0; i < NSCRIPTS; i++) {
    char script[64];
    snprintf(script, sizeof script, "%s.gp", script_names[i]);
    CHECK(runs_standalone(dir, script, gp));
    CHECK(has_magic(dir, script_names[i], "png", "\x89PNG\r\n\x1a\n", 8));
    CHECK(has_magic(dir, script_names[i], "pdf", "%PDF-", 5));
  }
}

static void a_broken_gnuplot_should_leave_the_previous_images_untouched(void) {
  char dir[4096];
  make_run("broken", NULL, dir, sizeof dir);
  rs_plots_report rep;
  if (!rendered_with_real_gnuplot(dir, &rep)) return;
  CHECK(rep.rendered == 1);
  size_t npng = 0, npdf = 0, n2 = 0;
  char *png = read_plot_file(dir, "overview", "png", &npng);
  char *pdf = read_plot_file(dir, "panel_rd", "pdf", &npdf);
  CHECK(png && pdf);

  const char *broken[2] = {"/bin/false", "/bin/true"};
  for (int k = 0; k < 2; k++) {
    CHECK(run_plots(dir, broken[k], &rep) == RS_OK);
    CHECK(rep.nscripts == NSCRIPTS);
    CHECK(rep.rendered == 0);
    CHECK(rep.nimages == 0);
    CHECK_STR_CONTAINS(rep.gnuplot, broken[k]);
    CHECK_STR_CONTAINS(rep.why_not, "gnuplot failed on overview.gp");
    CHECK_STR_CONTAINS(rep.why_not, k == 0 ? "status 1" : "no overview.png was written");
    char *png2 = read_plot_file(dir, "overview", "png", &n2);
    CHECK(png2 && n2 == npng && memcmp(png, png2, npng) == 0);
    free(png2);
    char *pdf2 = read_plot_file(dir, "panel_rd", "pdf", &n2);
    CHECK(pdf2 && n2 == npdf && memcmp(pdf, pdf2, npdf) == 0);
    free(pdf2);
    CHECK(count_files(dir, ".tmp") == 0);
  }
  free(png);
  free(pdf);
}

/* A fake gnuplot that checks how it is called (in dir/plots, with -e "outbase='NAME.tmp.*'"
 * and the script name) and fails the way gnuplot does: a warning, the source line, a caret,
 * then "script" line N: message. The report gives the error, not the warning. */
static void gnuplot_errors_should_be_reported_by_their_first_line(void) {
  char dir[4096], fake[4200], log[4200];
  make_run("fake", NULL, dir, sizeof dir);
  snprintf(fake, sizeof fake, "%s/fake-gnuplot.sh", dir);
  snprintf(log, sizeof log, "%s/fake.log", dir);
  FILE *fp = fopen(fake, "w");
  CHECK(fp != NULL);
  if (!fp) return;
  fprintf(fp,
          "#!/bin/sh\n"
          "echo \"$1 $2 $3\" >> ../fake.log\n"
          "[ -f \"$3\" ] || { echo 'not in the plots directory' >&2; exit 3; }\n"
          "echo \"\\\"$3\\\" line 2: warning: Skipping data file with no valid points\" >&2\n"
          "echo '         plot foo' >&2\n"
          "echo '              ^' >&2\n"
          "echo \"\\\"$3\\\" line 7: undefined variable: foo\" >&2\n"
          "echo '' >&2\n"
          "exit 1\n");
  fclose(fp);
  chmod(fake, 0755);
  rs_plots_report rep;
  CHECK(run_plots(dir, fake, &rep) == RS_OK);
  CHECK(rep.rendered == 0);
  CHECK(rep.nimages == 0);
  CHECK_STR_CONTAINS(rep.why_not,
                     "gnuplot failed on overview.gp: \"overview.gp\" line 7: undefined variable");
  char *s = slurp(log, NULL);
  CHECK_STR_CONTAINS(s, "-e outbase='overview.tmp.");
  CHECK_STR_CONTAINS(s, "' overview.gp\n");
  CHECK_STR_CONTAINS(s, "' panel_net_relational.gp\n");
  CHECK(count_str(s ? s : "", "\n") == NSCRIPTS);
  free(s);
  CHECK(count_files(dir, ".tmp") == 0);
}

int main(void) {
  RUN(paper_points_should_name_model_columns_and_cite_the_paper);
  RUN(scripts_should_be_written_and_read_series_csv_without_gnuplot);
  RUN(every_axis_should_carry_a_label_with_units);
  RUN(overview_datablocks_should_hold_the_paper_figures);
  RUN(user_points_should_go_on_the_panel_of_their_column);
  RUN(a_missing_series_file_or_column_should_be_an_error);
  RUN(gnuplot_should_make_a_png_and_a_pdf_of_every_script);
  RUN(scripts_should_run_standalone_without_warnings);
  RUN(a_broken_gnuplot_should_leave_the_previous_images_untouched);
  RUN(gnuplot_errors_should_be_reported_by_their_first_line);
  return CHECK_DONE();
}
