#!/usr/bin/env bash
# scripts/compare.sh -- the counterfactual comparison a user runs: every scenario of
# params/scenarios/ against the calibrated baseline, projected to 2025, with uncertainty bands
# over the parameter sets that fit the paper about as well as the best one.
#   out/compare/   compare.md, compare.csv, plots/, one series.csv per scenario
# Extra arguments go to relsim compare (e.g. --band-points 3, or no band: --no-band).
set -euo pipefail
cd "$(dirname "$0")/.."
band=(--band)
args=()
for a in "$@"; do
  if [ "$a" = "--no-band" ]; then band=(); else args+=("$a"); fi
done
RELSIM_BUILD_TARGET=relsim scripts/setup.sh
build/relsim compare params/calibrated.cfg params/scenarios/*.cfg --to 2025 "${band[@]+"${band[@]}"}" \
  -o out/compare "${args[@]+"${args[@]}"}"
