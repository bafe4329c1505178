#include "lib/deb/architecture.h"

namespace apt_ostree::deb {

std::string host_architecture() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "armhf";
#elif defined(__i386__)
  return "i386";
#elif defined(__powerpc64__)
  return "ppc64el";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__riscv)
  return "riscv64";
#else
#error "unknown host architecture"
#endif
}

bool runs_natively(std::string_view architecture) {
  std::string host = host_architecture();
  return architecture == host || (host == "amd64" && architecture == "i386") ||
         (host == "arm64" && architecture == "armhf");
}

std::optional<std::string> qemu_cpu_for(std::string_view architecture) {
  if (architecture == "arm64") return "aarch64";
  if (architecture == "armhf" || architecture == "armel") return "arm";
  if (architecture == "amd64") return "x86_64";
  if (architecture == "i386") return "i386";
  if (architecture == "ppc64el") return "ppc64le";
  if (architecture == "s390x") return "s390x";
  if (architecture == "riscv64") return "riscv64";
  if (architecture == "mips64el") return "mips64el";
  return std::nullopt;
}

}  // namespace apt_ostree::deb
