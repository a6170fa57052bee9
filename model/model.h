/* model/model.h -- the relsim model of Hatch (2001), "Regionalizing Relationalism".
 * This module holds the state vector, the one parameter registry (with time tables, event
 * channels and named events), the right-hand side with its analytic Jacobian, and the output
 * indicators. It knows nothing of files (params/ reads them) and nothing of CVODE (solver/
 * integrates); everything here is plain values and pure functions, safe to use from threads. */
#ifndef RS_MODEL_H
#define RS_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define RS_VERSION "0.2.0"

/* ---------------------------------------------------------------- state vector */

/* The stocks, in the order of the state vector (model/stocks.def). */
#define X(id, name, units, lo, hi, positive, label) RS_##id,
typedef enum rs_state_index {
#include "stocks.def"
  RS_NSTATE
} rs_state_index;
#undef X

/* Name ("a", "K", ...) and units of a stock ("?" out of range). */
const char *rs_state_name(int i);
const char *rs_state_units(int i);
/* Names of all stocks, RS_NSTATE entries in state order (for the solver's messages). */
const char *const *rs_state_names(void);
/* Physical range [*lower, *upper] of stock i (upper may be INFINITY). */
void rs_state_range(int i, double *lower, double *upper);

/* ---------------------------------------------------------------- parameter registry */

typedef enum rs_param_type {
  RS_T_REAL, /* a real number within [lower, upper] */
  RS_T_INT,  /* an integer within [lower, upper] */
  RS_T_ENUM  /* one of the '|'-separated words in units; the value is the word's index */
} rs_param_type;

#define X(id, name, type, units, def, lo, hi, meaning, source) RS_P_##id,
typedef enum rs_param_id {
#include "registry.def"
  RS_NPARAM
} rs_param_id;
#undef X

/* One entry of the registry. */
typedef struct rs_param_info {
  const char *name;    /* "group.name", as written in parameter files */
  rs_param_type type;  /* real, int or enum */
  const char *units;   /* units, or for enums the '|'-separated choices */
  double def;          /* default (provisional until calibrated) */
  double lower, upper; /* inclusive bounds */
  const char *meaning; /* one line */
  const char *source;  /* paper section or other source */
} rs_param_info;

/* The registry entry of a parameter, or NULL if id is out of range. */
const rs_param_info *rs_param_info_get(int id);
/* Look a parameter up by its full name "group.name", or by the part after the dot when that is
 * unique. Returns the id or -1. */
int rs_param_find(const char *name);
/* The registry name closest to a misspelt name (edit distance), or NULL if none is close. */
const char *rs_param_suggest(const char *name);
/* Index of word in an enum parameter's choices, or -1. */
int rs_param_enum_index(int id, const char *word);
/* Word number idx of an enum parameter ("bdf"), into buf of size n. */
const char *rs_param_enum_word(int id, int idx, char *buf, size_t n);

/* ---------------------------------------------------------------- time tables */

/* Exogenous inputs given as year/value pairs, interpolated linearly and held flat beyond the
 * ends (MODEL.md, "Exogenous inputs"). */
typedef enum rs_table_id {
  RS_TAB_GF,    /* frontier (US) TFP growth g_f, 1/yr */
  RS_TAB_LABOR, /* labour-force growth n, 1/yr */
  RS_TAB_RDPUB, /* government R&D, share of GDP */
  RS_TAB_RDF,   /* R&D of the frontier economy (US), share of GDP */
  RS_NTABLE
} rs_table_id;

#define RS_TABLE_MAX 64

typedef struct rs_table {
  int n;                  /* number of points, 1..RS_TABLE_MAX */
  double t[RS_TABLE_MAX]; /* years, strictly increasing */
  double v[RS_TABLE_MAX]; /* values */
} rs_table;

typedef struct rs_table_info {
  const char *name, *units;
  double lower, upper; /* bounds on every value */
  const char *meaning, *source;
} rs_table_info;

