# How two runs differ (sim/tracediff/, docs/ARCHITECTURE.md): the alignment on small hand-made
# traces. `ballot diff` itself is tested end to end by cli:export_diff.
ballot_add_test(test_trace_diff SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_trace_diff.cpp
                LIBS ballot_trace_diff)
