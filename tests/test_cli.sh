#!/usr/bin/env bash
# tests/test_cli.sh -- end-to-end tests of the relsim program: outputs, golden series,
# determinism, exit statuses and messages for bad input and failed runs.
# Usage: tests/test_cli.sh TEST_NAME (run from the repository root; $RELSIM is the program,
# $RELSIM_TEST_TMP a scratch directory). Each test is a function named as a sentence.
set -u
RELSIM=${RELSIM:-build/relsim}
TMP=${RELSIM_TEST_TMP:-/tmp/relsim-test}/cli-$1
rm -rf "$TMP" && mkdir -p "$TMP"
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_status() { # expect_status WANT GOT WHAT
  [ "$2" -eq "$1" ] || fail "$3: exit status $2, want $1"
}
expect_in() { # expect_in FILE TEXT
  grep -qF -- "$2" "$1" || fail "expected '$2' in $1: $(head -c 600 "$1")"
}

# Compare two series.csv numerically: every field within rel (relative, with a floor of rel
# for values near zero). Prints the first differences.
same_series() { # same_series A B REL
  awk -F, -v rel="$3" '
    FNR == 1 && NR == 1 { file = 1 } FNR == 1 && NR != 1 { file = 2 }
    /^#/ { next }
    file == 1 { a[FNR] = $0; n1 = FNR; next }
    { n2 = FNR
      if (!(FNR in a)) { print "extra row " FNR; bad++; next }
      split(a[FNR], x, ","); m = split($0, y, ",")
      for (i = 1; i <= m; i++) {
        if (x[i] == y[i]) continue
        if (x[i] !~ /^[-+0-9.eE]+$/) { print "row " FNR ": " x[i] " vs " y[i]; bad++; continue }
        d = x[i] - y[i]; if (d < 0) d = -d
        s = x[i] < 0 ? -x[i] : x[i]; if (s < 1) s = 1
        if (d > rel * s) { if (bad < 5) print "row " FNR " col " i ": " x[i] " vs " y[i]; bad++ }
      }
    }
    END { if (n1 != n2) { print "rows: " n1 " vs " n2; bad++ } exit bad > 0 }' "$1" "$2"
}

help_and_version_succeed() {
  "$RELSIM" --help >"$TMP/out" 2>&1; expect_status 0 $? "relsim --help"
  expect_in "$TMP/out" "run FILE"
  "$RELSIM" run --help >"$TMP/out" 2>&1; expect_status 0 $? "relsim run --help"
  expect_in "$TMP/out" "--set NAME=VALUE"
  "$RELSIM" --version >"$TMP/out" 2>&1; expect_status 0 $? "relsim --version"
  expect_in "$TMP/out" "SUNDIALS"
  expect_in "$TMP/out" "libconfig"
  "$RELSIM" frobnicate >"$TMP/out" 2>&1; expect_status 2 $? "unknown command"
}

baseline_run_writes_csv_manifest_and_plots() {
  "$RELSIM" run params/baseline.cfg -o "$TMP/base" >"$TMP/out" 2>&1
  expect_status 0 $? "baseline run"
  [ -f "$TMP/base/series.csv" ] || fail "no series.csv"
  [ -f "$TMP/base/manifest.cfg" ] || fail "no manifest.cfg"
  local header
  header=$(grep -v '^#' "$TMP/base/series.csv" | head -1)
  for col in year a K s R G rd_b e F Y r tfp_growth gdp_growth mpk rd_total rd_inv_share \
             basic_share indep_share closure net_relational; do
    echo ",$header," | grep -q ",$col," || fail "column $col missing from series.csv"
  done
  local rows
  rows=$(grep -v '^#' "$TMP/base/series.csv" | tail -n +2 | wc -l)
  [ "$rows" -eq 46 ] || fail "series.csv has $rows rows, want 46 (1955..2000)"
  grep -q '^1955,0\.42,' "$TMP/base/series.csv" || fail "1955 row does not start with a = 0.42"
  expect_in "$TMP/base/manifest.cfg" "sha256"
  expect_in "$TMP/base/manifest.cfg" "steps ="
  expect_in "$TMP/base/manifest.cfg" "params/baseline.cfg:"
  ls "$TMP/base/plots/"*.gp >/dev/null 2>&1 || fail "no gnuplot scripts"
  if command -v gnuplot >/dev/null; then
    [ -s "$TMP/base/plots/overview.png" ] || fail "no overview.png"
    [ -s "$TMP/base/plots/overview.pdf" ] || fail "no overview.pdf"
  fi
  if ls "$TMP/base" "$TMP/base/plots" | grep -q '\.tmp\.'; then fail "temporary files left"; fi
}

