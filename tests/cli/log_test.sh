#!/usr/bin/env bash
# `ballot log` (a trace as readable lines, filtered) and the Faults section of `ballot run`.
# Usage: log_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"

# expect_lines NAME EXPECTED_FILE -- COMMAND...: standard output is exactly the expected text.
expect_lines() {
  local name=$1 wanted=$2
  shift 3
  if "$@" >"$work/got.txt" 2>"$work/err.txt" && diff -u "$wanted" "$work/got.txt" >"$work/diff.txt"; then
    pass
  else
    fail "$name: $*"
    cat "$work/diff.txt" "$work/err.txt"
  fi
}

# check NAME AWK_PROGRAM FILE: the awk program prints "ok" for the file.
check() {
  if [ "$(awk "$2" "$3")" = "ok" ]; then pass; else fail "$1"; fi
}

"$ballot" run "$src/scenarios/split-brain-3-2.json" --algo raft --seed 1 --trace "$work/raft.jsonl" >/dev/null
"$ballot" run "$src/scenarios/bully-partition.json" --seed 1 --trace "$work/bully.jsonl" >/dev/null

# ---- formatting: a known scenario's first Raft election, seen from n3 (with --timers, n3's
# election timer reset, cancel then arm, each time it hears from a candidate or leader) ----
cat >"$work/raft-n3.txt" <<'END'
      66.328ms  deliver  n5 -> n3   RequestVote  term 1  candidate n5  last log 0@t0
      66.328ms  role     n3         follower (no leader)  term 1
      66.328ms  cancel   n3         tag 1
      66.328ms  arm      n3         tag 1 due at 241.885ms
      66.328ms  send     n3 -> n5   RequestVoteReply  term 1  vote granted
      67.764ms  deliver  n3 -> n5   RequestVoteReply  term 1  vote granted
      69.096ms  send     n5 -> n3   AppendEntries  term 1  leader n5  prev 0@t0  entries [t1 noop]  commit 0
      71.322ms  deliver  n5 -> n3   AppendEntries  term 1  leader n5  prev 0@t0  entries [t1 noop]  commit 0
      71.322ms  cancel   n3         tag 1
      71.322ms  arm      n3         tag 1 due at 258.247ms
      71.322ms  role     n3         follower of n5  term 1
      71.322ms  record   n3         append  index 1  term 1  noop
      71.322ms  send     n3 -> n5   AppendEntriesReply  term 1  ok  match 1  conflict 0
END
expect_lines "raft election from n3" "$work/raft-n3.txt" -- "$ballot" log "$work/raft.jsonl" --node n3 --from 66ms --to 72ms --timers
# Without --timers (and without --kind) the timer bookkeeping is left out, and stderr says so.
grep -vE '  (arm|cancel)  ' "$work/raft-n3.txt" >"$work/raft-n3-quiet.txt"
expect_lines "raft election from n3, timers left out" "$work/raft-n3-quiet.txt" -- "$ballot" log "$work/raft.jsonl" --node n3 --from 66ms --to 72ms
if grep -qx 'ballot: 4 timer events (arm, cancel) not shown: --timers or --kind shows them' "$work/err.txt"; then
  pass
else
  fail "the count of timer events left out: $(cat "$work/err.txt")"
fi
# --kind decides alone: asked for, arm and cancel are shown without --timers.
"$ballot" log "$work/raft.jsonl" --node n3 --from 66ms --to 72ms --kind cancel,arm >"$work/n3-timers.txt" 2>"$work/err.txt"
check "--kind arm,cancel: the 4 timer events" 'END { print (NR == 4 ? "ok" : NR) }' "$work/n3-timers.txt"
if [ ! -s "$work/err.txt" ]; then pass; else fail "--kind arm,cancel: nothing on stderr: $(cat "$work/err.txt")"; fi

# Bully's n2, cut off with n1 by the partition, suspects n5 and makes itself coordinator.
cat >"$work/bully-n2.txt" <<'END'
    2000.000ms  fault    --         partition #1 begin  n1,n2 | n3,n4,n5  for 4s  majority side n3,n4,n5
    2151.719ms  note     n2         coordinator n5 suspected: no heartbeat
    2151.719ms  send     n2 -> n3   Election
    2151.719ms  drop     n2 -> n3   Election  lost: partition
    2151.719ms  send     n2 -> n4   Election
    2151.719ms  drop     n2 -> n4   Election  lost: partition
    2151.719ms  role     n2         candidate
    2151.987ms  send     n1 -> n2   Election
    2201.719ms  role     n2         leader
    2201.719ms  send     n2 -> n1   Coordinator  state none
    6000.000ms  fault    --         partition #1 end  n1,n2 | n3,n4,n5  for 4s  majority side n1,n2,n3,n4,n5
