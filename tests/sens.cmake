# tests/sens.cmake -- sensitivity analysis and ensembles (sens/; test_sens.c, test_sens.sh).
relsim_test(test_sens SOURCES test_sens.c LIBS rs_sens)
# The command line: outputs and errors; and, when relsim is built with MPI, the same bytes from
# `mpirun -n 2` as from one process (test_sens_mpi).
add_test(NAME test_sens_cli COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_sens.sh
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(test_sens_cli PROPERTIES TIMEOUT 300
  ENVIRONMENT "RELSIM=$<TARGET_FILE:relsim>;RELSIM_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/tmp/cli")
if(MPI_C_FOUND)
  add_test(NAME test_sens_mpi COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_sens.sh mpi
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(test_sens_mpi PROPERTIES TIMEOUT 300
    ENVIRONMENT "RELSIM=$<TARGET_FILE:relsim>;RELSIM_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/tmp/mpi;RELSIM_MPIEXEC=${MPIEXEC_EXECUTABLE}")
endif()
add_dependencies(test_sens relsim)
