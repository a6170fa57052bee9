#!/usr/bin/env bash
# scripts/calibrate.sh -- what a user runs to calibrate relsim against the paper's figures:
# set up and build, calibrate the free parameters (params/free.cfg) of params/baseline.cfg to
# the paper's figures (params/targets.cfg) and external data (params/targets/data.cfg), re-run
# the baseline with the calibrated values and draw the figures.
#   out/calibration/        fit.md, fit.csv, parameters.csv, profiles.csv, calibrated.cfg, plots/
#   out/baseline/           the calibrated baseline run: series.csv, manifest.cfg, plots/
# With --ship, also copy the calibrated scenario to params/calibrated.cfg (what the default run
# and the scenarios use) and the report figures to docs/figures/ for the README.
# Extra arguments go to relsim calibrate (e.g. --starts 32 --threads 2).
set -euo pipefail
cd "$(dirname "$0")/.."
ship=0
args=()
for a in "$@"; do
  if [ "$a" = "--ship" ]; then ship=1; else args+=("$a"); fi
done
RELSIM_BUILD_TARGET=relsim scripts/setup.sh
start=$(date +%s.%N)
# Both target files, explicitly: the paper's figures and the external data (the same command
# line as the test cli_the_shipped_calibration_is_reproduced; add --paper-only to fit the
# paper's figures alone). The multi-start includes the shipped optimum (--start): a model that
# nests the previous one can never report a worse optimum. Then the profiles of the parameters
# that decide the counterfactuals (the erosion of ties, the relief the Asian network gives, the
# R&D effect, the accelerator), each with what no_regionalization changes at every point:
# fit.md, profiles.csv, plots/profiles.
build/relsim calibrate params/baseline.cfg --targets params/targets.cfg --targets params/targets/data.cfg \
  --start params/calibrated.cfg --starts 8 --free params/free.cfg -o out/calibration \
  --profile ties.kappa_e,ties.omega_s,tfp.eta,investment.sigma_g "${args[@]+"${args[@]}"}"
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "calibrate.sh: calibration wall time %.1f s\n", b - a }'
if [ "$ship" = 1 ]; then
  # The calibrated scenario names its base relative to out/calibration; re-base it on params/.
  sed -e 's|^base = ".*";|base = "baseline.cfg";|' out/calibration/calibrated.cfg \
    >params/calibrated.cfg
  # The report's figures replace the shipped ones: a figure the report no longer draws (an
  # indicator without targets now) must not stay behind.
  mkdir -p docs/figures/calibration
  rm -f docs/figures/calibration/*.png
  cp out/calibration/plots/*.png docs/figures/calibration/
  sed -e 's|](plots/|](figures/calibration/|g' out/calibration/fit.md >docs/fit.md
  echo "calibrate.sh: shipped params/calibrated.cfg, docs/fit.md and docs/figures/calibration/"
  build/relsim run params/calibrated.cfg -o out/baseline
else
  build/relsim run out/calibration/calibrated.cfg -o out/baseline
fi
