#!/usr/bin/env bash
# scripts/fuzz.sh -- run the libFuzzer harness of every loader (tests/fuzz/fuzz_loader.c) on the
# committed corpus under tests/fuzz/corpus/LOADER/, SECONDS each (default 3600: an hour).
#   scripts/fuzz.sh            an hour per loader (params, targets, free, series, forecast)
#   scripts/fuzz.sh 30 params  30 s, the parameter-file loader only
# Builds with clang, ASan+UBSan and libFuzzer into build/fuzz (installs clang when missing).
# New inputs go to a scratch corpus under build/fuzz/corpus (the committed one is only read);
# a crash, leak (libconfig's own are suppressed: tests/lsan.supp) or a hang of more than 10 s
# stops the loader with its input saved as build/fuzz/crash-LOADER-*, and the script fails.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3600}
shift || true
loaders=("$@")
((${#loaders[@]})) || loaders=(params targets free series forecast)
if ! command -v clang >/dev/null; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "fuzz: installing clang"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends clang >/dev/null
fi
CC=clang cmake -S . -B build/fuzz -DRELSIM_FUZZ=ON -DRELSIM_WERROR=ON -DBUILD_TESTING=OFF \
  ${RELSIM_CMAKE_ARGS:-} >/dev/null
cmake --build build/fuzz -j"$(nproc)" --target $(printf 'fuzz_%s ' "${loaders[@]}") >/dev/null
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
for l in "${loaders[@]}"; do
  scratch=build/fuzz/corpus/$l
  mkdir -p "$scratch"
  if build/fuzz/fuzz_"$l" "$scratch" "tests/fuzz/corpus/$l" -max_total_time="$seconds" \
    -max_len=65536 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="build/fuzz/crash-$l-" >"build/fuzz/$l.log" 2>&1; then
    echo "fuzz: $l: $(grep -o 'stat::number_of_executed_units: [0-9]*' "build/fuzz/$l.log" | \
      grep -o '[0-9]*') inputs in ${seconds} s, no finding"
  else
    echo "fuzz: $l: FINDING (build/fuzz/$l.log):" >&2
    grep -E 'ERROR|SUMMARY|Test unit written' "build/fuzz/$l.log" | head -5 >&2
    status=1
  fi
done
exit $status
