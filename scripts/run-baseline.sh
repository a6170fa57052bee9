#!/usr/bin/env bash
# scripts/run-baseline.sh -- set everything up and run the baseline scenario: the main job.
# Writes out/baseline/series.csv, manifest.cfg and plots/ (PNG + PDF + .gp scripts).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build/relsim run params/baseline.cfg -o out/baseline "$@"
