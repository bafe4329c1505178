# Shared by the client suites: a one-stage recipe over the fixture repository with a stub kernel
# (treefile NAME PACKAGES), published by `compose tree` into an archive repository ($served) with
# `publish`, and helpers reading the sysroot ($sysroot) through status --json and stock ostree.
# Sourced after lib.sh; sources compose-fixture.sh.
source "$(dirname "${BASH_SOURCE[0]}")/compose-fixture.sh"
require_tool ostree nginx

recipe=$TEST_DIR/recipe
mkdir -p "$recipe/overlay/usr/lib/modules/6.1.0-fx"
echo "stub kernel" >"$recipe/overlay/usr/lib/modules/6.1.0-fx/vmlinuz"
echo "stub initramfs" >"$recipe/overlay/usr/lib/modules/6.1.0-fx/initramfs.img"
printf 'ID=debian\nPRETTY_NAME="Fixture"\n' >"$recipe/overlay/usr/lib/os-release"  # ostree titles entries
# treefile NAME PACKAGES: one stage with the stub kernel, committed to its default ref ($ref).
treefile() {
  printf 'release: stable\nmirror: %s\nvariant: none\npackages: [%s]\nfiles: overlay\n' \
    "$HTTP_URL" "$2" >"$recipe/$1.yaml"
}
treefile first "fx-sysroot, fx-order-app"
treefile second "fx-sysroot, fx-order-app, fx-conffile"
served=$TEST_DIR/served
publish() {  # publish TREEFILE VERSION [OPTION...]: prints the commit; sets $ref
  local out
  out=$(run_tool --json compose tree --keyring "$FIXTURE_KEYRING" "$recipe/$1.yaml" \
    --repo "$served" --add-metadata-string "version=$2" "${@:3}" 2>&1) || die "compose tree $1 failed (exit $?): $out"
  ref=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["ref"])' <<<"$out")
  python3 -c 'import json, sys; print(json.load(sys.stdin)["commit"])' <<<"$out"
}
status_field() {  # status_field INDEX FIELD: a field of a deployment in status --json
  run_tool --json status --sysroot "$sysroot" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["deployments"][int(sys.argv[1])][sys.argv[2]])' "$1" "$2"
}
ostree_first() {  # the checksum of stock ostree's first deployment
  ostree admin status --sysroot="$sysroot" | awk '$1 == "debian" || $2 == "debian" { print $NF; exit }' |
    sed 's/\.[0-9]*$//'
}
first_menuentry() { grep -m1 -o "ostree=/ostree/boot[^ ]*" "$sysroot/boot/grub/grub.cfg"; }
