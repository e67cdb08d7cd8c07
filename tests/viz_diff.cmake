# Compare mode's diff marks (viz/diff_marks.h): the alignment of two loaded models and where the
# marks go, without a display. The picture itself: viz:diff (tests/viz.cmake).
if(NOT BALLOT_BUILD_VIZ)
  return()
endif()
ballot_add_test(test_viz_diff SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_viz_diff.cpp LIBS viz_model)
