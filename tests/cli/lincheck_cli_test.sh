#!/usr/bin/env bash
# `ballot lincheck` end to end on EDN histories: entries that are not operations are skipped and
# counted (text and --json), and a malformed entry is exit 2 naming the file and its line.
# Usage: lincheck_cli_test.sh BALLOT_BINARY
set -u
source "$(dirname "$0")/lib.sh" "$@"

cat >"$work/skips.edn" <<'EDN'
; a Jepsen history with a log message and the nemesis between the operations
{:process 0, :type :invoke, :f :write, :value \a, :time #inst "2024-01-01T00:00:00Z"}
{:type :log, :message "nemesis starts"}
{:process :nemesis, :type :info, :f :start, :value #{:n1 :n2}}
{:process 0, :type :ok, :f :write, :value \a}
#_{:process 1, :type :invoke, :f :read}
{:process 1, :type :invoke, :f :read, :value nil}
{:process 1, :type :ok, :f :read, :value "a"}
EDN
cat >"$work/clean.edn" <<'EDN'
{:process 0, :type :invoke, :f :write, :value 1}
{:process 0, :type :ok, :f :write, :value 1}
EDN
printf '{:process 0, :type :invoke, :f :read}\n{:type :log}\n{:process 0, :type :ok, :value 2}\n' >"$work/bad.edn"
printf '{:process 0, :type :invoke, :f :write, :value \\newlines}\n' >"$work/badchar.edn"

expect 0 "^linearizable: .*skips.edn \(2 operations" -- "$ballot" lincheck "$work/skips.edn"
expect 0 "^skipped 2 entries that are not client operations \(first on line 3\)$" -- "$ballot" lincheck "$work/skips.edn"
expect 0 '"operations": 2, "skipped": 2,' -- "$ballot" lincheck "$work/skips.edn" --json
expect 0 '"skipped": 0,' -- "$ballot" lincheck "$work/clean.edn" --json
# Nothing skipped: no line about it.
expect 1 "^0$" -- bash -c "'$ballot' lincheck '$work/clean.edn' | grep -c skipped"
expect 2 "bad.edn:3: expected an :f" -- "$ballot" lincheck "$work/bad.edn"
expect 2 "badchar.edn:1: .*character.*newlines" -- "$ballot" lincheck "$work/badchar.edn"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
