/* model/registry.c -- the parameter registry, the time-table and channel registries, the
 * default tables and events, and validation of a parameter set.
 * This file contains the data every other part of relsim reads parameters through: names,
 * units, defaults, bounds, meanings and sources (see registry.def for the scalars). */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "model.h"

/* ---------------------------------------------------------------- scalar registry */

static const rs_param_info param_info[RS_NPARAM] = {
#define X(id, name, type, units, def, lo, hi, meaning, source) \
  {name, type, units, def, lo, hi, meaning, source},
#include "registry.def"
#undef X
};

const rs_param_info *rs_param_info_get(int id) {
  return id >= 0 && id < RS_NPARAM ? &param_info[id] : NULL;
}

int rs_param_find(const char *name) {
  for (int i = 0; i < RS_NPARAM; i++)
    if (strcmp(param_info[i].name, name) == 0) return i;
  /* A bare name ("lambda") is accepted when exactly one group has it. */
  if (strchr(name, '.')) return -1;
  int found = -1;
  for (int i = 0; i < RS_NPARAM; i++) {
    const char *dot = strchr(param_info[i].name, '.');
    if (dot && strcmp(dot + 1, name) == 0) {
      if (found >= 0) return -1;
      found = i;
    }
  }
  return found;
}

const char *rs_param_suggest(const char *name) {
  const char *best = NULL;
  size_t best_d = (size_t)-1;
  for (int i = 0; i < RS_NPARAM; i++) {
    const char *full = param_info[i].name;
    const char *bare = strchr(full, '.') + 1;
    size_t d = rs_edit_distance(name, full);
    size_t d2 = rs_edit_distance(name, bare);
    if (d2 < d) d = d2;
    if (d < best_d) {
      best_d = d;
      best = full;
    }
  }
  /* Suggest only what is plausibly a typo: at most a third of the name wrong. */
  size_t len = strlen(name);
  return best && best_d <= (len < 6 ? 2 : len / 3 + 1) ? best : NULL;
}

int rs_param_enum_index(int id, const char *word) {
  const rs_param_info *pi = rs_param_info_get(id);
  if (!pi || pi->type != RS_T_ENUM) return -1;
  size_t wl = strlen(word);
  const char *p = pi->units;
  for (int idx = 0;; idx++) {
    const char *bar = strchr(p, '|');
    size_t l = bar ? (size_t)(bar - p) : strlen(p);
    if (l == wl && strncmp(p, word, l) == 0) return idx;
    if (!bar) return -1;
    p = bar + 1;
  }
}

const char *rs_param_enum_word(int id, int idx, char *buf, size_t n) {
  const rs_param_info *pi = rs_param_info_get(id);
  buf[0] = '\0';
  if (!pi || pi->type != RS_T_ENUM) return buf;
  const char *p = pi->units;
  for (int k = 0; k < idx; k++) {
    p = strchr(p, '|');
    if (!p) return buf;
    p++;
  }
  const char *bar = strchr(p, '|');
  size_t l = bar ? (size_t)(bar - p) : strlen(p);
  snprintf(buf, n, "%.*s", (int)l, p);
  return buf;
}

/* ---------------------------------------------------------------- states */

typedef struct state_info {
  const char *name, *units;
  double lower, upper;
} state_info;

static const state_info states[RS_NSTATE] = {
#define X(id, name, units, lo, hi, positive, label) {name, units, lo, hi},
#include "stocks.def"
#undef X
};

static const char *const state_names[RS_NSTATE] = {
#define X(id, name, units, lo, hi, positive, label) name,
#include "stocks.def"
#undef X
};

const char *rs_state_name(int i) {
  return i >= 0 && i < RS_NSTATE ? states[i].name : "?";
}
const char *rs_state_units(int i) {
  return i >= 0 && i < RS_NSTATE ? states[i].units : "?";
}
const char *const *rs_state_names(void) {
  return state_names;
}
void rs_state_range(int i, double *lower, double *upper) {
  assert(i >= 0 && i < RS_NSTATE);
  *lower = states[i].lower;
  *upper = states[i].upper;
}

/* ---------------------------------------------------------------- tables */

