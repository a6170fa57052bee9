/* output/output.h -- the files a run leaves behind: series.csv (every indicator at every output
 * time) and manifest.cfg (the effective parameters with their provenance, the solver settings
 * and statistics, the library versions and the SHA-256 of every input file).
 * Every file is written under a temporary name and renamed when complete (util/rs_afile). */
#ifndef RS_OUTPUT_H
#define RS_OUTPUT_H

#include "params.h"
#include "sim.h"

/* Write the series as CSV: a '#' line with the units of every column, the header
 * "year,a,K,...", then one row per output time, numbers with 12 significant digits. */
rs_status rs_output_write_csv(const char *path, const rs_series *s, rs_error *err);

/* Read a CSV written by rs_output_write_csv back (columns by header name; unknown columns are an
 * error). Used by tests and by the comparison tools. */
rs_status rs_output_read_csv(const char *path, rs_series *s, rs_error *err);

/* What the manifest records beyond the parameters. */
typedef struct rs_run_info {
  const char *command;          /* the command line, for the record */
  const char *const *overrides; /* --set assignments in order */
  int noverrides;
  const rs_solver_stats *stats; /* statistics of the run */
} rs_run_info;

/* Write manifest.cfg: a complete parameter file (rs_params_write, with the file:line or --set
 * behind every value) that `relsim run manifest.cfg` reproduces the run from, followed by a
 * `manifest` group (ignored when loading) with versions, command, overrides, solver statistics
 * and the SHA-256 of every file in prov->files. Deterministic: no dates, no timings. */
rs_status rs_output_write_manifest(const char *path, const rs_params *p, const rs_provenance *prov,
                                   const rs_run_info *info, rs_error *err);

/* Write the effective model of p as JSON for an implementation outside relsim (the scipy
 * benchmark of bench/): every registry parameter by name (enumerations as their numbers),
 * the time tables as year and value arrays, the events with shape and channel by name (a step's
 * end as null), and the event edges the integration stops at. */
rs_status rs_output_write_json(const char *path, const rs_params *p, rs_error *err);

#endif /* RS_OUTPUT_H */
