# ballot-viz (docs/viz.md): the trace model without a display, and the viewer under Xvfb.
if(NOT BALLOT_BUILD_VIZ)
  return()
endif()
include(${PROJECT_SOURCE_DIR}/viz/deps.cmake)

ballot_add_test(test_viz_model SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_viz_model.cpp LIBS viz_model)
