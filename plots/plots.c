/* plots/plots.c -- gnuplot scripts and figures of a run, drawn from series.csv.
 * This file contains the panel definitions (which indicators go on which panel, in which
 * units), the paper's figures drawn on them, the writer of the gnuplot scripts and the runner
 * that turns each script into a PNG and a PDF. Files written into DIR/plots:
 *
 *   overview.gp              six panels in one figure (2 rows x 3 columns)
 *   panel_tfp.gp             (1) relative TFP, manufacturing a_m with Cameron's four points
 *                            and the whole economy a
 *   panel_investment.gp      (2) investment rate s and gross return on capital r
 *   panel_ties.gp            (3) relational ties R (left axis) and the Asian network G (right)
 *   panel_rd.gp              (4) national, business and government R&D
 *   panel_startups.gp        (5) start-up rate e and closure rate
 *   panel_net_relational.gp  (6) net relational effect B - C, with B and C dashed
 *
 * and, when gnuplot runs, NAME.png (screen: 1600x1200 for the overview, 1200x800 for a panel)
 * and NAME.pdf (papers: A4 landscape for the overview, 16 x 11 cm for a panel) beside each.
 *
 * Every script is self-contained: it reads the model lines from ../series.csv by column name
 * (`using "year":"a"`; gnuplot skips the '#' line and takes the first other line as the header),
 * carries the paper's figures as datablocks, and writes outbase.png and outbase.pdf, where
 * outbase defaults to the script's own name and may be set with gnuplot -e "outbase='x'".
 * rs_plots_run writes the scripts atomically, then runs gnuplot on each with a temporary
 * outbase and renames the images to their final names only when gnuplot succeeded, so a
 * failure never leaves half-written images and never replaces good ones. */
#define _POSIX_C_SOURCE 200809L

#include "plots.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h> /* SIGKILL */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/prctl.h> /* PR_SET_PDEATHSIG (Linux) */
#include <sys/wait.h>
#include <unistd.h>

#include "model.h"

/* ---------------------------------------------------------------- panel definitions */

/* Line styles, the same in every script so that a colour means the same role everywhere:
 * 1 blue (the panel's main quantity), 2 vermillion (the second), 3 green (the third), 4 and 5
 * green and vermillion dashed (components), 9 black (the paper's figures), 10 grey dashed
 * (reference lines). Okabe-Ito colours, readable with colour-blindness and in grey print. */
enum { LS_MAIN = 1, LS_SECOND = 2, LS_THIRD = 3, LS_DASH_GREEN = 4, LS_DASH_RED = 5 };

/* One model line on a panel. */
typedef struct series_def {
  int ind;         /* rs_indicator: the series.csv column */
  int axis;        /* 1: left y axis, 2: right y axis */
  int style;       /* line style, LS_* */
  const char *key; /* key entry; NULL: the indicator's label (with its column name when the
                      axis label lists column names, see axis_names_series) */
} series_def;

#define PANEL_MAX_SERIES 4

/* One panel: a figure of its own and one cell of the overview. */
typedef struct panel_def {
  const char *name;    /* file base name in DIR/plots */
  const char *title;   /* panel title */
  const char *ytitle;  /* left-axis quantity, units appended from the indicator table; NULL:
                          the axis is labelled "col [units], col [units]" */
  const char *y2title; /* right-axis quantity, NULL if there is no right axis */
  const char *yrange;  /* gnuplot range of the left axis, in plotted units ("[0:1.2<*]":
                          autoscaled, but up to at least 1.2) */
  const char *y2range; /* same, right axis */
  const char *extra;   /* further settings (reference lines), or NULL */
  int nseries;
  series_def series[PANEL_MAX_SERIES];
} panel_def;

static const panel_def panels[] = {
    {.name = "panel_tfp",
     .title = "Relative TFP: catch-up to the US frontier",
     .ytitle = "TFP relative to the US",
     .yrange = "[*:1.05<*]", /* parity and Cameron's 1.011 below the top */
     .extra = "set arrow from graph 0, first 1 to graph 1, first 1 nohead ls 10 back\n"
              "set label \"US level\" at graph 0.02, first 1 offset 0, 0.6 left "
              "textcolor rgb \"gray40\"\n",
     .nseries = 2,
     .series = {{RS_I_A_MFG, 1, LS_MAIN, "manufacturing a_m"},
                {RS_I_A, 1, LS_SECOND, "whole economy a"}}},
    {.name = "panel_investment",
     .title = "Over-investment: investment rate and return on capital",
     .yrange = "[0:*]",
     .nseries = 2,
     .series = {{RS_I_S, 1, LS_MAIN, NULL}, {RS_I_RET, 1, LS_SECOND, NULL}}},
    {.name = "panel_ties",
     .title = "Relational ties and the Asian production network",
     .ytitle = "relational ties R",
     .y2title = "Asian network G",
     .yrange = "[0:1.05]",
     .y2range = "[0:1.2<*]", /* room above the paper's G(1995) = 1 */
     .nseries = 2,
     .series = {{RS_I_R, 1, LS_MAIN, "ties R (left axis)"},
                {RS_I_G, 2, LS_SECOND, "Asian network G (right axis)"}}},
    {.name = "panel_rd",
     .title = "Research and development",
     .ytitle = "R&D spending",
     .yrange = "[0:*]",
     .nseries = 3,
     .series = {{RS_I_RD_TOTAL, 1, LS_MAIN, NULL},
                {RS_I_RDB, 1, LS_SECOND, NULL},
                {RS_I_RD_PUBLIC, 1, LS_THIRD, NULL}}},
    {.name = "panel_startups",
     .title = "Entry and exit of firms",
     .ytitle = "start-ups and closures",
     .yrange = "[0:*]",
     .nseries = 2,
     .series = {{RS_I_E, 1, LS_MAIN, NULL}, {RS_I_CLOSURE, 1, LS_SECOND, NULL}}},
    {.name = "panel_net_relational",
     .title = "The flip: net relational effect on TFP growth",
     .ytitle = "effect on TFP growth",
     .yrange = "[*:*]",
     .extra = "set xzeroaxis lt 1 lc rgb \"gray30\" lw 1\n",
     .nseries = 3,
     .series = {{RS_I_NET_RELATIONAL, 1, LS_MAIN, "net effect B - C"},
                {RS_I_BENEFIT, 1, LS_DASH_GREEN, "benefit B"},
                {RS_I_COST, 1, LS_DASH_RED, "opportunity cost C"}}},
};

