# refresh-md against the signed fixture repository, over file:// and http://: what is downloaded
# and when, and that every bad input fails with one sentence naming the culprit while the previous
# generation stays current.
source "$(dirname "$0")/lib.sh"

make_fixture_repo
dists=$FIXTURE_REPO/dists/stable
view=(--mirror "$FIXTURE_URL" --release stable --arch amd64 --keyring "$FIXTURE_KEYRING")

# Global options (--json, -q) come before the command.
refresh() { run_tool "$@" refresh-md "${view[@]}"; }

json_field() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

# The generation `current` points to in the file:// view's metadata dir.
current_generation() { readlink "$md_dir/current"; }

expect_current() {
  [ "$(current_generation)" = "$1" ] || die "current moved from $1 to $(current_generation)"
  [ -f "$md_dir/current/packages.idx" ] || die "current has no packages.idx"
}

# A failure must be one line on stderr naming the culprit, and leave the cache as it was.
expect_refresh_fails() {
  local needle=$1
  shift
  expect_fail run_tool refresh-md "$@"
  expect_contains "$FAIL_STDERR" "$needle" "the error"
  [ "$(printf '%s\n' "$FAIL_STDERR" | wc -l)" -eq 1 ] || die "the error is not one line: $FAIL_STDERR"
  expect_current "$good"
}

# Adds a copy of fx-apt named NAME to the amd64 Packages and signs the release again.
add_package() {
  python3 - "$dists/main/binary-amd64/Packages" "$1" <<'EOF'
import sys
path, name = sys.argv[1], sys.argv[2]
text = open(path).read()
stanza = next(s for s in text.split("\n\n") if s.startswith("Package: fx-apt\n"))
open(path, "a").write(stanza.replace("Package: fx-apt", "Package: " + name, 1) + "\n\n")
EOF
  # Last-Modified has a resolution of one second: make sure the new InRelease is newer.
  sleep 1
  "$APT_OSTREE_SOURCE_DIR/tests/fixtures/make-repo" --resign "$FIXTURE_REPO"
}

step "cold refresh over file://"
out=$(refresh)
echo "$out"
expect_contains "$out" "stable/main amd64: Packages.xz"
expect_contains "$out" "downloaded"
expect_contains "$out" "Translation-en.xz"
expect_contains "$out" "; 14 packages"
md_dir=$(refresh --json | json_field '["metadata_dir"]')
good=$(current_generation)
[[ $good == gen-* ]] || die "current points to '$good', not a generation"
[ -f "$md_dir/current/Release" ] && [ -f "$md_dir/current/packages.solv" ] ||
  die "the generation lacks Release or packages.solv"

step "warm refresh downloads nothing"
out=$(refresh)
expect_contains "$out" "Packages.xz unchanged, Translation-en.xz unchanged; 14 packages"
json=$(refresh --json)
[ "$(json_field '["bytes_downloaded"]' <<<"$json")" = 0 ] || die "a warm refresh transferred bytes: $json"
[ "$(json_field '["release_changed"]' <<<"$json")" = False ] || die "release_changed on a warm refresh"
expect_current "$good"
[ -z "$(refresh -q)" ] || die "-q printed something on success"

step "a changed Packages is downloaded again, the unchanged Translation-en is not"
add_package fx-apt-copy
out=$(refresh)
echo "$out"
expect_contains "$out" "Packages.xz"
expect_contains "$out" "downloaded, Translation-en.xz unchanged; 15 packages"
[ "$(current_generation)" != "$good" ] || die "current did not move after a change"
good=$(current_generation)
[ "$(find "$md_dir" -maxdepth 1 -name 'gen-*' | wc -l)" -eq 1 ] || die "old generations were kept"
[ "$(find "$md_dir/files" -type f | wc -l)" -eq 2 ] || die "unreferenced index files were kept"
run_tool search "${view[@]}" fx-apt-copy | grep -q fx-apt-copy || die "search does not see the new package"

step "tampered InRelease"
cp "$dists/InRelease" "$TEST_DIR/InRelease.good"
sed -i 's/^Label: apt-ostree fixture$/Label: apt-ostree fixturE/' "$dists/InRelease"
cmp -s "$dists/InRelease" "$TEST_DIR/InRelease.good" && die "the tampering changed nothing"
touch -d '+5 seconds' "$dists/InRelease"
expect_refresh_fails "bad signature" "${view[@]}"
expect_contains "$FAIL_STDERR" "InRelease of stable from $FIXTURE_URL/dists/stable/InRelease"
run_tool search "${view[@]}" fx-apt-copy | grep -q fx-apt-copy || die "the previous cache is no longer usable"
cp "$TEST_DIR/InRelease.good" "$dists/InRelease"
touch -d '+6 seconds' "$dists/InRelease"