baseline_matches_the_golden_series() {
  "$RELSIM" run params/calibrated.cfg -o "$TMP/base" --no-plots -q
  expect_status 0 $? "baseline run"
  # RELSIM_GOLDEN_REL: another compiler rounds differently, and the integrator's error control
  # (rtol 1e-6) carries that to ~1e-7 (scripts/test.sh sets 1e-5 for the clang build)
  same_series tests/data/golden/baseline_series.csv "$TMP/base/series.csv" \
    "${RELSIM_GOLDEN_REL:-1e-9}" ||
    fail "series.csv differs from tests/data/golden/baseline_series.csv (if the change is" \
         "deliberate, regenerate it with scripts/regenerate-golden.sh and say why in the commit)"
}

two_runs_give_byte_identical_outputs() {
  "$RELSIM" run params/baseline.cfg -o "$TMP/d" -q && cp -r "$TMP/d" "$TMP/first"
  "$RELSIM" run params/baseline.cfg -o "$TMP/d" -q
  cmp "$TMP/first/series.csv" "$TMP/d/series.csv" || fail "series.csv differs between runs"
  cmp "$TMP/first/manifest.cfg" "$TMP/d/manifest.cfg" || fail "manifest.cfg differs"
  for gp in "$TMP"/d/plots/*.gp; do
    cmp "$gp" "$TMP/first/plots/$(basename "$gp")" || fail "$(basename "$gp") differs"
  done
}

the_manifest_reproduces_the_run() {
  "$RELSIM" run params/baseline.cfg -o "$TMP/a" --set tfp.lambda=0.05 \
    --set event.bubble.enabled=false --no-plots -q
  expect_status 0 $? "run with overrides"
  "$RELSIM" run "$TMP/a/manifest.cfg" -o "$TMP/b" --no-plots -q
  expect_status 0 $? "run of the manifest"
  cmp "$TMP/a/series.csv" "$TMP/b/series.csv" || fail "the manifest does not reproduce the run"
  expect_in "$TMP/a/manifest.cfg" "--set"
}

run_to_2025_extends_the_series() {
  "$RELSIM" run params/baseline.cfg -o "$TMP/p" --to 2025 --no-plots -q
  expect_status 0 $? "--to 2025"
  tail -1 "$TMP/p/series.csv" | grep -q '^2025,' || fail "last row is not 2025"
}

# A bad input gives exit status 2 and a message with the file, the line and the setting.
bad_input_exits_2_with_a_precise_message() {
  local f="$TMP/bad.cfg"
  printf 'base = "%s/params/baseline.cfg";\ntfp = {\n  lamda = 0.05;\n};\n' "$PWD" >"$f"
  "$RELSIM" run "$f" -o "$TMP/x" >"$TMP/err" 2>&1; expect_status 2 $? "unknown setting"
  expect_in "$TMP/err" "bad.cfg:3"
  expect_in "$TMP/err" "tfp.lambda"
  printf 'base = "%s/params/baseline.cfg";\ntfp = { lambda = 5.0; };\n' "$PWD" >"$f"
  "$RELSIM" run "$f" -o "$TMP/x" >"$TMP/err" 2>&1; expect_status 2 $? "out of bounds"
  expect_in "$TMP/err" "bad.cfg:2"
  expect_in "$TMP/err" "[0.01, 0.2]"
  printf 'tfp = { lambda = ; };\n' >"$f"
  "$RELSIM" run "$f" -o "$TMP/x" >"$TMP/err" 2>&1; expect_status 2 $? "syntax error"
  expect_in "$TMP/err" "bad.cfg:1"
  "$RELSIM" run "$TMP/no-such-file.cfg" >"$TMP/err" 2>&1; expect_status 2 $? "missing file"
  expect_in "$TMP/err" "no-such-file.cfg"
  "$RELSIM" run params/baseline.cfg --set tfp.lamda=0.1 >"$TMP/err" 2>&1
  expect_status 2 $? "bad --set name"
  expect_in "$TMP/err" "tfp.lambda"
  "$RELSIM" run params/baseline.cfg --set solver.rtol=2 >"$TMP/err" 2>&1
  expect_status 2 $? "bad --set value"
  "$RELSIM" run params/baseline.cfg --to 1800 >"$TMP/err" 2>&1; expect_status 2 $? "bad --to"
  "$RELSIM" run params/baseline.cfg --frob >"$TMP/err" 2>&1; expect_status 2 $? "bad option"
  [ -e "$TMP/x" ] && fail "bad input created the output directory"
  return 0
}

# A failed run gives exit status 1, names the year and the setting, and writes nothing.
failed_run_exits_1_and_keeps_earlier_results() {
  "$RELSIM" run params/baseline.cfg -o "$TMP/f" --set solver.max_steps=10 >"$TMP/err" 2>&1
  expect_status 1 $? "run with max_steps = 10"
  expect_in "$TMP/err" "simulated year"
  expect_in "$TMP/err" "CV_TOO_MUCH_WORK"
  expect_in "$TMP/err" "solver.max_steps"
  expect_in "$TMP/err" "R="
  [ -e "$TMP/f/series.csv" ] && fail "a failed run wrote series.csv"
  "$RELSIM" run params/baseline.cfg -o "$TMP/g" --no-plots -q && cp "$TMP/g/series.csv" "$TMP/good.csv"
  "$RELSIM" run params/baseline.cfg -o "$TMP/g" --set solver.max_steps=10 >/dev/null 2>&1
  expect_status 1 $? "failed run over good results"
  cmp "$TMP/good.csv" "$TMP/g/series.csv" || fail "a failed run overwrote good results"
  if ls "$TMP/g" | grep -q '\.tmp\.'; then fail "temporary files left"; fi
}

without_gnuplot_the_csv_and_scripts_are_still_written() {
  RELSIM_GNUPLOT=/nonexistent/gnuplot "$RELSIM" run params/baseline.cfg -o "$TMP/n" \
    >"$TMP/out" 2>"$TMP/err"
  expect_status 0 $? "run without gnuplot"
  [ -s "$TMP/n/series.csv" ] || fail "no series.csv without gnuplot"
  ls "$TMP/n/plots/"*.gp >/dev/null 2>&1 || fail "no .gp scripts without gnuplot"
  ls "$TMP/n/plots/"*.png >/dev/null 2>&1 && fail "images without gnuplot?"
  expect_in "$TMP/err" "gnuplot"
  [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "the warning is not one line: $(cat "$TMP/err")"
}

# The shipped calibration is what `relsim calibrate` gives now: no silent drift between the
# model, the targets, the free set and params/calibrated.cfg (compare the settings, not the
# comments, whose header names the output directory). The command line is that of
# scripts/calibrate.sh, which ships the file.
the_shipped_calibration_is_reproduced() {
  local args="params/baseline.cfg --targets params/targets.cfg --targets params/targets/data.cfg"
  expect_in scripts/calibrate.sh "calibrate $args"
  expect_in scripts/calibrate.sh "--start params/calibrated.cfg --starts 8 --free params/free.cfg -o out/calibration"
  args="$args --start params/calibrated.cfg --starts 8"
  # shellcheck disable=SC2086 # $args is a list of words
  "$RELSIM" calibrate $args --free params/free.cfg -o "$TMP/cal" -q >"$TMP/out" 2>&1
  expect_status 0 $? "calibrate"
  settings() { grep -v '^ *#' "$1" | grep -v '^base = ' | sed -e 's/ *#.*$//' | grep -v '^ *$'; }
  settings params/calibrated.cfg >"$TMP/shipped"
  settings "$TMP/cal/calibrated.cfg" >"$TMP/now"
  cmp -s "$TMP/shipped" "$TMP/now" ||
    fail "params/calibrated.cfg differs from a fresh calibration (rerun scripts/calibrate.sh" \
         "--ship and commit the result): $(diff "$TMP/shipped" "$TMP/now" | head -5)"
  for f in fit.md fit.csv parameters.csv series.csv; do
    [ -s "$TMP/cal/$f" ] || fail "calibrate wrote no $f"
  done
}

calibrate_errors_name_the_file_and_line() {
  printf 'origin = "paper"; targets = (\n  { id = "x"; kind = "pointt"; indicator = "a"; year = 1955; value = 0.6;\n    scale = 0.1; section = "2"; quote = "q"; paper_value = "p"; }\n);\n' >"$TMP/t.cfg"
  "$RELSIM" calibrate params/baseline.cfg --targets "$TMP/t.cfg" -o "$TMP/c" >"$TMP/err" 2>&1
  expect_status 2 $? "bad targets file"
  expect_in "$TMP/err" "t.cfg:2"
  expect_in "$TMP/err" "point"
  printf 'free = ( { name = "tfp.lamda"; } );\n' >"$TMP/f.cfg"
  "$RELSIM" calibrate params/baseline.cfg --free "$TMP/f.cfg" -o "$TMP/c" >"$TMP/err" 2>&1
  expect_status 2 $? "bad free file"
  expect_in "$TMP/err" "f.cfg:1"
  expect_in "$TMP/err" "tfp.lambda"
  "$RELSIM" calibrate params/baseline.cfg --starts 0 >"$TMP/err" 2>&1
  expect_status 2 $? "bad --starts"
  [ -e "$TMP/c" ] && fail "a bad input created the output directory"
  return 0
}

# The default target files are the paper's and the data file; both are in fit.csv with their
# origin and file, and --paper-only leaves exactly the data targets out (a short calibration:
# the plumbing, not the fit).
calibrate_uses_both_target_files_and_paper_only_drops_the_data() {
  local short=(--starts 2 --max-iter 3 --free params/free.cfg -q)
  "$RELSIM" calibrate params/baseline.cfg "${short[@]}" -o "$TMP/both" >"$TMP/out" 2>&1
  expect_status 0 $? "calibrate with the default target files"
  "$RELSIM" calibrate params/baseline.cfg "${short[@]}" --paper-only -o "$TMP/paper" \
    >"$TMP/out" 2>&1
  expect_status 0 $? "calibrate --paper-only"
  # rows by origin and file: the last three columns are origin, file and source (a source may
  # hold commas and quotes, within RFC 4180 quotes)
  rows() { # rows FIT.CSV ORIGIN FILE
    grep -cE ",$2,$(printf '%s' "$3" | sed 's/[.]/[.]/g'),(\"([^\"]|\"\")*\"|[^,\"]*)\$" "$1"
  }
  local ndata npaper
  ndata=$(grep -c '^  { id = ' params/targets/data.cfg)
  npaper=$(grep -c '^  { id = ' params/targets.cfg)
  head -1 "$TMP/both/fit.csv" | grep -q ',origin,file,source$' || fail "fit.csv has no origin/file columns"
  [ "$(rows "$TMP/both/fit.csv" data params/targets/data.cfg)" -eq "$ndata" ] ||
    fail "fit.csv does not hold the $ndata data targets of params/targets/data.cfg"
  [ "$(rows "$TMP/both/fit.csv" paper params/targets.cfg)" -eq "$npaper" ] ||
    fail "fit.csv does not hold the $npaper targets of params/targets.cfg"
  [ "$(rows "$TMP/paper/fit.csv" data params/targets/data.cfg)" -eq 0 ] ||
    fail "--paper-only kept data targets"
  [ "$(rows "$TMP/paper/fit.csv" paper params/targets.cfg)" -eq "$npaper" ] ||
    fail "--paper-only lost targets of the paper"
  expect_in "$TMP/both/calibrated.cfg" "params/targets.cfg (paper): $npaper figures"
  expect_in "$TMP/both/calibrated.cfg" "params/targets/data.cfg (data): $ndata figure"
  expect_in "$TMP/paper/calibrated.cfg" "$ndata left out by --paper-only"
  expect_in "$TMP/both/fit.md" '`params/targets/data.cfg` (data, '
  expect_in "$TMP/both/fit.md" '`rd_gdp` (data) |'
  grep -q '`rd_gdp`' "$TMP/paper/fit.md" && fail "--paper-only: fit.md shows the data target"
  return 0
}

# Several --targets files: a duplicate id names both places, a bad origin its file and line, a
# data entry without a source its entry; a base file is loaded before the file that names it.
calibrate_reports_errors_across_target_files() {
  local d=tests/data/targets/multi
  "$RELSIM" calibrate params/baseline.cfg --targets $d/paper.cfg --targets $d/dup.cfg \
    -o "$TMP/c" >"$TMP/err" 2>&1
  expect_status 2 $? "a duplicate id across files"
  expect_in "$TMP/err" "$d/dup.cfg:6: target 'p_point'"
  expect_in "$TMP/err" "$d/paper.cfg:5 has the same id"
  printf 'origin = "papers";\ntargets = ( );\n' >"$TMP/o.cfg"
  "$RELSIM" calibrate params/baseline.cfg --targets params/targets.cfg --targets "$TMP/o.cfg" \
    -o "$TMP/c" >"$TMP/err" 2>&1
  expect_status 2 $? "an unknown origin"
  expect_in "$TMP/err" "o.cfg:1: 'origin' names an unknown origin 'papers'; did you mean 'paper'?"
  "$RELSIM" calibrate params/baseline.cfg --targets $d/cycle_a.cfg -o "$TMP/c" >"$TMP/err" 2>&1
  expect_status 2 $? "a cycle of bases"
  expect_in "$TMP/err" "the base files form a cycle: $d/cycle_a.cfg -> $d/cycle_b.cfg -> $d/cycle_a.cfg"
  [ -e "$TMP/c" ] && fail "a bad target file created the output directory"
  return 0
}

# --start: the free values of a parameter file are one more start (start 2, after the base);
# from the shipped optimum the fit ends no worse than it (the costs are written to 6 digits);
# a start file that cannot be loaded is bad input, named.
calibrate_a_start_file_is_one_more_start_and_never_loses_its_cost() {
  "$RELSIM" calibrate params/baseline.cfg --starts 1 --start params/calibrated.cfg --max-iter 5 \
    -o "$TMP/s" -q >"$TMP/out" 2>&1
  expect_status 0 $? "calibrate --start"
  expect_in "$TMP/out" "2 starts, best 2"
  expect_in "$TMP/s/fit.md" "start 2 a given starting point"
  cost() { sed -n 's/^# cost: *\([0-9.eE+-]*\) .*/\1/p' "$1"; }
  local shipped now
  shipped=$(cost params/calibrated.cfg)
  now=$(cost "$TMP/s/calibrated.cfg")
  [ -n "$shipped" ] && [ -n "$now" ] || fail "no cost in the calibrated.cfg headers"
  awk -v a="$now" -v b="$shipped" 'BEGIN { exit !(a <= b + 1e-4) }' ||
    fail "started at the shipped optimum (cost $shipped), the fit ended at $now"
  "$RELSIM" calibrate params/baseline.cfg --start "$TMP/no_such.cfg" -o "$TMP/c" >"$TMP/err" 2>&1
  expect_status 2 $? "a --start file that does not exist"
  expect_in "$TMP/err" "no_such.cfg"
  [ -e "$TMP/c" ] && fail "a bad --start file created the output directory"
  return 0
}

