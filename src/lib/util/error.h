// Error: the one exception type for failures a user must see. Its message is a complete sentence
// that names the culprit (file, package, URL) and, where possible, what to do; main() prints it as
// is and exits with its code. Failures a caller is expected to handle use std::optional instead.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace apt_ostree {

// Process exit codes, documented in docs/cli.md.
enum class ExitCode : int {
  ok = 0,
  failure = 1,        // any runtime failure (network, verification, I/O)
  usage = 2,          // bad command line or unknown package
  unsatisfiable = 3,  // the request cannot be resolved
  no_update = 77,     // upgrade --check: nothing new (rpm-ostree's code)
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ExitCode code = ExitCode::failure)
      : std::runtime_error(message), m_code(code) {}
  ExitCode code() const { return m_code; }

 private:
  ExitCode m_code;
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace apt_ostree
