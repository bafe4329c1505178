# Shared by the compose suites: the fixture repository of tests/fixtures/make-compose-repo built
# and served on 127.0.0.1 ($HTTP_URL, $FIXTURE_KEYRING), and checks that a build left nothing
# behind. Sourced after lib.sh.
[ "$(id -u)" -eq 0 ] || skip "compose needs root (chroot, mounts)"
case $(dpkg --print-architecture 2>/dev/null) in
  amd64 | arm64) ;;
  *) skip "the fixture repository has amd64 and arm64 indexes only" ;;
esac
require_tool gpg gpgv dpkg-deb apt-ftparchive xz gzip zstd ldd python3 tar chroot
FIXTURE_REPO=$TEST_DIR/repo
"$APT_OSTREE_SOURCE_DIR/tests/fixtures/make-compose-repo" "$FIXTURE_REPO" >/dev/null ||
  die "tests/fixtures/make-compose-repo failed"
FIXTURE_KEYRING=$FIXTURE_REPO/keyring.gpg
serve_http "$FIXTURE_REPO"

# Field 5 of /proc/self/mountinfo is the mount point.
no_mounts_below() {
  local left
  left=$(awk -v dir="$TEST_DIR/" 'index($5, dir) == 1' /proc/self/mountinfo)
  [ -z "$left" ] || die "$1 left mounts behind: $left"
}
# The engine builds each tree in a work directory beside the package store and removes it after.
no_work_trees() {
  local left
  left=$(find "$CACHE_DIR/repo/tmp" -mindepth 1 -maxdepth 1 -type d -name 'apt-ostree-*' 2>/dev/null ||
    true)
  [ -z "$left" ] || die "$1 left its work tree behind: $left"
}
