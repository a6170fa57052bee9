/* plots/plots.h -- figures for screens, reports and papers, drawn by gnuplot from series.csv.
 * This module writes a gnuplot script next to every figure, so that a user can edit it and
 * re-run it (`cd DIR/plots && gnuplot overview.gp`), and runs gnuplot, when it is installed,
 * to make a PNG (screen) and a PDF (papers) from each. It reads only the CSV layout (column
 * names from model/) and never the model itself. */
#ifndef RS_PLOTS_H
#define RS_PLOTS_H

#include "util.h"

/* A figure of the paper drawn on a model line: a point (year), or a mean over a span
 * (year..year_end, drawn as a segment), with an optional range bar lo..hi. */
typedef struct rs_plot_point {
  char indicator[32]; /* series.csv column, e.g. "a" */
  double year;        /* yr */
  double year_end;    /* yr, or NAN for a point */
  double value;       /* in the indicator's units; NAN when only a range is known */
  double lo, hi;      /* range (NAN = no bar) */
  char label[64];     /* short citation, e.g. "Cameron (sec. 2)" */
} rs_plot_point;

/* The paper's figures drawn by default on the run figures (the four Cameron points of relative
 * TFP, the investment and return figures, start-up rates, ...). Sets *pts (unless pts is NULL)
 * to a static list; returns the count. */
int rs_plots_paper_points(const rs_plot_point **pts);

/* What rs_plots_run did. */
typedef struct rs_plots_report {
  int nscripts;      /* .gp scripts written */
  int nimages;       /* PNG and PDF files made */
  int rendered;      /* 1 if gnuplot ran for every script */
  char gnuplot[512]; /* the gnuplot used, or "" */
  char why_not[512]; /* one line: why there are no images (gnuplot missing, or its error) */
} rs_plots_report;

/* Draw the figures of a run whose series.csv is in dir: dir/plots/overview.{gp,png,pdf} (six
 * panels: relative TFP; investment rate and return on capital; relational ties and the Asian
 * network; R&D; start-up and closure rates; net relational effect B - C) and one figure per
 * panel, panel_{tfp,investment,ties,rd,startups,net_relational}.{gp,png,pdf}. Every axis is
 * labelled with its units (shares of GDP and rates per year in percent). Each of pts[0..npts)
 * is drawn on the panel that shows its indicator (a point, a segment for a span mean, a bar for
 * a range; pts may be NULL when npts is 0); a point whose indicator is on no panel is skipped.
 * The scripts are self-contained (the points are datablocks) and re-run from dir/plots.
 * gnuplot is looked up as $RELSIM_GNUPLOT, else `gnuplot` on PATH. Without gnuplot the scripts
 * are still written, RS_OK is returned and rep->why_not says why there are no images; when
 * gnuplot fails on a script, RS_OK is returned too, with rendered = 0 and why_not naming the
 * script and gnuplot's first error line. Every file is written under a temporary name and
 * renamed when complete, so a failure never replaces good images. Returns RS_ERR_IO if
 * series.csv cannot be read or a file cannot be written, RS_ERR_INPUT if series.csv lacks a
 * column that a panel draws (err names it). rep may be NULL. */
rs_status rs_plots_run(const char *dir, const rs_plot_point *pts, int npts, rs_plots_report *rep,
                       rs_error *err);

/* ---------------------------------------------------------------- figures of other modules */

/* The factor from a series.csv value of indicator ind to the value as every relsim figure draws
 * it (100 for shares of GDP and rates per year, drawn in percent; 1 otherwise), and the units as
 * drawn ("% of GDP", "% per year", "US = 1", "first-year GDP", ...) into units of size n (units
 * may be NULL). For modules that draw their own figures (the calibration report) in the same
 * units as the run figures. ind must be a valid rs_indicator. */
double rs_plots_indicator_scale(int ind, char *units, size_t n);

/* Write script as plotdir/NAME.gp (atomically; plotdir is created if needed) and, when gnuplot
 * is found (as rs_plots_run looks for it: $RELSIM_GNUPLOT, else PATH), run it from plotdir with
 * a temporary outbase and rename NAME.png and NAME.pdf into place only when gnuplot succeeded,
 * exactly as rs_plots_run does. The script must honour the convention of the run scripts:
 * `if (!exists("outbase")) outbase = "NAME"` and write outbase.".png" and outbase.".pdf".
 * name is 1 to 64 characters of [A-Za-z0-9_-]. rep accumulates over calls (zero it before the
 * first): nscripts and nimages are added to, gnuplot is set, why_not keeps the first reason
 * why images are missing (gnuplot not found, or the script and gnuplot's first error line),
 * and rendered = 1 while every script so far gave both images. Without gnuplot, or when
 * gnuplot fails, RS_OK is returned. Returns RS_ERR_INPUT for a bad name or a NULL argument,
 * RS_ERR_IO when the directory or the script cannot be written (err names the file),
 * RS_ERR_NOMEM. rep may be NULL. */
