# tests/targets.cmake -- tests of targets/: the shipped params/targets.cfg against TARGETS.md, the
# residual of every kind of target on hand-made runs, exact derivatives against central
# differences, file:line errors in target and series files (fixtures in tests/data/targets/).
relsim_test(test_targets SOURCES test_targets.c LIBS rs_targets m)
# The numbers taken from published tables (registry tables and initial values, data targets and
# their series) recomputed from the extracts they cite (params/data/).
relsim_test(test_data SOURCES test_data.c LIBS rs_targets m)
