#!/usr/bin/env bash
# scripts/test.sh -- set everything up and pass the tests: the command CI runs (.ci/run).
# 1. builds with warnings as errors, checks the formatting of every C file, runs the CTest suite;
# 2. builds again with AddressSanitizer and UBSan (leak checking on; libconfig's own leaks are
#    suppressed by tests/lsan.supp) and runs the whole suite a second time;
# 3. runs each loader's libFuzzer harness for RELSIM_FUZZ_SECONDS (default 20) on the committed
#    corpus (scripts/fuzz.sh; an hour each with no argument);
# 4. builds with clang (warnings as errors) and runs the suite (the golden series within 1e-5:
#    another compiler rounds differently).
# RELSIM_TEST_QUICK=1 stops after step 1 (for a quick check while developing).
set -euo pipefail
cd "$(dirname "$0")/.."
RELSIM_WERROR=ON scripts/setup.sh
echo "test: clang-format check"
git ls-files -z '*.c' '*.h' 2>/dev/null | xargs -0 -r clang-format --dry-run -Werror
ctest --test-dir build --output-on-failure -j"$(nproc)"
[ "${RELSIM_TEST_QUICK:-0}" = 1 ] && exit 0

# The other builds use the same dependencies as the first (scripts/setup.sh may add CMake
# arguments for them in build/cmake-args).
extra_args=()
[ -s build/cmake-args ] && read -r -a extra_args <build/cmake-args
# (clang, for the fuzz harnesses and the clang build, is installed by scripts/fuzz.sh)

echo "test: the suite under AddressSanitizer and UBSan"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRELSIM_SANITIZE=ON \
  -DRELSIM_WERROR=ON "${extra_args[@]+"${extra_args[@]}"}" >/dev/null
cmake --build build/asan -j"$(nproc)" >/dev/null
LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp" UBSAN_OPTIONS="print_stacktrace=1" \
  ctest --test-dir build/asan --output-on-failure -j"$(nproc)" -E '^test_sens_mpi$'
# Under mpirun, OpenMPI's plugins leak at MPI_Finalize and are unloaded before LeakSanitizer
# reports, so their frames have no name a suppression could match: that test runs with
# AddressSanitizer and UBSan but without leak checking.
ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS="print_stacktrace=1" \
  ctest --test-dir build/asan --output-on-failure -R '^test_sens_mpi$'

echo "test: the loaders' fuzz harnesses, ${RELSIM_FUZZ_SECONDS:-20} s each"
RELSIM_CMAKE_ARGS="${extra_args[*]+"${extra_args[*]}"}" scripts/fuzz.sh "${RELSIM_FUZZ_SECONDS:-20}"

echo "test: a clang build and its suite"
CC=clang cmake -S . -B build/clang -DRELSIM_WERROR=ON "${extra_args[@]+"${extra_args[@]}"}" \
  >/dev/null
cmake --build build/clang -j"$(nproc)" >/dev/null
# test_calib's profile check (the far end of a profile moves the other parameters) pins GCC's
# rounding of the complex-step Jacobian; it runs in the two builds above.
RELSIM_GOLDEN_REL=1e-5 ctest --test-dir build/clang --output-on-failure -j"$(nproc)" \
  -E '^test_calib$'
