# The client commands on a fake sysroot, as ostree's own tests run them without booting: commits
# composed from the fixture repository (with a stub kernel) are published by `compose tree` into an
# archive repository served by nginx, a sysroot made with stock `ostree admin` deploys the first,
# and status, upgrade (--check, --preview, static deltas), db diff/list, rollback, kargs, deploy,
# rebase and cleanup run with --sysroot; stock ostree must agree with every result. A transaction
# waits for (or with --no-wait refuses) a held sysroot lock, and a failed pull changes nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/client-fixture.sh"

step "publish the first commit and deploy it into a sysroot made by stock ostree"
c1=$(publish first 1)
ref=$(ostree refs --repo="$served" | head -1)
serve_static "$served"
sysroot=$TEST_DIR/sysroot
make_sysroot "$sysroot" "$STATIC_URL" "$ref"

step "status reads the deployment, its origin and its commit's version"
out=$(run_tool status --sysroot "$sysroot")
expect_contains "$out" "debian:fixture:$ref" "status"
expect_contains "$out" "Version: 1 (" "status"
expect_contains "$out" "Commit: $c1" "status"
[ "$(status_field 0 role)" = current ] || die "the only deployment is not the current one"

step "upgrade --check with nothing new exits 77"
code=0
run_tool upgrade --check --sysroot "$sysroot" >/dev/null || code=$?
[ "$code" -eq 77 ] || die "upgrade --check exited $code, not 77, with no update"

step "publish a second commit (one more package) with a static delta from the first"
c2=$(publish second 2 --deltas 2)
[ "$c2" != "$c1" ] || die "the second compose made no new commit"
ls "$served/deltas" >/dev/null 2>&1 || die "compose tree --deltas wrote no static delta"
out=$(run_tool upgrade --check --sysroot "$sysroot")
expect_contains "$out" "Available: $c2" "upgrade --check"
out=$(run_tool upgrade --preview --sysroot "$sysroot")
expect_contains "$out" "Added:" "upgrade --preview"
expect_contains "$out" "fx-conffile:all 1.0" "upgrade --preview"
[ "$(status_field 0 checksum)" = "$c1" ] || die "--check or --preview deployed"

step "upgrade pulls through the static delta and deploys; grub.cfg boots the new one first"
: >"$STATIC_LOG"
out=$(run_tool --json upgrade --sysroot "$sysroot")
parts=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["delta_parts_fetched"])' <<<"$out")
[ "$parts" -gt 0 ] || die "the upgrade fetched no static delta part: $out"
grep -q "/deltas/" "$STATIC_LOG" || die "nginx served no delta: $(cat "$STATIC_LOG")"
[ "$(status_field 0 checksum)" = "$c2" ] && [ "$(status_field 1 checksum)" = "$c1" ] ||
  die "after upgrade the deployments are not [second, first]"
[ "$(ostree_first)" = "$c2" ] || die "stock ostree does not see the upgrade first"
ostree admin status --sysroot="$sysroot" | grep -q "Version: 2" || die "stock ostree sees no version 2"
[ "$(first_menuentry)" = "$(status_field 0 kernel-arguments | grep -o 'ostree=[^ ]*')" ] ||
  die "grub.cfg does not boot the new deployment first: $(cat "$sysroot/boot/grub/grub.cfg")"
grep -q "root=UUID=feed rw" "$sysroot/boot/loader/entries/"*.conf || die "kernel arguments lost"

step "db diff and db list read the commits' package lists"
out=$(run_tool db diff --sysroot "$sysroot")
expect_contains "$out" "Added:" "db diff"
expect_contains "$out" "fx-conffile:all 1.0" "db diff"
out=$(run_tool db list --sysroot "$sysroot" "$c2")
expect_contains "$out" "fx-conffile 1.0 all" "db list"

