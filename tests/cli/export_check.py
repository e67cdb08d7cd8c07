#!/usr/bin/env python3
"""Checks `ballot export --format perfetto|shiviz` output against its format's rules and
against the trace it came from.
Usage: export_check.py perfetto|shiviz TRACE.jsonl EXPORT_FILE
Prints the problems found and exits 1 if there are any, else prints "ok"."""
import json
import re
import sys

problems = []


def bad(msg):
    if len(problems) < 20:
        problems.append(msg)


def trace_events(path):
    with open(path) as f:
        lines = [json.loads(l) for l in f if l.strip()]
    return [l for l in lines[1:] if "footer" not in l]


def check_perfetto(events, path):
    with open(path) as f:
        doc = json.load(f)
    evs = doc.get("traceEvents")
    if not isinstance(evs, list):
        bad("no traceEvents list")
        return
    named = set()
    last_ts = {}
    spans = {}
    flows = {}
    counts = {}
    last_x = {}  # track -> the last X event before, in file order
    for n, e in enumerate(evs):
        ph = e.get("ph")
        if ph not in ("M", "X", "i", "s", "f"):
            bad(f"event {n}: unexpected ph {ph!r}")
            continue
        for key in ("pid", "tid"):
            if not isinstance(e.get(key), int):
                bad(f"event {n}: {key} is not an integer")
        if not isinstance(e.get("name"), str):
            bad(f"event {n}: name is not a string")
        track = (e.get("pid"), e.get("tid"))
        if ph == "M":
            if e["name"] in ("process_name", "thread_name") and not isinstance(
                e.get("args", {}).get("name"), str
            ):
                bad(f"event {n}: metadata without args.name")
            if e["name"] == "thread_name":
                named.add(track)
            continue
        ts = e.get("ts")
        if not isinstance(ts, int) or ts < 0:
            bad(f"event {n}: ts {ts!r} is not a time in microseconds")
            continue
        if track not in named:
            bad(f"event {n}: track {track} has no thread_name")
        if ts < last_ts.get(track, 0):
            bad(f"event {n}: ts {ts} goes back on track {track}")
        last_ts[track] = ts
        cat = e.get("cat")
        counts[cat] = counts.get(cat, 0) + 1
        if ph == "X":
            if not isinstance(e.get("dur"), int) or e["dur"] < 0:
                bad(f"event {n}: X without a duration")
                continue
            spans.setdefault(track, []).append((ts, ts + e["dur"], e["name"], n))
            last_x[track] = e
        elif ph == "i":
            if e.get("s") not in ("g", "p", "t"):
                bad(f"event {n}: instant scope {e.get('s')!r}")
            if cat == "fault" and e.get("s") != "g" and e["tid"] == 0:
                bad(f"event {n}: a cluster-wide fault that is not global")
        else:
            if not isinstance(e.get("id"), int) or not isinstance(cat, str):
                bad(f"event {n}: flow event without id or cat")
                continue
            if ph == "f" and e.get("bp") != "e":
                bad(f"event {n}: flow end without bp e (bind to the enclosing slice)")
            # Bound to the message slice written just before it on its thread (a reader binds
            # a flow to the slice open there at its time): a send for s, a delivery for f.
            x = last_x.get(track)
            want = "send" if ph == "s" else "deliver"
            if not x or x.get("cat") != want or x["ts"] != ts:
                bad(f"event {n}: flow {ph} not right after a {want} slice at its time")
                continue
            flows.setdefault(e["id"], []).append((ph, ts, track, n, x["args"]["id"]))
    # Spans per track nest properly: any two are disjoint or one holds the other.
    for track, lst in spans.items():
        lst.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        stack = []
        for s in lst:
            while stack and stack[-1][1] <= s[0] and not (stack[-1][0] == stack[-1][1] == s[0]):
                stack.pop()
            if stack and s[1] > stack[-1][1]:
                bad(f"track {track}: span {s[2]} {s[0]}..{s[1]} overlaps {stack[-1][2]} "
                    f"{stack[-1][0]}..{stack[-1][1]}")
            stack.append(s)

    def enclosed(track, ts):
        return any(a <= ts < b for a, b, name, _ in spans.get(track, [])
                   if name.startswith(("send ", "deliver ")))

    # Every flow: one start and one end, the end not before the start, each on a message slice.
    for fid, lst in flows.items():
        phs = sorted(p for p, *_ in lst)
        if phs != ["f", "s"]:
            bad(f"flow {fid}: phases {phs}, expected one s and one f")
            continue
        s = next(x for x in lst if x[0] == "s")
        f = next(x for x in lst if x[0] == "f")
        if f[4] != s[4]:
            bad(f"flow {fid}: from message #{s[4]} to message #{f[4]}")
        if f[1] < s[1]:
            bad(f"flow {fid}: ends at {f[1]} before it starts at {s[1]}")
        for x in (s, f):
            if not enclosed(x[2], x[1]):
                bad(f"flow {fid}: {x[0]} at {x[1]} on {x[2]} has no message slice to bind to")
    # Against the trace: every delivery a flow, every drop, fault and role change shown.
    want = {
        "flows": sum(1 for e in events if e["k"] == "deliver"),
        "drop": sum(1 for e in events if e["k"] == "drop"),
        "fault": sum(1 for e in events if e["k"] == "fault"),
        "send": sum(1 for e in events if e["k"] == "send"),
        "deliver": sum(1 for e in events if e["k"] == "deliver"),
    }
    got = dict(counts)
    got["flows"] = len(flows)
    for k, v in want.items():
        if got.get(k, 0) != v:
            bad(f"{k}: {got.get(k, 0)} in the export, {v} in the trace")
    if any(e["k"] == "role" for e in events) and not counts.get("state"):
        bad("no role spans")
    for e in events:
        if e["k"] in ("crash", "pause"):
            names = [x for x in evs if x.get("ph") == "i" and x.get("name") == e["k"]
                     and x.get("tid") == e["n"] and x.get("ts") == e["t"]]
            if not names:
                bad(f"{e['k']} of n{e['n']} at {e['t']} not shown")


