#include "lib/store/commit_object.h"

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/gvariant.h"
#include "lib/util/strings.h"

namespace apt_ostree::store {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_commit_type = "(a{sv}aya(say)sstayay)";

bool is_checksum(std::string_view text) { return util::is_lower_hex(text, 64); }

fs::path object_path(const fs::path& repo, std::string_view checksum) {
  return repo / "objects" / checksum.substr(0, 2) / (std::string(checksum.substr(2)) + ".commit");
}

// Metadata values of the types Metadata holds; others are left out, as Repo::read_commit does.
std::optional<MetadataValue> metadata_value(const util::GVariantView& value) {
  std::string_view type = value.type();
  if (type == "s") return std::string(value.string());
  if (type == "t") return value.uint64();
  if (type == "b") return value.boolean();
  if (type == "as") {
    std::vector<std::string> list;
    for (size_t i = 0; i < value.size(); ++i) list.emplace_back(value.child(i).string());
    return list;
  }
  return std::nullopt;
}

uint64_t from_big_endian(uint64_t value) { return __builtin_bswap64(value); }

}  // namespace

CommitInfo parse_commit_object(std::string_view data, const std::string& checksum) {
  util::GVariantView commit(k_commit_type, data);
  CommitInfo info;
  info.checksum = checksum;
  util::GVariantView metadata = commit.child(0);
  for (size_t i = 0; i < metadata.size(); ++i) {
    util::GVariantView entry = metadata.child(i);
    if (auto value = metadata_value(entry.child(1).child(0)))
      info.metadata.emplace(std::string(entry.child(0).string()), std::move(*value));
  }
  std::string_view parent = commit.child(1).data();
  if (!parent.empty()) info.parent = util::to_hex(parent);
  info.subject = commit.child(3).string();
  // OSTree stores the commit time big-endian, whatever the host.
  info.timestamp = from_big_endian(commit.child(5).uint64());
  if (commit.child(6).data().size() != 32 || commit.child(7).data().size() != 32)
    fail("the object {} is not an OSTree commit", checksum);
  return info;
}

CommitInfo read_commit_object(const fs::path& repo, const std::string& checksum) {
  if (!is_checksum(checksum)) fail("'{}' is not a commit checksum", checksum);
  const fs::path path = object_path(repo, checksum);
  if (!fs::exists(path)) fail("the repository {} has no commit {}", repo.string(), checksum);
  return parse_commit_object(util::read_file(path), checksum);
}

std::optional<std::string> resolve_rev_files(const fs::path& repo, std::string_view rev) {
  if (is_checksum(rev))
    return fs::exists(object_path(repo, rev)) ? std::optional<std::string>(rev) : std::nullopt;
  size_t colon = rev.find(':');
  const fs::path file = colon == std::string_view::npos
                            ? repo / "refs/heads" / rev
                            : repo / "refs/remotes" / rev.substr(0, colon) / rev.substr(colon + 1);
  std::error_code error;
  if (!fs::is_regular_file(file, error)) return std::nullopt;
  std::string text = util::read_file(file);
  std::string checksum(util::trim(text));
  if (!is_checksum(checksum)) fail("the ref file {} holds no commit checksum", file.string());
  return checksum;
}

}  // namespace apt_ostree::store
