#!/usr/bin/env bash
# Plots through gnuplot (docs/cli.md, "Plots"): `ballot compare --plot` draws one CDF curve per
# algorithm with a point per distinct leader loss (counted independently from `ballot run --json`)
# and a mark per seed in each damage strip; the title names the scenario and seeds and says when
# runs had safety violations; `sweep --stats M --plot` likewise; PNG output; file names with
# spaces and quotes; the kept script redraws the plot; no gnuplot on PATH, a failing gnuplot and
# bad flags give their messages and exit codes.
# Usage: plot_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"
if ! command -v gnuplot >/dev/null; then
  echo "plot_test: gnuplot not installed (Debian: gnuplot-nox); skipped"
  exit 77
fi
cd "$work" || exit 1
cp "$src/scenarios/split-brain-3-2.json" scenario.json

# The leader losses of every run, from `ballot run --json`: "algorithm samples distinct" lines.
losses() {  # losses SCENARIO ALGO SEED...
  local scenario=$1 algo=$2
  shift 2
  for seed in "$@"; do "$ballot" run "$scenario" --algo "$algo" --seed "$seed" --json --quiet; done |
    python3 -c '
import json, sys
dec = json.JSONDecoder(); text = sys.stdin.read(); at = 0; values = []
while at < len(text):
    while at < len(text) and text[at].isspace(): at += 1
    if at >= len(text): break
    j, at = dec.raw_decode(text, at)
    values += j["leader_losses_us"]
print(len(values), len(set(values)))'
}

# svg_groups FILE: each plotted series of the SVG as "title<TAB>marks", in order (the XML must
# parse).
# absent PATTERN FILE: nothing in FILE matches.
absent() {
  if grep -qE -- "$1" "$2"; then fail "$2 matches /$1/"; else pass; fi
}

svg_groups() {
  python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(sys.argv[1]).getroot()
for g in root.iter("{http://www.w3.org/2000/svg}g"):
    if not g.get("id", "").startswith("gnuplot_plot_"):
        continue
    title = g.find("s:title", ns)
    print("%s\t%d" % (title.text if title is not None else "", len(g.findall(".//s:use", ns))))
PY
}

# compare --plot: a curve per algorithm, a point per distinct leader loss, a mark per seed.
"$ballot" compare scenario.json --algos bully,raft --seeds 1..4 --quiet --plot "my plot.svg" \
  --plot-script "it's a script.gp" >table.txt
rc=$?
if [ "$rc" -eq 0 ] && [ -s "my plot.svg" ]; then pass; else fail "compare --plot: exit $rc"; fi
svg_groups "my plot.svg" >groups.txt || fail "compare --plot: the SVG does not parse as XML"
for algo in bully raft; do
  read -r n distinct <<<"$(losses scenario.json "$algo" 1 2 3 4)"
  # The curve's title, then its points (the next, untitled series).
  got=$(awk -F'\t' -v t="$algo ($n samples)" 'found { print $2; exit } $1 == t { found = 1 }' groups.txt)
  if [ "$got" = "$distinct" ] && [ "$distinct" -gt 0 ]; then pass; else
    fail "compare --plot: $algo: wanted a curve '$algo ($n samples)' with $distinct points, got '$got'"
    cat groups.txt
  fi
  expect 0 "^$algo: lost acknowledged writes	4$" -- cat groups.txt
  expect 0 "^$algo: duplicate ids	4$" -- cat groups.txt
done
# Bully has no safety checker: its violations row has no marks, raft's has a mark per seed.
expect 0 '^raft: safety violations	4$' -- cat groups.txt
absent '^bully: safety violations' groups.txt
expect 0 'bully \(no checker\)' -- cat "my plot.svg"
expect 0 'ballot compare scenario.json \(split-brain-3-2\), seeds 1\.\.4' -- cat "my plot.svg"
expect 0 'leader loss \(per loss\): leader_loss_per_loss_us, in (ms|s|us)' -- cat "my plot.svg"
absent 'SAFETY VIOLATIONS' "my plot.svg"
# The table is still printed, and no temporary file is left beside the plot.
expect 0 '^leader loss \(per loss\) ' -- cat table.txt
ls >files.txt
absent 'partial' files.txt
# The kept script draws the same plot again by itself.
mv "my plot.svg" first.svg
if gnuplot "it's a script.gp" && cmp -s first.svg "my plot.svg"; then pass; else
  fail "compare --plot-script: gnuplot on the kept script did not redraw the same SVG"
