/* params/params.c -- reading and writing relsim parameter files.
 * This file contains the libconfig loader (chains of scenario bases, per-value provenance,
 * "file:line:" errors with "did you mean"), command-line overrides (--set), and the writers of
 * complete and scenario parameter files. Every name is checked against the registry of model/;
 * nothing here knows the equations.
 *
 * File layout (what rs_params_write emits and params/baseline.cfg uses):
 *
 *   base = "baseline.cfg";                     # optional; relative to this file's directory
 *   tfp = { lambda = 0.04; m = 4.0; };         # one group per registry group
 *   solver = { method = "bdf"; max_steps = 5000; };
 *   tables = { g_f = ( [1955.0, 0.008], [1973.0, 0.008] ); };   # replaces the whole table
 *   events = {
 *     bubble = { enabled = false; };           # a known event, changed field by field
 *     reform = { shape = "ramp"; channel = "reform"; start = 1980.0; end = 1985.0;
 *                magnitude = 0.5; };           # a new event: all fields but enabled
 *   };
 *   manifest = { ... };                        # run metadata, ignored
 *
 * Files are applied base first: defaults, then the deepest base, ..., then the named file. */

#define _XOPEN_SOURCE 700 /* realpath, stat */

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libconfig.h> /* config_read_file, config_setting_*: libconfig 1.5 */

#include "params.h"

/* ---------------------------------------------------------------- constants */

#define LOC_MAX (RS_PATH_MAX + 32) /* "path:line" or "--set ..." prefixes of messages */
#define WORD_MAX 256               /* names read from files, as far as messages need them */
#define COMMENT_COL 36             /* column of trailing comments in written files */
#define WRAP_COL 100               /* width of written comment paragraphs */

static const char *const field_names[RS_NEVENTFIELD] = {"enabled", "shape", "channel",
                                                        "start",   "end",   "magnitude"};

static const char *const shape_names[] = {"step", "pulse", "ramp", "smooth_pulse"};
#define NSHAPE ((int)(sizeof shape_names / sizeof shape_names[0]))

/* One line per registry group for the written files: the mechanism and the paper's section
 * (Hatch 2001). A group missing here is written with its bare name. */
typedef struct group_title {
  const char *group;
  const char *title;
} group_title;

static const group_title group_titles[] = {
    {"span", "run span and output grid"},
    {"solver", "the integrator (SUNDIALS CVODES)"},
    {"initial", "initial values of the stocks in the first year (sec. 2, 6)"},
    {"production", "output Y = a A_f K^alpha L^(1-alpha), return r = alpha Y / K (sec. 2)"},
    {"tfp",
     "catch-up and the relational flip: ties speed diffusion while behind (benefit B) "
     "and close firms to new information near the frontier (cost C) (sec. 2, 6)"},
    {"investment",
     "investment follows expected growth (accelerator), and tied firms chase market share, "
     "not profit, so it stays high while returns fall (sec. 2)"},
    {"ties",
     "relational ties, built while they pay and eroded by the share of the pressure that the "
     "Asian network does not absorb (sec. 2-5)"},
    {"asia", "regionalization, the Japanese production network in Asia (sec. 3-5)"},
    {"rd", "research and development, and the relational drag on it near the frontier (sec. 6)"},
    {"startup", "start-ups and closures of firms (sec. 6)"},
    {"measure", "measurement: how data that are not stocks of the model relate to them"},
    {"numerics", "numerics of the model equations"},
};

/* ---------------------------------------------------------------- small helpers */

/* Bitwise equality of doubles (so -0.0 != 0.0 and NaN == NaN: "would the file change?"). */
static bool same_double(double a, double b) {
  return memcmp(&a, &b, sizeof a) == 0;
}

/* The distinct groups of the registry ("span", "solver", ...) in order of first appearance.
 * Returns their number; names[i] receives each group (at most RS_NPARAM). */
static int registry_groups(char names[][RS_NAME_MAX], int max) {
  int n = 0;
  for (int i = 0; i < RS_NPARAM; i++) {
    const char *full = rs_param_info_get(i)->name;
    const char *dot = strchr(full, '.');
    int len = dot ? (int)(dot - full) : (int)strlen(full);
    bool seen = false;
    for (int g = 0; g < n && !seen; g++)
      seen = (int)strlen(names[g]) == len && strncmp(names[g], full, (size_t)len) == 0;
    if (!seen && n < max) snprintf(names[n++], RS_NAME_MAX, "%.*s", len, full);
  }
  return n;
}

/* Whether params id belongs to group. */
static bool in_group(int id, const char *group) {
  const char *full = rs_param_info_get(id)->name;
  size_t len = strlen(group);
  return strncmp(full, group, len) == 0 && full[len] == '.';
}

/* The part of a registry name after the dot. */
static const char *bare_name(int id) {
  const char *full = rs_param_info_get(id)->name;
  const char *dot = strchr(full, '.');
  return dot ? dot + 1 : full;
}

