#!/usr/bin/env bash
# tests/test_hardening.sh -- results are never mixed or lost, and every input is bounded: output
# folders replaced whole (failures, signals, kills, a full disk, concurrent writers), only regular
# files within a size cap read, integers beyond 32 bits refused, names escaped in manifests,
# thread counts capped, byte-identical PDFs.
# Usage: tests/test_hardening.sh TEST_NAME (from the repository root; $RELSIM is the program,
# $RELSIM_TEST_TMP a scratch directory). Each test is a function named as a sentence.
set -u
RELSIM=${RELSIM:-build/relsim}
RELSIM=$(cd "$(dirname "$RELSIM")" && pwd)/$(basename "$RELSIM")
ROOT=$(pwd)
TMP=${RELSIM_TEST_TMP:-/tmp/relsim-test}/hard-$1
rm -rf "$TMP" && mkdir -p "$TMP"
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_status() { # expect_status WANT GOT WHAT
  [ "$2" -eq "$1" ] || fail "$3: exit status $2, want $1"
}
expect_in() { # expect_in FILE TEXT
  grep -qF -- "$2" "$1" || fail "expected '$2' in $1: $(head -c 600 "$1")"
}
# The checksums of every file of a folder (relative names), one line each, sorted.
tree_sums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum); }
# No temporary file or folder of relsim's beside or inside DIR's parent.
no_temporaries() { # no_temporaries PARENT
  local left
  left=$(find "$1" -name '*.tmp.*' 2>/dev/null | head -3)
  [ -z "$left" ] || fail "temporary files left behind: $left"
}
# A scenario file over the calibrated baseline, with extra lines.
scenario() { # scenario FILE LINES...
  local f=$1
  shift
  { echo "base = \"$ROOT/params/calibrated.cfg\";"; printf '%s\n' "$@"; } >"$f"
}
# A target file with one series target reading FILE (and its own origin), for calibrate.
series_targets() { # series_targets TARGETS.cfg SERIES_FILE
  cat >"$1" <<EOF
origin = "data";
targets = (
  { id = "s_series"; section = "data: test"; quote = "a test series"; paper_value = "-";
    source = "the test suite"; kind = "series"; indicator = "s"; file = "$2"; scale = 0.02; }
);
EOF
}

# ---- whole folders -------------------------------------------------------------------------

# A run that fails (here: too few steps) leaves every file of the earlier folder as it was; a
# later run that succeeds replaces the folder whole, so its figures of the earlier run are gone.
a_failed_run_leaves_the_earlier_folder_whole() {
  "$RELSIM" run params/calibrated.cfg -q -o "$TMP/D"
  expect_status 0 $? "first run"
  local before
  before=$(tree_sums "$TMP/D")
  echo x >"$TMP/D/plots/overview.png.keep" # a stray file inside is removed by a later success
  before=$(tree_sums "$TMP/D")
  "$RELSIM" run params/calibrated.cfg --set solver.max_steps=10 -q -o "$TMP/D" 2>"$TMP/err"
  expect_status 1 $? "a run that fails"
  [ "$(tree_sums "$TMP/D")" = "$before" ] || fail "the failed run changed the earlier folder"
  no_temporaries "$TMP"
  "$RELSIM" run params/calibrated.cfg --no-plots -q -o "$TMP/D"
  expect_status 0 $? "a run without figures"
  [ -e "$TMP/D/plots" ] && fail "figures of the earlier run stayed beside the new series"
  [ -s "$TMP/D/series.csv" ] && [ -s "$TMP/D/manifest.cfg" ] || fail "no series or manifest"
  return 0
}