static const rs_table_info table_info[RS_NTABLE] = {
    {"g_f", "1/yr", -0.05, 0.1, "frontier (US) TFP growth",
     "Penn World Table 10.01, rtfpna of the USA: average log growth over 1955-73, 1973-80, "
     "1980-90, 1990-2000, 2000-10 and 2010-19 (rounded to 1e-5), each period constant with a "
     "one-year linear change centred on its boundary (params/data/pwt1001_jpn_usa.csv); held "
     "at the 2010-19 rate after 2019 (assumption)"},
    {"labor_growth", "1/yr", -0.05, 0.1, "growth of labour input, persons engaged x human capital",
     "Penn World Table 10.01, emp x hc of Japan (the labour input of PWT's TFP): average log "
     "growth over 1955-60, the decades 1960-2010 and 2010-19 (rounded to 1e-5), each period "
     "constant with a one-year linear change centred on its boundary "
     "(params/data/pwt1001_jpn_usa.csv); held at the 2010-19 rate after 2019 (assumption)"},
    {"rd_public", "share of GDP", 0.0, 0.05, "government-funded R&D",
     "the government-funded share of Japan's R&D printed in the Science and Technology "
     "Agency's White Papers (30 % in FY1963, 31 % in FY1965, 28 % in FY1975 and FY1978) times "
     "R&D / GDP of params/data/rd_gdp_japan.csv (1965: interpolated); flat before 1963; held at "
     "the 1978 value after it (assumption: no later funder series was found), the 1996 Science "
     "and Technology Basic Plan adding 0.12 % (event st_basic_plan)"},
    {"rd_frontier", "share of GDP", 0.0, 0.1, "R&D of the frontier economy (the US)",
     "NCSES (NSF), National Patterns of R&D Resources, table 1: US R&D / GDP every five years "
     "1955-2020 and 1998 (params/data/us_rd_gdp.csv); held at the 2020 value after"},
};

const rs_table_info *rs_table_info_get(int id) {
  return id >= 0 && id < RS_NTABLE ? &table_info[id] : NULL;
}

int rs_table_find(const char *name) {
  for (int i = 0; i < RS_NTABLE; i++)
    if (strcmp(table_info[i].name, name) == 0) return i;
  return -1;
}

typedef struct table_default {
  int n;
  double tv[24][2];
} table_default;

/* Period averages as constant pieces: the value of each period from its start to half a year
 * before its end, a linear change over the year centred on the boundary (which keeps the
 * integral over each period within an eighth of a year's change of the exact one). The numbers
 * are checked against the data files by tests/test_model.c. */
static const table_default table_defaults[RS_NTABLE] = {
    /* g_f: PWT 10.01 USA rtfpna, 1955-73, 1973-80, 1980-90, 1990-2000, 2000-10, 2010-19 */
    {11,
     {{1955.0, 0.00986},
      {1972.5, 0.00986},
      {1973.5, -0.00280},
      {1979.5, -0.00280},
      {1980.5, 0.00668},
      {1989.5, 0.00668},
      {1990.5, 0.00779},
      {1999.5, 0.00779},
      {2000.5, 0.00710},
      {2009.5, 0.00710},
      {2010.5, 0.00442}}},
    /* labor_growth: PWT 10.01 JPN emp x hc, 1955-60, 1960-70, ..., 2000-10, 2010-19 */
    {13,
     {{1955.0, 0.02623},
      {1959.5, 0.02623},
      {1960.5, 0.02188},
      {1969.5, 0.02188},
      {1970.5, 0.01487},
      {1979.5, 0.01487},
      {1980.5, 0.01464},
      {1989.5, 0.01464},
      {1990.5, 0.00639},
      {1999.5, 0.00639},
      {2000.5, 0.00457},
      {2009.5, 0.00457},
      {2010.5, 0.00951}}},
    /* rd_public: government-funded share x R&D / GDP (STA White Papers; rd_gdp_japan.csv) */
    {4, {{1963, 0.00368}, {1965, 0.00391}, {1975, 0.00480}, {1978, 0.00479}}},
    /* rd_frontier: NCSES National Patterns, US R&D / GDP */
    {15,
     {{1955, 0.0145},
      {1960, 0.0253},
      {1965, 0.0273},
      {1970, 0.0245},
      {1975, 0.0212},
      {1980, 0.0221},
      {1985, 0.0264},
      {1990, 0.0255},
      {1995, 0.0240},
      {1998, 0.0249},
      {2000, 0.0261},
      {2005, 0.0249},
      {2010, 0.0270},
      {2015, 0.0270},
      {2020, 0.0336}}},
};

