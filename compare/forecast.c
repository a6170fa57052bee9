/* compare/forecast.c -- the JCER forecast of sec. 6, read from its data file.
 * This file contains rs_forecast_load (the CSV file with its quote line: every error names the
 * file and the line), rs_forecast_mean (exact time averages of a reading's piecewise linear
 * path) and rs_compare_set_forecast (the file a comparison draws, optional when it is the
 * default). The figures of the forecast live only in the file; compare.c draws and tabulates
 * whatever the file holds. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h> /* access: is the default file there at all? */

#include "compare.h"

#define FC_LINE_MAX 4096
#define FC_GROWTH_MAX 0.2 /* 1/yr: beyond it the file is surely in percent, not in 1/yr */

static const char fc_header[] = "reading,from,to,growth_start,growth_end";
static const char *const fc_names[RS_NFC] = {"natural", "declining"};

const char *rs_forecast_reading_name(int reading) {
  return reading >= 0 && reading < RS_NFC ? fc_names[reading] : "?";
}

/* The text after "quote:" when the comment line text (after '#') is the quote line, else NULL. */
static const char *quote_text(const char *text) {
  text += strspn(text, " \t");
  if (strncmp(text, "quote:", 6) != 0) return NULL;
  text += 6;
  return text + strspn(text, " \t");
}

/* One period line "reading,from,to,growth_start,growth_end" into f; errors "PATH:LINE: ...". */
static rs_status read_period(const char *path, int lineno, char **fld, int nf, rs_forecast *f,
                             rs_error *err) {
  static const char *const col[] = {"reading", "from", "to", "growth_start", "growth_end"};
  char b1[32], b2[32];
  if (nf != 5)
    return rs_fail(err, RS_ERR_INPUT, "%s:%d: %d fields, want 5: %s", path, lineno, nf < 0 ? 0 : nf,
                   fc_header);
  int r = -1;
  for (int k = 0; k < RS_NFC; k++)
    if (strcmp(fld[0], fc_names[k]) == 0) r = k;
  if (r < 0)
    return rs_fail(err, RS_ERR_INPUT, "%s:%d: unknown reading '%.64s' (natural or declining)", path,
                   lineno, fld[0]);
  double v[5];
  for (int k = 1; k < 5; k++)
    if (!rs_parse_double(fld[k], &v[k]))
      return rs_fail(err, RS_ERR_INPUT, "%s:%d: %s '%.64s' is not a number", path, lineno, col[k],
                     fld[k]);
  if (!(v[1] >= 1900.0 && v[2] <= 2200.0 && v[1] < v[2]))
    return rs_fail(err, RS_ERR_INPUT, "%s:%d: period %s-%s: want 1900 <= from < to <= 2200", path,
                   lineno, rs_format_number(v[1], b1), rs_format_number(v[2], b2));
  for (int k = 3; k < 5; k++)
    if (!(fabs(v[k]) < FC_GROWTH_MAX))
      return rs_fail(err, RS_ERR_INPUT,
                     "%s:%d: %s %s is not a plausible growth rate in 1/yr (0.001 = 0.1 %% a "
                     "year; want |growth| < 0.2)",
                     path, lineno, col[k], rs_format_number(v[k], b1));
  rs_forecast_reading *rd = &f->reading[r];
  if (rd->n > 0 && v[1] != rd->p[rd->n - 1].to)
    return rs_fail(err, RS_ERR_INPUT,
                   "%s:%d: reading %s: the period starts in %s, but the previous one ended in %s "
                   "(the periods of a reading follow each other without gaps or overlaps)",
                   path, lineno, fc_names[r], rs_format_number(v[1], b1),
                   rs_format_number(rd->p[rd->n - 1].to, b2));
  if (rd->n == RS_FORECAST_MAXP)
    return rs_fail(err, RS_ERR_INPUT, "%s:%d: reading %s: more than %d periods", path, lineno,
                   fc_names[r], RS_FORECAST_MAXP);
  rd->p[rd->n++] = (rs_forecast_period){v[1], v[2], v[3], v[4]};
  return RS_OK;
}