END
expect_lines "bully split brain at n2" "$work/bully-n2.txt" -- \
  "$ballot" log "$work/bully.jsonl" --node n2 --from 2s --to 6s --kind fault,note,role --kind send,drop --type 'Elect*,Coord*'

# ---- filters ----
"$ballot" log "$work/raft.jsonl" --timers >"$work/all.txt"
events=$(tail -n 1 "$work/raft.jsonl" | grep -oE '"events":[0-9]+' | head -1 | cut -d: -f2)
check "unfiltered with --timers: one line per event ($events)" "END { print (NR == $events ? \"ok\" : NR) }" "$work/all.txt"
timers=$(grep -cE '"k":"(arm|cancel)"' "$work/raft.jsonl")
"$ballot" log "$work/raft.jsonl" >"$work/default.txt" 2>/dev/null
check "by default: every event but the $timers timer events" "END { print (NR == $events - $timers ? \"ok\" : NR) }" "$work/default.txt"
check "times aligned: every line has its time in columns 1-14" \
  '{ if (substr($0, 1, 14) !~ /^ *[0-9]+\.[0-9][0-9][0-9]ms$/) bad = 1 } END { print (bad || NR == 0 ? "bad" : "ok") }' "$work/all.txt"
"$ballot" log "$work/raft.jsonl" --kind drop >"$work/drops.txt"
check "--kind drop: only drops" '$2 != "drop" { bad = 1 } END { print (bad || NR == 0 ? "bad" : "ok") }' "$work/drops.txt"
drops=$(grep -c '"k":"drop"' "$work/raft.jsonl")
check "--kind drop: every drop ($drops)" "END { print (NR == $drops ? \"ok\" : NR) }" "$work/drops.txt"
"$ballot" log "$work/raft.jsonl" --node n1,n4 --kind send,deliver,role >"$work/n14.txt"
check "--node n1,n4: each line involves n1 or n4" \
  '{ if ($3 != "n1" && $3 != "n4" && $5 != "n1" && $5 != "n4") bad = 1; seen[$3] = 1 }
   END { print (bad || !seen["n1"] || !seen["n4"] ? "bad" : "ok") }' "$work/n14.txt"
"$ballot" log "$work/raft.jsonl" --node n2 --node n5 --kind role >"$work/n25.txt"
check "--node repeated" '$3 != "n2" && $3 != "n5" { bad = 1 } END { print (bad || NR == 0 ? "bad" : "ok") }' "$work/n25.txt"
"$ballot" log "$work/raft.jsonl" --from 2s --to 2.5s >"$work/window.txt"
check "--from 2s --to 2.5s: times within" \
  '{ t = $1 + 0; if (t < 2000 || t > 2500) bad = 1 } END { print (bad || NR == 0 ? "bad" : "ok") }' "$work/window.txt"
"$ballot" log "$work/raft.jsonl" --type 'Append*' --kind send >"$work/append.txt"
check "--type 'Append*': AppendEntries and replies only" \
  '$6 !~ /^AppendEntries(Reply)?$/ { bad = 1 } $6 == "AppendEntriesReply" { reply = 1 }
   END { print (bad || !reply ? "bad" : "ok") }' "$work/append.txt"
"$ballot" log "$work/raft.jsonl" --type 'RequestVote?eply' --kind deliver >"$work/votes.txt"
check "--type with '?'" '$6 != "RequestVoteReply" { bad = 1 } END { print (bad || NR == 0 ? "bad" : "ok") }' "$work/votes.txt"
expect 0 "op [0-9]+ append k[0-9] \"" -- "$ballot" log "$work/raft.jsonl" --kind invoke --to 2s
expect 0 "-> (ok|fail|unknown)" -- "$ballot" log "$work/raft.jsonl" --kind return --to 2s
expect 0 "caption  --" -- "$ballot" log "$work/bully.jsonl" --kind caption
expect 0 "comma list\\): start, send, deliver, drop, timer, role, fault" -- "$ballot" log --help