static bool valid_event_name(const char *name) {
  size_t len = strlen(name);
  if (len == 0 || len >= RS_NAME_MAX) return false;
  for (size_t i = 0; i < len; i++) {
    char ch = name[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  }
  return true;
}

static int field_find(const char *name) {
  for (int f = 0; f < RS_NEVENTFIELD; f++)
    if (strcmp(field_names[f], name) == 0) return f;
  return -1;
}

/* Choices of an enum parameter as "bdf, adams", and the closest of them to word. */
static const char *enum_choices(int id, const char *word, char *list, size_t n,
                                const char **suggest, char *sbuf, size_t sn) {
  const char *words[16];
  char store[16][64];
  int nw = 0;
  for (; nw < 16; nw++) {
    rs_param_enum_word(id, nw, store[nw], sizeof store[nw]);
    if (!store[nw][0]) break;
    words[nw] = store[nw];
  }
  rs_name_list(words, nw, list, n);
  const char *best = word ? rs_closest(word, words, nw) : NULL;
  if (best) {
    snprintf(sbuf, sn, "%s", best);
    *suggest = sbuf;
  } else {
    *suggest = NULL;
  }
  return list;
}

/* ---------------------------------------------------------------- provenance */

void rs_provenance_init(rs_provenance *prov) {
  memset(prov, 0, sizeof *prov);
  rs_origin def = {RS_ORIGIN_DEFAULT, 0};
  for (int i = 0; i < RS_NPARAM; i++) prov->scalar[i] = def;
  for (int k = 0; k < RS_NTABLE; k++) prov->table[k] = def;
  for (int e = 0; e < RS_EVENT_MAX; e++)
    for (int f = 0; f < RS_NEVENTFIELD; f++) prov->event[e][f] = def;
}

const char *rs_origin_format(const rs_provenance *prov, rs_origin o, char *buf, size_t n) {
  if (o.file == RS_ORIGIN_SET)
    snprintf(buf, n, "--set");
  else if (o.file == RS_ORIGIN_DEFAULT)
    snprintf(buf, n, "default");
  else if (prov && o.file >= 0 && o.file < prov->nfiles)
    snprintf(buf, n, "%s:%d", prov->files[o.file], o.line);
  else
    snprintf(buf, n, "?");
  return rs_text_printable(buf);
}

/* ---------------------------------------------------------------- value checks (files, --set) */

/* Check a numeric value for scalar id: finite, integral for an int, within the bounds. where
 * ("file:line" or "--set a=b") starts the message. */
static rs_status check_scalar_value(const char *where, int id, double x, rs_error *err) {
  const rs_param_info *pi = rs_param_info_get(id);
  char b1[32], b2[32], b3[32];
  if (!isfinite(x))
    return rs_fail(err, RS_ERR_INPUT, "%s: setting '%s' is not a finite number", where, pi->name);
  if (pi->type == RS_T_INT && x != floor(x))
    return rs_fail(err, RS_ERR_INPUT, "%s: setting '%s' expects an integer (%s), found %s", where,
                   pi->name, pi->units, rs_format_number(x, b1));
  if (x < pi->lower || x > pi->upper)
    return rs_fail(err, RS_ERR_INPUT, "%s: setting '%s' = %s is outside its bounds [%s, %s] (%s)",
                   where, pi->name, rs_format_number(x, b1), rs_format_number(pi->lower, b2),
                   rs_format_number(pi->upper, b3), pi->units);
  return RS_OK;
}

/* The index of word among the choices of enum parameter id, into *x. */
static rs_status enum_value(const char *where, int id, const char *word, double *x, rs_error *err) {
  int idx = rs_param_enum_index(id, word);
  if (idx < 0) {
    char list[256], sbuf[64], mean[96];
    const char *sug;
    enum_choices(id, word, list, sizeof list, &sug, sbuf, sizeof sbuf);
    return rs_fail(err, RS_ERR_INPUT, "%s: setting '%s' = \"%s\" is not one of: %s%s", where,
                   rs_param_info_get(id)->name, word, list,
                   rs_did_you_mean(sug, mean, sizeof mean));
  }
  *x = (double)idx;
  return RS_OK;
}

/* Check an event's magnitude against the bounds of its channel. */
static rs_status check_magnitude(const char *where, const rs_event *ev, rs_error *err) {
  const rs_channel_info *ci = rs_channel_info_get(ev->channel);
  char b1[32], b2[32], b3[32];
  if (!ci) return RS_OK; /* reported where the channel is missing */
  if (!isfinite(ev->magnitude) || ev->magnitude < ci->lower || ev->magnitude > ci->upper)
    return rs_fail(err, RS_ERR_INPUT,
                   "%s: event '%s': magnitude %s is outside the bounds [%s, %s] of channel '%s' "
                   "(%s)",
                   where, ev->name, rs_format_number(ev->magnitude, b1),
                   rs_format_number(ci->lower, b2), rs_format_number(ci->upper, b3), ci->name,
                   ci->units);
  return RS_OK;
}

/* "unknown shape 'x'; did you mean 'y'? (shapes: ...)" */
static rs_status unknown_shape(const char *where, const char *ev, const char *word, rs_error *err) {
  char list[128], mean[96];
  return rs_fail(err, RS_ERR_INPUT, "%s: event '%s': unknown shape '%s'%s (shapes: %s)", where, ev,
                 word, rs_did_you_mean(rs_closest(word, shape_names, NSHAPE), mean, sizeof mean),
                 rs_name_list(shape_names, NSHAPE, list, sizeof list));
}

static rs_status unknown_channel(const char *where, const char *ev, const char *word,
                                 rs_error *err) {
  const char *names[RS_NCHANNEL];
  for (int i = 0; i < RS_NCHANNEL; i++) names[i] = rs_channel_info_get(i)->name;
  char list[256], mean[96];
  return rs_fail(err, RS_ERR_INPUT, "%s: event '%s': unknown channel '%s'%s (channels: %s)", where,
                 ev, word, rs_did_you_mean(rs_closest(word, names, RS_NCHANNEL), mean, sizeof mean),
                 rs_name_list(names, RS_NCHANNEL, list, sizeof list));
}

static rs_status unknown_field(const char *where, const char *ev, const char *word, rs_error *err) {
  char list[128], mean[96];
  return rs_fail(err, RS_ERR_INPUT, "%s: event '%s': unknown field '%s'%s (fields: %s)", where, ev,
                 word,
                 rs_did_you_mean(rs_closest(word, field_names, RS_NEVENTFIELD), mean, sizeof mean),
                 rs_name_list(field_names, RS_NEVENTFIELD, list, sizeof list));
}

/* ---------------------------------------------------------------- reading one file */

/* The file being applied. */
typedef struct load_ctx {
  rs_params *p;
  rs_provenance *prov;
  rs_error *err;
  const char *path; /* as opened: libconfig's source file of its settings */
  int file;         /* index into prov->files */
} load_ctx;

/* "file:line" of a setting, into buf (an @include'd setting names its own file). */
static const char *where_of(const load_ctx *c, const config_setting_t *s, char *buf, size_t n) {
  const char *file = config_setting_source_file(s);
  snprintf(buf, n, "%s:%d", file ? file : c->path, (int)config_setting_source_line(s));
  return buf;
}

/* The origin of a setting; a file pulled in by @include is added to prov->files if there is
 * room (else the including file is named). */
static rs_origin origin_of(load_ctx *c, const config_setting_t *s) {
  rs_origin o = {c->file, (int)config_setting_source_line(s)};
  const char *file = config_setting_source_file(s);
  if (!file || strcmp(file, c->path) == 0) return o;
  rs_provenance *prov = c->prov;
  for (int i = 0; i < prov->nfiles; i++)
    if (strcmp(prov->files[i], file) == 0) return (rs_origin){i, o.line};
  if (prov->nfiles < RS_MAX_FILES && strlen(file) < RS_PATH_MAX) {
    snprintf(prov->files[prov->nfiles], RS_PATH_MAX, "%s", file);
    o.file = prov->nfiles++;
  }
  return o;
}

bool rs_params_setting_number(const config_setting_t *s, double *x) {
  switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
      *x = (double)config_setting_get_int(s);
      return true;
    case CONFIG_TYPE_INT64:
      *x = (double)config_setting_get_int64(s);
      return true;
    case CONFIG_TYPE_FLOAT:
      *x = config_setting_get_float(s);
      return true;
    default:
      return false;
  }
}

const char *rs_params_setting_describe(const config_setting_t *s, char *buf, size_t n) {
  char num[32];
  double x = 0.0;
  switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
    case CONFIG_TYPE_FLOAT:
      rs_params_setting_number(s, &x);
      snprintf(buf, n, "the number %s", rs_format_number(x, num));
      break;
    case CONFIG_TYPE_STRING:
      snprintf(buf, n, "the string \"%.*s\"", WORD_MAX, config_setting_get_string(s));
      break;
    case CONFIG_TYPE_BOOL:
      snprintf(buf, n, "the boolean %s", config_setting_get_bool(s) ? "true" : "false");
      break;
    case CONFIG_TYPE_GROUP:
      snprintf(buf, n, "a group { ... }");
      break;
    case CONFIG_TYPE_ARRAY:
      snprintf(buf, n, "an array [ ... ]");
      break;
    case CONFIG_TYPE_LIST:
      snprintf(buf, n, "a list ( ... )");
      break;
    default:
      snprintf(buf, n, "an empty value");
      break;
  }
  return buf;
}

/* Apply the scalar s to parameter id: check its type and bounds where it is read. */
static rs_status apply_scalar(load_ctx *c, int id, const config_setting_t *s) {
  const rs_param_info *pi = rs_param_info_get(id);
  char where[LOC_MAX], found[WORD_MAX + 32];
  where_of(c, s, where, sizeof where);
  double x = 0.0;
  rs_status st;
  if (pi->type == RS_T_ENUM) {
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
      char list[256], sbuf[64];
      const char *sug;
      return rs_fail(c->err, RS_ERR_INPUT,
                     "%s: setting '%s' expects one of the words %s (a string in quotes), found %s",
                     where, pi->name,
                     enum_choices(id, NULL, list, sizeof list, &sug, sbuf, sizeof sbuf),
                     rs_params_setting_describe(s, found, sizeof found));
    }
    if ((st = enum_value(where, id, config_setting_get_string(s), &x, c->err)) != RS_OK) return st;
  } else {
    if (!rs_params_setting_number(s, &x))
      return rs_fail(c->err, RS_ERR_INPUT, "%s: setting '%s' expects %s (%s), found %s", where,
                     pi->name, pi->type == RS_T_INT ? "an integer" : "a number", pi->units,
                     rs_params_setting_describe(s, found, sizeof found));
    if ((st = check_scalar_value(where, id, x, c->err)) != RS_OK) return st;
  }
  c->p->v[id] = x;
  c->prov->scalar[id] = origin_of(c, s);
  return RS_OK;
}

/* Apply a registry group `tfp = { lambda = 0.04; ... };`. */
static rs_status apply_group(load_ctx *c, const config_setting_t *gs) {
  const char *group = config_setting_name(gs);
  char where[LOC_MAX], found[WORD_MAX + 32];
  if (!config_setting_is_group(gs))
    return rs_fail(c->err, RS_ERR_INPUT,
                   "%s: '%s' expects a group of settings (%s = { ... };), found %s",
                   where_of(c, gs, where, sizeof where), group, group,
                   rs_params_setting_describe(gs, found, sizeof found));
  int n = config_setting_length(gs);
  for (int i = 0; i < n; i++) {
    const config_setting_t *m = config_setting_get_elem(gs, (unsigned)i);
    if (!m) continue;
    char full[2 * WORD_MAX];
    snprintf(full, sizeof full, "%s.%s", group, config_setting_name(m));
    int id = rs_param_find(full);
    if (id < 0) {
      char mean[WORD_MAX];
      return rs_fail(c->err, RS_ERR_INPUT, "%s: unknown setting '%s'%s",
                     where_of(c, m, where, sizeof where), full,
                     rs_did_you_mean(rs_param_suggest(full), mean, sizeof mean));
    }
    rs_status st = apply_scalar(c, id, m);
    if (st != RS_OK) return st;
  }
  return RS_OK;
}