const rs_table_info *rs_table_info_get(int id);
int rs_table_find(const char *name); /* id or -1 */
/* Value at t (linear interpolation, flat beyond the ends). */
double rs_table_eval(const rs_table *tab, double t);
/* Integral of the table from t0 to t1 (exact for the piecewise-linear function). */
double rs_table_integral(const rs_table *tab, double t0, double t1);

/* ---------------------------------------------------------------- events */

/* Channels: the places in the equations where dated shocks act. Several events may share a
 * channel; their values add up. */
typedef enum rs_channel {
  RS_CH_TFP,       /* TFP growth lost, 1/yr (oil shocks) */
  RS_CH_YEN,       /* push of the strong yen to produce abroad, 1/yr (Plaza accord) */
  RS_CH_BUBBLE,    /* asset-bubble intensity, 1 (investment boom, R&D diversion) */
  RS_CH_BURST,     /* pressure and closures after the bubble bursts, 1/yr */
  RS_CH_PRESSURE,  /* foreign (US) pressure on the regime, 1/yr */
  RS_CH_CRISIS,    /* destruction of the Asian network by the 1997-98 crisis, 1/yr */
  RS_CH_PUBLIC_RD, /* added government R&D, share of GDP */
  RS_CH_REFORM,    /* deliberate dismantling of ties, 1/yr */
  RS_CH_ENTRY,     /* shift of the target start-up rate, 1/yr */
  RS_CH_BASIC,     /* shift of the basic-research share, fraction */
  RS_CH_EROSION,   /* relative change of the erosion rate of ties (1: twice as fast) */
  RS_NCHANNEL
} rs_channel;

typedef struct rs_channel_info {
  const char *name, *units;
  double lower, upper; /* bounds on an event's magnitude */
  const char *meaning;
} rs_channel_info;

const rs_channel_info *rs_channel_info_get(int ch);
int rs_channel_find(const char *name); /* id or -1 */

typedef enum rs_shape {
  RS_SHAPE_STEP,        /* magnitude from start on (no end) */
  RS_SHAPE_PULSE,       /* magnitude on [start, end) */
  RS_SHAPE_RAMP,        /* 0 at start, linear to magnitude at end, held after */
  RS_SHAPE_SMOOTH_PULSE /* magnitude * sin^2(pi (t-start)/(end-start)) on [start, end] */
} rs_shape;

const char *rs_shape_name(int shape);
int rs_shape_find(const char *name); /* shape or -1 */

#define RS_EVENT_MAX 32
/* Event years lie in [RS_EVENT_YEAR_MIN, RS_EVENT_YEAR_MAX]; a pulse, ramp or smooth pulse lasts
 * at least RS_EVENT_MIN_LENGTH years; edges closer than RS_EDGE_GAP years are merged. */
#define RS_EVENT_YEAR_MIN 1800.0
#define RS_EVENT_YEAR_MAX 2400.0
#define RS_EVENT_MIN_LENGTH 1e-4
#define RS_EDGE_GAP 1e-6
#define RS_NAME_MAX 32

typedef struct rs_event {
  char name[RS_NAME_MAX]; /* [a-z0-9_], unique */
  bool enabled;
  int shape;        /* rs_shape */
  int channel;      /* rs_channel */
  double start;     /* yr */
  double end;       /* yr; unused (NAN) for steps */
  double magnitude; /* channel units */
} rs_event;

/* Value of one event at time t. seg_mid is any time strictly inside the current integration
 * segment: it decides which side of a jump (start of a step or pulse, end of a pulse) applies,
 * so that the RHS is smooth within a segment and the integrator never meets the jump. */
double rs_event_value(const rs_event *ev, double t, double seg_mid);
/* The event's value divided by its magnitude: 0..1 (0 when disabled). */
double rs_event_shape(const rs_event *ev, double t, double seg_mid);

/* ---------------------------------------------------------------- parameter set */

