# tests/calib_report.cmake -- the calibration report (calib/report.c): every file written from a
# hand-made result, calibrated.cfg loading back bit for bit, CSV quoting, fit.md contents,
# images with gnuplot and none without, byte-identical rewrites (fixture in tests/data/calib/).
relsim_test(test_calib_report SOURCES test_calib_report.c LIBS rs_calib)
