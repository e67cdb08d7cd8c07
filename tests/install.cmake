# `cmake --install` into a prefix that is then moved: the installed ballot finds its installed
# scenarios, not the source tree's (tests/install/install_test.sh).
add_test(NAME install:moved_prefix
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/install/install_test.sh ${CMAKE_COMMAND}
                 ${PROJECT_BINARY_DIR} ${CMAKE_CURRENT_BINARY_DIR}/install-test
                 $<TARGET_EXISTS:ballot-viz>)