# Ctrl-C: every start stops, the best point so far is written to DIR.partial, exit status 130;
# DIR keeps what an earlier command wrote there, whole; a later complete calibration into DIR
# removes the stale DIR.partial.
calibrate_interrupted_keeps_the_best_point_so_far() {
  "$RELSIM" run params/calibrated.cfg -o "$TMP/i" --no-plots -q
  local before
  before=$(cd "$TMP/i" && sha256sum series.csv manifest.cfg)
  "$RELSIM" calibrate params/baseline.cfg -o "$TMP/i" --starts 64 -q >"$TMP/out" 2>"$TMP/err" &
  local pid=$!
  sleep 1.5
  kill -INT "$pid"
  wait "$pid"
  expect_status 130 $? "interrupted calibration"
  [ -s "$TMP/i.partial/calibrated.partial.cfg" ] || fail "no DIR.partial/calibrated.partial.cfg"
  [ -e "$TMP/i/calibrated.cfg" ] && fail "an interrupted calibration wrote calibrated.cfg"
  [ "$(cd "$TMP/i" && sha256sum series.csv manifest.cfg)" = "$before" ] ||
    fail "an interrupted calibration changed the earlier folder"
  ls -a "$TMP" | grep -q '\.tmp\.' && fail "temporary folders left behind: $(ls -a "$TMP")"
  expect_in "$TMP/err" "i.partial/calibrated.partial.cfg"
  "$RELSIM" run "$TMP/i.partial/calibrated.partial.cfg" -o "$TMP/ir" --no-plots -q
  expect_status 0 $? "run of the partial calibration"
  "$RELSIM" calibrate params/baseline.cfg -o "$TMP/i" --starts 1 --max-iter 1 -q >"$TMP/out" 2>&1
  expect_status 0 $? "a complete calibration after the interrupted one"
  [ -e "$TMP/i.partial" ] && fail "the stale DIR.partial survived a complete calibration"
  [ -s "$TMP/i/calibrated.cfg" ] || fail "no calibrated.cfg"
  [ -e "$TMP/i/series.csv" ] && [ -e "$TMP/i/manifest.cfg" ] &&
    fail "the run's manifest.cfg survived beside the calibration's files"
  return 0
}

