// A tree checked out as hardlinks into the package store shares every file's inode with a store
// object: a maintainer script that changed a file in place (setcap on ping, chmod by
// dpkg-statoverride, sed -i on a configuration file) would change the object for every tree
// built from it. rpm-ostree guards its hardlinked trees with rofiles-fuse; here the kernel's
// overlayfs does the same without a FUSE round trip per call.
//
// While a CopyUpView lives, an overlay is mounted on the tree itself, with the tree as its lower
// layer: everything that changes (written, chmod-ed, renamed, removed) is first copied up into an
// upper layer in scratch space, and the hardlinked files below are never touched. fold() unmounts
// the overlay and applies the upper layer to the tree with renames: changed and new files replace
// the hardlinks, overlay whiteouts remove what was deleted. The tree then holds hardlinks for
// what no script changed and private files for the rest, exactly as the merged view showed it.
//
// Package layering uses the same view the other way round: the lower layer is a deployment of the
// base commit (never written), the overlay is mounted on an empty work tree, and unmount() hands
// the upper layer to the store, which commits only what changed (store::Repo::commit_changes).
//
// The overlay is mounted with index=off (a copy-up must not pull the other names of a
// deduplicated store object along with it), metacopy=off (a chown copies the data too, so the
// upper layer is complete) and redirect_dir=off (a directory rename copies, as on any filesystem
// without rename across directories).
#pragma once

#include <filesystem>

namespace apt_ostree::compose {

class CopyUpView {
 public:
  // Mounts the overlay on `tree`, keeping its upper and work directories in `scratch` (an empty
  // or missing directory on any filesystem that supports overlayfs upper layers). Throws Error
  // naming the tree if the mount fails.
  CopyUpView(std::filesystem::path tree, std::filesystem::path scratch);
  // Mounts the overlay on `merged` with `lower` below it, which is never written (a deployment, a
  // checkout), for a tree that is committed from its changes alone (store::Repo::commit_changes
  // of unmount()'s upper layer).
  CopyUpView(std::filesystem::path lower, std::filesystem::path merged,
             std::filesystem::path scratch);
  // Unmounts (lazily, if a process still holds it) when fold() was not reached: the tree is then
  // a failed build's and is removed by its owner.
  ~CopyUpView();
  CopyUpView(const CopyUpView&) = delete;
  CopyUpView& operator=(const CopyUpView&) = delete;

  // Unmounts the overlay and folds the upper layer into the tree. Nothing may be mounted below
  // the tree any more.
  void fold();
  // Unmounts the overlay (nothing may be mounted below it any more) and returns the upper layer:
  // what changed, with overlayfs' whiteouts, opaque directories and attributes.
  const std::filesystem::path& unmount();

 private:
  void mount(const std::filesystem::path& lower);

  std::filesystem::path m_tree;  // where the overlay is mounted
  std::filesystem::path m_upper;
  std::filesystem::path m_work;
  bool m_mounted = false;
};

// Gives every path of a hardlinked checkout its own inode, as dpkg would have written them: the
// store keeps identical contents once, so two paths with the same bytes (a copyright file in
// several packages, a device tree in /usr/lib and its copy in /boot/firmware) would otherwise be
// one inode, and tools that compare inodes fail ("cp: 'a' and 'b' are the same file" in
// raspi-firmware's hook). All paths but the first of each inode get a copy (owner, mode and
// extended attributes kept), renamed over them; the store's object is never written. Returns how
// many files were copied.
size_t separate_shared_inodes(const std::filesystem::path& tree);

// Whether overlayfs can be mounted with an upper layer in `scratch` (the kernel has it, the
// filesystem takes trusted.* extended attributes, we may mount): tried with empty directories.
bool copy_up_views_work(const std::filesystem::path& scratch);

// Applies overlayfs upper layer `upper` to its lower directory `lower` (after the unmount):
// whiteouts (0:0 character devices) remove the lower path, opaque directories replace the lower
// directory, other directories merge (taking the upper one's owner, mode, times and extended
// attributes), and everything else is renamed over the lower path. overlayfs' own trusted.overlay.*
// attributes are left behind. `upper` is consumed.
void fold_upper_layer(const std::filesystem::path& upper, const std::filesystem::path& lower);

}  // namespace apt_ostree::compose
