# The client on real bookworm trees: a minbase commit (a stub kernel added, as ostree deploys only
# trees with one) and a second with htop, composed by `compose tree` into an archive repository
# served by nginx with a static delta; a sysroot made by stock ostree deploys the first. upgrade
# pulls the second through the delta and deploys it with the first's /etc changes carried over;
# db diff names htop; rollback puts the first back, whose tree never had htop. Then `install`
# layers nano on it from the archive its /etc/apt names, with the same answer as apt-get in a
# plain copy of the tree, and an upgrade builds it again on the second commit.
source "$(dirname "$0")/../integration/lib.sh"
source "$APT_OSTREE_SOURCE_DIR/tests/lib/private-apt.sh"
require_tool curl ostree nginx
[ "$(id -u)" -eq 0 ] || skip "compose needs root (chroot, mounts)"
[ "$(dpkg --print-architecture)" = amd64 ] || skip "the treefiles here are amd64"
require_archive

mkdir -p "$TEST_DIR/overlay/usr/lib/modules/6.1.0-stub"
echo kernel >"$TEST_DIR/overlay/usr/lib/modules/6.1.0-stub/vmlinuz"
echo initramfs >"$TEST_DIR/overlay/usr/lib/modules/6.1.0-stub/initramfs.img"
for name in first second; do
  packages=""
  [ "$name" = first ] || packages=htop
  printf 'release: bookworm\narchitecture: amd64\nvariant: minbase\nfiles: overlay\npackages: [%s]\n' \
    "$packages" >"$TEST_DIR/$name.yaml"
done
served=$TEST_DIR/served
publish() {
  run_tool --json compose tree "$TEST_DIR/$1.yaml" --repo "$served" "${@:2}" |
    python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["ref"], d["commit"])'
}

step "compose a minbase commit and deploy it into a sysroot made by stock ostree"
read -r ref first < <(publish first --add-metadata-string version=1)
serve_static "$served"
sysroot=$TEST_DIR/sysroot
make_sysroot "$sysroot" "$STATIC_URL" "$ref"
deployment=$(run_tool --json status --sysroot "$sysroot" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["deployments"][0]["path"])')
echo "edited on the device" >"$deployment/etc/motd"

step "compose the second commit (htop added) with a static delta; upgrade pulls it through the delta"
read -r _ second < <(publish second --add-metadata-string version=2 --deltas 1)
out=$(run_tool upgrade --preview --sysroot "$sysroot")
expect_contains "$out" "htop:amd64" "upgrade --preview"
out=$(run_tool --json upgrade --sysroot "$sysroot")
python3 - "$second" "$out" <<'PY' || die "upgrade did not deploy the second commit through the delta: $out"
import json, sys
d = json.loads(sys.argv[2])
assert d["to"] == sys.argv[1] and d["deployment"].startswith(sys.argv[1]), d
assert d["delta_parts_fetched"] > 0, d
PY
new=$(run_tool --json status --sysroot "$sysroot" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["deployments"][0]["path"])')
[ -x "$new/usr/bin/htop" ] || die "the new deployment has no /usr/bin/htop"
[ "$(cat "$new/etc/motd")" = "edited on the device" ] || die "the /etc change did not carry over"
[ ! -e "$deployment/usr/bin/htop" ] || die "the first deployment changed"
expect_contains "$(run_tool db diff --sysroot "$sysroot")" "htop:amd64" "db diff"

step "rollback boots the first commit again"
run_tool -q rollback --sysroot "$sysroot"
first_now=$(run_tool --json status --sysroot "$sysroot" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["deployments"][0]["checksum"])')
[ "$first_now" = "$first" ] || die "after rollback the first deployment is $first_now, not $first"
ostree admin status --sysroot="$sysroot" | head -1 | grep -q "$first" ||
  die "stock ostree does not see the rollback"

step "install layers nano on the first commit: the same packages apt-get would add"
out=$(run_tool --json install nano --sysroot "$sysroot")
added=$(python3 -c 'import json, sys; print(" ".join(sorted(p["name"] for p in json.load(sys.stdin)["added"])))' <<<"$out")
# apt-get's answer over the same archive with the first commit's dpkg database installed.
private_apt_setup "$TEST_DIR/apt" bookworm amd64 || die "apt-get update of the private configuration failed"
expected=$(APT_CONFIG=$TEST_DIR/apt/apt.conf apt-get -s \
  -o Dir::State::status="$deployment/usr/lib/sysimage/dpkg/status" install nano |
  awk '$1 == "Inst" { print $2 }' | sort | tr '\n' ' ')
[ "$added " = "$expected" ] || die "install added '$added', apt-get would add '$expected'"
layered=$(run_tool --json status --sysroot "$sysroot" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["deployments"][0]["path"])')
[ -x "$layered/usr/bin/nano" ] || die "the layered deployment has no /usr/bin/nano"
ostree admin status --sysroot="$sysroot" | grep -q "$(basename "$layered")" ||
  die "stock ostree does not see the layered deployment"

step "upgrade builds nano again on the second commit"
run_tool -q upgrade --sysroot "$sysroot"
upgraded=$(run_tool --json status --sysroot "$sysroot" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["deployments"][0]["path"])')
[ -x "$upgraded/usr/bin/nano" ] && [ -x "$upgraded/usr/bin/htop" ] ||
  die "the upgraded layered deployment lacks nano or htop"

echo "all networked client tests passed" >&2
