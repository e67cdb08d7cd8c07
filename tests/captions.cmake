# Lesson captions anchored to events (docs/scenario-format.md#captions): the reader, the kernel's
# resolution, the CLI's report. The viewer's side is in tests/viz.cmake's test_viz_captions.
ballot_add_test(test_caption_anchors
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_caption_anchors.cpp
  LIBS ballot_app nlohmann_json::nlohmann_json)
if(BALLOT_BUILD_VIZ)
  ballot_add_test(test_viz_captions SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_viz_captions.cpp
                  LIBS viz_model ballot_app)
endif()
