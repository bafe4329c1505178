// A deployment's origin file (ostree/deploy/OS/deploy/CHECKSUM.SERIAL.origin): what it was made
// from, and so what an upgrade rebuilds. The keys are rpm-ostree's, so tools that know its
// origins read ours:
//   [origin] refspec=REMOTE:REF          a plain deployment of the ref (stock ostree upgrades it)
//            baserefspec=REMOTE:REF      the base of a deployment with layered packages or
//                                        overrides (stock ostree must not upgrade it: its commit
//                                        is local)
//            override-commit=CHECKSUM    `deploy REV`: the base stays at this commit
//   [packages] requested=NAME;...        layered packages, by name
//              requested-local=NAME;...  layered local .deb files (kept in the sysroot)
//   [overrides] remove=NAME;...          base packages removed
//               replace-local=NAME;...   base packages replaced by local .deb files
//   [libostree-transient] pinned=true    written by ostree: never garbage-collected
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/util/key_file.h"

namespace apt_ostree::deploy {

struct Origin {
  std::string refspec;  // the base: REMOTE:REF, or a local REF
  std::optional<std::string> override_commit;
  std::vector<std::string> packages;
  std::vector<std::string> local_packages;
  std::vector<std::string> removed;
  std::vector<std::string> replaced;
  bool pinned = false;
  util::KeyFile file;  // as read: groups of other tools are kept on rewrite

  // Whether the deployment's commit is built here from the base (and so not the base's commit).
  bool derived() const;
};

Origin parse_origin(std::string_view text);
// The file for `origin`: its `file` with the keys above set from the fields.
std::string serialize_origin(const Origin& origin);

// REMOTE:REF split; the remote is "" for a local ref.
struct Refspec {
  std::string remote;
  std::string ref;
};
Refspec split_refspec(std::string_view refspec);

}  // namespace apt_ostree::deploy
