/* tests/test_params_errors.c -- every kind of mistake in a parameter file gives one line that
 * starts with "FILE:LINE: ", names the setting, and suggests the closest known name. */
#include <string.h>

#include "check.h"
#include "params.h"

/* from test_params_common.c */
int tp_write(const char *name, const char *text, char *path, size_t n);

static rs_params p;

/* Load text as the scratch file name; expect status want and a one-line message that starts
 * with "PATH:LINE: " and contains each of the needles (NULL-terminated). Returns the message
 * in err for further checks. */
static void expect(const char *name, const char *text, rs_status want, int line,
                   const char *const *needles, rs_error *err) {
  char path[RS_PATH_MAX], prefix[RS_PATH_MAX + 32];
  memset(err, 0, sizeof *err);
  tp_write(name, text, path, sizeof path);
  rs_status st = rs_params_load(path, &p, NULL, err);
  CHECK(st == want);
  if (st != want) fprintf(stderr, "  %s: status %d, message: %s\n", name, (int)st, err->msg);
  snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
  CHECK(strncmp(err->msg, prefix, strlen(prefix)) == 0);
  if (strncmp(err->msg, prefix, strlen(prefix)) != 0)
    fprintf(stderr, "  want prefix \"%s\" in: %s\n", prefix, err->msg);
  CHECK(strchr(err->msg, '\n') == NULL);
  for (; needles && *needles; needles++) CHECK_STR_CONTAINS(err->msg, *needles);
}

#define EXPECT(name, text, line, ...)                \
  do {                                               \
    const char *const n_[] = {__VA_ARGS__, NULL};    \
    rs_error e_;                                     \
    expect(name, text, RS_ERR_INPUT, line, n_, &e_); \
  } while (0)

static void an_unknown_setting_gives_file_line_and_did_you_mean(void) {
  EXPECT("unknown_setting.cfg", "# typo\ntfp = {\n  lamda = 0.05;\n};\n", 3,
         "unknown setting 'tfp.lamda'; did you mean 'tfp.lambda'?");
}

static void a_far_fetched_name_gets_no_suggestion(void) {
  rs_error err;
  const char *const needles[] = {"unknown setting 'tfp.zzzzzzzz'", NULL};
  expect("no_suggestion.cfg", "tfp = { zzzzzzzz = 1.0; };\n", RS_ERR_INPUT, 1, needles, &err);
  CHECK(strstr(err.msg, "did you mean") == NULL);
}

static void an_unknown_group_suggests_the_closest_group(void) {
  EXPECT("unknown_group.cfg", "\n\ntpf = { lambda = 0.05; };\n", 3,
         "unknown group 'tpf'; did you mean 'tfp'?");
}

static void a_setting_outside_its_group_says_where_it_belongs(void) {
  EXPECT("bare.cfg", "lambda = 0.05;\n", 1, "setting 'lambda' belongs in its group",
         "tfp = { lambda = ...; }");
}

static void an_unknown_table_is_named(void) {
  EXPECT("unknown_table.cfg", "tables = {\n  g_ff = ( [1955.0, 0.01] );\n};\n", 2,
         "unknown table 'g_ff'; did you mean 'g_f'?",
         "(tables: g_f, labor_growth, rd_public, rd_frontier)");
}

static void an_unknown_event_field_is_named(void) {
  EXPECT("unknown_field.cfg", "events = {\n  oil1 = {\n    magnitdue = 0.05;\n  };\n};\n", 3,
         "event 'oil1': unknown field 'magnitdue'; did you mean 'magnitude'?");
}

static void an_unknown_channel_is_named(void) {
  EXPECT("unknown_channel.cfg", "events = { oil1 = {\n  channel = \"tpf\"; }; };\n", 2,
         "event 'oil1': unknown channel 'tpf'; did you mean 'tfp'?", "channels: tfp, yen");
}

static void an_unknown_shape_is_named(void) {
  EXPECT("unknown_shape.cfg", "events = { oil1 = {\n  shape = \"plse\"; }; };\n", 2,
         "event 'oil1': unknown shape 'plse'; did you mean 'pulse'?",
         "(shapes: step, pulse, ramp, smooth_pulse)");
}

static void a_string_where_a_number_goes_is_a_type_error(void) {
  EXPECT("string_number.cfg", "tfp = {\n  lambda = \"fast\";\n};\n", 2,
         "setting 'tfp.lambda' expects a number (1/yr), found the string \"fast\"");
}

static void a_fraction_for_an_integer_is_a_type_error(void) {
  EXPECT("fraction.cfg", "solver = { max_steps = 10.5; };\n", 1,
         "setting 'solver.max_steps' expects an integer (steps), found 10.5");
}

static void an_unknown_enum_word_lists_the_choices(void) {
  EXPECT("enum_word.cfg", "solver = {\n  method = \"bfd\";\n};\n", 2,
         "setting 'solver.method' = \"bfd\" is not one of: bdf, adams, erk, auto; did you mean "
         "'bdf'?");
  EXPECT("enum_number.cfg", "solver = { method = 1; };\n", 1,
         "setting 'solver.method' expects one of the words bdf, adams", "found the number 1");
}

static void enabled_must_be_a_boolean(void) {
  EXPECT("enabled.cfg", "events = {\n  oil1 = { enabled = 1; };\n};\n", 2,
         "event 'oil1': 'enabled' expects true or false, found the number 1");
}

