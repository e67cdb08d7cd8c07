# Scenario variants (docs/scenario-format.md#variants): the reader, runs by variant, and `ballot
# check` / `run` / `list variants` over the lessons in scenarios/lessons/.
ballot_add_test(test_variants SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_variants.cpp LIBS ballot_app)
add_test(NAME cli:variants
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/variants_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# The viewer: two variants of a lesson stacked, each labelled with its name (model and layout).
if(BALLOT_BUILD_VIZ)
  include(${PROJECT_SOURCE_DIR}/viz/deps.cmake)  # sets BALLOT_VIZ_GUI
  ballot_add_test(test_viz_variants SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_viz_variants.cpp
                  LIBS viz_model)
  if(BALLOT_VIZ_GUI)
    add_test(NAME viz:variants
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/viz_variants_test.sh
                     $<TARGET_FILE:ballot-viz> ${PROJECT_SOURCE_DIR})
    set_tests_properties(viz:variants PROPERTIES RESOURCE_LOCK xvfb TIMEOUT 120)
    if(BALLOT_SANITIZE)
      # As for the other viz tests (tests/viz.cmake): the windowing stack (X11, GLFW, Mesa) keeps
      # a few allocations until exit; address and undefined-behaviour checks stay on.
      set_tests_properties(viz:variants PROPERTIES ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0")
    endif()
  endif()
endif()
