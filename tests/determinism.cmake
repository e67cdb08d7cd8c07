# The determinism rules as a source scan (cmake/check_determinism.cmake, docs/ARCHITECTURE.md
# "Determinism rules"): sim/ and algorithms/ hold no unordered container outside LookupMap (which
# cannot be iterated), no wall clock, threads, or standard random engines and distributions.
add_test(NAME determinism:sources
         COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR}
                 -P ${PROJECT_SOURCE_DIR}/cmake/check_determinism.cmake)
# The scan must fail on a tree that breaks each rule (tests/determinism/bad: never compiled), and
# name the file, the line and the rule; a mention in a comment is not reported.
add_test(NAME determinism:sources_catch_violations
         COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_CURRENT_SOURCE_DIR}/determinism/bad
                 -P ${PROJECT_SOURCE_DIR}/cmake/check_determinism.cmake)
set_tests_properties(determinism:sources_catch_violations PROPERTIES
  PASS_REGULAR_EXPRESSION
  "toy_node.h:4: threads.*toy_node.h:8: unordered container.*toy_node.h:9: threads.*walks_a_map.cpp:9: unordered container.*walks_a_map.cpp:12: wall clock.*walks_a_map.cpp:13: standard randomness.*walks_a_map.cpp:14: standard randomness"
  FAIL_REGULAR_EXPRESSION "walks_a_map.cpp:[123]:")
