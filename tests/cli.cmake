# The command line end to end (exit codes, messages, replay).
add_test(NAME cli:end_to_end
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/cli_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
