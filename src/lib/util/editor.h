// The user's text editor on a file, as git and rpm-ostree kargs --editor open it.
#pragma once

#include <filesystem>
#include <string>

namespace apt_ostree::util {

// Writes `text` to a temporary file `name` in a new directory in `dir`, runs $VISUAL, $EDITOR or vi on it (through the
// shell, so "code -w" works) with the terminal, and returns what the file holds after. Throws
// Error if the editor cannot run or exits non-zero (the edit is then abandoned).
std::string edit_text(const std::string& text, const std::filesystem::path& dir,
                      const std::string& name);

}  // namespace apt_ostree::util
