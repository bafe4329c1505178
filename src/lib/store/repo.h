// The package and tree store: an OSTree repository behind a small interface free of GLib, so that
// libostree (GLib, GIO, gpgme, ... 62 shared libraries, ~27 ms of start-up) is loaded only by the
// commands that use the store. The implementation lives in a separately built module,
// apt-ostree-store.so (sources in lib/store/ostree/), which open_repo() loads on first use;
// commands such as search, show and status never map it.
//
// What the store holds:
// - the pkgcache: every .deb imported once as its own commit (its files exactly as dpkg unpacks
//   them, plus what dpkg keeps about the package in the commit's metadata), under the ref
//   package_ref() names (lib/store/ref_name.h);
// - stage and image commits, made from directories by commit() and copied to the repositories
//   users publish with pull_local().
// A tree is assembled by checking out commits on top of each other (hardlinks from the
// repository, so unpacking thousands of packages costs no copying) and committed back; files left
// unchanged since the checkout are not read again (the devino cache).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "lib/deb/deb_metadata.h"

namespace apt_ostree::store {

// OSTree repository modes. bare keeps ownership and modes in the files themselves (needs root),
// bare_user keeps them in an extended attribute (any user), archive holds compressed objects for
// serving over HTTP (no hardlink checkouts).
enum class RepoMode { bare, bare_user, archive };

// A commit metadata value: GVariant types s, as, t and b. Values of other types that other tools
// wrote are left out by read_commit().
using MetadataValue = std::variant<std::string, std::vector<std::string>, uint64_t, bool>;
using Metadata = std::map<std::string, MetadataValue>;

// The string value of `key` ("" when missing or not a string).
std::string metadata_string(const Metadata& metadata, std::string_view key);

struct CommitOptions {
  std::string ref;     // set to the new commit when not empty
  std::string parent;  // parent commit checksum; empty for none
  std::string subject;
  // Seconds since the epoch; reproducible builds pass SOURCE_DATE_EPOCH. Now when unset.
  std::optional<uint64_t> timestamp;
  Metadata metadata;
  // Take the checksum of files hardlinked by this Repo's checkouts from the checkout instead of
  // reading them again; off only when the tree's hardlinked files may have been changed in place.
  bool use_devino_cache = true;
};

struct CheckoutOptions {
  // Subtrees ("/etc", "/var") whose files are written as copies instead of hardlinks into the
  // repository, because maintainer scripts edit them in place (which would change the stored
  // object for every tree sharing it).
  std::vector<std::string> copy_prefixes;
  // Paths not to check out, as dpkg's path-exclude does: called for every path of every commit,
  // absolute and spelled as dpkg does ("/usr/share/doc", "/usr/share/doc/foo/changelog.gz"; the
  // root is "/"), with whether it is a directory (path-include keeps the parents of what it
  // includes); a skipped directory skips all below it. May be empty.
  std::function<bool(std::string_view path, bool is_directory)> skip;
};

// Which .deb: the verified SHA256 from the archive's index and the identity that names its ref.
struct DebIdentity {
  std::string name;
  std::string version;
  std::string architecture;
  std::string sha256;
};

struct ImportedDeb {
  std::string commit;
  deb::DebMetadata metadata;
  bool reused = false;  // the ref already held this .deb (same SHA256); nothing was unpacked
};

struct CommitInfo {
  std::string checksum;
  // The tree's own checksum (its root directory's contents and metadata): equal for equal trees,
  // whatever the commits' parents, times and metadata.
  std::string content_checksum;
  std::string parent;  // empty for none
  std::string subject;
  uint64_t timestamp = 0;
  Metadata metadata;
};

// What a pull from a remote fetched.
struct PullResult {
  std::string commit;
  uint64_t bytes_transferred = 0;
  unsigned objects_fetched = 0;
  unsigned delta_parts_fetched = 0;  // static delta parts used instead of objects
};

// Signing with GnuPG (commits, and the summary clients verify refs with).
struct GpgSigning {
  std::vector<std::string> key_ids;  // none: unsigned
  std::string homedir;               // "" for GnuPG's default
};

// One OSTree repository. Not thread-safe: one thread uses a Repo at a time (import_debs runs its
// own threads inside).
class Repo {
 public:
  virtual ~Repo() = default;

  // The commit a ref (or a full checksum) names; nullopt if there is none.
  virtual std::optional<std::string> resolve_ref(std::string_view ref) = 0;
  // Points `ref` at `checksum`, or deletes it for nullopt.
  virtual void set_ref(std::string_view ref, const std::optional<std::string>& checksum) = 0;
  // Local refs starting with `prefix` (a plain string prefix), with their commits, sorted by name.
  virtual std::vector<std::pair<std::string, std::string>> list_refs(std::string_view prefix) = 0;

