# tests/calib.cmake -- the calibration (test_calib.c) and its report (calib_report.cmake).
relsim_test(test_calib SOURCES test_calib.c LIBS rs_calib)
include(${CMAKE_CURRENT_SOURCE_DIR}/calib_report.cmake OPTIONAL)