# relsim replaces only folders it wrote: a folder with other files, a file, "." are refused
# before any work, with a message; --no-clobber refuses any existing non-empty folder; -o ''
# is bad input before the model runs.
only_relsims_own_folders_are_replaced() {
  mkdir -p "$TMP/mine" && echo precious >"$TMP/mine/notes.txt"
  "$RELSIM" run params/calibrated.cfg -q -o "$TMP/mine" 2>"$TMP/err"
  expect_status 1 $? "a folder of someone else's"
  expect_in "$TMP/err" "holds files relsim did not write"
  [ "$(cat "$TMP/mine/notes.txt")" = precious ] || fail "a user's file was touched"
  echo x >"$TMP/afile"
  "$RELSIM" run params/calibrated.cfg -q -o "$TMP/afile" 2>"$TMP/err"
  expect_status 1 $? "a file as the output folder"
  expect_in "$TMP/err" "is not a folder"
  (cd "$TMP/mine" && "$RELSIM" run "$ROOT/params/calibrated.cfg" -q -o . 2>"$TMP/err")
  expect_status 2 $? "-o ."
  "$RELSIM" run params/calibrated.cfg -q --no-plots -o "$TMP/ok"
  "$RELSIM" run params/calibrated.cfg -q --no-plots --no-clobber -o "$TMP/ok" 2>"$TMP/err"
  expect_status 1 $? "--no-clobber on an existing folder"
  expect_in "$TMP/err" "--no-clobber"
  "$RELSIM" run params/calibrated.cfg -q -o '' 2>"$TMP/err"
  expect_status 2 $? "-o ''"
  expect_in "$TMP/err" "empty"
  return 0
}

# A second writer of the same folder fails at once with a message while the first holds it;
# twenty pairs of concurrent runs with different settings never leave a series of one run beside
# the manifest of the other (the manifest reproduces the series in the folder).
concurrent_writers_never_mix_a_folder() {
  local i mixed=0
  for i in $(seq 1 20); do
    "$RELSIM" run params/calibrated.cfg --set tfp.lambda=0.05 --no-plots -q -o "$TMP/C" 2>/dev/null &
    "$RELSIM" run params/calibrated.cfg --set tfp.lambda=0.02 --no-plots -q -o "$TMP/C" 2>/dev/null &
    wait
    "$RELSIM" run "$TMP/C/manifest.cfg" --no-plots -q -o "$TMP/R" || fail "manifest $i"
    cmp -s "$TMP/C/series.csv" "$TMP/R/series.csv" || mixed=$((mixed + 1))
  done
  [ "$mixed" -eq 0 ] || fail "$mixed of 20 folders mixed the series of one run with the other's manifest"
  # the lock: hold it with flock(1) and try to write
  if command -v flock >/dev/null; then
    flock "$TMP/.C.lock" -c "\"$RELSIM\" run params/calibrated.cfg -q -o \"$TMP/C\" 2>\"$TMP/err\"; echo \$? >\"$TMP/rc\""
    [ "$(cat "$TMP/rc")" = 1 ] || fail "a second writer did not fail while the lock was held"
    expect_in "$TMP/err" "another relsim is writing this folder"
  fi
  no_temporaries "$TMP"
  return 0
}

# On a full disk (a 64 KiB tmpfs; needs root and mount, skipped otherwise) a run fails with
# exit 1 and leaves the earlier folder whole, or nothing at all on a first run.
a_full_disk_leaves_the_earlier_folder_or_nothing() {
  mkdir -p "$TMP/F"
  if ! mount -t tmpfs -o size=256k tmpfs "$TMP/F" 2>/dev/null; then
    echo "skip: cannot mount a small tmpfs here (needs root)"
    return 0
  fi
  "$RELSIM" run params/calibrated.cfg --no-plots -q -o "$TMP/F/D"
  expect_status 0 $? "a run that fits"
  local before
  before=$(tree_sums "$TMP/F/D")
  dd if=/dev/zero of="$TMP/F/fill" bs=1k count=200 2>/dev/null
  "$RELSIM" run params/calibrated.cfg --no-plots -q --set tfp.lambda=0.05 -o "$TMP/F/D" 2>"$TMP/err"
  expect_status 1 $? "a run on a full disk"
  [ "$(tree_sums "$TMP/F/D")" = "$before" ] || fail "the full disk mixed the folder"
  "$RELSIM" run params/calibrated.cfg -q -o "$TMP/F/E" 2>"$TMP/err"
  expect_status 1 $? "a first run on a full disk"
  [ -e "$TMP/F/E" ] && fail "a failed first run left a folder: $(ls -A "$TMP/F/E")"
  no_temporaries "$TMP/F"
  umount "$TMP/F"
  return 0
}