rs_status rs_plots_render_script(const char *plotdir, const char *name, const char *script,
                                 rs_plots_report *rep, rs_error *err);

/* Append text to b as a gnuplot string constant: double quotes, '"' and '\' escaped, control
 * characters as spaces. For every module that writes gnuplot scripts. */
void rs_plots_quote(rs_buf *b, const char *text);

/* ---------------------------------------------------------------- sensitivity figures
 * (sensplots.c, for sens/): each writes plotdir/NAME.gp with its data in datablocks and renders
 * it as rs_plots_render_script does (same errors, rep accumulates). Values are drawn as given
 * (the caller scales them to the units of its labels); NAN values are skipped. */

/* A fan chart: env holds nrows x 7 values per row (5, 25, 50, 75, 95 %, min, max), times scale;
 * ref (may be NULL) the reference run, drawn on top. */
rs_status rs_plots_fan(const char *plotdir, const char *name, const char *title, const char *ylabel,
                       int nrows, const double *year, const double *env, const double *ref,
                       double scale, rs_plots_report *rep, rs_error *err);
/* Two bars per label with intervals (lo..hi), e.g. first-order and total Sobol indices. */
rs_status rs_plots_bars_ci(const char *plotdir, const char *name, const char *title,
                           const char *ylabel, int n, const char *const *labels, const double *v1,
                           const double *lo1, const double *hi1, const char *key1, const double *v2,
                           const double *lo2, const double *hi2, const char *key2,
                           rs_plots_report *rep, rs_error *err);
/* Morris's plane: sigma against mu* per parameter, the nlabel largest mu* named; units of the
 * output for the axis labels. */
rs_status rs_plots_morris(const char *plotdir, const char *name, const char *title,
                          const char *units, int n, const char *const *labels, const double *mustar,
                          const double *sigma, int nlabel, rs_plots_report *rep, rs_error *err);
/* nlines lines over nrows times: v[k * nrows + i] is line k at year[i]; the y axis from ymin
 * to ymax (NAN: automatic). */
rs_status rs_plots_lines(const char *plotdir, const char *name, const char *title,
                         const char *ylabel, int nrows, const double *year, int nlines,
                         const char *const *keys, const double *v, double ymin, double ymax,
                         rs_plots_report *rep, rs_error *err);
/* A heat map of v (nrow x ncol, row-major) with labelled rows and columns. */
rs_status rs_plots_heatmap(const char *plotdir, const char *name, const char *title,
                           const char *cblabel, int nrow, const char *const *rowlab, int ncol,
                           const char *const *collab, const double *v, rs_plots_report *rep,
                           rs_error *err);
/* ---------------------------------------------------------------- posterior figures (posterior.c)
 */

/* One parameter of a posterior's chains.csv. */
typedef struct rs_plots_post_param {
  char name[64];       /* as in the header */
  char units[64];      /* for the axes ("1/yr"; "" dimensionless) */
  int column;          /* 1-based column in chains.csv (chain is 1, iteration 2) */
  double lower, upper; /* the x range of the marginal: the bounds, or around a narrow posterior */
  int nprior;          /* points of the prior's density curve */
  const double *prior_x, *prior_y;
} rs_plots_post_param;

#define RS_PLOTS_POST_PAIRS 12

typedef struct rs_plots_post {
  const char *csv; /* chains.csv as the scripts reach it from plotdir ("../chains.csv") */
  int nparams;
  const rs_plots_post_param *p;
  int chains, samples; /* kept draws per chain */
  int npairs;          /* 0 .. RS_PLOTS_POST_PAIRS */
  int pair[RS_PLOTS_POST_PAIRS][2];
  double pair_corr[RS_PLOTS_POST_PAIRS];
  int every; /* scatter plots draw every this many draws */
} rs_plots_post;

/* Write plotdir/trace.gp (a panel per parameter, a line per chain), marginals.gp (a kernel
 * density of the draws and the prior's curve per parameter) and, with pairs, pairs.gp (scatter
 * plots), each rendered to PNG and PDF as rs_plots_render_script does (rep accumulates). */
rs_status rs_plots_posterior(const char *plotdir, const rs_plots_post *spec, rs_plots_report *rep,
                             rs_error *err);

/* One panel of a fan chart: the columns column (best fit), column + 1 .. column + 5 (the 5, 25,
 * 50, 75 and 95 % quantiles) of the chart's CSV, times scale, in units. */
typedef struct rs_plots_fan_panel {
  int column; /* 1-based */
  double scale;
  char units[64];
  char label[96];
} rs_plots_fan_panel;

/* Write plotdir/NAME.gp, a fan chart (a panel per entry: the 90 % band light, the 50 % band
 * darker, the median solid, the best fit dashed, a zero line) reading csv (relative to plotdir),
 * and render it (rs_plots_render_script). */
rs_status rs_plots_fan_panels(const char *plotdir, const char *name, const char *csv,
                              const char *title, const rs_plots_fan_panel *panels, int npanels,
                              rs_plots_report *rep, rs_error *err);

#endif /* RS_PLOTS_H */
