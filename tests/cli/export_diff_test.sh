#!/usr/bin/env bash
# `ballot export --format perfetto|shiviz` checked against each format's rules (export_check.py)
# on shipped scenarios with partitions, pauses, crashes and drops; and `ballot diff`: identical
# runs, a known first divergence, bad input.
# Usage: export_diff_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"
checker="$(dirname "$0")/export_check.py"

# ---- exports of traces that have every kind of thing to draw ----
for s in split-brain-3-2 leader-pause raft-figure8 flapping-link lease-service-crash; do
  "$ballot" run "$src/scenarios/$s.json" --seed 1 --trace "$work/$s.jsonl" >/dev/null 2>&1
  for format in perfetto shiviz; do
    if "$ballot" export "$work/$s.jsonl" --format "$format" -o "$work/$s.$format" 2>"$work/err.txt" &&
      out=$(python3 "$checker" "$format" "$work/$s.jsonl" "$work/$s.$format") && [ "$out" = ok ]; then
      pass
    else
      fail "$s: --format $format: $(head -5 <<<"${out:-}") $(cat "$work/err.txt")"
    fi
  done
done
# Duplicated messages: one flow per delivered copy.
"$ballot" run "$src/scenarios/leader-pause.json" --seed 1 --set network.duplicate=0.2 --trace "$work/dup.jsonl" >/dev/null 2>&1
grep -q '"dup":true' "$work/dup.jsonl" && pass || fail "network.duplicate=0.2 duplicated nothing"
for format in perfetto shiviz; do
  "$ballot" export "$work/dup.jsonl" --format "$format" -o "$work/dup.$format" 2>/dev/null
  out=$(python3 "$checker" "$format" "$work/dup.jsonl" "$work/dup.$format")
  [ "$out" = ok ] && pass || fail "duplicates: --format $format: $(head -5 <<<"$out")"
done
# What the traces hold, so that the checks above saw crashes, pauses, drops and faults.
grep -q '"k":"crash"' "$work/raft-figure8.jsonl" && pass || fail "raft-figure8 has no crash"
grep -q '"k":"pause"' "$work/leader-pause.jsonl" && pass || fail "leader-pause has no pause"
grep -q '"k":"drop"' "$work/split-brain-3-2.jsonl" && pass || fail "split-brain-3-2 has no drop"
grep -q '"k":"arm"' "$work/leader-pause.jsonl" && pass || fail "leader-pause has no arm"
grep -q '"k":"cancel"' "$work/leader-pause.jsonl" && pass || fail "leader-pause has no cancel"
# Timer bookkeeping is not exported: no arm or cancel in either format (firings are).
grep -q '"timer 1"\|"timer [0-9]*"' "$work/leader-pause.perfetto" && pass || fail "perfetto: no timer firing"
grep -q 'us arm\|us cancel' "$work/leader-pause.shiviz" && fail "shiviz logs arm/cancel" || pass
grep -q '"name":"crashed"' "$work/raft-figure8.perfetto" && pass || fail "no crashed span"
grep -q '"name":"paused"' "$work/leader-pause.perfetto" && pass || fail "no paused span"
grep -q '"name":"leader"' "$work/split-brain-3-2.perfetto" && pass || fail "no leader span"
# Standard output by default, the same bytes as -o.
"$ballot" export "$work/leader-pause.jsonl" --format shiviz >"$work/stdout.shiviz" 2>/dev/null
cmp -s "$work/stdout.shiviz" "$work/leader-pause.shiviz" && pass || fail "shiviz: stdout differs from -o"
# ShiViz's default regex on line 1, the empty delimiter on line 2.
[ "$(head -1 "$work/leader-pause.shiviz")" = '(?<event>.*)\n(?<host>\S*) (?<clock>{.*})' ] && pass ||
  fail "shiviz: line 1 is not the regex"

# The checker itself rejects broken exports (so that its "ok" means something).
reject() {
  if python3 "$checker" "$1" "$work/leader-pause.jsonl" "$work/broken" >/dev/null; then
    fail "checker accepted: $2"
  else
    pass
  fi
}
python3 - "$work/leader-pause.perfetto" "$work/broken" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["traceEvents"] = [e for e in d["traceEvents"] if e.get("ph") != "f"][:]
json.dump(d, open(sys.argv[2], "w"))
PY
reject perfetto "flows without ends"
python3 - "$work/leader-pause.perfetto" "$work/broken" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
xs = [e for e in d["traceEvents"] if e.get("ph") == "X" and e.get("cat") == "state"]
# A role span that starts 1us before the one before it on its node ends.
later = [e for e in xs if e["ts"] > 0][0]
later["ts"] -= 1
later["dur"] += 1
json.dump(d, open(sys.argv[2], "w"))
PY
reject perfetto "overlapping role spans"
awk 'NR == 40 { sub(/:[0-9]+}$/, ":99}") } { print }' "$work/leader-pause.shiviz" >"$work/broken"
reject shiviz "a clock entry out of step"
python3 - "$work/leader-pause.shiviz" "$work/broken" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
# The first delivery's clock loses what it learnt from its send.
for n in range(2, len(lines) - 1, 2):
    if " deliver " in lines[n]:
        host = lines[n + 1].split(" ")[0]
        own = re.search(r'"%s":(\d+)' % host, lines[n + 1]).group(1)
        lines[n + 1] = '%s {"%s":%s}' % (host, host, own)
        break
