// The InputError a call throws, as "path: message" (the way the command line prints it), or
// "no error" if it throws none: for tests that compare a bad input's whole message.
#pragma once
#include <string>

#include "sim/api/input_error.h"

namespace ballot::testkit {

template <class F>
std::string input_error_of(F&& call) {
  try {
    call();
  } catch (const InputError& e) {
    return e.path() + ": " + e.what();
  }
  return "no error";
}

}  // namespace ballot::testkit
