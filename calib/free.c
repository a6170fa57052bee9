/* calib/free.c -- the free set of a calibration: which parameters move, within which bounds,
 * under which priors (params/free.cfg). Everything else stays at the base scenario's values. */
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "calib.h"

/* The closest parameter name to a misspelt one, for "did you mean". */
static const char *suggest(const char *name) {
  return rs_param_suggest(name);
}

static rs_status read_number(const char *path, config_setting_t *entry, const char *field,
                             double *out, int *found, rs_error *err) {
  config_setting_t *s = config_setting_get_member(entry, field);
  *found = s != NULL;
  if (s && !rs_params_setting_number(s, out)) {
    char what[300];
    return rs_fail(err, RS_ERR_INPUT, "%s:%d: '%s' must be a number, found %s", path,
                   (int)config_setting_source_line(s), field,
                   rs_params_setting_describe(s, what, sizeof what));
  }
  return RS_OK;
}

/* Check the fields of one entry: name, lower, upper, prior and nothing else. */
static rs_status check_fields(const char *path, config_setting_t *entry, rs_error *err) {
  static const char *const known[] = {"name", "lower", "upper", "prior"};
  for (int k = 0; k < config_setting_length(entry); k++) {
    config_setting_t *f = config_setting_get_elem(entry, (unsigned)k);
    const char *fn = config_setting_name(f);
    int ok = 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) ok |= strcmp(fn, known[i]) == 0;
    if (!ok)
      return rs_fail(err, RS_ERR_INPUT,
                     "%s:%d: unknown field '%s' (fields: name, lower, upper, prior)", path,
                     (int)config_setting_source_line(f), fn);
  }
  return RS_OK;
}

/* The fields of each prior kind, in the order of rs_free_param.prior_p. */
static const struct {
  int kind;
  const char *name;
  const char *field[2];
} prior_kinds[] = {
    {RS_PRIOR_UNIFORM, "uniform", {NULL, NULL}},
    {RS_PRIOR_NORMAL, "normal", {"mean", "sd"}},
    {RS_PRIOR_LOGNORMAL, "lognormal", {"median", "sdlog"}},
    {RS_PRIOR_BETA, "beta", {"a", "b"}},
    {RS_PRIOR_HALFNORMAL, "half-normal", {"scale", NULL}},
};

/* prior = { kind = "..."; FIELD = number; ... }: every field of the kind, nothing else. */
static rs_status read_prior_group(const char *path, config_setting_t *pr, rs_free_param *fp,
                                  rs_error *err) {
  int line = (int)config_setting_source_line(pr);
  const char *kind = NULL;
  if (!config_setting_lookup_string(pr, "kind", &kind))
    return rs_fail(err, RS_ERR_INPUT,
                   "%s:%d: a prior needs kind = \"uniform\", \"normal\", \"lognormal\", "
                   "\"beta\" or \"half-normal\"",
                   path, line);
  int k = -1;
  for (int i = 0; i < (int)(sizeof prior_kinds / sizeof *prior_kinds); i++)
    if (strcmp(kind, prior_kinds[i].name) == 0) k = i;
  if (k < 0)
    return rs_fail(err, RS_ERR_INPUT,
                   "%s:%d: unknown prior kind '%s' (kinds: uniform, normal, lognormal, beta, "
                   "half-normal)",
                   path, line, kind);
  double v[2] = {0.0, 0.0};
  for (int f = 0; f < config_setting_length(pr); f++) {
    config_setting_t *s = config_setting_get_elem(pr, (unsigned)f);
    const char *fn = config_setting_name(s);
    int slot = -1;
    for (int q = 0; q < 2; q++)
      if (prior_kinds[k].field[q] && strcmp(fn, prior_kinds[k].field[q]) == 0) slot = q;
    if (strcmp(fn, "kind") == 0) continue;
    if (slot < 0)
      return rs_fail(err, RS_ERR_INPUT, "%s:%d: a %s prior has no field '%s'%s%s%s%s", path,
                     (int)config_setting_source_line(s), kind, fn,
                     prior_kinds[k].field[0] ? " (fields: " : "",
                     prior_kinds[k].field[0] ? prior_kinds[k].field[0] : "",
                     prior_kinds[k].field[1] ? ", " : "",
                     prior_kinds[k].field[1] ? prior_kinds[k].field[1] : "");
  }
  for (int q = 0; q < 2; q++) {
    if (!prior_kinds[k].field[q]) continue;
    int found;
    rs_status st = read_number(path, pr, prior_kinds[k].field[q], &v[q], &found, err);
    if (st != RS_OK) return st;
    if (!found)
      return rs_fail(err, RS_ERR_INPUT, "%s:%d: the %s prior needs '%s'", path, line, kind,
                     prior_kinds[k].field[q]);
  }
  rs_error e2;
  if (rs_free_set_prior(fp, prior_kinds[k].kind, v[0], v[1], &e2) != RS_OK)
    return rs_fail(err, RS_ERR_INPUT, "%s:%d: '%s': %s", path, line, fp->name, e2.msg);
  return RS_OK;
}