#define NPANELS ((int)(sizeof panels / sizeof panels[0]))

/* ---------------------------------------------------------------- the paper's figures */

static const rs_plot_point paper_points[] = {
    /* sec. 2: Cameron's index of Japan's TFP relative to the US. */
    {"a_mfg", 1955, (double)NAN, 0.61, (double)NAN, (double)NAN, "Cameron (sec. 2)"},
    {"a_mfg", 1973, (double)NAN, 0.867, (double)NAN, (double)NAN, "Cameron (sec. 2)"},
    {"a_mfg", 1980, (double)NAN, 1.011, (double)NAN, (double)NAN, "Cameron (sec. 2)"},
    {"a_mfg", 1990, (double)NAN, 0.988, (double)NAN, (double)NAN, "Cameron (sec. 2)"},
    /* sec. 2: investment as much as 41 % of GDP in 1973; return 34 % (1955), 18 % (1970). */
    {"s", 1973, (double)NAN, 0.41, (double)NAN, (double)NAN, "investment peak (sec. 2)"},
    {"r", 1955, (double)NAN, 0.34, (double)NAN, (double)NAN, "return on capital (sec. 2)"},
    {"r", 1970, (double)NAN, 0.18, (double)NAN, (double)NAN, "return on capital (sec. 2)"},
    /* sec. 3, fig. 2: manufacturing FDI to Asia in 1995 sets the network index to 1. */
    {"G", 1995, (double)NAN, 1.0, (double)NAN, (double)NAN, "FDI to Asia = 1 (sec. 3 fig. 2)"},
    /* sec. 6: national R&D 2.85 % of GDP (1990), 3.06 % (1998). */
    {"rd_total", 1990, (double)NAN, 0.0285, (double)NAN, (double)NAN, "R&D/GDP (sec. 6)"},
    {"rd_total", 1998, (double)NAN, 0.0306, (double)NAN, (double)NAN, "R&D/GDP (sec. 6)"},
    /* sec. 6, fig. 3: start-up rate 7 % in the early 1970s, under 4 % "today" (3-4 %). */
    {"e", 1970, 1974, 0.07, (double)NAN, (double)NAN, "start-ups early 1970s (sec. 6 fig. 3)"},
    {"e", 2000, (double)NAN, (double)NAN, 0.03, 0.04, "start-ups today (sec. 6 fig. 3)"},
};

int rs_plots_paper_points(const rs_plot_point **pts) {
  if (pts) *pts = paper_points;
  return (int)(sizeof paper_points / sizeof paper_points[0]);
}

/* ---------------------------------------------------------------- private prototypes */

static double ind_scale(int ind);
static void ind_units(int ind, char *out, size_t n);
static void fmt_num(double x, char buf[32]);
static int axis_names_series(const panel_def *pl, int axis);
static void axis_label(const panel_def *pl, int axis, char *out, size_t n);
static int point_on_panel(const rs_plot_point *pt, const panel_def *pl, int *series);
static void put_datablocks(rs_buf *b, const panel_def *pl, const rs_plot_point *pts, int npts);
static void put_panel(rs_buf *b, const panel_def *pl, const rs_plot_point *pts, int npts,
                      int in_grid);
static void put_script(rs_buf *b, const panel_def *only, const rs_plot_point *pts, int npts);
static rs_status check_series(const char *csv, rs_error *err);
static int find_gnuplot(char *out, size_t n);
static int fix_pdf_dates(const char *path);
static void first_error_line(FILE *fp, char *out, size_t n);
static int render(const char *gnuplot, const char *plotdir, const char *base, char *why,
                  size_t nwhy);

/* ---------------------------------------------------------------- units and labels */

/* Factor from the CSV value to the plotted value: shares of GDP and rates per year are drawn
 * in percent, everything else as it is. */
static double ind_scale(int ind) {
  const char *u = rs_indicator_info_get(ind)->units;
  return strcmp(u, "share of GDP") == 0 || strcmp(u, "1/yr") == 0 ? 100.0 : 1.0;
}

/* Units of an indicator as plotted: "% of GDP", "% per year", the note of a dimensionless
 * "1 (note)" ("US = 1"), or the units as the model states them. */