/* ---------------------------------------------------------------- channels and shapes */

static const rs_channel_info channel_info[RS_NCHANNEL] = {
    {"tfp", "1/yr", -0.2, 0.2, "TFP growth lost (oil shocks, the post-bubble slump)"},
    {"yen", "1/yr", 0.0, 1.0, "push of the strong yen to produce abroad (Plaza accord)"},
    {"bubble", "1", 0.0, 5.0, "asset-bubble intensity: investment boom and R&D diversion"},
    {"burst", "1/yr", 0.0, 1.0, "pressure on the regime and closures after the bubble bursts"},
    {"pressure", "1/yr", 0.0, 1.0, "foreign (US) pressure on the regime"},
    {"asian_crisis", "1/yr", 0.0, 10.0, "rate at which the Asian crisis destroys the network"},
    {"public_rd", "share of GDP", -0.05, 0.05, "government R&D added to the rd_public table"},
    {"reform", "1/yr", 0.0, 10.0, "deliberate dismantling of relational ties"},
    {"entry", "1/yr", -0.2, 0.2, "shift of the target start-up rate"},
    {"basic", "1", -0.5, 0.5, "shift of the basic-research share of R&D"},
    {"erosion", "1", -1.0, 20.0,
     "relative change of the erosion rate of ties (1: twice as fast, -1: no erosion)"},
};

const rs_channel_info *rs_channel_info_get(int ch) {
  return ch >= 0 && ch < RS_NCHANNEL ? &channel_info[ch] : NULL;
}

int rs_channel_find(const char *name) {
  for (int i = 0; i < RS_NCHANNEL; i++)
    if (strcmp(channel_info[i].name, name) == 0) return i;
  return -1;
}

static const char *const shape_names[] = {"step", "pulse", "ramp", "smooth_pulse"};

const char *rs_shape_name(int shape) {
  return shape >= 0 && shape <= RS_SHAPE_SMOOTH_PULSE ? shape_names[shape] : "?";
}

int rs_shape_find(const char *name) {
  for (int i = 0; i <= RS_SHAPE_SMOOTH_PULSE; i++)
    if (strcmp(shape_names[i], name) == 0) return i;
  return -1;
}

/* The dated shocks of MODEL.md ("Exogenous inputs"), with provisional magnitudes. */
static const rs_event event_defaults[] = {
    {"oil1", true, RS_SHAPE_PULSE, RS_CH_TFP, 1973.8, 1975.0, 0.02},
    {"oil2", true, RS_SHAPE_PULSE, RS_CH_TFP, 1979.0, 1980.0, 0.01},
    {"plaza", true, RS_SHAPE_STEP, RS_CH_YEN, 1985.7, (double)NAN, 0.03},
    {"bubble", true, RS_SHAPE_PULSE, RS_CH_BUBBLE, 1986.0, 1990.9, 1.0},
    {"burst", true, RS_SHAPE_STEP, RS_CH_BURST, 1991.0, (double)NAN, 0.01},
    {"us_pressure", true, RS_SHAPE_PULSE, RS_CH_PRESSURE, 1989.0, 1996.0, 0.01},
    {"asian_crisis", true, RS_SHAPE_PULSE, RS_CH_CRISIS, 1997.5, 1998.9, 0.3},
    {"slump", true, RS_SHAPE_STEP, RS_CH_TFP, 1991.0, (double)NAN, 0.005},
    {"st_basic_plan", true, RS_SHAPE_RAMP, RS_CH_PUBLIC_RD, 1996.0, 2001.0, 0.0012},
};