# An unwritable folder (a read-only tmpfs as root, who may write anywhere else; chmod 0555
# otherwise): exit 1 with a message naming it, and nothing written.
an_unwritable_folder_is_a_clear_error() {
  mkdir -p "$TMP/ro"
  local mounted=0
  if [ "$(id -u)" -eq 0 ]; then
    if ! mount -t tmpfs -o ro,size=64k tmpfs "$TMP/ro" 2>/dev/null; then
      echo "skip: root cannot mount a read-only tmpfs here"
      return 0
    fi
    mounted=1
  else
    chmod 0555 "$TMP/ro"
  fi
  "$RELSIM" run params/calibrated.cfg -q -o "$TMP/ro/D" 2>"$TMP/err"
  expect_status 1 $? "an unwritable folder"
  expect_in "$TMP/err" "$TMP/ro"
  [ -z "$(ls -A "$TMP/ro")" ] || fail "something was written: $(ls -A "$TMP/ro")"
  [ "$mounted" = 1 ] && umount "$TMP/ro"
  return 0
}

# SIGINT or SIGTERM during compare --band (the long re-calibrations) exits 130 and leaves the
# earlier folder whole, with no temporary files.
compare_interrupted_leaves_the_earlier_folder_whole() {
  local sc=params/scenarios/no_regionalization.cfg
  "$RELSIM" compare params/calibrated.cfg "$sc" -q -o "$TMP/cmp"
  expect_status 0 $? "compare"
  local before sig
  before=$(tree_sums "$TMP/cmp")
  for sig in INT TERM; do
    "$RELSIM" compare params/calibrated.cfg "$sc" --band -q -o "$TMP/cmp" 2>"$TMP/err" &
    local pid=$!
    sleep 1.5
    kill -"$sig" "$pid"
    wait "$pid"
    expect_status 130 $? "compare --band after SIG$sig"
    [ "$(tree_sums "$TMP/cmp")" = "$before" ] || fail "SIG$sig changed the earlier folder"
    no_temporaries "$TMP"
  done
  return 0
}

# kill -9 at random moments of a command writing into a folder that holds its earlier results:
# each time the folder is the complete old one or a complete new one (checked by is_complete),
# never a mix. Prints the counts.
kill_trials() { # kill_trials N DIR IS_COMPLETE COMMAND...
  local n=$1 dir=$2 complete=$3 t old=0 new=0 mixed=0
  shift 3
  local t0 t1 sums
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  sums=$(tree_sums "$dir")
  local inode
  inode=$(stat -c %i "$dir")
  for t in $(seq 1 "$n"); do
    "$@" >/dev/null 2>&1 &
    local pid=$!
    # a moment anywhere in the command's life, its last phase (writing the folder) included
    sleep "$(awk -v s="$t$n" -v d="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
      'BEGIN { srand(s); printf "%.3f", 0.02 + 1.6 * d * rand() }')"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    # the same folder (inode) with the same files is the old one; a swapped-in folder is a new
    # inode (its files may equal the old ones byte for byte: the runs are deterministic)
    if [ "$(stat -c %i "$dir")" = "$inode" ] && [ "$(tree_sums "$dir")" = "$sums" ]; then
      old=$((old + 1))
    elif [ "$(stat -c %i "$dir")" != "$inode" ] && "$complete" "$dir"; then
      new=$((new + 1))
      sums=$(tree_sums "$dir")
      inode=$(stat -c %i "$dir")
    else
      mixed=$((mixed + 1))
      ls -la "$dir" >&2
    fi
  done
  echo "$(basename "$dir"): $n kills, $old old folders, $new new, $mixed mixed"
  [ "$mixed" -eq 0 ] || fail "$mixed of $n kills left a mixed folder in $dir"
  # a kill leaves the temporary folder; the next complete run removes it
  "$@" >/dev/null 2>&1
  "$complete" "$dir" || fail "the run after the kills did not complete"
}
calibration_complete() {
  [ -s "$1/fit.md" ] && [ -s "$1/calibrated.cfg" ] && [ -s "$1/fit.csv" ] &&
    [ -s "$1/series.csv" ] && [ -e "$1/.relsim-output" ] && [ -z "$(find "$1" -name '*.tmp.*')" ]
}
comparison_complete() {
  [ -s "$1/compare.md" ] && [ -s "$1/compare.csv" ] && [ -e "$1/.relsim-output" ] &&
    grep -q band "$1/compare.csv" && [ -z "$(find "$1" -name '*.tmp.*')" ]
}

