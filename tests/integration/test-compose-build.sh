# compose build over the fixture repository: a staged recipe (base -> app -> extra) built stage by
# stage, each child on its parent's tree with its new packages installed by the tree's dpkg (an
# installed package's file trigger fires, a Pre-Depends chain across stages holds); a second
# build reuses every stage; a change rebuilds exactly the changed stage and those built from it,
# and --explain says why; --only, --until and --force-stage select stages; exports are published
# to --repo; the report is written; two clean builds are bit-identical; a clean machine pulls
# the stages another pushed (--cache-push, --cache-remote over HTTP); nothing is left mounted or
# behind.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/compose-fixture.sh"

recipe=$TEST_DIR/recipe/staged.yaml
fixture_url=$HTTP_URL  # serve_http sets HTTP_URL again for the remote stage cache
mkdir -p "$TEST_DIR/recipe"
cat >"$TEST_DIR/recipe/app-setup.sh" <<'SH'
#!/bin/sh
set -e
# The parent's files are there, and this stage's packages are configured.
test -f /var/lib/fx/chain-a.configured
test -f /var/lib/fx/chain-b.configured
echo "app stage hook ran" >/etc/fx-app-hook
SH
chmod +x "$TEST_DIR/recipe/app-setup.sh"
write_recipe() {  # write_recipe EXTRA_PACKAGES
  cat >"$recipe" <<YAML
release: stable
mirror: $fixture_url
variant: none
stages:
  base:
    packages: [fx-sysroot, fx-trigger-watch, fx-chain-a]
  app:
    from: base
    packages: [fx-trigger-file, fx-chain-c]
    run-chroot: app-setup.sh
    export: true
    ref: fx/app
  extra:
    from: app
    packages: [$1]
    export: true
    ref: fx/extra
YAML
}
build() { run_tool compose build --keyring "$FIXTURE_KEYRING" "$recipe" "$@"; }
stage_line() { grep "^$1 " <<<"$2" || die "no line for stage $1 in: $2"; }
expect_result() {  # expect_result OUTPUT STAGE RESULT
  [ "$(awk '{ print $2 }' <<<"$(stage_line "$2" "$1")")" = "$3" ] ||
    die "stage $2 is not '$3': $(stage_line "$2" "$1")"
}
repo=$TEST_DIR/published

step "a first build builds every stage, children on their parent's tree"
write_recipe fx-unit
out=$(build --repo "$repo" --output "$TEST_DIR/report")
echo "$out" | sed 's/^/    /' >&2
for stage in base app extra; do expect_result "$out" $stage built; done
expect_contains "$(stage_line app "$out")" "(3 new)" "app's new packages (fx-trigger-file, fx-chain-b, fx-chain-c)"
no_mounts_below "compose build"
no_work_trees "compose build"

step "the child's tree: the parent's packages, its own installed by dpkg, triggers and hooks run"
ostree checkout --repo="$repo" fx/app "$TEST_DIR/app" >/dev/null
app=$TEST_DIR/app
admin=$app/usr/lib/sysimage/dpkg
for package in fx-sysroot fx-trigger-watch fx-chain-a fx-trigger-file fx-chain-b fx-chain-c; do
  [ "$(dpkg-query --admindir="$admin" -W -f='${Status}' "$package")" = "install ok installed" ] ||
    die "$package is not installed in the app stage"
done
# (fx-reindex too: fx-trigger-file activates it when configured.)
grep -qw /usr/share/fx-trigger "$app/usr/share/factory/var/lib/fx/triggered" 2>/dev/null ||
  die "fx-trigger-watch (installed in base) was not triggered by fx-trigger-file's file in app"
[ -f "$app/usr/etc/fx-app-hook" ] || die "the app stage's run-chroot hook did not run"
[ -z "$(dpkg --admindir="$admin" --audit)" ] || die "dpkg --audit is not clean in the app stage"
ostree ls --repo="$repo" fx/extra /usr/lib/systemd/system/fx-hello.service >/dev/null ||
  die "the extra stage lacks fx-unit's file"
! ostree ls --repo="$repo" fx/app /usr/lib/systemd/system/fx-hello.service >/dev/null 2>&1 ||
  die "the app stage has the extra stage's package"

step "the report: JSON and Markdown"
python3 - "$TEST_DIR/report/report.json" <<'PY' || die "report.json is not what the build did"
import json, sys
report = json.load(open(sys.argv[1]))
stages = {s["stage"]: s for s in report["stages"]}
assert set(stages) == {"base", "app", "extra"}, stages
assert report["disk"] and 0 < report["disk"][0]["peak_used_percent"] <= 100, report["disk"]
assert all(s["result"] == "built" and len(s["key"]) == 64 for s in stages.values()), stages
assert stages["app"]["new_packages"] == 3 and stages["app"]["packages"] == 6, stages["app"]
assert any(p["phase"] == "configure" for p in stages["app"]["phases"]), stages["app"]
assert stages["extra"]["published"]["ref"] == "fx/extra", stages["extra"]
PY
grep -q '^| app | built |' "$TEST_DIR/report/report.md" || die "report.md has no row for app"

