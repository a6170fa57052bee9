# tests/posterior.cmake -- the posterior: priors, the sampler on known posteriors, diagnostics,
# determinism and resume (test_posterior.c); the command end to end (test_posterior.sh).
relsim_test(test_posterior SOURCES test_posterior.c LIBS rs_posterior)
