# Lesson captions anchored to events (docs/scenario-format.md#captions): the reader, the kernel's
# resolution, the CLI's report.
ballot_add_test(test_caption_anchors
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_caption_anchors.cpp
  LIBS ballot_app nlohmann_json::nlohmann_json)
