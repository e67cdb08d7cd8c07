// 128-bit integers for exact intermediate products (GCC/Clang extension, marked as such so that
// -Wpedantic accepts it).
#pragma once

namespace ballot {
__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;
}  // namespace ballot
