/* tests/test_params_load.c -- loading parameter files: scenario bases, chains, cycles, the
 * ignored manifest group, provenance of every value, missing files. Fixtures are in
 * tests/data/params/; tests run from the repository root. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "params.h"

/* from test_params_common.c */
void tp_path(const char *name, char *out, size_t n);
int tp_write(const char *name, const char *text, char *path, size_t n);
int tp_params_differ(const rs_params *a, const rs_params *b, char *why, size_t n);

#define DATA "tests/data/params/"

static rs_params p, def;
static rs_provenance prov;

static void a_scenario_changes_only_what_it_sets(void) {
  rs_error err = {{0}};
  rs_status st = rs_params_load(DATA "scenario.cfg", &p, &prov, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  rs_params_defaults(&def);
  CHECK(p.v[RS_P_LAMBDA] == 0.03);
  for (int i = 0; i < RS_NPARAM; i++)
    if (i != RS_P_LAMBDA) CHECK(memcmp(&p.v[i], &def.v[i], sizeof p.v[i]) == 0);
  int b = rs_params_find_event(&p, "bubble");
  CHECK(b >= 0 && !p.events[b].enabled);
  CHECK(b >= 0 && p.events[b].start == def.events[b].start);
  CHECK(p.nevents == def.nevents + 1);
  int r = rs_params_find_event(&p, "reform");
  CHECK(r == def.nevents);
  if (r >= 0) {
    CHECK(p.events[r].enabled);
    CHECK(p.events[r].shape == RS_SHAPE_RAMP && p.events[r].channel == RS_CH_REFORM);
    CHECK(p.events[r].start == 1980.0 && p.events[r].end == 1985.0);
    CHECK(p.events[r].magnitude == 0.5);
  }
}

static void provenance_points_at_the_file_and_line_that_set_each_value(void) {
  rs_error err = {{0}};
  CHECK(rs_params_load(DATA "scenario.cfg", &p, &prov, &err) == RS_OK);
  CHECK(prov.nfiles == 2);
  /* "tests/data/params/../../../params/baseline.cfg", tidied */
  CHECK(strcmp(prov.files[0], "params/baseline.cfg") == 0);
  CHECK(strcmp(prov.files[1], DATA "scenario.cfg") == 0);
  CHECK(prov.scalar[RS_P_LAMBDA].file == 1 && prov.scalar[RS_P_LAMBDA].line == 5);
  CHECK(prov.scalar[RS_P_ETA].file == 0 && prov.scalar[RS_P_ETA].line > 0);
  int b = rs_params_find_event(&p, "bubble");
  CHECK(prov.event[b][RS_EF_ENABLED].file == 1 && prov.event[b][RS_EF_ENABLED].line == 9);
  CHECK(prov.event[b][RS_EF_START].file == 0);
  int r = rs_params_find_event(&p, "reform");
  CHECK(r >= 0 && prov.event[r][RS_EF_MAGNITUDE].line == 15);
  CHECK(r >= 0 && prov.event[r][RS_EF_ENABLED].line == 10); /* defaulted: the event's line */
  CHECK(prov.table[RS_TAB_GF].file == 0);
  char buf[RS_PATH_MAX + 32];
  CHECK_STR_CONTAINS(rs_origin_format(&prov, prov.scalar[RS_P_LAMBDA], buf, sizeof buf),
                     DATA "scenario.cfg:5");
  rs_origin set = {RS_ORIGIN_SET, 0}, dflt = {RS_ORIGIN_DEFAULT, 0};
  CHECK(strcmp(rs_origin_format(&prov, set, buf, sizeof buf), "--set") == 0);
  CHECK(strcmp(rs_origin_format(&prov, dflt, buf, sizeof buf), "default") == 0);
}

static void a_chain_of_three_files_applies_the_deepest_base_first(void) {
  rs_error err = {{0}};
  rs_status st = rs_params_load(DATA "chain_a.cfg", &p, &prov, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  CHECK(prov.nfiles == 3);
  CHECK(strcmp(prov.files[0], DATA "chain/c.cfg") == 0);
  CHECK(strcmp(prov.files[1], DATA "chain_b.cfg") == 0);
  CHECK(strcmp(prov.files[2], DATA "chain_a.cfg") == 0);
  CHECK(p.v[RS_P_LAMBDA] == 0.06); /* c says 0.05, b overrides */
  CHECK(p.v[RS_P_M_EXP] == 6.0);   /* c says 5, a overrides */
  CHECK(prov.scalar[RS_P_LAMBDA].file == 1 && prov.scalar[RS_P_LAMBDA].line == 3);
  CHECK(prov.scalar[RS_P_M_EXP].file == 2 && prov.scalar[RS_P_M_EXP].line == 3);
  CHECK(prov.scalar[RS_P_ETA].file == RS_ORIGIN_DEFAULT);
  int e = rs_params_find_event(&p, "oil1");
  CHECK(p.events[e].start == 1974.0 && p.events[e].magnitude == 0.03);
  CHECK(prov.event[e][RS_EF_START].file == 0 && prov.event[e][RS_EF_MAGNITUDE].file == 1);
  CHECK(prov.event[e][RS_EF_END].file == RS_ORIGIN_DEFAULT);
}

static void a_cycle_of_bases_is_an_error_naming_the_files(void) {
  rs_error err = {{0}};
  CHECK(rs_params_load(DATA "cycle_a.cfg", &p, &prov, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, DATA "cycle_b.cfg:2: ");
  CHECK_STR_CONTAINS(err.msg, "cycle");
  CHECK_STR_CONTAINS(err.msg, DATA "cycle_a.cfg -> " DATA "cycle_b.cfg -> " DATA "cycle_a.cfg");
}

static void a_file_that_is_its_own_base_is_a_cycle(void) {
  char path[RS_PATH_MAX];
  rs_error err = {{0}};
  tp_write("self.cfg", "base = \"self.cfg\";\n", path, sizeof path);
  CHECK(rs_params_load(path, &p, NULL, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "self.cfg:1: the base files form a cycle");
}

static void a_chain_longer_than_the_limit_is_an_error(void) {
  char name[64], text[128], path[RS_PATH_MAX];
  rs_error err = {{0}};
  /* long0.cfg -> long1.cfg -> ... -> longN.cfg: RS_MAX_FILES files load, one more does not */
  for (int n = RS_MAX_FILES - 1; n <= RS_MAX_FILES; n++) {
    for (int i = 0; i <= n; i++) {
      snprintf(name, sizeof name, "long%d.cfg", i);
      if (i < n)
        snprintf(text, sizeof text, "base = \"long%d.cfg\";\n", i + 1);
      else
        snprintf(text, sizeof text, "tfp = { m = 5.0; };\n");
      tp_write(name, text, path, sizeof path);
    }
    tp_path("long0.cfg", path, sizeof path);
    rs_status st = rs_params_load(path, &p, &prov, &err);
    if (n < RS_MAX_FILES) {
      CHECK(st == RS_OK && prov.nfiles == RS_MAX_FILES && p.v[RS_P_M_EXP] == 5.0);
    } else {
      CHECK(st == RS_ERR_INPUT);
      CHECK_STR_CONTAINS(err.msg, "too many base files (at most ");
    }
  }
}

static void a_missing_file_is_an_io_error(void) {
  rs_error err = {{0}};
  CHECK(rs_params_load(DATA "no_such_file.cfg", &p, &prov, &err) == RS_ERR_IO);
  CHECK_STR_CONTAINS(err.msg, DATA "no_such_file.cfg: cannot read: No such file or directory");
  CHECK(rs_params_load(DATA "chain", &p, &prov, &err) == RS_ERR_IO);
  CHECK_STR_CONTAINS(err.msg, "is a directory");
}

static void a_missing_base_is_an_io_error_at_the_line_naming_it(void) {
  char path[RS_PATH_MAX];
  rs_error err = {{0}};
  tp_write("missing_base.cfg", "# no such base\nbase = \"nowhere.cfg\";\n", path, sizeof path);
  CHECK(rs_params_load(path, &p, &prov, &err) == RS_ERR_IO);
  CHECK_STR_CONTAINS(err.msg, "missing_base.cfg:2: base file '");
  CHECK_STR_CONTAINS(err.msg, "nowhere.cfg': cannot read: No such file or directory");
}

static void the_manifest_group_is_ignored(void) {
  rs_error err = {{0}};
  rs_status st = rs_params_load(DATA "manifest.cfg", &p, &prov, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  CHECK(p.v[RS_P_LAMBDA] == 0.05);
  CHECK(prov.scalar[RS_P_LAMBDA].line == 7);
}

static void an_integer_reads_as_a_float_and_a_float_as_an_integral_int(void) {
  char path[RS_PATH_MAX];
  rs_error err = {{0}};
  tp_write("ints.cfg",
           "tfp = { m = 5; };\nsolver = { max_steps = 20000.0; method = \"adams\"; };\n", path,
           sizeof path);
  rs_status st = rs_params_load(path, &p, NULL, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  CHECK(p.v[RS_P_M_EXP] == 5.0);
  CHECK(p.v[RS_P_SOLVER_MAX_STEPS] == 20000.0);
  CHECK(p.v[RS_P_SOLVER_METHOD] == 1.0);
}

static void making_an_event_a_step_drops_its_end(void) {
  char path[RS_PATH_MAX];
  rs_error err = {{0}};
  tp_write("to_step.cfg", "events = {\n  oil1 = { shape = \"step\"; };\n};\n", path, sizeof path);
  rs_status st = rs_params_load(path, &p, &prov, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  int e = rs_params_find_event(&p, "oil1");
  CHECK(p.events[e].shape == RS_SHAPE_STEP && isnan(p.events[e].end));
  CHECK(prov.event[e][RS_EF_END].file == 0 && prov.event[e][RS_EF_END].line == 2);
}

static void a_new_step_event_needs_no_end(void) {
  char path[RS_PATH_MAX];
  rs_error err = {{0}};
  tp_write("new_step.cfg",
           "events = { us_startups = { shape = \"step\"; channel = \"entry\"; start = 1995.0;\n"
           "  magnitude = 0.05; enabled = false; }; };\n",
           path, sizeof path);
  rs_status st = rs_params_load(path, &p, NULL, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  int e = rs_params_find_event(&p, "us_startups");
  CHECK(e >= 0 && !p.events[e].enabled && isnan(p.events[e].end));
}

static void a_table_replaces_the_whole_table(void) {
  char path[RS_PATH_MAX];
  rs_error err = {{0}};
  tp_write("table.cfg", "tables = {\n  rd_public = ( [1955.0, 0.003], (1990, 0.006) );\n};\n", path,
           sizeof path);
  rs_status st = rs_params_load(path, &p, &prov, &err);
  CHECK(st == RS_OK);
  if (st != RS_OK) fprintf(stderr, "%s\n", err.msg);
  const rs_table *t = &p.tables[RS_TAB_RDPUB];
  CHECK(t->n == 2 && t->t[1] == 1990.0 && t->v[1] == 0.006);
  CHECK(prov.table[RS_TAB_RDPUB].file == 0 && prov.table[RS_TAB_RDPUB].line == 2);
  rs_params_defaults(&def);
  CHECK(memcmp(&p.tables[RS_TAB_GF], &def.tables[RS_TAB_GF], sizeof def.tables[0]) == 0);
}

static void a_cross_constraint_names_the_line_of_the_setting(void) {
  char path[RS_PATH_MAX];
  rs_error err = {{0}};
  tp_write("span.cfg", "span = {\n  start = 1960.0;\n  end = 1959.0;\n};\n", path, sizeof path);
  CHECK(rs_params_load(path, &p, NULL, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "span.cfg:3: setting 'span.end' = 1959 must be later than");
  tp_write("gmax.cfg", "asia = {\n  G_max = 1.0;\n};\ninitial = { G = 2.0; };\n", path,
           sizeof path);
  CHECK(rs_params_load(path, &p, NULL, &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "gmax.cfg:4: setting 'initial.G'");
}

static void the_libconfig_version_is_the_one_linked(void) {
  CHECK_STR_CONTAINS(rs_params_libconfig_version(), "libconfig 1.");
}

int main(void) {
  RUN(a_scenario_changes_only_what_it_sets);
  RUN(provenance_points_at_the_file_and_line_that_set_each_value);
  RUN(a_chain_of_three_files_applies_the_deepest_base_first);
  RUN(a_cycle_of_bases_is_an_error_naming_the_files);
  RUN(a_file_that_is_its_own_base_is_a_cycle);
  RUN(a_chain_longer_than_the_limit_is_an_error);
  RUN(a_missing_file_is_an_io_error);
  RUN(a_missing_base_is_an_io_error_at_the_line_naming_it);
  RUN(the_manifest_group_is_ignored);
  RUN(an_integer_reads_as_a_float_and_a_float_as_an_integral_int);
  RUN(making_an_event_a_step_drops_its_end);
  RUN(a_new_step_event_needs_no_end);
  RUN(a_table_replaces_the_whole_table);
  RUN(a_cross_constraint_names_the_line_of_the_setting);
  RUN(the_libconfig_version_is_the_one_linked);
  return CHECK_DONE();
}
