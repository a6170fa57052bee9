# tests/model.cmake -- the equations of relsim and a model run (tests/test_model.c).
relsim_test(test_model SOURCES test_model.c LIBS rs_sim m)
