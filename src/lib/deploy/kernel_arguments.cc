#include "lib/deploy/kernel_arguments.h"

#include <algorithm>

#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::deploy {

namespace {

std::string_view key_of(std::string_view argument) {
  return argument.substr(0, argument.find('='));
}

// Removes `argument` (KEY: the one argument with that key; KEY=VALUE: that exact one); false if
// nothing matched.
bool remove_argument(std::vector<std::string>& arguments, const std::string& argument) {
  if (argument.find('=') != std::string::npos) {
    auto it = std::find(arguments.begin(), arguments.end(), argument);
    if (it == arguments.end()) return false;
    arguments.erase(it);
    return true;
  }
  auto matches = [&](const std::string& each) { return key_of(each) == argument; };
  const auto count = std::count_if(arguments.begin(), arguments.end(), matches);
  if (count > 1)
    fail("the kernel argument {} has {} values; name the one to delete as {}=VALUE", argument,
         count, argument);
  if (count == 0) return false;
  std::erase_if(arguments, matches);
  return true;
}

// KEY=OLD=NEW changes the one argument KEY=OLD when there is one; otherwise (root=UUID=... is
// a value with '=' in it) every KEY=... becomes the replacement.
void replace_argument(std::vector<std::string>& arguments, const std::string& replacement) {
  const size_t first = replacement.find('=');
  if (first == std::string::npos)
    fail("--replace {} needs KEY=VALUE or KEY=OLD=NEW", replacement);
  const std::string key = replacement.substr(0, first);
  const size_t second = replacement.find('=', first + 1);
  if (second != std::string::npos) {
    auto old = std::find(arguments.begin(), arguments.end(), replacement.substr(0, second));
    if (old != arguments.end()) {
      *old = key + "=" + replacement.substr(second + 1);
      return;
    }
  }
  bool found = false;
  for (std::string& argument : arguments)
    if (key_of(argument) == key) {
      argument = replacement;
      found = true;
    }
  if (!found) fail("the kernel argument to replace is not there: {}", key);
}

}  // namespace

bool KernelArgumentEdits::empty() const {
  return append.empty() && append_if_missing.empty() && replace.empty() && remove.empty() &&
         remove_if_present.empty();
}

std::vector<std::string> edit_kernel_arguments(std::string_view command_line,
                                               const KernelArgumentEdits& edits) {
  std::vector<std::string> arguments;
  for (std::string_view argument : util::split_whitespace(command_line))
    if (key_of(argument) != "ostree") arguments.emplace_back(argument);
  for (const std::string& argument : edits.append) arguments.push_back(argument);
  for (const std::string& argument : edits.append_if_missing)
    if (std::find(arguments.begin(), arguments.end(), argument) == arguments.end())
      arguments.push_back(argument);
  for (const std::string& replacement : edits.replace) replace_argument(arguments, replacement);
  for (const std::string& argument : edits.remove)
    if (!remove_argument(arguments, argument))
      fail("the kernel argument to delete is not there: {}", argument);
  for (const std::string& argument : edits.remove_if_present) remove_argument(arguments, argument);
  return arguments;
}

}  // namespace apt_ostree::deploy