static void ind_units(int ind, char *out, size_t n) {
  const char *u = rs_indicator_info_get(ind)->units;
  size_t len = strlen(u);
  if (strcmp(u, "share of GDP") == 0)
    rs_snprintf_fits(out, n, "%% of GDP");
  else if (strcmp(u, "1/yr") == 0)
    rs_snprintf_fits(out, n, "%% per year");
  else if (len > 4 && strncmp(u, "1 (", 3) == 0 && u[len - 1] == ')')
    rs_snprintf_fits(out, n, "%.*s", (int)(len - 4), u + 3);
  else
    rs_snprintf_fits(out, n, "%s", u);
}

/* Shortest "%g" form of x that reads back to the same double, without an exponent for
 * ordinary magnitudes ("1970", not "1.97e+03"; "0.867"). */
static void fmt_num(double x, char buf[32]) {
  int plain = fabs(x) >= 1e-4 && fabs(x) < 1e15;
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, 32, "%.*g", prec, x);
    if (strtod(buf, NULL) == x && !(plain && strchr(buf, 'e'))) break;
  }
}

/* 1 if the label of a y axis (1 left, 2 right) names its series ("s [% of GDP], r [% per
 * year]"): when the panel gives no quantity for the axis or the series on it differ in units.
 * The key then names the series too, so that a reader can match lines to the axis label. */
static int axis_names_series(const panel_def *pl, int axis) {
  const char *title = axis == 1 ? pl->ytitle : pl->y2title;
  char first[64] = "", u[64];
  for (int i = 0; i < pl->nseries; i++) {
    if (pl->series[i].axis != axis) continue;
    ind_units(pl->series[i].ind, u, sizeof u);
    if (!first[0])
      rs_snprintf_fits(first, sizeof first, "%s", u);
    else if (strcmp(first, u) != 0)
      return 1;
  }
  return title == NULL;
}

/* Label of a y axis: "quantity [units]", or "a [units], b [units]" per series when
 * axis_names_series. Units come from the model's indicator table (see ind_units). */
static void axis_label(const panel_def *pl, int axis, char *out, size_t n) {
  char u[64];
  size_t len = 0;
  out[0] = '\0';
  for (int i = 0; i < pl->nseries && len < n; i++) {
    if (pl->series[i].axis != axis) continue;
    ind_units(pl->series[i].ind, u, sizeof u);
    if (!axis_names_series(pl, axis)) {
      rs_snprintf_fits(out, n, "%s [%s]", axis == 1 ? pl->ytitle : pl->y2title, u);
      return;
    }
    int k = snprintf(out + len, n - len, "%s%s [%s]", len ? ", " : "",
                     rs_indicator_info_get(pl->series[i].ind)->name, u);
    if (k < 0) break;
    len += (size_t)k;
  }
}

void rs_plots_quote(rs_buf *b, const char *s) {
  rs_buf_printf(b, "\"");
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      rs_buf_printf(b, "\\%c", c);
    else
      rs_buf_printf(b, "%c", c < 0x20 || c == 0x7f ? ' ' : c);
  }
  rs_buf_printf(b, "\"");
}

/* ---------------------------------------------------------------- the scripts */

/* 1 if pt belongs on panel pl (its indicator is one of the panel's series, and it has a value
 * or a range); *series receives the series index. */
static int point_on_panel(const rs_plot_point *pt, const panel_def *pl, int *series) {
  if (!isfinite(pt->year) || (!isfinite(pt->value) && !(isfinite(pt->lo) && isfinite(pt->hi))))
    return 0;
  for (int i = 0; i < pl->nseries; i++) {
    const char *name = rs_indicator_info_get(pl->series[i].ind)->name;
    if (strncmp(pt->indicator, name, sizeof pt->indicator) == 0) {
      *series = i;
      return 1;
    }
  }
  return 0;
}

/* The paper's figures on a panel as datablocks, values in the indicator's CSV units (the plot
 * command scales them like the model line), comma-separated like series.csv:
 *   $paper_<col>        year,value,label        points
 *   $paper_<col>_span   from,to,value,label     means over a span (segments)
 *   $paper_<col>_range  year,low,high,label     ranges (bars with end ticks)
 * A block is written only when it has rows. Commas in labels become ';' (gnuplot does not
 * honour quotes around a separator). */