  // Imports each .deb as its own commit under package_ref(identity) and returns them in the
  // order given. A .deb whose ref already holds the same SHA256 is reused without being opened.
  // The others are unpacked on `jobs` threads (0: one per CPU) in one repository transaction; if
  // any fails (truncated, not a .deb, no data.tar) the Error names it and no ref is written.
  virtual std::vector<ImportedDeb> import_debs(
      const std::vector<std::pair<std::filesystem::path, DebIdentity>>& debs, int jobs) = 0;

  // Checks the commits out into `dest` (created if missing), one after the other: a file of a
  // later commit replaces the same path of an earlier one, as dpkg unpacks packages in order,
  // and directories are merged. Files are hardlinks into the repository when its mode allows
  // (bare as root, bare_user as any user) and `dest` is on the same filesystem, copies otherwise;
  // ownership is kept when running as root.
  virtual void checkout(const std::vector<std::string>& commits, const std::filesystem::path& dest,
                        const CheckoutOptions& options) = 0;

  // Commits the directory `tree` (extended attributes, and ownership in bare mode, included)
  // and returns the new commit's checksum.
  virtual std::string commit(const std::filesystem::path& tree, const CommitOptions& options) = 0;

  // A commit (named by checksum or ref) and its metadata; throws Error if there is none.
  // Commits `base`'s tree with the changes in `upper`, an overlayfs upper layer over a checkout of
  // it: whiteouts remove, opaque directories replace, everything else is added or replaces what
  // was there (overlayfs' own attributes dropped). Only `upper` is read, so the cost follows the
  // size of the change, not of the tree. Its whiteouts are deleted on the way.
  virtual std::string commit_changes(const std::string& base, const std::filesystem::path& upper,
                                     const CommitOptions& options) = 0;
  virtual CommitInfo read_commit(std::string_view rev) = 0;

  // Copies the commit `checksum` of the repository at `source` into this one with the objects it
  // needs that this one lacks (not its parents), converting them to this repository's mode, as
  // `ostree pull-local` does; sets no ref. Throws Error naming both repositories.
  virtual void pull_local(const std::filesystem::path& source, const std::string& checksum) = 0;

  // Fetches `ref` from the OSTree repository served at `url` (http://, https:// or file://; no
  // GPG verification: the caller trusts the URL it was given) with the objects this repository
  // lacks, and returns its commit; nullopt when the server has no such ref. The URL is kept as a
  // remote named after it in this repository's config. Throws Error naming the URL for any
  // other failure (unreachable, corrupt).
  virtual std::optional<std::string> pull_ref(const std::string& url, const std::string& ref) = 0;

  // Adds (or replaces) the remote `name` at `url` in this repository's configuration, as `ostree
  // remote add` does. With `keyring` (an OpenPGP keyring file) its keys are imported and
  // signatures verified on every pull; without, none are.
  virtual void add_remote(const std::string& name, const std::string& url,
                          const std::string& keyring) = 0;

  // Fetches `rev` (a ref, or a commit checksum) from the remote named `remote` in this
  // repository's configuration (`ostree remote add`), verifying signatures as the remote is
  // configured to, using static deltas when the server has them; with `commit_only`, only the
  // commit object (its metadata: enough to see whether there is an update and what it holds).
  // The remote's ref is updated. Throws Error naming the remote and `rev`.
  virtual PullResult pull_remote(const std::string& remote, const std::string& rev,
                                 bool commit_only) = 0;

  // Writes a static delta to `to` from `from` (nullopt: from nothing, for first pulls), unless
  // the repository has it.
  virtual void generate_static_delta(const std::optional<std::string>& from,
                                     const std::string& to) = 0;
  // Adds a detached GPG signature to the commit with each key.
  virtual void sign_commit(const std::string& checksum, const GpgSigning& signing) = 0;

  // Rewrites the summary file, the list of refs (and static deltas) that clients pulling over
  // HTTP see, signed with `signing`'s keys if any.
  virtual void update_summary(const GpgSigning& signing) = 0;
};

// Opens the repository at `path`; with `create`, creates it first (in `mode_if_created`) if it
// does not exist. Loads the store module on first use; throws Error if it cannot be found or the
// repository cannot be opened.
std::unique_ptr<Repo> open_repo(const std::filesystem::path& path, RepoMode mode_if_created,
                                bool create);

// Where the store module is loaded from: $APT_OSTREE_STORE_MODULE if set, else
// apt-ostree-store.so next to the running executable, in <exe dir>/../lib/apt-ostree/, or in the
// build directory (so the test executables under build/tests find it). Throws Error if none
// exists.
std::filesystem::path store_module_path();

}  // namespace apt_ostree::store
