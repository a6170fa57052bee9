/* plots/sensplots.c -- the figures of the sensitivity analyses and ensembles (sens/): fan charts,
 * bars with intervals, the Morris mu*-sigma plane, heat maps and line figures. Each figure is a
 * self-contained gnuplot script (its data in datablocks) rendered by rs_plots_render_script. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plots.h"

/* A number for a datablock: NaN where undefined (gnuplot skips it). */
static void put_num(rs_buf *b, double x) {
  if (isfinite(x))
    rs_buf_printf(b, " %.9g", x);
  else
    rs_buf_printf(b, " NaN");
}

/* The header and the PNG/PDF loop; the caller writes the body and closes it with end(). */
static void begin(rs_buf *b, const char *name, const char *what, int wide) {
  rs_buf_printf(b,
                "# %s.gp -- %s (relsim). Re-run: gnuplot %s.gp\n"
                "if (!exists(\"outbase\")) outbase = \"%s\"\n",
                name, what, name, name);
  (void)wide;
}

static void terminals(rs_buf *b, int wide) {
  rs_buf_printf(b,
                "\ndo for [ext in \"png pdf\"] {\n"
                "  if (ext eq \"png\") {\n"
                "    set terminal pngcairo size %s noenhanced font \"Helvetica,15\" linewidth 2\n"
                "    small = \"Helvetica,11\"\n    psz = 1.2\n"
                "  } else {\n"
                "    set terminal pdfcairo size %s noenhanced font \"Helvetica,8\" linewidth 1\n"
                "    small = \"Helvetica,6\"\n    psz = 0.6\n"
                "  }\n"
                "  set output outbase.\".\".ext\n"
                "  set grid lc rgb \"#dddddd\"\n",
                wide ? "1500,850" : "1200,800", wide ? "20cm,11.5cm" : "16cm,11cm");
}

static void end(rs_buf *b) {
  rs_buf_printf(b, "  set output\n}\n");
}

static rs_status render(const char *plotdir, const char *name, rs_buf *b, rs_plots_report *rep,
                        rs_error *err) {
  rs_status st = b->failed ? rs_fail(err, RS_ERR_NOMEM, "%s.gp: out of memory", name)
                           : rs_plots_render_script(plotdir, name, b->data, rep, err);
  rs_buf_free(b);
  return st;
}

static void set_title(rs_buf *b, const char *key, const char *text) {
  rs_buf_printf(b, "  set %s ", key);
  rs_plots_quote(b, text);
  rs_buf_printf(b, "\n");
}

rs_status rs_plots_fan(const char *plotdir, const char *name, const char *title, const char *ylabel,
                       int nrows, const double *year, const double *env, const double *ref,
                       double scale, rs_plots_report *rep, rs_error *err) {
  rs_buf b;
  rs_buf_init(&b);
  begin(&b, name, "fan chart of an ensemble", 0);
  rs_buf_printf(&b, "# year q05 q25 q50 q75 q95 min max reference\n$env << EOD\n");
  for (int i = 0; i < nrows; i++) {
    rs_buf_printf(&b, "%.9g", year[i]);
    for (int k = 0; k < 7; k++) put_num(&b, scale * env[i * 7 + k]);
    put_num(&b, ref ? scale * ref[i] : (double)NAN);
    rs_buf_printf(&b, "\n");
  }
  rs_buf_printf(&b, "EOD\n");
  terminals(&b, 0);
  set_title(&b, "title", title);
  set_title(&b, "ylabel", ylabel);
  rs_buf_printf(
      &b,
      "  set xlabel \"year\"\n"
      "  set key below horizontal\n"
      "  plot $env using 1:7:8 with filledcurves lc rgb \"#e4ecf7\" title \"min-max\", \\\n"
      "       $env using 1:2:6 with filledcurves lc rgb \"#b3c9e8\" title \"5-95 %%\", \\\n"
      "       $env using 1:3:5 with filledcurves lc rgb \"#6f98d0\" title \"25-75 %%\", \\\n"
      "       $env using 1:4 with lines lw 1.5 lc rgb \"#1f4e99\" title \"median\", \\\n"
      "       $env using 1:9 with lines lw 2 dt 2 lc rgb \"black\" title \"reference run\"\n");
  end(&b);
  return render(plotdir, name, &b, rep, err);
}

