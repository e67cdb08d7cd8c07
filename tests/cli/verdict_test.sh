#!/usr/bin/env bash
# compare, sweep and check judge a run the same way (judge_run in cli/runner.cpp): with every bug
# toggle on a nemesis scenario, a run that violates safety fails everywhere (listed with its repro
# line, exit 1) unless the scenario expects violations ("violations": {"min": 1}); "violations": 0
# and no expectation both expect none. Also: compare's table never lets cells run into each other.
# Usage: verdict_test.sh BALLOT_BINARY
set -u
source "$(dirname "$0")/lib.sh" "$@"

source "$(dirname "$0")/bug_scenarios.sh"

# toggle NAME ALGO SEED PARAMS BODY: writes $work/NAME-{none,zero,min1}.json, each in its own
# directory for `ballot check`, and with the bug off ($work/NAME-off.json, no expectation).
toggle() {
  local name=$1 algo=$2 seed=$3 params=$4 body=$5 variant expect
  for variant in none zero min1 off; do
    case $variant in
      none | off) expect='' ;;
      zero) expect=', "expect": {"violations": 0}' ;;
      min1) expect=', "expect": {"violations": {"min": 1}}' ;;
    esac
    local p=$params
    [ "$variant" = off ] && p=$(sed 's/true/false/' <<<"$params")
    mkdir -p "$work/$name-$variant"
    printf '{"name": "%s", "nodes": 5, "algorithm": "%s", "seed": %s, %s,\n "params": %s%s}\n' \
      "$name" "$algo" "$seed" "$body" "$p" "$expect" >"$work/$name-$variant/$name.json"
  done
}

toggle raft-vote-without-log-check raft 1 '{"raft": {"bugs": {"vote_without_log_check": true}}}' \
  "${short_nemesis//KINDS/$all_kinds}"
