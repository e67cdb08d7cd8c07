# Plots (docs/cli.md, "Plots"): the empirical CDF shared by the CLI and the viewer, and
# `compare --plot` / `sweep --stats M --plot` through gnuplot end to end.
ballot_add_test(test_cdf SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_cdf.cpp LIBS ballot_app)
add_test(NAME cli:plot
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/plot_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
# Without gnuplot (Debian gnuplot-nox) the test says so and is skipped.
set_tests_properties(cli:plot PROPERTIES SKIP_RETURN_CODE 77)
# The viewer's Compare panel draws the same CDF (viz/cdf_plot.h): the footer's leader losses read,
# the layout, and the panel driven headless (ImGui without a window) drawing both curves.
if(BALLOT_BUILD_VIZ)
  include(${PROJECT_SOURCE_DIR}/viz/deps.cmake)
  if(BALLOT_VIZ_GUI)
    ballot_add_test(test_viz_cdf SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_viz_cdf.cpp LIBS viz_gui)
  endif()
endif()
# The gnuplot script itself, without gnuplot (cli/plot.cpp).
ballot_add_test(test_plot_script SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_plot_script.cpp LIBS ballot_app)
