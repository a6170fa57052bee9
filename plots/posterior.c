/* plots/posterior.c -- the figures of relsim posterior, drawn from chains.csv: the trace of
 * every parameter (one line per chain), its marginal density (a kernel estimate) with the prior
 * drawn, and scatter plots of the most correlated pairs. gnuplot text lives here only; the
 * posterior module hands over names, units, columns and the priors' density curves. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plots.h"

/* Rows and columns of a grid of n panels, at most 6 columns. */
static void grid(int n, int *rows, int *cols) {
  *cols = n <= 3 ? n : n <= 8 ? 4 : n <= 20 ? 5 : 6;
  *rows = (n + *cols - 1) / *cols;
}

static void put_head(rs_buf *b, const char *name, int rows, int cols, const char *title) {
  int w = 420 * cols, h = 330 * rows + 60;
  double pw = 6.0 * cols, ph = 4.8 * rows + 1.0;
  rs_buf_printf(b,
                "# %s.gp -- relsim posterior: %s. Re-run: gnuplot %s.gp\n"
                "if (!exists(\"outbase\")) outbase = \"%s\"\n"
                "set datafile separator \",\"\n"
                "set style line 9 lc rgb \"black\" lw 1.5 dt 2\n"
                "array col[8] = [\"#0072B2\", \"#D55E00\", \"#009E73\", \"#CC79A7\", \"#E69F00\", "
                "\"#56B4E9\", \"#F0E442\", \"#000000\"]\n"
                "do for [t = 1:2] {\n"
                "  if (t == 1) { set terminal pngcairo size %d,%d font \"Sans,9\"; set output "
                "outbase.\".png\" }\n"
                "  if (t == 2) { set terminal pdfcairo size %.1fcm,%.1fcm font \"Sans,6\"; set "
                "output outbase.\".pdf\" }\n"
                "  set multiplot layout %d,%d title ",
                name, title, name, name, w, h, pw, ph, rows, cols);
  rs_plots_quote(b, title);
  rs_buf_printf(b, " noenhanced\n");
}

static void put_tail(rs_buf *b) {
  rs_buf_printf(b, "  unset multiplot\n  set output\n}\n");
}

static void put_title(rs_buf *b, const rs_plots_post_param *p) {
  rs_buf_printf(b, "  set title ");
  rs_plots_quote(b, p->name);
  rs_buf_printf(b, " noenhanced\n");
}

static void put_label(rs_buf *b, const char *axis, const char *text, const char *units) {
  char t[256];
  snprintf(t, sizeof t, "%s (%s)", text, units && units[0] ? units : "1");
  rs_buf_printf(b, "  set %slabel ", axis);
  rs_plots_quote(b, t);
  rs_buf_printf(b, " noenhanced\n");
}

static void trace(rs_buf *b, const rs_plots_post *sp) {
  int rows, cols;
  grid(sp->nparams, &rows, &cols);
  put_head(b, "trace", rows, cols, "Trace of the kept draws, one colour per chain");
  rs_buf_printf(b, "  set key off\n");
  for (int j = 0; j < sp->nparams; j++) {
    const rs_plots_post_param *p = &sp->p[j];
    put_title(b, p);
    put_label(b, "x", "draw", "per chain");
    put_label(b, "y", "value", p->units);
    rs_buf_printf(b,
                  "  plot for [c = 1:%d] '%s' using (column(1) == c ? column(2) : 1/0):%d with "
                  "lines lc rgb col[(c - 1) %% 8 + 1] lw 0.6\n",
                  sp->chains, sp->csv, p->column);
  }
  put_tail(b);
}

static void density(rs_buf *b, const rs_plots_post *sp) {
  int rows, cols;
  grid(sp->nparams, &rows, &cols);
  for (int j = 0; j < sp->nparams; j++) {
    const rs_plots_post_param *p = &sp->p[j];
    rs_buf_printf(b, "$prior%d << EOD\n", j + 1);
    for (int k = 0; k < p->nprior; k++)
      rs_buf_printf(b, "%.9g,%.9g\n", p->prior_x[k], p->prior_y[k]);
    rs_buf_printf(b, "EOD\n");
  }
  put_head(b, "marginals", rows, cols,
           "Marginal posterior densities (blue, kernel estimate) and priors (black, dashed)");
  rs_buf_printf(b, "  set key top right samplen 2\n  set samples 400\n");
  for (int j = 0; j < sp->nparams; j++) {
    const rs_plots_post_param *p = &sp->p[j];
    put_title(b, p);
    put_label(b, "x", "value", p->units);
    put_label(b, "y", "density", "per unit of value");
    rs_buf_printf(b, "  set xrange [%.9g:%.9g]\n", p->lower, p->upper);
    rs_buf_printf(b,
                  "  plot '%s' using %d:(1.0/%d) smooth kdensity lc rgb col[1] lw 1.5 title %s, "
                  "$prior%d using 1:2 with lines ls 9 title %s\n",
                  sp->csv, p->column, sp->chains * sp->samples, j == 0 ? "\"posterior\"" : "\"\"",
                  j + 1, j == 0 ? "\"prior\"" : "\"\"");
  }
  rs_buf_printf(b, "  unset xrange\n");
  put_tail(b);
}

