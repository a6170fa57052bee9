# tests/util.cmake -- the shared helpers of util/ that other modules read files with: splitting
# CSV lines and parsing numbers (test_util.c).
relsim_test(test_util SOURCES test_util.c LIBS rs_util)