step "an unchanged recipe reuses every stage and leaves the refs alone"
commit=$(ostree rev-parse --repo="$repo" fx/extra)
out=$(build --repo "$repo")
for stage in base app extra; do expect_result "$out" $stage hit; done
[ "$(ostree rev-parse --repo="$repo" fx/extra)" = "$commit" ] || die "fx/extra moved"

step "a change to the last stage rebuilds it alone; --explain says what changed first"
write_recipe "fx-unit, fx-conffile"
out=$(build --explain)
expect_result "$out" base hit
expect_result "$out" app hit
expect_result "$out" extra miss
expect_contains "$out" "definition: packages + fx-conffile" "--explain"
expect_contains "$out" "package fx-conffile:all 1.0 added" "--explain"
out=$(build --repo "$repo")
expect_result "$out" app hit
expect_result "$out" extra built
ostree ls --repo="$repo" fx/extra /usr/etc/fx/fx.conf >/dev/null || die "fx/extra lacks fx-conffile"

step "a changed hook rebuilds its stage and the stages built from it"
echo "# changed" >>"$TEST_DIR/recipe/app-setup.sh"
out=$(build --explain)
expect_result "$out" base hit
expect_result "$out" app miss
expect_result "$out" extra miss
expect_contains "$out" "input run-chroot changed" "--explain"
out=$(build --until app)
expect_result "$out" app built
expect_result "$out" extra skipped

step "--only builds one stage on its cached parent; --force-stage rebuilds a cached one"
out=$(build --only extra)
expect_result "$out" extra built
expect_result "$out" base hit  # its key is needed, so it is looked up, never built
out=$(build --force-stage base --until base)
expect_result "$out" base built
expect_contains "$out" "forced (--force-stage)" "--force-stage"

step "mistakes: an unknown stage name, several exports without --stage, --only on a stage whose parent is not cached"
expect_fail build --only nosuch
expect_contains "$FAIL_STDERR" "--only names stage 'nosuch'"
expect_fail run_tool compose rootfs --keyring "$FIXTURE_KEYRING" "$recipe" "$TEST_DIR/two.tar"
expect_contains "$FAIL_STDERR" "exports several stages ('app', 'extra'); choose one with --stage"
write_recipe fx-unit
sed -i 's/fx-chain-a\]/fx-chain-a, fx-conffile]/' "$recipe"
expect_fail build --only app
expect_contains "$FAIL_STDERR" "stage 'app' is built from 'base', which has no cached build"
no_mounts_below "the failed builds"
no_work_trees "the failed builds"

step "reproducible: two clean builds give the same commits and bit-identical tarballs"
write_recipe fx-unit
clean_build() {  # clean_build N: a build in a cache of its own; prints the published commit
  "$APT_OSTREE" --cache-dir "$TEST_DIR/clean-$1" compose build --keyring "$FIXTURE_KEYRING" \
    "$recipe" --repo "$TEST_DIR/clean-$1/published" --output "$TEST_DIR/clean-$1/report" \
    >/dev/null || die "clean build $1 failed"
  "$APT_OSTREE" --cache-dir "$TEST_DIR/clean-$1" compose rootfs --keyring "$FIXTURE_KEYRING" \
    --stage extra "$recipe" "$TEST_DIR/clean-$1/out/rootfs.tar.gz" >/dev/null ||
    die "compose rootfs --stage extra failed in clean build $1"
  python3 -c 'import json, sys; print(" ".join(s["key"] + ":" + s["commit"] for s in json.load(open(sys.argv[1]))["stages"]))' \
    "$TEST_DIR/clean-$1/report/report.json"
  ostree rev-parse --repo="$TEST_DIR/clean-$1/published" fx/extra
}
first=$(clean_build 1)
sleep 1  # a different second, should anything take the time of day
second=$(clean_build 2)
[ "$first" = "$second" ] || die "two clean builds differ: $first vs $second"
cmp "$TEST_DIR/clean-1/out/rootfs.tar.gz" "$TEST_DIR/clean-2/out/rootfs.tar.gz" ||
  die "two clean builds wrote different tarballs"

step "the remote stage cache: a clean machine pulls every stage another one pushed"
stage_cache=$TEST_DIR/stage-cache
build --cache-push "$stage_cache" >/dev/null
[ -f "$stage_cache/summary" ] || die "--cache-push wrote no summary"
serve_http "$stage_cache"
remote() {  # remote ARGS...: a build on a clean machine with the remote stage cache
  "$APT_OSTREE" --cache-dir "$TEST_DIR/clean-3" compose build --keyring "$FIXTURE_KEYRING" \
    "$recipe" --cache-remote "$HTTP_URL" "$@"
}
out=$(remote --repo "$TEST_DIR/clean-3/published")
for stage in base app extra; do expect_result "$out" $stage pulled; done
[ "$(ostree rev-parse --repo="$TEST_DIR/clean-3/published" fx/extra)" = \
  "$(ostree rev-parse --repo="$TEST_DIR/clean-1/published" fx/extra)" ] ||
  die "the export of pulled stages differs from the one built from scratch"
write_recipe "fx-unit, fx-conffile"
out=$(remote)
expect_result "$out" app hit
expect_result "$out" extra built
expect_contains "$out" "the remote stage cache does not have it either" "a remote miss"

echo "all compose build tests passed" >&2
