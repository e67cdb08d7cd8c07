# Scenario files and algorithm parameters: sim/scenario_json.cpp, sim/params.cpp.
ballot_add_test(test_scenario SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_scenario.cpp LIBS ballot_sim)
