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
  RS_TK_CROSSING,    /* the year in which indicator falls below `other` (linear interpolation
                        between output rows) should lie within [year, year2]; residual is the
                        distance in years outside the span / scale; if the series never cross,
                        min over the span of (indicator - other) / scale_gap */
  RS_TK_SERIES,      /* a data set: each (year, value[, sd]) row of a CSV file against the
                        indicator linearly interpolated in year; residual (model - value)/sd, or
                        /scale when the file has no sd column */
  RS_NTARGETKIND
} rs_target_kind;

const char *rs_target_kind_name(int kind); /* "point", "mean_growth", ... */

#define RS_TARGET_ID_MAX 48
#define RS_TARGET_TEXT_MAX 320

typedef struct rs_target {
  char id[RS_TARGET_ID_MAX]; /* unique, [a-z0-9_] */
  int modelled;              /* 0: kept for the report only (reason says why) */
  char reason[RS_TARGET_TEXT_MAX];
  int kind;                  /* rs_target_kind (RS_TK_POINT for unmodelled entries) */
  int indicator;             /* rs_indicator, or -1 when not modelled */
  int other;                 /* second indicator for order/crossing, else -1 */
  double year, year2;        /* see the kinds; year2 = year for a point */
  double value;              /* target value, or NAN when the target is a range */
  double lower, upper;       /* accepted range (-INFINITY/INFINITY when open); with a value,
                                both are NAN */
  double scale;              /* the misfit a user would accept, in the indicator's units (years
                                for a crossing); residual = misfit / scale */
  double scale_gap;          /* crossing only: scale of the gap when the series never cross */
  double weight;             /* weight of the squared residual(s) in the cost */
  char section[64];          /* the paper's section, table or figure: "2", "6, fig. 3" */
  char quote[RS_TARGET_TEXT_MAX]; /* a short quote or paraphrase of the paper */
  char paper_value[64];      /* the figure as the paper gives it, for the report: "61 %" */
  int line;                  /* line in the target file */
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

/* Load a target file. span_start/span_end are the run span: every year used by a modelled
 * target must lie inside it. Errors (RS_ERR_INPUT) name file:line and the setting, as the
 * parameter loader does: unknown kind, unknown indicator (with the closest name), years outside
 * the span or in the wrong order, missing value/range, non-positive scale or weight, duplicate
 * id, a series file that cannot be read (file:line of the series file). */
rs_status rs_targets_load(const char *path, double span_start, double span_end, rs_targets *ts,
                          rs_error *err);
void rs_targets_free(rs_targets *ts); /* NULL and a zeroed struct are fine */

/* Number of residuals of target k (0 when not modelled, npoints for a series, else 1) and of
 * the whole set. */
int rs_target_nresiduals(const rs_target *t);
int rs_targets_nresiduals(const rs_targets *ts);

/* Evaluate target t on a run: *model receives the model's value of the compared quantity
 * (for a series: the root-mean-square scaled residual), res[0..nres-1] the scaled residuals
 * (NOT multiplied by sqrt(weight)). When dS is not NULL it holds the run's sensitivities,
 * dS[(row*ns + j)*RS_NINDICATOR + c] = d indicator c / d parameter j at output row row, and
 * jac[r*ns + j] receives d res[r] / d parameter j. Returns RS_ERR_RUN (with err) when the series
 * does not cover the target's years. */
rs_status rs_target_eval(const rs_target *t, const rs_series *s, const double *dS, int ns,
                         double *model, double *res, double *jac, rs_error *err);

#endif /* RS_TARGETS_H */