# RELSIM_KILL_TRIALS kills of each of calibrate and compare --band (default 4; scripts/kill-
# trials.sh runs 30 of each and reports the counts).
kill_at_random_leaves_an_old_or_a_new_folder() {
  local n=${RELSIM_KILL_TRIALS:-4}
  kill_trials "$n" "$TMP/cal" calibration_complete \
    "$RELSIM" calibrate params/baseline.cfg --starts 2 --max-iter 3 -q -o "$TMP/cal"
  kill_trials "$n" "$TMP/cmp" comparison_complete \
    "$RELSIM" compare params/calibrated.cfg params/scenarios/no_regionalization.cfg --band \
    --band-params ties.kappa_e --band-points 2 -q -o "$TMP/cmp"
  no_temporaries "$TMP"
  return 0
}

# ---- bounded inputs ------------------------------------------------------------------------

# FIFOs, devices and directories are refused at once (no hang) as a parameter file, a base, an
# @include and a series file; /dev/zero as a series does not spin.
only_regular_files_are_read() {
  mkfifo "$TMP/fifo.cfg" "$TMP/fifo.csv"
  local out=(-q --no-plots -o "$TMP/o")
  timeout 20 "$RELSIM" run "$TMP/fifo.cfg" "${out[@]}" 2>"$TMP/err"
  expect_status 2 $? "a FIFO as the parameter file"
  expect_in "$TMP/err" "a FIFO, not a regular file"
  echo "base = \"fifo.cfg\";" >"$TMP/b.cfg"
  timeout 20 "$RELSIM" run "$TMP/b.cfg" "${out[@]}" 2>"$TMP/err"
  expect_status 2 $? "a FIFO as a base"
  expect_in "$TMP/err" "a FIFO"
  scenario "$TMP/i.cfg" '@include "fifo.cfg"'
  timeout 20 "$RELSIM" run "$TMP/i.cfg" "${out[@]}" 2>"$TMP/err"
  expect_status 2 $? "a FIFO as an @include"
  expect_in "$TMP/err" "@include \"fifo.cfg\""
  "$RELSIM" run /dev/null "${out[@]}" 2>"$TMP/err"
  expect_status 2 $? "a device as the parameter file"
  expect_in "$TMP/err" "character device"
  "$RELSIM" run "$TMP" "${out[@]}" 2>"$TMP/err"
  expect_status 2 $? "a directory as the parameter file"
  local src
  for src in "$TMP/fifo.csv" /dev/zero; do
    series_targets "$TMP/t.cfg" "$src"
    timeout 20 "$RELSIM" calibrate params/baseline.cfg --targets "$TMP/t.cfg" --starts 1 \
      --max-iter 1 -q -o "$TMP/c" 2>"$TMP/err"
    expect_status 2 $? "$src as a series file"
    expect_in "$TMP/err" "not a regular file"
  done
  return 0
}

