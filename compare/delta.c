/* compare/delta.c -- what a scenario changes, and the summaries of a series.
 * This file contains rs_delta_make/rs_delta_apply (the settings in which a scenario differs from
 * a reference, applied in any subset on top of another parameter set: the bands and the Shapley
 * attribution both rest on it) and the time averages and fixed-year values of compare.csv. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"

/* ---------------------------------------------------------------- deltas */

/* Span and solver settings belong to the comparison, not to a scenario. */
static int is_run_setting(int id) {
  const char *name = rs_param_info_get(id)->name;
  return strncmp(name, "span.", 5) == 0 || strncmp(name, "solver.", 7) == 0;
}

static int same_table(const rs_table *a, const rs_table *b) {
  if (a->n != b->n) return 0;
  for (int j = 0; j < a->n; j++)
    if (a->t[j] != b->t[j] || a->v[j] != b->v[j]) return 0;
  return 1;
}

static int same_double(double a, double b) {
  return a == b || (isnan(a) && isnan(b));
}

static int same_event(const rs_event *a, const rs_event *b) {
  if (!a->enabled && !b->enabled)
    return 1; /* a disabled event has no effect, whatever its fields */
  return a->enabled == b->enabled && a->shape == b->shape && a->channel == b->channel &&
         same_double(a->start, b->start) && same_double(a->end, b->end) &&
         same_double(a->magnitude, b->magnitude);
}

static rs_status add_item(rs_delta *d, int kind, int id, const char *name, rs_error *err) {
  if (d->n == RS_DELTA_MAX)
    return rs_fail(err, RS_ERR_INPUT, "the scenario changes more than %d settings", RS_DELTA_MAX);
  rs_delta_item *it = &d->item[d->n++];
  it->kind = kind;
  it->id = id;
  snprintf(it->name, sizeof it->name, "%s", name);
  return RS_OK;
}

rs_status rs_delta_make(const rs_params *reference, const rs_params *scenario, rs_delta *d,
                        rs_error *err) {
  memset(d, 0, sizeof *d);
  d->scenario = *scenario;
  rs_status st = RS_OK;
  for (int id = 0; st == RS_OK && id < RS_NPARAM; id++)
    if (!is_run_setting(id) && reference->v[id] != scenario->v[id])
      st = add_item(d, RS_DELTA_SCALAR, id, rs_param_info_get(id)->name, err);
  for (int k = 0; st == RS_OK && k < RS_NTABLE; k++)
    if (!same_table(&reference->tables[k], &scenario->tables[k])) {
      char name[64];
      snprintf(name, sizeof name, "tables.%s", rs_table_info_get(k)->name);
      st = add_item(d, RS_DELTA_TABLE, k, name, err);
    }
  for (int i = 0; st == RS_OK && i < reference->nevents; i++)
    if (rs_params_find_event(scenario, reference->events[i].name) < 0)
      st = rs_fail(err, RS_ERR_INPUT,
                   "event '%s' of the reference is missing from the scenario "
                   "(disable it with enabled = false instead)",
                   reference->events[i].name);
  for (int i = 0; st == RS_OK && i < scenario->nevents; i++) {
    const rs_event *ev = &scenario->events[i];
    int r = rs_params_find_event(reference, ev->name);
    if (r < 0 || !same_event(&reference->events[r], ev)) {
      char name[64];
      snprintf(name, sizeof name, "event.%s", ev->name);
      st = add_item(d, RS_DELTA_EVENT, i, name, err);
    }
  }
  return st;
}

void rs_delta_apply(const rs_delta *d, uint32_t mask, rs_params *p) {
  for (int k = 0; k < d->n; k++) {
    if (!(mask & (1u << k))) continue;
    const rs_delta_item *it = &d->item[k];
    if (it->kind == RS_DELTA_SCALAR) {
      p->v[it->id] = d->scenario.v[it->id];
    } else if (it->kind == RS_DELTA_TABLE) {
      p->tables[it->id] = d->scenario.tables[it->id];
    } else {
      const rs_event *ev = &d->scenario.events[it->id];
      int i = rs_params_find_event(p, ev->name);
      if (i >= 0)
        p->events[i] = *ev;
      else if (p->nevents < RS_EVENT_MAX)
        p->events[p->nevents++] = *ev;
    }
  }
}

/* ---------------------------------------------------------------- summaries */

const char *rs_compare_stat_name(int stat) {
  static const char *const names[RS_NCSTAT] = {"1973",  "1990",           "2000",
                                               "final", "mean_1991_2000", "mean_2001_final"};
  return stat >= 0 && stat < RS_NCSTAT ? names[stat] : "?";
}

void rs_compare_stats(const rs_series *s, double *out) {
  double last = s->nrows > 0 ? s->year[s->nrows - 1] : (double)NAN;
  for (int c = 0; c < RS_NINDICATOR; c++) {
    double *o = out + c * RS_NCSTAT;
    o[RS_CS_Y1973] = rs_series_value_at(s, c, 1973.0);
    o[RS_CS_Y1990] = rs_series_value_at(s, c, 1990.0);
    o[RS_CS_Y2000] = rs_series_value_at(s, c, 2000.0);
    o[RS_CS_FINAL] = s->nrows > 0 ? rs_series_at(s, s->nrows - 1, c) : (double)NAN;
    o[RS_CS_MEAN_9100] = rs_series_mean(s, c, 1991.0, 2000.0);
    o[RS_CS_MEAN_01F] = last >= 2002.0 ? rs_series_mean(s, c, 2001.0, last) : (double)NAN;
  }
}