# ---- bad flags: exit 2, naming the flag ----
expect 2 "--kind: unknown kind 'frob' \(kinds: start, send" -- "$ballot" log "$work/raft.jsonl" --kind frob
expect 2 "--node: expected node names like n3, got 'x'" -- "$ballot" log "$work/raft.jsonl" --node x
expect 2 "--node: expected node names like n3, got 'n0'" -- "$ballot" log "$work/raft.jsonl" --node n0
expect 2 "--node n9: the trace has 5 nodes" -- "$ballot" log "$work/raft.jsonl" --node n9
expect 2 "--from: expected a duration" -- "$ballot" log "$work/raft.jsonl" --from 7xs
expect 2 "--to: expected a duration" -- "$ballot" log "$work/raft.jsonl" --to soon
expect 2 "--from: is after --to" -- "$ballot" log "$work/raft.jsonl" --from 2s --to 1s
expect 2 "--type: expected a message or record type" -- "$ballot" log "$work/raft.jsonl" --type ''

# ---- bad traces: exit 2, naming the file and line ----
printf '\x00\x01\x02garbage' >"$work/binary.jsonl"
expect 2 "binary.jsonl: line 1: expected a ballot trace header" -- "$ballot" log "$work/binary.jsonl"
sed '7s/.*/{"i":5,"t":oops/' "$work/raft.jsonl" >"$work/badjson.jsonl"
expect 2 "badjson.jsonl: line 7: expected one JSON object per line" -- "$ballot" log "$work/badjson.jsonl"
sed '9s/"t":[0-9]*,//' "$work/raft.jsonl" >"$work/not.jsonl"
expect 2 "not.jsonl: line 9: expected \"t\"" -- "$ballot" log "$work/not.jsonl"
sed '9s/"k":"[a-z]*"/"k":"frob"/' "$work/raft.jsonl" >"$work/kind.jsonl"
expect 2 "kind.jsonl: line 9: \"k\": expected an event kind" -- "$ballot" log "$work/kind.jsonl"
line=$(grep -n '"k":"send"' "$work/raft.jsonl" | head -1 | cut -d: -f1)
sed "${line}s/\"to\":[0-9]*/\"to\":\"x\"/" "$work/raft.jsonl" >"$work/to.jsonl"
expect 2 "to.jsonl: line $line: expected \"to\" to be an integer" -- "$ballot" log "$work/to.jsonl"
: >"$work/empty.jsonl"
expect 2 "empty.jsonl: expected the trace header, got an empty file" -- "$ballot" log "$work/empty.jsonl"
expect 2 "missing.jsonl: cannot open" -- "$ballot" log "$work/missing.jsonl"
head -n 100 "$work/raft.jsonl" >"$work/truncated.jsonl"
expect 0 "truncated.jsonl: warning: no footer" -- "$ballot" log "$work/truncated.jsonl"

# ---- ballot run: the Faults section ----
cat >"$work/faults.txt" <<'END'
Faults: 6 fired
  #1  1s    crash      leader = n4              until 2s (restart)          faults[0]  crashed 1 node
  #2  2.5s  partition  n1,n2 | n3,n4,n5         until 4s (heal, fault #4)   faults[1]  dropped 162 msgs
  #3  3s    pause      random_minority = n3,n5  until 3.5s (resume)         faults[2]  paused 2 nodes, held 14 handler calls
  #4  4s    heal       every network fault      instant                     faults[3]  ended 1 fault
  #5  4.5s  crash      n2                       until the end               faults[4]  crashed 1 node
  #6  5s    flap       n1 -> n3  every 200ms    until 5.6s (heal), 2 flips  faults[5]  inert
END
"$ballot" run "$src/tests/cli/faults.json" >"$work/run.txt"
sed -n '/^Faults:/,/^$/p' "$work/run.txt" | sed '$d' >"$work/faults-got.txt"
if diff -u "$work/faults.txt" "$work/faults-got.txt"; then pass; else fail "scripted faults: exact Faults section"; fi
# The leader the selector resolved to is the one that led then (the trace's crash event says so).
"$ballot" run "$src/tests/cli/faults.json" --trace "$work/faults.jsonl" >/dev/null
expect 0 "1000.000ms  crash    n4         \(crash\)" -- "$ballot" log "$work/faults.jsonl" --kind crash --to 1s
expect 0 '"selector": "random_minority"' -- "$ballot" run "$src/tests/cli/faults.json" --json
expect 0 '"ended_by": "heal"' -- "$ballot" run "$src/tests/cli/faults.json" --json
expect 0 '"end_us": null' -- "$ballot" run "$src/tests/cli/faults.json" --json
expect 0 "^Faults: none$" -- "$ballot" run "$src/scenarios/raft-split-vote.json"

