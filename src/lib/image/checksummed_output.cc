#include "lib/image/checksummed_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "lib/util/error.h"

namespace apt_ostree::image {

ChecksummedOutput::ChecksummedOutput(std::filesystem::path path, bool digest)
    : m_path(std::move(path)), m_file(m_path), m_digest(digest) {}

void ChecksummedOutput::digest(std::string_view bytes) {
  if (!m_digest) return;
  m_sha256.update(bytes);
  m_sha1.update(bytes);
  m_md5.update(bytes);
  m_blake2b.update(bytes);
}

void ChecksummedOutput::write(std::string_view bytes) {
  m_file.write(bytes);
  digest(bytes);
  m_bytes += bytes.size();
}

void ChecksummedOutput::write_zeros(uint64_t count) {
  static const std::array<char, 1 << 16> k_zeros{};
  m_bytes += count;
  if (lseek(m_file.fd(), static_cast<off_t>(m_bytes), SEEK_SET) < 0)
    fail("cannot seek in {}: {}", m_path.string(), std::strerror(errno));
  while (m_digest && count > 0) {
    std::string_view zeros(k_zeros.data(), std::min<uint64_t>(count, k_zeros.size()));
    digest(zeros);
    count -= zeros.size();
  }
}

Checksums ChecksummedOutput::commit() {
  if (ftruncate(m_file.fd(), static_cast<off_t>(m_bytes)) != 0)
    fail("cannot set the size of {}: {}", m_path.string(), std::strerror(errno));
  m_file.commit();
  if (!m_digest) return {};
  return {m_sha256.finish(), m_sha1.finish(), m_md5.finish(), m_blake2b.finish()};
}

void write_checksum_files(const std::filesystem::path& file, const Checksums& checksums) {
  const std::string name = file.filename().string();
  const std::pair<const char*, const std::string*> files[] = {{".sha256", &checksums.sha256},
                                                              {".sha1", &checksums.sha1},
                                                              {".md5", &checksums.md5},
                                                              {".blake2b", &checksums.blake2b512}};
  for (const auto& [suffix, digest] : files)
    util::write_file_atomic(file.string() + suffix, *digest + "  " + name + "\n");
}

}  // namespace apt_ostree::image
