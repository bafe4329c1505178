// Runs an external program (gpgv, dpkg, ...) without a shell and captures what it prints.
#pragma once

#include <string>
#include <vector>

namespace apt_ostree::util {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// Runs argv[0] (looked up in PATH) with the given arguments, its standard input read from
// `input`; fails only if it cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::string& input = "/dev/null");

}  // namespace apt_ostree::util