rs_status rs_forecast_load(const char *path, rs_forecast *f, rs_error *err) {
  if (!f) return rs_fail(err, RS_ERR_INPUT, "forecast: nowhere to load it");
  memset(f, 0, sizeof *f);
  if (!path || !path[0]) return rs_fail(err, RS_ERR_INPUT, "forecast: no file name");
  FILE *fp = NULL;
  rs_error oe;
  if (rs_input_open(path, RS_INPUT_TABLE, &fp, &oe) != RS_OK)
    return rs_fail(err, RS_ERR_IO, "cannot read the forecast: %s", oe.msg);
  rs_status st = RS_OK;
  char *line = NULL;
  size_t line_cap = 0;
  int lineno = 0, header = 0, quote_line = 0;
  long got;
  while (st == RS_OK &&
         (got = rs_input_getline(fp, &line, &line_cap, path, lineno + 1, err)) >= 0) {
    lineno++;
    if (got >= FC_LINE_MAX - 1) {
      st = rs_fail(err, RS_ERR_INPUT, "%s:%d: line longer than %d characters", path, lineno,
                   FC_LINE_MAX - 2);
      break;
    }
    line[strcspn(line, "\r\n")] = '\0';
    const char *text = line + strspn(line, " \t");
    if (text[0] == '#') {
      const char *q = quote_text(text + 1);
      if (q && quote_line)
        st = rs_fail(err, RS_ERR_INPUT, "%s:%d: a second quote line (the first is line %d)", path,
                     lineno, quote_line);
      else if (q && !rs_snprintf_fits(f->quote, sizeof f->quote, "%s", q))
        st = rs_fail(err, RS_ERR_INPUT, "%s:%d: the quote is longer than %zu characters", path,
                     lineno, sizeof f->quote - 1);
      else if (q)
        quote_line = lineno;
      continue;
    }
    if (!text[0]) continue;
    char *fld[6];
    int nf = rs_csv_split(line, fld, 5);
    if (!header) {
      int ok = nf == 5;
      static const char *const want[] = {"reading", "from", "to", "growth_start", "growth_end"};
      for (int k = 0; ok && k < 5; k++) ok = strcmp(fld[k], want[k]) == 0;
      if (!ok)
        st = rs_fail(err, RS_ERR_INPUT, "%s:%d: want the header line '%s' before the periods", path,
                     lineno, fc_header);
      header = 1;
      continue;
    }
    st = read_period(path, lineno, fld, nf, f, err);
  }
  if (st == RS_OK && got == -2) st = RS_ERR_INPUT;
  free(line);
  fclose(fp);
  if (st == RS_OK && !header)
    st = rs_fail(err, RS_ERR_INPUT, "%s: no header line '%s'", path, fc_header);
  else if (st == RS_OK && f->reading[RS_FC_NATURAL].n == 0)
    st = rs_fail(err, RS_ERR_INPUT, "%s: no period of the natural reading", path);
  else if (st == RS_OK && !quote_line)
    st = rs_fail(err, RS_ERR_INPUT,
                 "%s: no comment line '# quote: ...' (the paper's words the forecast reads)", path);
  if (st != RS_OK) {
    memset(f, 0, sizeof *f);
    return st;
  }
  snprintf(f->file, sizeof f->file, "%s", path);
  return RS_OK;
}

/* The integral of the growth of period p over [a, b] within it (linear: the trapezoid rule is
 * exact). */
static double period_integral(const rs_forecast_period *p, double a, double b) {
  double slope = (p->g_end - p->g_start) / (p->to - p->from);
  double ga = p->g_start + slope * (a - p->from), gb = p->g_start + slope * (b - p->from);
  return 0.5 * (ga + gb) * (b - a);
}

double rs_forecast_mean(const rs_forecast_reading *r, double y1, double y2) {
  if (!r || r->n < 1 || !(y1 <= y2) || y1 < r->p[0].from || y2 > r->p[r->n - 1].to)
    return (double)NAN;
  if (y1 == y2) { /* the value: in the last period that starts at or before y1 */
    int k = 0;
    while (k + 1 < r->n && y1 >= r->p[k + 1].from) k++;
    const rs_forecast_period *p = &r->p[k];
    return p->g_start + (p->g_end - p->g_start) * (y1 - p->from) / (p->to - p->from);
  }
  double sum = 0.0;
  for (int k = 0; k < r->n; k++) {
    double a = fmax(y1, r->p[k].from), b = fmin(y2, r->p[k].to);
    if (b > a) sum += period_integral(&r->p[k], a, b);
  }
  return sum / (y2 - y1);
}

rs_status rs_compare_set_forecast(rs_compare *c, const char *file, int optional, int *missing,
                                  rs_error *err) {
  if (missing) *missing = 0;
  if (!c) return rs_fail(err, RS_ERR_INPUT, "compare: no comparison");
  memset(&c->forecast, 0, sizeof c->forecast);
  /* only a default file that is not there at all is optional: one that is there but cannot be
   * read or is malformed is an error the user should see */
  if (optional && file && file[0] && access(file, F_OK) != 0 && errno == ENOENT) {
    if (missing) *missing = 1;
    return RS_OK;
  }
  return rs_forecast_load(file, &c->forecast, err);
}
