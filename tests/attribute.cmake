# tests/attribute.cmake -- the Shapley attribution and `relsim attribute` (test_attribute.c;
# fixtures in tests/data/attribute/). The program must be built first: it is run by the test.
relsim_test(test_attribute SOURCES test_attribute.c LIBS rs_compare)
add_dependencies(test_attribute relsim)
