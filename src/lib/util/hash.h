// Message digests through OpenSSL's EVP interface (SHA-NI accelerated where the CPU has it).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace apt_ostree::util {

enum class DigestKind { sha256, sha1, md5, blake2b512 };

// Incremental digest; finish() returns lowercase hex.
class Digest {
 public:
  explicit Digest(DigestKind kind);
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  void update(std::string_view bytes);
  std::string finish();

 private:
  struct Context;
  std::unique_ptr<Context> m_context;
};

std::string sha256_hex(std::string_view bytes);

// 64-bit FNV-1a as 16 hex digits: a stable name for a string (cache directory names), with no
// cryptographic strength and none of OpenSSL's start-up cost (it reads openssl.cnf).
std::string stable_name_hash(std::string_view bytes);
// The digest (lowercase hex) of a file's contents, read in blocks. A symlink is not followed (the
// trees hashed here may hold links that point outside them); throws Error naming the file.
std::string digest_file(DigestKind kind, const std::filesystem::path& path);

}  // namespace apt_ostree::util
