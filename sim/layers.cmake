# The libraries of sim/, one per subfolder (docs/ARCHITECTURE.md, "Layers and dependencies"). Each
# sees only its own folder and those of the libraries it links (cmake/layers.cmake), so the
# dependencies below are the only ones the code can have:
#
#   api       ballot_node_api  what algorithms may use: Node, Context, messages, random streams,
#                              time, parameters, histories, and the observer API (trace events,
#                              Observer, Violation) that algorithms' checkers implement
#   kernel    ballot_kernel    the simulator, network, faults, clocks, built-in observers, and the
#                              scenario as plain data (what the kernel runs)        -> api
#   scenario  ballot_scenario  the scenario reader (JSON -> Scenario)      -> kernel, input
#   lincheck  ballot_lincheck  history parsers and the linearizability checker  -> api, input
#   input     ballot_input     reading input files under a size cap
#   tracediff ballot_trace_diff  how two runs' traces differ (`ballot diff`, the viewer's compare
#                              mode); plain text in, no other library of sim/
#
# The source lists (ballot_<layer>_sources) are set in sim/CMakeLists.txt.
ballot_layer(ballot_node_api FOLDER api SOURCES ${ballot_node_api_sources} PUBLIC ballot_options)
ballot_layer(ballot_input FOLDER input SOURCES ${ballot_input_sources} PUBLIC ballot_options)
ballot_layer(ballot_kernel FOLDER kernel SOURCES ${ballot_kernel_sources}
             PUBLIC ballot_node_api PRIVATE Boost::headers)
ballot_layer(ballot_scenario FOLDER scenario SOURCES ${ballot_scenario_sources}
             PUBLIC ballot_kernel ballot_input PRIVATE nlohmann_json::nlohmann_json)
ballot_layer(ballot_lincheck FOLDER lincheck SOURCES ${ballot_lincheck_sources}
             PUBLIC ballot_node_api ballot_input)
ballot_layer(ballot_trace_diff FOLDER tracediff SOURCES ${ballot_trace_diff_sources}
             PUBLIC ballot_options PRIVATE nlohmann_json::nlohmann_json)

# Everything but the checker, for what sits above the kernel (the registry, cli/, viz/, tests,
# benchmarks): the name those already link.
add_library(ballot_sim INTERFACE)
target_link_libraries(ballot_sim INTERFACE ballot_kernel ballot_scenario)

set_property(GLOBAL PROPERTY BALLOT_LAYERS_ENFORCED ON)

# Every switch over an enum names every value (a new fault kind cannot slip through a `default:`).
target_compile_options(ballot_node_api PRIVATE -Wswitch-enum)
target_compile_options(ballot_kernel PRIVATE -Wswitch-enum)
target_compile_options(ballot_scenario PRIVATE -Wswitch-enum)
