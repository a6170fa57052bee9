#!/usr/bin/env bash
# scripts/test.sh -- set everything up and pass the tests: the command CI runs (.ci/run).
# Builds with warnings as errors, checks the formatting of every C file, runs the CTest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
RELSIM_WERROR=ON scripts/setup.sh
echo "test: clang-format check"
git ls-files -z '*.c' '*.h' 2>/dev/null | xargs -0 -r clang-format --dry-run -Werror
ctest --test-dir build --output-on-failure -j"$(nproc)"
