#!/usr/bin/env bash
# Fault times drawn per seed, recovery per fault and sweep --where end to end
# (docs/scenario-format.md#faults, docs/cli.md): `ballot run` shows the drawn time with its range
# and the recovery of each scripted fault; sweep --stats takes the per-fault recovery times and
# --where leaves runs out, counting them; --save-failures writes the drawn time; bad ranges and
# bad conditions are bad input (exit 2).
# Usage: fault_times_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"
scenario=$src/scenarios/raft-election-downtime.json

# ballot run: the drawn time, its range, and the recovery section.
expect 0 'faults\[0\] \(at drawn from 3s\.\.3\.05s\)' -- "$ballot" run "$scenario" --seed 3
expect 0 'faults\[0\] crash at 3\.[0-9]+s: leader followed by a majority after [0-9.]+ms; first write ok after [0-9.]+ms; it hit the leader' -- "$ballot" run "$scenario" --seed 3
json=$("$ballot" run "$scenario" --seed 3 --json 2>/dev/null)
if python3 - "$json" <<'PY'; then pass; else fail "run --json: at_range_us and recovery of faults[0]"; fi
import json, sys
f = [x for x in json.loads(sys.argv[1])["faults"] if x["source"] == "faults[0]"][0]
assert f["at_range_us"] == [3000000, 3050000], f
assert 3000000 <= f["at_us"] <= 3050000, f
r = f["recovery"]
assert r["target_was_leader"] is True and 0 < r["leader_us"] < 1000000 and r["write_us"] >= r["leader_us"], r
PY
# Different seeds draw different times; one seed draws the same.
at() { "$ballot" run "$scenario" --seed "$1" --json 2>/dev/null | python3 -c 'import json,sys; print([f["at_us"] for f in json.load(sys.stdin)["faults"] if f["source"]=="faults[0]"][0])'; }
a1=$(at 1) a1b=$(at 1) a2=$(at 2)
if [ -n "$a1" ] && [ "$a1" = "$a1b" ] && [ "$a1" != "$a2" ]; then pass; else
  fail "drawn times: seed 1 '$a1' then '$a1b', seed 2 '$a2'"
fi

# sweep --stats of the per-fault recovery, and --where.
expect 0 'faults\[0\]\.recovery_leader_us +6 ' -- "$ballot" sweep "$scenario" --seeds 1..6 --quiet \
  --stats 'faults[0].recovery_leader_us,faults[0].recovery_write_us'
expect 0 'where faults\[0\]\.target_was_leader: 6 of 6 runs matched, 0 left out' -- "$ballot" sweep "$scenario" \
  --seeds 1..6 --quiet --stats 'faults[0].recovery_leader_us' --where 'faults[0].target_was_leader'
expect 0 'faults\[0\]\.recovery_leader_us +0 +\(no samples\)' -- "$ballot" sweep "$scenario" \
  --seeds 1..6 --quiet --stats 'faults[0].recovery_leader_us' --where '!faults[0].target_was_leader'
# A condition and its negation split the runs between them.
count() {
  "$ballot" sweep "$scenario" --seeds 1..6 --quiet --json --where "$1" 2>/dev/null |
    python3 -c 'import json,sys; w=json.load(sys.stdin)["where"]; print(w["matched"], w["left_out"])'
}
early=$(count 'faults[0].at_us<3025ms')
late=$(count 'faults[0].at_us>=3025ms')
if [ -n "$early" ] && [ -n "$late" ] && [ "${early% *}" = "${late#* }" ] &&
  [ "${early#* }" = "${late% *}" ] && [ $(( ${early% *} + ${late% *} )) -eq 6 ]; then pass; else
  fail "--where split: at<3025ms '$early', at>=3025ms '$late'"
fi

# Bad conditions and stats names: exit 2.
expect 2 "unknown metric 'leader_los'" -- "$ballot" sweep "$scenario" --seeds 1..2 --where leader_los
expect 2 "the scenario has 1 scripted fault" -- "$ballot" sweep "$scenario" --seeds 1..2 --where 'faults[3].fired'
expect 2 "unknown field 'hit' of faults\[0\]" -- "$ballot" sweep "$scenario" --seeds 1..2 --where 'faults[0].hit'
expect 2 "expected an integer or a duration" -- "$ballot" sweep "$scenario" --seeds 1..2 --where 'faults[0].at_us<soon'
expect 2 "expected NAME, !NAME or NAME OP VALUE" -- "$ballot" sweep "$scenario" --seeds 1..2 --where 'crashes=1'
expect 2 "--stats: unknown field 'fired'" -- "$ballot" sweep "$scenario" --seeds 1..2 --stats 'faults[0].fired'

# Bad ranges: exit 2 with the file and the JSON path.
expect 2 'faults\[0\]\.at\.min: expected min <= max, got min 3100ms > max 3050ms' -- \
  "$ballot" run "$scenario" --set faults[0].at.min=3.1s
expect 2 'faults\[0\]\.at: expected a duration like "3s" or a range' -- \
  "$ballot" run "$scenario" --set 'faults[0].at=["3s","3.05s"]'

# --save-failures writes the drawn time, not the range.
expect 1 'failed' -- "$ballot" sweep "$scenario" --seeds 4 --quiet --save-failures "$work/saved" \
  --set expect.crashes=2
saved=$(ls "$work/saved"/*.json 2>/dev/null | head -1)
drawn=$(at 4)
if [ -n "$saved" ] && python3 - "$saved" "$drawn" <<'PY'; then pass; else fail "saved failure: faults[0].at is the drawn $drawn ($saved)"; fi
import json, sys
s = json.load(open(sys.argv[1]))
ats = [f["at"] for f in s["faults"] if f["kind"] == "crash"]
assert len(ats) == 1 and isinstance(ats[0], str), ats
us = {"s": 1000000, "ms": 1000, "us": 1}
t = ats[0]
for unit in ("ms", "us", "s"):
    if t.endswith(unit):
        v = round(float(t[: -len(unit)]) * us[unit])
        break
assert v == int(sys.argv[2]), (t, sys.argv[2])
PY

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
