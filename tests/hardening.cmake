# tests/hardening.cmake -- results never mixed or lost, every input bounded (tests/test_hardening.sh).
foreach(t a_failed_run_leaves_the_earlier_folder_whole
          only_relsims_own_folders_are_replaced
          concurrent_writers_never_mix_a_folder
          a_full_disk_leaves_the_earlier_folder_or_nothing
          an_unwritable_folder_is_a_clear_error
          compare_interrupted_leaves_the_earlier_folder_whole
          kill_at_random_leaves_an_old_or_a_new_folder
          only_regular_files_are_read
          input_files_are_capped_in_size
          a_nul_byte_in_a_series_is_an_error
          integers_beyond_32_bits_are_refused
          include_resolves_against_the_including_file
          a_newline_in_a_file_name_keeps_the_manifest_loadable
          events_are_validated_and_close_edges_merged
          set_values_parse_like_file_values
          calibration_errors_say_why
          outputs_are_byte_identical_and_threads_capped)
  add_test(NAME hard_${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_hardening.sh ${t}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(hard_${t} PROPERTIES TIMEOUT 300
    ENVIRONMENT "RELSIM=$<TARGET_FILE:relsim>;RELSIM_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/tmp")
endforeach()