# Files beyond the size cap are refused with the cap in the message; --max-input-mb raises it.
input_files_are_capped_in_size() {
  scenario "$TMP/big.cfg" "# $(head -c 1100000 /dev/zero | tr '\0' x)"
  "$RELSIM" run "$TMP/big.cfg" -q --no-plots -o "$TMP/o" 2>"$TMP/err"
  expect_status 2 $? "a 1.1 MB parameter file"
  expect_in "$TMP/err" "more than the 1 MiB"
  "$RELSIM" --max-input-mb 2 run "$TMP/big.cfg" -q --no-plots -o "$TMP/o"
  expect_status 0 $? "--max-input-mb 2"
  RELSIM_MAX_INPUT_MB=2 "$RELSIM" run "$TMP/big.cfg" -q --no-plots -o "$TMP/o"
  expect_status 0 $? "RELSIM_MAX_INPUT_MB=2"
}

# A CSV line with a NUL byte is an error naming the file and the line.
a_nul_byte_in_a_series_is_an_error() {
  printf 'year,value\n1960,0.30\n1961,0.3\0001\n1962,0.32\n' >"$TMP/nul.csv"
  series_targets "$TMP/t.cfg" "$TMP/nul.csv"
  "$RELSIM" calibrate params/baseline.cfg --targets "$TMP/t.cfg" --starts 1 --max-iter 1 -q \
    -o "$TMP/c" 2>"$TMP/err"
  expect_status 2 $? "a NUL byte"
  expect_in "$TMP/err" "nul.csv:3: a NUL byte"
}

# Integer literals beyond 32 bits are refused (libconfig 1.5 would wrap 4294969251 to 1955), in
# a scalar, an integer setting, an event year, a target file and a free set; a 64-bit literal
# with L and a float are read as written.
integers_beyond_32_bits_are_refused() {
  local out=(-q --no-plots -o "$TMP/o")
  scenario "$TMP/a.cfg" "span = { start = 4294969251; };"
  "$RELSIM" run "$TMP/a.cfg" "${out[@]}" 2>"$TMP/err"
  expect_status 2 $? "span.start = 2^32 + 1955"
  expect_in "$TMP/err" "a.cfg:2: the integer 4294969251 does not fit in 32 bits"
  scenario "$TMP/b.cfg" "solver = { max_steps = 4294972296; };"
  "$RELSIM" run "$TMP/b.cfg" "${out[@]}" 2>"$TMP/err"
  expect_status 2 $? "max_steps beyond 32 bits"
  expect_in "$TMP/err" "4294972296"
  scenario "$TMP/c.cfg" 'events = { oil1 = { start = 4294969269; }; };'
  "$RELSIM" run "$TMP/c.cfg" "${out[@]}" 2>"$TMP/err"
  expect_status 2 $? "an event year beyond 32 bits"
  scenario "$TMP/d.cfg" "span = { start = 0x100000000; };"
  "$RELSIM" run "$TMP/d.cfg" "${out[@]}" 2>"$TMP/err"
  expect_status 2 $? "a hexadecimal literal beyond 32 bits"
  printf 'origin = "data";\ntargets = ( { id = "x"; section = "data: t"; quote = "q"; source = "s"; paper_value = "-";\n  kind = "point"; indicator = "s"; year = 4294969261; value = 0.3; scale = 0.01; } );\n' >"$TMP/t.cfg"
  "$RELSIM" calibrate params/baseline.cfg --targets "$TMP/t.cfg" --starts 1 -q -o "$TMP/c" 2>"$TMP/err"
  expect_status 2 $? "a target year beyond 32 bits"
  expect_in "$TMP/err" "t.cfg:3: the integer 4294969261"
  printf 'free = ( { name = "tfp.lambda"; lower = 0; upper = 4294967297; } );\n' >"$TMP/f.cfg"
  "$RELSIM" calibrate params/baseline.cfg --free "$TMP/f.cfg" --starts 1 -q -o "$TMP/c" 2>"$TMP/err"
  expect_status 2 $? "a free-set bound beyond 32 bits"
  expect_in "$TMP/err" "f.cfg:1: the integer 4294967297"
  scenario "$TMP/e.cfg" "solver = { max_steps = 6000L; };" "# 99999999999 in a comment" \
    'tag = "4294969251";'
  "$RELSIM" run "$TMP/e.cfg" "${out[@]}" 2>"$TMP/err"
  # tag is no setting: the error must be about it, not about a number in a string or comment
  expect_in "$TMP/err" "tag"
  return 0
}

