# bench_lincheck: times the linearizability checker on the etcd and key-value histories in
# tests/data/linearizability. Run it from a Release build: `bench_lincheck [data-dir]`.
add_executable(bench_lincheck ${CMAKE_CURRENT_SOURCE_DIR}/bench_lincheck.cpp)
target_link_libraries(bench_lincheck PRIVATE ballot_lincheck ballot_options)
target_compile_definitions(bench_lincheck PRIVATE BALLOT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
# bench_lincheck_scale: random register histories of thousands of operations (bench/lincheck_gen.h),
# linearizable by construction and with one bad read; distribution of check times.
add_executable(bench_lincheck_scale ${CMAKE_CURRENT_SOURCE_DIR}/bench_lincheck_scale.cpp)
target_link_libraries(bench_lincheck_scale PRIVATE ballot_lincheck ballot_options)
# The generator (bench/lincheck_gen.h) is shared with tests/test_lincheck.cpp: the source root.
target_include_directories(bench_lincheck_scale PRIVATE ${PROJECT_SOURCE_DIR})
