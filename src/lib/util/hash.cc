#include "lib/util/hash.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "lib/util/error.h"
#include "lib/util/fs.h"

namespace apt_ostree::util {

struct Digest::Context {
  EVP_MD_CTX* ctx = nullptr;
  ~Context() { EVP_MD_CTX_free(ctx); }
};

static const EVP_MD* evp_for(DigestKind kind) {
  switch (kind) {
    case DigestKind::sha256:
      return EVP_sha256();
    case DigestKind::sha1:
      return EVP_sha1();
    case DigestKind::md5:
      return EVP_md5();
    case DigestKind::blake2b512:
      return EVP_blake2b512();
  }
  return EVP_sha256();
}

Digest::Digest(DigestKind kind) : m_context(std::make_unique<Context>()) {
  m_context->ctx = EVP_MD_CTX_new();
  if (!m_context->ctx || EVP_DigestInit_ex(m_context->ctx, evp_for(kind), nullptr) != 1)
    fail("cannot initialise a message digest (OpenSSL)");
}

Digest::~Digest() = default;

void Digest::update(std::string_view bytes) {
  EVP_DigestUpdate(m_context->ctx, bytes.data(), bytes.size());
}

std::string Digest::finish() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(m_context->ctx, out.data(), &length);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(k_hex[out[i] >> 4]);
    hex.push_back(k_hex[out[i] & 0xf]);
  }
  return hex;
}

std::string sha256_hex(std::string_view bytes) {
  Digest digest(DigestKind::sha256);
  digest.update(bytes);
  return digest.finish();
}

std::string stable_name_hash(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return fmt::format("{:016x}", hash);
}

std::string digest_file(DigestKind kind, const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) fail("cannot read {}: {}", path.string(), std::strerror(errno));
  Digest digest(kind);
  std::array<char, 1 << 16> buffer{};
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot read {}: {}", path.string(), std::strerror(errno));
    if (n == 0) break;
    digest.update({buffer.data(), static_cast<size_t>(n)});
  }
  return digest.finish();
}

}  // namespace apt_ostree::util
