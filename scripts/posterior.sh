#!/usr/bin/env bash
# scripts/posterior.sh -- the Bayesian calibration and the thesis as a probability:
#   1. relsim posterior: the posterior of the free parameters of params/free.cfg (and the misfit
#      scale) given the paper's figures and the data, warm-started from params/calibrated.cfg
#      -> out/posterior/ (chains.csv, summary.md, summary.csv, posterior.cfg, plots/)
#   2. relsim compare --posterior: no_regionalization on top of 1,000 draws, under the default
#      priors and, re-weighted, under the sceptical and the sympathetic prior on the erosion of
#      ties (params/priors/) -> out/compare-posterior/posterior*.md, posterior*.csv
#   3. with --ship: the summary and figures into docs/ (docs/posterior.md,
#      docs/figures/posterior/) and the README's "What the model says" refreshed
#      (scripts/update-readme.sh)
# Extra arguments go to relsim posterior (e.g. --samples 500 for a quick look).
set -euo pipefail
cd "$(dirname "$0")/.."
ship=0
args=()
for a in "$@"; do
  if [ "$a" = "--ship" ]; then ship=1; else args+=("$a"); fi
done
RELSIM_BUILD_TARGET=relsim scripts/setup.sh
build/relsim posterior params/baseline.cfg -o out/posterior "${args[@]+"${args[@]}"}"
build/relsim compare params/calibrated.cfg params/scenarios/no_regionalization.cfg --to 2025 \
  --posterior out/posterior --prior-file params/priors/kappa_e_sceptical.cfg \
  --prior-file params/priors/kappa_e_sympathetic.cfg -o out/compare-posterior
if [ "$ship" = 1 ]; then
  mkdir -p docs/figures/posterior
  rm -f docs/figures/posterior/*
  cp out/posterior/plots/*.png out/posterior/plots/*.pdf out/posterior/plots/*.gp docs/figures/posterior/
  sed -e 's|`plots/`|[figures](figures/posterior/)|' out/posterior/summary.md >docs/posterior.md
  {
    echo
    echo '![trace](figures/posterior/trace.png)'
    echo
    echo '![marginals](figures/posterior/marginals.png)'
    echo
    echo '![pairs](figures/posterior/pairs.png)'
  } >>docs/posterior.md
  scripts/update-readme.sh
fi