open(sys.argv[2], "w").write("\n".join(lines))
PY
reject shiviz "a delivery that does not follow its send"

# ---- bad input: exit 2, as for the other trace readers ----
expect 2 "cannot open the trace file" -- "$ballot" export "$work/missing.jsonl" --format perfetto
expect 2 "cannot open the trace file" -- "$ballot" export "$work/missing.jsonl" --format shiviz
sed '3s/"t":[0-9]*/"t":"x"/' "$work/leader-pause.jsonl" >"$work/bad-t.jsonl"
expect 2 'bad-t.jsonl: line 3: .*"t"' -- "$ballot" export "$work/bad-t.jsonl" --format perfetto
expect 2 'bad-t.jsonl: line 3: .*"t"' -- "$ballot" export "$work/bad-t.jsonl" --format shiviz
expect 2 'bad-t.jsonl: line 3: .*"t"' -- "$ballot" diff "$work/leader-pause.jsonl" "$work/bad-t.jsonl"
expect 2 'bad-t.jsonl: line 3: .*"t"' -- "$ballot" diff "$work/bad-t.jsonl" "$work/leader-pause.jsonl"
expect 2 "cannot open the trace file" -- "$ballot" diff "$work/missing.jsonl" "$work/leader-pause.jsonl"
expect 2 "format" -- "$ballot" export "$work/leader-pause.jsonl" --format svg
# A truncated trace is exported with a warning.
head -100 "$work/leader-pause.jsonl" >"$work/short.jsonl"
expect 0 "warning: no footer" -- "$ballot" export "$work/short.jsonl" --format perfetto -o "$work/short.json"
out=$(python3 "$checker" perfetto "$work/short.jsonl" "$work/short.json")
[ "$out" = ok ] && pass || fail "truncated trace: $out"

# ---- diff ----
"$ballot" run "$src/scenarios/leader-pause.json" --seed 1 --trace "$work/again.jsonl" >/dev/null 2>&1
expect 0 "^identical: the same [0-9]+ events and footer" -- "$ballot" diff "$work/leader-pause.jsonl" "$work/again.jsonl"
# Different seeds: the first event whose line differs, at its time.
"$ballot" run "$src/scenarios/leader-pause.json" --seed 2 --trace "$work/seed2.jsonl" >/dev/null 2>&1
first=$(paste -d'\n' <(tail -n +2 "$work/leader-pause.jsonl") <(tail -n +2 "$work/seed2.jsonl") |
  awk 'NR % 2 == 1 { a = $0; next } a != $0 { split(a, p, ","); sub(/.*:/, "", p[1]); print p[1]; exit }')
expect 1 "^seed: A 1, B 2" -- "$ballot" diff "$work/leader-pause.jsonl" "$work/seed2.jsonl"
expect 1 "^first divergence: event $first at" -- "$ballot" diff "$work/leader-pause.jsonl" "$work/seed2.jsonl"
# A fault moved later: everything before it is the same, so the runs part at its first event
# (the pause begins at 2s in A; B still runs as before until 2.5s).
"$ballot" run "$src/scenarios/leader-pause.json" --seed 1 --set 'faults[0].at=2s' --trace "$work/at2.jsonl" >/dev/null 2>&1
"$ballot" run "$src/scenarios/leader-pause.json" --seed 1 --set 'faults[0].at=2500ms' --trace "$work/at25.jsonl" >/dev/null 2>&1
idx=$(grep -m1 -E '"k":"(fault|pause)"' "$work/at2.jsonl" | sed 's/^{"i":\([0-9]*\),.*/\1/')
expect 1 "^first divergence: event $idx at 2000\.000ms \(t=2000000 us\)" -- "$ballot" diff "$work/at2.jsonl" "$work/at25.jsonl"
expect 1 "^scenario: the headers' scenarios differ in: faults" -- "$ballot" diff "$work/at2.jsonl" "$work/at25.jsonl"
expect 1 "identical prefix $idx" -- "$ballot" diff "$work/at2.jsonl" "$work/at25.jsonl"
expect 1 "leader intervals \(node@epoch" -- "$ballot" diff "$work/at2.jsonl" "$work/at25.jsonl"
expect 1 "damage and violations: lost_writes A [0-9]+ B [0-9]+" -- "$ballot" diff "$work/at2.jsonl" "$work/at25.jsonl"
expect 1 "messages sent by type" -- "$ballot" diff "$work/at2.jsonl" "$work/at25.jsonl"
# Two runs that part at an arm event (its due time moved): diff names it and its field.
arm=$(grep -m1 '"k":"arm"' "$work/leader-pause.jsonl" | sed 's/^{"i":\([0-9]*\),.*/\1/')
awk -v i="$arm" 'index($0, "{\"i\":" i ",") == 1 { sub(/"due":[0-9]+/, "\"due\":1") } { print }' \
  "$work/leader-pause.jsonl" >"$work/arm-moved.jsonl"
expect 1 "^first divergence: event $arm at" -- "$ballot" diff "$work/leader-pause.jsonl" "$work/arm-moved.jsonl"
expect 1 "differs in: due" -- "$ballot" diff "$work/leader-pause.jsonl" "$work/arm-moved.jsonl"
# One run a prefix of the other: the divergence is where the shorter one ends.
head -101 "$work/at2.jsonl" >"$work/at2-short.jsonl"
expect 1 "^first divergence: event 100 at .*: A ends after 100 events, B goes on" -- "$ballot" diff "$work/at2-short.jsonl" "$work/at2.jsonl"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
