/* targets/targets.h -- the paper's figures, and external data, as calibration targets.
 * This module reads target files (params/targets.cfg: every figure of the paper, modelled or
 * not, with its citation; params/targets/data.cfg: external data, each entry with its source;
 * any number of files, each of which may name a base file) and data series (CSV), and turns a
 * model run into scaled residuals and, given the run's sensitivities, their exact derivatives by
 * the chain rule through each target's formula. It runs nothing itself: it reads series that
 * sim/ produced. */
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

/* Where a target comes from. Every target file declares it for all its entries (origin =
 * "paper"; or origin = "data";), so that no report presents a data figure as the paper's. */
typedef enum rs_target_origin {
  RS_TO_PAPER, /* a figure of Hatch (2001): section, quote and paper_value cite the paper */
  RS_TO_DATA,  /* external data: section is a short label "data: ...", source names the
                  publisher, table, edition and licence */
  RS_NTARGETORIGIN
} rs_target_origin;

const char *rs_target_origin_name(int origin); /* "paper", "data" */

#define RS_TARGET_ID_MAX 48
#define RS_TARGET_TEXT_MAX 320
#define RS_TARGET_PATH_MAX 512
#define RS_TARGET_FILES_MAX 16 /* target files in one set, bases included */

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
  char section[64];    /* the paper's section, table or figure: "2", "6, fig. 3"; for a data
                          target a short source label "data: OECD MSTI" */
  char quote[RS_TARGET_TEXT_MAX];  /* a short quote or paraphrase of the paper (of the source) */
  char paper_value[64];            /* the figure as the paper (the source) gives it: "61 %" */
  char source[RS_TARGET_TEXT_MAX]; /* data targets: publisher, table, edition, licence; "" for
                                      the paper's figures */
  int origin;                      /* rs_target_origin, of the file that holds the entry */
  int file;                        /* index of that file in rs_targets.file */
  int line;                        /* line of the entry in that file */
  /* RS_TK_SERIES: the data, owned */
  char series_file[RS_TARGET_PATH_MAX]; /* relative to the target file, tidied */
  int npoints;
  double *sx, *sy, *ssd; /* years, values, standard deviations (ssd NULL without sd column) */
} rs_target;

/* A target file that was read: one given to the loader, or a base named by one. */
typedef struct rs_target_file {
  char path[RS_TARGET_PATH_MAX]; /* as opened: a base joined to the directory of the file that
                                    names it, tidied (rs_path_tidy) */
  int origin;                    /* rs_target_origin declared by the file */
  int base_of;                   /* index of the file whose base = names it; -1 for a file
                                    given to the loader */
  int nentries;                  /* its entries in the set */
  int ndropped;                  /* its entries left out by paper_only */
} rs_target_file;

typedef struct rs_targets {
  int n;
  rs_target *t; /* owned; in load order: file by file, each file's entries in file order */
  int nfiles;   /* files read, in load order: a file's bases before the file itself */
  rs_target_file file[RS_TARGET_FILES_MAX];
  int paper_only; /* the data targets were left out (rs_targets_load_files) */
} rs_targets;

/* Load the target files paths[0..npaths-1] in that order (format: the header of
 * params/targets.cfg) into one set. A file that names a base (base = "FILE";, relative to the
 * naming file, bases may chain) has its base loaded first, so the set holds every file once,
 * bases before the files that name them. Ids are unique over the whole set. With paper_only the
 * entries of origin "data" are read and checked, then left out (counted in
 * rs_target_file.ndropped). span_start/span_end are the run span: every year used by a
 * modelled target must lie inside it. ts is filled from scratch (its old contents are not
 * freed); free it with rs_targets_free.
 * Errors (RS_ERR_INPUT) are one line "FILE:LINE: target 'id': ..." naming the setting, as the
 * parameter loader does: syntax, unknown setting or field or kind or indicator (with the closest
 * name), a missing or unknown origin, years outside the span or in the wrong order, value and
 * range both or neither, non-positive scale, negative weight, a missing citation or reason, a
 * data entry without source or "data:" label, a source on an entry of the paper; a duplicate id
 * (naming both FILE:LINE); bases that form a cycle ("FILE:LINE: the base files form a cycle:
 * a.cfg -> b.cfg -> a.cfg") or a file loaded twice; more than RS_TARGET_FILES_MAX files; a
 * series file that cannot be opened (file:line of its file setting) or a bad data line
 * ("SERIES:LINE: ..."). A target file that cannot be read is RS_ERR_IO, a missing base too
 * ("FILE:LINE: base file 'RESOLVED' ("REL" relative to FILE) cannot be read: ..."). On any
 * error ts is left empty (n = 0, t = NULL, nfiles = 0). */
rs_status rs_targets_load_files(const char *const *paths, int npaths, int paper_only,
                                double span_start, double span_end, rs_targets *ts, rs_error *err);
/* One file (and its bases), every origin: rs_targets_load_files(&path, 1, 0, ...). */
rs_status rs_targets_load(const char *path, double span_start, double span_end, rs_targets *ts,
                          rs_error *err);
void rs_targets_free(rs_targets *ts); /* NULL and a zeroed struct are fine */

/* Number of targets of origin `origin` in the set (modelled or not). */
int rs_targets_count(const rs_targets *ts, int origin);

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
