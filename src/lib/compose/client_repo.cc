#include "lib/compose/client_repo.h"

#include "lib/util/error.h"

namespace apt_ostree::compose {

ClientRepoUpdate prepare_for_clients(store::Repo& repo, const std::string& ref,
                                     const ClientRepoOptions& options) {
  std::optional<std::string> head = repo.resolve_ref(ref);
  if (!head) fail("the repository has no ref {} to prepare for devices", ref);
  repo.sign_commit(*head, options.signing);
  ClientRepoUpdate update;
  std::string parent = repo.read_commit(*head).parent;
  for (int i = 0; i < options.deltas && !parent.empty(); ++i) {
    // A parent this repository never had (its history began elsewhere) ends the walk: a delta
    // needs both ends.
    std::string next;
    try {
      next = repo.read_commit(parent).parent;
    } catch (const Error&) {
      break;
    }
    repo.generate_static_delta(parent, *head);
    update.delta_sources.push_back(parent);
    parent = next;
  }
  repo.update_summary(options.signing);
  return update;
}

}  // namespace apt_ostree::compose