rs_status rs_plots_bars_ci(const char *plotdir, const char *name, const char *title,
                           const char *ylabel, int n, const char *const *labels, const double *v1,
                           const double *lo1, const double *hi1, const char *key1, const double *v2,
                           const double *lo2, const double *hi2, const char *key2,
                           rs_plots_report *rep, rs_error *err) {
  rs_buf b;
  rs_buf_init(&b);
  begin(&b, name, "indices with confidence intervals", 1);
  rs_buf_printf(&b, "# parameter v1 lo1 hi1 v2 lo2 hi2\n$d << EOD\n");
  for (int i = 0; i < n; i++) {
    rs_plots_quote(&b, labels[i]);
    const double x[6] = {v1[i], lo1[i], hi1[i], v2[i], lo2[i], hi2[i]};
    for (int k = 0; k < 6; k++) put_num(&b, x[k]);
    rs_buf_printf(&b, "\n");
  }
  rs_buf_printf(&b, "EOD\n");
  terminals(&b, 1);
  set_title(&b, "title", title);
  set_title(&b, "ylabel", ylabel);
  rs_buf_printf(&b,
                "  set style data histogram\n"
                "  set style histogram errorbars gap 1 lw 1\n"
                "  set style fill solid 0.8 border -1\n"
                "  set boxwidth 0.9\n"
                "  set xtics rotate by 40 right nomirror\n"
                "  set bmargin 12\n"
                "  set yrange [-0.1:1.1]\n"
                "  set key top right opaque box\n"
                "  plot $d using 2:3:4:xtic(1) lc rgb \"#6f98d0\" title ");
  rs_plots_quote(&b, key1);
  rs_buf_printf(&b, ", \\\n       $d using 5:6:7 lc rgb \"#d9822b\" title ");
  rs_plots_quote(&b, key2);
  rs_buf_printf(&b, "\n");
  end(&b);
  return render(plotdir, name, &b, rep, err);
}

rs_status rs_plots_morris(const char *plotdir, const char *name, const char *title,
                          const char *units, int n, const char *const *labels, const double *mustar,
                          const double *sigma, int nlabel, rs_plots_report *rep, rs_error *err) {
  rs_buf b;
  rs_buf_init(&b);
  begin(&b, name, "Morris screening: mu* against sigma", 0);
  /* The nlabel largest mu* get their names, the others are points only; a name that would run
   * into one placed before it moves down below it (positions in data units, from the ranges). */
  double xmax = 0, ymax = 0, ly[64];
  int rank[64];
  for (int i = 0; i < n && i < 64; i++) {
    xmax = fmax(xmax, mustar[i]), ymax = fmax(ymax, sigma[i]);
    rank[i] = 0;
    for (int j = 0; j < n; j++)
      rank[i] += mustar[j] > mustar[i] || (mustar[j] == mustar[i] && j < i);
  }
  if (!(xmax > 0)) xmax = 1;
  if (!(ymax > 0)) ymax = 1;
  for (int r = 0; r < nlabel && r < n; r++) {
    int i = 0;
    while (i < n && rank[i] != r) i++;
    if (i >= n || i >= 64) break;
    ly[i] = sigma[i];
    for (int moved = 1, guard = 0; moved && guard < 32; guard++) {
      moved = 0;
      for (int j = 0; j < n && j < 64; j++)
        if (rank[j] < r && fabs(mustar[j] - mustar[i]) < 0.22 * xmax &&
            fabs(ly[j] - ly[i]) < 0.045 * ymax) {
          ly[i] = ly[j] - 0.05 * ymax;
          moved = 1;
        }
    }
  }
  rs_buf_printf(&b, "# parameter mustar sigma labelled label_y\n$d << EOD\n");
  for (int i = 0; i < n && i < 64; i++) {
    rs_plots_quote(&b, labels[i]);
    put_num(&b, mustar[i]);
    put_num(&b, sigma[i]);
    rs_buf_printf(&b, " %d", rank[i] < nlabel);
    put_num(&b, rank[i] < nlabel ? ly[i] : (double)NAN);
    rs_buf_printf(&b, "\n");
  }
  rs_buf_printf(&b, "EOD\n");
  terminals(&b, 0);
  set_title(&b, "title", title);
  char xl[160], yl[160];
  snprintf(xl, sizeof xl, "mu* (mean |elementary effect|, %s per range)", units);
  snprintf(yl, sizeof yl, "sigma (sd of the effects, %s per range)", units);
  set_title(&b, "xlabel", xl);
  set_title(&b, "ylabel", yl);
  rs_buf_printf(
      &b,
      "  set xrange [0:*]\n  set yrange [0:*]\n  set offsets graph 0, graph 0.25, graph 0.1, 0\n"
      "  set key top left\n"
      "  plot $d using 2:3 with points pt 7 ps psz lc rgb \"#1f4e99\" title \"a parameter\", \\\n"
      "       $d using 2:($4 > 0 ? $5 : NaN):1 with labels left offset 0.8,0.3 "
      "font small notitle, \\\n"
      "       $d using 2:3:(0):($4 > 0 && $5 != $3 ? $5 - $3 : NaN) with vectors nohead lc rgb "
      "\"#999999\" notitle, \\\n"
      "       x with lines dt 2 lc rgb \"#888888\" title \"sigma = mu*\"\n");
  end(&b);
  return render(plotdir, name, &b, rep, err);
}

