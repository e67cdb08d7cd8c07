#!/usr/bin/env bash
# ballot-viz --variant (docs/viz.md): bad names, too many and conflicting flags exit 2 before any
# window opens; with xvfb-run, two variants stacked render a screenshot.
# Usage: viz_variants_test.sh BALLOT_VIZ_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"
viz=$ballot
lesson=$src/scenarios/lessons/04-election-restriction.json

expect 2 "--variant nope: no such variant \(the file's variants: buggy; base is the file without one\)" -- \
  "$viz" "$lesson" --variant nope
expect 2 "--variant nope: no such variant" -- "$viz" "$lesson" --variant base,nope
expect 2 "at most two variants" -- "$viz" "$lesson" --variant base,buggy,base
expect 2 "give no --compare or --compare-algo" -- "$viz" "$lesson" --variant base --variant buggy --compare-algo bully
expect 2 "the file declares no variants" -- "$viz" "$src/scenarios/raft-figure8.json" --variant buggy
if command -v xvfb-run >/dev/null; then
  expect 0 "^png$" -- bash -c "xvfb-run -a '$viz' '$lesson' --variant base,buggy --screenshot '$work/stack.png' --size 1280x720 --at 420ms && head -c 8 '$work/stack.png' | grep -q PNG && echo png"
fi
echo "viz variants: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
