// BALLOT_REQUIRE(cond, message): an invariant that holds in every build type, Release included.
//
// assert() vanishes under NDEBUG, which is exactly the build that runs long sweeps and the demo;
// a broken invariant there would silently produce a wrong trace instead of stopping. The
// condition is always evaluated; `message` (a string literal, or any expression convertible to
// std::string_view, such as a std::string built on the spot) is evaluated only when the condition
// fails. A failure prints file, line, the condition and the message to stderr and aborts.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace ballot::detail {

[[noreturn, gnu::cold, gnu::noinline]] inline void require_failed(const char* file, int line,
                                                                  const char* condition,
                                                                  std::string_view message) {
  std::fprintf(stderr, "ballot: invariant violated at %s:%d: %s: %.*s\n", file, line, condition,
               static_cast<int>(message.size()), message.data());
  std::fflush(stderr);
  std::abort();
}

}  // namespace ballot::detail

#define BALLOT_REQUIRE(cond, message) \
  (static_cast<bool>(cond)            \
       ? static_cast<void>(0)         \
       : ::ballot::detail::require_failed(__FILE__, __LINE__, #cond, (message)))
