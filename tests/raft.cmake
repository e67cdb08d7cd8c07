# Raft: rule-by-rule tests, checker tests and seeded property tests on the test kit's manual
# cluster (tests/support/raft.h, manual_cluster.h), seeded property tests and the curated
# scenarios on the real kernel.
# Sanitized builds run the seed sweeps at a fifth of their size (tests/support/seeds.h).
ballot_add_test(test_raft
  SOURCES
    ${CMAKE_CURRENT_SOURCE_DIR}/test_raft_rules.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/test_raft_options.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/test_raft_checker.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/test_raft_property.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/test_raft_scenarios.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/test_raft_kernel.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/test_raft_durable.cpp
  LIBS ballot_raft ballot_algorithms ballot_lincheck)
