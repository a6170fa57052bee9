#!/usr/bin/env bash
# tests/test_compare.sh -- end-to-end tests of `relsim compare`: the files it writes, its exit
# statuses and messages, and its behaviour without gnuplot.
# Usage: tests/test_compare.sh TEST_NAME (run from the repository root; $RELSIM is the program,
# $RELSIM_TEST_TMP a scratch directory). Each test is a function named as a sentence.
set -u
RELSIM=${RELSIM:-build/relsim}
TMP=${RELSIM_TEST_TMP:-/tmp/relsim-test}/compare-cli-$1
rm -rf "$TMP" && mkdir -p "$TMP"
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_status() { # expect_status WANT GOT WHAT
  [ "$2" -eq "$1" ] || fail "$3: exit status $2, want $1"
}
expect_in() { # expect_in FILE TEXT
  grep -qF -- "$2" "$1" || fail "expected '$2' in $1: $(head -c 600 "$1")"
}
expect_file() { [ -s "$1" ] || fail "no file $1"; }

compare_writes_tables_series_and_figures() {
  "$RELSIM" compare params/calibrated.cfg params/scenarios/no_bubble.cfg -o "$TMP/cmp" \
    >"$TMP/out" 2>"$TMP/err"
  expect_status 0 $? "relsim compare"
  for f in compare.csv compare.md calibrated/series.csv no_bubble/series.csv \
           plots/overview.gp plots/gdp_growth.gp plots/R_relational.gp plots/r.gp; do
    expect_file "$TMP/cmp/$f"
  done
  expect_in "$TMP/out" "compared 2 scenarios"
  expect_in "$TMP/cmp/compare.md" "no_bubble"
  # one row per scenario and indicator, after the comment lines and the header
  local rows ncol
  rows=$(grep -vc '^#' "$TMP/cmp/compare.csv")
  ncol=$(grep -v '^#' "$TMP/cmp/calibrated/series.csv" | head -1 | tr ',' '\n' | wc -l)
  local want=$((2 * (ncol - 1) + 1))
  [ "$rows" -eq "$want" ] || fail "compare.csv: $rows lines besides comments, want $want"
  # the default span of the reference (2000): no projection, no JCER line
  grep -q "JCER" "$TMP/cmp/compare.md" && fail "a run to 2000 mentions the JCER forecast"
  if command -v gnuplot >/dev/null; then
    for f in overview gdp_growth a; do
      expect_file "$TMP/cmp/plots/$f.png"
      expect_file "$TMP/cmp/plots/$f.pdf"
    done
    [ -s "$TMP/err" ] && fail "unexpected messages: $(cat "$TMP/err")"
  fi
  # --to 2025 and a quiet run: the JCER forecast appears, nothing on stdout
  "$RELSIM" compare params/calibrated.cfg params/scenarios/no_bubble.cfg --to 2025 -q \
    --threads 2 -o "$TMP/cmp25" >"$TMP/out" 2>"$TMP/err"
  expect_status 0 $? "relsim compare --to 2025"
  [ -s "$TMP/out" ] && fail "-q printed: $(cat "$TMP/out")"
  expect_in "$TMP/cmp25/compare.md" "JCER forecast"
  expect_in "$TMP/cmp25/compare.md" "| 2005–2015 | -0.10 |"
  for f in gdp_growth overview; do
    expect_in "$TMP/cmp25/plots/$f.gp" "JCER forecast, sec. 6 (period averages)"
    expect_in "$TMP/cmp25/plots/$f.gp" "JCER, alternative reading (falling 0.1/0.2 pt a year)"
  done
  expect_in "$TMP/cmp25/compare.csv" "calibrated,gdp_growth,1/yr,2025,"
}

