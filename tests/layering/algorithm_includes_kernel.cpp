// Layering probe (tests/layering.cmake): compiled as an algorithm is, it includes a header of
// the kernel, and must fail to compile: an algorithm cannot find it.
#include "sim/kernel/simulator.h"