static void pairs(rs_buf *b, const rs_plots_post *sp) {
  int rows, cols;
  grid(sp->npairs, &rows, &cols);
  put_head(b, "pairs", rows, cols, "The most correlated pairs of parameters (kept draws)");
  rs_buf_printf(b, "  set key off\n");
  for (int k = 0; k < sp->npairs; k++) {
    const rs_plots_post_param *a = &sp->p[sp->pair[k][0]], *c = &sp->p[sp->pair[k][1]];
    char t[256];
    snprintf(t, sizeof t, "correlation %+.2f", sp->pair_corr[k]);
    rs_buf_printf(b, "  set title ");
    rs_plots_quote(b, t);
    rs_buf_printf(b, "\n");
    char la[160], lc[160];
    snprintf(la, sizeof la, "%s", a->name);
    snprintf(lc, sizeof lc, "%s", c->name);
    put_label(b, "x", la, a->units);
    put_label(b, "y", lc, c->units);
    rs_buf_printf(b, "  plot '%s' using %d:%d every %d with points pt 7 ps 0.15 lc rgb col[1]\n",
                  sp->csv, a->column, c->column, sp->every > 0 ? sp->every : 1);
  }
  put_tail(b);
}

rs_status rs_plots_posterior(const char *plotdir, const rs_plots_post *sp, rs_plots_report *rep,
                             rs_error *err) {
  rs_status st = RS_OK;
  for (int f = 0; f < 3 && st == RS_OK; f++) {
    if (f == 2 && sp->npairs == 0) break;
    rs_buf b;
    rs_buf_init(&b);
    if (f == 0) trace(&b, sp);
    if (f == 1) density(&b, sp);
    if (f == 2) pairs(&b, sp);
    st = b.failed ? rs_fail(err, RS_ERR_NOMEM, "plots: out of memory")
                  : rs_plots_render_script(plotdir,
                                           f == 0   ? "trace"
                                           : f == 1 ? "marginals"
                                                    : "pairs",
                                           b.data, rep, err);
    rs_buf_free(&b);
  }
  return st;
}

rs_status rs_plots_fan_panels(const char *plotdir, const char *name, const char *csv,
                              const char *title, const rs_plots_fan_panel *panels, int npanels,
                              rs_plots_report *rep, rs_error *err) {
  rs_buf b;
  rs_buf_init(&b);
  int rows, cols;
  grid(npanels, &rows, &cols);
  put_head(&b, name, rows, cols, title);
  rs_buf_printf(
      &b, "  set key top left samplen 2 spacing 1.4 opaque\n  set grid ytics lc rgb \"#dddddd\"\n");
  for (int p = 0; p < npanels; p++) {
    const rs_plots_fan_panel *pl = &panels[p];
    int c = pl->column;
    double f = pl->scale;
    rs_buf_printf(&b, "  set title ");
    rs_plots_quote(&b, pl->label);
    rs_buf_printf(&b, " noenhanced\n");
    put_label(&b, "x", "year", "yr");
    put_label(&b, "y", "difference", pl->units);
    rs_buf_printf(&b,
                  "  plot '%s' using 1:($%d*%g):($%d*%g) with filledcurves lc rgb \"#c6dbef\" "
                  "title %s, '' using 1:($%d*%g):($%d*%g) with filledcurves lc rgb \"#6baed6\" "
                  "title %s, '' using 1:($%d*%g) with lines lc rgb \"#08519c\" lw 2 title %s, "
                  "'' using 1:($%d*%g) with lines ls 9 title %s, 0 with lines lc rgb \"#888888\" "
                  "notitle\n",
                  csv, c + 1, f, c + 5, f, p == 0 ? "\"90 %\"" : "\"\"", c + 2, f, c + 4, f,
                  p == 0 ? "\"50 %\"" : "\"\"", c + 3, f, p == 0 ? "\"median\"" : "\"\"", c, f,
                  p == 0 ? "\"best fit\"" : "\"\"");
  }
  put_tail(&b);
  rs_status st = b.failed ? rs_fail(err, RS_ERR_NOMEM, "plots: out of memory")
                          : rs_plots_render_script(plotdir, name, b.data, rep, err);
  rs_buf_free(&b);
  return st;
}