void rs_params_defaults(rs_params *p) {
  memset(p, 0, sizeof *p);
  for (int i = 0; i < RS_NPARAM; i++) p->v[i] = param_info[i].def;
  for (int k = 0; k < RS_NTABLE; k++) {
    p->tables[k].n = table_defaults[k].n;
    for (int j = 0; j < table_defaults[k].n; j++) {
      p->tables[k].t[j] = table_defaults[k].tv[j][0];
      p->tables[k].v[j] = table_defaults[k].tv[j][1];
    }
  }
  p->nevents = (int)(sizeof event_defaults / sizeof event_defaults[0]);
  memcpy(p->events, event_defaults, sizeof event_defaults);
}

int rs_params_find_event(const rs_params *p, const char *name) {
  for (int i = 0; i < p->nevents; i++)
    if (strcmp(p->events[i].name, name) == 0) return i;
  return -1;
}

/* ---------------------------------------------------------------- validation */

static rs_status check_scalar(const rs_params *p, int i, rs_error *err) {
  const rs_param_info *pi = &param_info[i];
  double x = p->v[i];
  if (!isfinite(x))
    return rs_fail(err, RS_ERR_INPUT, "setting '%s' is not a finite number", pi->name);
  if (pi->type != RS_T_REAL && x != floor(x))
    return rs_fail(err, RS_ERR_INPUT, "setting '%s' = %g must be an integer", pi->name, x);
  if (x < pi->lower || x > pi->upper) {
    if (pi->type == RS_T_ENUM)
      return rs_fail(err, RS_ERR_INPUT, "setting '%s' must be one of %s", pi->name, pi->units);
    return rs_fail(err, RS_ERR_INPUT,
                   "setting '%s' = %.10g is outside its bounds [%.10g, %.10g] (%s)", pi->name, x,
                   pi->lower, pi->upper, pi->units);
  }
  return RS_OK;
}

static rs_status check_table(const rs_params *p, int k, rs_error *err) {
  const rs_table *tab = &p->tables[k];
  const rs_table_info *ti = &table_info[k];
  if (tab->n < 1 || tab->n > RS_TABLE_MAX)
    return rs_fail(err, RS_ERR_INPUT, "table '%s' needs 1 to %d points, has %d", ti->name,
                   RS_TABLE_MAX, tab->n);
  for (int j = 0; j < tab->n; j++) {
    if (!isfinite(tab->t[j]) || !isfinite(tab->v[j]))
      return rs_fail(err, RS_ERR_INPUT, "table '%s' point %d is not finite", ti->name, j + 1);
    if (j > 0 && !(tab->t[j] > tab->t[j - 1]))
      return rs_fail(err, RS_ERR_INPUT,
                     "table '%s': years must increase, but point %d (%g) follows %g", ti->name,
                     j + 1, tab->t[j], tab->t[j - 1]);
    if (tab->v[j] < ti->lower || tab->v[j] > ti->upper)
      return rs_fail(err, RS_ERR_INPUT,
                     "table '%s' value %g in %g is outside its bounds [%g, %g] (%s)", ti->name,
                     tab->v[j], tab->t[j], ti->lower, ti->upper, ti->units);
  }
  return RS_OK;
}

