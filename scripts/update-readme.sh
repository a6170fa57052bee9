#!/usr/bin/env bash
# scripts/update-readme.sh -- refresh the generated parts of README.md from the shipped results:
# the calibration numbers (out/baseline/series.csv, a run of params/calibrated.cfg) and the fit
# table (docs/fit.md). Each part sits between <!-- BEGIN name --> and <!-- END name --> markers;
# the rest of the README is prose. Run it after scripts/calibrate.sh --ship.
set -euo pipefail
cd "$(dirname "$0")/.."
build/relsim run params/calibrated.cfg -o build/readme-baseline --no-plots -q
csv=build/readme-baseline/series.csv

# Column numbers by name (the header is the first line that is not a comment).
col() { grep -v '^#' "$csv" | head -1 | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
Ccol=$(col net_relational); Rcol=$(col R); ecol=$(col e); xcol=$(col closure)

numbers=$(awk -F, -v bc="$Ccol" -v rc="$Rcol" -v ec="$ecol" -v xc="$xcol" '
  /^#/ || $1 == "year" { next }
  { y = $1
    if (pbc != "" && pbc > 0 && $bc <= 0 && flip == "") flip = py "-" y
    if ($1 == 1985) r85 = $rc
    if ($1 == 2000) r00 = $rc
    d = $ec - $xc
    if (pd != "" && pd >= 0 && d < 0 && cross == "") cross = sprintf("%.1f", py + pd / (pd - d))
    pbc = $bc; pd = d; py = y }
  END {
    printf "* the net relational effect `B − C` turns from positive to negative in %s;\n", flip
    printf "* ties survive: `R(2000)/R(1985)` = %.3f (at least 0.9 asked);\n", r00 / r85
    printf "* the start-up rate falls below the closure rate in %s (the paper: 1990–94);\n", cross
  }' "$csv")
within=$(grep -m1 'modelled targets within scale' docs/fit.md | sed -e 's/.*| \([0-9]* of [0-9]*\) |$/\1/')
numbers="$numbers
* $within modelled figures of the paper are met within their scale (\`docs/fit.md\`)."

table=$(printf '| target | paper | model | r | within |\n|---|---|---:|---:|:-:|\n'
  sed -n '/^## Targets$/,/^### Figures of the paper not modelled/p' docs/fit.md |
    awk -F' \\| ' '/^\| `/ { sub(/^\| /, "", $1); printf "| %s | %s | %s | %s | %s |\n", $1, $3, $4, $5, $7 }')

replace() { # replace NAME TEXT: put TEXT between the markers of NAME in README.md
  awk -v name="$1" -v text="$2" '
    $0 == "<!-- BEGIN " name " -->" { print; print text; skip = 1; next }
    $0 == "<!-- END " name " -->" { skip = 0 }
    !skip' README.md >README.md.tmp
  mv README.md.tmp README.md
}
replace calibration-numbers "$numbers"
replace fit-table "$table"
echo "README.md: calibration numbers and fit table refreshed"