def check_shiviz(events, path):
    with open(path) as f:
        text = f.read()
    lines = text.split("\n")
    if len(lines) < 2 or "(?<host>" not in lines[0] or "(?<clock>" not in lines[0] \
            or "(?<event>" not in lines[0]:
        bad("line 1 is not a parsing regex with host, clock and event groups")
        return
    if lines[1] != "":
        bad("line 2 (the executions delimiter) is not empty")
    # ShiViz regexes are JavaScript ones: (?<name>...) is Python's (?P<name>...).
    regex = re.compile(lines[0].replace("(?<", "(?P<"))
    body = lines[2:]
    if body and body[-1] == "":
        body = body[:-1]
    if len(body) % 2:
        bad("odd number of log lines")
        return
    # A node's timer bookkeeping (arm, cancel) is not logged: it orders nothing.
    node_events = [e for e in events if e.get("n") and e.get("k") not in ("arm", "cancel")]
    if len(body) // 2 != len(node_events):
        bad(f"{len(body) // 2} logged events, {len(node_events)} node events in the trace")
    last = {}
    counts = {}
    sends = {}
    for n in range(0, len(body), 2):
        m = regex.fullmatch(body[n] + "\n" + body[n + 1])
        if not m:
            bad(f"log line {n + 3}: the pair does not match the regex")
            continue
        host = m.group("host")
        try:
            clock = json.loads(m.group("clock"))
        except ValueError:
            bad(f"log line {n + 4}: clock is not JSON")
            continue
        if not isinstance(clock, dict) or not all(
                isinstance(v, int) and v > 0 for v in clock.values()):
            bad(f"log line {n + 4}: clock is not an object of positive integers")
            continue
        counts[host] = counts.get(host, 0) + 1
        if clock.get(host) != counts[host]:
            bad(f"log line {n + 4}: {host}'s own entry is {clock.get(host)}, "
                f"expected {counts[host]} (from 1, up by one)")
        prev = last.get(host, {})
        if any(clock.get(h, 0) < v for h, v in prev.items()):
            bad(f"log line {n + 4}: {host}'s clock went back")
        for h, v in clock.items():
            if v > counts.get(h, 0):
                bad(f"log line {n + 4}: knows {h}:{v} before {h} logged that event")
        last[host] = clock
        ev = m.group("event")
        s = re.search(r" send \S+ to n\d+ #(\d+)", ev)
        if s:
            sends[s.group(1)] = clock
        d = re.search(r" deliver \S+ from n\d+ #(\d+)", ev)
        if d:
            sc = sends.get(d.group(1))
            if sc is None:
                bad(f"log line {n + 3}: delivery of #{d.group(1)} before its send")
            elif not all(clock.get(h, 0) >= v for h, v in sc.items()) or clock == sc:
                bad(f"log line {n + 4}: the delivery's clock does not follow its send's")


def main():
    kind, trace, export = sys.argv[1:4]
    events = trace_events(trace)
    (check_perfetto if kind == "perfetto" else check_shiviz)(events, export)
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print("ok")


main()
