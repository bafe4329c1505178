// Variables in treefile strings, so one board's recipe can extend another's: "${name}" is replaced
// by the variable's value and "$$" by a literal '$'. Any other '$' is an error, so a shell-style
// "$arch" fails loudly instead of reaching a package name unexpanded.
//
// Values come from the merged `variables:` mapping and from the built-ins each stage defines:
// ${arch} and ${release} (the stage's architecture and release) and ${stage} (its name). A
// variable's value may use other variables; it is expanded where it is used, so a ${kernel} defined
// as "linux-image-${arch}" in an included recipe follows the architecture of each stage.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/compose/treefile_document.h"

namespace apt_ostree::compose {

// Letters, digits and '_', not starting with a digit.
bool is_valid_variable_name(std::string_view name);
// ${arch}, ${release}, ${stage}: a treefile may not define these itself.
bool is_builtin_variable(std::string_view name);

class Variables {
 public:
  // `builtins` maps each built-in to its value, or to nullopt while it is not known yet (release,
  // architecture and from are read before a stage's ${arch} and ${release} exist).
  Variables(std::map<std::string, Located<std::string>> defined,
            std::map<std::string, std::optional<std::string>> builtins);

  // `value` with every variable replaced. `key` names the key the value belongs to in errors
  // ("x.yaml:12: key 'ref' uses ${board}, which is not defined ..."); undefined, unavailable and
  // self-referring variables and a stray '$' are errors naming where the text was written.
  std::string expand(const Located<std::string>& value, std::string_view key) const;

 private:
  std::string expand_text(const Located<std::string>& value, std::string_view context,
                          std::vector<std::string>& chain) const;
  std::string lookup(std::string_view name, const Location& where, std::string_view context,
                     std::vector<std::string>& chain) const;

  std::map<std::string, Located<std::string>> m_defined;
  std::map<std::string, std::optional<std::string>> m_builtins;
};

}  // namespace apt_ostree::compose
