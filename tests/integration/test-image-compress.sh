#!/usr/bin/env bash
# image compress: a sparse ext4 image, made here with mke2fs -d, compressed in every format; the
# output checked by the formats' own tools (gzip -t, pigz, xz -t, zstd -t), its checksum files by
# sha256sum -c and friends, its block map by bmaptool copy; and the faults: a missing input, a
# full disk, Ctrl-C.
source "$(dirname "$0")/lib.sh"
require_tool mke2fs gzip pigz xz zstd sha256sum sha1sum md5sum b2sum bmaptool

step "a 64 MiB ext4 image of a small tree (mostly holes)"
mkdir -p "$TEST_DIR/tree/etc" "$TEST_DIR/tree/usr/bin"
cp /bin/bash /bin/ls "$TEST_DIR/tree/usr/bin/"
head -c 3000000 /dev/urandom >"$TEST_DIR/tree/usr/random"
seq 1 200000 >"$TEST_DIR/tree/etc/numbers"
raw=$TEST_DIR/disk.raw
truncate -s 64M "$raw"
mke2fs -q -F -t ext4 -d "$TEST_DIR/tree" "$raw"
[ "$(du -k "$raw" | cut -f1)" -lt 30000 ] || die "the test image is not sparse"

for format in gz xz zstd none; do
  step "--format $format: the format's tool opens it, the checksums check, bmaptool copies it"
  suffix=$(case $format in gz) echo .gz ;; xz) echo .xz ;; zstd) echo .zst ;; none) echo "" ;; esac)
  out=$TEST_DIR/$format/disk.raw$suffix
  mkdir -p "$TEST_DIR/$format"
  json=$("$APT_OSTREE" --json image compress "$raw" --format "$format" -o "$out")
  case $format in
    gz) gzip -t "$out"; pigz -dc "$out" | cmp - "$raw" ;;
    xz) xz -t "$out"; xz -dc "$out" | cmp - "$raw" ;;
    zstd) zstd -qt "$out"; zstd -qdc "$out" | cmp - "$raw" ;;
    none) cmp "$out" "$raw" ;;
  esac
  (cd "$TEST_DIR/$format" && sha256sum -c --quiet "disk.raw$suffix.sha256" &&
    sha1sum -c --quiet "disk.raw$suffix.sha1" && md5sum -c --quiet "disk.raw$suffix.md5" &&
    b2sum -c --quiet "disk.raw$suffix.blake2b")
  expect_contains "$json" "\"sha256\": \"$(sha256sum "$out" | cut -d' ' -f1)\"" "the JSON summary"
  [ -f "$out.checksums.json" ] || die "no $out.checksums.json"
  bmaptool -q copy --bmap "$TEST_DIR/$format/disk.raw.bmap" "$out" "$TEST_DIR/copy.raw"
  cmp "$TEST_DIR/copy.raw" "$raw" || die "bmaptool copy of the $format image differs from the raw image"
  rm "$TEST_DIR/copy.raw"
done

step "the gzip stream does not depend on the thread count"
"$APT_OSTREE" -q image compress "$raw" -o "$TEST_DIR/one.gz" -j 1 --no-bmap
"$APT_OSTREE" -q image compress "$raw" -o "$TEST_DIR/three.gz" -j 3 --no-bmap
cmp "$TEST_DIR/one.gz" "$TEST_DIR/three.gz" || die "-j 1 and -j 3 wrote different gzip streams"

step "--no-checksums writes no checksum files"
"$APT_OSTREE" -q image compress "$raw" -o "$TEST_DIR/bare.zst" --format zstd --no-checksums --no-bmap
[ ! -e "$TEST_DIR/bare.zst.sha256" ] || die "--no-checksums wrote bare.zst.sha256"

step "bad input: a missing image, an unknown format, output over the input"
expect_fail "$APT_OSTREE" image compress "$TEST_DIR/absent.raw"
expect_contains "$FAIL_STDERR" "absent.raw"
expect_fail "$APT_OSTREE" image compress "$raw" --format bz2
expect_contains "$FAIL_STDERR" "--format 'bz2' is not one of gz, xz, zstd, none"
expect_fail "$APT_OSTREE" image compress "$raw" --format none -o "$raw"
expect_contains "$FAIL_STDERR" "would overwrite the raw image"

if mountpoint -q / && mkdir -p "$TEST_DIR/small" && mount -t tmpfs -o size=512k tmpfs "$TEST_DIR/small" 2>/dev/null; then
  _cleanup_mounts+=("$TEST_DIR/small")
  step "a full disk: one clear error, nothing left behind"
  expect_fail "$APT_OSTREE" image compress "$raw" --format none -o "$TEST_DIR/small/disk.raw"
  expect_contains "$FAIL_STDERR" "No space left on device"
  [ -z "$(ls -A "$TEST_DIR/small")" ] || die "a failed compression left $(ls -A "$TEST_DIR/small")"
fi

step "Ctrl-C (SIGINT): exit 130, no output left behind"
big=$TEST_DIR/big.raw
head -c 200M /dev/urandom >"$big"
mkdir -p "$TEST_DIR/int"
"$APT_OSTREE" image compress "$big" --format xz --level 9 -j 1 -o "$TEST_DIR/int/big.raw.xz" \
  2>"$TEST_DIR/interrupted.err" &
victim=$!
for _ in $(seq 200); do
  [ -n "$(ls -A "$TEST_DIR/int")" ] && break
  sleep 0.05
done
sleep 0.3
kill -INT "$victim"
code=0
wait "$victim" || code=$?
[ "$code" -eq 130 ] || die "an interrupted compression exited $code, not 130: $(cat "$TEST_DIR/interrupted.err")"
expect_contains "$(cat "$TEST_DIR/interrupted.err")" "interrupted by SIGINT (Ctrl-C)"
[ -z "$(ls -A "$TEST_DIR/int")" ] || die "an interrupted compression left $(ls -A "$TEST_DIR/int")"
echo "image compress: all checks passed" >&2
