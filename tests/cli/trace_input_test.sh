#!/usr/bin/env bash
# Traces as input to `ballot replay` and `ballot export`: wrong-typed fields and broken structure
# are bad input (exit 2, naming the file, the line and the field); a missing footer or a last line
# cut in the middle is "truncated"; an edited footer, header or event is a divergence that names
# what differs (exit 1); --max-events / --max-trace-bytes cut a run with a valid trace that replay
# confirms. tests/test_trace_checks.cpp gives the viewer's loader the same set of files.
# Usage: trace_input_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"

# A run with clients (for export) and one with violations in its footer.
good=$work/good.jsonl
"$ballot" run "$src/scenarios/split-brain-3-2.json" --trace "$good" >/dev/null
bug=$work/bug.jsonl
"$ballot" run "$src/scenarios/raft-figure8-bug.json" --trace "$bug" >/dev/null
lines=$(wc -l <"$good")

expect 0 "replay ok: [0-9]+ events identical, trace hash [0-9a-f]{16}, footer and header identical" -- "$ballot" replay "$good"
expect 0 "replay ok" -- "$ballot" replay "$bug"
expect 0 ":f :write|:f :append|:f :read" -- "$ballot" export "$good"

# bad NAME LINE FIELD-PATTERN: replay and export both exit 2 naming the file, the line and what
# was expected there.
bad() {
  local name=$1 line=$2 pattern=$3
  expect 2 "$name.jsonl: line $line: .*$pattern" -- "$ballot" replay "$work/$name.jsonl"
  expect 2 "$name.jsonl: line $line: .*$pattern" -- "$ballot" export "$work/$name.jsonl"
}

# Wrong-typed fields.
sed '1s/"format_version":2/"format_version":"2"/' "$good" >"$work/version-string.jsonl"
bad version-string 1 'expected "format_version": 2 .*got "2"'
sed '1s/"file":"[^"]*"/"file":5/' "$good" >"$work/file-number.jsonl"
bad file-number 1 'expected "file" to be a string, got 5'
sed '1s/"format":"ballot-trace"/"format":5/' "$good" >"$work/format-number.jsonl"
bad format-number 1 'expected a ballot trace header .*"format": 5'
sed '1s/"seed":1/"seed":"1"/' "$good" >"$work/seed-string.jsonl"
bad seed-string 1 'expected "seed" to be an integer, got "1"'
sed '$s/"trace_hash":"[0-9a-f]*"/"trace_hash":12/' "$good" >"$work/hash-number.jsonl"
bad hash-number "$lines" 'expected "trace_hash" to be a string, got 12'
sed '$s/"crashes":0/"crashes":"0"/' "$good" >"$work/metric-string.jsonl"
bad metric-string "$lines" 'expected "metrics.crashes" to be an integer, got "0"'
sed '$s/"events":[0-9]*/"events":-1/' "$good" >"$work/events-negative.jsonl"
bad events-negative "$lines" '"events" to be a count'
sed '$s/"linearizable":false/"linearizable":"no"/' "$good" >"$work/lincheck-string.jsonl"
bad lincheck-string "$lines" 'expected "lincheck.linearizable" to be a boolean, got "no"'
bug_lines=$(wc -l <"$bug")
sed '$s/"checker":"[a-z_]*"/"checker":1/' "$bug" >"$work/checker-number.jsonl"
expect 2 "checker-number.jsonl: line $bug_lines: expected \"violations\[0\].checker\" to be a string, got 1" -- "$ballot" replay "$work/checker-number.jsonl"
expect 2 "checker-number.jsonl: line $bug_lines: expected \"violations\[0\].checker\" to be a string, got 1" -- "$ballot" export "$work/checker-number.jsonl"
# A footer that contradicts itself: violations deleted from the list but not from the metrics.
sed '$s/"violations":\[{.*}\],"lincheck"/"violations":[],"lincheck"/' "$bug" >"$work/half-edited.jsonl"
expect 2 "half-edited.jsonl: line $bug_lines: expected \"metrics.violations\" to be 0 \(the entries of \"violations\"\), got [0-9]+" -- "$ballot" replay "$work/half-edited.jsonl"
expect 2 "half-edited.jsonl: line $bug_lines: expected \"metrics.violations\" to be 0" -- "$ballot" export "$work/half-edited.jsonl"
sed '3s/"t":0/"t":"0"/' "$good" >"$work/event-time-string.jsonl"
bad event-time-string 3 'expected "t" to be an integer, got "0"'
sed '3s/"n":1/"n":true/' "$good" >"$work/event-node-bool.jsonl"
bad event-node-bool 3 'expected "n" to be an integer, got a boolean'
sed '3s/"type":"Election"/"type":7/' "$good" >"$work/event-type-number.jsonl"
bad event-type-number 3 'expected "type" to be a string, got 7'

