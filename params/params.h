/* params/params.h -- parameter files: reading libconfig files (with scenario bases and
 * command-line overrides) into an rs_params, remembering where every value came from, and
 * writing a complete parameter file back (the run manifest, calibrated scenarios).
 * Every name is checked against the registry of model/; nothing here knows the equations. */
#ifndef RS_PARAMS_H
#define RS_PARAMS_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"

#define RS_PATH_MAX 4096
#define RS_MAX_FILES 16 /* longest chain of scenario bases */

/* Where an effective value was set: an index into rs_provenance.files and a line, or one of
 * the two special origins below (line 0). */
#define RS_ORIGIN_DEFAULT (-1) /* the registry default */
#define RS_ORIGIN_SET (-2)     /* a --set override on the command line */
typedef struct rs_origin {
  int file;
  int line;
} rs_origin;

/* The fields of an event, for per-field provenance. */
typedef enum rs_event_field {
  RS_EF_ENABLED,
  RS_EF_SHAPE,
  RS_EF_CHANNEL,
  RS_EF_START,
  RS_EF_END,
  RS_EF_MAGNITUDE,
  RS_NEVENTFIELD
} rs_event_field;

/* Provenance of every value of an rs_params, and the files that were read. */
typedef struct rs_provenance {
  rs_origin scalar[RS_NPARAM];
  rs_origin table[RS_NTABLE];
  rs_origin event[RS_EVENT_MAX][RS_NEVENTFIELD]; /* indexed like rs_params.events */
  int nfiles;
  char files[RS_MAX_FILES][RS_PATH_MAX]; /* every file read, base first, paths as opened */
} rs_provenance;

/* Registry defaults everywhere, provenance "default". */
void rs_provenance_init(rs_provenance *prov);
/* "params/baseline.cfg:42", "--set" or "default", into buf of size n. */
const char *rs_origin_format(const rs_provenance *prov, rs_origin o, char *buf, size_t n);

/* Load a parameter file: start from the registry defaults, apply the chain of bases named by
 * `base = "file.cfg";` (resolved relative to the directory of the file naming it, "dir/.."
 * tidied when that names the same file; at most RS_MAX_FILES files; a cycle is an error naming
 * the chain), then the file's own settings, then validate. prov (may be NULL) is reset with
 * rs_provenance_init and then records, for every value, the file and line that set it.
 * A table in a file replaces the whole table; a known event changes field by field, and
 * `shape = "step"` without an `end` drops the end it had; a new event needs shape, channel,
 * start, magnitude and (unless a step) end. Errors are one line: RS_ERR_IO when a file cannot
 * be read ("FILE: cannot read: REASON", or "FILE:LINE: base file 'B': cannot read: REASON"),
 * else RS_ERR_INPUT starting "FILE:LINE: " and naming, for an unknown name, the closest known
 * one; for a wrong type, what was expected and found; for an out-of-range value, the setting,
 * the value and the bounds; for a syntax error, libconfig's text. Cross-constraints found by
 * rs_params_validate get the file:line of a setting involved when one came from a file.
 * A top-level `manifest` group (run metadata in manifest.cfg) is ignored. On failure p and prov
 * are unspecified. Integer literals beyond 32 bits are refused
 * (libconfig 1.5 would wrap them silently). */
rs_status rs_params_load(const char *path, rs_params *p, rs_provenance *prov, rs_error *err);

/* Apply one command-line override "name=value": a scalar by its full or unique bare name
 * (tfp.lambda=0.05, lambda=0.05, solver.method=adams), or a field of an existing event
 * (event.NAME.FIELD=value, FIELD one of enabled (true/false/1/0), shape, channel, start, end
 * ("none" clears it), magnitude; "events." is accepted too; shape=step also clears the end).
 * Tables and new events are set in files only. Values are checked as in a file (type, bounds,
 * a magnitude against its channel); the set is NOT re-validated as a whole (call
 * rs_params_validate after the last override). prov may be NULL; else the value's origin
 * becomes RS_ORIGIN_SET. On error p is unchanged and err is one line naming the override:
 * "--set tfp.lamda=0.05: unknown setting 'tfp.lamda'; did you mean 'tfp.lambda'?". */
rs_status rs_params_set(rs_params *p, rs_provenance *prov, const char *assignment, rs_error *err);

/* Write p as a complete parameter file that rs_params_load reads back to the same values (bit
 * for bit): every setting, grouped by mechanism in registry order as in params/baseline.cfg,
 * each with comments giving its meaning, source, units and bounds and, when prov is given and
 * the value is not a default, "from FILE:LINE" (or "from --set"); then the tables and every
 * event (all fields; no end for a step). header is written first as '#' comment lines (may be
 * NULL). The whole text is built in memory, then written and flushed: RS_ERR_IO on a write
 * error, RS_ERR_NOMEM if memory runs out. */
rs_status rs_params_write(FILE *fp, const rs_params *p, const rs_provenance *prov,
                          const char *header, rs_error *err);

/* Write only the settings where p differs from base (a scenario file), after a
 * `base = "base_ref";` line: scalars (their comment gives the base value), whole tables,
 * changed fields of base's events, new events in full; an event of base that p lacks is
 * written as disabled (a file cannot remove one). base_ref is written as given; the loader
 * resolves it relative to the directory of the scenario file. comment(id, user) may return a
 * note for a scalar (e.g. a standard error) to put in its comment, or NULL; it may be NULL.
 * Loading the result (with base_ref resolvable) gives p back bit for bit. */
rs_status rs_params_write_scenario(FILE *fp, const rs_params *p, const rs_params *base,
                                   const char *base_ref, const char *header,
                                   const char *(*comment)(int id, void *user), void *user,
                                   rs_error *err);

/* Helpers for the other readers of libconfig files (targets, free sets), so that every file of
 * relsim reads numbers and describes wrong values the same way. s is libconfig's
 * config_setting_t. */
struct config_setting_t;
/* The number in s (int, int64 or float) into *x; false if s is not a number. */
bool rs_params_setting_number(const struct config_setting_t *s, double *x);
/* What s is, for "expected ..., found ..." messages: "the number 5", "the string \"x\"", ... */
const char *rs_params_setting_describe(const struct config_setting_t *s, char *buf, size_t n);

/* Get a config_init'ed cfg ready to read the libconfig file path, and check the file first:
 * a regular file within the size cap (rs_input_check), no NUL byte, no integer literal that
 * libconfig 1.5 would wrap (beyond 32 bits without the L suffix), every @include naming a
 * regular file within the cap (checked likewise, to a depth of 10). @include resolves against
 * path's folder. Sets auto-conversion of integers to floats. Errors name file:line and the
 * reason; the caller then reads with config_read_file. */
struct config_t;
rs_status rs_params_config_prepare(struct config_t *cfg, const char *path, rs_error *err);

/* "libconfig 1.5.0": the version of the libconfig headers relsim was built with. */
const char *rs_params_libconfig_version(void);

#endif /* RS_PARAMS_H */
