// dpkg-style path filters (dpkg --path-exclude / --path-include, the treefile's path-exclude and
// path-include): which of a package's paths are left out of the tree. Globs match as dpkg matches
// them, with fnmatch() and no flags, so '*' also matches '/' ("/usr/share/doc/*" covers
// everything below). A path is left out when an exclude matches it and no include does.
// Directories get one more rule, so re-included files keep their parents: a directory that an
// include could match something below ("/usr/share/doc/foo" for "/usr/share/doc/*/copyright")
// is kept.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::compose {

class PathFilter {
 public:
  PathFilter(std::vector<std::string> excludes, std::vector<std::string> includes);

  bool empty() const { return m_excludes.empty(); }
  // `path` is absolute as in a package ("/usr/share/man/man1/ls.1.gz").
  bool excludes_file(std::string_view path) const;
  bool excludes_directory(std::string_view path) const;

 private:
  std::vector<std::string> m_excludes;
  std::vector<std::string> m_includes;
};

}  // namespace apt_ostree::compose