static void put_datablocks(rs_buf *b, const panel_def *pl, const rs_plot_point *pts, int npts) {
  static const char *suffix[3] = {"", "_span", "_range"};
  static const char *columns[3] = {"year,value,label", "from,to,value,label",
                                   "year,low,high,label"};
  for (int s = 0; s < pl->nseries; s++) {
    const char *name = rs_indicator_info_get(pl->series[s].ind)->name;
    for (int kind = 0; kind < 3; kind++) {
      int rows = 0;
      for (int i = 0; i < npts; i++) {
        const rs_plot_point *pt = &pts[i];
        int si;
        if (!point_on_panel(pt, pl, &si) || si != s) continue;
        int span = isfinite(pt->year_end);
        int is_kind = kind == 0   ? isfinite(pt->value) && !span
                      : kind == 1 ? isfinite(pt->value) && span
                                  : isfinite(pt->lo) && isfinite(pt->hi);
        if (!is_kind) continue;
        if (rows++ == 0)
          rs_buf_printf(b, "# %s (%s)\n$paper_%s%s << EOD\n", columns[kind], name, name,
                        suffix[kind]);
        char x0[32], x1[32], v0[32], v1[32];
        double mid = span ? 0.5 * (pt->year + pt->year_end) : pt->year;
        fmt_num(kind == 2 ? mid : pt->year, x0);
        fmt_num(pt->year_end, x1);
        fmt_num(kind == 2 ? pt->lo : pt->value, v0);
        fmt_num(pt->hi, v1);
        if (kind == 0)
          rs_buf_printf(b, "%s,%s,", x0, v0);
        else if (kind == 1)
          rs_buf_printf(b, "%s,%s,%s,", x0, x1, v0);
        else
          rs_buf_printf(b, "%s,%s,%s,", x0, v0, v1);
        char label[sizeof pt->label];
        rs_snprintf_fits(label, sizeof label, "%s", pt->label);
        for (char *c = label; *c; c++)
          if (*c == ',' || *c == '"' || (unsigned char)*c < 0x20) *c = *c == ',' ? ';' : ' ';
        rs_buf_printf(b, "\"%s\"\n", label);
      }
      if (rows) rs_buf_printf(b, "EOD\n");
    }
  }
}

/* The settings and the plot command of one panel. Every panel first undoes what any panel may
 * set, so that panels can follow each other in a multiplot. */
static void put_panel(rs_buf *b, const panel_def *pl, const rs_plot_point *pts, int npts,
                      int in_grid) {
  char label[256];
  rs_buf_printf(b,
                "  unset arrow; unset label; unset xzeroaxis; unset y2tics; unset y2label\n"
                "  set ytics mirror\n"
                "  set title ");
  rs_plots_quote(b, pl->title);
  /* The key just above the plot area, the title above the key. In the overview's fixed grid
   * the key has at most three rows (see put_script) and every title sits as high as a
   * three-row key needs, so that titles align across panels; a figure of its own has a key of
   * at most two rows and a top margin to match. */
  if (in_grid) {
    rs_buf_printf(b, " offset 0, 3.6\n");
  } else {
    int nkey = pl->nseries, si;
    for (int i = 0; i < npts; i++)
      if (point_on_panel(&pts[i], pl, &si)) {
        nkey++;
        break;
      }
    double rows = nkey > 1 ? 2.0 : 1.0;
    rs_buf_printf(b, " offset 0, %.1f\n  set tmargin %.1f\n", 1.2 * rows, 1.2 * rows + 2.5);
  }
  rs_buf_printf(b, "  set key at graph 0.5, graph 1.02 center bottom");
  rs_buf_printf(b, "\n  set xlabel \"year\"\n  set ylabel ");
  axis_label(pl, 1, label, sizeof label);
  rs_plots_quote(b, label);
  rs_buf_printf(b, "\n  set yrange %s\n", pl->yrange);
  if (pl->y2title) {
    axis_label(pl, 2, label, sizeof label);
    rs_buf_printf(b, "  set ytics nomirror\n  set y2tics\n  set y2label ");
    rs_plots_quote(b, label);
    rs_buf_printf(b, "\n  set y2range %s\n", pl->y2range ? pl->y2range : "[*:*]");
  }
  if (pl->extra) {
    /* indent each line of the extra settings */
    for (const char *line = pl->extra; *line;) {
      const char *nl = strchr(line, '\n');
      int len = nl ? (int)(nl - line) : (int)strlen(line);
      rs_buf_printf(b, "  %.*s\n", len, line);
      line += len + (nl ? 1 : 0);
    }
  }

  /* Model lines first (solid, in the panel's colours), then the paper's figures in black, the
   * first of them with the key entry "paper (Hatch 2001)". */
  const char *sep = "  plot ";
  for (int s = 0; s < pl->nseries; s++) {
    const series_def *sd = &pl->series[s];
    const rs_indicator_info *info = rs_indicator_info_get(sd->ind);
    double k = ind_scale(sd->ind);
    rs_buf_printf(b, "%sdata using \"year\":", sep);
    if (k == 1.0)
      rs_buf_printf(b, "\"%s\"", info->name);
    else
      rs_buf_printf(b, "(%g*column(\"%s\"))", k, info->name);
    rs_buf_printf(b, " axes x1y%d with lines ls %d title ", sd->axis, sd->style);
    char title[128];
    if (sd->key)
      rs_snprintf_fits(title, sizeof title, "%s", sd->key);
    else if (axis_names_series(pl, sd->axis))
      rs_snprintf_fits(title, sizeof title, "%s (%s)", info->label, info->name);
    else
      rs_snprintf_fits(title, sizeof title, "%s", info->label);
    rs_plots_quote(b, title);
    sep = ", \\\n       ";
  }
  int titled = 0;
  for (int s = 0; s < pl->nseries; s++) {
    const series_def *sd = &pl->series[s];
    const char *name = rs_indicator_info_get(sd->ind)->name;
    double k = ind_scale(sd->ind);
    int have[3] = {0, 0, 0};
    for (int i = 0; i < npts; i++) {
      int si;
      if (!point_on_panel(&pts[i], pl, &si) || si != s) continue;
      int span = isfinite(pts[i].year_end);
      if (isfinite(pts[i].value)) have[span ? 1 : 0] = 1;
      if (isfinite(pts[i].lo) && isfinite(pts[i].hi)) have[2] = 1;
    }
    /* a point; a span as a segment with end ticks; a range as a vertical bar with end ticks
     * (vectors with flat heads: gnuplot's error bars break around an invisible point) */
    static const char *how[3] = {
        "using 1:(%g*$2) axes x1y%d with points ls 9",
        "using 1:(%g*$3):($2-$1):(0) axes x1y%d with vectors heads size screen 0.006,90 ls 9",
        ("using 1:(%g*$2):(0):(%g*($3-$2)) axes x1y%d with vectors heads size screen 0.006,90 "
         "ls 9")};
    static const char *suffix[3] = {"", "_span", "_range"};
    for (int kind = 0; kind < 3; kind++) {
      if (!have[kind]) continue;
      rs_buf_printf(b, "%s$paper_%s%s ", sep, name, suffix[kind]);
      if (kind < 2)
        rs_buf_printf(b, how[kind], k, sd->axis);
      else
        rs_buf_printf(b, how[kind], k, k, sd->axis);
      rs_buf_printf(b, "%s", titled++ ? " notitle" : " title \"paper (Hatch 2001)\"");
    }
  }
  rs_buf_printf(b, "\n");
}