/* Apply one table `g_f = ( [1955.0, 0.008], ... );`: it replaces the whole table. Points are
 * checked here (years increasing, values within bounds) so that errors carry file:line. */
static rs_status apply_table(load_ctx *c, int k, const config_setting_t *s) {
  const rs_table_info *ti = rs_table_info_get(k);
  char where[LOC_MAX], found[WORD_MAX + 32], b1[32], b2[32], b3[32], b4[32];
  where_of(c, s, where, sizeof where);
  int type = config_setting_type(s);
  if (type != CONFIG_TYPE_LIST && type != CONFIG_TYPE_ARRAY)
    return rs_fail(c->err, RS_ERR_INPUT,
                   "%s: table '%s' expects a list of [year, value] points, e.g. "
                   "( [1955.0, 0.01], [1973.0, 0.02] ), found %s",
                   where, ti->name, rs_params_setting_describe(s, found, sizeof found));
  int n = config_setting_length(s);
  if (n < 1 || n > RS_TABLE_MAX)
    return rs_fail(c->err, RS_ERR_INPUT, "%s: table '%s' needs 1 to %d points, has %d", where,
                   ti->name, RS_TABLE_MAX, n);
  rs_table tab;
  memset(&tab, 0, sizeof tab);
  tab.n = n;
  for (int j = 0; j < n; j++) {
    const config_setting_t *pt = config_setting_get_elem(s, (unsigned)j);
    if (!pt)
      return rs_fail(c->err, RS_ERR_INPUT, "%s: table '%s': cannot read point %d", where, ti->name,
                     j + 1);
    where_of(c, pt, where, sizeof where);
    int pt_type = config_setting_type(pt);
    const config_setting_t *ys = NULL, *vs = NULL;
    if ((pt_type == CONFIG_TYPE_LIST || pt_type == CONFIG_TYPE_ARRAY) &&
        config_setting_length(pt) == 2) {
      ys = config_setting_get_elem(pt, 0);
      vs = config_setting_get_elem(pt, 1);
    }
    if (!ys || !vs || !rs_params_setting_number(ys, &tab.t[j]) ||
        !rs_params_setting_number(vs, &tab.v[j]))
      return rs_fail(c->err, RS_ERR_INPUT,
                     "%s: table '%s' point %d expects [year, value] (two numbers), found %s", where,
                     ti->name, j + 1, rs_params_setting_describe(pt, found, sizeof found));
    if (!isfinite(tab.t[j]) || !isfinite(tab.v[j]))
      return rs_fail(c->err, RS_ERR_INPUT, "%s: table '%s' point %d is not finite", where, ti->name,
                     j + 1);
    if (j > 0 && !(tab.t[j] > tab.t[j - 1]))
      return rs_fail(c->err, RS_ERR_INPUT,
                     "%s: table '%s': years must increase, but point %d (%s) follows %s", where,
                     ti->name, j + 1, rs_format_number(tab.t[j], b1),
                     rs_format_number(tab.t[j - 1], b2));
    if (tab.v[j] < ti->lower || tab.v[j] > ti->upper)
      return rs_fail(c->err, RS_ERR_INPUT,
                     "%s: table '%s' value %s in %s is outside its bounds [%s, %s] (%s)", where,
                     ti->name, rs_format_number(tab.v[j], b1), rs_format_number(tab.t[j], b2),
                     rs_format_number(ti->lower, b3), rs_format_number(ti->upper, b4), ti->units);
  }
  c->p->tables[k] = tab;
  c->prov->table[k] = origin_of(c, s);
  return RS_OK;
}

static rs_status apply_tables(load_ctx *c, const config_setting_t *s) {
  char where[LOC_MAX], found[WORD_MAX + 32];
  if (!config_setting_is_group(s))
    return rs_fail(c->err, RS_ERR_INPUT,
                   "%s: 'tables' expects a group (tables = { g_f = ( [1955.0, 0.008], ... ); };), "
                   "found %s",
                   where_of(c, s, where, sizeof where),
                   rs_params_setting_describe(s, found, sizeof found));
  const char *names[RS_NTABLE];
  for (int k = 0; k < RS_NTABLE; k++) names[k] = rs_table_info_get(k)->name;
  int n = config_setting_length(s);
  for (int i = 0; i < n; i++) {
    const config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
    if (!m) continue;
    const char *name = config_setting_name(m);
    int k = rs_table_find(name);
    if (k < 0) {
      char list[256], mean[96];
      return rs_fail(c->err, RS_ERR_INPUT, "%s: unknown table '%s'%s (tables: %s)",
                     where_of(c, m, where, sizeof where), name,
                     rs_did_you_mean(rs_closest(name, names, RS_NTABLE), mean, sizeof mean),
                     rs_name_list(names, RS_NTABLE, list, sizeof list));
    }
    rs_status st = apply_table(c, k, m);
    if (st != RS_OK) return st;
  }
  return RS_OK;
}

/* Read one field of an event from setting f into ev. Shapes and channels by name, numbers for
 * start, end and magnitude, a boolean for enabled. */
static rs_status read_event_field(load_ctx *c, rs_event *ev, int fi, const config_setting_t *f) {
  char where[LOC_MAX], found[WORD_MAX + 32];
  where_of(c, f, where, sizeof where);
  int type = config_setting_type(f);
  switch (fi) {
    case RS_EF_ENABLED:
      if (type != CONFIG_TYPE_BOOL)
        return rs_fail(c->err, RS_ERR_INPUT,
                       "%s: event '%s': 'enabled' expects true or false, found %s", where, ev->name,
                       rs_params_setting_describe(f, found, sizeof found));
      ev->enabled = config_setting_get_bool(f) != 0;
      return RS_OK;
    case RS_EF_SHAPE:
    case RS_EF_CHANNEL: {
      if (type != CONFIG_TYPE_STRING)
        return rs_fail(c->err, RS_ERR_INPUT,
                       "%s: event '%s': '%s' expects a name in quotes, e.g. %s, found %s", where,
                       ev->name, field_names[fi], fi == RS_EF_SHAPE ? "\"pulse\"" : "\"tfp\"",
                       rs_params_setting_describe(f, found, sizeof found));
      const char *word = config_setting_get_string(f);
      if (fi == RS_EF_SHAPE) {
        int shape = rs_shape_find(word);
        if (shape < 0) return unknown_shape(where, ev->name, word, c->err);
        ev->shape = shape;
      } else {
        int ch = rs_channel_find(word);
        if (ch < 0) return unknown_channel(where, ev->name, word, c->err);
        ev->channel = ch;
      }
      return RS_OK;
    }
    default: {
      double x;
      if (!rs_params_setting_number(f, &x))
        return rs_fail(c->err, RS_ERR_INPUT, "%s: event '%s': '%s' expects a number (%s), found %s",
                       where, ev->name, field_names[fi],
                       fi == RS_EF_MAGNITUDE ? "channel units" : "yr",
                       rs_params_setting_describe(f, found, sizeof found));
      if (!isfinite(x))
        return rs_fail(c->err, RS_ERR_INPUT, "%s: event '%s': '%s' is not a finite number", where,
                       ev->name, field_names[fi]);
      if (fi == RS_EF_START)
        ev->start = x;
      else if (fi == RS_EF_END)
        ev->end = x;
      else
        ev->magnitude = x;
      return RS_OK;
    }
  }
}

/* Apply one event group. A known event changes field by field; a new one needs shape, channel,
 * start, magnitude and (unless a step) end. Setting shape = "step" without an end clears the
 * end. The event is checked as a whole here, so that errors carry file:line. */
