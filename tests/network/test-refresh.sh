# refresh-md against the real Debian archive named by the host's APT sources (the tool's default
# mirror): bookworm main for amd64 and arm64, cold then warm.
source "$(dirname "$0")/../integration/lib.sh"

source "$APT_OSTREE_SOURCE_DIR/tests/lib/private-apt.sh"
require_tool curl
require_archive

json_field() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

for arch in amd64 arm64; do
  step "cold refresh of bookworm main $arch"
  start=$(date +%s.%N)
  json=$(run_tool -v --json refresh-md --release bookworm --arch "$arch")
  echo "    $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f} s')")" >&2
  count=$(json_field '["packages"]' <<<"$json")
  echo "    $count packages" >&2
  [ "$count" -gt 50000 ] || die "only $count packages in bookworm main $arch"
  [ "$(json_field '["files"][0]["downloaded"]' <<<"$json")" = True ] || die "a cold refresh reused a file"
  [ "$(json_field '["files"][0]["path"]' <<<"$json")" = "main/binary-$arch/Packages.xz" ] ||
    die "the Packages index was not fetched as .xz: $json"

  step "warm refresh of bookworm main $arch downloads no index"
  out=$(run_tool -v refresh-md --release bookworm --arch "$arch")
  echo "    $out" >&2
  expect_contains "$out" "bookworm/main $arch: Packages.xz unchanged, Translation-en"
  expect_contains "$out" "unchanged; "
done

echo "network/test-refresh: all passed" >&2
