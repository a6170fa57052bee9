# tests/solver.cmake -- the CVODES wrapper on problems with known answers (tests/test_solver.c).
relsim_test(test_solver SOURCES test_solver.c LIBS rs_solver m)
