#!/usr/bin/env bash
# scripts/regenerate-golden.sh -- deliberately replace the golden baseline series that the test
# cli_baseline_matches_the_golden_series compares against (the calibrated baseline,
# params/calibrated.cfg). Run it only when a change of the
# model, its defaults or the solver settings is intended, and say why in the commit message.
set -euo pipefail
cd "$(dirname "$0")/.."
build/relsim run params/calibrated.cfg -o build/golden --no-plots -q
mkdir -p tests/data/golden
cp build/golden/series.csv tests/data/golden/baseline_series.csv
echo "tests/data/golden/baseline_series.csv regenerated; review: git diff --stat"
