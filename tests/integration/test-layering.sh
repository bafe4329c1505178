# Package layering on a fake sysroot: `install` builds a commit on the deployment's base with the
# fixture repository's packages (dependencies resolved against the base's dpkg database, maintainer
# scripts run in a chroot of the new tree) and deploys it; `upgrade` builds the layered packages
# again on the new base; `uninstall` goes back to the base. Stock ostree must read every result,
# and mistakes (unknown, installed or conflicting packages) fail naming the package and change
# nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/client-fixture.sh"

c1=$(publish first 1)
ref=$(ostree refs --repo="$served" | head -1)
serve_static "$served"
sysroot=$TEST_DIR/sysroot
make_sysroot "$sysroot" "$STATIC_URL" "$ref"
# The deployment's APT sources name the fixture archive, which the fixture keyring signs.
layer() { run_tool "$@" --sysroot "$sysroot" --keyring "$FIXTURE_KEYRING"; }
commit_of() { ostree rev-parse --repo="$sysroot/ostree/repo" "$1"; }
deployed_tree() { echo "$sysroot/ostree/deploy/debian/deploy/$(status_field 0 checksum).$(status_field 0 serial)"; }

step "install layers a package with its pre-dependencies; their maintainer scripts ran"
out=$(layer install fx-chain-c)
expect_contains "$out" "fx-chain-a:all 1.0" "install (a dependency)"
expect_contains "$out" "fx-chain-c:all 1.0" "install"
layered=$(status_field 0 checksum)
[ "$layered" != "$c1" ] || die "install deployed the base commit"
[ "$(status_field 0 base-checksum)" = "$c1" ] || die "the layered deployment's base is not $c1"
[ "$(status_field 1 checksum)" = "$c1" ] || die "the base deployment is not kept as rollback"
expect_contains "$(run_tool status --sysroot "$sysroot")" "LayeredPackages: fx-chain-c" "status"
ostree log --repo="$sysroot/ostree/repo" "$layered" | grep -q "$c1" || die "the layered commit's parent is not the base"
[ "$(ostree_first)" = "$layered" ] || die "stock ostree does not see the layered deployment first"
tree=$(deployed_tree)
grep -q "^baserefspec=" "$tree.origin" && grep -q "^requested=fx-chain-c" "$tree.origin" ||
  die "the origin does not record the layered package: $(cat "$tree.origin")"
status_text=$(cat "$tree/usr/lib/sysimage/dpkg/status")
for package in fx-chain-a fx-chain-b fx-chain-c fx-order-app; do
  grep -A2 "^Package: $package\$" <<<"$status_text" | grep -q "Status: install ok installed" ||
    die "$package is not installed in the layered tree"
done
# The postinsts wrote to /var: into the factory and the generated tmpfiles.d lines.
[ -e "$tree/usr/share/factory/var/lib/fx/chain-b.configured" ] || die "fx-chain-b's postinst left no state"
grep -q "^C /var/lib/fx/chain-b.configured" "$tree/usr/lib/tmpfiles.d/apt-ostree-autovar.conf" ||
  die "the layered tree's tmpfiles.d does not bring fx-chain-b's state back"
grep -q "^L /var/lib/dpkg " "$tree/usr/lib/tmpfiles.d/apt-ostree-autovar.conf" || die "/var/lib/dpkg link lost"
[ -d "$tree/usr/etc" ] && [ ! -e "$tree/usr/etc/etc" ] || die "the layered tree's /usr/etc is wrong"
out=$(run_tool db diff --sysroot "$sysroot" "$c1" "$layered")
expect_contains "$out" "fx-chain-b:all 1.0" "db diff base -> layered"
[ "$(commit_of apt-ostree/base/0)" = "$c1" ] || die "no ref keeps the base commit"

