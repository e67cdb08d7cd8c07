# The command line end to end (exit codes, messages, replay).
add_test(NAME cli:end_to_end
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/cli_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# compare, sweep and check judge runs alike: every bug toggle, with and without expect.violations.
add_test(NAME cli:verdicts
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/verdict_test.sh $<TARGET_FILE:ballot>)
# Every shipped scenario is a regression test: expectations, and golden hashes in this build type.
add_test(NAME cli:check_scenarios COMMAND ballot check ${PROJECT_SOURCE_DIR}/scenarios)
# judge_run on hand-built reports (cli/runner.cpp).
ballot_add_test(test_verdict SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_verdict.cpp LIBS ballot_app)