/* prior = [mean, sd] (a normal, the form of relsim 0.1) or prior = { kind = ...; ... }. */
static rs_status read_prior(const char *path, config_setting_t *entry, rs_free_param *fp,
                            rs_error *err) {
  config_setting_t *pr = config_setting_get_member(entry, "prior");
  rs_error e2;
  if (!pr) return rs_free_set_prior(fp, RS_PRIOR_UNIFORM, 0.0, 0.0, &e2);
  int line = (int)config_setting_source_line(pr);
  if (config_setting_is_group(pr)) return read_prior_group(path, pr, fp, err);
  if (!config_setting_is_aggregate(pr) || config_setting_length(pr) != 2)
    return rs_fail(err, RS_ERR_INPUT,
                   "%s:%d: 'prior' must be [mean, sd] or { kind = \"...\"; ... }", path, line);
  double v[2];
  for (int q = 0; q < 2; q++)
    if (!rs_params_setting_number(config_setting_get_elem(pr, (unsigned)q), &v[q]))
      return rs_fail(err, RS_ERR_INPUT, "%s:%d: 'prior' must be [mean, sd] with numbers", path,
                     line);
  if (rs_free_set_prior(fp, RS_PRIOR_NORMAL, v[0], v[1], &e2) != RS_OK)
    return rs_fail(err, RS_ERR_INPUT, "%s:%d: '%s': %s", path, line, fp->name, e2.msg);
  return RS_OK;
}