# The header's scenario is what replay runs: its fields are checked like a scenario file's.
sed '1s/"nodes":5/"nodes":"x"/' "$good" >"$work/scenario-nodes-string.jsonl"
expect 2 "scenario-nodes-string.jsonl: line 1: scenario.nodes: expected an integer" -- "$ballot" replay "$work/scenario-nodes-string.jsonl"
sed -e '1s/"algorithm":"bully"/"algorithm":"paxoss"/g' "$good" >"$work/scenario-algorithm.jsonl"
expect 2 "scenario-algorithm.jsonl: line 1: scenario.algorithm: unknown algorithm 'paxoss'" -- "$ballot" replay "$work/scenario-algorithm.jsonl"
# A trace that went through a CRLF editor is still the same trace.
sed 's/$/\r/' "$good" >"$work/crlf.jsonl"
expect 0 "replay ok" -- "$ballot" replay "$work/crlf.jsonl"

# Broken structure.
{ cat "$good"; echo '{"i":0,"t":0,"k":"note","n":1,"text":"after"}'; } >"$work/after-footer.jsonl"
bad after-footer $((lines + 1)) 'expected nothing after the footer line'
{ head -n 10 "$good"; tail -n 1 "$good"; sed -n "11,$((lines - 1))p" "$good"; } >"$work/footer-middle.jsonl"
bad footer-middle 11 'expected the footer.s "events" to be 9'
# Version 1 wrote Raft's candidate_id and leader_id 0-based: read as version 2 they would lie.
sed '1s/"format_version":2/"format_version":1/' "$good" >"$work/version-1.jsonl"
bad version-1 1 'expected "format_version": 2'
{ sed -n 2p "$good"; sed -n 1p "$good"; sed -n "3,\$p" "$good"; } >"$work/header-second.jsonl"
bad header-second 1 'expected a ballot trace header'
: >"$work/empty.jsonl"
bad empty 1 'expected the trace header, got an empty file'

# Readable but cut short: replay says "truncated" (exit 1), export warns and exports.
head -n $((lines - 1)) "$good" >"$work/no-footer.jsonl"
expect 1 "^truncated: the trace has no footer; its $((lines - 2)) events are identical" -- "$ballot" replay "$work/no-footer.jsonl"
expect 0 "no footer \(the trace is truncated\)" -- "$ballot" export "$work/no-footer.jsonl"
head -c $(($(head -n 100 "$good" | wc -c) + 20)) "$good" >"$work/mid-line.jsonl"
expect 1 "^truncated: the trace is cut in the middle of a line after 99 events" -- "$ballot" replay "$work/mid-line.jsonl"
expect 0 "truncated, its last line cut in the middle" -- "$ballot" export "$work/mid-line.jsonl"

