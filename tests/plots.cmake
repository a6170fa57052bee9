# tests/plots.cmake -- tests of the figures module (plots/): scripts, labels, paper figures,
# images made by gnuplot when it is installed, and runs without gnuplot or with a broken one.
relsim_test(test_plots SOURCES test_plots.c LIBS rs_plots m)
