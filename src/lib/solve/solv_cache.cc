// The .solv cache: libsolv's own serialisation of the pool (repo_write), which loads an order of
// magnitude faster than parsing every relationship field of the index again.
//
// File format: a text header, one traits byte per record (Essential bit | Priority, which libsolv
// does not store), apt's package id per record (uint32, host byte order: the cache never leaves the
// machine that wrote it), then repo_write's output.
//   "apt-ostree-solv <k_format_version>\n<architecture>\n<record count>\n" traits ids solv-data
// The header rejects caches of another format, architecture or index size cheaply. The cache sits
// in the same immutable generation directory as its index, so a mismatch beyond that means a
// damaged or foreign file; after loading, an evenly spread sample of solvables is compared with
// their index records (name, version, architecture), which catches that without reading the whole
// index (a full comparison would fault in most of its pages, costing more than the load itself).
// The solvable to record mapping (solvable = first + record) depends on this check.

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "lib/solve/pool_loader.h"
#include "lib/solve/resolver.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"

namespace apt_ostree::solve {

namespace {

constexpr int k_format_version = 2;

std::string header(std::string_view architecture, size_t count) {
  return fmt::format("apt-ostree-solv {}\n{}\n{}\n", k_format_version, architecture, count);
}

struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};

constexpr size_t k_sample_count = 512;

bool matches_index(const SolvPool& solv, const repo::PackageIndex& index) {
  Pool* pool = solv.pool();
  if (static_cast<size_t>(solv.repo()->nsolvables) != index.size()) return false;
  for (size_t k = 0; k < k_sample_count && index.size() > 0; ++k) {
    size_t i = k * (index.size() - 1) / (k_sample_count - 1);
    const Solvable* s = pool->solvables + solv.solvable(i);
    repo::PackageRecord record = index.at(i);
    if (s->repo != solv.repo() || record.name != pool_id2str(pool, s->name) ||
        record.version != pool_id2str(pool, s->evr) ||
        record.architecture != pool_id2str(pool, s->arch))
      return false;
  }
  return true;
}

}  // namespace

void write_solv_file(const SolvPool& solv, const std::filesystem::path& path) {
  // Streamed straight into the file: the serialised pool is tens of megabytes, and refresh-md's
  // peak memory is already the pool plus the index.
  util::AtomicFile file(path);
  file.write(header(solv.architecture(), solv.size()));
  file.write({reinterpret_cast<const char*>(solv.m_traits.data()), solv.m_traits.size()});
  file.write({reinterpret_cast<const char*>(solv.m_apt_ids.data()),
              solv.m_apt_ids.size() * sizeof(uint32_t)});
  std::unique_ptr<FILE, FileCloser> stream(::fdopen(::dup(file.fd()), "wb"));
  if (!stream) fail("cannot write {}: {}", path.string(), std::strerror(errno));
  int status = repo_write(solv.repo(), stream.get());
  if (std::fflush(stream.get()) != 0)
    fail("cannot write {}: {}", path.string(), std::strerror(errno));
  if (status != 0) fail("cannot write {}: {}", path.string(), pool_errstr(solv.pool()));
  stream.reset();
  file.commit();
}

bool read_solv_file(SolvPool& solv, const repo::PackageIndex& index,
                    const std::filesystem::path& path) {
  std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return false;
  std::string expected = header(solv.architecture(), index.size());
  std::string actual(expected.size(), '\0');
  if (std::fread(actual.data(), 1, actual.size(), file.get()) != actual.size() ||
      actual != expected)
    return false;
  solv.m_traits.resize(index.size());
  if (std::fread(solv.m_traits.data(), 1, solv.m_traits.size(), file.get()) != solv.m_traits.size())
    return false;
  solv.m_apt_ids.resize(index.size());
  if (std::fread(solv.m_apt_ids.data(), sizeof(uint32_t), solv.m_apt_ids.size(), file.get()) !=
      solv.m_apt_ids.size())
    return false;
  if (repo_add_solv(solv.repo(), file.get(), 0) != 0 || !matches_index(solv, index)) {
    repo_empty(solv.repo(), 1);
    return false;
  }
  return true;
}

void write_solv_cache(const repo::PackageIndex& index, std::string_view architecture,
                      const std::filesystem::path& path) {
  SolvPool solv(index, architecture);
  write_solv_file(solv, path);
}

std::function<void(const repo::PackageIndex&, const std::filesystem::path&)> solv_cache_writer(
    std::string architecture) {
  return [architecture = std::move(architecture)](const repo::PackageIndex& index,
                                                  const std::filesystem::path& generation) {
    write_solv_cache(index, architecture, generation / k_solv_cache_name);
  };
}

}  // namespace apt_ostree::solve