static rs_status apply_event(load_ctx *c, const config_setting_t *es) {
  const char *name = config_setting_name(es);
  char where[LOC_MAX], found[WORD_MAX + 32], b1[32], b2[32];
  where_of(c, es, where, sizeof where);
  if (!valid_event_name(name))
    return rs_fail(c->err, RS_ERR_INPUT,
                   "%s: event name '%s' must be 1 to %d characters of a-z, 0-9 and _", where, name,
                   RS_NAME_MAX - 1);
  if (!config_setting_is_group(es))
    return rs_fail(c->err, RS_ERR_INPUT,
                   "%s: event '%s' expects a group (%s = { shape = \"pulse\"; channel = \"tfp\"; "
                   "start = 1973.8; end = 1975.0; magnitude = 0.02; };), found %s",
                   where, name, name, rs_params_setting_describe(es, found, sizeof found));
  rs_params *p = c->p;
  int idx = rs_params_find_event(p, name);
  rs_event ev;
  rs_origin eo[RS_NEVENTFIELD];
  rs_origin here = origin_of(c, es);
  if (idx < 0) {
    if (p->nevents >= RS_EVENT_MAX)
      return rs_fail(c->err, RS_ERR_INPUT, "%s: event '%s': too many events (at most %d)", where,
                     name, RS_EVENT_MAX);
    memset(&ev, 0, sizeof ev);
    snprintf(ev.name, sizeof ev.name, "%s", name);
    ev.enabled = true;
    ev.shape = -1;
    ev.channel = -1;
    ev.start = ev.end = ev.magnitude = (double)NAN;
    for (int f = 0; f < RS_NEVENTFIELD; f++) eo[f] = here;
  } else {
    ev = p->events[idx];
    memcpy(eo, c->prov->event[idx], sizeof eo);
  }
  const config_setting_t *given[RS_NEVENTFIELD] = {NULL};
  int n = config_setting_length(es);
  for (int i = 0; i < n; i++) {
    const config_setting_t *f = config_setting_get_elem(es, (unsigned)i);
    if (!f) continue;
    int fi = field_find(config_setting_name(f));
    if (fi < 0)
      return unknown_field(where_of(c, f, where, sizeof where), name, config_setting_name(f),
                           c->err);
    rs_status st = read_event_field(c, &ev, fi, f);
    if (st != RS_OK) return st;
    given[fi] = f;
    eo[fi] = origin_of(c, f);
  }
  /* A step has no end: changing an event to a step drops the end it had. */
  if (given[RS_EF_SHAPE] && ev.shape == RS_SHAPE_STEP && !given[RS_EF_END]) {
    ev.end = (double)NAN;
    eo[RS_EF_END] = eo[RS_EF_SHAPE];
  }
  if (idx < 0) {
    const char *missing[RS_NEVENTFIELD];
    int nm = 0;
    if (!given[RS_EF_SHAPE]) missing[nm++] = "shape";
    if (!given[RS_EF_CHANNEL]) missing[nm++] = "channel";
    if (!given[RS_EF_START]) missing[nm++] = "start";
    if (!given[RS_EF_END] && ev.shape != RS_SHAPE_STEP) missing[nm++] = "end";
    if (!given[RS_EF_MAGNITUDE]) missing[nm++] = "magnitude";
    if (nm > 0) {
      char list[128];
      return rs_fail(c->err, RS_ERR_INPUT,
                     "%s: new event '%s' needs %s (a known event may be changed field by field, "
                     "but '%s' is not one)",
                     where_of(c, es, where, sizeof where), name,
                     rs_name_list(missing, nm, list, sizeof list), name);
    }
  }
  /* The event as a whole; name the line of the field most likely at fault. */
  const config_setting_t *at;
  if (ev.shape == RS_SHAPE_STEP) {
    if (!isnan(ev.end)) {
      at = given[RS_EF_END] ? given[RS_EF_END] : es;
      return rs_fail(c->err, RS_ERR_INPUT,
                     "%s: event '%s': a step has no end (use shape \"pulse\" for a shock that "
                     "ends)",
                     where_of(c, at, where, sizeof where), name);
    }
  } else if (isnan(ev.end) || !(ev.end > ev.start)) {
    at = given[RS_EF_END]     ? given[RS_EF_END]
         : given[RS_EF_START] ? given[RS_EF_START]
         : given[RS_EF_SHAPE] ? given[RS_EF_SHAPE]
                              : es;
    where_of(c, at, where, sizeof where);
    if (isnan(ev.end))
      return rs_fail(c->err, RS_ERR_INPUT, "%s: event '%s': a %s needs an end (yr)", where, name,
                     rs_shape_name(ev.shape));
    return rs_fail(c->err, RS_ERR_INPUT,
                   "%s: event '%s': a %s needs end > start (start = %s, end = %s)", where, name,
                   rs_shape_name(ev.shape), rs_format_number(ev.start, b1),
                   rs_format_number(ev.end, b2));
  }
  at = given[RS_EF_MAGNITUDE] ? given[RS_EF_MAGNITUDE]
       : given[RS_EF_CHANNEL] ? given[RS_EF_CHANNEL]
                              : es;
  rs_status st = check_magnitude(where_of(c, at, where, sizeof where), &ev, c->err);
  if (st != RS_OK) return st;
  if (idx < 0) idx = p->nevents++;
  p->events[idx] = ev;
  memcpy(c->prov->event[idx], eo, sizeof eo);
  return RS_OK;
}

static rs_status apply_events(load_ctx *c, const config_setting_t *s) {
  char where[LOC_MAX], found[WORD_MAX + 32];
  if (!config_setting_is_group(s))
    return rs_fail(c->err, RS_ERR_INPUT,
                   "%s: 'events' expects a group (events = { oil1 = { enabled = false; }; };), "
                   "found %s",
                   where_of(c, s, where, sizeof where),
                   rs_params_setting_describe(s, found, sizeof found));
  int n = config_setting_length(s);
  for (int i = 0; i < n; i++) {
    const config_setting_t *es = config_setting_get_elem(s, (unsigned)i);
    if (!es) continue;
    rs_status st = apply_event(c, es);
    if (st != RS_OK) return st;
  }
  return RS_OK;
}

/* Apply every top-level setting of one file (its base has been applied already). */
static rs_status apply_root(load_ctx *c, const config_setting_t *root) {
  char groups[RS_NPARAM][RS_NAME_MAX];
  int ng = registry_groups(groups, RS_NPARAM);
  const char *cands[RS_NPARAM + 4];
  int nc = 0;
  for (int g = 0; g < ng; g++) cands[nc++] = groups[g];
  cands[nc++] = "tables";
  cands[nc++] = "events";
  cands[nc++] = "base";
  cands[nc++] = "manifest";
  int n = config_setting_length(root);
  for (int i = 0; i < n; i++) {
    const config_setting_t *m = config_setting_get_elem(root, (unsigned)i);
    if (!m) continue;
    const char *name = config_setting_name(m);
    rs_status st = RS_OK;
    bool known_group = false;
    for (int g = 0; g < ng && !known_group; g++) known_group = strcmp(groups[g], name) == 0;
    if (strcmp(name, "base") == 0 || strcmp(name, "manifest") == 0) {
      continue; /* the base was followed before; the manifest is information only */
    } else if (strcmp(name, "tables") == 0) {
      st = apply_tables(c, m);
    } else if (strcmp(name, "events") == 0) {
      st = apply_events(c, m);
    } else if (known_group) {
      st = apply_group(c, m);
    } else {
      char where[LOC_MAX], mean[WORD_MAX];
      where_of(c, m, where, sizeof where);
      int id = rs_param_find(name);
      if (id >= 0 && !config_setting_is_group(m)) {
        const char *full = rs_param_info_get(id)->name;
        return rs_fail(c->err, RS_ERR_INPUT,
                       "%s: setting '%s' belongs in its group: write %.*s = { %s = ...; };", where,
                       name, (int)(strchr(full, '.') - full), full, name);
      }
      const char *sug = rs_closest(name, cands, nc);
      if (!sug && !config_setting_is_group(m)) sug = rs_param_suggest(name);
      return rs_fail(c->err, RS_ERR_INPUT, "%s: unknown %s '%s'%s", where,
                     config_setting_is_group(m) ? "group" : "setting", name,
                     rs_did_you_mean(sug, mean, sizeof mean));
    }
    if (st != RS_OK) return st;
  }
  return RS_OK;
}

/* ---------------------------------------------------------------- loading a chain of files */

/* The files of one load: the named file first, then its base, its base's base... */
typedef struct chain {
  config_t cfg[RS_MAX_FILES];
  char opened[RS_MAX_FILES][RS_PATH_MAX]; /* paths as opened */
  char real[RS_MAX_FILES][RS_PATH_MAX];   /* canonical paths, to detect cycles */
  int base_line[RS_MAX_FILES];            /* line of `base = ...` in file i, naming file i+1 */
  int n;                                  /* files read (and configs to destroy) */
  char next[RS_PATH_MAX];
} chain;

/* "a.cfg -> b.cfg -> c.cfg" of the first n files of the chain, then extra if not NULL. */
static const char *chain_text(const chain *ch, int n, const char *extra, char *buf, size_t size) {
  const char *names[RS_MAX_FILES + 1];
  int k = 0;
  for (int i = 0; i < n; i++) names[k++] = ch->opened[i];
  if (extra) names[k++] = extra;
  size_t len = 0;
  buf[0] = '\0';
  for (int i = 0; i < k && len < size; i++) {
    int w = snprintf(buf + len, size - len, "%s%s", i ? " -> " : "", names[i]);
    if (w < 0) break;
    len += (size_t)w;
  }
  return buf;
}

