#!/usr/bin/env bash
# `ballot diff`'s whole output, byte for byte, on three pairs of traces of shipped scenarios: a
# lesson's base and buggy variants, another lesson's base and fenced variants, and two seeds of
# one scenario. The expected outputs (tests/cli/diff_expected/) were written by `ballot diff` before
# the viewer got its own looser matching (sim/tracediff/loose_diff.h), which must not change it.
# A deliberate change of what these scenarios do (their golden hashes move) or of `ballot diff`'s
# output calls for new expected files: run this script with UPDATE=1.
# Usage: diff_output_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"
expected=$src/tests/cli/diff_expected

# name, then the two runs' arguments (scenario file relative to scenarios/, then flags).
pairs=(
  "election-restriction-buggy|lessons/04-election-restriction.json --variant base|lessons/04-election-restriction.json --variant buggy"
  "lease-fencing-fenced|lessons/09-lease-fencing.json --variant base|lessons/09-lease-fencing.json --variant fenced"
  "raft-leader-pause-seeds|raft-leader-pause.json --seed 1|raft-leader-pause.json --seed 2"
)
cd "$work" || exit 1
for pair in "${pairs[@]}"; do
  IFS='|' read -r name run_a run_b <<<"$pair"
  read -r -a args_a <<<"$run_a"
  read -r -a args_b <<<"$run_b"
  "$ballot" run "$src/scenarios/${args_a[0]}" "${args_a[@]:1}" --trace a.jsonl >/dev/null 2>&1
  "$ballot" run "$src/scenarios/${args_b[0]}" "${args_b[@]:1}" --trace b.jsonl >/dev/null 2>&1
  "$ballot" diff a.jsonl b.jsonl >"$name.out" 2>&1
  rc=$?
  echo "exit $rc" >>"$name.out"
  if [ "${UPDATE:-0}" = 1 ]; then
    cp "$name.out" "$expected/$name.txt"
    pass
  elif cmp -s "$name.out" "$expected/$name.txt"; then
    pass
  else
    fail "$name: ballot diff's output changed:
$(diff "$expected/$name.txt" "$name.out" | head -20)"
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
