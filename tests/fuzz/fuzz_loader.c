/* tests/fuzz/fuzz_loader.c -- libFuzzer harness for one of relsim's loaders.
 * This file contains LLVMFuzzerTestOneInput, compiled once per loader with FUZZ_LOADER set to
 * 1 (parameter files), 2 (target files), 3 (free sets), 4 (series CSV) or 5 (the forecast CSV):
 * the input is written to a file of its own and the loader reads it. A loader must return a
 * status (any) for every input: a crash, a leak, undefined behaviour or a hang is a finding.
 * Built by CMake with -DRELSIM_FUZZ=ON (clang); run by scripts/fuzz.sh. */
#define _POSIX_C_SOURCE 200809L

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calib.h"
#include "compare.h"
#include "output.h"
#include "params.h"
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a file: a fresh name per process, rewritten for every input. */
static const char *input_file(const uint8_t *data, size_t size) {
  static char path[64];
  if (!path[0]) snprintf(path, sizeof path, "/tmp/relsim-fuzz-%ld.in", (long)getpid());
  FILE *fp = fopen(path, "wb");
  if (!fp) abort();
  if (size && fwrite(data, 1, size, fp) != size) abort();
  if (fclose(fp) != 0) abort();
  return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = input_file(data, size);
  rs_error err;
#if FUZZ_LOADER == 1
  static rs_params p;
  static rs_provenance prov;
  rs_provenance_init(&prov);
  (void)rs_params_load(path, &p, &prov, &err);
#elif FUZZ_LOADER == 2
  rs_targets ts;
  memset(&ts, 0, sizeof ts);
  (void)rs_targets_load_files(&path, 1, 0, 1955.0, 2000.0, &ts, &err);
  rs_targets_free(&ts);
#elif FUZZ_LOADER == 3
  static rs_params base;
  static int ready = 0;
  if (!ready) rs_params_defaults(&base), ready = 1;
  rs_free_set fs;
  (void)rs_free_load(path, &base, &fs, &err);
#elif FUZZ_LOADER == 4
  rs_series s;
  rs_series_init(&s);
  (void)rs_output_read_csv(path, &s, &err);
  rs_series_free(&s);
#elif FUZZ_LOADER == 5
  rs_forecast f;
  (void)rs_forecast_load(path, &f, &err);
#else
#error "FUZZ_LOADER must be 1 to 5"
#endif
  return 0;
}
