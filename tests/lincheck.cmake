# The linearizability checker and the history parsers (sim/lincheck.h, sim/history_parse.h).
# Needs the shared test data (<repo>/../shared, or $BALLOT_SHARED_DIR); fails loudly without it.
ballot_add_test(test_lincheck SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_lincheck.cpp LIBS ballot_lincheck)
