// Moving a deployment to a new base commit: `upgrade` (the newest commit of the origin's ref),
// `deploy REV` (a given commit of it) and `rebase REMOTE:REF` (another ref). The commit is pulled
// from the ref's remote (OSTree over HTTP, static deltas when the server has them), or taken from
// the sysroot's repository for a local ref, then deployed with the new origin; /etc carries over.
// A deployment with layered packages gets them built again on the new base
// (package_layering.h).
#pragma once

#include <optional>
#include <string>

#include "lib/deploy/package_diff.h"
#include "lib/deploy/package_layering.h"
#include "lib/deploy/transaction.h"

namespace apt_ostree::deploy {

struct BaseTarget {
  std::string refspec;  // REMOTE:REF, or a local REF; "" for the one the deployment follows
  // A commit of it (deploy REV: a checksum, or version=V, the newest commit of the ref's
  // history with that version); nullopt: the newest.
  std::optional<std::string> commit;
};

enum class BaseUpdateMode {
  check,    // fetch the commit object only and say whether it differs
  preview,  // as check, with the package difference
  deploy,   // fetch everything and deploy
};

struct BaseUpdateOptions {
  BaseTarget target;
  BaseUpdateMode mode = BaseUpdateMode::deploy;
  bool allow_downgrade = false;  // an upgrade to an older commit fails without it
  // For a deployment with layered packages, which are built again on the new base.
  LayeringSettings layering;
};

struct BaseUpdate {
  std::string from;  // the current base commit
  std::string to;    // the target commit
  bool changed = false;  // false: already there, nothing deployed
  store::PullResult pull;  // empty for a local ref
  std::optional<PackageDiff> packages;  // preview, and deploy of a changed base
  std::optional<store::Deployment> deployed;
  // Layered packages the new base ships itself: still requested, nothing to add for now.
  std::vector<std::string> inactive;
};

// Throws Error naming the remote, ref or commit that failed; the sysroot is unchanged then.
// The transaction's phases receive the time of each step.
BaseUpdate update_base(Transaction& transaction, const BaseUpdateOptions& options);

}  // namespace apt_ostree::deploy
