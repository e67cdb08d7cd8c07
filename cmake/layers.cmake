# Layers that the build enforces (docs/ARCHITECTURE.md, "Layers and dependencies").
#
# Each library of sim/ lives in its own subfolder, sim/<folder>/, and exposes that folder alone:
# its include root is a directory of the build tree holding one symbolic link,
# <root>/sim/<folder> -> the source folder. A target finds "sim/<folder>/x.h" only if it links
# that folder's library (directly or through PUBLIC dependencies), so an algorithm, which links
# the node API alone, cannot even find a kernel header: including one fails to compile
# (tests/layering.cmake proves it).

# ballot_include_root(<target> <path>): <target> and whoever links it see the source folder
# <path> (relative to the project, e.g. "sim/api") as "<path>/...", and nothing else of the tree.
function(ballot_include_root target path)
  string(REPLACE "/" "." name "${path}")
  set(root "${CMAKE_BINARY_DIR}/include_roots/${name}")
  set(link "${root}/${path}")
  get_filename_component(parent "${link}" DIRECTORY)
  file(MAKE_DIRECTORY "${parent}")
  if(IS_SYMLINK "${link}")
    file(REMOVE "${link}")
  endif()
  file(CREATE_LINK "${PROJECT_SOURCE_DIR}/${path}" "${link}" SYMBOLIC)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    target_include_directories(${target} INTERFACE "${root}")
  else()
    target_include_directories(${target} PUBLIC "${root}")
  endif()
endfunction()

# ballot_layer(<target> FOLDER <folder> [SOURCES src...] [PUBLIC dep...] [PRIVATE dep...]): the
# library of sim/<folder>/ (static, or interface when it has no sources), seen as "sim/<folder>/...".
# SOURCES are relative to sim/.
function(ballot_layer target)
  cmake_parse_arguments(L "" "FOLDER" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
  if(NOT IS_DIRECTORY "${PROJECT_SOURCE_DIR}/sim/${L_FOLDER}")
    message(FATAL_ERROR "ballot_layer(${target}): sim/${L_FOLDER}/ does not exist")
  endif()
  if(L_SOURCES)
    add_library(${target} STATIC ${L_SOURCES})
    target_link_libraries(${target} PUBLIC ${L_PUBLIC} PRIVATE ${L_PRIVATE})
  else()
    add_library(${target} INTERFACE)
    target_link_libraries(${target} INTERFACE ${L_PUBLIC})
  endif()
  ballot_include_root(${target} "sim/${L_FOLDER}")
  set_property(GLOBAL APPEND PROPERTY BALLOT_LAYERS ${target})
endfunction()

# ballot_check_algorithm_links(<allowed>...): every target defined under the calling directory
# (algorithms/, subfolders included) links, of the project's own targets, only <allowed> and
# targets defined under that directory; imported targets (Boost, ...) are not judged here.
# Targets named in EXCEPT are not checked (the registry, which builds simulators). Fails the
# configuration otherwise, naming the target and the link.
function(ballot_check_algorithm_links)
  cmake_parse_arguments(C "" "" "ALLOWED;EXCEPT" ${ARGN})
  set(dirs "${CMAKE_CURRENT_SOURCE_DIR}")
  set(targets "")
  while(dirs)
    list(POP_FRONT dirs dir)
    get_property(here DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
    list(APPEND targets ${here})
    get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
    list(APPEND dirs ${subdirs})
  endwhile()
  foreach(target IN LISTS targets)
    if(target IN_LIST C_EXCEPT)
      continue()
    endif()
    get_target_property(type ${target} TYPE)
    set(links "")
    if(NOT type STREQUAL "INTERFACE_LIBRARY")
      get_target_property(direct ${target} LINK_LIBRARIES)
      if(direct)
        list(APPEND links ${direct})
      endif()
    endif()
    get_target_property(interface ${target} INTERFACE_LINK_LIBRARIES)
    if(interface)
      list(APPEND links ${interface})
    endif()
    foreach(link IN LISTS links)
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" link "${link}")
      if(NOT TARGET ${link} OR link IN_LIST C_ALLOWED)
        continue()
      endif()
      get_target_property(imported ${link} IMPORTED)
      get_target_property(where ${link} SOURCE_DIR)
      if(imported)
        continue()
      endif()
      string(FIND "${where}/" "${CMAKE_CURRENT_SOURCE_DIR}/" at)
      if(NOT at EQUAL 0)
        list(JOIN C_ALLOWED ", " allowed)
        message(FATAL_ERROR "Layering: ${target} (an algorithm's library) links ${link}, "
                            "defined in ${where}. An algorithm links only ${allowed} and other "
                            "algorithms (docs/ARCHITECTURE.md, \"Layers and dependencies\").")
      endif()
    endforeach()
  endforeach()
endfunction()