/* A whole script: the overview (only == NULL) or the figure of one panel. */
static void put_script(rs_buf *b, const panel_def *only, const rs_plot_point *pts, int npts) {
  const char *base = only ? only->name : "overview";
  rs_buf_printf(b, "# %s.gp -- ", base);
  if (only) {
    rs_buf_printf(b, "relsim figure \"%s\": one panel of a run, ", only->title);
  } else {
    rs_buf_printf(b,
                  "relsim overview of a run in six panels: relative TFP; investment and the\n"
                  "# return on capital; relational ties and the Asian network; R&D; start-ups "
                  "and closures;\n# net relational effect B - C. ");
  }
  rs_buf_printf(
      b,
      "Model lines from ../series.csv (columns by name),\n"
      "# with the figures of Hatch (2001) in black (datablocks $paper_*, below).\n"
      "# Written by relsim %s (plots/plots.c); edit freely and re-run from this directory:\n"
      "#   cd <run directory>/plots && gnuplot %s.gp\n"
      "# It writes %s.png (%s) and %s.pdf (%s); for another base name:\n"
      "#   gnuplot -e \"outbase='name'\" %s.gp       (or data='other/series.csv' for another "
      "run)\n\n",
      RS_VERSION, base, base, only ? "1200x800" : "1600x1200", base,
      only ? "16 x 11 cm" : "A4 landscape", base);
  rs_buf_printf(b,
                "if (!exists(\"outbase\")) outbase = \"%s\"\n"
                "if (!exists(\"data\")) data = \"../series.csv\"\n\n",
                base);
  rs_buf_printf(
      b,
      "set datafile separator \",\"\n"
      "# one colour per role, the same in every relsim figure: blue the main quantity, vermillion\n"
      "# the second, green the third; dashed: components; black: the paper\n"
      "set style line 1 lc rgb \"#0072B2\" lw 2 dt 1\n"
      "set style line 2 lc rgb \"#D55E00\" lw 2 dt 1\n"
      "set style line 3 lc rgb \"#009E73\" lw 2 dt 1\n"
      "set style line 4 lc rgb \"#009E73\" lw 1.5 dt 2\n"
      "set style line 5 lc rgb \"#D55E00\" lw 1.5 dt 2\n"
      "set style line 9 lc rgb \"black\" lw 2 pt 7\n"
      "set style line 10 lc rgb \"gray50\" lw 1 dt 2\n"
      "set grid lc rgb \"#e0e0e0\" lw 1 dt 1\n"
      "set border lw 1\n"
      "set autoscale xfix\n"
      "set offsets 1.5, 1.5, 0, 0  # room left and right for points at the ends\n"
      "set xtics 10 out nomirror\n"
      "set mxtics 2\n"
      "set key %s samplen 2 noopaque\n"
      "\n",
      only ? "vertical maxrows 2" : "vertical maxrows 3");
  rs_buf_printf(b, "# The paper's figures (Hatch 2001) on %s.\n",
                only ? "this panel" : "the panels");
  for (int p = 0; p < NPANELS; p++)
    if (!only || only == &panels[p]) put_datablocks(b, &panels[p], pts, npts);

  rs_buf_printf(b,
                "\ndo for [ext in \"png pdf\"] {\n"
                "  if (ext eq \"png\") {\n"
                "    set terminal pngcairo size %s noenhanced font \"Helvetica,%d\" "
                "linewidth 2\n"
                "    set pointsize 1.2\n"
                "    bigfont = \"Helvetica,%d\"\n"
                "  } else {\n"
                "    set terminal pdfcairo size %s noenhanced font \"Helvetica,%d\" fontscale 1 "
                "linewidth 1\n"
                "    set pointsize 0.6\n"
                "    bigfont = \"Helvetica,%d\"\n"
                "  }\n"
                "  set output outbase.\".\".ext\n",
                only ? "1200,800" : "1600,1200", only ? 18 : 15, only ? 18 : 20,
                only ? "16cm,11cm" : "29.7cm,21cm", only ? 9 : 8, only ? 9 : 11);
  if (!only)
    rs_buf_printf(b,
                  "  # plot areas aligned on a grid: margins left, right, bottom, top and "
                  "spacing x, y\n"
                  "  # (screen fractions) leave room for axis labels, titles and keys\n"
                  "  set multiplot layout 2,3 title \"relsim: Japan's techno-industrial regime, "
                  "model (lines) and Hatch 2001 (black)\" font bigfont \\\n"
                  "      margins 0.06, 0.93, 0.075, 0.86 spacing 0.08, 0.19\n");
  for (int p = 0; p < NPANELS; p++) {
    if (only && only != &panels[p]) continue;
    rs_buf_printf(b, "\n  # (%d) %s\n", p + 1, panels[p].title);
    put_panel(b, &panels[p], pts, npts, only == NULL);
  }
  if (!only) rs_buf_printf(b, "\n  unset multiplot\n");
  rs_buf_printf(b, "  set output\n}\n");
}