# @include resolves against the including file's folder, whatever the working directory.
include_resolves_against_the_including_file() {
  mkdir -p "$TMP/sub"
  scenario "$TMP/sub/main.cfg" '@include "part.cfg"'
  echo 'span = { end = 1990.0; };' >"$TMP/sub/part.cfg"
  (cd / && "$RELSIM" run "$TMP/sub/main.cfg" -q --no-plots -o "$TMP/o")
  expect_status 0 $? "an @include run from /"
  tail -n 1 "$TMP/o/series.csv" | grep -q '^1990' || fail "the included span.end was not applied"
  scenario "$TMP/sub/bad.cfg" '@include "missing.cfg"'
  "$RELSIM" run "$TMP/sub/bad.cfg" -q --no-plots -o "$TMP/o" 2>"$TMP/err"
  expect_status 2 $? "an @include of a missing file"
  expect_in "$TMP/err" "bad.cfg:2: @include \"missing.cfg\""
  expect_in "$TMP/err" "No such file"
}

# A line break in an input file's name is escaped in the manifest, which still reloads and
# reproduces the run.
a_newline_in_a_file_name_keeps_the_manifest_loadable() {
  local d="$TMP/a
b"
  mkdir -p "$d"
  scenario "$d/s.cfg" 'tfp = { lambda = 0.03; };'
  "$RELSIM" run "$d/s.cfg" -q --no-plots -o "$TMP/o"
  expect_status 0 $? "a run from a folder with a line break in its name"
  "$RELSIM" run "$TMP/o/manifest.cfg" -q --no-plots -o "$TMP/r"
  expect_status 0 $? "reloading its manifest"
  cmp -s "$TMP/o/series.csv" "$TMP/r/series.csv" || fail "the manifest does not reproduce the run"
}

# Events far outside any run, or pulses shorter than 1e-4 yr, are bad input (exit 2); two edges
# 2e-13 apart are one edge and the run succeeds.
events_are_validated_and_close_edges_merged() {
  local out=(-q --no-plots -o "$TMP/o")
  scenario "$TMP/a.cfg" 'events = { x = { shape = "step"; channel = "erosion"; start = 1e308; magnitude = 0.5; }; };'
  "$RELSIM" run "$TMP/a.cfg" "${out[@]}" 2>"$TMP/err"
  expect_status 2 $? "an event at 1e308"
  expect_in "$TMP/err" "must lie in [1800, 2400]"
  scenario "$TMP/b.cfg" 'events = { x = { shape = "pulse"; channel = "erosion"; start = 1990.0; end = 1990.0000000000002; magnitude = 0.5; }; };'
  "$RELSIM" run "$TMP/b.cfg" "${out[@]}" 2>"$TMP/err"
  expect_status 2 $? "a pulse 2e-13 yr long"
  expect_in "$TMP/err" "must last at least"
  scenario "$TMP/c.cfg" 'events = { x = { shape = "step"; channel = "erosion"; start = 1990.0; magnitude = 0.5; };' \
    '  y = { shape = "step"; channel = "erosion"; start = 1990.0000000000002; magnitude = 0.5; }; };'
  "$RELSIM" run "$TMP/c.cfg" "${out[@]}" 2>"$TMP/err"
  expect_status 0 $? "two edges 2e-13 apart"
}

