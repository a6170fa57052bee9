#!/usr/bin/env bash
# bench/run.sh -- the benchmark of relsim against a peer: the calibrated baseline (1955-2000,
# rtol 1e-6) run by `relsim bench` with each integration method and by bench/scipy_relsim.py,
# the same equations in Python integrated by scipy's solve_ivp (LSODA), one core each.
#   1. checks that the Python port is faithful: both at rtol 1e-10 must agree to 1e-6 of each
#      series' scale (the equations, tables and events, not the solvers, are compared);
#   2. times both at rtol 1e-6 and prints runs per second and the ratio;
#   3. times how the cost grows with the horizon and the output step (relsim bench --to,
#      --set span.output_step).
# Writes build/bench/results.md; with --readme, also the README's benchmark section (between
# <!-- BEGIN benchmark --> and <!-- END benchmark -->). RELSIM_BENCH_RUNS (default 3000) and
# RELSIM_BENCH_PY_RUNS (default 40) set the repetitions.
set -euo pipefail
cd "$(dirname "$0")/.."
readme=0
[ "${1:-}" = "--readme" ] && readme=1
RELSIM_BUILD_TARGET=relsim scripts/setup.sh >/dev/null
# Debian's scipy, for the system's python3 (not a python of the user's PATH without scipy).
py=/usr/bin/python3
if ! "$py" -c "import scipy" 2>/dev/null; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "bench: installing python3-scipy"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-scipy >/dev/null
fi
n=${RELSIM_BENCH_RUNS:-3000}
npy=${RELSIM_BENCH_PY_RUNS:-40}
scen=params/calibrated.cfg
out=build/bench
mkdir -p "$out"

# 1. Faithfulness, at tight tolerances.
tight=(--set solver.rtol=1e-10 --set solver.atol=1e-13 --set solver.max_steps=1000000)
build/relsim bench "$scen" --export "$out/model_tight.json" "${tight[@]}"
build/relsim run "$scen" -o "$out/relsim_tight" --no-plots -q "${tight[@]}"
check=$("$py" bench/scipy_relsim.py "$out/model_tight.json" --compare "$out/relsim_tight/series.csv")
echo "$check"
dev=$(sed -n 's/.*indicators but mpk \([0-9.e+-]*\) .*/\1/p' <<<"$check")
awk -v d="$dev" 'BEGIN { exit !(d != "" && d < 1e-6) }' ||
  { echo "bench: the Python port deviates from relsim by $dev at rtol 1e-10" >&2; exit 1; }

# 2. Runs per second at the default tolerances.
build/relsim bench "$scen" --export "$out/model.json"
# Its deviation is measured, like relsim's methods', against relsim's BDF at rtol 1e-10.
py_out=$("$py" bench/scipy_relsim.py "$out/model.json" --compare "$out/relsim_tight/series.csv" --runs "$npy")
echo "$py_out"
py_cpu=$(sed -n 's/.*runs per second \([0-9.]*\) (CPU).*/\1/p' <<<"$py_out")
py_wall=$(sed -n 's/.*(CPU) \([0-9.]*\) (wall).*/\1/p' <<<"$py_out")
py_dev=$(sed -n 's/.*stocks \([0-9.e+-]*\) .*, all \([0-9.e+-]*\)$/\1 \/ \2/p' <<<"$py_out")
build/relsim bench "$scen" -n "$n" --csv >"$out/methods.csv"
cat "$out/methods.csv"
load=$(cut -d' ' -f1 /proc/loadavg)

# 3. Cost against horizon and output step, for the ensemble method and BDF.
: >"$out/growth.csv"
for spec in "2000 1" "2025 1" "2100 1" "2000 0.25" "2000 0.1"; do
  read -r to step <<<"$spec"
  build/relsim bench "$scen" -n "$((n / 3))" --csv --method auto --method bdf --to "$to" \
    --set span.output_step="$step" | awk -F, -v to="$to" -v st="$step" 'NR > 1 { print to "," st "," $0 }' \
    >>"$out/growth.csv"
done

{
  echo "<!-- BEGIN benchmark -->"
  echo "Calibrated baseline, 1955–2000, rtol 1e-6, one core; $n runs per method (\`bench/run.sh\`,"
  echo "load average $load on 2 cores when measured). Deviation: the largest difference from BDF"
  echo "at rtol 1e-10 over every output row, relative to each series' largest value (stocks / every"
  echo "indicator)."
  echo
  echo "| method | runs per second (CPU) | runs per second (wall) | steps | RHS evaluations | Jacobians | deviation stocks / all |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  awk -F, 'NR > 1 { printf "| relsim %s | %\047.0f | %\047.0f | %d | %d | %d | %.1e / %.1e |\n", $1, $2, $3, $4, $5, $6, $9, $10 }' "$out/methods.csv"
  printf "| scipy solve_ivp (LSODA) | %.1f | %.1f | | | | %s |\n" "$py_cpu" "$py_wall" "$py_dev"
  echo
  awk -F, -v p="$py_cpu" '$1 == "auto" { printf "relsim'"'"'s ensemble method (auto) does **%.0f×** the runs per second of the scipy implementation (CPU time);", $2 / p }
                          $1 == "bdf" { b = $2 / p } END { printf " BDF, the default of single runs, %.0f×.\n", b }' "$out/methods.csv"
    echo "The Python port (\`bench/scipy_relsim.py\`) is checked against relsim with both at rtol 1e-10:"
  echo "$(sed 's/^scipy_relsim: deviation from relsim: //' <<<"$check")."
  echo
  echo "How the cost grows (runs per second, CPU time, same scenario):"
  echo
  echo "| to | output step | auto: runs per second | steps | RHS evaluations | BDF: runs per second | steps |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  awk -F, '$3 == "auto" { a = sprintf("| %s | %s | %\047.0f | %d | %d", $1, $2, $4, $6, $7) }
           $3 == "bdf" { printf "%s | %\047.0f | %d |\n", a, $4, $6 }' "$out/growth.csv"
  echo "<!-- END benchmark -->"
} >"$out/results.md"
awk -F, -v p="$py_cpu" '$1 == "auto" { printf "bench: relsim (auto) %.0f runs/s, scipy %.1f runs/s: ratio %.0f\n", $2, p, $2 / p }' "$out/methods.csv"
echo "bench: wrote $out/results.md"
if [ "$readme" = 1 ]; then
  awk -v f="$out/results.md" '
    /<!-- BEGIN benchmark -->/ { while ((getline line < f) > 0) print line; skip = 1; next }
    /<!-- END benchmark -->/ { skip = 0; next }
    !skip' README.md >README.md.tmp
  grep -q "<!-- BEGIN benchmark -->" README.md.tmp || { rm -f README.md.tmp; echo "bench: README has no benchmark markers" >&2; exit 1; }
  mv README.md.tmp README.md
  echo "bench: README.md benchmark section refreshed"
fi
