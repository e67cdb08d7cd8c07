add_executable(bench_raft ${CMAKE_CURRENT_SOURCE_DIR}/bench_raft.cpp)
target_link_libraries(bench_raft PRIVATE ballot_raft ballot_algorithms)
