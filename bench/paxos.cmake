# bench_paxos_messages: Multi-Paxos messages per chosen value with a stable leader at n = 3, 5, 7
# (bench/paxos_steady.h, shared with tests/test_paxos_messages.cpp: the source root).
add_executable(bench_paxos_messages ${CMAKE_CURRENT_SOURCE_DIR}/bench_paxos_messages.cpp)
target_link_libraries(bench_paxos_messages PRIVATE ballot_paxos ballot_algorithms)
target_include_directories(bench_paxos_messages PRIVATE ${PROJECT_SOURCE_DIR})
