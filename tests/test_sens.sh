#!/usr/bin/env bash
# tests/test_sens.sh -- `relsim ensemble` and `relsim sensitivity` from the command line: the
# files they write, their errors, and under MPI (when relsim is built with it) the same bytes
# from two processes as from one.
set -uo pipefail
R=${RELSIM:-build/relsim}
T=${RELSIM_TEST_TMP:-/tmp}/sens_cli
rm -rf "$T" && mkdir -p "$T"
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
expect() { # expect NAME STATUS PATTERN -- command...: exit status and a line of stderr
  local name=$1 want=$2 pat=$3
  shift 4
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  if [ "$got" = "$want" ] && grep -q -- "$pat" "$T/err"; then ok "$name"; else
    bad "$name (exit $got, want $want; stderr: $(head -c 300 "$T/err"))"; fi
}
P=params/calibrated.cfg
SC=params/scenarios/no_regionalization.cfg
SOBOL=(sensitivity sobol $P --samples 8 --bootstrap 20 --scenario $SC
  --params ties.kappa_e,ties.omega_s,tfp.gamma,asia.chi -q)
ENS=(ensemble $P --samples 12 --design sobol --params tfp.lambda,ties.kappa_e -q)

# `test_sens.sh mpi`: two processes write what one does (CTest runs it when MPI was found)
if [ "${1:-}" = "mpi" ]; then
  MPI=(${RELSIM_MPIEXEC:-mpirun} -n 2 --oversubscribe --allow-run-as-root)
  $R "${SOBOL[@]}" -o "$T/sobol" && $R "${ENS[@]}" -o "$T/ens" || bad "single-process runs"
  if OMP_NUM_THREADS=1 "${MPI[@]}" $R "${SOBOL[@]}" -o "$T/sobol_mpi" 2>"$T/mpi_err" &&
    cmp "$T/sobol/sobol.csv" "$T/sobol_mpi/sobol.csv" &&
    cmp "$T/sobol/sobol_time.csv" "$T/sobol_mpi/sobol_time.csv" &&
    cmp "$T/sobol/plots/sobol_dR_2001_2025.gp" "$T/sobol_mpi/plots/sobol_dR_2001_2025.gp"; then
    ok "sobol under mpirun -n 2 writes the same bytes as one process"
  else bad "sobol under mpirun -n 2 writes the same bytes as one process ($(head -c 300 "$T/mpi_err"))"; fi
  if OMP_NUM_THREADS=1 "${MPI[@]}" $R "${ENS[@]}" -o "$T/ens_mpi" 2>"$T/mpi_err" &&
    cmp "$T/ens/envelope.csv" "$T/ens_mpi/envelope.csv" &&
    cmp "$T/ens/members.csv" "$T/ens_mpi/members.csv"; then
    ok "an ensemble under mpirun -n 2 writes the same bytes as one process"
  else bad "an ensemble under mpirun -n 2 writes the same bytes as one process ($(head -c 300 "$T/mpi_err"))"; fi
  exit $fail
fi

# an ensemble on the Sobol design writes every indicator at every output time
if $R "${ENS[@]}" -o "$T/ens" &&
  [ "$(head -1 "$T/ens/envelope.csv")" = "year,indicator,q05,q25,q50,q75,q95,min,max" ] &&
  [ "$(wc -l <"$T/ens/envelope.csv")" -eq $((1 + 46 * 30)) ] &&
  [ "$(wc -l <"$T/ens/members.csv")" -eq 13 ] && [ -f "$T/ens/plots/fan_R_relational.gp" ] &&
  [ -f "$T/ens/reference/series.csv" ]; then
  ok "an ensemble writes the envelope of every indicator, the members and the fan charts"
else bad "an ensemble writes the envelope of every indicator, the members and the fan charts"; fi

# a posterior sample with extra columns works as is
printf 'chain,iteration,tfp.lambda,log_likelihood\n1,1,0.02,-1\n1,2,0.03,-2\n2,1,0.04,-3\n' >"$T/chains.csv"
if $R ensemble $P --sample-file "$T/chains.csv" -o "$T/post" -q &&
  grep -q "^2,ok,0.04$" "$T/post/members.csv"; then
  ok "a sample file with extra columns runs one member per row"
