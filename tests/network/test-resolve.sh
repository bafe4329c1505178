# resolve against the tools whose answers it reproduces, over bookworm main from the host's mirror:
#   (a) --variant minbase (and essential) equals mmdebstrap's package set, name and version;
#   (b) named packages, with and without Recommends, equal `apt-get -s install` with a private APT
#       configuration (empty dpkg status, so apt installs exactly the packages and their closure,
#       which is what `resolve` without --variant answers);
#   (c) arm64 minbase resolves too.
source "$(dirname "$0")/../integration/lib.sh"

source "$APT_OSTREE_SOURCE_DIR/tests/lib/private-apt.sh"
require_tool apt-get curl python3
require_archive

view=(--release bookworm --arch amd64)

# "name version" lines, sorted, of a resolve --json answer.
resolved() {
  run_tool --json resolve "$@" |
    python3 -c 'import json, sys
for p in json.load(sys.stdin)["packages"]: print(p["name"], p["version"])' | sort
}

step "refresh bookworm main amd64 and a private APT configuration over the same view"
run_tool -q refresh-md "${view[@]}"
private_apt_setup "$TEST_DIR/apt" bookworm amd64 || die "apt-get update of the private configuration failed"
apt_get() { APT_CONFIG="$TEST_DIR/apt/apt.conf" apt-get "$@"; }

step "the .solv cache is written on first use and reused"
solv=$(find -L "$CACHE_DIR" -path '*/current/packages.solv' | head -n 1)
[ -n "$solv" ] && rm -f "$solv"
run_tool resolve "${view[@]}" --variant essential >/dev/null
solv=$(find -L "$CACHE_DIR" -path '*/current/packages.solv' | head -n 1)
[ -s "$solv" ] || die "resolve did not write current/packages.solv"

step "(a) minbase and essential against mmdebstrap"
if command -v mmdebstrap >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  # --simulate runs mmdebstrap's two apt steps (essential, then the rest) without installing the
  # first, so the second re-lists part of it; the union of both "Inst" lists is the installed set
  # (checked once against the dpkg status of a real minbase tarball: identical).
  mm_set() {
    mmdebstrap --variant="$1" --mode=root --simulate --verbose bookworm "$TEST_DIR/mm-$1" \
      "deb $mirror bookworm main" 2>&1 >/dev/null |
      sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1 \2/p' | sort -u
  }
  same_set "essential vs mmdebstrap" "$(mm_set essential)" "$(resolved "${view[@]}" --variant essential)"
  same_set "minbase vs mmdebstrap" "$(mm_set minbase)" "$(resolved "${view[@]}" --variant minbase)"
else
  echo "    skipped: mmdebstrap --mode=root needs mmdebstrap and root" >&2
fi

step "(b) named packages against apt-get -s install"
apt_set() {
  apt_get -s install "$@" 2>/dev/null | sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1 \2/p' | sort
}
for request in openssh-server systemd nginx python3 build-essential "vim git curl" postgresql; do
  # shellcheck disable=SC2086  # a request may name several packages
  same_set "$request (with Recommends)" "$(apt_set $request)" "$(resolved "${view[@]}" $request)"
  # shellcheck disable=SC2086
  same_set "$request (no Recommends)" "$(apt_set --no-install-recommends $request)" \
    "$(resolved "${view[@]}" --no-recommends $request)"
done

# Large requests with Recommends: conflicting alternatives (libreoffice-core-nogui against
# libreoffice-core, pipewire against pulseaudio) and ties between providers (x-terminal-emulator)
# that only apt's package numbering decides.
for request in libreoffice texlive task-cinnamon-desktop; do
  same_set "$request (with Recommends)" "$(apt_set $request)" "$(resolved "${view[@]}" $request)"
done

step "explanations and errors"
why=$(run_tool resolve "${view[@]}" --variant minbase --why libapt-pkg6.0)
expect_contains "$why" "apt: priority required"
expect_contains "$why" "libapt-pkg6.0: Depends of apt"
expect_fail run_tool resolve "${view[@]}" openssh-sever
[ "$FAIL_CODE" -eq 2 ] || die "an unknown package should exit 2, not $FAIL_CODE"
expect_contains "$FAIL_STDERR" "did you mean: openssh-server"
expect_fail run_tool resolve "${view[@]}" --exclude libssl3 openssh-server
[ "$FAIL_CODE" -eq 3 ] || die "an excluded dependency should exit 3, not $FAIL_CODE"
expect_contains "$FAIL_STDERR" "libssl3 is excluded"

step "(c) arm64 minbase"
run_tool -q refresh-md --release bookworm --arch arm64
arm64=$(resolved --release bookworm --arch arm64 --variant minbase)
count=$(echo "$arm64" | wc -l)
[ "$count" -ge 80 ] || die "arm64 minbase has only $count packages"
expect_contains "$arm64" "libc6 "
echo "    arm64 minbase: $count packages" >&2
