/* targets/targets.h -- the paper's figures as calibration targets.
 * This module reads the target file (params/targets.cfg: every figure of the paper, modelled or
 * not, with its citation) and data series (CSV), and turns a model run into scaled residuals
 * and, given the run's sensitivities, their exact derivatives by the chain rule through each
 * target's formula. It runs nothing itself: it reads series that sim/ produced. */
#ifndef RS_TARGETS_H
#define RS_TARGETS_H

#include "sim.h"

/* How a target compares the model with the paper. */
typedef enum rs_target_kind {
  RS_TK_POINT,       /* indicator at `year` */
  RS_TK_MEAN_GROWTH, /* time average of a rate indicator over [year, year2] (trapezoid rule on
                        the output grid): the average growth rate over the span */
  RS_TK_MEAN,        /* time average of a level indicator over [year, year2] (same rule) */
  RS_TK_RATIO,       /* indicator at `year2` divided by indicator at `year` */
  RS_TK_MAX_IN,      /* largest value of the indicator on the output grid within [year, year2] */
  RS_TK_ORDER,       /* indicator at `year` below `other` at `year2` (other defaults to the same
                        indicator): one-sided, residual pos(lhs - rhs)/scale */
  RS_TK_CROSSING,    /* the year in which indicator first falls below `other` in the run
                        (linear interpolation between output rows) should lie within
                        [year, year2]; residual is the distance in years outside the span /
                        scale. If it never falls below in the run (model value NAN), with
                        d = indicator - other: min of d over the span rows where d >= 0, /
                        scale_gap, when d >= 0 at year2 (still above: positive); else max of d
                        over the span / scale_gap (below from the start of the run: negative) */
  RS_TK_SERIES,      /* a data set: each (year, value[, sd]) row of a CSV file against the
                        indicator linearly interpolated in year; residual (model - value)/sd, or
                        /scale when the file has no sd column */
  RS_NTARGETKIND
} rs_target_kind;

const char *rs_target_kind_name(int kind); /* "point", "mean_growth", ... */

#define RS_TARGET_ID_MAX 48
#define RS_TARGET_TEXT_MAX 320

typedef struct rs_target {
  char id[RS_TARGET_ID_MAX];       /* unique, [a-z0-9_] */
  int modelled;                    /* 0: kept for the report only (reason says why) */
  char reason[RS_TARGET_TEXT_MAX]; /* why not modelled; on a modelled entry an optional note
                                      on the mapping ("" when none) */
  int kind;                        /* rs_target_kind (RS_TK_POINT for unmodelled entries) */
  int indicator;                   /* rs_indicator, or -1 when not modelled */
  int other;                       /* second indicator for order/crossing, else -1 */
  double year, year2;  /* see the kinds; year2 = year for a point; a series: its first and
                          last data year; unmodelled: the years given for the report, or
                          NAN */
  double value;        /* target value, or NAN when the target is a range (and for order,
                          crossing, series and unmodelled entries) */
  double lower, upper; /* accepted range (-INFINITY/INFINITY when open); with a value,
                          both are NAN. Order: (-INFINITY, 0], the accepted range of
                          I(year) - O(year2); crossing: [year, year2] */
  double scale;        /* the misfit a user would accept, in the indicator's units (years
                          for a crossing); residual = misfit / scale */
  double scale_gap;    /* crossing only: scale of the gap when the series never cross;
                          else NAN. scale is NAN for a series with an sd column and for
                          unmodelled entries */
  double weight;       /* weight of the squared residual(s) in the cost (1 by default, 0
                          for unmodelled entries) */
  char section[64];    /* the paper's section, table or figure: "2", "6, fig. 3" */
  char quote[RS_TARGET_TEXT_MAX]; /* a short quote or paraphrase of the paper */
  char paper_value[64];           /* the figure as the paper gives it, for the report: "61 %" */
  int line;                       /* line of the entry in the target file */
  /* RS_TK_SERIES: the data, owned */
  char series_file[512];
  int npoints;
  double *sx, *sy, *ssd; /* years, values, standard deviations (ssd NULL without sd column) */
} rs_target;

typedef struct rs_targets {
  int n;
  rs_target *t; /* owned */
  char file[512];
} rs_targets;

/* Load a target file (format: the header of params/targets.cfg). span_start/span_end are the run
 * span: every year used by a modelled target must lie inside it. ts is filled from scratch (its
 * old contents are not freed); free it with rs_targets_free. Errors (RS_ERR_INPUT) are one line
 * "FILE:LINE: target 'id': ..." naming the setting, as the parameter loader does: syntax,
 * unknown field or kind or indicator (with the closest name), years outside the span or in the
 * wrong order, value and range both or neither, non-positive scale, negative weight, duplicate
 * id, a missing citation or reason; a series file that cannot be opened (file:line of its file
 * setting) or a bad data line ("SERIES:LINE: ..."). A target file that cannot be read is
 * RS_ERR_IO. On any error ts is left empty (n = 0, t = NULL). */
rs_status rs_targets_load(const char *path, double span_start, double span_end, rs_targets *ts,
                          rs_error *err);
void rs_targets_free(rs_targets *ts); /* NULL and a zeroed struct are fine */

/* Number of residuals of target k (0 when not modelled, npoints for a series, else 1) and of
 * the whole set. */
int rs_target_nresiduals(const rs_target *t);
int rs_targets_nresiduals(const rs_targets *ts);

/* Evaluate target t on a run: *model receives the model's value of the compared quantity
 * (for a series: the root-mean-square scaled residual; for a crossing that never happens: NAN),
 * res[0..nres-1] the scaled residuals (NOT multiplied by sqrt(weight)). When dS is not NULL it
 * holds the run's sensitivities, dS[(row*ns + j)*RS_NINDICATOR + c] = d indicator c / d
 * parameter j at output row row, and jac[r*ns + j] receives d res[r] / d parameter j (jac may be
 * NULL when dS is). Years must lie on the output grid (within 1e-9), except a series' data
 * years, which interpolate between rows. An unmodelled target gives *model = NAN and no
 * residual. No allocation. Returns RS_ERR_RUN (with err naming the target) when the run does
 * not cover a year, a year is not on the grid, a ratio divides by zero or a residual is not
 * finite; RS_ERR_INPUT for missing arguments. */
rs_status rs_target_eval(const rs_target *t, const rs_series *s, const double *dS, int ns,
                         double *model, double *res, double *jac, rs_error *err);

#endif /* RS_TARGETS_H */
