#include "lib/util/gvariant.h"

#include <vector>

#include "lib/util/error.h"

namespace apt_ostree::util {

namespace {

bool is_basic(char c) {
  return std::string_view("bynqiuxthdsog").find(c) != std::string_view::npos;
}

// The member types of a tuple or dictionary entry type.
std::vector<std::string_view> member_types(std::string_view type) {
  std::vector<std::string_view> members;
  std::string_view inner = type.substr(1, type.size() - 2);
  while (!inner.empty()) {
    size_t length = gvariant_type_length(inner);
    members.push_back(inner.substr(0, length));
    inner.remove_prefix(length);
  }
  return members;
}

size_t align_up(size_t offset, size_t alignment) {
  return (offset + alignment - 1) & ~(alignment - 1);
}

// The width of the framing offsets of a container of `size` bytes.
size_t offset_size(size_t size) {
  if (size > 0xffffffffu) return 8;
  if (size > 0xffff) return 4;
  if (size > 0xff) return 2;
  return size > 0 ? 1 : 0;
}

uint64_t read_le(std::string_view data, size_t at, size_t width) {
  uint64_t value = 0;
  for (size_t i = 0; i < width; ++i)
    value |= static_cast<uint64_t>(static_cast<unsigned char>(data[at + i])) << (8 * i);
  return value;
}

// [start, end) of a child, or an empty range when the framing is inconsistent.
struct Range {
  size_t start = 0;
  size_t end = 0;
};

Range checked(size_t start, size_t end, size_t limit) {
  if (start > end || end > limit) return {};
  return {start, end};
}

// Arrays of variable-size elements end with a table of each element's end offset.
struct OffsetTable {
  size_t width = 0;
  size_t start = 0;  // where the table begins: the end of the last element
  size_t count = 0;
};

OffsetTable offset_table(std::string_view data) {
  OffsetTable table;
  table.width = offset_size(data.size());
  if (table.width == 0) return table;
  size_t last_end = read_le(data, data.size() - table.width, table.width);
  if (last_end > data.size() || (data.size() - last_end) % table.width != 0) return table;
  table.start = last_end;
  table.count = (data.size() - last_end) / table.width;
  return table;
}

}  // namespace

size_t gvariant_type_length(std::string_view types) {
  if (types.empty()) fail("invalid GVariant type: it is empty");
  char c = types[0];
  if (is_basic(c) || c == 'v') return 1;
  if (c == 'a' || c == 'm') return 1 + gvariant_type_length(types.substr(1));
  if (c == '(' || c == '{') {
    char close = c == '(' ? ')' : '}';
    size_t at = 1;
    while (at < types.size() && types[at] != close) at += gvariant_type_length(types.substr(at));
    if (at >= types.size()) fail("invalid GVariant type '{}': '{}' is not closed", types, c);
    return at + 1;
  }
  fail("invalid GVariant type '{}'", types);
}

size_t gvariant_alignment(std::string_view type) {
  switch (type[0]) {
    case 'n': case 'q': return 2;
    case 'i': case 'u': case 'h': return 4;
    case 'x': case 't': case 'd': case 'v': return 8;
    case 'a': case 'm': return gvariant_alignment(type.substr(1));
    case '(': case '{': {
      size_t alignment = 1;
      for (std::string_view member : member_types(type))
        alignment = std::max(alignment, gvariant_alignment(member));
      return alignment;
    }
    default: return 1;
  }
}

size_t gvariant_fixed_size(std::string_view type) {
  switch (type[0]) {
    case 'b': case 'y': return 1;
    case 'n': case 'q': return 2;
    case 'i': case 'u': case 'h': return 4;
    case 'x': case 't': case 'd': return 8;
    case '(': case '{': {
      std::vector<std::string_view> members = member_types(type);
      if (members.empty()) return 1;  // the unit type takes one byte
      size_t offset = 0;
      for (std::string_view member : members) {
        size_t size = gvariant_fixed_size(member);
        if (size == 0) return 0;
        offset = align_up(offset, gvariant_alignment(member)) + size;
      }
      return align_up(offset, gvariant_alignment(type));
    }
    default: return 0;
  }
}

size_t GVariantView::size() const {
  switch (m_type[0]) {
    case 'v': return 1;
    case '(': case '{': return member_types(m_type).size();
    case 'a': {
      size_t element = gvariant_fixed_size(m_type.substr(1));
      if (element) return m_data.size() % element == 0 ? m_data.size() / element : 0;
      return offset_table(m_data).count;
    }
    default: return 0;
  }
}

GVariantView GVariantView::child(size_t index) const {
  if (index >= size())
    fail("GVariant {} has no child {} (it has {})", m_type, index, size());
  const size_t limit = m_data.size();
  if (m_type[0] == 'v') {
    size_t nul = m_data.rfind('\0');
    std::string_view type = m_data.substr(nul + 1);
    if (type.empty() || gvariant_type_length(type) != type.size())
      fail("GVariant variant holds an invalid type '{}'", type);
    return {type, m_data.substr(0, nul)};
  }
  if (m_type[0] == 'a') {
    std::string_view element = m_type.substr(1);
    if (size_t fixed = gvariant_fixed_size(element)) return {element, m_data.substr(index * fixed, fixed)};
    OffsetTable table = offset_table(m_data);
    auto end_of = [&](size_t i) {
      return read_le(m_data, table.start + i * table.width, table.width);
    };
    size_t start = index == 0 ? 0 : align_up(end_of(index - 1), gvariant_alignment(element));
    Range range = checked(start, end_of(index), table.start);
    return {element, m_data.substr(range.start, range.end - range.start)};
  }
  // Tuples and dictionary entries: members in order, each aligned; every variable-size member
  // but the last has its end recorded in a table at the container's end, the first last.
  std::vector<std::string_view> members = member_types(m_type);
  const size_t width = gvariant_fixed_size(m_type) ? 0 : offset_size(limit);
  size_t position = 0;
  size_t offsets_used = 0;
  Range range;
  for (size_t i = 0; i <= index; ++i) {
    size_t start = align_up(position, gvariant_alignment(members[i]));
    size_t end;
    if (size_t fixed = gvariant_fixed_size(members[i])) {
      end = start + fixed;
    } else if (i + 1 == members.size()) {
      end = limit >= offsets_used * width ? limit - offsets_used * width : 0;
    } else {
      ++offsets_used;
      if (offsets_used * width > limit) return {members[index], {}};
      end = read_le(m_data, limit - offsets_used * width, width);
    }
    range = checked(start, end, limit);
    position = end;
  }
  return {members[index], m_data.substr(range.start, range.end - range.start)};
}

std::string_view GVariantView::string() const {
  if (m_data.empty() || m_data.back() != '\0') return {};
  std::string_view text = m_data.substr(0, m_data.size() - 1);
  return text.find('\0') == std::string_view::npos ? text : std::string_view{};
}

uint64_t GVariantView::uint64() const {
  size_t width = gvariant_fixed_size(m_type);
  if (width == 0 || width > 8 || m_data.size() != width) return 0;
  return read_le(m_data, 0, width);
}

bool GVariantView::boolean() const { return m_data.size() == 1 && m_data[0] != 0; }

}  // namespace apt_ostree::util
