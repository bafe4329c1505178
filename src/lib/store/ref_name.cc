#include "lib/store/ref_name.h"

#include <fmt/format.h>

namespace apt_ostree::store {

namespace {

bool is_ref_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

}  // namespace

bool is_valid_ref(std::string_view ref) {
  bool component_start = true;
  for (char c : ref) {
    if (c == '/') {
      if (component_start) return false;
      component_start = true;
    } else if (!is_ref_char(c) || (component_start && (c == '.' || c == '-'))) {
      return false;
    } else {
      component_start = false;
    }
  }
  return !component_start;
}

std::string escape_ref_component(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    bool plain = is_ref_char(c) && c != '_' && (!out.empty() || (c != '.' && c != '-'));
    if (plain)
      out += c;
    else
      out += fmt::format("_{:02X}", static_cast<unsigned char>(c));
  }
  return out;
}

std::string package_ref(std::string_view name, std::string_view version,
                        std::string_view architecture) {
  return fmt::format("{}{}/{}_{}", k_package_ref_prefix, escape_ref_component(name),
                     escape_ref_component(version), escape_ref_component(architecture));
}

}  // namespace apt_ostree::store
