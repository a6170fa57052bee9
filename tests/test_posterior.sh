#!/usr/bin/env bash
# tests/test_posterior.sh -- relsim posterior end to end on the shipped model, kept small: the
# outputs and their headers, the same chains.csv for 1 and 2 threads, SIGTERM leaving a
# checkpoint from which --resume gives the uninterrupted bytes, bad priors named by file:line.
# Usage: tests/test_posterior.sh TEST_NAME (from the repository root; $RELSIM the program).
set -u
RELSIM=${RELSIM:-build/relsim}
TMP=${RELSIM_TEST_TMP:-/tmp/relsim-test}/posterior-$1
rm -rf "$TMP" && mkdir -p "$TMP"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
small=(params/baseline.cfg --chains 4 --samples 16 --warmup 8 -q)

posterior_writes_chains_summary_scenario_and_figures() {
  "$RELSIM" posterior "${small[@]}" --threads 2 -o "$TMP/a" >"$TMP/out" 2>"$TMP/err" ||
    fail "exit status $?: $(cat "$TMP/err")"
  for f in chains.csv summary.csv summary.md posterior.cfg free.cfg plots/trace.gp \
    plots/marginals.gp plots/pairs.gp; do
    [ -s "$TMP/a/$f" ] || fail "no $f"
  done
  head -1 "$TMP/a/chains.csv" | grep -q '^chain,iteration,tfp.lambda,.*,misfit.sigma,loglik,logprior$' ||
    fail "chains.csv header: $(head -1 "$TMP/a/chains.csv")"
  [ "$(($(wc -l <"$TMP/a/chains.csv") - 1))" -eq 64 ] || fail "rows: want 4 x 16"
  grep -q 'Verdict: ' "$TMP/a/summary.md" || fail "no verdict in summary.md"
  grep -q 'R-hat' "$TMP/err" || fail "no diagnostics on stderr"
  "$RELSIM" run "$TMP/a/posterior.cfg" -o "$TMP/run" >/dev/null 2>&1 || fail "posterior.cfg does not run"
  [ ! -e "$TMP/a.partial" ] || fail "a finished run left its checkpoint (DIR.partial)"
}

posterior_draws_do_not_depend_on_the_thread_count() {
  "$RELSIM" posterior "${small[@]}" --threads 1 -o "$TMP/t1" >/dev/null 2>&1 || fail "threads 1"
  "$RELSIM" posterior "${small[@]}" --threads 2 -o "$TMP/t2" >/dev/null 2>&1 || fail "threads 2"
  cmp -s "$TMP/t1/chains.csv" "$TMP/t2/chains.csv" || fail "chains.csv differs between 1 and 2 threads"
  cmp -s "$TMP/t1/summary.csv" "$TMP/t2/summary.csv" || fail "summary.csv differs"
}

posterior_sigterm_leaves_a_checkpoint_and_resume_gives_the_same_bytes() {
  big=(params/baseline.cfg --chains 4 --samples 300 --threads 2 -q)
  "$RELSIM" posterior "${big[@]}" -o "$TMP/full" >/dev/null 2>&1 || fail "uninterrupted run"
  "$RELSIM" posterior "${big[@]}" -o "$TMP/cut" >/dev/null 2>"$TMP/err" &
  pid=$!
  sleep 0.5
  kill -TERM "$pid" 2>/dev/null
  wait "$pid"
  st=$?
  if [ "$st" -eq 0 ]; then
    echo "note: the run finished before the signal; resume not exercised" >&2
    return
  fi
  [ "$st" -eq 130 ] || fail "SIGTERM: exit status $st, want 130"
  [ -s "$TMP/cut.partial/checkpoint.bin" ] || fail "no checkpoint after SIGTERM"
  grep -q -- '--resume' "$TMP/err" || fail "the warning does not say --resume: $(cat "$TMP/err")"
  "$RELSIM" posterior "${big[@]}" -o "$TMP/cut" --resume >/dev/null 2>&1 || fail "resume"
  cmp -s "$TMP/full/chains.csv" "$TMP/cut/chains.csv" || fail "resumed chains.csv differs"
  "$RELSIM" posterior "${big[@]}" --seed 5 -o "$TMP/cut" --resume >/dev/null 2>"$TMP/err2"
  [ $? -ne 0 ] || fail "resume without a checkpoint succeeded"
}

posterior_bad_priors_are_named_by_file_and_line() {
  sed 's/prior = { kind = "half-normal"; scale = 10.0; }/prior = { kind = "half-normal"; scale = "ten"; }/' \
    params/free.cfg >"$TMP/free.cfg"
  line=$(grep -n 'scale = "ten"' "$TMP/free.cfg" | cut -d: -f1)
  "$RELSIM" posterior params/baseline.cfg --free "$TMP/free.cfg" -o "$TMP/x" -q >/dev/null 2>"$TMP/err"
  st=$?
  [ "$st" -eq 2 ] || fail "exit status $st, want 2"
  grep -q "free.cfg:$line: 'scale' must be a number" "$TMP/err" || fail "message: $(cat "$TMP/err")"
}

"$1"
exit $((failures > 0))
