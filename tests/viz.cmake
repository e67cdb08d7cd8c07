# ballot-viz (docs/viz.md): the trace model without a display, and the viewer end to end.
if(NOT BALLOT_BUILD_VIZ)
  return()
endif()
include(${PROJECT_SOURCE_DIR}/viz/deps.cmake)

ballot_add_test(test_viz_model SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_viz_model.cpp LIBS viz_model)
# The timeline's layout and mouse handling: pure functions, no ImGui or OpenGL.
ballot_add_test(test_viz_layout SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_viz_layout.cpp LIBS viz_model)
# Which nodes get a lane with many nodes: pinned, scrolling, aggregated; node specs (--nodes).
ballot_add_test(test_viz_lanes SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_viz_lanes.cpp LIBS viz_model)
# The viewer's loader and the reader of replay and export agree on what a valid trace is.
ballot_add_test(test_trace_checks SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_trace_checks.cpp LIBS viz_model)
# The cluster view's geometry and state at a time: node positions, timer rings, message dots.
ballot_add_test(test_viz_cluster SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_viz_cluster.cpp LIBS viz_model)

if(NOT BALLOT_VIZ_GUI)
  return()
endif()

# The viewer's interaction, headless: ImGui without a window, driven by simulated input.
ballot_add_test(test_viz_ui SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_viz_ui.cpp LIBS viz_gui)

# The viewer itself: screenshots under Xvfb, checked pixel by pixel, and the exit codes.
add_executable(test_viz_screenshot ${CMAKE_CURRENT_SOURCE_DIR}/test_viz_screenshot.cpp)
target_link_libraries(test_viz_screenshot PRIVATE ballot_options viz_model PkgConfig::IMGUI)
add_dependencies(test_viz_screenshot ballot-viz)
set(viz_work ${CMAKE_CURRENT_BINARY_DIR}/viz-screenshots)
add_test(NAME viz:no-display
         COMMAND test_viz_screenshot no-display $<TARGET_FILE:ballot-viz> ${PROJECT_SOURCE_DIR} ${viz_work})
# --record (docs/viz.md#recording-a-video): its flags and a missing ffmpeg, without a display.
add_executable(test_viz_record ${CMAKE_CURRENT_SOURCE_DIR}/test_viz_record.cpp)
target_link_libraries(test_viz_record PRIVATE ballot_options)
target_include_directories(test_viz_record PRIVATE ${PROJECT_SOURCE_DIR})  # tests/process_check.h
add_dependencies(test_viz_record ballot-viz)
add_test(NAME viz:record-errors
         COMMAND test_viz_record errors $<TARGET_FILE:ballot-viz> ${PROJECT_SOURCE_DIR} ${viz_work}/record)
find_program(XVFB_RUN xvfb-run)
if(NOT XVFB_RUN)
  message(STATUS "ballot-viz: xvfb-run not found; the screenshot tests are not registered "
                 "(Debian: xvfb xauth)")
  return()
endif()
foreach(mode screenshot compare diff truncated bad-input damage reveal votes many-nodes cluster)
  add_test(NAME viz:${mode}
           COMMAND test_viz_screenshot ${mode} $<TARGET_FILE:ballot-viz> ${PROJECT_SOURCE_DIR} ${viz_work})
  # xvfb-run -a picks a free display, but two starting at once can race for it.
  set_tests_properties(viz:${mode} PROPERTIES RESOURCE_LOCK xvfb TIMEOUT 120)
  if(BALLOT_SANITIZE)
    # Under LeakSanitizer the windowing stack (X11, GLFW, Mesa) reports a few allocations it
    # keeps until exit; address and undefined-behaviour checks stay on.
    set_tests_properties(viz:${mode} PROPERTIES ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0")
  endif()
endforeach()
# Recordings, checked with ffprobe; they need ffmpeg (Debian: ffmpeg, which .ci/setup installs).
find_program(FFMPEG ffmpeg)
find_program(FFPROBE ffprobe)
if(NOT FFMPEG OR NOT FFPROBE)
  message(STATUS "ballot-viz: ffmpeg or ffprobe not found; viz:record is not registered "
                 "(Debian: ffmpeg)")
  return()
endif()
add_test(NAME viz:record
         COMMAND test_viz_record record $<TARGET_FILE:ballot-viz> ${PROJECT_SOURCE_DIR} ${viz_work}/record)
set_tests_properties(viz:record PROPERTIES RESOURCE_LOCK xvfb TIMEOUT 300)
if(BALLOT_SANITIZE)
  set_tests_properties(viz:record PROPERTIES ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0")
endif()
