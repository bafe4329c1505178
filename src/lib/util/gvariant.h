// A reader of GVariant's serialization format (the GLib binary format OSTree stores its commits,
// trees and summaries in), without GLib: commands that only read a few commits (status, db)
// need not load libostree and its 62 libraries. Covers the basic types, strings, variants,
// arrays, tuples and dictionary entries; not maybe types. Data is taken as little-endian, as
// every host apt-ostree runs on writes it. Malformed data never reads out of bounds: a child
// whose framing is inconsistent is empty, as GLib treats it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace apt_ostree::util {

class GVariantView {
 public:
  // `type` is a complete GVariant type string ("(a{sv}aya(say)sstayay)"); `data` is the
  // serialized value. Both must outlive the view and its children.
  GVariantView(std::string_view type, std::string_view data) : m_type(type), m_data(data) {}

  std::string_view type() const { return m_type; }
  std::string_view data() const { return m_data; }

  // Arrays: elements; tuples and dictionary entries: members; variants: 1.
  size_t size() const;
  // The i-th element or member, or for a variant its value (i == 0). Throws Error if out of range.
  GVariantView child(size_t index) const;

  std::string_view string() const;  // s, o, g: without the terminating nul
  uint64_t uint64() const;          // t, x (as unsigned), u, i, q, n, y read at their width
  bool boolean() const;             // b

 private:
  std::string_view m_type;
  std::string_view m_data;
};

// The length of the first complete type in `types` ("a{sv}" in "a{sv}ay"); throws Error if
// `types` does not start with a valid type.
size_t gvariant_type_length(std::string_view types);
// The alignment of a type (1, 2, 4 or 8) and its fixed size (0 for variable-size types).
size_t gvariant_alignment(std::string_view type);
size_t gvariant_fixed_size(std::string_view type);

}  // namespace apt_ostree::util
