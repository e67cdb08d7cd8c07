# The linearizability checker and the history parsers (sim/lincheck/lincheck.h, sim/lincheck/history_parse.h).
# Reads the Jepsen and key-value histories in tests/data/linearizability (see its README).
ballot_add_test(test_lincheck SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_lincheck.cpp LIBS ballot_lincheck)
# `ballot lincheck` on EDN histories: skipped entries counted, malformed ones exit 2 with the line.
add_test(NAME lincheck:cli COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/lincheck_cli_test.sh
                                   $<TARGET_FILE:ballot>)
