/* tests/test_params_write.c -- rs_params_write and rs_params_write_scenario: what they write
 * loads back to the same values bit for bit (defaults, after --set, after a scenario), and
 * a scenario holds only what differs from its base. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "params.h"

/* from test_params_common.c */
void tp_path(const char *name, char *out, size_t n);
int tp_params_differ(const rs_params *a, const rs_params *b, char *why, size_t n);
char *tp_read(const char *path);

static rs_params p, q, base;
static rs_provenance prov, prov2;

/* Write p (with prov, or as a scenario on sbase) to the scratch file name; path receives it. */
static int write_to(const char *name, const rs_params *x, const rs_provenance *pv,
                    const rs_params *sbase, const char *base_ref, char *path, size_t n) {
  rs_error err = {{0}};
  tp_path(name, path, n);
  FILE *fp = fopen(path, "w");
  if (!fp) return -1;
  rs_status st =
      sbase ? rs_params_write_scenario(fp, x, sbase, base_ref, "a test scenario", NULL, NULL, &err)
            : rs_params_write(fp, x, pv, "a test file\n\nsecond paragraph", &err);
  if (fclose(fp) != 0 || st != RS_OK) {
    fprintf(stderr, "%s\n", err.msg);
    return -1;
  }
  return 0;
}

/* Load path into q and compare with want bit for bit. */
static void check_loads_back(const char *path, const rs_params *want) {
  rs_error err = {{0}};
  char why[256];
  rs_status st = rs_params_load(path, &q, &prov2, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) fprintf(stderr, "  %s\n", err.msg);
  CHECK(tp_params_differ(&q, want, why, sizeof why) == 0);
  if (why[0]) fprintf(stderr, "  %s: %s\n", path, why);
}

static void writing_the_defaults_and_loading_them_gives_the_same_values(void) {
  char path[RS_PATH_MAX];
  rs_params_defaults(&p);
  CHECK(write_to("defaults.cfg", &p, NULL, NULL, NULL, path, sizeof path) == 0);
  check_loads_back(path, &p);
}

static void the_round_trip_is_exact_after_overrides_with_awkward_values(void) {
  char path[RS_PATH_MAX], a[128], num[32];
  rs_error err = {{0}};
  rs_params_defaults(&p);
  rs_provenance_init(&prov);
  const double third = 1.0 / 3.0 * 0.3, sum = 0.1 + 0.2 - 0.2, tiny = 1.2345678901234567e-7;
  snprintf(a, sizeof a, "tfp.lambda=%.17g", third);
  CHECK(rs_params_set(&p, &prov, a, &err) == RS_OK);
  snprintf(a, sizeof a, "tfp.eta=%.17g", sum);
  CHECK(rs_params_set(&p, &prov, a, &err) == RS_OK);
  snprintf(a, sizeof a, "numerics.smooth=%.17g", tiny);
  CHECK(rs_params_set(&p, &prov, a, &err) == RS_OK);
  CHECK(rs_params_set(&p, &prov, "rd.rho0=-0.0", &err) == RS_OK);
  CHECK(rs_params_set(&p, &prov, "solver.method=adams", &err) == RS_OK);
  CHECK(rs_params_set(&p, &prov, "solver.max_steps=123456", &err) == RS_OK);
  CHECK(rs_params_set(&p, &prov, "span.end=2025", &err) == RS_OK);
  CHECK(rs_params_set(&p, &prov, "event.oil2.shape=step", &err) == RS_OK);
  CHECK(rs_params_set(&p, &prov, "event.bubble.enabled=false", &err) == RS_OK);
  snprintf(a, sizeof a, "event.plaza.start=%.17g", 1985.0 + 2.0 / 3.0);
  CHECK(rs_params_set(&p, &prov, a, &err) == RS_OK);
  CHECK(rs_params_validate(&p, &err) == RS_OK);
  CHECK(write_to("overrides.cfg", &p, &prov, NULL, NULL, path, sizeof path) == 0);
  check_loads_back(path, &p);
  char *text = tp_read(path);
  CHECK_STR_CONTAINS(text, "# a test file\n#\n# second paragraph\n");
  CHECK_STR_CONTAINS(text, "method = \"adams\";");
  CHECK_STR_CONTAINS(text, "max_steps = 123456;");
  CHECK_STR_CONTAINS(text, "end = 2025.0;"); /* years without an exponent */
  CHECK_STR_CONTAINS(text, "rho0 = -0.0;");
  snprintf(a, sizeof a, "lambda = %s;", rs_format_double(third, num));
  CHECK_STR_CONTAINS(text, a);
  CHECK_STR_CONTAINS(text, "from --set");
  free(text);
}

static void the_round_trip_is_exact_for_a_loaded_scenario_and_names_its_lines(void) {
  char path[RS_PATH_MAX];
  rs_error err = {{0}};
  CHECK(rs_params_load("tests/data/params/scenario.cfg", &p, &prov, &err) == RS_OK);
  CHECK(write_to("scenario_full.cfg", &p, &prov, NULL, NULL, path, sizeof path) == 0);
  check_loads_back(path, &p);
  char *text = tp_read(path);
  CHECK_STR_CONTAINS(text, "from tests/data/params/scenario.cfg:5");
  CHECK_STR_CONTAINS(text, "  reform = {\n    enabled = true;");
  free(text);
}

