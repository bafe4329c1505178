# compose build from the real archive: examples/debian-minimal.yaml (base -> minimal, a kernel,
# systemd, ssh) built stage by stage and published; the minimal stage holds its parent's packages
# and its own, all configured; a second build reuses both stages; a change to the minimal stage's
# packages misses that stage alone, and --explain names the package.
source "$(dirname "$0")/../integration/lib.sh"

source "$APT_OSTREE_SOURCE_DIR/tests/lib/private-apt.sh"
require_tool curl python3 ostree
[ "$(id -u)" -eq 0 ] || skip "compose needs root (chroot, mounts)"
[ "$(dpkg --print-architecture)" = amd64 ] || skip "examples/debian-minimal.yaml is for amd64"
require_archive

# A copy, so the last step can change it (--explain compares with the last build of the same file).
example=$TEST_DIR/debian-minimal.yaml
cp "$APT_OSTREE_SOURCE_DIR/examples/debian-minimal.yaml" "$example"
repo=$TEST_DIR/published
stage_result() { awk -v stage="$1" '$1 == stage { print $2 }' <<<"$2"; }

step "a first build: both stages built, the exported one published"
started=$SECONDS
out=$(run_tool compose build "$example" --repo "$repo" --output "$TEST_DIR/report")
echo "$out" | sed 's/^/    /' >&2
echo "    built in $((SECONDS - started)) s" >&2
[ "$(stage_result base "$out")" = built ] && [ "$(stage_result minimal "$out")" = built ] ||
  die "not every stage was built: $out"
ref=debian/bookworm/amd64/minimal
ostree checkout --repo="$repo" "$ref" "$TEST_DIR/minimal" >/dev/null
admin=$TEST_DIR/minimal/usr/lib/sysimage/dpkg
for package in systemd-sysv linux-image-amd64 openssh-server sudo; do
  [ "$(dpkg-query --admindir="$admin" -W -f='${Status}' "$package")" = "install ok installed" ] ||
    die "$package is not installed in the minimal stage"
done
[ -z "$(dpkg --admindir="$admin" --audit)" ] || die "dpkg --audit is not clean"
ls "$TEST_DIR"/minimal/usr/lib/modules/*/vmlinuz >/dev/null || die "no kernel in /usr/lib/modules"
[ -L "$TEST_DIR/minimal/usr/etc/systemd/system/multi-user.target.wants/ssh.service" ] ||
  die "ssh.service is not enabled"
[ "$(cat "$TEST_DIR/minimal/usr/etc/hostname")" = debian ] || die "the base stage's hostname is not inherited"
python3 - "$TEST_DIR/report/report.json" <<'PY' || die "report.json does not describe the build"
import json, sys
stages = {s["stage"]: s for s in json.load(open(sys.argv[1]))["stages"]}
assert stages["minimal"]["new_packages"] < stages["minimal"]["packages"], stages["minimal"]
assert stages["minimal"]["published"]["ref"] == "debian/bookworm/amd64/minimal"
PY

step "a second build reuses both stages"
out=$(run_tool compose build "$example" --repo "$repo")
[ "$(stage_result base "$out")" = hit ] && [ "$(stage_result minimal "$out")" = hit ] ||
  die "an unchanged example was rebuilt: $out"

step "one more package in the minimal stage: --explain misses that stage alone and names it"
sed -i 's/      - sudo/      - sudo\n      - htop/' "$example"
out=$(run_tool compose build "$example" --explain)
[ "$(stage_result base "$out")" = hit ] || die "the base stage misses: $out"
[ "$(stage_result minimal "$out")" = miss ] || die "the minimal stage hits: $out"
expect_contains "$out" "package htop:amd64" "--explain"

echo "all networked compose build tests passed" >&2
