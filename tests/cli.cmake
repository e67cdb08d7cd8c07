# The command line end to end (exit codes, messages, replay).
add_test(NAME cli:end_to_end
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/cli_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# compare, sweep and check judge runs alike: every bug toggle, with and without expect.violations.
add_test(NAME cli:verdicts
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/verdict_test.sh $<TARGET_FILE:ballot>)
# Every shipped scenario is a regression test: expectations, and golden hashes in this build type.
add_test(NAME cli:check_scenarios COMMAND ballot check ${PROJECT_SOURCE_DIR}/scenarios)
# Traces as input: wrong types, broken structure, truncation, edited footers and headers, limits.
add_test(NAME cli:trace_input
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/trace_input_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# `ballot log` (formatting, filters, bad flags and traces) and the Faults section of `ballot run`.
add_test(NAME cli:log_and_faults
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/log_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# judge_run on hand-built reports (cli/runner.cpp).
ballot_add_test(test_verdict SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_verdict.cpp LIBS ballot_app)
# Units of the command line: progress line, seed ranges, shell quoting, capped input.
ballot_add_test(test_cli SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_cli_units.cpp LIBS ballot_app)
# Node ids in message fields are 1-based like the rest of the trace.
ballot_add_test(test_trace_ids SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_trace_ids.cpp
                LIBS ballot_app nlohmann_json::nlohmann_json)
add_test(NAME cli:scenario_meaning
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/scenario_meaning_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# Leader loss and client-observed unavailability (sim/kernel/observers.cpp, cli/runner.cpp).
ballot_add_test(test_availability SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_availability.cpp LIBS ballot_app)
# Golden entries: the summary beside the hash, its differences, the rewrite of a file's "golden".
ballot_add_test(test_golden SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_golden.cpp
                LIBS ballot_app nlohmann_json::nlohmann_json)
add_test(NAME cli:golden
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/golden_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# `ballot shrink`: a failing bug-toggle seed under a nemesis becomes a small scenario that fails
# the same way and passes `ballot check`; budget, output file, bad input (cli/shrink.cpp).
add_test(NAME cli:shrink
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/shrink_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# `ballot shrink`'s search of smaller runs: Raft's vote_before_persist shrinks to at most 7
# faults with it and keeps many more without it (--no-search).
add_test(NAME cli:shrink_search
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/shrink_search_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# Sweeps at scale: --save-failures (a saved failure outlives a changed default), --stats seeds, a
# failing seed told at once, `sweep --shard K/N --json` parts merged byte for byte, bad flags.
add_test(NAME cli:sweep_scale
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/sweep_scale_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# The docs/scale-out.md recipes for real: a sweep through GNU parallel (local, and --sshlogin :).
add_test(NAME cli:scale_out_parallel
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/scale_out_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# ... and --sshlogin through real ssh, to an sshd of its own on this machine (77 without sshd).
add_test(NAME cli:scale_out_ssh
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/scale_out_ssh_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli:scale_out_ssh PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
# ... and through a single-node Slurm the test starts itself (skipped, exit 77, without Slurm).
add_test(NAME cli:scale_out_slurm
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/slurm_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli:scale_out_slurm PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
# shrink_failure as a unit: fewer faults, the same failure, the budget, captions.
ballot_add_test(test_shrink SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_shrink.cpp LIBS ballot_app)
# Swarm testing: the shipped swarm nemesis passes without bugs and a short swarm sweep catches one.
add_test(NAME cli:swarm
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/swarm_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# Fault times drawn per seed, recovery per scripted fault, sweep --where (docs/cli.md).
add_test(NAME cli:fault_times
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/fault_times_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# Situations: run lists them, sweep --coverage counts them (and merge alike), expect.reached.
add_test(NAME cli:coverage
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/coverage_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# `ballot export --format perfetto|shiviz` against each format's rules, and `ballot diff`.
add_test(NAME cli:export_diff
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/export_diff_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# `ballot diff`'s whole output on three pairs of shipped runs, pinned (tests/cli/diff_expected/).
add_test(NAME cli:diff_output
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/diff_output_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# Published experiments (scenarios/literature/, docs/literature.md): check, a few seeds of every
# variant keep safety, and docs/literature.sh regenerates a page of the committed page's shape.
add_test(NAME cli:literature
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/literature_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# The stock lessons (scenarios/lessons/, docs/teaching.md): every file the folder holds when the
# test runs passes `ballot check`, has the shape of a lesson and is described in docs/teaching.md.
add_test(NAME cli:lessons
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/lessons_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