/* One entry of the free list. */
static rs_status read_entry(const char *path, config_setting_t *entry, const rs_params *base,
                            rs_free_param *fp, rs_error *err) {
  int line = (int)config_setting_source_line(entry);
  memset(fp, 0, sizeof *fp);
  fp->line = line;
  rs_status st = check_fields(path, entry, err);
  if (st != RS_OK) return st;
  const char *name = NULL;
  if (!config_setting_lookup_string(entry, "name", &name))
    return rs_fail(err, RS_ERR_INPUT, "%s:%d: each free parameter needs name = \"group.name\"",
                   path, line);
  if (rs_pref_parse(base, name, &fp->ref) != 0) {
    if (rs_param_find(name) >= 0) /* it exists: a choice or an integer, not a real number */
      return rs_fail(err, RS_ERR_INPUT,
                     "%s:%d: '%s' is a choice or an integer setting, which a calibration cannot "
                     "vary (free parameters are real-valued parameters and event magnitudes)",
                     path, line, name);
    const char *s = suggest(name);
    return rs_fail(err, RS_ERR_INPUT,
                   "%s:%d: '%s' is not a real-valued parameter or event magnitude%s%s%s", path,
                   line, name, s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
  }
  rs_pref_name(base, fp->ref, fp->name, sizeof fp->name);
  double lo, hi;
  rs_pref_bounds(base, fp->ref, &lo, &hi);
  fp->lower = lo;
  fp->upper = hi;
  int found;
  if ((st = read_number(path, entry, "lower", &fp->lower, &found, err)) != RS_OK) return st;
  if ((st = read_number(path, entry, "upper", &fp->upper, &found, err)) != RS_OK) return st;
  if (!(fp->lower >= lo && fp->upper <= hi && fp->lower < fp->upper))
    return rs_fail(err, RS_ERR_INPUT,
                   "%s:%d: bounds [%g, %g] of '%s' must satisfy lower < upper within the "
                   "registry's [%g, %g]",
                   path, line, fp->lower, fp->upper, fp->name, lo, hi);
  double x = rs_pref_get(base, fp->ref);
  if (x < fp->lower || x > fp->upper)
    return rs_fail(err, RS_ERR_INPUT,
                   "%s:%d: the base value %g of '%s' is outside the bounds [%g, %g]", path, line, x,
                   fp->name, fp->lower, fp->upper);
  return read_prior(path, entry, fp, err);
}

static rs_status read_list(const char *path, config_t *cfg, const rs_params *base, rs_free_set *fs,
                           rs_error *err) {
  config_setting_t *root = config_root_setting(cfg);
  for (int k = 0; k < config_setting_length(root); k++) {
    config_setting_t *s = config_setting_get_elem(root, (unsigned)k);
    if (strcmp(config_setting_name(s), "free") != 0)
      return rs_fail(err, RS_ERR_INPUT,
                     "%s:%d: unknown setting '%s' (a free file holds free = "
                     "( ... );)",
                     path, (int)config_setting_source_line(s), config_setting_name(s));
  }
  config_setting_t *list = config_lookup(cfg, "free");
  if (!list || !config_setting_is_list(list))
    return rs_fail(err, RS_ERR_INPUT, "%s: expected free = ( { name = \"...\"; }, ... );", path);
  int n = config_setting_length(list);
  if (n < 1 || n > RS_FREE_MAX)
    return rs_fail(err, RS_ERR_INPUT, "%s: %d free parameters; allowed 1 to %d", path, n,
                   RS_FREE_MAX);
  for (int i = 0; i < n; i++) {
    config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
    if (!config_setting_is_group(e))
      return rs_fail(err, RS_ERR_INPUT, "%s:%d: each entry is a group { name = ...; }", path,
                     (int)config_setting_source_line(e));
    rs_status st = read_entry(path, e, base, &fs->p[i], err);
    if (st != RS_OK) return st;
    for (int j = 0; j < i; j++)
      if (strcmp(fs->p[j].name, fs->p[i].name) == 0)
        return rs_fail(err, RS_ERR_INPUT, "%s:%d: '%s' is already free (line %d)", path,
                       fs->p[i].line, fs->p[i].name, fs->p[j].line);
    fs->n = i + 1;
  }
  return RS_OK;
}

rs_status rs_free_load(const char *path, const rs_params *base, rs_free_set *fs, rs_error *err) {
  memset(fs, 0, sizeof *fs);
  snprintf(fs->file, sizeof fs->file, "%s", path);
  config_t cfg;
  config_init(&cfg);
  rs_status st = rs_params_config_prepare(&cfg, path, err);
  if (st != RS_OK) {
  } else if (config_read_file(&cfg, path) != CONFIG_TRUE) {
    if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
      st = rs_fail(err, RS_ERR_IO, "%s: cannot read", path);
    else
      st = rs_fail(err, RS_ERR_INPUT, "%s:%d: libconfig: %s",
                   config_error_file(&cfg) ? config_error_file(&cfg) : path,
                   config_error_line(&cfg), config_error_text(&cfg));
  } else {
    st = read_list(path, &cfg, base, fs, err);
  }
  config_destroy(&cfg);
  return st;
}
