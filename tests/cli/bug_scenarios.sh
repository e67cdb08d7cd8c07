# Scenario bodies for the bug toggles under a nemesis, shared by tests/cli/verdict_test.sh and
# bench/shrink_bench.sh (source it). KINDS, LOSS, INTERVAL, DMIN, DMAX, WRITES and DUTIES are
# placeholders the caller replaces.
# A short nemesis run (4s): partitions, crashes, isolation and pauses under a register workload.
short_nemesis='"duration": "4s",
  "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "10ms"}},
  "nemesis": {"kinds": KINDS, "start": "300ms", "stop": "3s", "mean_interval": "200ms",
              "duration_min": "50ms", "duration_max": "1s"},
  "workload": {"model": "register", "clients": 3, "start": "200ms", "stop": "3s",
               "mean_interval": "50ms", "read_fraction": 0.4, "cas_fraction": 0.2, "timeout": "500ms"}'
# The kernel property tests' nemesis (tests/support/nemesis.h), sharpened per bug as there.
long_nemesis='"duration": "13s",
  "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "10ms"}, "loss": LOSS, "duplicate": 0.01},
  "nemesis": {"kinds": KINDS, "start": "500ms", "stop": "8s", "mean_interval": "INTERVAL",
              "duration_min": "DMIN", "duration_max": "DMAX"},
  "workload": {"model": "register", "clients": 3, "start": "300ms", "stop": "8s",
               "mean_interval": "WRITES", "read_fraction": 0.4, "cas_fraction": 0.2,
               "timeout": "500ms" DUTIES}'
all_kinds='["partition", "crash", "isolate", "pause"]'
