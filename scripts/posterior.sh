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
# --reuse skips step 1 when out/posterior/chains.csv exists (a finished posterior).
# Extra arguments go to relsim posterior (e.g. --samples 500 for a quick look; the shipped
# posterior: --samples 2500 --thin 8).
set -euo pipefail
cd "$(dirname "$0")/.."
ship=0
reuse=0
args=()
for a in "$@"; do
  case "$a" in
    --ship) ship=1 ;;
    --reuse) reuse=1 ;;
    *) args+=("$a") ;;
  esac
done
RELSIM_BUILD_TARGET=relsim scripts/setup.sh
if [ "$reuse" = 0 ] || [ ! -f out/posterior/chains.csv ]; then
  build/relsim posterior params/baseline.cfg -o out/posterior "${args[@]+"${args[@]}"}"
fi
build/relsim compare params/calibrated.cfg params/scenarios/no_regionalization.cfg --to 2025 \
  --posterior out/posterior --prior-file params/priors/kappa_e_sceptical.cfg \
  --prior-file params/priors/kappa_e_sympathetic.cfg -o out/compare-posterior
if [ "$ship" = 1 ]; then
  mkdir -p docs/figures/posterior
  rm -f docs/figures/posterior/*.png
  cp out/posterior/plots/*.png out/compare-posterior/plots/fan_no_regionalization.png \
    docs/figures/posterior/
  sed -e 's|`plots/`|[figures](figures/posterior/)|' out/posterior/summary.md >docs/posterior.md
  {
    echo
    echo '![trace](figures/posterior/trace.png)'
    echo
    echo '![marginals](figures/posterior/marginals.png)'
    echo
    echo '![pairs](figures/posterior/pairs.png)'
    echo
    echo '## Without regionalization, over the draws'
    echo
    sed -n '/^## no_regionalization/,$p' out/compare-posterior/posterior.md | tail -n +2
    echo
    echo '![fan chart](figures/posterior/fan_no_regionalization.png)'
  } >>docs/posterior.md
  scripts/update-readme.sh
fi
