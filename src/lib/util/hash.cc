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
#include "lib/util/shared_library.h"
#include "lib/util/strings.h"

namespace apt_ostree::util {

namespace {

// libcrypto, loaded on first use: linking it costs every command ~175 page faults of relocation
// at start-up (~5 ms on a virtual machine), and status, search and show never hash.
struct LibCrypto {
  decltype(&::EVP_MD_CTX_new) md_ctx_new;
  decltype(&::EVP_MD_CTX_free) md_ctx_free;
  decltype(&::EVP_DigestInit_ex) digest_init;
  decltype(&::EVP_DigestUpdate) digest_update;
  decltype(&::EVP_DigestFinal_ex) digest_final;
  decltype(&::EVP_sha256) sha256;
  decltype(&::EVP_sha1) sha1;
  decltype(&::EVP_md5) md5;
  decltype(&::EVP_blake2b512) blake2b512;
};

LibCrypto load_libcrypto() {
  SharedLibrary library("libcrypto.so.3", "libssl3");
  LibCrypto lib{};
  library.resolve(lib.md_ctx_new, "EVP_MD_CTX_new");
  library.resolve(lib.md_ctx_free, "EVP_MD_CTX_free");
  library.resolve(lib.digest_init, "EVP_DigestInit_ex");
  library.resolve(lib.digest_update, "EVP_DigestUpdate");
  library.resolve(lib.digest_final, "EVP_DigestFinal_ex");
  library.resolve(lib.sha256, "EVP_sha256");
  library.resolve(lib.sha1, "EVP_sha1");
  library.resolve(lib.md5, "EVP_md5");
  library.resolve(lib.blake2b512, "EVP_blake2b512");
  return lib;
}

const LibCrypto& libcrypto() {
  static const LibCrypto lib = load_libcrypto();  // thread-safe initialisation
  return lib;
}

const EVP_MD* evp_for(DigestKind kind) {
  switch (kind) {
    case DigestKind::sha256:
      return libcrypto().sha256();
    case DigestKind::sha1:
      return libcrypto().sha1();
    case DigestKind::md5:
      return libcrypto().md5();
    case DigestKind::blake2b512:
      return libcrypto().blake2b512();
  }
  return libcrypto().sha256();
}

}  // namespace

struct Digest::Context {
  EVP_MD_CTX* ctx = nullptr;
  ~Context() {
    if (ctx) libcrypto().md_ctx_free(ctx);
  }
};

Digest::Digest(DigestKind kind) : m_context(std::make_unique<Context>()) {
  m_context->ctx = libcrypto().md_ctx_new();
  if (!m_context->ctx || libcrypto().digest_init(m_context->ctx, evp_for(kind), nullptr) != 1)
    fail("cannot initialise a message digest (OpenSSL)");
}

Digest::~Digest() = default;

void Digest::update(std::string_view bytes) {
  libcrypto().digest_update(m_context->ctx, bytes.data(), bytes.size());
}

std::string Digest::finish() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  libcrypto().digest_final(m_context->ctx, out.data(), &length);
  return to_hex({reinterpret_cast<const char*>(out.data()), length});
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
