# compose rootfs offline, over the fixture repository of tests/fixtures/make-compose-repo served on
# 127.0.0.1: a tree whose maintainer scripts really run in a chroot (the fixture's fx-sysroot brings
# dash, coreutils and dpkg from the host). Every package ends up configured with its scripts run in
# dpkg's order and arguments, its conffile installed, its triggers processed and its diversion made;
# the treefile's files, hostname, units and hooks take effect; a tarball destination works; a
# failing postinst or an unknown package fails naming it and leaves no tree and no mount; a
# Pre-Depends chain is configured link by link as dpkg and apt do.
source "$(dirname "$0")/lib.sh"

source "$(dirname "$0")/compose-fixture.sh"

# The fixture's key is passed with --keyring, as refresh-md and download take it.
compose() { run_tool compose rootfs --keyring "$FIXTURE_KEYRING" "$@"; }
# treefile NAME PACKAGES [MORE YAML]: a single-stage treefile over the fixture repository.
treefile() {
  printf 'release: stable\nmirror: %s\nvariant: none\npackages: [%s]\n%s' \
    "$HTTP_URL" "$2" "${3:-}" >"$TEST_DIR/recipe/$1.yaml"
}

mkdir -p "$TEST_DIR/recipe/overlay/etc/fx"
echo "from the treefile's files overlay" >"$TEST_DIR/recipe/overlay/etc/fx/overlay.txt"
# The run hook proves it ran on the host (it sees the test's directory, which the tree lacks)
# after the tree was configured.
cat >"$TEST_DIR/recipe/host.sh" <<SH
#!/bin/sh
set -e
test -d "$TEST_DIR/recipe"
test -f "\$ROOTFS/var/lib/fx/scripts.log"
echo "\$ROOTFS" >"\$ROOTFS/etc/fx-run-hook"
SH
# The run-chroot hook proves it ran inside (the tree's own dpkg database answers it).
cat >"$TEST_DIR/recipe/inside.sh" <<'SH'
#!/bin/sh
set -e
dpkg-query -W -f='${Package}\n' >/etc/fx-run-chroot-hook
# An in-place edit of a packaged file: in a tree hardlinked to the package store (tarballs,
# compose tree) it must reach this tree only, never the store's copy.
echo "edited in place by the run-chroot hook" >>/usr/share/fx-trigger/item
SH
chmod +x "$TEST_DIR/recipe/host.sh" "$TEST_DIR/recipe/inside.sh"
main_packages="fx-sysroot, fx-order-app, fx-conffile, fx-divert, fx-diverted, fx-trigger-file"
main_packages+=", fx-unit"
customise=$'hostname: fx-composed\nfiles: overlay\nrun: host.sh\nrun-chroot: inside.sh\n'
# units go through the host's systemctl --root.
if [ -x /usr/bin/systemctl ]; then customise+=$'units: [fx-hello.service]\n'; fi
treefile main "$main_packages" "$customise"

