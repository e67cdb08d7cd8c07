# The command line end to end (exit codes, messages, replay).
add_test(NAME cli:end_to_end
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/cli_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# Every shipped scenario is a regression test: expectations, and golden hashes in this build type.
add_test(NAME cli:check_scenarios COMMAND ballot check ${PROJECT_SOURCE_DIR}/scenarios)
# Units of the command line: progress line, seed ranges, shell quoting, capped input.
ballot_add_test(test_cli SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_cli_units.cpp LIBS ballot_app)
