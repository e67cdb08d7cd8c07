// Tests only: the helpers of the plain-main end-to-end tests (test_viz_screenshot,
// test_viz_record), which run ballot-viz as a process and print one "ok"/"FAIL" line a check.
#pragma once
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace process_check {

inline int g_failures = 0;

inline void check(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++g_failures;
}

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

inline Run run_once(const std::string& command) {
  std::printf("$ %s\n", command.c_str());
  Run r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (!r.output.empty()) std::printf("%s", r.output.c_str());
  return r;
}

// Runs `command` through the shell, stdout and stderr together. xvfb-run's own clean-up can fail
// when the program under it exits at once on a loaded machine (its `rm -r` of the auth directory
// races the X server's exit): it then prints this and exits 5, hiding the program's exit code.
// That is the harness failing, not the viewer, so the command runs again (three times at most).
inline Run run(const std::string& command) {
  constexpr int kAttempts = 3;
  Run r;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    r = run_once(command);
    const bool harness_failed =
        command.find("xvfb-run") != std::string::npos && r.exit_code == 5 &&
        r.output.find("problem while cleaning up temporary directory") != std::string::npos;
    if (!harness_failed) break;
    std::printf("(xvfb-run failed to clean up; attempt %d of %d)\n", attempt, kAttempts);
  }
  return r;
}

inline std::string quote(const std::string& s) {
  return "'" + s + "'";
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace process_check