# The fault-effect audit: the flap (#6) cuts n1 <-> n3, two followers that never talk while n4
# leads, so it did nothing: a warning on stderr and in --json, an `effect` object per fault, and
# a failed expectation under expect.no_inert_faults (run and check agree, through judge_run).
expect 0 'warning: fault #6 \(flap at 5s, faults\[5\]\) did nothing \(inert\)' -- "$ballot" run "$src/tests/cli/faults.json"
"$ballot" run "$src/tests/cli/faults.json" --json 2>/dev/null >"$work/faults-run.json"
if grep -q '"fault #6 (flap at 5s, faults\[5\]) did nothing (inert)"' "$work/faults-run.json" &&
   grep -q '"dropped": 162' "$work/faults-run.json" && grep -q '"inert": true' "$work/faults-run.json"; then
  pass
else
  fail "run --json: effect objects and the inert warning"
fi
expect 1 "expect.no_inert_faults.*inert: #6" -- "$ballot" run "$src/tests/cli/faults.json" --set expect.no_inert_faults=true
expect 0 "^Faults: 6 fired" -- "$ballot" run "$src/tests/cli/faults.json" --set expect.no_inert_faults=false
sed '0,/{/s//{"expect": {"no_inert_faults": true},/' "$src/tests/cli/faults.json" >"$work/no-inert.json"
expect 1 "no_inert_faults" -- "$ballot" check "$work/no-inert.json"

# The audit in sweep, compare and check (docs/cli.md): a warning without the expectation, once per
# scripted fault (sweep, compare: per algorithm) or one line per run (check), never a failure.
faults="$src/tests/cli/faults.json"
expect 0 '^warning: faults\[5\] \(flap\) was inert in 13 of 20 runs; first seed 1$' -- "$ballot" sweep "$faults" --seeds 1..20 --quiet
"$ballot" sweep "$faults" --seeds 1..20 --quiet >"$work/sweep-inert.txt" 2>/dev/null
if [ "$(grep -c '^warning: ' "$work/sweep-inert.txt")" -eq 1 ] &&
   [ "$(tail -n 1 "$work/sweep-inert.txt" | cut -c1-8)" = "warning:" ] &&
   grep -q '20 passed, 0 failed$' "$work/sweep-inert.txt"; then
  pass
else
  fail "sweep: one inert line, after the summary: $(cat "$work/sweep-inert.txt")"
fi
if "$ballot" sweep "$faults" --seeds 1..20 --quiet --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
assert j["inert_faults"] == [{"fault": 5, "kind": "flap", "runs": 13, "first_seed": 1,
    "text": "faults[5] (flap) was inert in 13 of 20 runs; first seed 1"}], j["inert_faults"]
'; then pass; else fail "sweep --json: inert_faults"; fi
# Without any inert scripted fault: no line, an empty list.
expect 0 '"inert_faults": \[\]' -- "$ballot" sweep "$src/scenarios/raft-split-vote.json" --seeds 1..3 --json --quiet
if "$ballot" sweep "$src/scenarios/raft-split-vote.json" --seeds 1..3 --quiet | grep -q '^warning'; then
  fail "sweep: an inert line without an inert fault"
else
  pass
fi
expect 1 'expect.no_inert_faults' -- "$ballot" sweep "$faults" --seeds 1..3 --set expect.no_inert_faults=true --quiet
# compare: per algorithm (text on stdout; md and csv on stderr; --json per algorithm).
expect 0 '^warning: raft: faults\[5\] \(flap\) was inert in 5 of 6 runs; first seed 1$' -- "$ballot" compare "$faults" --seeds 1..6 --quiet
expect 0 '^warning: bully: faults\[5\] \(flap\) was inert in 6 of 6 runs; first seed 1$' -- "$ballot" compare "$faults" --seeds 1..6 --quiet
if "$ballot" compare "$faults" --seeds 1..6 --quiet --format csv 2>/dev/null | grep -q 'inert'; then
  fail "compare --format csv: the inert lines belong on stderr"
