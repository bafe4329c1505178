#include "lib/util/editor.h"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "lib/util/error.h"
#include "lib/util/fs.h"

extern char** environ;

namespace apt_ostree::util {

namespace fs = std::filesystem;

std::string edit_text(const std::string& text, const fs::path& dir, const std::string& name) {
  const char* editor = std::getenv("VISUAL");
  if (!editor || !*editor) editor = std::getenv("EDITOR");
  if (!editor || !*editor) editor = "vi";
  TempDirGuard scratch(make_temp_dir(dir, "apt-ostree-edit"));
  const fs::path file = scratch.path() / name;
  write_file_atomic(file, text);
  // sh -c '$EDITOR "$@"' editor FILE: the editor variable may hold arguments.
  const std::string script = std::string(editor) + " \"$@\"";
  const char* argv[] = {"sh", "-c", script.c_str(), "editor", file.c_str(), nullptr};
  pid_t pid = 0;
  if (int error = posix_spawnp(&pid, "sh", nullptr, nullptr, const_cast<char**>(argv), environ))
    fail("cannot run the editor {}: {}", editor, std::strerror(error));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    fail("the editor {} failed; nothing was changed", editor);
  return read_file(file);
}

}  // namespace apt_ostree::util