/* Use the tidy form of ch->next when it names the same file (rs_path_tidy). */
static void tidy_next(chain *ch) {
  char tidy[RS_PATH_MAX];
  rs_path_tidy(ch->next, tidy, sizeof tidy);
  snprintf(ch->next, sizeof ch->next, "%s", tidy);
}

/* Read the file ch->next as file number ch->n of the chain, after checking that it exists and
 * does not close a cycle. naming/line: the file and line that named it (NULL for the first). */
static rs_status read_chain_file(chain *ch, const char *naming, int line, rs_error *err) {
  char where[LOC_MAX], text[1024];
  const char *path = ch->next;
  int i = ch->n;
  if (naming)
    snprintf(where, sizeof where, "%s:%d: base file '%s'", naming, line, path);
  else
    snprintf(where, sizeof where, "%s", path);
  if (i >= RS_MAX_FILES)
    return rs_fail(err, RS_ERR_INPUT, "%s: too many base files (at most %d): %s", where,
                   RS_MAX_FILES, chain_text(ch, i, path, text, sizeof text));
  if (!realpath(path, ch->real[i]))
    return rs_fail(err, RS_ERR_IO, "%s: cannot read: %s", where, strerror(errno));
  struct stat sb;
  if (stat(ch->real[i], &sb) != 0)
    return rs_fail(err, RS_ERR_IO, "%s: cannot read: %s", where, strerror(errno));
  if (S_ISDIR(sb.st_mode)) return rs_fail(err, RS_ERR_IO, "%s: cannot read: is a directory", where);
  for (int j = 0; j < i; j++)
    if (strcmp(ch->real[j], ch->real[i]) == 0)
      return rs_fail(err, RS_ERR_INPUT, "%s:%d: the base files form a cycle: %s", naming, line,
                     chain_text(ch, i, path, text, sizeof text));
  snprintf(ch->opened[i], RS_PATH_MAX, "%s", path);
  config_t *cfg = &ch->cfg[i];
  config_init(cfg);
  ch->n++;
  rs_error pre;
  rs_status pst = rs_params_config_prepare(cfg, ch->opened[i], &pre);
  if (pst != RS_OK) {
    if (naming) return rs_fail(err, pst, "%s: %s", where, pre.msg);
    *err = pre;
    return pst;
  }
  errno = 0;
  if (config_read_file(cfg, ch->opened[i]) != CONFIG_TRUE) {
    int e = errno;
    if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
      return rs_fail(err, RS_ERR_IO, "%s: cannot read: %s", where,
                     e ? strerror(e) : "input/output error");
    const char *file = config_error_file(cfg);
    const char *msg = config_error_text(cfg);
    bool mixed = msg && strstr(msg, "mismatched element type") != NULL;
    return rs_fail(err, RS_ERR_INPUT, "%s:%d: libconfig: %s%s", file ? file : ch->opened[i],
                   config_error_line(cfg), msg ? msg : "cannot parse",
                   mixed ? " (write every number of a table point as a float, e.g. "
                           "[1990.0, 0.01], not [1990, 0.01])"
                         : "");
  }
  return RS_OK;
}

/* Follow `base = "...";` from ch->next to the end of the chain. */
static rs_status read_chain(chain *ch, const char *path, rs_error *err) {
  if (strlen(path) >= RS_PATH_MAX) return rs_fail(err, RS_ERR_IO, "%s: path too long", path);
  snprintf(ch->next, sizeof ch->next, "%s", path);
  const char *naming = NULL;
  int line = 0;
  for (;;) {
    rs_status st = read_chain_file(ch, naming, line, err);
    if (st != RS_OK) return st;
    int i = ch->n - 1;
    const config_setting_t *b = config_setting_get_member(config_root_setting(&ch->cfg[i]), "base");
    if (!b) return RS_OK;
    char found[WORD_MAX + 32];
    line = (int)config_setting_source_line(b);
    const char *rel =
        config_setting_type(b) == CONFIG_TYPE_STRING ? config_setting_get_string(b) : NULL;
    if (!rel || !rel[0])
      return rs_fail(err, RS_ERR_INPUT, "%s:%d: 'base' expects a file name in quotes, found %s",
                     ch->opened[i], line, rs_params_setting_describe(b, found, sizeof found));
    char dir[RS_PATH_MAX];
    rs_dirname(ch->opened[i], dir, sizeof dir);
    if (strlen(dir) + strlen(rel) + 2 > RS_PATH_MAX)
      return rs_fail(err, RS_ERR_IO, "%s:%d: base file path too long", ch->opened[i], line);
    rs_path_join(dir, rel, ch->next, sizeof ch->next);
    tidy_next(ch);
    ch->base_line[i] = line;
    naming = ch->opened[i];
  }
}

/* Prefix a validation message ("setting 'span.end' = ...") with the file:line that set the
 * first value it names whose origin is a file. */
static void locate_validation_error(const rs_params *p, const rs_provenance *prov, rs_error *err) {
  const char *q = err->msg;
  for (;;) {
    const char *open = strchr(q, '\'');
    if (!open) return;
    const char *close = strchr(open + 1, '\'');
    if (!close) return;
    char name[WORD_MAX];
    snprintf(name, sizeof name, "%.*s", (int)(close - open - 1), open + 1);
    q = close + 1;
    rs_origin o = {RS_ORIGIN_DEFAULT, 0};
    int id, k, e;
    if (strchr(name, '.') && (id = rs_param_find(name)) >= 0) {
      o = prov->scalar[id];
    } else if ((k = rs_table_find(name)) >= 0) {
      o = prov->table[k];
    } else if ((e = rs_params_find_event(p, name)) >= 0) {
      for (int f = 0; f < RS_NEVENTFIELD; f++) {
        rs_origin fo = prov->event[e][f];
        if (fo.file > o.file || (fo.file == o.file && fo.line > o.line)) o = fo;
      }
    }
    if (o.file >= 0 && o.file < prov->nfiles) {
      rs_error tmp = *err;
      (void)rs_fail(err, RS_ERR_INPUT, "%s:%d: %s", prov->files[o.file], o.line, tmp.msg);
      return;
    }
  }
}

rs_status rs_params_load(const char *path, rs_params *p, rs_provenance *prov, rs_error *err) {
  rs_status st = RS_OK;
  rs_provenance *own = NULL;
  chain *ch = NULL;
  if (!path || !p) return rs_fail(err, RS_ERR_INPUT, "rs_params_load: no file or no parameters");
  if (!prov) {
    own = malloc(sizeof *own);
    if (!own) return rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path);
    prov = own;
  }
  ch = calloc(1, sizeof *ch);
  if (!ch) {
    st = rs_fail(err, RS_ERR_NOMEM, "%s: out of memory", path);
    goto done;
  }
  rs_params_defaults(p);
  rs_provenance_init(prov);
  if ((st = read_chain(ch, path, err)) != RS_OK) goto done;
  /* Base first: file i of the chain is file n-1-i of the provenance. */
  prov->nfiles = ch->n;
  for (int i = 0; i < ch->n; i++)
    snprintf(prov->files[ch->n - 1 - i], RS_PATH_MAX, "%s", ch->opened[i]);
  for (int i = ch->n - 1; i >= 0; i--) {
    load_ctx c = {p, prov, err, ch->opened[i], ch->n - 1 - i};
    if ((st = apply_root(&c, config_root_setting(&ch->cfg[i]))) != RS_OK) goto done;
  }
  if ((st = rs_params_validate(p, err)) != RS_OK) {
    if (err) locate_validation_error(p, prov, err);
    goto done;
  }
done:
  if (ch)
    for (int i = ch->n - 1; i >= 0; i--) config_destroy(&ch->cfg[i]);
  free(ch);
  free(own);
  return st;
}

/* ---------------------------------------------------------------- command-line overrides */

/* Parse a whole string as a finite double, spaces around it allowed, as a file's value would
 * be read: a subnormal number is a number (strtod flags its underflow with ERANGE). */
static bool parse_number(const char *s, double *x) {
  char *end;
  errno = 0;
  *x = strtod(s, &end);
  if (end == s) return false;
  while (*end == ' ' || *end == '\t') end++;
  bool underflow = errno == ERANGE && fabs(*x) <= DBL_MIN;
  return *end == '\0' && (errno != ERANGE || underflow) && isfinite(*x);
}

/* s without the spaces and tabs around it, into out of size n. */
static void trim_copy(const char *s, size_t len, char *out, size_t n) {
  while (len > 0 && (*s == ' ' || *s == '\t')) s++, len--;
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
  snprintf(out, n, "%.*s", (int)len, s);
}

