#!/usr/bin/env bash
# `ballot shrink` on every bug toggle (Raft's three, Paxos's two, the lease lock's): find the
# first failing seed of the toggle's nemesis scenario (the ones tests/cli/verdict_test.sh uses),
# shrink it, and print a Markdown table of faults, operations and nodes before and after, the
# runs spent and the wall time. docs/PERFORMANCE.md ("## Shrinking") records the results.
#
#   bench/shrink_bench.sh BALLOT_BINARY [MAX_SEED] [BUDGET]
#     MAX_SEED: how far to look for a failing seed (default 300); BUDGET: shrink's --budget
#     (default: shrink's own, 2000)
#
# Every result is re-checked: `ballot check` must pass it (its expectation is the failure).
set -u
ballot=$1
max_seed=${2:-300}
budget=${3:+--budget $3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The same bug scenarios as the verdict test.
source "$(dirname "$0")/../tests/cli/bug_scenarios.sh"

# scenario NAME ALGO PARAMS BODY: writes $work/NAME.json.
scenario() {
  printf '{"name": "%s", "nodes": 5, "algorithm": "%s", %s,\n "params": %s}\n' \
    "$1" "$2" "$4" "$3" >"$work/$1.json"
}

scenario raft-vote-without-log-check raft '{"raft": {"bugs": {"vote_without_log_check": true}}}' \
  "${short_nemesis//KINDS/$all_kinds}"
body=${long_nemesis//KINDS/[\"crash\", \"partition\", \"isolate\"]}
body=${body//LOSS/0.01}; body=${body//INTERVAL/100ms}; body=${body//DMIN/50ms}
body=${body//DMAX/500ms}; body=${body//WRITES/300ms}; body=${body//DUTIES/}
scenario raft-commit-old-term raft \
  '{"raft": {"leader_noop": false, "bugs": {"commit_old_term_by_count": true}}}' "$body"
body=${long_nemesis//KINDS/[\"crash\"]}
body=${body//LOSS/0.2}; body=${body//INTERVAL/20ms}; body=${body//DMIN/1ms}
body=${body//DMAX/10ms}; body=${body//WRITES/50ms}
body=${body//DUTIES/, \"job_period\": \"100ms\", \"id_interval\": \"100ms\"}
scenario raft-vote-before-persist raft \
  '{"raft": {"election_timeout_max": "200ms", "bugs": {"vote_before_persist": true}}}' "$body"
scenario paxos-ignore-accepted paxos '{"paxos": {"bugs": {"ignore_accepted_in_promises": true}}}' \
  "${short_nemesis//KINDS/$all_kinds}"
scenario paxos-accept-despite-promise paxos '{"paxos": {"bugs": {"accept_despite_promise": true}}}' \
  "${short_nemesis//KINDS/$all_kinds}"
scenario lease-volatile-token lease '{"lease": {"bugs": {"volatile_token_counter": true}}}' \
  "${short_nemesis//KINDS/[\"crash\"]}"

printf '| toggle | first failing seed | failure kept | faults | operations | nodes | run length | runs | wall s |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for name in raft-vote-without-log-check raft-commit-old-term raft-vote-before-persist \
  paxos-ignore-accepted paxos-accept-despite-promise lease-volatile-token; do
  f=$work/$name.json
  # The first failing seed: sweep in chunks of 50 until one fails.
  seed=
  lo=1
  while [ -z "$seed" ] && [ "$lo" -le "$max_seed" ]; do
    hi=$((lo + 49 < max_seed ? lo + 49 : max_seed))
    seed=$("$ballot" sweep "$f" --seeds "$lo..$hi" --json --quiet 2>/dev/null |
      python3 -c 'import json,sys; d=json.load(sys.stdin); f=d["failures"]; print(min(x["seed"] for x in f) if f else "")')
    lo=$((hi + 1))
  done
  if [ -z "$seed" ]; then
    printf '| %s | none in 1..%s | | | | | | | |\n' "$name" "$max_seed"
    continue
  fi
  out=$work/$name-shrunk.json
  start=$(date +%s.%N)
  summary=$("$ballot" shrink "$f" --seed "$seed" --out "$out" --quiet $budget 2>&1)
  rc=$?
  end=$(date +%s.%N)
  if [ "$rc" -ne 0 ] || ! "$ballot" check "$out" >/dev/null 2>&1; then
    printf '| %s | %s | shrink or re-check FAILED (exit %s) | | | | | | |\n' "$name" "$seed" "$rc"
    printf '%s\n' "$summary" >&2
    continue
  fi
  kept=$(sed -n 's/^failure kept: \[\([a-z_]*\)\].*/\1/p; s/^failure kept: \(expect[^:]*\):.*/\1/p' <<<"$summary")
  counts=$(grep '^faults ' <<<"$summary")
  faults=$(sed -E 's/^faults ([0-9]+) -> ([0-9]+).*/\1 → \2/' <<<"$counts")
  ops=$(sed -E 's/.*operations ([0-9]+) -> ([0-9]+)( \(random clients kept\))?.*/\1 → \2\3/' <<<"$counts")
  nodes=$(sed -E 's/.*nodes ([0-9]+) -> ([0-9]+).*/\1 → \2/' <<<"$counts")
  length=$(sed -E 's/.*duration ([^ ]+) -> ([^ ]+).*/\1 → \2/' <<<"$counts")
  runs=$(sed -nE 's/^([0-9]+) runs in.*/\1/p' <<<"$summary")
  spent=$(grep -q 'budget spent' <<<"$summary" && echo ' (budget)')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s%s | %.2f |\n' "$name" "$seed" "$kept" "$faults" \
    "$ops" "$nodes" "$length" "$runs" "$spent" "$(echo "$end - $start" | bc)"
done
