#include "lib/util/shared_library.h"

#include <dlfcn.h>

#include "lib/util/error.h"

namespace apt_ostree::util {

SharedLibrary::SharedLibrary(std::string soname, std::string package)
    : m_soname(std::move(soname)), m_package(std::move(package)) {
  m_handle = ::dlopen(m_soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!m_handle)
    fail("cannot load {} ({}): install the {} package", m_soname, ::dlerror(), m_package);
}

void* SharedLibrary::find(const char* symbol) const {
  void* address = ::dlsym(m_handle, symbol);
  if (!address)
    fail("{} has no symbol {}: install a newer {} package", m_soname, symbol, m_package);
  return address;
}

}  // namespace apt_ostree::util