/* event.NAME.FIELD=value (spec is "NAME.FIELD"). */
static rs_status set_event(rs_params *p, rs_provenance *prov, const char *where, const char *spec,
                           const char *value, rs_error *err) {
  char name[WORD_MAX];
  const char *dot = strchr(spec, '.');
  if (!dot || dot == spec || !dot[1])
    return rs_fail(err, RS_ERR_INPUT,
                   "%s: expected event.NAME.FIELD=VALUE (fields: enabled, "
                   "shape, channel, start, end, magnitude)",
                   where);
  snprintf(name, sizeof name, "%.*s", (int)(dot - spec), spec);
  const char *field = dot + 1;
  int e = rs_params_find_event(p, name);
  if (e < 0) {
    const char *names[RS_EVENT_MAX];
    for (int i = 0; i < p->nevents; i++) names[i] = p->events[i].name;
    char list[RS_EVENT_MAX * RS_NAME_MAX], mean[96];
    return rs_fail(err, RS_ERR_INPUT,
                   "%s: unknown event '%s'%s (events: %s; a new event is defined in a scenario "
                   "file)",
                   where, name,
                   rs_did_you_mean(rs_closest(name, names, p->nevents), mean, sizeof mean),
                   rs_name_list(names, p->nevents, list, sizeof list));
  }
  int fi = field_find(field);
  if (fi < 0) return unknown_field(where, name, field, err);
  rs_event ev = p->events[e];
  double x = 0.0;
  switch (fi) {
    case RS_EF_ENABLED:
      if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0)
        ev.enabled = true;
      else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
        ev.enabled = false;
      else
        return rs_fail(err, RS_ERR_INPUT,
                       "%s: event '%s': 'enabled' expects true, false, 1 or 0, found '%s'", where,
                       name, value);
      break;
    case RS_EF_SHAPE: {
      int shape = rs_shape_find(value);
      if (shape < 0) return unknown_shape(where, name, value, err);
      ev.shape = shape;
      if (shape == RS_SHAPE_STEP) ev.end = (double)NAN; /* a step has no end */
      break;
    }
    case RS_EF_CHANNEL: {
      int ch = rs_channel_find(value);
      if (ch < 0) return unknown_channel(where, name, value, err);
      ev.channel = ch;
      break;
    }
    case RS_EF_END:
      if (strcmp(value, "none") == 0) {
        ev.end = (double)NAN;
        break;
      }
      if (ev.shape == RS_SHAPE_STEP)
        return rs_fail(err, RS_ERR_INPUT,
                       "%s: event '%s' is a step, which has no end (set event.%s.shape=pulse "
                       "first)",
                       where, name, name);
      /* fall through */
    default:
      if (!parse_number(value, &x))
        return rs_fail(err, RS_ERR_INPUT, "%s: event '%s': '%s' expects a number%s, found '%s'",
                       where, name, field_names[fi], fi == RS_EF_END ? " or none" : "", value);
      if (fi == RS_EF_START)
        ev.start = x;
      else if (fi == RS_EF_END)
        ev.end = x;
      else
        ev.magnitude = x;
      break;
  }
  if (fi == RS_EF_MAGNITUDE || fi == RS_EF_CHANNEL) {
    rs_status st = check_magnitude(where, &ev, err);
    if (st != RS_OK) return st;
  }
  p->events[e] = ev;
  if (prov) {
    rs_origin set = {RS_ORIGIN_SET, 0};
    prov->event[e][fi] = set;
    if (fi == RS_EF_SHAPE && ev.shape == RS_SHAPE_STEP) prov->event[e][RS_EF_END] = set;
  }
  return RS_OK;
}

rs_status rs_params_set(rs_params *p, rs_provenance *prov, const char *assignment, rs_error *err) {
  char where[LOC_MAX], name[WORD_MAX];
  if (!p || !assignment) return rs_fail(err, RS_ERR_INPUT, "--set: nothing to set");
  snprintf(where, sizeof where, "--set %s", assignment);
  const char *eq = strchr(assignment, '=');
  if (!eq || eq == assignment || !eq[1])
    return rs_fail(err, RS_ERR_INPUT, "%s: expected NAME=VALUE, e.g. tfp.lambda=0.05", where);
  if ((size_t)(eq - assignment) >= sizeof name)
    return rs_fail(err, RS_ERR_INPUT, "%s: name too long", where);
  /* spaces around the name and the value are allowed on both sides, as in a file */
  trim_copy(assignment, (size_t)(eq - assignment), name, sizeof name);
  char value_text[WORD_MAX];
  if (strlen(eq + 1) >= sizeof value_text)
    return rs_fail(err, RS_ERR_INPUT, "%s: value too long", where);
  trim_copy(eq + 1, strlen(eq + 1), value_text, sizeof value_text);
  const char *value = value_text;
  if (!name[0] || !value[0])
    return rs_fail(err, RS_ERR_INPUT, "%s: expected NAME=VALUE, e.g. tfp.lambda=0.05", where);
  if (strncmp(name, "event.", 6) == 0) return set_event(p, prov, where, name + 6, value, err);
  if (strncmp(name, "events.", 7) == 0) return set_event(p, prov, where, name + 7, value, err);
  int id = rs_param_find(name);
  if (id < 0) {
    const char *table = strncmp(name, "tables.", 7) == 0 ? name + 7 : name;
    if (rs_table_find(table) >= 0)
      return rs_fail(err, RS_ERR_INPUT,
                     "%s: table '%s' cannot be set on the command line; give it in a scenario "
                     "file: tables = { %s = ( [1955.0, ...], ... ); };",
                     where, table, table);
    /* A bare name in several groups. */
    if (!strchr(name, '.')) {
      const char *in[RS_NPARAM];
      int n = 0;
      for (int i = 0; i < RS_NPARAM; i++)
        if (strcmp(bare_name(i), name) == 0) in[n++] = rs_param_info_get(i)->name;
      if (n > 1) {
        char list[1024];
        return rs_fail(err, RS_ERR_INPUT, "%s: '%s' is ambiguous: %s", where, name,
                       rs_name_list(in, n, list, sizeof list));
      }
    }
    char mean[WORD_MAX];
    return rs_fail(err, RS_ERR_INPUT, "%s: unknown setting '%s'%s", where, name,
                   rs_did_you_mean(rs_param_suggest(name), mean, sizeof mean));
  }
  const rs_param_info *pi = rs_param_info_get(id);
  double x = 0.0;
  rs_status st;
  if (pi->type == RS_T_ENUM) {
    if ((st = enum_value(where, id, value, &x, err)) != RS_OK) return st;
  } else {
    if (!parse_number(value, &x))
      return rs_fail(err, RS_ERR_INPUT, "%s: setting '%s' expects %s (%s), found '%s'", where,
                     pi->name, pi->type == RS_T_INT ? "an integer" : "a number", pi->units, value);
    if ((st = check_scalar_value(where, id, x, err)) != RS_OK) return st;
  }
  p->v[id] = x;
  if (prov) prov->scalar[id] = (rs_origin){RS_ORIGIN_SET, 0};
  return RS_OK;
}

/* ---------------------------------------------------------------- writing files */

/* text as '#' comment lines at indent, wrapped at WRAP_COL; continuation lines are indented
 * by hang more spaces. A newline in text starts a new line. */
static void put_comment(rs_buf *b, int indent, int hang, const char *text) {
  const char *s = text;
  bool first = true;
  do {
    int col = indent + 1 + (first ? 0 : hang);
    rs_buf_printf(b, "%*s#%*s", indent, "", first ? 0 : hang, "");
    bool any = false;
    for (;;) {
      while (*s == ' ') s++;
      size_t len = strcspn(s, " \n");
      if (len == 0) break;
      if (any && col + 1 + (int)len > WRAP_COL) break;
      rs_buf_printf(b, " %.*s", (int)len, s);
      col += 1 + (int)len;
      any = true;
      s += len;
    }
    rs_buf_printf(b, "\n");
    first = false;
    if (*s == '\n') {
      s++;
      first = true;
    }
  } while (*s);
}

/* "code" at indent, then "# trail" at COMMENT_COL (or two spaces after a long code). */
static void put_code(rs_buf *b, int indent, const char *code, const char *trail) {
  rs_buf_printf(b, "%*s%s", indent, "", code);
  if (trail && trail[0]) {
    int col = indent + (int)strlen(code);
    rs_buf_printf(b, "%*s# %s", col + 2 > COMMENT_COL ? 2 : COMMENT_COL - col, "", trail);
  }
  rs_buf_printf(b, "\n");
}

