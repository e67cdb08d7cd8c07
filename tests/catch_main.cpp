// The only translation unit that compiles Catch2's main (about 40 s at -O2 on two cores).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
