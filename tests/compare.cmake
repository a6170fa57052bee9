# tests/compare.cmake -- the comparison of scenarios (compare/): every shipped scenario loads
# and runs to 2025, the scenarios do what their files say, compare.csv and compare.md have the
# promised layout, results do not depend on the thread count, the JCER forecast comes from its
# data file (test_compare.c); and the relsim compare command end to end (test_compare.sh).
relsim_test(test_compare SOURCES test_compare.c LIBS rs_compare)

foreach(t compare_writes_tables_series_and_figures
          compare_help_and_usage_errors
          an_unknown_scenario_file_exits_2_naming_it
          a_bad_setting_exits_2_with_file_and_line
          a_missing_default_forecast_gives_one_warning_and_no_forecast
          a_named_forecast_file_must_exist_and_be_well_formed
          without_gnuplot_tables_and_scripts_are_written_with_one_warning
          the_figure_scripts_rerun_standalone)
  add_test(NAME compare_cli_${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_compare.sh ${t}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(compare_cli_${t} PROPERTIES TIMEOUT 300
    ENVIRONMENT "RELSIM=$<TARGET_FILE:relsim>;RELSIM_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/tmp")
endforeach()
