// A repository that devices pull from (`compose tree --repo`, served by any static web server):
// after a commit is published to a ref, the commit is signed, static deltas are written from the
// ref's previous commits to it (a device one or several updates behind fetches one delta file
// instead of thousands of objects), and the summary, which lists refs and deltas, is rewritten
// and signed.
#pragma once

#include <string>
#include <vector>

#include "lib/store/repo.h"

namespace apt_ostree::compose {

struct ClientRepoOptions {
  // Deltas to the ref's commit from each of its up to `deltas` previous commits (0: none).
  int deltas = 0;
  store::GpgSigning signing;
};

struct ClientRepoUpdate {
  std::vector<std::string> delta_sources;  // the commits deltas were written from
};

// Updates `repo` for devices following `ref`; throws Error naming what failed.
ClientRepoUpdate prepare_for_clients(store::Repo& repo, const std::string& ref,
                                     const ClientRepoOptions& options);

}  // namespace apt_ostree::compose