/* Event names are [a-z0-9_]+ so that they can be written as libconfig setting names. */
static int valid_event_name(const char *name) {
  if (!name[0] || strlen(name) >= RS_NAME_MAX) return 0;
  for (const char *c = name; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')) return 0;
  return name[0] < '0' || name[0] > '9';
}

static rs_status check_event(const rs_event *ev, rs_error *err) {
  if (!valid_event_name(ev->name))
    return rs_fail(err, RS_ERR_INPUT,
                   "event name '%.*s' must be 1 to %d characters from [a-z0-9_], not starting "
                   "with a digit",
                   RS_NAME_MAX, ev->name, RS_NAME_MAX - 1);
  if (ev->shape < 0 || ev->shape > RS_SHAPE_SMOOTH_PULSE)
    return rs_fail(err, RS_ERR_INPUT, "event '%s': unknown shape", ev->name);
  const rs_channel_info *ci = rs_channel_info_get(ev->channel);
  if (!ci) return rs_fail(err, RS_ERR_INPUT, "event '%s': unknown channel", ev->name);
  if (!isfinite(ev->start))
    return rs_fail(err, RS_ERR_INPUT, "event '%s': start is not a finite year", ev->name);
  if (ev->start < RS_EVENT_YEAR_MIN || ev->start > RS_EVENT_YEAR_MAX ||
      (isfinite(ev->end) && (ev->end < RS_EVENT_YEAR_MIN || ev->end > RS_EVENT_YEAR_MAX))) {
    char end[40] = "";
    if (isfinite(ev->end)) snprintf(end, sizeof end, ", end %g", ev->end);
    return rs_fail(err, RS_ERR_INPUT, "event '%s': its years (start %g%s) must lie in [%g, %g]",
                   ev->name, ev->start, end, RS_EVENT_YEAR_MIN, RS_EVENT_YEAR_MAX);
  }
  if (ev->shape == RS_SHAPE_STEP) {
    if (!isnan(ev->end))
      return rs_fail(err, RS_ERR_INPUT,
                     "event '%s': a step has no end (use shape \"pulse\" for a shock that ends)",
                     ev->name);
  } else if (!isfinite(ev->end) || !(ev->end > ev->start)) {
    return rs_fail(err, RS_ERR_INPUT, "event '%s': a %s needs end > start (start = %g, end = %g)",
                   ev->name, rs_shape_name(ev->shape), ev->start, ev->end);
  } else if (ev->end - ev->start < RS_EVENT_MIN_LENGTH) {
    return rs_fail(err, RS_ERR_INPUT,
                   "event '%s': a %s must last at least %g years (start = %.17g, end = %.17g)",
                   ev->name, rs_shape_name(ev->shape), RS_EVENT_MIN_LENGTH, ev->start, ev->end);
  }
  if (!isfinite(ev->magnitude) || ev->magnitude < ci->lower || ev->magnitude > ci->upper)
    return rs_fail(err, RS_ERR_INPUT,
                   "event '%s': magnitude %g is outside the bounds [%g, %g] of channel '%s' (%s)",
                   ev->name, ev->magnitude, ci->lower, ci->upper, ci->name, ci->units);
  return RS_OK;
}

rs_status rs_params_validate(const rs_params *p, rs_error *err) {
  rs_status st;
  for (int i = 0; i < RS_NPARAM; i++)
    if ((st = check_scalar(p, i, err)) != RS_OK) return st;
  for (int k = 0; k < RS_NTABLE; k++)
    if ((st = check_table(p, k, err)) != RS_OK) return st;
  if (p->nevents < 0 || p->nevents > RS_EVENT_MAX)
    return rs_fail(err, RS_ERR_INPUT, "at most %d events are allowed", RS_EVENT_MAX);
  for (int i = 0; i < p->nevents; i++) {
    if ((st = check_event(&p->events[i], err)) != RS_OK) return st;
    for (int j = 0; j < i; j++)
      if (strcmp(p->events[i].name, p->events[j].name) == 0)
        return rs_fail(err, RS_ERR_INPUT, "event '%s' is defined twice", p->events[i].name);
  }
  const double *v = p->v;
  if (!(v[RS_P_SPAN_END] > v[RS_P_SPAN_START]))
    return rs_fail(err, RS_ERR_INPUT,
                   "setting 'span.end' = %g must be later than 'span.start' = %g", v[RS_P_SPAN_END],
                   v[RS_P_SPAN_START]);
  if (!(v[RS_P_INIT_G] < v[RS_P_G_MAX]))
    return rs_fail(err, RS_ERR_INPUT,
                   "setting 'initial.G' = %g must be below the saturation 'asia.G_max' = %g",
                   v[RS_P_INIT_G], v[RS_P_G_MAX]);
  if (!(v[RS_P_INIT_S] < v[RS_P_S_MAX]))
    return rs_fail(err, RS_ERR_INPUT,
                   "setting 'initial.s' = %g must be below the ceiling 'investment.s_max' = %g",
                   v[RS_P_INIT_S], v[RS_P_S_MAX]);
  return RS_OK;
}