/* Check that csv can be read and its header names year and every column a panel draws. */
static rs_status check_series(const char *csv, rs_error *err) {
  FILE *fp = fopen(csv, "r");
  if (!fp) return rs_fail(err, RS_ERR_IO, "%s: cannot read: %s", csv, strerror(errno));
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  rs_status st = RS_OK;
  while ((len = getline(&line, &cap, fp)) >= 0)
    if (len > 0 && line[0] != '#' && line[0] != '\n' && line[0] != '\r') break;
  if (len < 0) {
    st = rs_fail(err, RS_ERR_INPUT, "%s: no header line", csv);
    goto done;
  }
  line[strcspn(line, "\r\n")] = '\0';
  for (int p = 0; p <= NPANELS && st == RS_OK; p++) {
    int nser = p < NPANELS ? panels[p].nseries : 1;
    for (int s = 0; s < nser && st == RS_OK; s++) {
      const char *want =
          p < NPANELS ? rs_indicator_info_get(panels[p].series[s].ind)->name : "year";
      size_t wl = strlen(want);
      int found = 0;
      for (const char *c = line; *c && !found; c += strcspn(c, ",") + (c[strcspn(c, ",")] != 0))
        found = strcspn(c, ",") == wl && strncmp(c, want, wl) == 0;
      if (!found)
        st = rs_fail(err, RS_ERR_INPUT, "%s: no column '%s' (needed by plots/%s.gp)", csv, want,
                     p < NPANELS ? panels[p].name : "overview");
    }
  }
done:
  free(line);
  fclose(fp);
  return st;
}

/* ---------------------------------------------------------------- running gnuplot */

/* The gnuplot to run, as an absolute path (the child changes directory before exec):
 * $RELSIM_GNUPLOT when set and not empty (a path, or a name looked up on PATH), else `gnuplot`
 * on PATH. Returns 1 and fills out, or 0 if there is no executable file. */
static int find_gnuplot(char *out, size_t n) {
  const char *env = getenv("RELSIM_GNUPLOT");
  const char *name = env && env[0] ? env : "gnuplot";
  char cand[4096], cwd[4096];
  struct stat sb;
  const char *path = strchr(name, '/') ? "" : getenv("PATH");
  if (!path) path = "/usr/local/bin:/usr/bin:/bin";
  for (const char *dir = path;; dir += strcspn(dir, ":") + 1) {
    size_t dl = strcspn(dir, ":");
    int fits = strchr(name, '/')
                   ? rs_snprintf_fits(cand, sizeof cand, "%s", name)
                   : rs_snprintf_fits(cand, sizeof cand, "%.*s/%s", (int)dl, dl ? dir : ".", name);
    if (fits && stat(cand, &sb) == 0 && S_ISREG(sb.st_mode) && access(cand, X_OK) == 0) {
      if (cand[0] == '/') return rs_snprintf_fits(out, n, "%s", cand);
      return getcwd(cwd, sizeof cwd) && rs_snprintf_fits(out, n, "%s/%s", cwd, cand);
    }
    if (strchr(name, '/') || dir[dl] == '\0') return 0;
  }
}

/* The first error line of gnuplot's stderr: the first line naming a script and a line number
 * ("overview.gp" line 12: ...) that is not a warning, else the first such warning, else the
 * first line that is not blank (gnuplot echoes the offending source line and a caret line
 * before its message); "" if there is none. */
static void first_error_line(FILE *fp, char *out, size_t n) {
  char line[1024];
  int rank = 0; /* of what out holds: 0 nothing, 1 any line, 2 a warning, 3 an error */
  out[0] = '\0';
  if (!fp || fseek(fp, 0, SEEK_SET) != 0) return;
  while (rank < 3 && fgets(line, sizeof line, fp)) {
    line[strcspn(line, "\r\n")] = '\0';
    const char *s = line + strspn(line, " \t");
    if (!*s || strspn(s, " \t^") == strlen(s)) continue;
    int located = s[0] == '"' && strstr(s, " line ") != NULL;
    int r = !located ? 1 : strstr(s, "warning:") ? 2 : 3;
    if (r > rank) {
      rs_snprintf_fits(out, n, "%s", s);
      rank = r;
    }
  }
}

/* Run gnuplot on plotdir/base.gp with a temporary outbase and move base.png and base.pdf into
 * place if it succeeded. Returns the number of images made (2), or 0 with why filled in. */
