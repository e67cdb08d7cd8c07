#!/usr/bin/env bash
# Swarm versus plain nemesis (docs/PERFORMANCE.md, "Swarm nemesis"): for every built-in bug toggle,
# sweep scenarios/nemesis-swarm.json over seeds 1..N with the plain nemesis (swarm off) and with
# swarm, and print the first failing seed and the share of seeds that fail. Also sweeps each
# algorithm with its bugs off (the baseline: a failure there would not be the toggle's).
# Usage: bench/swarm_bench.sh BALLOT_BINARY [SEEDS=1000] [JOBS=2]
set -u
ballot=$1
seeds=${2:-1000}
jobs=${3:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
scenario=$root/scenarios/nemesis-swarm.json

# sweep WHAT ALGO MODE [--set ...]: prints "first_seed count" of the seeds that fail (WHAT=any) or
# show a safety violation (WHAT=safety).
sweep() {
  local what=$1 algo=$2 mode=$3
  shift 3
  local swarm=true
  [ "$mode" = plain ] && swarm=false
  "$ballot" sweep "$scenario" --seeds "1..$seeds" --algo "$algo" --jobs "$jobs" --json --quiet \
    --set "nemesis.swarm=$swarm" "$@" 2>/dev/null |
    python3 -c '
import json, sys
d = json.load(sys.stdin)
fails = d.get("failures", [])
if sys.argv[1] == "safety":  # a catch: a safety violation, a reason "[checker] ..."
    fails = [f for f in fails if any(r.startswith("[") for r in f.get("reasons", []))]
seeds = sorted(f["seed"] for f in fails)
print(seeds[0] if seeds else "-", len(seeds))' "$what"
}

printf '| toggle | plain: first seed | plain: share | swarm: first seed | swarm: share |\n'
printf '|---|---|---|---|---|\n'
while read -r algo bug; do
  set_bug=()
  name="$algo (no bug: any failure)"
  what=any
  if [ "$bug" != none ]; then
    what=safety
    set_bug=(--set "params.$algo.bugs.$bug=true")
    name="$algo \`$bug\`"
  fi
  read -r pf pn < <(sweep "$what" "$algo" plain "${set_bug[@]}")
  read -r sf sn < <(sweep "$what" "$algo" swarm "${set_bug[@]}")
  printf '| %s | %s | %s/%s | %s | %s/%s |\n' "$name" "$pf" "$pn" "$seeds" "$sf" "$sn" "$seeds"
done <<'LIST'
raft none
raft commit_old_term_by_count
raft vote_without_log_check
raft vote_before_persist
paxos none
paxos ignore_accepted_in_promises
paxos accept_despite_promise
lease none
lease volatile_token_counter
LIST
