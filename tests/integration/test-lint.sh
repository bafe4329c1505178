# compose lint over a tiny hand-made tree (no root, no network): a tree in OSTree's layout passes
# every fatal lint; breaking it one way at a time fails the matching lint with a message naming
# the culprit and a non-zero exit; warnings fail only with --fatal-warnings; --skip, --list and
# --json behave; and --ref lints a commit of an OSTree repository made with the ostree CLI.
source "$(dirname "$0")/lib.sh"

require_tool python3

tree=$TEST_DIR/tree
json_field() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

# A tree that passes every fatal lint and warns only about its /var/log/dpkg.log and the /var
# content tmpfiles.d does not declare (/var/lib/dpkg).
make_tree() {
  rm -rf "$tree"
  mkdir -p "$tree"/{dev,proc,sys,run,tmp,boot,sysroot,usr/etc,var/log,var/lib/dpkg}
  ln -s sysroot/ostree "$tree/ostree"
  ln -s ../run "$tree/var/run"
  mkdir -p "$tree/usr/lib/modules/6.1.0-18-amd64" "$tree/usr/lib/tmpfiles.d" \
    "$tree/usr/lib/sysusers.d" "$tree/usr/lib/ostree"
  echo kernel >"$tree/usr/lib/modules/6.1.0-18-amd64/vmlinuz"
  printf 'L /var/run - - - - ../run\nd /var/log 0755 - - -\nd /var/lib 0755 - - -\n' \
    >"$tree/usr/lib/tmpfiles.d/var.conf"
  echo 'u root 0 "Super User" /root' >"$tree/usr/lib/sysusers.d/basic.conf"
  echo 'root:x:0:0:root:/root:/bin/bash' >"$tree/usr/etc/passwd"
  echo 'root:x:0:' >"$tree/usr/etc/group"
  printf '[composefs]\nenabled = yes\n' >"$tree/usr/lib/ostree/prepare-root.conf"
  echo 'Start-Date: 2024-01-01' >"$tree/var/log/dpkg.log"
}

# Runs a lint expected to fail: exit status 1, stdout in $LINT_OUT, the one-line error in
# $FAIL_STDERR.
lint_fails() {
  LINT_OUT=$(run_tool compose lint "$@" 2>"$TEST_DIR/stderr") && die "lint passed: $*"
  local code=$?
  FAIL_STDERR=$(cat "$TEST_DIR/stderr")
  [ "$code" -eq 1 ] || die "lint exited $code, not 1: $FAIL_STDERR"
  [ "$(printf '%s\n' "$FAIL_STDERR" | wc -l)" -eq 1 ] || die "the error is not one line: $FAIL_STDERR"
  echo "$LINT_OUT"
}

step "a good tree passes every fatal lint; its warnings name the culprits"
make_tree
out=$(run_tool compose lint "$tree")
echo "$out"
expect_contains "$out" "ok      var-run"
expect_contains "$out" "ok      baseimage-root"
expect_contains "$out" "warning var-log: log files with content: /var/log/dpkg.log"
expect_contains "$out" "warning var-tmpfiles: paths in /var no tmpfiles.d line creates: /var/lib/dpkg, /var/log/dpkg.log"
expect_contains "$out" "14 checks: 12 passed, 2 warnings, 0 fatal"
[[ $out != *FATAL* ]] || die "a fatal lint failed on the good tree"

step "--fatal-warnings fails on the warnings; --skip drops them"
lint_fails --fatal-warnings "$tree" >/dev/null
expect_contains "$FAIL_STDERR" "2 lints failed: var-log, var-tmpfiles"
out=$(run_tool compose lint --fatal-warnings --skip var-log --skip var-tmpfiles "$tree")
expect_contains "$out" "12 checks: 12 passed, 0 warnings, 0 fatal; 2 skipped"
[[ $out != *var-log* ]] || die "a skipped lint ran: $out"

step "an unknown --skip name is a usage error listing the lints"
expect_fail run_tool compose lint --skip var-logs "$tree"
[ "$FAIL_CODE" -eq 2 ] || die "exit $FAIL_CODE, not 2"
expect_contains "$FAIL_STDERR" "unknown lint 'var-logs' (did you mean 'var-log'?)"
expect_contains "$FAIL_STDERR" "nonempty-run-tmp"

step "a real /var/run directory"
rm "$tree/var/run" && mkdir "$tree/var/run"
lint_fails "$tree"
expect_contains "$LINT_OUT" "FATAL   var-run: /var/run is a directory, not a symlink to ../run"
expect_contains "$FAIL_STDERR" "1 lint failed: var-run"

step "both /etc and /usr/etc"
make_tree
mkdir "$tree/etc"
lint_fails "$tree"
expect_contains "$LINT_OUT" "FATAL   etc-usretc: both /etc and /usr/etc exist"

step "a missing API directory and a plain rootfs without the OSTree layout"
make_tree
rmdir "$tree/proc" "$tree/sysroot"
rm "$tree/ostree"
lint_fails "$tree"
expect_contains "$LINT_OUT" "FATAL   api-base-directories: /proc is missing"
expect_contains "$LINT_OUT" "FATAL   baseimage-root: /sysroot is missing; /ostree is missing"
expect_contains "$FAIL_STDERR" "2 lints failed: api-base-directories, baseimage-root"