# --profile: after a short fit, profiles of two free parameters with the thesis scenario
# (no_regionalization by default) at every point: profiles.csv has a row per point (the grid and
# the estimate), one estimate per parameter and the thesis columns; fit.md has the Profiles
# section and, with ties.kappa_e free, the erosion rate without relief; the figure script exists.
# --thesis none leaves the columns out.
calibrate_with_profiles_writes_the_table_csv_and_figure() {
  local short=(--starts 1 --max-iter 3 -q --profile-points 3)
  "$RELSIM" calibrate params/baseline.cfg "${short[@]}" --profile ties.kappa_e,tfp.eta \
    -o "$TMP/p" >"$TMP/out" 2>&1
  expect_status 0 $? "calibrate --profile"
  expect_in "$TMP/out" "profiles of 2 parameters"
  local csv="$TMP/p/profiles.csv"
  [ -s "$csv" ] || { fail "no profiles.csv"; return; }
  expect_in "$csv" "parameter,value,cost,delta_cost,status,estimate,dR_1991_2000,dR_2001_2025,dgdp_pp_1991_2000,dgdp_pp_2001_2025"
  for p in ties.kappa_e tfp.eta; do
    local n est
    n=$(grep -c "^$p," "$csv")
    est=$(grep -c "^$p,.*,yes," "$csv")
    { [ "$n" -ge 3 ] && [ "$n" -le 4 ]; } || fail "$p: $n rows in profiles.csv, want 3 or 4"
    [ "$est" -eq 1 ] || fail "$p: $est rows marked as the estimate, want 1"
  done
  # the lower bound 0 is the first point of both (geometric grids from 0)
  grep -q '^ties.kappa_e,0.0,' "$csv" || fail "the profile of ties.kappa_e does not start at 0"
  expect_in "$TMP/p/fit.md" "## Profiles"
  expect_in "$TMP/p/fit.md" '### `ties.kappa_e`'
  expect_in "$TMP/p/fit.md" "(estimate) |"
  expect_in "$TMP/p/fit.md" "params/scenarios/no_regionalization.cfg"
  expect_in "$TMP/p/fit.md" "The erosion rate without relief."
  [ -s "$TMP/p/plots/profiles.gp" ] || fail "no plots/profiles.gp"
  "$RELSIM" calibrate params/baseline.cfg "${short[@]}" --profile tfp.eta --thesis none \
    -o "$TMP/n" >"$TMP/out" 2>&1
  expect_status 0 $? "calibrate --profile --thesis none"
  head -1 "$TMP/n/profiles.csv" | grep -q ',estimate$' || fail "--thesis none wrote thesis columns"
  return 0
}