/* Everything a run depends on: scalars, tables and events. A plain value: copy it with '='. */
typedef struct rs_params {
  double v[RS_NPARAM];
  rs_table tables[RS_NTABLE];
  int nevents;
  rs_event events[RS_EVENT_MAX];
} rs_params;

/* Fill p with the registry defaults, the default tables and the default events. */
void rs_params_defaults(rs_params *p);
/* Index of the event with this name, or -1. */
int rs_params_find_event(const rs_params *p, const char *name);
/* Check every value against its bounds and every cross-constraint (span.end > span.start,
 * tables increasing in time, event fields consistent). On failure err names the setting, the
 * value and the bounds, and RS_ERR_INPUT is returned. */
rs_status rs_params_validate(const rs_params *p, rs_error *err);

/* ---------------------------------------------------------------- the right-hand side */

/* A prepared model: the parameters plus constants derived from them (normalisations). Build it
 * with rs_model_prepare; it holds no pointers to p and owns no memory. */
typedef struct rs_model {
  rs_params p;
  double Z;                 /* output normalisation so that Y(start) = 1 */
  double mag[RS_EVENT_MAX]; /* event magnitudes (as in p.events) */
  double K0;                /* initial capital, alpha / r(start) */
  double t0;                /* span.start */
  double seg_mid;           /* a time inside the current integration segment (see rs_event_value) */
  double cum[RS_NTABLE][RS_TABLE_MAX]; /* integral of each table from its first point */
  double prim0[RS_NTABLE];             /* integral of each table from its first point to t0 */
  int nedges;                          /* event edges inside the span, sorted, distinct */
  double edges[2 * RS_EVENT_MAX];
} rs_model;

/* Prepare m from p (p must have passed rs_params_validate). */
void rs_model_prepare(rs_model *m, const rs_params *p);
/* Tell the model which integration segment the next RHS calls belong to. */
void rs_model_set_segment(rs_model *m, double t_lo, double t_hi);
/* Initial state at span.start. */
void rs_model_initial_state(const rs_model *m, double y[RS_NSTATE]);

/* dy/dt at (t, y). Returns 0, +1 if a stock left its physical range by more than a rounding
 * margin (1e-6; a recoverable failure: the integrator retries a smaller step), -1 if a value is
 * not finite. Within the margin the flows use the stock clamped to its range. */
int rs_model_rhs(const rs_model *m, double t, const double *y, double *ydot);
/* Analytic Jacobian d(dy/dt)/dy, column-major: J[j*RS_NSTATE + i] = d f_i / d y_j. */
int rs_model_jac(const rs_model *m, double t, const double *y, double *J);
/* CVODE-style sign constraints of the stocks (2: > 0, 0: none; the stocks without one are kept
 * in range by the formulation), RS_NSTATE entries. */
const double *rs_model_constraints(void);

/* ---------------------------------------------------------------- sensitivities */

/* A parameter that sensitivities (and the calibration) can vary: a scalar of the registry, or
 * the magnitude of an event. */
typedef struct rs_pref {
  int id;    /* rs_param_id, or -1 */
  int event; /* index into rs_params.events when id < 0 */
} rs_pref;

/* Parse "tfp.lambda" (full or unique bare name) or "event.bubble.magnitude" against p. Returns
 * 0, or -1 when the name is unknown or not a real number (enums and integers cannot vary). */
int rs_pref_parse(const rs_params *p, const char *name, rs_pref *ref);
/* Name of a parameter reference ("tfp.lambda", "event.bubble.magnitude") into buf. */
const char *rs_pref_name(const rs_params *p, rs_pref ref, char *buf, size_t n);
double rs_pref_get(const rs_params *p, rs_pref ref);
void rs_pref_set(rs_params *p, rs_pref ref, double value);
/* Bounds of the parameter from the registry (channel bounds for an event magnitude). */
void rs_pref_bounds(const rs_params *p, rs_pref ref, double *lower, double *upper);

