#include "lib/repo/signature.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/process.h"
#include "lib/util/strings.h"

namespace apt_ostree::repo {

namespace fs = std::filesystem;

namespace {

std::string keyring_list(const std::vector<fs::path>& keyrings) {
  std::vector<std::string> names;
  for (const auto& keyring : keyrings) names.push_back(keyring.string());
  return fmt::format("{}", fmt::join(names, ", "));
}

void check_keyrings(const std::vector<fs::path>& keyrings, std::string_view what) {
  if (keyrings.empty()) fail("cannot verify {}: no keyring is configured; pass --keyring", what);
  for (const auto& keyring : keyrings) {
    std::error_code error;
    if (!fs::is_regular_file(keyring, error))
      fail(
          "cannot verify {}: keyring {} does not exist; install debian-archive-keyring or pass "
          "--keyring FILE",
          what, keyring.string());
  }
}

bool has_status(std::string_view status, std::string_view keyword) {
  std::string needle = fmt::format("[GNUPG:] {} ", keyword);
  std::string bare = fmt::format("[GNUPG:] {}\n", keyword);
  return status.find(needle) != std::string_view::npos ||
         status.find(bare) != std::string_view::npos;
}

// Runs gpgv on files in a private directory (no shared home, no trustdb) and turns its status
// lines into one sentence. Returns gpgv's standard output.
std::string run_gpgv(const std::vector<std::pair<std::string, std::string_view>>& files,
                     const std::vector<fs::path>& keyrings, bool clearsigned,
                     std::string_view what) {
  check_keyrings(keyrings, what);
  util::TempDirGuard temp(util::make_temp_dir(fs::temp_directory_path(), "apt-ostree-gpgv"));
  std::vector<std::string> argv{"gpgv", "--homedir", temp.path().string(), "--status-fd", "2"};
  for (const auto& keyring : keyrings) {
    argv.push_back("--keyring");
    argv.push_back(fs::absolute(keyring).string());
  }
  if (clearsigned) {
    argv.push_back("--output");
    argv.push_back("-");
  }
  for (const auto& [name, content] : files) {
    fs::path path = temp.path() / name;
    util::write_file_atomic(path, content);
    argv.push_back(path.string());
  }

  util::ProcessResult result = util::run_process(argv);
  const std::string& status = result.err;
  bool good = has_status(status, "GOODSIG") && has_status(status, "VALIDSIG");
  if (result.exit_code == 0 && good && !has_status(status, "BADSIG")) return std::move(result.out);

  std::string keyring_names = keyring_list(keyrings);
  if (has_status(status, "BADSIG"))
    fail(
        "{} has a bad signature: its content was changed after signing (keyring {}); the mirror "
        "or a proxy serves a corrupted or forged file",
        what, keyring_names);
  if (has_status(status, "EXPKEYSIG"))
    fail("{} is signed by an expired key (keyring {}); update the keyring", what, keyring_names);
  if (has_status(status, "REVKEYSIG"))
    fail("{} is signed by a revoked key (keyring {}); update the keyring", what, keyring_names);
  if (has_status(status, "NO_PUBKEY") || has_status(status, "ERRSIG"))
    fail("{} is not signed by a trusted key (keyring {}); pass --keyring with the archive's key",
         what, keyring_names);
  if (has_status(status, "NODATA") || !has_status(status, "NEWSIG"))
    fail("{} is not signed (no OpenPGP signature found); it cannot be trusted", what);
  // gpgv's own words: its first message line that is not a status line.
  std::string_view message = "no reason given";
  for (auto line : util::split(status, '\n'))
    if (!line.empty() && !line.starts_with("[GNUPG:]")) {
      message = line;
      break;
    }
  fail("cannot verify {} with gpgv (keyring {}): {}", what, keyring_names, message);
}

}  // namespace

std::string verify_clearsigned(std::string_view inrelease, const std::vector<fs::path>& keyrings,
                               std::string_view what) {
  return run_gpgv({{"InRelease", inrelease}}, keyrings, true, what);
}

void verify_detached(std::string_view release, std::string_view signature,
                     const std::vector<fs::path>& keyrings, std::string_view what) {
  run_gpgv({{"Release.gpg", signature}, {"Release", release}}, keyrings, false, what);
}

}  // namespace apt_ostree::repo