body=${long_nemesis//KINDS/[\"crash\", \"partition\", \"isolate\"]}
body=${body//LOSS/0.01}; body=${body//INTERVAL/100ms}; body=${body//DMIN/50ms}
body=${body//DMAX/500ms}; body=${body//WRITES/300ms}; body=${body//DUTIES/}
toggle raft-commit-old-term raft 32 \
  '{"raft": {"leader_noop": false, "bugs": {"commit_old_term_by_count": true}}}' "$body"
body=${long_nemesis//KINDS/[\"crash\"]}
body=${body//LOSS/0.2}; body=${body//INTERVAL/20ms}; body=${body//DMIN/1ms}
body=${body//DMAX/10ms}; body=${body//WRITES/50ms}
body=${body//DUTIES/, \"job_period\": \"100ms\", \"id_interval\": \"100ms\"}
toggle raft-vote-before-persist raft 18 \
  '{"raft": {"election_timeout_max": "200ms", "bugs": {"vote_before_persist": true}}}' "$body"
toggle paxos-ignore-accepted paxos 1 '{"paxos": {"bugs": {"ignore_accepted_in_promises": true}}}' \
  "${short_nemesis//KINDS/$all_kinds}"
toggle paxos-accept-despite-promise paxos 6 '{"paxos": {"bugs": {"accept_despite_promise": true}}}' \
  "${short_nemesis//KINDS/$all_kinds}"
toggle lease-volatile-token lease 1 '{"lease": {"bugs": {"volatile_token_counter": true}}}' \
  "${short_nemesis//KINDS/[\"crash\"]}"

declare -A seeds=([raft-vote-without-log-check]=1 [raft-commit-old-term]=32
  [raft-vote-before-persist]=18 [paxos-ignore-accepted]=1 [paxos-accept-despite-promise]=6
  [lease-volatile-token]=1)
for name in "${!seeds[@]}"; do
  seed=${seeds[$name]}
  algo=${name%%-*}
  # The bug off: the same run is safe, so what follows is the toggle's doing.
  expect 0 "safety violations +none" -- "$ballot" compare "$work/$name-off/$name.json" --algos "$algo" --seeds "$seed"
  for variant in none zero; do
    f=$work/$name-$variant/$name.json
    # compare: a "safety violations" row, the failing run listed with its repro line, exit 1.
    expect 1 "safety violations +[0-9]+ in 1 run " -- "$ballot" compare "$f" --algos "$algo" --seeds "$seed"
    expect 1 "^FAILED: 1 of 1 runs" -- "$ballot" compare "$f" --algos "$algo" --seeds "$seed"
    expect 1 "^  ballot run .*$name.json --algo $algo --seed $seed$" -- "$ballot" compare "$f" --algos "$algo" --seeds "$seed"
    expect 1 '"ok": false' -- "$ballot" compare "$f" --algos "$algo" --seeds "$seed" --format json
    # sweep: every failure of the run, the safety violations first.
    expect 1 "^FAILED seed $seed: [0-9]+ safety violations?" -- "$ballot" sweep "$f" --seeds "$seed"
    expect 1 "^FAILED seed $seed: .*
    \[[a-z_]+\] " -- "$ballot" sweep "$f" --seeds "$seed"
    expect 1 "0 passed, 1 failed" -- "$ballot" sweep "$f" --seeds "$seed"
    # check: the run fails with its violations and repro line.
    expect 1 "^FAILED $name.json.*
      \[[a-z_]+\] " -- "$ballot" check "$work/$name-$variant"
    expect 1 "reproduce with: ballot run .*$name.json --algo $algo --seed $seed" -- "$ballot" check "$work/$name-$variant"
  done
  # "violations": 0 also lists the failed expectation, after the safety violations.
  expect 1 "
    \[.*
    expect.violations: wanted == 0, got [1-9]" -- "$ballot" sweep "$work/$name-zero/$name.json" --seeds "$seed"
  # {"min": 1}: the lesson demonstrates the bug; violations are counted and listed, exit 0.
  f=$work/$name-min1/$name.json
  expect 0 "safety violations +[0-9]+ in 1 run " -- "$ballot" compare "$f" --algos "$algo" --seeds "$seed"
  expect 0 "^1 of 1 runs show the safety violations the scenario expects:
  ballot run .*--seed $seed   \([0-9]+ violations?\)" -- "$ballot" compare "$f" --algos "$algo" --seeds "$seed"
  expect 0 "1 passed, 0 failed; 1 passed with the safety violations the scenario expects \([0-9]+ in all\)" -- "$ballot" sweep "$f" --seeds "$seed"
  expect 0 "^ok .*[0-9]+ expected safety violations?\)" -- "$ballot" check "$work/$name-min1"
done

# The widest cells (four statistics from 100 samples on, seconds, four algorithms) never run into
# each other: every field between runs of two blanks is a whole cell or a sample count.
wide=$work/raft-vote-without-log-check-off/raft-vote-without-log-check.json
expect 0 "^columns apart$" -- bash -c "'$ballot' compare '$wide' --algos bully,raft,paxos,lease --seeds 1..100 --set duration=1s --set nemesis.stop=900ms --set workload.stop=900ms | awk -F '  +' '
  /  [0-9]+\$/ { rows++
    for (i = 2; i <= NF; i++)
      if (\$i !~ /^([0-9]+|-|none|no checker|[0-9]+ in [0-9]+ runs?|[0-9]+% \\([0-9]+\\/[0-9]+\\)|[0-9.]+(s|ms|us)?|[0-9.]+(s|ms|us)?( \\/ [0-9.]+(s|ms|us)?)( \\/ [0-9.]+(s|ms|us)?)( \\/ [0-9.]+(s|ms|us)?)?)\$/) { bad = 1; print \"run together: \" \$i } }
  /p99/ && /min/ { p99 = 1 }
  END { if (rows >= 50 && p99 && !bad) print \"columns apart\" }'"
# Fewer than 100 samples: no p99, n shown.
expect 0 "^time to first leader +[0-9.]+ms / [0-9.]+ms / [0-9.]+ms +3$" -- "$ballot" compare "$wide" --algos raft --seeds 1..3

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
