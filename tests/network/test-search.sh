# search and show against apt-cache over the same archive view (bookworm main amd64 from the
# host's mirror): the same package names for every query, and show printing what apt-cache show
# prints.
source "$(dirname "$0")/../integration/lib.sh"

source "$APT_OSTREE_SOURCE_DIR/tests/lib/private-apt.sh"
require_tool apt-cache apt-get curl
require_archive

step "refresh bookworm main amd64 and a private APT configuration over the same view"
run_tool -q refresh-md --release bookworm --arch amd64
private_apt_setup "$TEST_DIR/apt" bookworm amd64 || die "apt-get update of the private configuration failed"
apt_cache() { APT_CONFIG="$TEST_DIR/apt/apt.conf" apt-cache "$@"; }
view=(--release bookworm --arch amd64)

# Compares the sets of package names (apt-cache lists in index order, apt-ostree by name).
same_names() {
  local theirs
  theirs=$(apt_cache search "$@" | cut -d' ' -f1 | sort)
  [ -n "$theirs" ] || die "apt-cache search $* found nothing; pick another query"
  same_set "search $*" "$theirs" "$(run_tool search "${view[@]}" "$@" | cut -d' ' -f1 | sort)"
}

step "full-text search"
same_names editor
same_names TEXT Editor
same_names python3 xml parser
same_names sh-compatible            # only in bash's long description (from Translation-en)
same_names mail-transport-agent     # matches providers too

step "regular expressions"
same_names '^lib.*-dev$'
same_names 'gr[ae]y' image
same_names 'c\+\+' 'lint(er)?'

step "names only (names and provided names)"
same_names --names-only bash
same_names --names-only mail-transport-agent
same_names --names-only '^python3-.*yaml'

step "search output lines and JSON"
line=$(run_tool search "${view[@]}" --names-only '^bash$')
[ "$line" = "$(apt_cache search --names-only '^bash$')" ] || die "search line differs: $line"
json=$(run_tool --json search "${view[@]}" --names-only '^bash$')
python3 -c '
import json, sys
(entry,) = json.load(sys.stdin)
assert entry["name"] == "bash" and entry["architecture"] == "amd64", entry
assert entry["description"] == "GNU Bourne Again SHell" and entry["version"], entry
' <<<"$json" || die "search --json is wrong: $json"

step "show prints what apt-cache show prints, field by field"
for packages in bash "coreutils libc6" python3-yaml; do
  # shellcheck disable=SC2086 # several packages on purpose
  if ! diff <(apt_cache show $packages) <(run_tool show "${view[@]}" $packages) >&2; then
    die "show $packages differs from apt-cache show (< apt-cache, > apt-ostree)"
  fi
  echo "    show $packages: identical" >&2
done
version=$(apt_cache show bash | sed -n 's/^Version: //p' | head -n 1)
diff <(apt_cache show "bash=$version") <(run_tool show "${view[@]}" "bash=$version") >&2 ||
  die "show bash=$version differs from apt-cache"

step "unknown packages and versions are usage errors naming them"
expect_fail run_tool show "${view[@]}" bsah
[ "$FAIL_CODE" -eq 2 ] || die "show of an unknown package exited $FAIL_CODE, not 2"
expect_contains "$FAIL_STDERR" "'bsah'"
expect_contains "$FAIL_STDERR" "bash"
expect_fail run_tool show "${view[@]}" bash=0.0-nope
expect_contains "$FAIL_STDERR" "$version"
expect_fail run_tool show "${view[@]}" mail-transport-agent
expect_contains "$FAIL_STDERR" "postfix"

echo "network/test-search: all passed" >&2