step "mistakes name the package and change nothing"
before=$(run_tool --json status --sysroot "$sysroot")
expect_fail layer install fx-chain-c
expect_contains "$FAIL_STDERR" "'fx-chain-c' is already layered" "install of a layered package"
expect_fail layer install fx-order-base
expect_contains "$FAIL_STDERR" "'fx-order-base' is already installed" "install of a base package"
expect_fail layer install fx-chian-a
expect_contains "$FAIL_STDERR" "did you mean: fx-chain-a" "install of an unknown package"
expect_fail layer uninstall fx-order-app
expect_contains "$FAIL_STDERR" "'fx-order-app' is not a layered package" "uninstall of a base package"
expect_fail layer install fx-kernel
expect_contains "$FAIL_STDERR" "bring the kernel 6.1.0-fxlayer" "install of a kernel"
expect_fail layer install fx-fail
expect_contains "$FAIL_STDERR" "fx-fail" "install of a package whose postinst fails"
[ "$(run_tool --json status --sysroot "$sysroot")" = "$before" ] || die "a failed install changed the sysroot"
left=$(find "$sysroot/ostree/repo/tmp" -maxdepth 1 -type d -name 'apt-ostree-*')
[ -z "$left" ] || die "a failed install left its work tree: $left"
no_mounts_below "a failed install"

step "an install killed (SIGKILL) leaves the sysroot as it was; the next one clears its mounts"
before=$(run_tool --json status --sysroot "$sysroot")
for delay in 0.3 0.8; do
  # Not through a function: $! must be apt-ostree itself, not a subshell around it.
  "$APT_OSTREE" --cache-dir "$CACHE_DIR" -q install fx-unit --sysroot "$sysroot" \
    --keyring "$FIXTURE_KEYRING" &
  installer=$!
  sleep "$delay"
  kill -KILL "$installer" 2>/dev/null || true
  wait "$installer" 2>/dev/null || true
  now=$(run_tool --json status --sysroot "$sysroot")
  [ "$now" = "$before" ] || break  # the install finished before the kill: a new deployment
done
ostree admin status --sysroot="$sysroot" >/dev/null || die "stock ostree cannot read the sysroot after a killed install"
if [ "$now" = "$before" ]; then layer -q install fx-unit; fi
expect_contains "$(run_tool status --sysroot "$sysroot")" "LayeredPackages: fx-chain-c fx-unit" "status after a killed install"
no_mounts_below "an install after a killed one"
layer -q uninstall fx-unit

step "Ctrl-C stops an install at a safe point: exit 130, the sysroot as it was, nothing mounted"
interrupted=0
for delay in 0.1 0.4 0.8; do
  before=$(run_tool --json status --sysroot "$sysroot")
  code=0
  "$APT_OSTREE" --cache-dir "$CACHE_DIR" -q install fx-unit --sysroot "$sysroot" \
    --keyring "$FIXTURE_KEYRING" 2>"$TEST_DIR/interrupted.err" &
  installer=$!
  sleep "$delay"
  kill -INT "$installer" 2>/dev/null || true
  wait "$installer" || code=$?
  if [ "$code" -eq 130 ]; then
    interrupted=$((interrupted + 1))
    [ "$(run_tool --json status --sysroot "$sysroot")" = "$before" ] ||
      die "an interrupted install changed the sysroot"
    no_mounts_below "an interrupted install"
    left=$(find "$sysroot/ostree/repo/tmp" -maxdepth 1 -type d -name 'apt-ostree-*')
    [ -z "$left" ] || die "an interrupted install left its work tree: $left"
  elif [ "$code" -eq 0 ]; then
    layer -q uninstall fx-unit  # it finished before the signal
  else
    die "an install interrupted after ${delay}s exited $code: $(cat "$TEST_DIR/interrupted.err")"
  fi
done
[ "$interrupted" -gt 0 ] || die "no install was interrupted (all finished first)"

step "upgrade builds the layered packages again on the new base"
c2=$(publish second 2)
out=$(layer upgrade)
upgraded=$(status_field 0 checksum)
[ "$(status_field 0 base-checksum)" = "$c2" ] || die "the upgrade is not based on $c2"
tree=$(deployed_tree)
grep -q "^Package: fx-chain-c" "$tree/usr/lib/sysimage/dpkg/status" || die "the upgrade lost the layered package"
[ -e "$tree/usr/etc/fx/fx.conf" ] || die "the upgrade lost the new base's fx-conffile"
expect_contains "$(run_tool status --sysroot "$sysroot")" "LayeredPackages: fx-chain-c" "status after upgrade"