# A --profile name that is not free, or a --thesis file that cannot be loaded, is bad input
# (exit 2) named in the message, found before any fitting: no output directory.
calibrate_profile_errors_name_the_parameter_or_file() {
  "$RELSIM" calibrate params/baseline.cfg --profile ties.kappa_e,ties.omega -o "$TMP/c" \
    >"$TMP/err" 2>&1
  expect_status 2 $? "--profile of a parameter that is not free"
  expect_in "$TMP/err" "'ties.omega' is not a free parameter of params/free.cfg"
  "$RELSIM" calibrate params/baseline.cfg --profile ties.kapa_e -o "$TMP/c" >"$TMP/err" 2>&1
  expect_status 2 $? "--profile with a typo"
  expect_in "$TMP/err" "did you mean 'ties.kappa_e'"
  "$RELSIM" calibrate params/baseline.cfg --profile ties.kappa_e --thesis "$TMP/no_such.cfg" \
    -o "$TMP/c" >"$TMP/err" 2>&1
  expect_status 2 $? "--thesis file that does not exist"
  expect_in "$TMP/err" "--thesis"
  expect_in "$TMP/err" "no_such.cfg"
  "$RELSIM" calibrate params/baseline.cfg --profile ties.kappa_e --thesis-to 2001 >"$TMP/err" 2>&1
  expect_status 2 $? "--thesis-to before the later period"
  [ -e "$TMP/c" ] && fail "a bad --profile or --thesis created the output directory"
  return 0
}