compare_help_and_usage_errors() {
  "$RELSIM" compare --help >"$TMP/out" 2>&1
  expect_status 0 $? "relsim compare --help"
  for opt in "--to YEAR" "--forecast FILE" "--threads T" "--band" "--band-base FILE" "--targets FILE" \
             "--free FILE" "--band-params" "--band-points N" "--band-tolerance X" "-q"; do
    expect_in "$TMP/out" "$opt"
  done
  "$RELSIM" compare >"$TMP/out" 2>&1
  expect_status 2 $? "relsim compare without files"
  expect_in "$TMP/out" "no scenario files"
  "$RELSIM" compare params/calibrated.cfg --frobnicate >"$TMP/out" 2>&1
  expect_status 2 $? "an unknown option"
  expect_in "$TMP/out" "--frobnicate"
  "$RELSIM" compare params/calibrated.cfg --to 1800 >"$TMP/out" 2>&1
  expect_status 2 $? "--to 1800"
  "$RELSIM" compare params/calibrated.cfg --threads 0 >"$TMP/out" 2>&1
  expect_status 2 $? "--threads 0"
  "$RELSIM" compare params/calibrated.cfg --band-points 1 >"$TMP/out" 2>&1
  expect_status 2 $? "--band-points 1"
  "$RELSIM" compare params/calibrated.cfg params/scenarios/no_bubble.cfg --band \
    --targets "$TMP/no_targets.cfg" -o "$TMP/b" \
    >"$TMP/out" 2>&1
  expect_status 2 $? "--band with a targets file that cannot be read"
  expect_in "$TMP/out" "$TMP/no_targets.cfg"
}

an_unknown_scenario_file_exits_2_naming_it() {
  "$RELSIM" compare params/calibrated.cfg params/scenarios/no_such_thing.cfg -o "$TMP/cmp" \
    >"$TMP/out" 2>&1
  expect_status 2 $? "an unknown scenario file"
  expect_in "$TMP/out" "params/scenarios/no_such_thing.cfg"
  [ -e "$TMP/cmp/compare.csv" ] && fail "a failed comparison wrote compare.csv"
  return 0
}

a_bad_setting_exits_2_with_file_and_line() {
  printf 'base = "%s/params/calibrated.cfg";\n\nties = { kappa_e = -3.0; };\n' "$PWD" \
    >"$TMP/bad.cfg"
  "$RELSIM" compare params/calibrated.cfg "$TMP/bad.cfg" -o "$TMP/cmp" >"$TMP/out" 2>&1
  expect_status 2 $? "an out-of-range setting"
  expect_in "$TMP/out" "$TMP/bad.cfg:3"
  expect_in "$TMP/out" "kappa_e"
}

# Run from a directory without params/data/jcer_forecast.csv (the default is relative to the
# working directory, like the other default files): the comparison goes on without it.
a_missing_default_forecast_gives_one_warning_and_no_forecast() {
  local relsim root
  relsim=$(cd "$(dirname "$RELSIM")" && pwd)/$(basename "$RELSIM")
  root=$PWD
  (cd "$TMP" && RELSIM_GNUPLOT=/nonexistent "$relsim" compare "$root/params/calibrated.cfg" \
    "$root/params/scenarios/no_bubble.cfg" --to 2025 -q -o cmp >out 2>err)
  expect_status 0 $? "relsim compare without the default forecast file"
  [ "$(grep -c "jcer_forecast.csv" "$TMP/err")" -eq 1 ] ||
    fail "want the missing forecast said once: $(cat "$TMP/err")"
  expect_in "$TMP/err" "warning: params/data/jcer_forecast.csv: no such file"
  expect_in "$TMP/err" "--forecast FILE"
  expect_file "$TMP/cmp/compare.md"
  grep -q "JCER" "$TMP/cmp/compare.md" && fail "compare.md has a forecast it could not read"
  grep -qF '$jcer' "$TMP/cmp/plots/gdp_growth.gp" && fail "gdp_growth.gp draws a forecast"
  grep -q "JCER" "$TMP/cmp/plots/gdp_growth.gp" && fail "gdp_growth.gp mentions a forecast"
  # a run to 2000 would not draw it: nothing to say
  (cd "$TMP" && RELSIM_GNUPLOT=/nonexistent "$relsim" compare "$root/params/calibrated.cfg" \
    -q -o cmp2000 >out 2>err)
  expect_status 0 $? "relsim compare to 2000 without the default forecast file"
  grep -q "forecast" "$TMP/err" && fail "a run to 2000 warned about the forecast: $(cat "$TMP/err")"
  return 0
}

