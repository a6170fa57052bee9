#!/usr/bin/env bash
# scripts/run-baseline.sh -- set everything up and run the baseline scenario: the main job.
# The baseline is the calibrated scenario params/calibrated.cfg (params/baseline.cfg with the
# fitted values of scripts/calibrate.sh on top).
# Writes out/baseline/series.csv, manifest.cfg and plots/ (PNG + PDF + .gp scripts).
set -euo pipefail
cd "$(dirname "$0")/.."
RELSIM_BUILD_TARGET=relsim scripts/setup.sh
build/relsim run params/calibrated.cfg -o out/baseline "$@"