step "a layered package that conflicts with the base fails naming both"
expect_fail layer install fx-rival
expect_contains "$FAIL_STDERR" "fx-rival 1.0 conflicts with or breaks fx-conffile 1.0 (installed)" "install of a conflicting package"
# On the first base (no fx-conffile) it installs; the upgrade to the second then cannot.
layer -q deploy "$c1"
layer -q install fx-rival
[ "$(status_field 0 base-checksum)" = "$c1" ] || die "install after deploy is not based on $c1"
before=$(run_tool --json status --sysroot "$sysroot")
expect_fail layer upgrade
expect_contains "$FAIL_STDERR" "fx-rival 1.0 conflicts with or breaks fx-conffile 1.0 (installed)" "upgrade onto a conflicting base"
expect_contains "$FAIL_STDERR" "apt-ostree uninstall" "upgrade onto a conflicting base"
[ "$(run_tool --json status --sysroot "$sysroot")" = "$before" ] || die "a failed upgrade changed the sysroot"

step "uninstall drops layered packages; with none left the base itself is deployed"
layer -q uninstall fx-rival
expect_contains "$(run_tool status --sysroot "$sysroot")" "LayeredPackages: fx-chain-c" "status after uninstall"
layer -q uninstall fx-chain-c
[ "$(status_field 0 checksum)" = "$c1" ] || die "uninstalling the last layered package did not deploy the base"
tree=$(deployed_tree)
grep -q "^refspec=" "$tree.origin" || die "the base deployment's origin is not a plain refspec: $(cat "$tree.origin")"
[ "$(ostree_first)" = "$c1" ] || die "stock ostree does not see the base deployment first"

step "a layered package the new base ships stays requested, inactive"
layer -q install fx-conffile
[ "$(status_field 0 base-checksum)" = "$c1" ] || die "install of fx-conffile is not based on $c1"
out=$(layer upgrade)
expect_contains "$out" "Inactive requests (the new base has them): fx-conffile" "upgrade onto a base that has the package"
[ "$(status_field 0 base-checksum)" = "$c2" ] || die "the upgrade with an inactive request is not based on $c2"
out=$(run_tool status --sysroot "$sysroot")
expect_contains "$out" "LayeredPackages: fx-conffile" "status with an inactive request"
expect_contains "$out" "InactiveRequests: fx-conffile" "status with an inactive request"

step "reset drops every layered package; with nothing left to reset it fails"
layer -q reset
[ "$(status_field 0 checksum)" = "$c2" ] || die "reset did not deploy the base $c2"
expect_fail layer reset
expect_contains "$FAIL_STDERR" "no layered packages or overrides to reset" "reset of a plain deployment"

step "override remove purges base packages (with what needs them); override reset restores them"
expect_fail layer override remove fx-order-base
expect_contains "$FAIL_STDERR" "fx-order-app 1.0 (installed) depends on fx-order-base, which is being removed: remove fx-order-app too" "override remove of a needed package"
expect_fail layer override remove fx-sysroot
expect_contains "$FAIL_STDERR" "'fx-sysroot' is Essential" "override remove of an Essential package"
out=$(layer override remove fx-order-app fx-order-base)
expect_contains "$out" "Removed from the base: fx-order-app, fx-order-base" "override remove"
tree=$(deployed_tree)
! grep -q "^Package: fx-order-" "$tree/usr/lib/sysimage/dpkg/status" || die "override remove left the packages installed"
[ ! -e "$tree/usr/lib/sysimage/dpkg/info/fx-order-app.postinst" ] || die "fx-order-app was not purged"
expect_contains "$(run_tool status --sysroot "$sysroot")" "RemovedBasePackages: fx-order-app fx-order-base" "status after override remove"
expect_contains "$(run_tool db diff --sysroot "$sysroot" "$c2" "$(status_field 0 checksum)")" "Removed:" "db diff after override remove"
expect_fail layer override reset fx-conffile
expect_contains "$FAIL_STDERR" "'fx-conffile' has no override" "override reset of a package not removed"
layer -q override reset --all
[ "$(status_field 0 checksum)" = "$c2" ] || die "override reset --all did not deploy the base"

