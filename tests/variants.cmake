# Scenario variants (docs/scenario-format.md#variants): the reader, runs by variant, and `ballot
# check` / `run` / `list variants` over the lessons in scenarios/lessons/.
ballot_add_test(test_variants SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_variants.cpp LIBS ballot_app)
add_test(NAME cli:variants
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/variants_test.sh $<TARGET_FILE:ballot> ${PROJECT_SOURCE_DIR})
