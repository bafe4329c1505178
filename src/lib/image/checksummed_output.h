// The file an image is written to, digested as it is written: SHA256, SHA1, MD5 and BLAKE2b-512
// of every byte, so a release's checksums cost no second read of a multi-gigabyte file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "lib/util/fs.h"
#include "lib/util/hash.h"

namespace apt_ostree::image {

struct Checksums {
  std::string sha256, sha1, md5, blake2b512;
};

class ChecksummedOutput {
 public:
  // Writes to a temporary file next to `path`, renamed over it by commit(); destroyed before that
  // (an error, Ctrl-C) it leaves nothing behind. Without `digest`, commit() returns empty
  // checksums (what the benchmark of their cost compares against).
  explicit ChecksummedOutput(std::filesystem::path path, bool digest = true);

  void write(std::string_view bytes);
  // `count` zero bytes, left as a hole in the file (a raw image stays sparse).
  void write_zeros(uint64_t count);
  uint64_t bytes() const { return m_bytes; }
  // Sets the length (a trailing hole), syncs, renames into place; returns the digests.
  Checksums commit();

 private:
  void digest(std::string_view bytes);

  std::filesystem::path m_path;
  util::AtomicFile m_file;
  uint64_t m_bytes = 0;
  bool m_digest;
  util::Digest m_sha256{util::DigestKind::sha256};
  util::Digest m_sha1{util::DigestKind::sha1};
  util::Digest m_md5{util::DigestKind::md5};
  util::Digest m_blake2b{util::DigestKind::blake2b512};
};

// FILE.sha256, FILE.sha1, FILE.md5 and FILE.blake2b next to `file`, each one line in the format
// `sha256sum -c` (`b2sum -c`, ...) checks: the digest, two spaces, the file's name.
void write_checksum_files(const std::filesystem::path& file, const Checksums& checksums);

}  // namespace apt_ostree::image
