# tests/posterior.cmake -- the posterior: priors, the sampler on known posteriors, diagnostics,
# determinism and resume (test_posterior.c); the command end to end (test_posterior.sh).
relsim_test(test_posterior SOURCES test_posterior.c LIBS rs_posterior)
foreach(t posterior_writes_chains_summary_scenario_and_figures
          posterior_draws_do_not_depend_on_the_thread_count
          posterior_sigterm_leaves_a_checkpoint_and_resume_gives_the_same_bytes
          posterior_bad_priors_are_named_by_file_and_line)
  add_test(NAME cli_${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_posterior.sh ${t}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli_${t} PROPERTIES TIMEOUT 300
    ENVIRONMENT "RELSIM=$<TARGET_FILE:relsim>;RELSIM_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/tmp")
endforeach()