step "install of a local .deb: what it needs comes from the archive; kept for later deployments"
local_root=$TEST_DIR/fx-local
mkdir -p "$local_root/DEBIAN" "$local_root/usr/share/fx-local"
printf 'Package: fx-local\nVersion: 0.1\nArchitecture: all\nMaintainer: t <t@example.invalid>\nDepends: fx-chain-a\nDescription: a local package\n not in any archive\n' \
  >"$local_root/DEBIAN/control"
echo "from a local .deb" >"$local_root/usr/share/fx-local/file"
dpkg-deb --build --root-owner-group "$local_root" "$TEST_DIR/fx-local_0.1_all.deb" >/dev/null
out=$(cd "$TEST_DIR" && layer install ./fx-local_0.1_all.deb)
expect_contains "$out" "fx-local:all 0.1" "install of a local .deb"
expect_contains "$out" "fx-chain-a:all 1.0" "install of a local .deb (its dependency)"
expect_contains "$(run_tool status --sysroot "$sysroot")" "LocalPackages: " "status after a local install"
[ "$(cat "$(deployed_tree)/usr/share/fx-local/file")" = "from a local .deb" ] || die "the local .deb's file is not deployed"
expect_fail layer install "$TEST_DIR/fx-local_0.1_all.deb"
expect_contains "$FAIL_STDERR" "'fx-local' is already layered" "a second install of the local .deb"
layer -q deploy "$c1"
[ "$(cat "$(deployed_tree)/usr/share/fx-local/file")" = "from a local .deb" ] ||
  die "the local .deb was not installed again on another base"
layer -q uninstall fx-local
[ "$(status_field 0 checksum)" = "$c1" ] || die "uninstalling the local package did not deploy the base"

step "override replace puts a local .deb in place of a base package; override reset undoes it"
replacement=$TEST_DIR/fx-order-base-2
mkdir -p "$replacement/DEBIAN" "$replacement/usr/share/fx-replaced"
printf 'Package: fx-order-base\nVersion: 2.0\nArchitecture: all\nMaintainer: t <t@example.invalid>\nDescription: a newer fx-order-base\n built here\n' \
  >"$replacement/DEBIAN/control"
echo "replaced" >"$replacement/usr/share/fx-replaced/file"
dpkg-deb --build --root-owner-group "$replacement" "$TEST_DIR/fx-order-base_2.0_all.deb" >/dev/null
expect_fail layer override replace "$TEST_DIR/fx-local_0.1_all.deb"
expect_contains "$FAIL_STDERR" "'fx-local'" "override replace of a package the base lacks"
expect_contains "$FAIL_STDERR" "replaces nothing" "override replace of a package the base lacks"
layer -q override replace "$TEST_DIR/fx-order-base_2.0_all.deb"
tree=$(deployed_tree)
awk '/^Package: fx-order-base$/,/^$/' "$tree/usr/lib/sysimage/dpkg/status" | grep -q "^Version: 2.0" ||
  die "override replace did not install fx-order-base 2.0"
[ "$(cat "$tree/usr/share/fx-replaced/file")" = replaced ] || die "the replacement's file is not deployed"
expect_contains "$(run_tool status --sysroot "$sysroot")" "LocalBaseReplacements: " "status after override replace"
expect_contains "$(run_tool db diff --sysroot "$sysroot" "$c1" "$(status_field 0 checksum)")" "fx-order-base:all 1.0 -> 2.0" "db diff after override replace"
layer -q override reset fx-order-base
[ "$(status_field 0 checksum)" = "$c1" ] || die "override reset of the replacement did not deploy the base"

echo "all layering tests passed" >&2
