#!/usr/bin/env bash
# The --sshlogin recipe of docs/scale-out.md through real ssh on this one machine: the test starts
# its own sshd (127.0.0.1, a free port, host and client keys and configs in its scratch directory;
# the system sshd and ~/.ssh are neither used nor touched), and GNU parallel sends the scenario to
# a remote working directory, runs the shards there, returns the parts and cleans up. The merged
# parts must equal the unsharded sweep byte for byte, the jobs must have run over ssh in that
# directory, and --cleanup must have removed it.
# Exits 77 (skipped) when sshd, ssh or rsync is not installed, or when sshd does not come up and
# CI is not set (under CI=true that is a failure).
# Usage: scale_out_ssh_test.sh BALLOT_BINARY SOURCE_DIR
set -u
source "$(dirname "$0")/lib.sh" "$@"
skip() {
  echo "scale_out_ssh_test: SKIPPED: $1" >&2
  exit 77
}
# What keeps the test's own sshd from working here: a failure under CI (which installs all it
# needs), a skip elsewhere.
broken() {
  if [ "${CI:-}" = true ]; then
    echo "scale_out_ssh_test: FAILED: $1" >&2
    exit 1
  fi
  skip "$1"
}
for tool in ssh ssh-keygen; do
  command -v "$tool" >/dev/null || skip "$tool not found (Debian package openssh-client; .ci/setup)"
done
# sshd, by its absolute path (it re-executes itself): on PATH, or in the sbin beside ssh's bin
# (where Debian puts it; a normal user's PATH has no sbin).
ssh_prefix=$(dirname "$(dirname "$(command -v ssh)")")
sshd=$(PATH="$PATH:$ssh_prefix/sbin" command -v sshd)
case $sshd in
  /*) ;;
  *) skip "sshd not found on PATH nor in $ssh_prefix/sbin (Debian package openssh-server; .ci/setup)" ;;
esac
command -v rsync >/dev/null ||
  skip "rsync not found (Debian package rsync; parallel's --transferfile and --return use it)"
for tool in parallel python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "scale_out_ssh_test: $tool is not installed (Debian package $tool; .ci/setup)" >&2
    exit 1
  fi
done

s="$work/ssh"
mkdir -p "$s"
chmod 700 "$s"
sshd_pid=
cleanup() {
  if [ -n "$sshd_pid" ]; then
    kill "$sshd_pid" 2>/dev/null
    wait "$sshd_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

user=$(id -un)
for key in host_key client_key; do
  ssh-keygen -q -N '' -t ed25519 -f "$s/$key" </dev/null 2>"$s/keygen.log" ||
    broken "ssh-keygen failed: $(cat "$s/keygen.log")"
done
cp "$s/client_key.pub" "$s/authorized_keys"
# sshd started as root checks for its privilege separation directory.
[ "$(id -u)" -ne 0 ] || mkdir -p /run/sshd

# A free port, asked of the kernel; tried again if another process takes it first.
start_sshd() {
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$s/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $s/host_key
PidFile $s/sshd.pid
AuthorizedKeysFile $s/authorized_keys
AllowUsers $user
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PrintMotd no
CONF
  cat >"$s/ssh_config" <<CONF
Host ballot-test-host
  HostName 127.0.0.1
  Port $port
  User $user
  IdentityFile $s/client_key
  IdentitiesOnly yes
  IdentityAgent none
  BatchMode yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  GlobalKnownHostsFile /dev/null
  ConnectTimeout 5
  LogLevel ERROR
CONF
  "$sshd" -D -e -f "$s/sshd_config" 2>>"$s/sshd.log" &
  sshd_pid=$!
  # Up when a login works; given up after about 5 seconds or when sshd has exited.
  for _ in $(seq 50); do
    kill -0 "$sshd_pid" 2>/dev/null || break
    ssh -F "$s/ssh_config" ballot-test-host true 2>>"$s/ssh.log" && return 0
    sleep 0.1
  done
  kill "$sshd_pid" 2>/dev/null
  wait "$sshd_pid" 2>/dev/null
  sshd_pid=
  return 1
}
up=0
for _ in 1 2 3; do
  if start_sshd; then
    up=1
    break
  fi
  grep -q 'Address already in use' "$s/sshd.log" || break
done
[ "$up" -eq 1 ] || broken "sshd did not come up. sshd log:
$(tail -20 "$s/sshd.log")
ssh log:
$(tail -5 "$s/ssh.log" 2>/dev/null)"
logins_before=$(grep -c 'Accepted publickey' "$s/sshd.log")

cd "$work" || exit 1
cp "$src/scenarios/raft-election-downtime.json" scenario.json
# The same sweep as tests/cli/scale_out_test.sh.
seeds=1..40
stats=leader_loss_per_loss_us,first_leader_us
"$ballot" sweep scenario.json --seeds $seeds --stats $stats --quiet >whole.txt 2>/dev/null

# The docs recipe, with ssh through the test's configuration as the login (2 jobs at a time) and
# a remote working directory of its own (a path that does not exist yet; the default, the login
# directory, would be $HOME here). Each job also returns where-K.txt: its directory and the ssh
# connection it ran in.
remote="$work/remote"
mkdir local
cp scenario.json local/
(cd local && parallel --will-cite --sshlogin "2/ssh -F $s/ssh_config ballot-test-host" \
  --workdir "$remote" --transferfile scenario.json --return part-{}.json --return where-{}.txt \
  --cleanup 'echo "$PWD ${SSH_CONNECTION:-none}" >where-{}.txt;' \
  "$ballot" sweep scenario.json --seeds $seeds --stats $stats --shard {}/4 --json --quiet \
  '>' part-{}.json '||' test '$?' -eq 1 ::: 1 2 3 4 2>"$work/parallel.log")
expect 0 '' -- test "$(ls local/part-*.json | wc -l)" -eq 4
(cd local && "$ballot" merge part-*.json) >merged.txt
expect 0 '' -- cmp whole.txt merged.txt
expect 0 'over 40 seeds: 40 passed, 0 failed' -- cat merged.txt

# Every job ran in the remote directory, over a connection to this test's sshd (server port
# $port): run locally, or without ssh, it would have no scenario there nor SSH_CONNECTION.
for k in 1 2 3 4; do
  if [ ! -f "local/where-$k.txt" ]; then
    fail "job $k: where-$k.txt was not returned"
    continue
  fi
  read -r dir _ _ _ server_port <"local/where-$k.txt"
  if [ "$dir" = "$remote" ] && [ "$server_port" = "$port" ]; then
    pass
  else
    fail "job $k did not run in $remote through the test's sshd (port $port): $(cat "local/where-$k.txt")"
  fi
done
logins=$(($(grep -c 'Accepted publickey' "$s/sshd.log") - logins_before))
if [ "$logins" -ge 4 ]; then
  pass
else
  fail "sshd accepted $logins logins during the recipe, wanted at least 4 (one per job)"
fi
# --cleanup removed the scenario and the parts from the remote side, and then its directory.
if [ -e "$remote" ]; then
  fail "--cleanup left the remote directory: $(ls -A "$remote" | tr '\n' ' ')"
else
  pass
fi
if [ "$failed" -ne 0 ]; then
  echo "parallel's messages:" && tail -20 "$work/parallel.log"
  echo "sshd log:" && tail -20 "$s/sshd.log"
fi

printf 'scale_out_ssh_test: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
