# The kernel: randomness, queue, clocks, network and fault semantics, determinism, observers, the
# STONITH fencing device.
ballot_add_test(test_kernel
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_rng.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/test_kernel.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/test_faults.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/test_fault_effects.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/test_fault_shapes.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/test_fault_kinds.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/test_situations.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/test_swarm.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/test_fault_times.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/test_determinism.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/test_observers.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/test_limits.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/test_stonith.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/test_node_model.cpp
  LIBS ballot_app)
# Bully: the paper's properties and message counts on the kernel, and its rules on the test kit's
# manual cluster with the registered nodes (tests/support/registered.h).
ballot_add_test(test_bully
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_bully.cpp
  LIBS ballot_app)
ballot_add_test(test_damage
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_damage.cpp
  LIBS ballot_app)
# BALLOT_REQUIRE and the kernel's own invariants; compiled with NDEBUG (see the file).
ballot_add_test(test_require
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_require.cpp
  LIBS ballot_app)
# Node sets in partition groups and link cuts: names, ranges, fractions and selectors.
ballot_add_test(test_node_set
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_node_set.cpp
  LIBS ballot_app)
