# Multi-Paxos: rule-by-rule tests on the test kit's recording context (tests/support/paxos.h), checker tests on
# hand-built facts, option parsing, seeded property tests and the curated scenarios on the real
# kernel. Sanitized builds run the seed sweeps at a fifth of their size (tests/support/seeds.h).
ballot_add_test(test_paxos
  SOURCES
    ${CMAKE_CURRENT_SOURCE_DIR}/test_paxos_rules.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/test_paxos_checker.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/test_paxos_options.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/test_paxos_scenarios.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/test_paxos_kernel.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/test_paxos_messages.cpp
  LIBS ballot_paxos ballot_algorithms ballot_lincheck ballot_app)
