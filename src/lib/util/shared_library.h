// A shared library opened at run time (dlopen) instead of linked: for heavy libraries that only a
// few commands need, so the others do not pay for mapping and relocating them at start-up.
#pragma once

#include <string>

namespace apt_ostree::util {

class SharedLibrary {
 public:
  // Opens `soname` (never closed: such libraries keep global state); `package` names the Debian
  // package to install in the error if it is missing.
  SharedLibrary(std::string soname, std::string package);

  template <typename Function>
  void resolve(Function& function, const char* symbol) const {
    function = reinterpret_cast<Function>(find(symbol));
  }

 private:
  void* find(const char* symbol) const;  // throws Error naming the library and symbol

  std::string m_soname;
  std::string m_package;
  void* m_handle = nullptr;
};

}  // namespace apt_ostree::util