fi

# Safety violations are not hidden: the title says so.
cp "$src/scenarios/raft-figure8-bug.json" bug.json
"$ballot" compare bug.json --algos raft --seeds 1..2 --quiet --plot bug.svg >/dev/null
expect 0 'SAFETY VIOLATIONS: raft [0-9]+ in [12] runs?' -- cat bug.svg
svg_groups bug.svg >bug-groups.txt
if awk -F'\t' '$1 == "raft: safety violations" && $2 == 2 { ok = 1 } END { exit !ok }' bug-groups.txt
then pass; else fail "compare --plot: the violations strip of raft-figure8-bug"; fi

# sweep --stats M --plot: the CDF of M over the seeds, a mark per sample.
cp "$src/scenarios/raft-leader-pause.json" pause.json
"$ballot" sweep pause.json --seeds 1..5 --stats leader_loss_per_loss_us --quiet --plot sweep.svg \
  >sweep.txt
read -r n distinct <<<"$(losses pause.json raft 1 2 3 4 5)"
svg_groups sweep.svg >sweep-groups.txt || fail "sweep --plot: the SVG does not parse as XML"
got=$(awk -F'\t' -v t="raft ($n samples)" 'found { print $2; exit } $1 == t { found = 1 }' sweep-groups.txt)
if [ "$got" = "$distinct" ]; then pass; else
  fail "sweep --plot: wanted 'raft ($n samples)' with $distinct points, got '$got'"
fi
expect 0 "^raft: leader_loss_per_loss_us	$n$" -- cat sweep-groups.txt
expect 0 'ballot sweep pause.json --algo raft, seeds 1\.\.5' -- cat sweep.svg
expect 0 'over 5 seeds: 5 passed' -- cat sweep.txt

# PNG: the signature.
"$ballot" sweep pause.json --seeds 1..2 --stats messages_sent --quiet --plot out.png >/dev/null
if [ "$(head -c 8 out.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then pass; else
  fail "sweep --plot out.png: not a PNG"
fi

# Bad flags: exit 2 before any run.
expect 2 "^ballot: --plot: expected a file name ending in \.svg or \.png .*'x\.pdf'" -- \
  "$ballot" compare scenario.json --seeds 1 --plot x.pdf
expect 2 '^ballot: --plot: expected a file name ending' -- "$ballot" sweep pause.json --seeds 1 \
  --stats messages_sent --plot noext
expect 2 '^ballot: --plot: needs --stats' -- "$ballot" sweep pause.json --seeds 1 --plot x.svg
expect 2 '^ballot: --plot-script: needs --plot' -- "$ballot" compare scenario.json --seeds 1 \
  --plot-script s.gp
expect 2 "^ballot: --plot: cannot write 'nodir/x.svg'" -- "$ballot" compare scenario.json \
  --seeds 1 --plot nodir/x.svg

# No gnuplot on PATH: one message naming the Debian package, exit 2, nothing run.
mkdir empty-path
expect 2 '^ballot: --plot: gnuplot was not found on PATH.*gnuplot-nox' -- env PATH="$work/empty-path" \
  "$ballot" compare scenario.json --seeds 1..2 --plot none.svg
[ -e none.svg ] && fail "no gnuplot: none.svg exists" || pass

# gnuplot failing: its stderr shown, exit 3, no file.
mkdir fake
printf '#!/bin/sh\necho "fake gnuplot: cannot draw" >&2\nexit 1\n' >fake/gnuplot
chmod +x fake/gnuplot
expect 3 'fake gnuplot: cannot draw' -- env PATH="$work/fake:$PATH" "$ballot" compare scenario.json \
  --seeds 1 --plot failed.svg --quiet
expect 3 "ballot: --plot: gnuplot .* failed with exit code 1; 'failed.svg' not written" -- \
  env PATH="$work/fake:$PATH" "$ballot" compare scenario.json --seeds 1 --plot failed.svg --quiet
if [ ! -e failed.svg ] && ! ls | grep -q partial; then pass; else
  fail "failing gnuplot: a file was left: $(ls)"
fi

printf 'plot_test: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