/* A libconfig string literal with escapes. */
static void put_string(rs_buf *b, const char *s) {
  rs_buf_printf(b, "\"");
  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      rs_buf_printf(b, "\\%c", *s);
    else if (*s == '\n')
      rs_buf_printf(b, "\\n");
    else
      rs_buf_printf(b, "%c", *s);
  }
  rs_buf_printf(b, "\"");
}

static const char *units_text(const char *units) {
  return strcmp(units, "1") == 0 ? "dimensionless" : units;
}

/* The value of scalar id as libconfig text: floats always look like floats, ints like ints
 * (64-bit ones with L), enums as the word in quotes. */
static const char *value_text(int id, double x, char *buf, size_t n) {
  const rs_param_info *pi = rs_param_info_get(id);
  char num[32];
  if (pi->type == RS_T_ENUM) {
    char word[64];
    snprintf(buf, n, "\"%s\"", rs_param_enum_word(id, (int)x, word, sizeof word));
  } else if (pi->type == RS_T_INT && x == floor(x) && fabs(x) < 9.2e18) {
    snprintf(buf, n, "%.0f%s", x, fabs(x) > (double)INT_MAX ? "L" : "");
  } else {
    snprintf(buf, n, "%s", rs_format_double(x, num));
  }
  return buf;
}

/* Units and bounds of scalar id ("1/yr, in [0.01, 0.2]"). */
static const char *range_text(int id, char *buf, size_t n) {
  const rs_param_info *pi = rs_param_info_get(id);
  char lo[32], hi[32];
  if (pi->type == RS_T_ENUM) {
    char list[256], sbuf[8];
    const char *sug;
    snprintf(buf, n, "one of: %s",
             enum_choices(id, NULL, list, sizeof list, &sug, sbuf, sizeof sbuf));
  } else {
    snprintf(buf, n, "%s, %sin [%s, %s]", units_text(pi->units),
             pi->type == RS_T_INT ? "an integer " : "", rs_format_number(pi->lower, lo),
             rs_format_number(pi->upper, hi));
  }
  return buf;
}

/* " from FILE:LINE" of origin o when it is not the default, else "". */
static const char *from_text(const rs_provenance *prov, rs_origin o, char *buf, size_t n) {
  char org[LOC_MAX];
  if (!prov || o.file == RS_ORIGIN_DEFAULT)
    buf[0] = '\0';
  else
    snprintf(buf, n, "; from %s", rs_origin_format(prov, o, org, sizeof org));
  return buf;
}

/* One scalar: its meaning and source as a comment, then `name = value;  # units, bounds`. In a
 * scenario base is the value it replaces and note an optional remark. */
static void put_scalar(rs_buf *b, const rs_params *p, int id, const rs_provenance *prov,
                       const rs_params *base, const char *note) {
  const rs_param_info *pi = rs_param_info_get(id);
  char code[2 * WORD_MAX], val[64], range[512], from[LOC_MAX + 16], trail[2 * LOC_MAX];
  put_comment(b, 2, 0, pi->meaning);
  if (pi->source && pi->source[0]) {
    char src[1024];
    snprintf(src, sizeof src, "source: %s", pi->source);
    put_comment(b, 2, 2, src);
  }
  snprintf(code, sizeof code, "%s = %s;", bare_name(id), value_text(id, p->v[id], val, sizeof val));
  range_text(id, range, sizeof range);
  from_text(prov, prov ? prov->scalar[id] : (rs_origin){RS_ORIGIN_DEFAULT, 0}, from, sizeof from);
  char was[96] = "";
  if (base) {
    char bv[64];
    snprintf(was, sizeof was, "; base %s", value_text(id, base->v[id], bv, sizeof bv));
  }
  snprintf(trail, sizeof trail, "%s%s%s%s%s", range, from, was, note && note[0] ? "; " : "",
           note ? note : "");
  put_code(b, 2, code, trail);
}

/* The banner above a group: "# ---- name: title ----". */
static void put_banner(rs_buf *b, const char *name, const char *title) {
  char text[1024];
  rs_buf_printf(b, "\n# %.*s\n", WRAP_COL - 2,
                "============================================================================="
                "=======================");
  snprintf(text, sizeof text, "%s%s%s", name, title ? ": " : "", title ? title : "");
  put_comment(b, 0, 2, text);
  rs_buf_printf(b, "# %.*s\n", WRAP_COL - 2,
                "============================================================================="
                "=======================");
}

static const char *group_title_of(const char *group) {
  for (size_t i = 0; i < sizeof group_titles / sizeof group_titles[0]; i++)
    if (strcmp(group_titles[i].group, group) == 0) return group_titles[i].title;
  return NULL;
}

/* Every registry group, in registry order; in a scenario (base != NULL) only the scalars
 * that differ from base, and only groups that have one. */
static void put_groups(rs_buf *b, const rs_params *p, const rs_provenance *prov,
                       const rs_params *base, const char *(*comment)(int id, void *user),
                       void *user) {
  char groups[RS_NPARAM][RS_NAME_MAX];
  int ng = registry_groups(groups, RS_NPARAM);
  for (int g = 0; g < ng; g++) {
    bool any = false;
    for (int id = 0; id < RS_NPARAM && !any; id++)
      any = in_group(id, groups[g]) && (!base || !same_double(p->v[id], base->v[id]));
    if (!any) continue;
    put_banner(b, groups[g], group_title_of(groups[g]));
    rs_buf_printf(b, "%s = {\n", groups[g]);
    bool first = true;
    for (int id = 0; id < RS_NPARAM; id++) {
      if (!in_group(id, groups[g]) || (base && same_double(p->v[id], base->v[id]))) continue;
      if (!first) rs_buf_printf(b, "\n");
      first = false;
      put_scalar(b, p, id, prov, base, comment ? comment(id, user) : NULL);
    }
    rs_buf_printf(b, "};\n");
  }
}

static bool tables_equal(const rs_table *a, const rs_table *b) {
  if (a->n != b->n) return false;
  for (int j = 0; j < a->n; j++)
    if (!same_double(a->t[j], b->t[j]) || !same_double(a->v[j], b->v[j])) return false;
  return true;
}

/* The tables; in a scenario only those that differ from base (each written whole). */
static void put_tables(rs_buf *b, const rs_params *p, const rs_provenance *prov,
                       const rs_params *base) {
  bool any = false;
  for (int k = 0; k < RS_NTABLE && !any; k++)
    any = !base || !tables_equal(&p->tables[k], &base->tables[k]);
  if (!any) return;
  put_banner(b, "tables",
             "exogenous inputs as [year, value] points, interpolated linearly and held flat "
             "beyond the ends. A table given in a file replaces the whole table; write both "
             "numbers of a point as floats (1990.0, not 1990).");
  rs_buf_printf(b, "tables = {\n");
  bool first = true;
  for (int k = 0; k < RS_NTABLE; k++) {
    const rs_table *tab = &p->tables[k];
    if (base && tables_equal(tab, &base->tables[k])) continue;
    const rs_table_info *ti = rs_table_info_get(k);
    char text[1024], lo[32], hi[32], from[LOC_MAX + 16], code[WORD_MAX];
    if (!first) rs_buf_printf(b, "\n");
    first = false;
    snprintf(text, sizeof text, "%s (%s, values in [%s, %s])", ti->meaning, units_text(ti->units),
             rs_format_number(ti->lower, lo), rs_format_number(ti->upper, hi));
    put_comment(b, 2, 0, text);
    snprintf(text, sizeof text, "source: %s", ti->source);
    put_comment(b, 2, 2, text);
    from_text(prov, prov ? prov->table[k] : (rs_origin){RS_ORIGIN_DEFAULT, 0}, from, sizeof from);
    snprintf(code, sizeof code, "%s = (", ti->name);
    put_code(b, 2, code, from[0] ? from + 2 : NULL);
    for (int j = 0; j < tab->n; j++) {
      char t[32], v[32];
      rs_buf_printf(b, "    [%s, %s]%s\n", rs_format_double(tab->t[j], t),
                    rs_format_double(tab->v[j], v), j + 1 < tab->n ? "," : "");
    }
    rs_buf_printf(b, "  );\n");
  }
  rs_buf_printf(b, "};\n");
}