step "compose rootfs into a directory"
tree=$TEST_DIR/tree
started=$SECONDS
summary=$(compose "$TEST_DIR/recipe/main.yaml" "$tree")
echo "    $summary" >&2
main_log=${summary##*; log }
echo "    composed in $((SECONDS - started)) s" >&2
[ -x "$tree/usr/bin/dpkg" ] || die "the tree has no dpkg"
no_mounts_below "compose rootfs"
no_work_trees "compose rootfs"

step "every package is installed and dpkg finds nothing to finish"
expected="fx-conffile fx-divert fx-diverted fx-order-app fx-order-base fx-sysroot fx-trigger-file"
expected+=" fx-trigger-watch fx-unit"
packages=$(chroot "$tree" dpkg-query -W -f='${Package}\n' | sort | xargs)
[ "$packages" = "$expected" ] || die "the tree holds '$packages', not '$expected'"
# not_installed TREE: the packages of TREE that dpkg does not list as "ii".
not_installed() {
  chroot "$1" dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | grep -v '^ii ' || true
}
[ -z "$(not_installed "$tree")" ] || die "packages not fully installed: $(not_installed "$tree")"
audit=$(chroot "$tree" dpkg --audit)
[ -z "$audit" ] || die "dpkg --audit reports: $audit"

step "maintainer scripts ran once each, in dpkg's order, with dpkg's arguments and environment"
log=$tree/var/lib/fx/scripts.log
grep -qx 'fx-order-base sees / with mode 755' "$log" ||
  die "maintainer scripts saw the tree's root as $(grep 'sees / with mode' "$log"), not 755 (a script that drops root could not reach /etc)"
[ -f "$log" ] || die "no maintainer script wrote $log"
# line_of REGEX: the line number of the only line of the log matching REGEX.
line_of() {
  local lines
  lines=$(grep -n -x -E "$1" "$log" | cut -d: -f1)
  [ -n "$lines" ] || die "no maintainer script logged '$1': $(<"$log")"
  [ "$(wc -l <<<"$lines")" -eq 1 ] || die "'$1' was logged more than once: $(<"$log")"
  echo "$lines"
}
# "PACKAGE SCRIPT ARGS" from $DPKG_MAINTSCRIPT_PACKAGE and $DPKG_MAINTSCRIPT_NAME; a first
# configure gets an empty most-recently-configured version.
base_preinst=$(line_of 'fx-order-base preinst install')
app_preinst=$(line_of 'fx-order-app preinst install')
base_postinst=$(line_of 'fx-order-base postinst configure ')
app_postinst=$(line_of 'fx-order-app postinst configure ')
[ "$base_preinst" -lt "$base_postinst" ] || die "fx-order-base: postinst before preinst: $(<"$log")"
[ "$app_preinst" -lt "$app_postinst" ] || die "fx-order-app: postinst before preinst: $(<"$log")"
[ "$base_postinst" -lt "$app_postinst" ] ||
  die "fx-order-app was configured before its dependency: $(<"$log")"
line_of 'fx-order-app sees fx-order-base install ok installed' >/dev/null
[ -e "$tree/var/lib/fx/order-base.configured" ] || die "fx-order-base's postinst left no marker"

step "the conffile is installed and recorded with its hash"
[ -f "$tree/etc/fx/fx.conf" ] || die "/etc/fx/fx.conf is missing"
[ ! -e "$tree/etc/fx/fx.conf.dpkg-new" ] || die "/etc/fx/fx.conf.dpkg-new was left behind"
conffiles=$(chroot "$tree" dpkg-query -W -f='${Conffiles}' fx-conffile)
hash=$(md5sum <"$tree/etc/fx/fx.conf" | cut -d' ' -f1)
[ "$conffiles" = " /etc/fx/fx.conf $hash" ] ||
  die "fx-conffile's Conffiles are '$conffiles', not ' /etc/fx/fx.conf $hash'"

step "the file trigger and the explicit trigger were processed"
[ -f "$tree/var/lib/fx/triggered" ] ||
  die "fx-trigger-watch's postinst was never called with 'triggered': $(<"$log")"
triggered=$(cat "$tree/var/lib/fx/triggered")
expect_contains " $triggered " " /usr/share/fx-trigger " "the triggers fx-trigger-watch got"
expect_contains " $triggered " " fx-reindex " "the triggers fx-trigger-watch got"
[ "$(line_of 'fx-trigger-watch postinst configure ')" -lt \
  "$(line_of 'fx-trigger-watch postinst triggered .*')" ] ||
  die "fx-trigger-watch was triggered before it was configured: $(<"$log")"

step "the treefile's files, hostname, units and hooks"
[ "$(cat "$tree/etc/hostname")" = fx-composed ] || die "hostname: $(cat "$tree/etc/hostname")"
[ "$(cat "$tree/etc/fx/overlay.txt")" = "from the treefile's files overlay" ] ||
  die "the files overlay is missing"
[ -f "$tree/etc/fx-run-hook" ] || die "the run hook did not run on the host after configuring"
rootfs=$(cat "$tree/etc/fx-run-hook")
[[ $rootfs == /* && $rootfs != "$tree" ]] ||
  die "the run hook got ROOTFS=$rootfs, not the work tree's absolute path"
expect_contains "$(cat "$tree/etc/fx-run-chroot-hook" 2>/dev/null)" "fx-order-app" \
  "the run-chroot hook's package list"
if [ -x /usr/bin/systemctl ]; then
  wants=$tree/etc/systemd/system/multi-user.target.wants/fx-hello.service
  [ -L "$wants" ] || die "fx-hello.service was not enabled"
  [ -f "$tree$(readlink "$wants")" ] ||
    die "the enabled fx-hello.service points to $(readlink "$wants"), which is not in the tree"
fi
[ ! -e "$tree/usr/sbin/policy-rc.d" ] || die "policy-rc.d was left in the tree"
[ ! -e "$tree/tmp/apt-ostree-run-chroot" ] || die "the run-chroot hook was left in the tree"

step "a .tar.zst destination holds the same tree"
compose -q "$TEST_DIR/recipe/main.yaml" "$TEST_DIR/tree.tar.zst"
[ -f "$TEST_DIR/tree.tar.zst" ] || die "no tarball was written"
tar --zstd -tvf "$TEST_DIR/tree.tar.zst" >"$TEST_DIR/tar.list" || die "the tarball does not list"
for path in ./usr/bin/dpkg ./etc/fx/fx.conf ./var/lib/fx/triggered ./etc/fx/overlay.txt; do
  grep -q " $path\$" "$TEST_DIR/tar.list" || die "the tarball lacks $path"
done
grep -q '^crw-rw-rw- 0/0 .* \./dev/null$' "$TEST_DIR/tar.list" || die "the tarball lacks /dev/null"
tar --zstd -xOf "$TEST_DIR/tree.tar.zst" ./var/lib/dpkg/status |
  cmp -s - "$tree/var/lib/dpkg/status" ||
  die "the tarball's dpkg status differs from the directory tree's"
# The tarball's tree is hardlinked to the store under a copy-up view, the directory's is copies:
# the same files either way (names, types, modes, owners, link targets, contents).
listing() {  # listing DIR: one line per path
  (cd "$1" && find . -mindepth 1 -printf '%p %y %m %U:%G %l\n' | sort &&
    find . -type f -print0 | sort -z | xargs -0 sha256sum)
}
mkdir "$TEST_DIR/tar-tree" && tar --zstd -xpf "$TEST_DIR/tree.tar.zst" -C "$TEST_DIR/tar-tree"
# (The run hook's file names the random work tree.)
diff <(listing "$tree" | grep -v -e '\./etc/fx-run-hook' -e '\./dev/') \
  <(listing "$TEST_DIR/tar-tree" | grep -v -e '\./etc/fx-run-hook' -e '\./dev/') >&2 ||
  die "the tarball's files differ from the directory tree's"
grep -q "edited in place" "$TEST_DIR/tar-tree/usr/share/fx-trigger/item" ||
  die "the run-chroot hook's in-place edit is missing from the tarball"
ostree fsck --repo="$CACHE_DIR/repo" >/dev/null 2>&1 ||
  die "the package store is corrupt after an in-place edit in a hardlinked tree"
stored=$(ostree cat --repo="$CACHE_DIR/repo" \
  "$(ostree refs --repo="$CACHE_DIR/repo" | grep fx-trigger-file)" /usr/share/fx-trigger/item)
[ "$stored" = "an item fx-trigger-watch indexes" ] ||
  die "the in-place edit reached the package store: '$stored'"
no_mounts_below "compose rootfs into a tarball"
no_work_trees "compose rootfs into a tarball"

step "a failing postinst: the error names the package and shows its output; no tree, no mount"
treefile fail "fx-sysroot, fx-fail"
expect_fail compose "$TEST_DIR/recipe/fail.yaml" "$TEST_DIR/fail-tree"
expect_contains "$FAIL_STDERR" "fx-fail: postinst configure fails on purpose"
expect_contains "$FAIL_STDERR" "error processing package fx-fail"
expect_contains "$(head -n 1 <<<"$FAIL_STDERR")" "the maintainer script of fx-fail failed" \
  "the error's first line"
[ ! -e "$TEST_DIR/fail-tree" ] || die "a failed compose left its destination"
no_mounts_below "a failed compose"
no_work_trees "a failed compose"

step "an unknown package fails before any download, naming it"
treefile unknown "fx-sysroot, fx-no-such-package"
requests_before=$(wc -l <"$HTTP_LOG")
expect_fail "$APT_OSTREE" --cache-dir "$TEST_DIR/cache-unknown" compose rootfs \
  --keyring "$FIXTURE_KEYRING" "$TEST_DIR/recipe/unknown.yaml" "$TEST_DIR/unknown-tree"
[ "$FAIL_CODE" -eq 2 ] || die "an unknown package exited $FAIL_CODE, not 2 (usage error)"
expect_contains "$FAIL_STDERR" "fx-no-such-package"
expect_contains "$FAIL_STDERR" "unknown.yaml:" "the error (it names the treefile line)"
[ ! -e "$TEST_DIR/unknown-tree" ] || die "a failed compose left its destination"
downloads=$(tail -n +"$((requests_before + 1))" "$HTTP_LOG" | grep '"GET /pool/' || true)
[ -z "$downloads" ] || die "packages were downloaded although one is unknown: $downloads"
[ -z "$(find "$TEST_DIR/cache-unknown" -name '*.deb')" ] || die "packages entered the cache"
no_mounts_below "a compose with an unknown package"

step "a preinst's diversion: the diverted file at its target, the diverting package's own in place"
diversions=$(chroot "$tree" dpkg-divert --list)
[ "$diversions" = \
  "diversion of /usr/share/fx/greeting to /usr/share/fx/greeting.distrib by fx-divert" ] ||
  die "diversions: $diversions"
# As dpkg leaves it in either unpack order: fx-divert's preinst renames fx-diverted's file (or
# fx-diverted is unpacked to the divert target), then fx-divert's own file is unpacked.
target=$tree/usr/share/fx/greeting.distrib
[ -f "$target" ] ||
  die "the diverted file is not at its divert target /usr/share/fx/greeting.distrib; fx-divert's" \
    "preinst logged: $(grep -A2 '^==> the preinst of fx-divert$' "$main_log")"
[ "$(<"$target")" = "original greeting of fx-diverted" ] ||
  die "the divert target holds '$(<"$target")', not fx-diverted's file"
greeting=$(cat "$tree/usr/share/fx/greeting" 2>/dev/null || true)
[ "$greeting" = "replacement greeting of fx-divert" ] ||
  die "/usr/share/fx/greeting holds '$greeting', not fx-divert's own file"

step "dpkg --verify: every file as its package shipped it, but the one the hook edited"
verify=$(chroot "$tree" dpkg --verify)
[ "$verify" = "??5??????   /usr/share/fx-trigger/item" ] || die "dpkg --verify reports: $verify"

step "a Pre-Depends chain: each pre-dependency is configured before the next preinst runs"
treefile chain "fx-sysroot, fx-chain-c"
compose "$TEST_DIR/recipe/chain.yaml" "$TEST_DIR/chain-tree" ||
  die "compose rootfs of the Pre-Depends chain failed (its error is above)"
no_mounts_below "compose rootfs of a Pre-Depends chain"
log=$TEST_DIR/chain-tree/var/lib/fx/scripts.log
[ -f "$log" ] || die "no maintainer script of the chain wrote $log"
# apt's order: unpack and configure fx-chain-a, then fx-chain-b, then fx-chain-c.
[ "$(line_of 'fx-chain-a postinst configure ')" -lt "$(line_of 'fx-chain-b preinst install')" ] &&
  [ "$(line_of 'fx-chain-b preinst install')" -lt "$(line_of 'fx-chain-b postinst configure ')" ] &&
  [ "$(line_of 'fx-chain-b postinst configure ')" -lt "$(line_of 'fx-chain-c preinst install')" ] ||
  die "the chain's scripts ran out of order: $(<"$log")"
[ -z "$(not_installed "$TEST_DIR/chain-tree")" ] ||
  die "packages not fully installed: $(not_installed "$TEST_DIR/chain-tree")"

step "a build killed outright: the next one unmounts and removes its work tree"
# What SIGKILL leaves: a work tree with API filesystems mounted in it and a lock nobody holds.
stale=$CACHE_DIR/repo/tmp/apt-ostree-rootfs-main.KILLED
mkdir -p "$stale/proc" "$stale/run"
touch "$stale.lock"
mount -t proc proc "$stale/proc"
mount -t tmpfs tmpfs "$stale/run"
# A live build's tree, its lock held by another process, must survive.
live=$CACHE_DIR/repo/tmp/apt-ostree-rootfs-main.ALIVE0
mkdir -p "$live"
flock "$live.lock" sleep 60 &
holder=$!
sleep 0.2
compose "$TEST_DIR/recipe/chain.yaml" "$TEST_DIR/after-kill.tar" >/dev/null
kill "$holder" 2>/dev/null || true
[ ! -e "$stale" ] || die "the killed build's work tree is still there"
no_mounts_below "the next build after a killed one"
[ -d "$live" ] || die "a live build's work tree was removed"
rm -rf "$live" "$live.lock"

step "compose tree: an OSTree commit in the OSTree layout, which stock ostree checks and checks out"
repo=$TEST_DIR/ostree-repo
out=$(run_tool --json compose tree --keyring "$FIXTURE_KEYRING" "$TEST_DIR/recipe/main.yaml" --repo "$repo")
ref=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["ref"])' <<<"$out")
commit=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["commit"])' <<<"$out")
[ "$(ostree rev-parse --repo="$repo" "$ref")" = "$commit" ] || die "$ref does not point at $commit"
ostree fsck --repo="$repo" >/dev/null 2>&1 || die "ostree fsck fails on the new commit"
packages=$(ostree show --repo="$repo" --print-metadata-key=apt-ostree.packages "$ref")
expect_contains "$packages" "fx-order-app 1.0 all" "apt-ostree.packages"
ostree checkout --repo="$repo" "$ref" "$TEST_DIR/checkout"
co=$TEST_DIR/checkout
[ -f "$co/usr/etc/fx/overlay.txt" ] && [ ! -e "$co/etc" ] || die "/etc is not in /usr/etc"
[ "$(readlink "$co/ostree")" = sysroot/ostree ] && [ -d "$co/sysroot" ] || die "no /sysroot and /ostree link"
[ "$(readlink "$co/root")" = var/roothome ] || die "/root is not a link to var/roothome"
[ -z "$(ls -A "$co/var")" ] || die "/var is not empty: $(ls -A "$co/var")"
grep -q '^L /var/lib/dpkg - - - - ../../usr/lib/sysimage/dpkg$' "$co/usr/lib/tmpfiles.d/apt-ostree-autovar.conf" ||
  die "no tmpfiles.d line links /var/lib/dpkg to the database in /usr"
grep -q '^C /var/lib/fx/scripts.log ' "$co/usr/lib/tmpfiles.d/apt-ostree-autovar.conf" &&
  [ -f "$co/usr/share/factory/var/lib/fx/scripts.log" ] || die "a file of /var did not move to the factory"
dpkg-query --admindir="$co/usr/lib/sysimage/dpkg" -W fx-conffile >/dev/null ||
  die "the dpkg database in /usr/lib/sysimage/dpkg does not answer"
run_tool compose lint "$co" --skip sysusers >/dev/null || die "compose lint fails on the checkout"
run_tool compose lint --ref "$ref" --repo "$repo" >/dev/null || die "compose lint --ref fails"

step "compose tree again: the same content leaves the ref where it was"
# (main.yaml's run hook writes the random work tree's path into the tree; chain.yaml has no hook.)
tree_json() { run_tool --json compose tree --keyring "$FIXTURE_KEYRING" "$TEST_DIR/recipe/chain.yaml" --repo "$repo"; }
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
first=$(tree_json)
[ "$(json_field changed <<<"$first")" = True ] || die "a different tree did not move the ref: $first"
[ "$(json_field parent <<<"$first")" = "$commit" ] || die "the new commit's parent is not the previous one"
second=$(tree_json)
[ "$(json_field changed <<<"$second")" = False ] || die "an unchanged tree made a new commit on the ref: $second"
[ "$(ostree rev-parse --repo="$repo" "$ref")" = "$(json_field commit <<<"$first")" ] || die "the ref moved"

echo "all compose tests passed" >&2
