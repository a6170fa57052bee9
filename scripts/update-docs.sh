#!/usr/bin/env bash
# scripts/update-docs.sh -- regenerate what the documentation shows from the code: the registry
# tables in docs/parameters.md (`relsim params --format markdown`; a test fails when they are
# out of date) and the baseline figure of the README.
set -euo pipefail
cd "$(dirname "$0")/.."
doc=docs/parameters.md
tables=$(build/relsim params --format markdown)
awk -v tables="$tables" '
  /<!-- BEGIN relsim params -->/ { print; print tables; skip = 1; next }
  /<!-- END relsim params -->/ { skip = 0 }
  !skip' "$doc" >"$doc.tmp"
mv "$doc.tmp" "$doc"
echo "updated $doc"
# The baseline figure shown in the README.
build/relsim run params/calibrated.cfg -o build/docs-baseline -q
cp build/docs-baseline/plots/overview.png docs/figures/baseline_overview.png
echo "updated docs/figures/baseline_overview.png"
