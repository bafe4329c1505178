// Commits and refs read straight from a repository's files, without the store module: status,
// `db list` and `db diff` read a handful of commits, and loading libostree (~27 ms) would be
// most of their time. Objects are immutable and refs are replaced by rename, so reading them
// while another process writes the repository is safe.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "lib/store/repo.h"

namespace apt_ostree::store {

// Decodes a serialized commit object (GVariant "(a{sv}aya(say)sstayay)"). content_checksum is
// left empty (it needs a SHA-256 over the root's checksums; use Repo::read_commit for it).
// Throws Error naming `checksum` if the object is not a commit.
CommitInfo parse_commit_object(std::string_view data, const std::string& checksum);

// The commit `checksum` of the repository at `repo` (any mode: commit objects are stored
// uncompressed in all of them); throws Error naming the commit if the repository lacks it.
CommitInfo read_commit_object(const std::filesystem::path& repo, const std::string& checksum);

// What `rev` names in the repository at `repo`: a full checksum (if the repository has it), a
// local ref, or REMOTE:REF for a ref pulled from a remote; nullopt if nothing.
std::optional<std::string> resolve_rev_files(const std::filesystem::path& repo,
                                             std::string_view rev);

}  // namespace apt_ostree::store
