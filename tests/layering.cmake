# Layering (docs/ARCHITECTURE.md, "Layers and dependencies"): an algorithm sees the node API and
# nothing else of sim/. Each probe is compiled in exactly an algorithm's context (it links
# ballot_algorithm_context, as every algorithm library does): the one that uses the node API must
# compile; those that include a header of another library must fail, because the compiler cannot
# find it. The probes are built by the tests, never by `all`.
get_property(ballot_layers_enforced GLOBAL PROPERTY BALLOT_LAYERS_ENFORCED)
if(NOT ballot_layers_enforced)
  message(STATUS "Layering tests are off: sim/ is not yet split into its subfolders")
  return()
endif()

# probe source -> the header it must not find ("" for the probe that must compile).
set(ballot_layering_probes
    "uses_node_api|"
    "includes_kernel|simulator\\.h"
    "includes_scenario_model|scenario\\.h"
    "includes_lincheck|lincheck\\.h"
    "includes_input|input_file\\.h")
foreach(probe IN LISTS ballot_layering_probes)
  string(REPLACE "|" ";" probe "${probe}")
  list(GET probe 0 name)
  list(GET probe 1 header)
  add_library(layering_probe_${name} OBJECT EXCLUDE_FROM_ALL
              ${CMAKE_CURRENT_SOURCE_DIR}/layering/algorithm_${name}.cpp)
  target_link_libraries(layering_probe_${name} PRIVATE ballot_algorithm_context)
  add_test(NAME layering:algorithm_${name}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --config $<CONFIG>
                   --target layering_probe_${name})
  # The probes share the build tree with each other: one at a time.
  set_tests_properties(layering:algorithm_${name} PROPERTIES RESOURCE_LOCK ballot_build_tree)
  if(header)
    # GCC: "sim/kernel/simulator.h: No such file or directory"; Clang: "'...' file not found".
    set_tests_properties(layering:algorithm_${name} PROPERTIES
      PASS_REGULAR_EXPRESSION "${header}(: No such file or directory|' file not found)")
  endif()
endforeach()

# The compiler cannot stop a relative include ("../../sim/kernel/simulator.h"): this test does.
add_test(NAME layering:algorithm_include_paths
         COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR}
                 -P ${PROJECT_SOURCE_DIR}/cmake/check_algorithm_includes.cmake)
