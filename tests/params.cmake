# tests/params.cmake -- tests of params/: loading files and chains of bases, error messages,
# --set overrides, writing complete and scenario files, and the shipped params/baseline.cfg.
foreach(area load errors set write baseline)
  relsim_test(test_params_${area} SOURCES test_params_${area}.c test_params_common.c
              LIBS rs_params)
endforeach()
