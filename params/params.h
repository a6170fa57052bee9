/* params/params.h -- parameter files: reading libconfig files (with scenario bases and
 * command-line overrides) into an rs_params, remembering where every value came from, and
 * writing a complete parameter file back (the run manifest, calibrated scenarios).
 * Every name is checked against the registry of model/; nothing here knows the equations. */
#ifndef RS_PARAMS_H
#define RS_PARAMS_H

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
  RS_EF_ENABLED, RS_EF_SHAPE, RS_EF_CHANNEL, RS_EF_START, RS_EF_END, RS_EF_MAGNITUDE,
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
 * `base = "file.cfg";` (resolved relative to the file naming it; a cycle is an error), then the
 * file's own settings, then validate. prov may be NULL. Errors (RS_ERR_INPUT, or RS_ERR_IO when
 * the file cannot be read) say file:line and, for an unknown name, the closest known one; for a
 * wrong type or an out-of-range value the setting, the value and the bounds; for a syntax error
 * libconfig's message. A top-level `manifest` group (written by relsim into run manifests) is
 * informational and ignored. On failure p is unspecified. */
rs_status rs_params_load(const char *path, rs_params *p, rs_provenance *prov, rs_error *err);

/* Apply one command-line override "name=value": a scalar by its full or unique bare name
 * (tfp.lambda=0.05, lambda=0.05, solver.method=adams), or an event field
 * (event.NAME.FIELD=value, FIELD one of enabled, shape, channel, start, end, magnitude;
 * "events." is accepted too). Values are checked as in a file; the set is NOT re-validated as
 * a whole (call rs_params_validate after the last override). Errors name the override and
 * suggest the closest name. */
rs_status rs_params_set(rs_params *p, rs_provenance *prov, const char *assignment,
                        rs_error *err);

/* Write p as a complete parameter file that rs_params_load reads back to the same values (bit
 * for bit): every setting, grouped as in params/baseline.cfg, each with a comment giving its
 * units and meaning and, when prov is given, the file:line (or --set) that set it. header is
 * written first as '#' comment lines (may be NULL). Returns RS_ERR_IO on a write error. */
rs_status rs_params_write(FILE *fp, const rs_params *p, const rs_provenance *prov,
                          const char *header, rs_error *err);

/* Write only the settings where p differs from base (a scenario file), after a
 * `base = "base_ref";` line. comment(id, user) may return a note for a scalar (e.g. a standard
 * error) to put in its comment, or NULL; it may be NULL. */
rs_status rs_params_write_scenario(FILE *fp, const rs_params *p, const rs_params *base,
                                   const char *base_ref, const char *header,
                                   const char *(*comment)(int id, void *user), void *user,
                                   rs_error *err);

/* "libconfig 1.5" (the version linked in). */
const char *rs_params_libconfig_version(void);

#endif /* RS_PARAMS_H */