a_named_forecast_file_must_exist_and_be_well_formed() {
  "$RELSIM" compare params/calibrated.cfg --to 2025 --forecast "$TMP/none.csv" -o "$TMP/cmp" \
    >"$TMP/out" 2>&1
  expect_status 2 $? "a --forecast file that does not exist"
  expect_in "$TMP/out" "$TMP/none.csv"
  [ -e "$TMP/cmp/compare.csv" ] && fail "a missing forecast file still wrote compare.csv"
  printf '# quote: q\nreading,from,to,growth_start,growth_end\nnatural,2000,2005,0,0\nnatural,2005,2015,0.1%%,0.1%%\n' \
    >"$TMP/bad.csv"
  "$RELSIM" compare params/calibrated.cfg --to 2025 --forecast "$TMP/bad.csv" -o "$TMP/cmp" \
    >"$TMP/out" 2>&1
  expect_status 2 $? "a malformed --forecast file"
  expect_in "$TMP/out" "$TMP/bad.csv:4: growth_start '0.1%' is not a number"
  [ -e "$TMP/cmp/compare.csv" ] && fail "a malformed forecast file still wrote compare.csv"
  # a good one is drawn instead of the default
  printf '# quote: the fixture of the test\nreading,from,to,growth_start,growth_end\nnatural,2000,2025,0.004,0.004\n' \
    >"$TMP/good.csv"
  RELSIM_GNUPLOT=/nonexistent "$RELSIM" compare params/calibrated.cfg --to 2025 \
    --forecast="$TMP/good.csv" -q -o "$TMP/cmp" >"$TMP/out" 2>&1
  expect_status 0 $? "a --forecast file of one's own"
  expect_in "$TMP/cmp/compare.md" "the fixture of the test"
  expect_in "$TMP/cmp/compare.md" "| 2000–2025 | 0.40 |"
  expect_in "$TMP/cmp/plots/gdp_growth.gp" "2025,0.4"
  grep -qF '$jcer_alt' "$TMP/cmp/plots/gdp_growth.gp" &&
    fail "a file without the alternative reading drew one"
  grep -q "alternative reading" "$TMP/cmp/plots/gdp_growth.gp" &&
    fail "a file without the alternative reading has it in the key"
  return 0
}

without_gnuplot_tables_and_scripts_are_written_with_one_warning() {
  RELSIM_GNUPLOT=/nonexistent "$RELSIM" compare params/calibrated.cfg \
    params/scenarios/no_bubble.cfg -o "$TMP/cmp" >"$TMP/out" 2>"$TMP/err"
  expect_status 0 $? "relsim compare without gnuplot"
  for f in compare.csv compare.md plots/overview.gp plots/gdp_growth.gp; do
    expect_file "$TMP/cmp/$f"
  done
  [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "want one line on stderr: $(cat "$TMP/err")"
  expect_in "$TMP/err" "warning"
  expect_in "$TMP/err" "gnuplot"
  ls "$TMP/cmp/plots/"*.png >/dev/null 2>&1 && fail "images without gnuplot"
  return 0
}

the_figure_scripts_rerun_standalone() {
  command -v gnuplot >/dev/null || { echo "gnuplot not installed: skipped"; return 0; }
  RELSIM_GNUPLOT=/nonexistent "$RELSIM" compare params/calibrated.cfg \
    params/scenarios/no_regionalization.cfg --to 2025 -q -o "$TMP/cmp" >/dev/null 2>&1
  expect_status 0 $? "relsim compare"
  (cd "$TMP/cmp/plots" && gnuplot overview.gp && gnuplot gdp_growth.gp && gnuplot G.gp) \
    >"$TMP/out" 2>&1
  expect_status 0 $? "gnuplot on the scripts: $(head -c 400 "$TMP/out")"
  for f in overview gdp_growth G; do
    expect_file "$TMP/cmp/plots/$f.png"
    expect_file "$TMP/cmp/plots/$f.pdf"
  done
  [ -s "$TMP/out" ] && fail "gnuplot warned: $(head -c 400 "$TMP/out")"
  return 0
}

"$1"
[ "$failures" -eq 0 ]
