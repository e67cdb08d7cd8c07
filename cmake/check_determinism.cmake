# cmake -DROOT=<dir> -P check_determinism.cmake
# The determinism rules (docs/ARCHITECTURE.md, "Determinism rules") as a scan of sim/ and
# algorithms/ under ROOT: no unordered container or std::hash (their iteration order depends on
# the standard library and on insertion order) except inside sim/lincheck/lookup_map.h, whose
# LookupMap cannot be iterated; no wall clock, threads, or the standard library's random engines
# and distributions. Comments are skipped, so a comment may name what it avoids.
cmake_policy(SET CMP0007 NEW)  # keep empty lines: they count
file(GLOB_RECURSE files "${ROOT}/sim/*.h" "${ROOT}/sim/*.cpp" "${ROOT}/algorithms/*.h"
     "${ROOT}/algorithms/*.cpp")
set(rules
    "unordered container or std::hash (iteration order)|unordered_(map|set|multimap|multiset)|std::hash[^a-z_]"
    "wall clock|system_clock|steady_clock|high_resolution_clock|gettimeofday|clock_gettime|std::time[(]|[^a-z_:.]time[(](NULL|nullptr|0)[)]"
    "threads|std::(thread|jthread|async)[^a-z_]|#[ \t]*include[ \t]*<(thread|future)>|pthread_"
    "standard randomness|random_device|mt19937|minstd_rand|ranlux|knuth_b|default_random_engine|_distribution[<( ]|std::s?rand[(]|[^a-z_:.]s?rand[(]")
set(bad "")
foreach(file IN LISTS files)
  file(RELATIVE_PATH where "${ROOT}" "${file}")
  # One list element per line: the code's own ';' (and '[', ']', which would stop a list from
  # splitting at ';') are set aside first, so the line numbers hold.
  file(READ "${file}" content)
  string(REPLACE ";" "<semicolon>" content "${content}")
  string(REPLACE "[" "<lb>" content "${content}")
  string(REPLACE "]" "<rb>" content "${content}")
  string(REPLACE "\n" ";" lines "${content}")
  set(number 0)
  foreach(line IN LISTS lines)
    math(EXPR number "${number} + 1")
    string(REGEX REPLACE "//.*$" "" code "${line}")
    foreach(rule IN LISTS rules)
      string(FIND "${rule}" "|" cut)
      string(SUBSTRING "${rule}" 0 ${cut} what)
      math(EXPR cut "${cut} + 1")
      string(SUBSTRING "${rule}" ${cut} -1 pattern)
      if(code MATCHES "${pattern}")
        if(where STREQUAL "sim/lincheck/lookup_map.h" AND what MATCHES "^unordered")
          continue()  # LookupMap: find and insert only, no begin()/end() (a static_assert there)
        endif()
        string(STRIP "${line}" shown)
        list(APPEND bad "${where}:${number}: ${what}: ${shown}")
      endif()
    endforeach()
  endforeach()
endforeach()
if(bad)
  list(JOIN bad "\n  " text)
  # Put the code's characters back after the join (a ';' would have split the list).
  string(REPLACE "<semicolon>" ";" text "${text}")
  string(REPLACE "<lb>" "[" text "${text}")
  string(REPLACE "<rb>" "]" text "${text}")
  message(FATAL_ERROR "sim/ and algorithms/ must be deterministic (docs/ARCHITECTURE.md, "
                      "\"Determinism rules\"):\n  ${text}")
endif()
list(LENGTH files count)
message(STATUS "sim/ and algorithms/: ${count} files, no unordered container outside LookupMap, "
               "no wall clock, threads or standard randomness")
