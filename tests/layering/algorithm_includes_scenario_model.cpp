// Layering probe (tests/layering.cmake): compiled as an algorithm is, it includes a header of
// the scenario, which is the kernel's input, and must fail to compile: an algorithm cannot find it.
#include "sim/kernel/scenario.h"
