#!/usr/bin/env bash
# scripts/update-docs.sh -- regenerate the registry tables in docs/parameters.md from
# `relsim params --format markdown` (a test fails when they are out of date).
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