static void every_scalar_is_written_with_a_comment(void) {
  char path[RS_PATH_MAX];
  rs_params_defaults(&p);
  CHECK(write_to("commented.cfg", &p, NULL, NULL, NULL, path, sizeof path) == 0);
  char *text = tp_read(path);
  CHECK(text != NULL);
  for (int i = 0; text && i < RS_NPARAM; i++) {
    const rs_param_info *pi = rs_param_info_get(i);
    const char *bare = strchr(pi->name, '.') + 1;
    char want[128];
    snprintf(want, sizeof want, "\n  %s = ", bare);
    const char *at = strstr(text, want);
    CHECK(at != NULL);
    if (!at) continue;
    const char *eol = strchr(at + 1, '\n');
    const char *hash = strchr(at + 1, '#');
    CHECK(hash && eol && hash < eol); /* a trailing comment: units and bounds */
    /* the meaning is in the comment just above */
    CHECK(strstr(text, pi->meaning) != NULL || strlen(pi->meaning) > 80);
  }
  CHECK_STR_CONTAINS(text, "# tfp: catch-up and the relational flip");
  free(text);
}

static const char *note_for(int id, void *user) {
  (void)user;
  return id == RS_P_LAMBDA ? "std. error 0.004" : NULL;
}

static void a_written_scenario_holds_only_the_differences_and_loads_back(void) {
  char path[RS_PATH_MAX], base_path[RS_PATH_MAX];
  rs_error err = {{0}};
  CHECK(realpath("params/baseline.cfg", base_path) != NULL);
  CHECK(rs_params_load(base_path, &base, NULL, &err) == RS_OK);
  p = base;
  rs_provenance_init(&prov);
  CHECK(rs_params_set(&p, &prov, "tfp.lambda=0.0333", &err) == RS_OK);
  CHECK(rs_params_set(&p, &prov, "solver.method=adams", &err) == RS_OK);
  CHECK(rs_params_set(&p, &prov, "event.oil1.shape=step", &err) == RS_OK);
  CHECK(rs_params_set(&p, &prov, "event.plaza.shape=pulse", &err) == RS_OK);
  CHECK(rs_params_set(&p, &prov, "event.plaza.end=1990.5", &err) == RS_OK);
  CHECK(rs_params_set(&p, &prov, "event.bubble.enabled=false", &err) == RS_OK);
  p.tables[RS_TAB_RDPUB].v[3] = 0.007;
  rs_event *ev = &p.events[p.nevents++];
  memset(ev, 0, sizeof *ev);
  snprintf(ev->name, sizeof ev->name, "reform");
  ev->enabled = true;
  ev->shape = RS_SHAPE_SMOOTH_PULSE;
  ev->channel = RS_CH_REFORM;
  ev->start = 1980.0;
  ev->end = 1990.0;
  ev->magnitude = 0.25;
  CHECK(rs_params_validate(&p, &err) == RS_OK);

  tp_path("written_scenario.cfg", path, sizeof path);
  FILE *fp = fopen(path, "w");
  CHECK(fp != NULL);
  if (!fp) return;
  CHECK(rs_params_write_scenario(fp, &p, &base, base_path, "calibrated", note_for, NULL, &err) ==
        RS_OK);
  CHECK(fclose(fp) == 0);
  check_loads_back(path, &p);
  char *text = tp_read(path);
  CHECK_STR_CONTAINS(text, "base = \"");
  CHECK_STR_CONTAINS(text, "lambda = 0.0333;");
  CHECK_STR_CONTAINS(text, "base 0.04; std. error 0.004");
  CHECK_STR_CONTAINS(text, "rd_public = (");
  CHECK_STR_CONTAINS(text, "  reform = {  # a new event");
  CHECK(text && strstr(text, "eta =") == NULL);   /* unchanged scalars are not written */
  CHECK(text && strstr(text, "g_f = (") == NULL); /* nor unchanged tables */
  CHECK(text && strstr(text, "oil2 =") == NULL);  /* nor unchanged events */
  free(text);
  /* the provenance of the loaded scenario points into the scenario file */
  CHECK(prov2.nfiles == 2 && strcmp(prov2.files[1], path) == 0);
  CHECK(prov2.scalar[RS_P_LAMBDA].file == 1);
  CHECK(prov2.scalar[RS_P_ETA].file == 0);
}

static void a_scenario_without_differences_says_so(void) {
  char path[RS_PATH_MAX];
  rs_params_defaults(&p);
  CHECK(write_to("empty_scenario.cfg", &p, NULL, &p, "../../../../params/baseline.cfg", path,
                 sizeof path) == 0);
  char *text = tp_read(path);
  CHECK_STR_CONTAINS(text, "no differences");
  free(text);
}

int main(void) {
  RUN(writing_the_defaults_and_loading_them_gives_the_same_values);
  RUN(the_round_trip_is_exact_after_overrides_with_awkward_values);
  RUN(the_round_trip_is_exact_for_a_loaded_scenario_and_names_its_lines);
  RUN(every_scalar_is_written_with_a_comment);
  RUN(a_written_scenario_holds_only_the_differences_and_loads_back);
  RUN(a_scenario_without_differences_says_so);
  return CHECK_DONE();
}