/* Sensitivities by the complex step: exact derivatives of the equations (to rounding), not
 * difference quotients. refs lists ns parameters; vectors have RS_NSTATE entries.
 * rs_model_sens_initial: yS0[k*RS_NSTATE + i] = d y_i(start) / d p_k.
 * rs_model_sens_rhs: ySdot[k] = (df/dy) yS[k] + df/dp_k at (t, y); returns like rs_model_rhs.
 * rs_model_sens_indicators: dout[k*RS_NINDICATOR + c] = d indicator_c / d p_k along the run,
 *   given yS[k*RS_NSTATE + i] = d y_i / d p_k at t. */
void rs_model_sens_initial(const rs_model *m, const rs_pref *refs, int ns, double *yS0);
int rs_model_sens_rhs(const rs_model *m, const rs_pref *refs, int ns, double t, const double *y,
                      const double *const *yS, double *const *ySdot);
void rs_model_sens_indicators(const rs_model *m, const rs_pref *refs, int ns, double t,
                              const double *y, const double *yS, double *dout);

/* ---------------------------------------------------------------- indicators */

/* Output columns of series.csv after "year", in order. */
typedef enum rs_indicator {
#define X(id, name, units, lo, hi, positive, label) RS_I_##id,
#include "stocks.def" /* the stocks, RS_I_A ... RS_I_F */
#undef X
  RS_I_Y,              /* output, units of first-year GDP */
  RS_I_RET,            /* gross return on capital r = alpha Y / K, 1/yr */
  RS_I_TFP_GROWTH,     /* Japan's TFP growth, 1/yr */
  RS_I_GDP_GROWTH,     /* GDP growth (dY/dt)/Y, 1/yr */
  RS_I_MPK,            /* marginal output per unit of capital (dY/dt)/(dK/dt) */
  RS_I_RD_TOTAL,       /* national R&D, share of GDP */
  RS_I_RD_INV_SHARE,   /* R&D share of investment rd_b/(rd_b + s) */
  RS_I_BASIC_SHARE,    /* basic-research share of national R&D */
  RS_I_INDEP_SHARE,    /* independent share of start-ups */
  RS_I_CLOSURE,        /* closure rate of firms, 1/yr */
  RS_I_NET_RELATIONAL, /* net relational effect B - C, 1/yr */
  RS_I_BENEFIT,        /* relational benefit B, 1/yr */
  RS_I_COST,           /* relational opportunity cost C, 1/yr */
  RS_I_PRESSURE,       /* pressure on the regime P, 1/yr */
  RS_I_RD_PUBLIC,      /* government R&D, share of GDP */
  RS_I_A_MFG,          /* manufacturing TFP relative to the US, a_m = w_mfg a (Cameron's index) */
  RS_I_SUB_SHARE,      /* share of small manufacturers that are subcontractors, w_sub R */
  RS_I_RD_OECD,        /* national R&D on the OECD's basis, w_rd (rd_b + rd_pub) */
  RS_I_PROFIT_GROWTH,  /* growth of the profit rate r, g_Y - g_K, 1/yr */
  RS_I_G_POT,          /* expected (potential) growth that drives the accelerator, 1/yr */
  RS_I_RELIEF,         /* share of the pressure that the Asian network absorbs */
  RS_I_EROSION,        /* rate at which ties erode under unabsorbed pressure, 1/yr */
  RS_NINDICATOR
} rs_indicator;

typedef struct rs_indicator_info {
  const char *name;  /* CSV column */
  const char *units; /* for the units line and axis labels */
  const char *label; /* a short description for plots and reports */
} rs_indicator_info;

const rs_indicator_info *rs_indicator_info_get(int i);
int rs_indicator_find(const char *name); /* index or -1 */

/* All indicators at (t, y) into out[RS_NINDICATOR]; the stocks are reported clamped to their
 * physical ranges. Flows are evaluated in the segment set by rs_model_set_segment (at an event
 * edge: the side the caller chose). */
void rs_model_indicators(const rs_model *m, double t, const double *y, double *out);

#endif /* RS_MODEL_H */