# Well-formed but edited: replay names what differs (exit 1).
sed -e '$s/"violations":\[{.*}\],"lincheck"/"violations":[],"lincheck"/' -e '$s/"violations":[0-9]*}/"violations":0}/' "$bug" >"$work/no-violations.jsonl"
expect 1 "footer's \"(metrics\.violations|violations)\" differs: the trace (has|lists) 0, the re-run [1-9][0-9]*" -- "$ballot" replay "$work/no-violations.jsonl"
sed '$s/"leader_changes":[0-9]*/"leader_changes":99/' "$good" >"$work/metric-edited.jsonl"
expect 1 "footer's \"metrics.leader_changes\" differs: the trace has 99" -- "$ballot" replay "$work/metric-edited.jsonl"
sed '$s/"ok":true}\]}$/"ok":false}]}/' "$good" >"$work/expectation-edited.jsonl"
expect 1 "footer's \"expectations\[[0-9]+\].ok\" differs" -- "$ballot" replay "$work/expectation-edited.jsonl"
sed '1s/"algorithm":"bully"/"algorithm":"raft"/' "$good" >"$work/algorithm-edited.jsonl"
expect 1 "header's \"algorithm\" is raft but its scenario runs bully" -- "$ballot" replay "$work/algorithm-edited.jsonl"
sed '1s/"file":"[^"]*"/"file":"elsewhere.json"/' "$good" >"$work/file-edited.jsonl"
expect 0 "replay ok" -- "$ballot" replay "$work/file-edited.jsonl"
sed '4s/"n":[0-9]*/"n":5/' "$good" >"$work/event-edited.jsonl"
expect 1 "^DIVERGED at event 2 \(line 4, after 2 matching events\)" -- "$ballot" replay "$work/event-edited.jsonl"

# Limits: bad values name the flag; a cut run exits 2 with a valid trace that replay confirms.
for cmd in run sweep compare check; do
  arg=$src/scenarios/bully-partition.json
  [ "$cmd" = check ] && arg=$src/scenarios
  [ "$cmd" = sweep ] && set -- --seeds 1..2 || set --
  expect 2 "--max-events: expected a positive count" -- "$ballot" "$cmd" "$arg" "$@" --max-events 0
  expect 2 "--max-trace-bytes: expected a positive count.*got '2X'" -- "$ballot" "$cmd" "$arg" "$@" --max-trace-bytes 2X
  expect 2 "stopped at the event limit \(--max-events 1K\).*raise it with --max-events" -- "$ballot" "$cmd" "$arg" "$@" --max-events 1K
done
expect 2 "--max-events: expected a count below 2\^63" -- "$ballot" run "$src/scenarios/bully-partition.json" --max-events 100000000T
cut=$work/cut.jsonl
expect 2 "the trace .*cut.jsonl is valid up to there; its footer records the cut" -- "$ballot" run "$src/scenarios/split-brain-3-2.json" --max-events 2000 --trace "$cut"
expect 0 '"cut":\{"limit":"max_events","value":2000\}' -- tail -n 1 "$cut"
expect 0 "replay ok: 20[0-9][0-9] events identical.*\(cut at max_events 2K, as recorded\)" -- "$ballot" replay "$cut"
expect 2 "stopped at the event limit \(--max-events 1K\)" -- "$ballot" replay "$cut" --max-events 1000
sed '$s/"value":2000/"value":3000/' "$cut" >"$work/cut-edited.jsonl"
expect 1 "DIVERGED at event 20[0-9][0-9]: the re-run ended|trace ends here|differs" -- "$ballot" replay "$work/cut-edited.jsonl"
sized=$work/sized.jsonl
expect 2 "stopped at the trace size limit \(--max-trace-bytes 64Ki\).*--max-trace-bytes" -- "$ballot" run "$src/scenarios/split-brain-3-2.json" --max-trace-bytes 64Ki --trace "$sized"
size=$(wc -c <"$sized")
footer_size=$(tail -n 1 "$sized" | wc -c)
if [ $((size - footer_size)) -ge 65536 ] && [ $((size - footer_size)) -lt 70000 ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAILED: the size-cut trace is $size bytes ($footer_size of footer), wanted just over 64Ki before the footer"
fi
expect 0 "replay ok.*\(cut at max_trace_bytes 64Ki, as recorded\)" -- "$ballot" replay "$sized"
expect 0 ":f " -- "$ballot" export "$sized"

echo "trace input: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