rs_status rs_plots_lines(const char *plotdir, const char *name, const char *title,
                         const char *ylabel, int nrows, const double *year, int nlines,
                         const char *const *keys, const double *v, double ymin, double ymax,
                         rs_plots_report *rep, rs_error *err) {
  rs_buf b;
  rs_buf_init(&b);
  begin(&b, name, "lines over time", 0);
  rs_buf_printf(&b, "$d << EOD\n");
  for (int i = 0; i < nrows; i++) {
    rs_buf_printf(&b, "%.9g", year[i]);
    for (int k = 0; k < nlines; k++) put_num(&b, v[(size_t)k * (size_t)nrows + (size_t)i]);
    rs_buf_printf(&b, "\n");
  }
  rs_buf_printf(&b, "EOD\n");
  terminals(&b, 0);
  set_title(&b, "title", title);
  set_title(&b, "ylabel", ylabel);
  if (nrows > 1) rs_buf_printf(&b, "  set xrange [%.9g:%.9g]\n", year[0], year[nrows - 1]);
  if (isfinite(ymin) && isfinite(ymax)) rs_buf_printf(&b, "  set yrange [%.9g:%.9g]\n", ymin, ymax);
  rs_buf_printf(&b,
                "  set xlabel \"year\"\n  set key outside right top\n  set rmargin 28\n  plot ");
  for (int k = 0; k < nlines; k++) {
    rs_buf_printf(&b, "%s$d using 1:%d with lines lw 1.5 title ", k ? ", \\\n       " : "", k + 2);
    rs_plots_quote(&b, keys[k]);
  }
  rs_buf_printf(&b, "\n");
  end(&b);
  return render(plotdir, name, &b, rep, err);
}

rs_status rs_plots_heatmap(const char *plotdir, const char *name, const char *title,
                           const char *cblabel, int nrow, const char *const *rowlab, int ncol,
                           const char *const *collab, const double *v, rs_plots_report *rep,
                           rs_error *err) {
  rs_buf b;
  rs_buf_init(&b);
  begin(&b, name, "heat map", 1);
  rs_buf_printf(&b, "$m << EOD\n");
  for (int i = 0; i < nrow; i++) {
    for (int j = 0; j < ncol; j++) put_num(&b, v[(size_t)i * (size_t)ncol + (size_t)j]);
    rs_buf_printf(&b, "\n");
  }
  rs_buf_printf(&b, "EOD\n");
  terminals(&b, 1);
  set_title(&b, "title", title);
  set_title(&b, "cblabel", cblabel);
  /* the labels first, then their options (a font given as a variable cannot precede a list) */
  rs_buf_printf(&b, "  set xtics (");
  for (int j = 0; j < ncol; j++) {
    rs_buf_printf(&b, "%s", j ? ", " : "");
    rs_plots_quote(&b, collab[j]);
    rs_buf_printf(&b, " %d", j);
  }
  rs_buf_printf(&b, ")\n  set xtics rotate by 40 right nomirror font small\n  set ytics (");
  for (int i = 0; i < nrow; i++) {
    rs_buf_printf(&b, "%s", i ? ", " : "");
    rs_plots_quote(&b, rowlab[i]);
    rs_buf_printf(&b, " %d", i);
  }
  rs_buf_printf(
      &b,
      ")\n  set ytics nomirror font small\n  set bmargin 11\n  set lmargin 16\n  unset grid\n"
      "  set xrange [-0.5:%d.5]\n  set yrange [%d.5:-0.5]\n"
      "  set palette defined (0 \"white\", 1 \"#b3c9e8\", 2 \"#1f4e99\")\n"
      "  set logscale cb\n  set cbrange [0.001:*]\n"
      "  plot $m matrix with image notitle\n",
      ncol - 1, nrow - 1);
  end(&b);
  return render(plotdir, name, &b, rep, err);
}
