/* tests/test_params_set.c -- command-line overrides (--set NAME=VALUE): scalars by full or bare
 * name, enums by word, event fields, provenance "--set", and errors that name the override. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "params.h"

static rs_params p;
static rs_provenance prov;

static void fresh(void) {
  rs_params_defaults(&p);
  rs_provenance_init(&prov);
}

static rs_status set(const char *a, rs_error *err) {
  memset(err, 0, sizeof *err);
  return rs_params_set(&p, &prov, a, err);
}

static void setting_a_scalar_by_its_full_name_changes_it_and_records_set(void) {
  rs_error err;
  fresh();
  CHECK(set("tfp.lambda=0.05", &err) == RS_OK);
  CHECK(p.v[RS_P_LAMBDA] == 0.05);
  CHECK(prov.scalar[RS_P_LAMBDA].file == RS_ORIGIN_SET);
  CHECK(prov.scalar[RS_P_ETA].file == RS_ORIGIN_DEFAULT);
  CHECK(rs_params_validate(&p, &err) == RS_OK);
}

static void setting_a_unique_bare_name_finds_its_group(void) {
  rs_error err;
  fresh();
  CHECK(set("kappa_e=2.5", &err) == RS_OK);
  CHECK(p.v[RS_P_KAPPA_E] == 2.5);
}

static void setting_an_enum_takes_a_word(void) {
  rs_error err;
  fresh();
  CHECK(set("solver.method=adams", &err) == RS_OK);
  CHECK(p.v[RS_P_SOLVER_METHOD] == 1.0);
  CHECK(set("solver.method=euler", &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg,
                     "--set solver.method=euler: setting 'solver.method' = \"euler\" is not one "
                     "of: bdf, adams");
}

static void setting_an_integer_needs_an_integral_value(void) {
  rs_error err;
  fresh();
  CHECK(set("solver.max_steps=20000", &err) == RS_OK);
  CHECK(p.v[RS_P_SOLVER_MAX_STEPS] == 20000.0);
  CHECK(set("solver.max_steps=2.5e2", &err) == RS_OK);
  CHECK(set("solver.max_steps=100.5", &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "setting 'solver.max_steps' expects an integer (steps), found 100.5");
}

static void an_unknown_name_is_named_with_a_suggestion(void) {
  rs_error err;
  fresh();
  CHECK(set("tfp.lamda=0.05", &err) == RS_ERR_INPUT);
  CHECK(strcmp(err.msg,
               "--set tfp.lamda=0.05: unknown setting 'tfp.lamda'; did you mean 'tfp.lambda'?") ==
        0);
  CHECK(set("lamda=0.05", &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "did you mean 'tfp.lambda'?");
}

static void a_value_out_of_bounds_is_refused_with_the_bounds(void) {
  rs_error err;
  fresh();
  CHECK(set("tfp.lambda=5", &err) == RS_ERR_INPUT);
  CHECK(strcmp(err.msg,
               "--set tfp.lambda=5: setting 'tfp.lambda' = 5 is outside its bounds [0.01, 0.2] "
               "(1/yr)") == 0);
  CHECK(p.v[RS_P_LAMBDA] == 0.04); /* unchanged */
  CHECK(prov.scalar[RS_P_LAMBDA].file == RS_ORIGIN_DEFAULT);
}