/* One field of an event, `name = value;  # comment`. */
static void put_field(rs_buf *b, const rs_event *ev, int fi, const rs_origin *eo,
                      const rs_provenance *prov) {
  char code[128], num[32], trail[LOC_MAX + 256], from[LOC_MAX + 16];
  const rs_channel_info *ci = rs_channel_info_get(ev->channel);
  const char *what = "";
  char lo[32], hi[32], range[160];
  switch (fi) {
    case RS_EF_ENABLED:
      snprintf(code, sizeof code, "enabled = %s;", ev->enabled ? "true" : "false");
      break;
    case RS_EF_SHAPE:
      snprintf(code, sizeof code, "shape = \"%s\";", rs_shape_name(ev->shape));
      break;
    case RS_EF_CHANNEL:
      snprintf(code, sizeof code, "channel = \"%s\";", ci ? ci->name : "?");
      what = ci ? ci->meaning : "";
      break;
    case RS_EF_START:
      snprintf(code, sizeof code, "start = %s;", rs_format_double(ev->start, num));
      what = "yr";
      break;
    case RS_EF_END:
      snprintf(code, sizeof code, "end = %s;", rs_format_double(ev->end, num));
      what = "yr";
      break;
    default:
      snprintf(code, sizeof code, "magnitude = %s;", rs_format_double(ev->magnitude, num));
      if (ci) {
        snprintf(range, sizeof range, "%s, in [%s, %s]", units_text(ci->units),
                 rs_format_number(ci->lower, lo), rs_format_number(ci->upper, hi));
        what = range;
      }
      break;
  }
  from_text(prov, eo ? eo[fi] : (rs_origin){RS_ORIGIN_DEFAULT, 0}, from, sizeof from);
  snprintf(trail, sizeof trail, "%s%s", what, what[0] ? from : (from[0] ? from + 2 : ""));
  put_code(b, 4, code, trail);
}

/* One event: every field (end omitted for a step), or in a scenario the fields that differ
 * from base_ev (every field when base_ev is NULL: a new event). */
static void put_event(rs_buf *b, const rs_event *ev, const rs_origin *eo, const rs_provenance *prov,
                      const rs_event *base_ev, bool scenario) {
  bool diff[RS_NEVENTFIELD];
  diff[RS_EF_ENABLED] = !base_ev || ev->enabled != base_ev->enabled;
  diff[RS_EF_SHAPE] = !base_ev || ev->shape != base_ev->shape;
  diff[RS_EF_CHANNEL] = !base_ev || ev->channel != base_ev->channel;
  diff[RS_EF_START] = !base_ev || !same_double(ev->start, base_ev->start);
  diff[RS_EF_END] = !base_ev || !same_double(ev->end, base_ev->end);
  diff[RS_EF_MAGNITUDE] = !base_ev || !same_double(ev->magnitude, base_ev->magnitude);
  if (ev->shape == RS_SHAPE_STEP) diff[RS_EF_END] = false; /* the loader drops it */
  bool any = false;
  for (int f = 0; f < RS_NEVENTFIELD; f++) any = any || diff[f];
  if (scenario && !any) return;
  rs_buf_printf(b, "  %s = {%s\n", ev->name, scenario && !base_ev ? "  # a new event" : "");
  for (int f = 0; f < RS_NEVENTFIELD; f++)
    if (diff[f] && (f != RS_EF_END || ev->shape != RS_SHAPE_STEP)) put_field(b, ev, f, eo, prov);
  rs_buf_printf(b, "  };\n");
}

/* The banner above the events; in a complete file (full) with the shapes and channels. */
static void put_events_banner(rs_buf *b, bool full) {
  put_banner(b, "events",
             "dated shocks. Each acts on one channel, in the channel's units; events on the same "
             "channel add up. A known event may be changed field by field; a new one needs "
             "shape, channel, start, magnitude and (unless a step) end.");
  if (!full) return;
  rs_buf_printf(b,
                "# Shapes: step (magnitude from start on; no end), pulse (magnitude on [start, "
                "end)),\n#   ramp (0 at start, linear to magnitude at end, held after),\n"
                "#   smooth_pulse (magnitude sin^2(pi (t-start)/(end-start)) on [start, end]).\n"
                "# Channels (units of the magnitude, bounds):\n");
  for (int ch = 0; ch < RS_NCHANNEL; ch++) {
    const rs_channel_info *ci = rs_channel_info_get(ch);
    char lo[32], hi[32];
    rs_buf_printf(b, "#   %-13s %s in [%s, %s]: %s\n", ci->name, units_text(ci->units),
                  rs_format_number(ci->lower, lo), rs_format_number(ci->upper, hi), ci->meaning);
  }
}

/* Header lines as '#' comments (empty lines as a bare '#'). */
static void put_header(rs_buf *b, const char *header) {
  if (!header) return;
  const char *s = header;
  while (*s) {
    size_t len = strcspn(s, "\n");
    if (len == 0)
      rs_buf_printf(b, "#\n");
    else
      rs_buf_printf(b, "# %.*s\n", (int)len, s);
    s += len;
    if (*s == '\n') s++;
  }
}

/* Send a finished buffer to fp. */
static rs_status flush_buf(FILE *fp, rs_buf *b, rs_error *err) {
  if (b->failed || !b->data) return rs_fail(err, RS_ERR_NOMEM, "writing parameters: out of memory");
  errno = 0;
  if (fwrite(b->data, 1, b->len, fp) != b->len || fflush(fp) != 0 || ferror(fp))
    return rs_fail(err, RS_ERR_IO, "writing parameters: %s",
                   errno ? strerror(errno) : "write error");
  return RS_OK;
}

rs_status rs_params_write(FILE *fp, const rs_params *p, const rs_provenance *prov,
                          const char *header, rs_error *err) {
  if (!fp || !p) return rs_fail(err, RS_ERR_IO, "rs_params_write: no file or no parameters");
  rs_buf b;
  rs_buf_init(&b);
  put_header(&b, header);
  if (prov) {
    if (header) rs_buf_printf(&b, "#\n");
    rs_buf_printf(&b,
                  "# \"from FILE:LINE\" (or --set) says where a value was set; values without "
                  "it are\n# registry defaults.\n");
  }
  put_groups(&b, p, prov, NULL, NULL, NULL);
  put_tables(&b, p, prov, NULL);
  put_events_banner(&b, true);
  rs_buf_printf(&b, "events = {\n");
  for (int e = 0; e < p->nevents; e++) {
    if (e) rs_buf_printf(&b, "\n");
    put_event(&b, &p->events[e], prov ? prov->event[e] : NULL, prov, NULL, false);
  }
  rs_buf_printf(&b, "};\n");
  rs_status st = flush_buf(fp, &b, err);
  rs_buf_free(&b);
  return st;
}

rs_status rs_params_write_scenario(FILE *fp, const rs_params *p, const rs_params *base,
                                   const char *base_ref, const char *header,
                                   const char *(*comment)(int id, void *user), void *user,
                                   rs_error *err) {
  if (!fp || !p || !base || !base_ref)
    return rs_fail(err, RS_ERR_IO, "rs_params_write_scenario: missing argument");
  rs_buf b;
  rs_buf_init(&b);
  put_header(&b, header);
  if (header) rs_buf_printf(&b, "\n");
  rs_buf_printf(&b, "base = ");
  put_string(&b, base_ref);
  rs_buf_printf(&b, ";  # everything not set below comes from this file\n");
  size_t before = b.len;
  put_groups(&b, p, NULL, base, comment, user);
  put_tables(&b, p, NULL, base);
  /* Events: changed fields of events the base has, then new events in full. */
  rs_buf ev;
  rs_buf_init(&ev);
  for (int e = 0; e < p->nevents; e++) {
    int be = rs_params_find_event(base, p->events[e].name);
    put_event(&ev, &p->events[e], NULL, NULL, be >= 0 ? &base->events[be] : NULL, true);
  }
  /* An event of base that p does not have cannot be removed by a file: switch it off. */
  for (int e = 0; e < base->nevents; e++) {
    if (rs_params_find_event(p, base->events[e].name) >= 0 || !base->events[e].enabled) continue;
    rs_buf_printf(&ev, "  %s = {  # not in this parameter set: switched off\n",
                  base->events[e].name);
    rs_buf_printf(&ev, "    enabled = false;\n  };\n");
  }
  if (ev.failed) b.failed = 1;
  if (ev.len > 0) {
    put_events_banner(&b, false);
    rs_buf_printf(&b, "events = {\n%s};\n", ev.data);
  }
  rs_buf_free(&ev);
  if (b.len == before) rs_buf_printf(&b, "\n# (no differences from the base)\n");
  rs_status st = flush_buf(fp, &b, err);
  rs_buf_free(&b);
  return st;
}

/* ---------------------------------------------------------------- version */

#define STR_(x) #x
#define STR(x) STR_(x)

const char *rs_params_libconfig_version(void) {
  return "libconfig " STR(LIBCONFIG_VER_MAJOR) "." STR(LIBCONFIG_VER_MINOR) "." STR(
      LIBCONFIG_VER_REVISION);
}