static void a_malformed_table_is_a_type_error(void) {
  EXPECT("table_point.cfg", "tables = { g_f = (\n  [1955.0, 0.01],\n  [1973.0] ); };\n", 3,
         "table 'g_f' point 2 expects [year, value] (two numbers), found an array");
  EXPECT("table_scalar.cfg", "tables = { g_f = 0.01; };\n", 1,
         "table 'g_f' expects a list of [year, value] points", "found the number 0.01");
  EXPECT("table_order.cfg", "tables = { g_f = (\n  [1973.0, 0.01],\n  [1955.0, 0.01] ); };\n", 3,
         "table 'g_f': years must increase, but point 2 (1955) follows 1973");
  EXPECT("table_bounds.cfg", "tables = { g_f = ( [1955.0, 0.5] ); };\n", 1,
         "table 'g_f' value 0.5 in 1955 is outside its bounds [-0.05, 0.1] (1/yr)");
}

static void a_table_point_mixing_integers_and_floats_explains_the_fix(void) {
  EXPECT("table_mixed.cfg", "tables = { g_f = ( [1955, 0.01] ); };\n", 1,
         "libconfig: mismatched element type in array", "[1990.0, 0.01]");
}

static void a_value_out_of_bounds_gives_the_bounds(void) {
  EXPECT("bounds.cfg", "tfp = {\n  eta = 0.5;\n  lambda = 5;\n};\n", 3,
         "setting 'tfp.lambda' = 5 is outside its bounds [0.01, 0.2] (1/yr)");
  EXPECT("magnitude.cfg", "events = { oil1 = {\n  magnitude = 0.9; }; };\n", 2,
         "event 'oil1': magnitude 0.9 is outside the bounds [-0.2, 0.2] of channel 'tfp' (1/yr)");
}

static void a_syntax_error_gives_libconfig_file_and_line(void) {
  EXPECT("syntax.cfg", "tfp = {\n  lambda = 0.05;\n  m = ;\n};\n", 3, "libconfig: syntax error");
  EXPECT("duplicate.cfg", "tfp = {\n  lambda = 0.05;\n  lambda = 0.06;\n};\n", 3,
         "libconfig: duplicate setting name");
}

static void a_new_event_missing_a_field_is_an_error(void) {
  EXPECT("new_event.cfg",
         "events = {\n  reform = {\n    shape = \"ramp\";\n    channel = \"reform\";\n"
         "    start = 1980.0;\n  };\n};\n",
         2, "new event 'reform' needs end, magnitude");
}

static void a_step_with_an_end_is_an_error(void) {
  EXPECT("step_end.cfg", "events = { plaza = {\n  end = 1990.0; }; };\n", 2,
         "event 'plaza': a step has no end");
  EXPECT("pulse_order.cfg", "events = { oil1 = {\n  start = 1976.0; }; };\n", 2,
         "event 'oil1': a pulse needs end > start (start = 1976, end = 1975)");
}

static void a_bad_event_name_is_an_error(void) {
  EXPECT("event_name.cfg", "events = {\n  Oil3 = { enabled = false; };\n};\n", 2,
         "event name 'Oil3' must be 1 to 31 characters of a-z, 0-9 and _");
}

static void a_base_that_is_not_a_string_is_an_error(void) {
  EXPECT("base_type.cfg", "# comment\nbase = 5;\n", 2,
         "'base' expects a file name in quotes, found the number 5");
}

static void a_group_given_a_value_is_a_type_error(void) {
  EXPECT("group_value.cfg", "tfp = 0.05;\n", 1, "'tfp' expects a group of settings");
  EXPECT("events_value.cfg", "events = 1;\n", 1, "'events' expects a group");
  EXPECT("event_value.cfg", "events = {\n  oil1 = true;\n};\n", 2, "event 'oil1' expects a group",
         "found the boolean true");
}

int main(void) {
  RUN(an_unknown_setting_gives_file_line_and_did_you_mean);
  RUN(a_far_fetched_name_gets_no_suggestion);
  RUN(an_unknown_group_suggests_the_closest_group);
  RUN(a_setting_outside_its_group_says_where_it_belongs);
  RUN(an_unknown_table_is_named);
  RUN(an_unknown_event_field_is_named);
  RUN(an_unknown_channel_is_named);
  RUN(an_unknown_shape_is_named);
  RUN(a_string_where_a_number_goes_is_a_type_error);
  RUN(a_fraction_for_an_integer_is_a_type_error);
  RUN(an_unknown_enum_word_lists_the_choices);
  RUN(enabled_must_be_a_boolean);
  RUN(a_malformed_table_is_a_type_error);
  RUN(a_table_point_mixing_integers_and_floats_explains_the_fix);
  RUN(a_value_out_of_bounds_gives_the_bounds);
  RUN(a_syntax_error_gives_libconfig_file_and_line);
  RUN(a_new_event_missing_a_field_is_an_error);
  RUN(a_step_with_an_end_is_an_error);
  RUN(a_bad_event_name_is_an_error);
  RUN(a_base_that_is_not_a_string_is_an_error);
  RUN(a_group_given_a_value_is_a_type_error);
  return CHECK_DONE();
}
