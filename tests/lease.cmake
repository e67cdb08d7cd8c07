# The lease lock: the lock service's and the storage's rules, the options, the candidate's
# local-clock belief on the test kit's recording context, the fencing checker on hand-made events,
# and runs on the real kernel (pauses, clock faults, service crashes, seed sweeps, the curated
# scenarios).
# Sanitized builds run the seed sweeps at a fifth of their size (tests/support/seeds.h).
ballot_add_test(test_lease
  SOURCES
    ${CMAKE_CURRENT_SOURCE_DIR}/test_lease_rules.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/test_lease_checker.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/test_lease_kernel.cpp
  LIBS ballot_app)