# Bands: every difference lies within its band, the band does not depend on the thread count.
compare_bands_bracket_the_differences() {
  local args=(params/calibrated.cfg params/scenarios/no_regionalization.cfg --band
              --band-params ties.kappa_e,ties.omega_s --band-points 3 -q)
  "$RELSIM" compare "${args[@]}" -o "$TMP/b1" --threads 1 >"$TMP/out" 2>&1
  expect_status 0 $? "compare --band (1 thread)"
  "$RELSIM" compare "${args[@]}" -o "$TMP/b2" --threads 2 >"$TMP/out" 2>&1
  expect_status 0 $? "compare --band (2 threads)"
  cmp -s "$TMP/b1/compare.csv" "$TMP/b2/compare.csv" || fail "the band depends on the thread count"
  grep -v '^#' "$TMP/b1/compare.csv" | awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    { n = split("value_1973 value_1990 value_2000 value_final mean_1991_2000 mean_2001_final", s, " ")
      for (k = 1; k <= n; k++) {
        d = $(c["diff_" s[k]]); lo = $(c["diff_" s[k] "_min"]); hi = $(c["diff_" s[k] "_max"])
        if (d == "") continue
        if (lo == "" || hi == "") { print "no band: " $1 " " $2 " " s[k]; bad++; continue }
        if (d + 0 < lo - 1e-12 || d + 0 > hi + 1e-12) { print "outside: " $1 " " $2 " " s[k]; bad++ }
      } }
    END { exit bad > 0 }' || fail "a difference lies outside its band"
  expect_in "$TMP/b1/compare.md" "re-calibrations had a cost within 10 %"
  # the band note names the target files it re-calibrated against (the default: both)
  expect_in "$TMP/b1/compare.md" "targets params/targets.cfg (paper) and params/targets/data.cfg (data)"
}

