// Bad input is an expected failure: a value carrying the JSON path and what was expected.
#pragma once
#include <stdexcept>
#include <string>

namespace ballot {

// Thrown while reading scenario files, parameters and traces. `path` is a JSON path such as
// "faults[2].at" or "params.raft.election_timeout_min"; the caller adds the file name. The CLI
// prints "<file>: <path>: <message>" and exits with code 2.
class InputError : public std::runtime_error {
 public:
  InputError(std::string path, const std::string& message)
      : std::runtime_error(message), path_(std::move(path)) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace ballot
