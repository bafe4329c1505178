// A read-only memory mapping of a whole file: the metadata index is read this way so that a
// command touches only the pages it needs and starts in microseconds.
#pragma once

#include <filesystem>
#include <string_view>

namespace apt_ostree::util {

class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return {static_cast<const char*>(m_data), m_size}; }

  // Drops the pages read so far from this process's resident set (they stay in the page cache
  // and fault back in on the next access): after a scan of the whole file, so one pass over a
  // large index does not count against the process's memory.
  void drop_resident_pages() const;

 private:
  void* m_data = nullptr;
  size_t m_size = 0;
};

}  // namespace apt_ostree::util