step "two kernels, and a modules directory without vmlinuz"
make_tree
mkdir -p "$tree/usr/lib/modules/6.1.0-20-amd64" "$tree/usr/lib/modules/6.1.0-21-amd64"
echo kernel >"$tree/usr/lib/modules/6.1.0-20-amd64/vmlinuz"
lint_fails "$tree"
expect_contains "$LINT_OUT" "FATAL   kernel: 2 kernels (/usr/lib/modules/6.1.0-18-amd64, /usr/lib/modules/6.1.0-20-amd64)"
expect_contains "$LINT_OUT" "no vmlinuz in /usr/lib/modules/6.1.0-21-amd64"

step "a name that is not UTF-8"
make_tree
touch "$tree/usr/lib/bad"$'\xff'"name"
lint_fails "$tree"
expect_contains "$LINT_OUT" 'FATAL   utf8: not UTF-8: /usr/lib/bad\xFFname'
# --json escapes it too, so the output is valid JSON.
run_tool --json compose lint "$tree" >"$TEST_DIR/lint.json" 2>/dev/null && die "--json lint passed"
message=$(json_field '[6]["message"]' <"$TEST_DIR/lint.json")
[ "$message" = 'not UTF-8: /usr/lib/bad\xFFname' ] || die "JSON message: $message"

step "a kargs.d file bootc cannot read"
make_tree
mkdir -p "$tree/usr/lib/bootc/kargs.d"
echo 'kargs = "quiet"' >"$tree/usr/lib/bootc/kargs.d/10-quiet.toml"
lint_fails "$tree"
expect_contains "$LINT_OUT" "FATAL   bootc-kargs: /usr/lib/bootc/kargs.d/10-quiet.toml: line 1: 'kargs' must be an array of strings"

step "warnings: /boot, /run, sysusers, composefs, an empty resolv.conf"
make_tree
echo kernel >"$tree/boot/vmlinuz-6.1.0-18-amd64"
mkdir "$tree/run/lock"
echo 'daemon:x:1:1::/usr/sbin:/usr/sbin/nologin' >>"$tree/usr/etc/passwd"
printf '[composefs]\nenabled = no\n' >"$tree/usr/lib/ostree/prepare-root.conf"
: >"$tree/usr/etc/resolv.conf"
out=$(run_tool compose lint "$tree")
echo "$out"
expect_contains "$out" "warning nonempty-boot: /boot is not empty: /boot/vmlinuz-6.1.0-18-amd64"
expect_contains "$out" "warning nonempty-run-tmp: content in /run or /tmp: /run/lock"
expect_contains "$out" "warning sysusers: users not in sysusers.d: daemon"
expect_contains "$out" "warning baseimage-composefs: /usr/lib/ostree/prepare-root.conf does not enable composefs"
expect_contains "$out" "warning buildah-injected: /usr/etc/resolv.conf is empty"
expect_contains "$out" "14 checks: 7 passed, 7 warnings, 0 fatal"

step "--list and --json"
out=$(run_tool compose lint --list)
expect_contains "$out" "var-tmpfiles"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 14 ] || die "--list printed $(printf '%s\n' "$out" | wc -l) lines"
[ "$(run_tool --json compose lint --list | json_field '[0]["level"]')" = fatal ] ||
  die "--list --json: the first lint is not fatal"
make_tree
run_tool --json compose lint "$tree" >"$TEST_DIR/lint.json"
[ "$(json_field '[0]["name"]' <"$TEST_DIR/lint.json")" = var-run ] || die "JSON: first lint is not var-run"
[ "$(json_field '[9]["passed"]' <"$TEST_DIR/lint.json")" = False ] || die "JSON: var-log passed"

step "a missing tree, and neither TREE nor --ref"
expect_fail run_tool compose lint "$TEST_DIR/missing"
expect_contains "$FAIL_STDERR" "is not a directory"
expect_fail run_tool compose lint
[ "$FAIL_CODE" -eq 2 ] || die "exit $FAIL_CODE, not 2"

step "--ref lints a commit of an OSTree repository"
require_tool ostree
repo=$TEST_DIR/ostree-repo
ostree init --repo "$repo" --mode=bare-user
make_tree
ostree commit --repo "$repo" -b test/good --tree=dir="$tree" >/dev/null
mkdir "$tree/etc"
ostree commit --repo "$repo" -b test/bad --tree=dir="$tree" >/dev/null
out=$(run_tool compose lint --ref test/good --repo "$repo")
echo "$out"
expect_contains "$out" "14 checks: 12 passed, 2 warnings, 0 fatal"
lint_fails --ref test/bad --repo "$repo" >/dev/null
expect_contains "$LINT_OUT" "FATAL   etc-usretc"
! ls "$repo/tmp" | grep -q "^lint" || die "the checkout was left in $repo/tmp: $(ls "$repo/tmp")"
expect_fail run_tool compose lint --ref test/none --repo "$repo"
expect_contains "$FAIL_STDERR" "no ref or commit 'test/none'"

echo "ok"
