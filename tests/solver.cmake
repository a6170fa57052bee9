# tests/solver.cmake -- the SUNDIALS wrapper on problems with known answers (tests/test_solver.c) and
# every method against a tight BDF reference on the model (tests/test_methods.c).
relsim_test(test_solver SOURCES test_solver.c LIBS rs_solver m)
relsim_test(test_methods SOURCES test_methods.c LIBS rs_calib)
