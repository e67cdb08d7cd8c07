# Fork at the cursor in ballot-viz (docs/viz.md#fork-at-the-cursor): the branch logic without a
# display, and the saved branch run by the ballot CLI.
if(NOT BALLOT_BUILD_VIZ)
  return()
endif()
ballot_add_test(test_viz_fork SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_viz_fork.cpp
                LIBS viz_model nlohmann_json::nlohmann_json)
target_compile_definitions(test_viz_fork PRIVATE BALLOT_CLI="$<TARGET_FILE:ballot>")
add_dependencies(test_viz_fork ballot)

if(NOT BALLOT_VIZ_GUI)
  return()
endif()
# The Fork tab in the viewer, headless: the branch stacked under the original.
ballot_add_test(test_viz_fork_ui SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_viz_fork_ui.cpp LIBS viz_gui)