else
  pass
fi
if "$ballot" compare "$faults" --seeds 1..6 --format json --quiet | python3 -c '
import json, sys
j = json.load(sys.stdin)
a = {x["algorithm"]: x for x in j["algorithms"]}
assert [(f["fault"], f["runs"], f["first_seed"]) for f in a["raft"]["inert_faults"]] == [(5, 5, 1)], a["raft"]["inert_faults"]
assert [(f["fault"], f["runs"]) for f in a["bully"]["inert_faults"]] == [(5, 6)], a["bully"]["inert_faults"]
assert "coverage" not in a["raft"]
'; then pass; else fail "compare --json: inert_faults per algorithm"; fi
# check: one line under the run.
expect 0 '^      warning: did nothing \(inert\): fault #6 \(flap at 5s, faults\[5\]\)$' -- "$ballot" check "$faults" --quiet
# A nemesis's inert faults are routine: run lists them, sweep, compare and check do not.
expect 0 'nemesis\) did nothing \(inert\)' -- "$ballot" run "$src/scenarios/nemesis-swarm.json" --quiet
if "$ballot" check "$src/scenarios/nemesis-swarm.json" --quiet | grep -q 'inert'; then
  fail "check: a nemesis's inert fault warned"
else
  pass
fi

# The nemesis: bounded text, every fault in --json, as many as the trace's fault begins.
expect 0 "^  \.\.\. [0-9]+ more in --json$" -- "$ballot" run "$src/tests/cli/nemesis.json"
expect 0 "  nemesis  (inert|crashed|paused|dropped|delayed|held|ended|clock)" -- "$ballot" run "$src/tests/cli/nemesis.json"
"$ballot" run "$src/tests/cli/nemesis.json" --trace "$work/nemesis.jsonl" --json >"$work/nemesis.json"
begins=$("$ballot" log "$work/nemesis.jsonl" --kind fault | grep -c ' begin ')
listed=$(grep -c '"source": "nemesis"' "$work/nemesis.json")
if [ "$begins" -gt 12 ] && [ "$begins" -eq "$listed" ]; then pass; else fail "nemesis: $listed faults in --json, $begins fault begins in the trace"; fi

# Raft and Multi-Paxos draw the same election timeouts for a seed (docs/raft.md): the first
# candidate is the same node at the same time.
printf '{"nodes": 5, "duration": "1s", "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "5ms"}}}' >"$work/plain.json"
same=0
first_candidate() { "$ballot" log "$1" --kind role | grep -m1 candidate | awk '{ print $1, $3 }'; }
for seed in 1 2 3 4 5 6; do
  "$ballot" run "$work/plain.json" --algo raft --seed $seed --trace "$work/r.jsonl" >/dev/null
  "$ballot" run "$work/plain.json" --algo paxos --seed $seed --trace "$work/p.jsonl" >/dev/null
  a=$(first_candidate "$work/r.jsonl")
  b=$(first_candidate "$work/p.jsonl")
  if [ -n "$a" ] && [ "$a" = "$b" ]; then same=$((same + 1)); else printf 'seed %s: raft %s, paxos %s\n' "$seed" "$a" "$b"; fi
done
if [ "$same" -eq 6 ]; then pass; else fail "raft and paxos: the same first candidate on every seed"; fi

# ---- the fencing device is "stonith" in run's Faults section and in the log (docs/stonith.md) ----
"$ballot" run "$src/scenarios/bully-pause-stonith-unreachable.json" --trace "$work/stonith.jsonl" >"$work/stonith-run.txt"
check "run's Faults section names the device stonith" \
  '/^  #1 .* isolate +stonith +until the end/ { found = 1 } END { if (found) print "ok" }' "$work/stonith-run.txt"
check "the trace still numbers the device nodes+1" \
  '/"k":"fault".*"kind":"isolate".*"nodes":\[4\]/ { found = 1 } END { if (found) print "ok" }' "$work/stonith.jsonl"
"$ballot" log "$work/stonith.jsonl" --kind fault >"$work/stonith-log.txt"
check "log names the device stonith" \
  '/isolate #1 begin  stonith/ { found = 1 } / n4/ { bad = 1 } END { if (found && !bad) print "ok" }' "$work/stonith-log.txt"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
