# The trace diff library's two alignments on two trace files (docs/PERFORMANCE.md, "Trace diff").
add_executable(bench_trace_diff ${CMAKE_CURRENT_SOURCE_DIR}/bench_trace_diff.cpp)
target_link_libraries(bench_trace_diff PRIVATE ballot_trace_diff)
