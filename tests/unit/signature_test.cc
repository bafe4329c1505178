#include "lib/repo/signature.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/process.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

// One fixture repository (tests/fixtures/make-repo) per suite: it takes seconds, and ctest runs
// every test in a process of its own, hence few tests with several checks each.
class SignatureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_dir = util::make_temp_dir(fs::temp_directory_path(), "signature-test");
    auto result = util::run_process(
        {std::string(APT_OSTREE_TEST_DIR) + "/fixtures/make-repo", (s_dir / "repo").string()});
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  static void TearDownTestSuite() { fs::remove_all(s_dir); }

  static fs::path repo(const std::string& name) { return s_dir / "repo" / name; }
  static std::string dists(const std::string& name) {
    return util::read_file(s_dir / "repo/dists/stable" / name);
  }
  static std::string error_of(const std::function<void()>& action) {
    try {
      action();
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }

  static fs::path s_dir;
};

fs::path SignatureTest::s_dir;

}  // namespace

TEST_F(SignatureTest, Clearsigned) {
  {  // A good signature: only the signed text comes back.
    std::string text =
        repo::verify_clearsigned(dists("InRelease"), {repo("keyring.gpg")}, "InRelease");
    EXPECT_EQ(text, dists("Release"));
    // Text around the signed block is never returned.
    std::string padded = "Origin: forged\n\n" + dists("InRelease") + "\nSuite: forged\n";
    EXPECT_EQ(repo::verify_clearsigned(padded, {repo("keyring.gpg")}, "InRelease"),
              dists("Release"));
  }
  {  // One changed byte of the signed text.
    std::string inrelease = dists("InRelease");
    inrelease.replace(inrelease.find("Suite: stable"), 13, "Suite: stablf");
    std::string error = error_of([&] {
      repo::verify_clearsigned(inrelease, {repo("keyring.gpg")}, "InRelease of stable from URL");
    });
    EXPECT_NE(error.find("InRelease of stable from URL has a bad signature"), std::string::npos)
        << error;
  }
  {  // Signed, but by a key outside the keyring.
    std::string error = error_of([&] {
      repo::verify_clearsigned(dists("InRelease"), {repo("other-keyring.gpg")},
                               "InRelease of stable");
    });
    EXPECT_NE(error.find("InRelease of stable is not signed by a trusted key (keyring " +
                         repo("other-keyring.gpg").string() + ")"),
              std::string::npos)
        << error;
  }
  {  // No signature at all.
    std::string error = error_of([&] {
      repo::verify_clearsigned(dists("Release"), {repo("keyring.gpg")}, "InRelease of x");
    });
    EXPECT_NE(error.find("InRelease of x is not signed"), std::string::npos) << error;
  }
  {  // A keyring that does not exist.
    std::string error = error_of([&] {
      repo::verify_clearsigned(dists("InRelease"), {repo("nonexistent.gpg")}, "InRelease of x");
    });
    EXPECT_NE(error.find(repo("nonexistent.gpg").string() + " does not exist"), std::string::npos)
        << error;
  }
}

TEST_F(SignatureTest, Detached) {
  EXPECT_NO_THROW(repo::verify_detached(dists("Release"), dists("Release.gpg"),
                                        {repo("other-keyring.gpg"), repo("keyring.gpg")},
                                        "Release"));
  std::string error = error_of([&] {
    repo::verify_detached(dists("Release") + "Extra: field\n", dists("Release.gpg"),
                          {repo("keyring.gpg")}, "Release of stable");
  });
  EXPECT_NE(error.find("Release of stable has a bad signature"), std::string::npos) << error;
}