static int render(const char *gnuplot, const char *plotdir, const char *base, char *why,
                  size_t nwhy) {
  char hold[4096], tmp[2][4096], final[2][4096], expr[512], script[512];
  static const char *ext[2] = {"png", "pdf"};
  int made = 0;
  /* rs_plots_run has checked that plotdir is short enough for every name below */
  rs_snprintf_fits(hold, sizeof hold, "%s/%s.tmp.XXXXXX", plotdir, base);
  int hfd = mkstemp(hold); /* reserves the temporary base name */
  if (hfd < 0) {
    rs_snprintf_fits(why, nwhy, "%s: cannot create a temporary file: %s", plotdir, strerror(errno));
    return 0;
  }
  close(hfd);
  for (int i = 0; i < 2; i++) {
    rs_snprintf_fits(tmp[i], sizeof tmp[i], "%s.%s", hold, ext[i]);
    rs_snprintf_fits(final[i], sizeof final[i], "%s/%s.%s", plotdir, base, ext[i]);
  }
  /* the temporary base name is [a-z_.A-Z0-9]: safe inside gnuplot's single quotes */
  rs_snprintf_fits(expr, sizeof expr, "outbase='%s'", strrchr(hold, '/') + 1);
  rs_snprintf_fits(script, sizeof script, "%s.gp", base);
  char *argv[] = {(char *)"gnuplot", (char *)"-e", expr, script, NULL};

  FILE *errf = tmpfile();
  int errfd = errf ? fileno(errf) : -1;
  int status = 0;
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    /* child: only async-signal-safe calls until exec. gnuplot dies with relsim (a kill -9 of
     * relsim must not leave it writing into a folder the next run removes); the check after
     * prctl closes the race with a parent that died before it. */
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    int nul = open("/dev/null", O_RDWR);
    if (nul >= 0) {
      dup2(nul, 0);
      dup2(nul, 1);
      if (errfd < 0) dup2(nul, 2);
    }
    if (errfd >= 0) dup2(errfd, 2);
    if (chdir(plotdir) != 0) {
      static const char msg[] = "cannot change to the plots directory\n";
      (void)!write(2, msg, sizeof msg - 1);
      _exit(126);
    }
    execv(gnuplot, argv);
    static const char msg[] = "cannot execute gnuplot\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(127);
  }
  if (pid < 0) {
    rs_snprintf_fits(why, nwhy, "cannot start %s: %s", gnuplot, strerror(errno));
    goto done;
  }
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      rs_snprintf_fits(why, nwhy, "cannot wait for %s: %s", gnuplot, strerror(errno));
      goto done;
    }
  }

  char msg[400];
  first_error_line(errf, msg, sizeof msg);
  struct stat sb;
  int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  for (int i = 0; i < 2 && ok; i++)
    if (stat(tmp[i], &sb) != 0 || sb.st_size == 0) {
      ok = 0;
      if (!msg[0]) rs_snprintf_fits(msg, sizeof msg, "no %s.%s was written", base, ext[i]);
    }
  if (ok && fix_pdf_dates(tmp[1]) != 0) {
    ok = 0;
    rs_snprintf_fits(msg, sizeof msg, "cannot rewrite the date of %s.pdf", base);
  }
  if (!ok) {
    if (!msg[0] && WIFEXITED(status))
      rs_snprintf_fits(msg, sizeof msg, "%s exited with status %d", gnuplot, WEXITSTATUS(status));
    else if (!msg[0] && WIFSIGNALED(status))
      rs_snprintf_fits(msg, sizeof msg, "%s killed by signal %d", gnuplot, WTERMSIG(status));
    rs_snprintf_fits(why, nwhy, "gnuplot failed on %s: %s", script, msg);
    goto done;
  }
  for (int i = 0; i < 2; i++) {
    if (rename(tmp[i], final[i]) != 0) {
      rs_snprintf_fits(why, nwhy, "%s: cannot rename: %s", final[i], strerror(errno));
      goto done;
    }
    made++;
  }

done:
  if (errf) fclose(errf);
  for (int i = 0; i < 2; i++) unlink(tmp[i]); /* no-op after a rename */
  unlink(hold);
  return made;
}

/* Cairo 1.16 writes the time of rendering into every PDF (/CreationDate (D:YYYYMMDDHHMMSS...)),
 * so two identical runs would differ; overwrite the digits with a fixed date of the same length
 * (the cross-reference offsets stay valid). Returns 0, or -1 when the file cannot be rewritten. */
static int fix_pdf_dates(const char *path) {
  FILE *fp = fopen(path, "r+b");
  if (!fp) return -1;
  char chunk[8192];
  size_t n;
  size_t len = 0;
  char *data = NULL;
  while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
    char *grown = realloc(data, len + n);
    if (!grown) {
      free(data);
      fclose(fp);
      return -1;
    }
    data = grown;
    memcpy(data + len, chunk, n);
    len += n;
  }
  static const char *const keys[] = {"/CreationDate (D:", "/ModDate (D:"};
  int rc = 0;
  for (int k = 0; k < 2; k++) {
    size_t kl = strlen(keys[k]);
    for (size_t i = 0; i + kl + 14 <= len; i++) {
      if (memcmp(data + i, keys[k], kl) != 0) continue;
      memcpy(data + i + kl, "20000101000000", 14);
      if (fseek(fp, (long)(i + kl), SEEK_SET) != 0 || fwrite(data + i + kl, 1, 14, fp) != 14)
        rc = -1;
    }
  }
  free(data);
  if (fclose(fp) != 0) rc = -1;
  return rc;
}

