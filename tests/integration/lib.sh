# Sourced by the integration (and networked) suites. Provides:
#   probe CMD...            skip the suite (exit 77) with a reason unless CMD succeeds
#   require_tool NAME...    skip unless every NAME is in PATH
#   $TEST_DIR               a private temp dir, removed on exit (kept with KEEP_TEST_DIR=1)
#   _cleanup_mounts+=(DIR)  DIR is unmounted on exit
#   make_fixture_repo       builds tests/fixtures/make-repo once per suite into $FIXTURE_REPO
#   serve_http DIR          serves DIR on 127.0.0.1; sets $HTTP_URL; the server dies on exit
#   wait_for_port PORT WHAT waits until something accepts connections on 127.0.0.1:PORT
#   closed_port             prints a local TCP port nothing listens on
#   expect_fail CMD...      asserts CMD exits non-zero; its stderr is in $FAIL_STDERR, its exit
#                           code in $FAIL_CODE
#   expect_contains TEXT NEEDLE [WHAT]  asserts TEXT contains NEEDLE
#   run_tool ARGS...        runs $APT_OSTREE with the suite's --cache-dir
#   copy_partition RAW N OUT  copies partition N (from 0) of the disk image RAW to the file OUT
#   require_uefi_qemu       skips the suite unless an amd64 image can boot here (QEMU, OVMF)
#   compose_example_image EXAMPLE  compose image examples/EXAMPLE into $TEST_DIR/out, timed
# Suites run with `set -euo pipefail`; an unexpected failure ends them with a message.
set -euo pipefail

: "${APT_OSTREE:?APT_OSTREE must name the apt-ostree binary (ctest sets it)}"
: "${APT_OSTREE_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/apt-ostree-test.XXXXXX")
CACHE_DIR=$TEST_DIR/cache
_cleanup_pids=()
_cleanup_mounts=()  # unmounted on exit (lazily: a failed step may leave them busy)

_cleanup() {
  local pid mount
  for pid in "${_cleanup_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${_cleanup_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for mount in "${_cleanup_mounts[@]}"; do umount -l "$mount" 2>/dev/null || true; done
  # ostree makes deployment directories immutable.
  find "$TEST_DIR" -mindepth 5 -maxdepth 6 -type d -path '*/ostree/deploy/*/deploy/*' -prune \
    -exec chattr -i {} + 2>/dev/null || true
  if [ -n "${KEEP_TEST_DIR:-}" ]; then echo "kept $TEST_DIR" >&2; else rm -rf "$TEST_DIR"; fi
}
trap _cleanup EXIT

skip() {
  echo "SKIPPED: $*" >&2
  exit 77
}

probe() {
  "$@" >/dev/null 2>&1 || skip "probe failed: $*"
}

require_tool() {
  local tool
  for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"; done
}

die() {
  echo "FAIL: $*" >&2
  exit 1
}

# Numbered steps make a failure easy to find in ctest's output.
step() {
  echo "--- $*" >&2
}

make_fixture_repo() {
  require_tool gpg gpgv dpkg-deb apt-ftparchive xz gzip
  FIXTURE_REPO=$TEST_DIR/repo
  if [ ! -d "$FIXTURE_REPO/dists" ]; then
    "$APT_OSTREE_SOURCE_DIR/tests/fixtures/make-repo" "$@" "$FIXTURE_REPO" ||
      die "tests/fixtures/make-repo failed"
  fi
  FIXTURE_KEYRING=$FIXTURE_REPO/keyring.gpg
  FIXTURE_URL=file://$FIXTURE_REPO
}

closed_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

serve_http() {
  require_tool python3
  local dir=$1 port log=$TEST_DIR/http.$RANDOM.log
  port=$(closed_port)
  python3 -m http.server --bind 127.0.0.1 --directory "$dir" "$port" >"$log" 2>&1 &
  _cleanup_pids+=($!)
  local i
  for i in $(seq 100); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
      HTTP_URL=http://127.0.0.1:$port
      HTTP_LOG=$log
      return 0
    fi
    sleep 0.05
  done
  die "the HTTP server for $dir did not start (see $log)"
}

# serve_static DIR: DIR served by nginx (tests/lib/static-server.sh) on a free port of 127.0.0.1;
# sets STATIC_URL and STATIC_LOG (its access log).
serve_static() {
  require_tool nginx
  source "$APT_OSTREE_SOURCE_DIR/tests/lib/static-server.sh"
  static_server_start "$1" "$TEST_DIR/nginx.$RANDOM" || die "nginx did not start for $1"
  _cleanup_pids+=("$STATIC_PID")
}

# make_sysroot SYSROOT URL REF: a sysroot as stock `ostree admin` makes one, REF pulled from the
# remote "fixture" at URL and deployed in the stateroot "debian" (root=UUID=feed rw), with the
# grub.cfg the ostree image layout leaves (which apt-ostree keeps in step with the boot entries).
make_sysroot() {
  local sysroot=$1 url=$2 ref=$3
  mkdir -p "$sysroot"
  ostree admin init-fs "$sysroot" >/dev/null
  ostree config --repo="$sysroot/ostree/repo" set sysroot.bootloader none
  ostree admin os-init --sysroot="$sysroot" debian >/dev/null
  ostree remote add --repo="$sysroot/ostree/repo" --no-gpg-verify fixture "$url"
  ostree pull --repo="$sysroot/ostree/repo" fixture "$ref" >/dev/null
  ostree admin deploy --sysroot="$sysroot" --os=debian --karg=root=UUID=feed --karg=rw \
    "fixture:$ref" >/dev/null
  mkdir -p "$sysroot/boot/grub"
  echo "# apt-ostree grub.cfg: boot-uuid=feed prefix=/boot" >"$sysroot/boot/grub/grub.cfg"
}

wait_for_port() {
  local port=$1 what=$2 i
  for i in $(seq 200); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && return 0
    sleep 0.05
  done
  die "$what did not start listening on port $port"
}

expect_fail() {
  FAIL_CODE=0
  FAIL_STDERR=$("$@" 2>&1 >/dev/null) || FAIL_CODE=$?
  [ "$FAIL_CODE" -ne 0 ] || die "expected failure, but it succeeded: $*"
  echo "    (exit $FAIL_CODE) $FAIL_STDERR" >&2
}

expect_contains() {
  local text=$1 needle=$2 what=${3:-output}
  [[ $text == *"$needle"* ]] || die "$what does not contain '$needle': $text"
}

run_tool() {
  "$APT_OSTREE" --cache-dir "$CACHE_DIR" "$@"
}

copy_partition() {
  local start size
  read -r start size < <(sfdisk -J "$1" | python3 -c "import json, sys; p = json.load(sys.stdin)['partitiontable']['partitions'][$2]; print(p['start'], p['size'])")
  dd if="$1" of="$3" bs=1M iflag=skip_bytes,count_bytes skip=$((start * 512)) count=$((size * 512)) status=none
}

require_uefi_qemu() {
  require_tool qemu-system-x86_64
  [ -e /usr/share/OVMF/OVMF_CODE_4M.fd ] || [ -e /usr/share/OVMF/OVMF_CODE.fd ] ||
    skip "no UEFI firmware for QEMU (the ovmf package)"
}

compose_example_image() {
  local started=$SECONDS
  step "compose image examples/$1"
  run_tool compose image "$APT_OSTREE_SOURCE_DIR/examples/$1" -o "$TEST_DIR/out" >"$TEST_DIR/image.out"
  sed 's/^/    /' "$TEST_DIR/image.out" >&2
  echo "    composed in $((SECONDS - started)) s" >&2
}