step "untrusted key"
expect_refresh_fails "is not signed by a trusted key (keyring $FIXTURE_REPO/other-keyring.gpg)" \
  --mirror "$FIXTURE_URL" --release stable --arch amd64 --keyring "$FIXTURE_REPO/other-keyring.gpg"

step "unsigned release"
mv "$dists/InRelease" "$dists/Release.gpg" "$TEST_DIR/"
expect_refresh_fails "Release of stable from $FIXTURE_URL/dists/stable/Release is not signed" "${view[@]}"
step "detached signature only (no InRelease)"
mv "$TEST_DIR/Release.gpg" "$dists/"
out=$(refresh)
expect_contains "$out" "unchanged; 15 packages"
mv "$TEST_DIR/InRelease" "$dists/"
touch -d '+7 seconds' "$dists/InRelease"
good=$(current_generation)

step "Packages.xz whose SHA256 does not match the Release"
add_package fx-apt-second
packages_xz=$dists/main/binary-amd64/Packages.xz
cp "$packages_xz" "$TEST_DIR/Packages.xz.good"
python3 - "$packages_xz" <<'EOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 0xFF
open(sys.argv[1], "wb").write(data)
EOF
expect_refresh_fails "main/binary-amd64/Packages.xz from $FIXTURE_URL/dists/stable/main/binary-amd64/Packages.xz does not match" "${view[@]}"

step "truncated Packages.xz"
head -c 100 "$TEST_DIR/Packages.xz.good" > "$packages_xz"
expect_refresh_fails "main/binary-amd64/Packages.xz from $FIXTURE_URL/dists/stable/main/binary-amd64/Packages.xz is truncated" "${view[@]}"
cp "$TEST_DIR/Packages.xz.good" "$packages_xz"
out=$(refresh)
expect_contains "$out" "16 packages"
good=$(current_generation)

step "unknown release, architecture, component"
expect_refresh_fails "release 'nosuch' not found at $FIXTURE_URL" \
  --mirror "$FIXTURE_URL" --release nosuch --arch amd64 --keyring "$FIXTURE_KEYRING"
[ "$FAIL_CODE" -eq 2 ] || die "an unknown release should be a usage error (2), got $FAIL_CODE"
expect_refresh_fails "release 'stable' has no architecture 'foo' (it has: amd64 arm64)" \
  --mirror "$FIXTURE_URL" --release stable --arch foo --keyring "$FIXTURE_KEYRING"
expect_refresh_fails "release 'stable' has no component 'contrib' (it has: main)" \
  "${view[@]}" --components main,contrib

step "unreachable mirror"
port=$(closed_port)
expect_refresh_fails "http://127.0.0.1:$port/debian/dists/stable/InRelease" \
  --mirror "http://127.0.0.1:$port/debian" --release stable --arch amd64 --keyring "$FIXTURE_KEYRING"

step "expired Valid-Until"
sleep 1
"$APT_OSTREE_SOURCE_DIR/tests/fixtures/make-repo" --resign --valid-until "Sat, 01 Jan 2000 00:00:00 UTC" "$FIXTURE_REPO"
expect_refresh_fails "expired on Sat, 01 Jan 2000 00:00:00 UTC (Valid-Until)" "${view[@]}"
sleep 1
"$APT_OSTREE_SOURCE_DIR/tests/fixtures/make-repo" --resign --valid-until "Fri, 01 Jan 2100 00:00:00 UTC" "$FIXTURE_REPO"
refresh -q

step "refresh over http://, conditional InRelease, arm64"
serve_http "$FIXTURE_REPO"
http_view=(--mirror "$HTTP_URL" --release stable --keyring "$FIXTURE_KEYRING")
out=$(run_tool refresh-md "${http_view[@]}" --arch arm64)
echo "$out"
expect_contains "$out" "stable/main arm64: Packages.zst"
expect_contains "$out" "; 14 packages"
out=$(run_tool refresh-md "${http_view[@]}" --arch arm64)
expect_contains "$out" "Packages.zst unchanged, Translation-en.xz unchanged; 14 packages"
grep -q '"GET /dists/stable/InRelease HTTP/1.1" 304' "$HTTP_LOG" ||
  die "the second refresh did not get 304 Not Modified for InRelease: $(cat "$HTTP_LOG")"

step "by-hash downloads"
sleep 1
"$APT_OSTREE_SOURCE_DIR/tests/fixtures/make-repo" --resign --by-hash "$FIXTURE_REPO"
CACHE_DIR=$TEST_DIR/cache-by-hash
out=$(run_tool refresh-md "${http_view[@]}" --arch amd64)
expect_contains "$out" "; 16 packages"
grep -q "GET /dists/stable/main/binary-amd64/by-hash/SHA256/" "$HTTP_LOG" ||
  die "Acquire-By-Hash was not used: $(cat "$HTTP_LOG")"

echo "test-refresh: all passed" >&2
