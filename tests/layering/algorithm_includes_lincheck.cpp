// Layering probe (tests/layering.cmake): compiled as an algorithm is, it includes a header of
// the linearizability checker, and must fail to compile: an algorithm cannot find it.
#include "sim/lincheck/lincheck.h"