step "rollback puts the first commit first again"
run_tool -q rollback --sysroot "$sysroot"
[ "$(status_field 0 checksum)" = "$c1" ] || die "rollback did not put the first commit first"
[ "$(ostree_first)" = "$c1" ] || die "stock ostree does not see the rollback"
[ "$(first_menuentry)" = "$(status_field 0 kernel-arguments | grep -o 'ostree=[^ ]*')" ] ||
  die "grub.cfg does not follow the rollback"

step "kargs edits make a new deployment of the same commit"
run_tool -q kargs --sysroot "$sysroot" --append quiet --replace root=UUID=beef
out=$(run_tool kargs --sysroot "$sysroot")
expect_contains "$out" "root=UUID=beef rw quiet" "kargs"
[ "$(status_field 0 checksum)" = "$c1" ] || die "kargs changed the commit"
expect_fail run_tool kargs --sysroot "$sysroot" --delete nosuch
expect_contains "$FAIL_STDERR" "nosuch" "kargs --delete of a missing argument"

printf '#!/bin/sh\nsed -i "s/quiet/quiet splash/" "$1"\n' >"$TEST_DIR/editor"
chmod +x "$TEST_DIR/editor"
EDITOR=$TEST_DIR/editor run_tool -q kargs --editor --sysroot "$sysroot"
expect_contains "$(run_tool kargs --sysroot "$sysroot")" "quiet splash" "kargs after --editor"
out=$(EDITOR=true run_tool kargs --editor --sysroot "$sysroot")
expect_contains "$out" "No changes." "kargs --editor left alone"
EDITOR=false expect_fail run_tool kargs --editor --sysroot "$sysroot"
expect_contains "$FAIL_STDERR" "nothing was changed" "kargs with a failing editor"

step "deploy a given commit: the origin pins it"
run_tool -q deploy --sysroot "$sysroot" "$c2"
[ "$(status_field 0 checksum)" = "$c2" ] || die "deploy did not deploy $c2"
[ "$(status_field 0 override-commit)" = "$c2" ] || die "the origin does not pin $c2"
expect_contains "$(run_tool kargs --sysroot "$sysroot")" "quiet" "kargs after deploy (carried over)"

run_tool -q deploy --sysroot "$sysroot" version=1
[ "$(status_field 0 checksum)" = "$c1" ] || die "deploy version=1 did not deploy $c1"
expect_fail run_tool deploy --sysroot "$sysroot" version=9
expect_contains "$FAIL_STDERR" "version 9" "deploy of a version that does not exist"

step "rebase to a local ref follows it"
ostree refs --repo="$sysroot/ostree/repo" --create=local/pinned "$c1"
run_tool -q rebase --sysroot "$sysroot" local/pinned
[ "$(status_field 0 origin)" = local/pinned ] && [ "$(status_field 0 checksum)" = "$c1" ] ||
  die "rebase did not follow local/pinned"
expect_fail run_tool rebase --sysroot "$sysroot" local/missing
expect_contains "$FAIL_STDERR" "local/missing" "rebase to a missing ref"

step "a held sysroot lock: --no-wait refuses, a waiting transaction proceeds when it ends"
python3 - "$sysroot/ostree/lock" <<'PY' &
import fcntl, sys, time
with open(sys.argv[1], "a") as f:
    fcntl.lockf(f, fcntl.LOCK_EX)
    open(sys.argv[1] + ".held", "w").close()
    time.sleep(2)
PY
holder=$!
for _ in $(seq 100); do [ -e "$sysroot/ostree/lock.held" ] && break; sleep 0.05; done
expect_contains "$(run_tool status --sysroot "$sysroot")" "State: busy" "status under a held lock"
expect_fail run_tool rollback --no-wait --sysroot "$sysroot"
expect_contains "$FAIL_STDERR" "another transaction" "rollback --no-wait"
out=$(run_tool rollback --sysroot "$sysroot" 2>&1)
expect_contains "$out" "waiting for another transaction" "rollback under a held lock"
wait "$holder"

