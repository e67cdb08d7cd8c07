add_executable(bench_kernel ${CMAKE_CURRENT_SOURCE_DIR}/bench_kernel.cpp)
target_link_libraries(bench_kernel PRIVATE ballot_sim)
