// Edits of a deployment's kernel arguments, as `rpm-ostree kargs` takes them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::deploy {

struct KernelArgumentEdits {
  std::vector<std::string> append;             // KEY or KEY=VALUE, added (repeats allowed)
  std::vector<std::string> append_if_missing;  // added unless the exact argument is there
  std::vector<std::string> replace;            // KEY=OLD=NEW (that one value changes, if
                                               // KEY=OLD is there) or KEY=VALUE (every
                                               // KEY=... becomes it; VALUE may hold '=')
  std::vector<std::string> remove;             // KEY (the only one of that key) or KEY=VALUE
  std::vector<std::string> remove_if_present;  // as remove, but absent is not an error
  bool empty() const;
};

// The arguments of `command_line` (ostree's own ostree= left out: ostree writes it for each
// deployment) with `edits` applied in the order above. Throws Error naming the argument when a
// removal or replacement finds nothing, or a KEY removal finds several values.
std::vector<std::string> edit_kernel_arguments(std::string_view command_line,
                                               const KernelArgumentEdits& edits);

}  // namespace apt_ostree::deploy
