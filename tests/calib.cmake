# tests/calib.cmake -- the calibration (test_calib.c), its bounded least-squares solver
# (test_lsq.c) and its report (calib_report.cmake).
relsim_test(test_calib SOURCES test_calib.c LIBS rs_calib)
relsim_test(test_lsq SOURCES test_lsq.c LIBS rs_calib)
include(${CMAKE_CURRENT_SOURCE_DIR}/calib_report.cmake OPTIONAL)