step "a failed pull changes nothing"
before=$(run_tool --json status --sysroot "$sysroot")
ostree remote add --repo="$sysroot/ostree/repo" --no-gpg-verify gone "http://127.0.0.1:$(closed_port)"
expect_fail run_tool rebase --sysroot "$sysroot" "gone:$ref"
expect_contains "$FAIL_STDERR" "gone" "rebase from an unreachable remote"
[ "$(run_tool --json status --sysroot "$sysroot")" = "$before" ] || die "a failed rebase changed the sysroot"

step "an upgrade killed (SIGKILL) at any point leaves a bootable sysroot; the next one completes"
# Every boot entry and every GRUB menu entry must reach a deployment directory.
check_bootable() {
  local argument
  ostree admin status --sysroot="$sysroot" >/dev/null || die "stock ostree cannot read the sysroot $1"
  run_tool status --sysroot "$sysroot" >/dev/null || die "status cannot read the sysroot $1"
  for argument in $(grep -ho 'ostree=[^ ]*' "$sysroot/boot/loader/entries/"*.conf "$sysroot/boot/grub/grub.cfg"); do
    [ -d "$sysroot${argument#ostree=}" ] || die "$argument leads nowhere $1"
  done
}
run_tool -q rebase --sysroot "$sysroot" "fixture:$ref"
treefile=second  # the ref's commit now; each publish below alternates the content
for delay in 0.05 0.2 0.4; do
  if [ "$treefile" = second ]; then treefile=first; else treefile=second; fi
  next=$(publish "$treefile" "next")
  # Not through a function: $! must be apt-ostree itself, not a subshell around it.
  "$APT_OSTREE" --cache-dir "$CACHE_DIR" -q upgrade --sysroot "$sysroot" &
  upgrader=$!
  sleep "$delay"
  kill -KILL "$upgrader" 2>/dev/null || true
  wait "$upgrader" 2>/dev/null || true
  check_bootable "after a SIGKILL ${delay}s into an upgrade"
  run_tool -q upgrade --sysroot "$sysroot"
  check_bootable "after the upgrade that followed a killed one"
  [ "$(status_field 0 checksum)" = "$next" ] || die "the upgrade after a killed one did not deploy $next"
  [ "$(first_menuentry)" = "$(status_field 0 kernel-arguments | grep -o 'ostree=[^ ]*')" ] ||
    die "grub.cfg does not boot the upgrade after a killed one"
done

step "an upgrade on a full disk fails naming it and leaves the sysroot as it was"
# A copy of the sysroot on a small tmpfs, filled up; the deployed trees are hardlinks, so the
# copy is small, and the new commit's objects do not fit.
full=$TEST_DIR/full
mkdir -p "$full"
mount -t tmpfs -o size=64m tmpfs "$full"
_cleanup_mounts+=("$full")
cp -a "$sysroot" "$full/sysroot"
if [ "$treefile" = second ]; then treefile=first; else treefile=second; fi
next=$(publish "$treefile" "full")
before=$(run_tool --json status --sysroot "$full/sysroot")
dd if=/dev/zero of="$full/filler" bs=1M status=none 2>/dev/null || true
expect_fail run_tool upgrade --sysroot "$full/sysroot"
expect_contains "$FAIL_STDERR" "No space left on device" "upgrade on a full disk"
[ "$(run_tool --json status --sysroot "$full/sysroot")" = "$before" ] ||
  die "a failed upgrade on a full disk changed the deployments"
rm -f "$full/filler"
run_tool -q upgrade --sysroot "$full/sysroot"
[ "$(run_tool --json status --sysroot "$full/sysroot" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["deployments"][0]["checksum"])')" = "$next" ] ||
  die "the upgrade after freeing space did not deploy $next"
umount "$full"

step "cleanup -r drops the rollback deployments; stock ostree agrees"
run_tool -q cleanup -r --sysroot "$sysroot"
[ "$(run_tool --json status --sysroot "$sysroot" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["deployments"]))')" = 1 ] ||
  die "cleanup -r left more than one deployment"
[ "$(ostree admin status --sysroot="$sysroot" | grep -c '^  debian\|^\* debian')" = 1 ] ||
  die "stock ostree sees other than one deployment after cleanup"

echo "all client tests passed" >&2