# The band takes the target options of relsim calibrate: --targets (repeatable) and --paper-only.
compare_band_takes_target_files_and_paper_only() {
  "$RELSIM" compare params/calibrated.cfg params/scenarios/no_bubble.cfg --band \
    --targets params/targets.cfg --targets params/targets/data.cfg --paper-only \
    --band-params ties.kappa_e --band-points 2 -q -o "$TMP/b" >"$TMP/out" 2>&1
  expect_status 0 $? "compare --band --paper-only"
  expect_in "$TMP/b/compare.md" "params/targets/data.cfg (data, left out by --paper-only)"
  "$RELSIM" compare params/calibrated.cfg params/scenarios/no_bubble.cfg --band \
    --targets params/targets/data.cfg --targets params/targets/data.cfg -o "$TMP/b2" \
    >"$TMP/out" 2>&1
  expect_status 2 $? "compare --band with a target file given twice"
  expect_in "$TMP/out" "params/targets/data.cfg: is loaded already"
}

docs_parameters_md_matches_the_registry() {
  "$RELSIM" params --format markdown >"$TMP/md"
  awk '/<!-- BEGIN relsim params -->/{on=1; next} /<!-- END relsim params -->/{on=0} on' \
    docs/parameters.md >"$TMP/doc"
  cmp -s "$TMP/md" "$TMP/doc" ||
    fail "docs/parameters.md is out of date: run scripts/update-docs.sh"
}

# Nesting: relsim 0.2 with its new terms at zero (no accelerator, no absorptive capacity, no
# share of pressure absorbed, R&D not following profits, manufacturing = the economy, no slump)
# is relsim 0.1. tests/data/v0_1/series.csv is 0.1's calibrated baseline to 2025 at rtol 1e-10,
# written by relsim 0.1 from tests/data/v0_1/manifest.cfg; the 0.2 run of the same parameters
# with the new terms at zero (nested.cfg) must agree in every column 0.1 had, to 1e-6.
the_new_model_with_its_new_terms_at_zero_reproduces_relsim_0_1() {
  "$RELSIM" run tests/data/v0_1/nested.cfg -o "$TMP/nested" --no-plots -q
  expect_status 0 $? "run of the nested 0.2 model"
  local ncol
  ncol=$(grep -v '^#' tests/data/v0_1/series.csv | head -1 | awk -F, '{ print NF }')
  [ "$ncol" -eq 24 ] || fail "0.1's series has $ncol columns, want 24"
  cut -d, -f1-"$ncol" "$TMP/nested/series.csv" >"$TMP/first_columns.csv"
  grep -v "^#" tests/data/v0_1/series.csv | head -1 | cmp -s - <(grep -v "^#" "$TMP/first_columns.csv" | head -1) ||
    fail "the first $ncol columns of 0.2's series are not 0.1's"
  same_series tests/data/v0_1/series.csv "$TMP/first_columns.csv" 1e-6 ||
    fail "the nested 0.2 model differs from relsim 0.1"
  # And a new term switched on moves the history (the test could fail).
  "$RELSIM" run tests/data/v0_1/nested.cfg --set investment.sigma_g=1 -o "$TMP/moved" --no-plots -q
  cut -d, -f1-"$ncol" "$TMP/moved/series.csv" >"$TMP/moved.csv"
  same_series tests/data/v0_1/series.csv "$TMP/moved.csv" 1e-6 >/dev/null &&
    fail "the accelerator switched on changes nothing"
  return 0
}

