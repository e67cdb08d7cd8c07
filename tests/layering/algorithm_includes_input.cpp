// Layering probe (tests/layering.cmake): compiled as an algorithm is, it includes a header of
// the input-file reader, and must fail to compile: an algorithm cannot find it.
#include "sim/input/input_file.h"
