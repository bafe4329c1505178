#include "lib/deploy/origin.h"

namespace apt_ostree::deploy {

bool Origin::derived() const {
  return !packages.empty() || !local_packages.empty() || !removed.empty() || !replaced.empty();
}

Origin parse_origin(std::string_view text) {
  Origin origin;
  origin.file = util::KeyFile::parse(text);
  const util::KeyFile& file = origin.file;
  origin.refspec = file.get("origin", "baserefspec").value_or(file.get("origin", "refspec").value_or(""));
  origin.override_commit = file.get("origin", "override-commit");
  origin.packages = file.get_list("packages", "requested");
  origin.local_packages = file.get_list("packages", "requested-local");
  origin.removed = file.get_list("overrides", "remove");
  origin.replaced = file.get_list("overrides", "replace-local");
  origin.pinned = file.get_bool("libostree-transient", "pinned");
  return origin;
}

std::string serialize_origin(const Origin& origin) {
  util::KeyFile file = origin.file;
  // A derived deployment's commit is local: `refspec` would let stock ostree "upgrade" it to
  // the bare base, dropping the layered packages.
  file.remove("origin", origin.derived() ? "refspec" : "baserefspec");
  file.set("origin", origin.derived() ? "baserefspec" : "refspec", origin.refspec);
  if (origin.override_commit) file.set("origin", "override-commit", *origin.override_commit);
  else file.remove("origin", "override-commit");
  file.set_list("packages", "requested", origin.packages);
  file.set_list("packages", "requested-local", origin.local_packages);
  file.set_list("overrides", "remove", origin.removed);
  file.set_list("overrides", "replace-local", origin.replaced);
  return file.serialize();
}

Refspec split_refspec(std::string_view refspec) {
  size_t colon = refspec.find(':');
  if (colon == std::string_view::npos) return {"", std::string(refspec)};
  return {std::string(refspec.substr(0, colon)), std::string(refspec.substr(colon + 1))};
}

}  // namespace apt_ostree::deploy
