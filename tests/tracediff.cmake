# How two runs differ (sim/tracediff/, docs/ARCHITECTURE.md): the alignment, and the viewer's
# looser matching (loose_diff.h), on small hand-made traces. `ballot diff` itself is tested end to
# end by cli:export_diff, and its whole output is pinned by cli:diff_output.
ballot_add_test(test_trace_diff SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_trace_diff.cpp
                LIBS ballot_trace_diff)
