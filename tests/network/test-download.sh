# download a real plan from the host's mirror: bookworm amd64 minbase into an empty cache and a
# --dest directory. The files are the ones `apt-get download` fetches for the same packages
# (same apt file names, same bytes by SHA256), a second run transfers nothing, and --offline then
# works without the network.
source "$(dirname "$0")/../integration/lib.sh"

source "$APT_OSTREE_SOURCE_DIR/tests/lib/private-apt.sh"
require_tool apt-get curl python3 sha256sum
require_archive

view=(--release bookworm --arch amd64)
json_field() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

step "refresh bookworm main amd64 and a private APT configuration over the same view"
run_tool -q refresh-md "${view[@]}"
private_apt_setup "$TEST_DIR/apt" bookworm amd64 || die "apt-get update of the private configuration failed"

step "cold download of the minbase plan"
json=$(run_tool --json download "${view[@]}" --variant minbase --dest "$TEST_DIR/ours")
files=$(json_field '["files"]' <<<"$json")
[ "$files" -gt 50 ] || die "the minbase plan has only $files files"
[ "$(json_field '["cache_misses"]' <<<"$json")" = "$files" ] || die "a cold run hit the cache: $json"
[ "$(ls "$TEST_DIR/ours" | wc -l)" -eq "$files" ] || die "--dest holds $(ls "$TEST_DIR/ours" | wc -l) files, not $files"

step "the same files, byte for byte, as apt-get download of the same packages"
packages=$(python3 -c 'import json, sys
print(" ".join(p["name"] + "=" + p["version"] for p in json.load(sys.stdin)["packages"]))' <<<"$json")
mkdir "$TEST_DIR/apt-get"
# shellcheck disable=SC2086  # one word per package
(cd "$TEST_DIR/apt-get" && APT_CONFIG="$TEST_DIR/apt/apt.conf" apt-get -q download $packages >/dev/null)
same_set "file names vs apt-get download" "$(ls "$TEST_DIR/apt-get")" "$(ls "$TEST_DIR/ours")"
same_set "SHA256s vs apt-get download" "$(cd "$TEST_DIR/apt-get" && sha256sum -- * | sort)" \
  "$(cd "$TEST_DIR/ours" && sha256sum -- * | sort)"

step "warm: zero bytes, then --offline"
json=$(run_tool --json download "${view[@]}" --variant minbase)
[ "$(json_field '["bytes_downloaded"]' <<<"$json")" = 0 ] || die "a warm run transferred bytes: $json"
[ "$(json_field '["cache_hits"]' <<<"$json")" = "$files" ] || die "a warm run missed: $json"
run_tool -q download "${view[@]}" --variant minbase --offline

echo "all networked download tests passed" >&2
