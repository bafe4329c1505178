// OpenPGP verification of Release files, delegated to gpgv exactly as apt does.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::repo {

// Verifies a clearsigned InRelease against the keyrings and returns only the signed text (what
// gpgv outputs), so nothing outside the signature is ever parsed. Throws Error naming `what`.
std::string verify_clearsigned(std::string_view inrelease,
                               const std::vector<std::filesystem::path>& keyrings,
                               std::string_view what);

// Verifies a detached Release.gpg signature over `release`. Throws Error naming `what`.
void verify_detached(std::string_view release, std::string_view signature,
                     const std::vector<std::filesystem::path>& keyrings, std::string_view what);

}  // namespace apt_ostree::repo