/* ---------------------------------------------------------------- exported functions */

rs_status rs_plots_run(const char *dir, const rs_plot_point *pts, int npts, rs_plots_report *rep,
                       rs_error *err) {
  rs_plots_report local;
  if (!rep) rep = &local;
  memset(rep, 0, sizeof *rep);
  if (!dir || !dir[0]) return rs_fail(err, RS_ERR_INPUT, "plots: no run directory");
  if (npts < 0 || (npts > 0 && !pts))
    return rs_fail(err, RS_ERR_INPUT, "plots: bad list of paper figures (%d)", npts);

  /* room for "/plots/panel_net_relational.tmp.XXXXXX.png" after dir */
  char csv[4096], plotdir[4096], path[4096];
  if (strlen(dir) + 64 >= sizeof csv) return rs_fail(err, RS_ERR_IO, "%s: path too long", dir);
  rs_snprintf_fits(csv, sizeof csv, "%s/series.csv", dir);
  rs_snprintf_fits(plotdir, sizeof plotdir, "%s/plots", dir);
  rs_status st = check_series(csv, err);
  if (st != RS_OK) return st;
  st = rs_mkdir_p(plotdir, err);
  if (st != RS_OK) return st;

  /* 1. the scripts: overview first, then one per panel */
  for (int p = -1; p < NPANELS; p++) {
    const panel_def *only = p < 0 ? NULL : &panels[p];
    rs_buf b;
    rs_buf_init(&b);
    put_script(&b, only, pts, npts);
    rs_snprintf_fits(path, sizeof path, "%s/%s.gp", plotdir, only ? only->name : "overview");
    st = b.failed ? rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path)
                  : rs_write_file(path, b.data, err);
    rs_buf_free(&b);
    if (st != RS_OK) return st;
    rep->nscripts++;
  }

  /* 2. the images, when there is a gnuplot */
  if (!find_gnuplot(rep->gnuplot, sizeof rep->gnuplot)) {
    rep->gnuplot[0] = '\0';
    rs_snprintf_fits(
        rep->why_not, sizeof rep->why_not,
        "gnuplot not found (install gnuplot-nox, or set RELSIM_GNUPLOT); the .gp scripts "
        "in %s draw the figures",
        plotdir);
    return RS_OK;
  }
  int failed = 0;
  for (int p = -1; p < NPANELS; p++) {
    char why[sizeof rep->why_not];
    int made = render(rep->gnuplot, plotdir, p < 0 ? "overview" : panels[p].name, why, sizeof why);
    rep->nimages += made;
    if (made < 2 && !failed++) rs_snprintf_fits(rep->why_not, sizeof rep->why_not, "%s", why);
  }
  rep->rendered = failed == 0;
  return RS_OK;
}

/* ---------------------------------------------------------------- figures of other modules */

double rs_plots_indicator_scale(int ind, char *units, size_t n) {
  if (units && n > 0) ind_units(ind, units, n);
  return ind_scale(ind);
}

rs_status rs_plots_render_script(const char *plotdir, const char *name, const char *script,
                                 rs_plots_report *rep, rs_error *err) {
  rs_plots_report local;
  if (!rep) {
    memset(&local, 0, sizeof local);
    rep = &local;
  }
  if (!plotdir || !plotdir[0] || !name || !script)
    return rs_fail(err, RS_ERR_INPUT, "plots: missing directory, name or script");
  size_t nl = strlen(name);
  /* the name becomes part of temporary names inside gnuplot's single quotes (see render) */
  if (nl == 0 || nl > 64 ||
      strspn(name,
             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
             "0123456789_-") != nl)
    return rs_fail(err, RS_ERR_INPUT,
                   "plots: bad figure name '%s' (1 to 64 characters of A-Z, a-z, 0-9, _ and -)",
                   name);
  /* room for "/NAME.tmp.XXXXXX.png" after plotdir in render's buffers */
  char path[4096];
  if (strlen(plotdir) + nl + 32 >= sizeof path)
    return rs_fail(err, RS_ERR_IO, "%s: path too long", plotdir);
  rs_status st = rs_mkdir_p(plotdir, err);
  if (st != RS_OK) return st;
  rs_snprintf_fits(path, sizeof path, "%s/%s.gp", plotdir, name);
  st = rs_write_file(path, script, err);
  if (st != RS_OK) return st;
  rep->nscripts++;

  char why[sizeof rep->why_not];
  int made = 0;
  if (!find_gnuplot(rep->gnuplot, sizeof rep->gnuplot)) {
    rep->gnuplot[0] = '\0';
    rs_snprintf_fits(
        why, sizeof why,
        "gnuplot not found (install gnuplot-nox, or set RELSIM_GNUPLOT); the .gp scripts "
        "in %s draw the figures",
        plotdir);
  } else {
    made = render(rep->gnuplot, plotdir, name, why, sizeof why);
  }
  rep->nimages += made;
  if (made < 2 && !rep->why_not[0]) rs_snprintf_fits(rep->why_not, sizeof rep->why_not, "%s", why);
  rep->rendered = rep->nimages == 2 * rep->nscripts;
  return RS_OK;
}