static void a_value_that_is_not_a_number_is_refused(void) {
  rs_error err;
  fresh();
  CHECK(set("tfp.lambda=fast", &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "setting 'tfp.lambda' expects a number (1/yr), found 'fast'");
  CHECK(set("tfp.lambda=0.05x", &err) == RS_ERR_INPUT);
  CHECK(set("tfp.lambda=nan", &err) == RS_ERR_INPUT);
  CHECK(set("tfp.lambda", &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "--set tfp.lambda: expected NAME=VALUE");
  CHECK(set("=0.05", &err) == RS_ERR_INPUT);
  CHECK(set("tfp.lambda=", &err) == RS_ERR_INPUT);
}

static void an_event_field_is_set_by_event_or_events(void) {
  rs_error err;
  fresh();
  int b = rs_params_find_event(&p, "bubble");
  CHECK(set("event.bubble.enabled=false", &err) == RS_OK);
  CHECK(!p.events[b].enabled);
  CHECK(prov.event[b][RS_EF_ENABLED].file == RS_ORIGIN_SET);
  CHECK(prov.event[b][RS_EF_START].file == RS_ORIGIN_DEFAULT);
  CHECK(set("events.bubble.enabled=1", &err) == RS_OK);
  CHECK(p.events[b].enabled);
  CHECK(set("event.bubble.start=1987.5", &err) == RS_OK);
  CHECK(p.events[b].start == 1987.5);
  CHECK(set("event.bubble.magnitude=2", &err) == RS_OK);
  CHECK(p.events[b].magnitude == 2.0);
  CHECK(set("event.bubble.channel=burst", &err) == RS_ERR_INPUT); /* 2 > burst's bound 1 */
  CHECK_STR_CONTAINS(err.msg, "magnitude 2 is outside the bounds [0, 1] of channel 'burst'");
  CHECK(p.events[b].channel == RS_CH_BUBBLE);
  CHECK(rs_params_validate(&p, &err) == RS_OK);
}

static void making_an_event_a_step_clears_its_end_and_end_none_clears_it_too(void) {
  rs_error err;
  fresh();
  int e = rs_params_find_event(&p, "oil1");
  CHECK(set("event.oil1.shape=step", &err) == RS_OK);
  CHECK(p.events[e].shape == RS_SHAPE_STEP && isnan(p.events[e].end));
  CHECK(prov.event[e][RS_EF_END].file == RS_ORIGIN_SET);
  CHECK(rs_params_validate(&p, &err) == RS_OK);
  CHECK(set("event.oil1.end=1976", &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "event 'oil1' is a step, which has no end");
  CHECK(set("event.oil1.shape=pulse", &err) == RS_OK);
  CHECK(set("event.oil1.end=1976", &err) == RS_OK);
  CHECK(p.events[e].end == 1976.0);
  CHECK(rs_params_validate(&p, &err) == RS_OK);
  CHECK(set("event.oil1.end=none", &err) == RS_OK);
  CHECK(isnan(p.events[e].end));
  CHECK(rs_params_validate(&p, &err) == RS_ERR_INPUT); /* a pulse needs an end */
}

static void unknown_events_fields_shapes_and_channels_are_named(void) {
  rs_error err;
  fresh();
  CHECK(set("event.oil3.enabled=false", &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg,
                     "--set event.oil3.enabled=false: unknown event 'oil3'; did you "
                     "mean 'oil1'?");
  CHECK(set("event.oil1.magnitdue=0.1", &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "unknown field 'magnitdue'; did you mean 'magnitude'?");
  CHECK(set("event.oil1.shape=plse", &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "unknown shape 'plse'; did you mean 'pulse'?");
  CHECK(set("event.oil1.channel=yne", &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "unknown channel 'yne'; did you mean 'yen'?");
  CHECK(set("event.oil1.enabled=maybe", &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "'enabled' expects true, false, 1 or 0, found 'maybe'");
  CHECK(set("event.oil1=1", &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "expected event.NAME.FIELD=VALUE");
}

static void a_table_cannot_be_set_on_the_command_line(void) {
  rs_error err;
  fresh();
  CHECK(set("g_f=0.01", &err) == RS_ERR_INPUT);
  CHECK_STR_CONTAINS(err.msg, "table 'g_f' cannot be set on the command line");
}

int main(void) {
  RUN(setting_a_scalar_by_its_full_name_changes_it_and_records_set);
  RUN(setting_a_unique_bare_name_finds_its_group);
  RUN(setting_an_enum_takes_a_word);
  RUN(setting_an_integer_needs_an_integral_value);
  RUN(an_unknown_name_is_named_with_a_suggestion);
  RUN(a_value_out_of_bounds_is_refused_with_the_bounds);
  RUN(a_value_that_is_not_a_number_is_refused);
  RUN(an_event_field_is_set_by_event_or_events);
  RUN(making_an_event_a_step_clears_its_end_and_end_none_clears_it_too);
  RUN(unknown_events_fields_shapes_and_channels_are_named);
  RUN(a_table_cannot_be_set_on_the_command_line);
  return CHECK_DONE();
}
