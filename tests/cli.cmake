# tests/cli.cmake -- end-to-end tests of the relsim program (tests/test_cli.sh).
foreach(t help_and_version_succeed
          baseline_run_writes_csv_manifest_and_plots
          baseline_matches_the_golden_series
          two_runs_give_byte_identical_outputs
          the_manifest_reproduces_the_run
          run_to_2025_extends_the_series
          bad_input_exits_2_with_a_precise_message
          failed_run_exits_1_and_keeps_earlier_results
          without_gnuplot_the_csv_and_scripts_are_still_written
          the_shipped_calibration_is_reproduced
          calibrate_errors_name_the_file_and_line
          calibrate_uses_both_target_files_and_paper_only_drops_the_data
          calibrate_reports_errors_across_target_files
          calibrate_a_start_file_is_one_more_start_and_never_loses_its_cost
          calibrate_interrupted_keeps_the_best_point_so_far
          calibrate_with_profiles_writes_the_table_csv_and_figure
          calibrate_profile_errors_name_the_parameter_or_file
          compare_bands_bracket_the_differences
          compare_band_takes_target_files_and_paper_only
          docs_parameters_md_matches_the_registry
          the_new_model_with_its_new_terms_at_zero_reproduces_relsim_0_1
          the_calibrated_history_has_the_shape_of_japans
          bench_reports_runs_per_second)
  add_test(NAME cli_${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_cli.sh ${t}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli_${t} PROPERTIES TIMEOUT 300
    ENVIRONMENT "RELSIM=$<TARGET_FILE:relsim>;RELSIM_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/tmp")
endforeach()
