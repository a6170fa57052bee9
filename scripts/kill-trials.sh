#!/usr/bin/env bash
# scripts/kill-trials.sh [N] -- kill -9 calibrate and compare --band N times each (default 30) at
# random moments while they write into folders holding earlier results, and count how often
# each folder was left as the complete old one, a complete new one, or a mix (never, if the
# whole-folder swap works). Needs a build (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
RELSIM_KILL_TRIALS=${1:-30} RELSIM=build/relsim RELSIM_TEST_TMP=build/kill-trials \
  bash tests/test_hardening.sh kill_at_random_leaves_an_old_or_a_new_folder