else bad "a sample file with extra columns runs one member per row"; fi

expect "an ensemble without a size says what it needs" 2 "give --samples N or --sample-file" -- \
  $R ensemble $P -o "$T/x"
expect "an unknown design is refused" 2 "random, lhs or sobol" -- \
  $R ensemble $P --samples 4 --design halton -o "$T/x"
expect "a parameter outside the free set is refused" 2 "is not in the free set" -- \
  $R ensemble $P --samples 4 --params tfp.nope -o "$T/x"
printf 'chain,iteration\n1,1\n' >"$T/nopar.csv"
expect "a sample file without parameters is refused" 2 "no column names a parameter" -- \
  $R ensemble $P --sample-file "$T/nopar.csv" -o "$T/x"
expect "an unknown analysis is refused" 2 "local, morris or sobol" -- $R sensitivity fast $P
expect "an output outside the run is refused" 2 "outside the run" -- \
  $R sensitivity morris $P --output R@2010 -o "$T/x"
expect "a malformed output is refused" 2 "INDICATOR@YEAR" -- \
  $R sensitivity sobol $P --output R2000 -o "$T/x"

# local: every indicator, time and parameter
if $R sensitivity local $P --params tfp.lambda,ties.kappa_e -o "$T/local" -q &&
  [ "$(head -1 "$T/local/sensitivity.csv")" = "year,indicator,parameter,value" ] &&
  [ "$(wc -l <"$T/local/sensitivity.csv")" -eq $((1 + 46 * 30 * 2)) ] &&
  grep -q "^R,.*,1$" "$T/local/ranking.csv" && [ -f "$T/local/plots/heatmap.gp" ]; then
  ok "local sensitivities cover every indicator, time and parameter, ranked"
else bad "local sensitivities cover every indicator, time and parameter, ranked"; fi

if $R sensitivity morris $P --trajectories 4 --params tfp.lambda,ties.kappa_e,asia.chi \
  -o "$T/morris" -q && [ "$(wc -l <"$T/morris/morris.csv")" -eq $((1 + 3 * 3)) ] &&
  [ -f "$T/morris/plots/morris_R_2000.gp" ]; then
  ok "morris writes mu*, mu and sigma per output and parameter"
else bad "morris writes mu*, mu and sigma per output and parameter"; fi

# the thesis outputs with a scenario
if $R "${SOBOL[@]}" -o "$T/sobol" && grep -q "^dR_2001_2025,ties.kappa_e," "$T/sobol/sobol.csv" &&
  grep -q "^dgdp_growth_2001_2025,asia.chi," "$T/sobol/sobol.csv" &&
  grep -q "^R,2025,tfp.gamma," "$T/sobol/sobol_time.csv"; then
  ok "sobol gives the indices of the thesis outputs and over time"
else bad "sobol gives the indices of the thesis outputs and over time"; fi

if $R "${SOBOL[@]}" --threads 1 -o "$T/sobol1" && cmp -s "$T/sobol/sobol.csv" "$T/sobol1/sobol.csv" &&
  cmp -s "$T/sobol/sobol_time.csv" "$T/sobol1/sobol_time.csv"; then
  ok "sobol writes the same bytes with one thread"
else bad "sobol writes the same bytes with one thread"; fi

# every figure rendered (when gnuplot is installed): a script gnuplot refuses leaves no image
if command -v gnuplot >/dev/null; then
  missing=""
  for f in ens/plots/fan_R_relational ens/plots/fan_gdp_growth local/plots/heatmap \
    local/plots/local_R_relational morris/plots/morris_R_2000 sobol/plots/sobol_dR_2001_2025 \
    sobol/plots/sobol_time_R; do
    for ext in png pdf; do [ -s "$T/$f.$ext" ] || missing="$missing $f.$ext"; done
  done
  if [ -z "$missing" ]; then ok "every figure is drawn as PNG and PDF"
  else bad "every figure is drawn as PNG and PDF (missing:$missing)"; fi
fi
exit $fail
