// The shipped scenario files (scenarios/*.json in the source tree) whose names start with a
// prefix ("raft-", "paxos-", "lease-"), sorted, as full paths.
#pragma once
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace ballot::test {

inline std::vector<std::string> shipped_scenarios(const std::string& prefix) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(fs::path(BALLOT_SOURCE_DIR) / "scenarios")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && entry.path().extension() == ".json")
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace ballot::test