# The shipped calibrated baseline tells the history asked of relsim 0.2: investment peaks in
# 1969-76 and falls by at least 15 % by 1985, rises in the bubble and falls again by 1999,
# averaging below 0.33 in the 1990s; GDP growth by decade within 1.5 points of the national
# accounts (the values of params/targets/data.cfg); an atomistic Japan still catches up with
# positive growth in every decade; ties erode (kappa_e > 0), and a user's "ties erode twice as
# fast after 1991" moves them.
the_calibrated_history_has_the_shape_of_japans() {
  "$RELSIM" run params/calibrated.cfg -o "$TMP/base" --no-plots -q
  expect_status 0 $? "calibrated baseline"
  col() { awk -F, -v name="$2" '!/^#/ { for (i = 1; i <= NF; i++) if ($i == name) print i; exit }' "$1"; }
  local csv="$TMP/base/series.csv" sc gc
  sc=$(col "$csv" s); gc=$(col "$csv" gdp_growth)
  awk -F, -v sc="$sc" '!/^#/ && $1 != "year" { s[$1] = $sc }
    END { peak = 1955; for (y = 1955; y <= 2000; y++) if (s[y] > s[peak]) peak = y
          m = 0; for (y = 1991; y <= 2000; y++) m += s[y] / 10
          printf "peak %d s73 %.4f s85 %.4f s86 %.4f s90 %.4f s99 %.4f mean9100 %.4f\n",
                 peak, s[1973], s[1985], s[1986], s[1990], s[1999], m
          exit !(peak >= 1969 && peak <= 1976 && s[1985] <= 0.85 * s[1973] && s[1990] > s[1986] &&
                 s[1999] < s[1990] && m < 0.33) }' "$csv" >"$TMP/inv" ||
    fail "the investment rate has not the shape of Japan's: $(cat "$TMP/inv")"
  # decades: (ln Y(end) - ln Y(start)) / years of the model's Y against the data targets
  local yc
  yc=$(col "$csv" Y)
  for d in 1960s:1960:1970 1970s:1970:1980 1980s:1980:1990 1990s:1990:2000; do
    IFS=: read -r name y1 y2 <<<"$d"
    local want
    want=$(awk -v id="gdp_growth_$name" '$0 ~ "id = \"" id "\"" { f = 1 }
      f && /[^_]value = / { sub(/.*[^_]value = /, ""); sub(/;.*/, ""); print; exit }' params/targets/data.cfg)
    [ -n "$want" ] || fail "no data target gdp_growth_$name"
    awk -F, -v yc="$yc" -v a="$y1" -v b="$y2" -v w="$want" -v n="$name" '!/^#/ && $1 != "year" { Y[$1] = $yc }
      END { g = (log(Y[b]) - log(Y[a])) / (b - a); d = g - w; if (d < 0) d = -d
            if (d > 0.015) { printf "GDP growth %s: model %.4f, data %.4f\n", n, g, w; exit 1 } }' \
      "$csv" || fail "GDP growth of the $name more than 1.5 points from the national accounts"
  done
  # atomistic Japan: relative TFP rises, GDP grows in every decade
  "$RELSIM" run params/scenarios/atomistic_japan.cfg -o "$TMP/atom" --no-plots -q
  local ac
  ac=$(col "$TMP/atom/series.csv" a); yc=$(col "$TMP/atom/series.csv" Y)
  awk -F, -v ac="$ac" -v yc="$yc" '!/^#/ && $1 != "year" { a[$1] = $ac; Y[$1] = $yc }
    END { ok = a[2000] > a[1955]
          for (y = 1955; y < 2000; y += 10) if (!(Y[y + 10 > 2000 ? 2000 : y + 10] > Y[y])) ok = 0
          exit !ok }' "$TMP/atom/series.csv" ||
    fail "atomistic Japan does not catch up with positive growth in every decade"
  # ties erode, and faster erosion after 1991 moves them
  grep -Eq '^  kappa_e = [0-9.]*[1-9]' params/calibrated.cfg || fail "kappa_e is zero at the best fit"
  "$RELSIM" run params/scenarios/faster_erosion_1991.cfg -o "$TMP/fe" --no-plots -q
  local rc
  rc=$(col "$csv" R)
  paste -d, <(grep -v '^#' "$csv" | cut -d, -f1,"$rc") <(grep -v '^#' "$TMP/fe/series.csv" | cut -d, -f"$rc") |
    awk -F, '$1 >= 1992 && $1 <= 2000 { d = $2 - $3; if (d > m) m = d } END { exit !(m > 1e-3) }' ||
    fail "ties eroding twice as fast after 1991 do not move R"
  return 0
}

bench_reports_runs_per_second() {
  "$RELSIM" bench params/baseline.cfg -n 20 >"$TMP/out" 2>&1; expect_status 0 $? "bench"
  expect_in "$TMP/out" "runs per second"
  expect_in "$TMP/out" "RHS evaluations"
}

"$1"
if [ "$failures" -gt 0 ]; then
  echo "$1: $failures failure(s)" >&2
  exit 1
fi
echo "ok   $1"
