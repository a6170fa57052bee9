#!/usr/bin/env bash
# scripts/update-readme.sh -- refresh the generated parts of README.md from the shipped results:
# the calibration numbers (a run of params/calibrated.cfg), the fit table (docs/fit.md) and "What
# the model says" (out/compare/compare.csv, written by scripts/compare.sh). Each part sits
# between <!-- BEGIN name --> and <!-- END name --> markers; the rest of the README is prose.
# Run it after scripts/calibrate.sh --ship and scripts/compare.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
build/relsim run params/calibrated.cfg -o build/readme-baseline --no-plots -q
csv=build/readme-baseline/series.csv

# Column numbers by name (the header is the first line that is not a comment). One awk, no
# pipe into head: with pipefail, grep killed by SIGPIPE when head exits stopped the script.
col() { awk -F, -v name="$1" '!/^#/ { for (i = 1; i <= NF; i++) if ($i == name) print i; exit }' "$csv"; }
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
    printf "* ties survive: `R(2000)/R(1985)` = %.3f (0.9 to 1.15 asked, with a scale of 0.05);\n", r00 / r85
    printf "* the start-up rate falls below the closure rate in %s (the paper: 1990–94);\n", cross
  }' "$csv")
# Targets within scale by origin, from the table of docs/fit.md (data ids are tagged "(data)").
counts=$(sed -n '/^## Targets$/,/^### Figures not modelled/p' docs/fit.md | awk -F' \\| ' '
  /^\| `/ { data = ($1 ~ /\(data\)/); n[data]++; if ($7 == "✓") w[data]++ }
  END { printf "%d %d %d %d", w[0], n[0], w[1], n[1] }')
read -r wpaper npaper wdata ndata <<<"$counts"
numbers="$numbers
* $wpaper of the $npaper modelled figures of the paper and $wdata of the $ndata data targets are met within
  their scale (\`docs/fit.md\`; the data targets tagged in the table below)."

# The history asked of relsim 0.2: the investment rate, GDP growth by decade against the data
# targets, the erosion of ties, an atomistic Japan and ties eroding twice as fast after 1991.
scol() { awk -F, -v name="$2" '!/^#/ { for (i = 1; i <= NF; i++) if ($i == name) print i; exit }' "$1"; }
inv=$(awk -F, -v sc="$(scol "$csv" s)" '!/^#/ && $1 != "year" { s[$1] = $sc }
  END { peak = 1955; for (y = 1955; y <= 2000; y++) if (s[y] > s[peak]) peak = y
        m = 0; for (y = 1991; y <= 2000; y++) m += s[y] / 10
        printf "* investment peaks in %d at %.1f %% of GDP; %.1f %% in 1973, %.1f %% in 1985 (%.2f of 1973),\n", peak, 100 * s[peak], 100 * s[1973], 100 * s[1985], s[1985] / s[1973]
        printf "  %.1f %% in 1986, %.1f %% in 1990, %.1f %% in 1999; %.1f %% on average in 1991–2000;\n", 100 * s[1986], 100 * s[1990], 100 * s[1999], 100 * m }' "$csv")
growth=""
for d in 1960s:1960:1970 1970s:1970:1980 1980s:1980:1990 1990s:1990:2000; do
  IFS=: read -r name y1 y2 <<<"$d"
  want=$(awk -v id="gdp_growth_$name" '$0 ~ "id = \"" id "\"" { f = 1 }
    f && /[^_]value = / { sub(/.*[^_]value = /, ""); sub(/;.*/, ""); print; exit }' params/targets/data.cfg)
  growth="$growth$(awk -F, -v yc="$(scol "$csv" Y)" -v a="$y1" -v b="$y2" -v w="$want" -v n="$name" '
    !/^#/ && $1 != "year" { Y[$1] = $yc }
    END { printf "%s %.1f (data %.1f)", n, 100 * (log(Y[b]) - log(Y[a])) / (b - a), 100 * w }' "$csv"), "
done
ke=$(awk '/^ties = \{/ { t = 1 } t && /^  kappa_e = / { sub(/^  kappa_e = /, ""); sub(/;.*/, ""); print; exit }' params/calibrated.cfg)
ero=$(awk -F, -v pc="$(scol "$csv" P)" -v k="$ke" '!/^#/ && $1 != "year" && $1 >= 1991 && $1 <= 2000 { p += $pc; n++ }
  END { printf "%.3f", k * p / n }' "$csv")
build/relsim run params/scenarios/atomistic_japan.cfg -o build/readme-atomistic --no-plots -q
acsv=build/readme-atomistic/series.csv
atom=$(awk -F, -v ac="$(scol "$acsv" a)" -v yc="$(scol "$acsv" Y)" '!/^#/ && $1 != "year" { a[$1] = $ac; Y[$1] = $yc }
  END { lo = 1; for (y = 1955; y < 2000; y += 10) { e = y + 10 > 2000 ? 2000 : y + 10
          g = (log(Y[e]) - log(Y[y])) / (e - y); if (lo == 1 || g < lo) lo = g }
        printf "relative TFP %.2f in 1955, %.2f in 2000; its slowest decade still grows %.1f %% a year", a[1955], a[2000], 100 * lo }' "$acsv")
build/relsim run params/calibrated.cfg --to 2025 -o build/readme-2025 --no-plots -q
build/relsim run params/scenarios/faster_erosion_1991.cfg --to 2025 -o build/readme-erosion --no-plots -q
rc=$(scol build/readme-2025/series.csv R)
faster=$(paste -d, <(grep -v '^#' build/readme-2025/series.csv | cut -d, -f1,"$rc") \
                   <(grep -v '^#' build/readme-erosion/series.csv | cut -d, -f"$rc") |
  awk -F, '$1 != "year" && $1 >= 1991 && $1 <= 2000 { d1 += $3 - $2; n1++ }
           $1 != "year" && $1 > 2000 { d2 += $3 - $2; n2++ }
           END { printf "%+.3f in 1991–2000 and %+.3f in 2001–2025", d1 / n1, d2 / n2 }')
numbers="$numbers
$inv
* GDP growth by decade, % a year: ${growth%, };
* ties erode: \`κ_e\` = $(printf '%.3g' "$ke"), an erosion rate without relief of \`κ_e P\` = $ero a year on
  average in 1991–2000 (\`docs/fit.md\` profiles \`κ_e\`); ties eroding twice as fast from 1991
  (\`params/scenarios/faster_erosion_1991.cfg\`) change \`R\` by $faster on average;
* an atomistic Japan (\`params/scenarios/atomistic_japan.cfg\`) still catches up: $atom."

# The columns of fit.md's table: id (tagged "(data)" for external data) | compared | target (as the
# paper or the data source states it) | model | r | share | within | source.
table=$(printf '| id | target | model | r | within |\n|---|---|---:|---:|:-:|\n'
  sed -n '/^## Targets$/,/^### Figures not modelled/p' docs/fit.md |
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

# What the model says: no_regionalization against the reference, from compare.csv (fractions;
# differences and their bands over the near-best fits), with a reading that follows the signs.
cmp=out/compare/compare.csv
if [ -f "$cmp" ]; then
  fits=$(grep -o '[0-9]* of the [0-9]* re-calibrations had a cost within [0-9]* %' \
    out/compare/compare.md | head -1)
  says=$(grep -v '^#' "$cmp" | awk -F, -v fits="$fits" '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $1 != "no_regionalization" { next }
    { ind = $2
      for (k = 1; k <= 2; k++) {
        s = k == 1 ? "mean_1991_2000" : "mean_2001_final"
        d[ind, k] = $(c["diff_" s]); lo[ind, k] = $(c["diff_" s "_min"]); hi[ind, k] = $(c["diff_" s "_max"])
      }
      final = $(c["final_year"]) }
    function fmt(x, pct,   v) { v = pct ? 100 * x : x; if (v < 0.005 && v > -0.005) return "0.00"; return sprintf("%+.2f", v) }
    function cell(ind, k, pct) {
      if (lo[ind, k] == "") return fmt(d[ind, k], pct)
      return fmt(d[ind, k], pct) " [" fmt(lo[ind, k], pct) ", " fmt(hi[ind, k], pct) "]" }
    # The sign of a difference over the band: +1 higher in every fit, -1 lower, 0 undecided.
    function sgn(ind, k, tol) { return lo[ind, k] > tol ? 1 : (hi[ind, k] < -tol ? -1 : 0) }
    function verdict(ind, k, tol, up, down) {
      v = sgn(ind, k, tol)
      if (v > 0) return up " in every near-best fit"
      if (v < 0) return down " in every near-best fit"
      best = (d[ind, k] <= tol && d[ind, k] >= -tol) ? " (the best fit among them)" : ""
      if (hi[ind, k] <= tol && lo[ind, k] < -tol) return down " in some near-best fits and unchanged in others" best ": the figures do not decide how much"
      if (lo[ind, k] >= -tol && hi[ind, k] > tol) return up " in some near-best fits and unchanged in others" best ": the figures do not decide how much"
      if (lo[ind, k] < -tol) return up " in some near-best fits and " down " in others: the figures do not decide even the sign"
      return "unchanged in every near-best fit"
    }
    END {
      printf "Without the Asian network (`no_regionalization` against the calibrated baseline), time averages;\n"
      printf "the best fit, and in brackets the range over the parameter sets that fit the paper about as\n"
      printf "well (%s of the best; `scripts/compare.sh`, `out/compare/compare.md`):\n\n", fits
      printf "| difference, no_regionalization − baseline | 1991–2000 | 2001–%s |\n|---|---:|---:|\n", final
      printf "| ties R (0..1) | %s | %s |\n", cell("R", 1, 0), cell("R", 2, 0)
      printf "| TFP growth (pp per year) | %s | %s |\n", cell("tfp_growth", 1, 1), cell("tfp_growth", 2, 1)
      printf "| national R&D (pp of GDP) | %s | %s |\n", cell("rd_total", 1, 1), cell("rd_total", 2, 1)
      printf "| start-up rate (pp per year) | %s | %s |\n", cell("e", 1, 1), cell("e", 2, 1)
      printf "| GDP growth (pp per year) | %s | %s |\n\n", cell("gdp_growth", 1, 1), cell("gdp_growth", 2, 1)
      printf "* Ties, 2001–%s: without regionalization %s.\n", final, verdict("R", 2, 0.005, "higher", "lower")
      printf "* TFP growth, 2001–%s: %s.\n", final, verdict("tfp_growth", 2, 0.0005, "higher", "lower")
      printf "* R&D, 2001–%s: %s.\n", final, verdict("rd_total", 2, 0.0005, "higher", "lower")
      printf "* Start-ups, 2001–%s: %s.\n", final, verdict("e", 2, 0.0005, "higher", "lower")
      printf "* GDP growth, 1991–2000: %s; 2001–%s: %s.\n", verdict("gdp_growth", 1, 0.0005, "higher", "lower"), final, verdict("gdp_growth", 2, 0.0005, "higher", "lower")
      ties = sgn("R", 2, 0.005); gdp = sgn("gdp_growth", 2, 0.0005); tfp = sgn("tfp_growth", 2, 0.0005)
      if (ties < 0 && gdp > 0)
        printf "\n**The thesis holds in every near-best fit:** regionalization preserved relationalism and, by doing so, held back productivity and growth.\n"
      else if (ties < 0 && tfp > 0)
        printf "\n**The thesis holds for ties and productivity in every near-best fit:** regionalization preserved relationalism and, by doing so, held back productivity; whether it also held back GDP growth over 2001–%s the fits do not decide (%s pp at the best fit, %s to %s over the band).\n", final, fmt(d["gdp_growth", 2], 1), fmt(lo["gdp_growth", 2], 1), fmt(hi["gdp_growth", 2], 1)
      else if (ties > 0 || gdp < 0)
        printf "\n**The thesis is contradicted in every near-best fit** for the indicator(s) above whose sign is decided against it.\n"
      else
        printf "\n**The paper'"'"'s figures do not decide the thesis.** At the best fit, removing the Asian network changes ties by %s and GDP growth by %s pp a year over 2001–%s. Among the fits that are almost as good, the change in ties reaches %s and that in GDP growth runs from %s to %s pp: in some of them ties collapse without the network and productivity and growth then rise — the thesis — in others almost nothing happens. How hard the 1990s pressed on the ties decides between them, and the figures of the paper (ties survived, the network grew) do not say how hard.\n", fmt(d["R", 2], 0), fmt(d["gdp_growth", 2], 1), final, fmt(lo["R", 2], 0), fmt(lo["gdp_growth", 2], 1), fmt(hi["gdp_growth", 2], 1)
    }' )
  replace what-the-model-says "$says"
fi
# What the model says, as probabilities: the posterior-predictive differences of
# no_regionalization (scripts/posterior.sh) under the default, the sceptical and the sympathetic
# prior on the erosion of ties.
pdir=out/compare-posterior
if [ -f "$pdir/posterior.csv" ] && [ -f out/posterior/summary.md ]; then
  verdict=$(awk '/^\*\*Verdict:/ { v = $2 == "NOT" ? "not converged" : "converged"
      if (match($0, /worst R-hat is [0-9.]+ \(`[^`]*`\), the lowest bulk ESS [0-9]+ \(`[^`]*`\)/))
        v = v " (" substr($0, RSTART, RLENGTH) ")"
      print v; exit }' out/posterior/summary.md)
  # probs FILE: "P(ties lower) 1991-2000, 2001-final, P(GDP higher) 1991-2000, 2001-final, ESS, draws"
  probs() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
      $1 != "no_regionalization" { next }
      { p[$2 SUBSEP $4] = $(c["p_positive"]); ess = $(c["ess"]); n = $(c["draws"]) }
      END { printf "%.2f %.2f %.2f %.2f %.0f %d", 1 - p["R" SUBSEP "mean_1991_2000"], 1 - p["R" SUBSEP "mean_2001_final"],
              p["gdp_growth" SUBSEP "mean_1991_2000"], p["gdp_growth" SUBSEP "mean_2001_final"], ess, n }' "$1"
  }
  table() { # table FILE: the key differences, median [90 % interval]
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
      $1 != "no_regionalization" { next }
      { k = $2 SUBSEP $4; med[k] = $(c["median"]); lo[k] = $(c["q05"]); hi[k] = $(c["q95"]) }
      function f(x, pct) { v = pct ? 100 * x : x; return sprintf("%+.2f", v) }
      function cell(ind, s, pct) { k = ind SUBSEP s; return f(med[k], pct) " [" f(lo[k], pct) ", " f(hi[k], pct) "]" }
      function row(label, ind, pct) { printf "| %s | %s | %s |\n", label, cell(ind, "mean_1991_2000", pct), cell(ind, "mean_2001_final", pct) }
      END {
        printf "| difference, no_regionalization − baseline | 1991–2000 | 2001–2025 |\n|---|---:|---:|\n"
        row("ties R (0..1)", "R", 0); row("TFP growth (pp per year)", "tfp_growth", 1)
        row("national R&D (pp of GDP)", "rd_total", 1); row("start-up rate (pp per year)", "e", 1)
        row("GDP growth (pp per year)", "gdp_growth", 1)
      }' "$1"
  }
  prow() { # prow LABEL FILE
    [ -f "$2" ] || return 0
    read -r t1 t2 g1 g2 ess n <<<"$(probs "$2")"
    printf '| %s | %s of %s | %s | %s | %s | %s |\n' "$1" "$ess" "$n" "$t1" "$t2" "$g1" "$g2"
  }
  psays=$(
    printf 'Without the Asian network (`no_regionalization` applied on top of each of 1,000 posterior draws and\n'
    printf 'compared with the same draw; `scripts/posterior.sh`, `out/compare-posterior/posterior*.md`), under\n'
    printf 'the default priors: the posterior median of each difference, time averages, with its 90 %%\n'
    printf 'interval in brackets (the fan chart and every parameter in [docs/posterior.md](docs/posterior.md)):\n\n'
    table "$pdir/posterior.csv"
    printf '\nThe thesis as a probability, under three priors on the erosion of ties `ties.kappa_e`: the\n'
    printf 'default (half-normal, scale 10), a sceptical one (half-normal, scale 2: weak erosion) and a\n'
    printf 'sympathetic one (lognormal, median 10: strong erosion), the last two by importance\n'
    printf 're-weighting of the same draws (`params/priors/`; the effective sample size of the weights\n'
    printf 'beside each):\n\n'
    printf '| prior on κ_e | ESS of the draws | P(ties lower), 1991–2000 | 2001–2025 | P(GDP growth higher), 1991–2000 | 2001–2025 |\n'
    printf '|---|---:|---:|---:|---:|---:|\n'
    prow "default" "$pdir/posterior.csv"
    prow "sceptical" "$pdir/posterior_kappa_e_sceptical.csv"
    prow "sympathetic" "$pdir/posterior_kappa_e_sympathetic.csv"
    printf '\nThe sampler: %s; where it has not converged, these probabilities are provisional\n' "$verdict"
    printf '([docs/posterior.md](docs/posterior.md)).\n'
    true)
  replace what-the-model-says-posterior "$psays"
fi
echo "README.md: calibration numbers, fit table and what the model says refreshed"