# --set reads values as a file does: spaces on either side, subnormal numbers; an error the
# overrides cause says so; calibrate and posterior refuse a 257th --set instead of ignoring it.
set_values_parse_like_file_values() {
  local out=(-q --no-plots -o "$TMP/o") s
  for s in ' tfp.lambda=0.05' 'tfp.lambda=0.05 ' 'tfp.lambda = 0.05' 'ties.omega=4e-320'; do
    "$RELSIM" run params/calibrated.cfg --set "$s" "${out[@]}" 2>"$TMP/err"
    expect_status 0 $? "--set '$s'"
  done
  "$RELSIM" run params/calibrated.cfg --set investment.s0=0.2 --set initial.s=0.99 "${out[@]}" \
    2>"$TMP/err"
  expect_status 2 $? "--set breaking a constraint"
  expect_in "$TMP/err" "--set"
  local sets=()
  for s in $(seq 1 257); do sets+=(--set tfp.lambda=0.05); done
  local cmd
  for cmd in calibrate posterior; do
    "$RELSIM" "$cmd" params/baseline.cfg "${sets[@]}" -q -o "$TMP/c" 2>"$TMP/err"
    expect_status 2 $? "$cmd with 257 --set options"
    expect_in "$TMP/err" "$cmd: at most 256 --set"
  done
  return 0
}

# Calibration input errors say why: a choice setting in a free set (not "did you mean" the same
# name), a point target off the output grid (the first start's own reason, not "check the base
# scenario"), a weight that would overflow the cost.
calibration_errors_say_why() {
  printf 'free = ( { name = "solver.method"; } );\n' >"$TMP/f.cfg"
  "$RELSIM" calibrate params/baseline.cfg --free "$TMP/f.cfg" --starts 1 -q -o "$TMP/c" 2>"$TMP/err"
  expect_status 2 $? "solver.method as a free parameter"
  expect_in "$TMP/err" "a choice or an integer setting"
  grep -q "did you mean 'solver.method'" "$TMP/err" && fail "suggested the same name"
  printf 'free = ( { name = "tfp.lambda"; }, { name = "investment.s0"; } );\n' >"$TMP/f2.cfg"
  local year weight
  for year in 1970.5 1970; do
    for weight in 1.0 1e308; do
      printf 'origin = "paper";\ntargets = ( { id = "a"; section = "2"; quote = "q"; paper_value = "35 %%";\n  kind = "point"; indicator = "s"; year = %s; value = 0.35; scale = 0.02; weight = %s; } );\n' \
        "$year" "$weight" >"$TMP/t.cfg"
      "$RELSIM" calibrate params/baseline.cfg --targets "$TMP/t.cfg" --free "$TMP/f2.cfg" \
        --starts 1 -q -o "$TMP/c" 2>"$TMP/err"
      case "$year/$weight" in
        1970.5/1.0) expect_status 1 $? "a point target off the grid"
          expect_in "$TMP/err" "is not on the output grid" ;;
        */1e308) expect_status 2 $? "weight 1e308"
          expect_in "$TMP/err" "must be at most 1e6" ;;
        *) expect_status 0 $? "a point target on the grid" ;;
      esac
    done
  done
  return 0
}

# ---- determinism -----------------------------------------------------------------------------

# Two identical runs give byte-identical folders, PDFs included (cairo's creation date fixed);
# a huge OMP_NUM_THREADS does not crash compare, and --threads is honoured.
outputs_are_byte_identical_and_threads_capped() {
  if ! command -v gnuplot >/dev/null; then
    echo "skip: no gnuplot"
    return 0
  fi
  "$RELSIM" run params/calibrated.cfg -q -o "$TMP/p1"
  sleep 1.1
  "$RELSIM" run params/calibrated.cfg -q -o "$TMP/p2"
  diff <(cd "$TMP/p1" && sha256sum plots/*.pdf plots/*.png series.csv) \
    <(cd "$TMP/p2" && sha256sum plots/*.pdf plots/*.png series.csv) >&2 ||
    fail "two identical runs gave different files"
  OMP_NUM_THREADS=100000 "$RELSIM" compare params/calibrated.cfg \
    params/scenarios/no_bubble.cfg --threads 2 -q -o "$TMP/cmp" 2>"$TMP/err"
  expect_status 0 $? "compare with OMP_NUM_THREADS=100000"
  return 0
}

"$1"
if [ "$failures" -gt 0 ]; then
  echo "$1: $failures failure(s)" >&2
  exit 1
fi
echo "ok   $1"
