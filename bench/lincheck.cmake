# bench_lincheck: times the linearizability checker on the shared etcd and key-value histories.
# Run it from a Release build: `bench_lincheck [shared-dir]` (default: BALLOT_SHARED_DIR).
add_executable(bench_lincheck ${CMAKE_CURRENT_SOURCE_DIR}/bench_lincheck.cpp)
target_link_libraries(bench_lincheck PRIVATE ballot_lincheck ballot_options)
target_compile_definitions(bench_lincheck PRIVATE BALLOT_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
