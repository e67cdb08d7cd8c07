# Scenario files and algorithm parameters: the reader (sim/scenario/scenario_read.h), sim/api/params.cpp.
ballot_add_test(test_scenario
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_scenario.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/test_latency.cpp
  LIBS ballot_sim)
