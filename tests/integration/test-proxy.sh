# Downloads through a real apt-cacher-ng on loopback, the shared caching proxy of a build farm:
# chosen with --apt-proxy, with the APT configuration (APT_CONFIG) and with http_proxy, each
# beating the next as apt's own order says, exceptions (per-host DIRECT, no_proxy, --apt-proxy
# DIRECT) going direct; failures name the proxy; and once the origin server is stopped, other
# machines (other --cache-dir) are still served from the proxy's cache.
source "$(dirname "$0")/lib.sh"

acng=/usr/sbin/apt-cacher-ng
[ -x "$acng" ] || skip "apt-cacher-ng is not installed (scripts/install-deps installs it)"
require_tool python3 cmp
make_fixture_repo

# apt-cacher-ng 3.7 takes ports as signed 16-bit numbers: it cannot listen on, nor connect to, a
# port from 32768 on, which is where the kernel's ephemeral ports (closed_port) start. So both
# the proxy and the origin get a free port below.
low_port() {
  python3 -c '
import random, socket
for port in random.sample(range(20000, 32768), 200):
    try:
        socket.socket().bind(("127.0.0.1", port))
    except OSError:
        continue
    print(port)
    break'
}

# The origin: the fixture archive over HTTP (serve_http's servers get ephemeral ports).
origin_port=$(low_port)
python3 -m http.server --bind 127.0.0.1 --directory "$FIXTURE_REPO" "$origin_port" \
  >"$TEST_DIR/origin.log" 2>&1 &
_cleanup_pids+=($!)
origin_pid=$!
wait_for_port "$origin_port" "the origin HTTP server"
origin=http://127.0.0.1:$origin_port

# Only what each step sets may choose the proxy, never the caller's environment...
unset http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY all_proxy ALL_PROXY
# ...nor the host's APT configuration: private ones that skip apt.conf and apt.conf.d.
mkdir "$TEST_DIR/apt.conf.d"
apt_config() {
  local file=$TEST_DIR/apt-$1.conf
  shift
  {
    echo "Dir::Etc::main \"/dev/null\";"
    echo "Dir::Etc::Parts \"$TEST_DIR/apt.conf.d\";"
    printf '%s\n' "$@"
  } >"$file"
  echo "$file"
}
export APT_CONFIG
APT_CONFIG=$(apt_config none)

# A proxy in the foreground with its own configuration, cache and log; no Remap rules, so it acts
# as a plain caching proxy for whatever origin a URL names.
state=$TEST_DIR/acng
mkdir -p "$state/conf" "$state/cache" "$state/log"
proxy_port=$(low_port)
proxy=http://127.0.0.1:$proxy_port
cat >"$state/conf/acng.conf" <<EOF
CacheDir: $state/cache
LogDir: $state/log
SupportDir: /usr/lib/apt-cacher-ng
Port: $proxy_port
BindAddress: 127.0.0.1
SocketPath: $state/socket
ForeGround: 1
# Only port 80 may be proxied by default; the origin listens on a free port.
AllowUserPorts: 0
# Each line is on disk at once, so the test can read what the proxy did.
UnbufferLogs: 1
EOF
start_proxy() {
  "$acng" -c "$state/conf" "$@" >>"$state/stdout.log" 2>&1 &
  _cleanup_pids+=($!)
  proxy_pid=$!
  wait_for_port "$proxy_port" apt-cacher-ng
}
start_proxy

# The proxy's log has one line per file: "|I|" fetched from the origin, "|O|" sent to a client.
served() { grep -c "|O|.*$1\$" "$state/log/apt-cacher.log" || true; }
fetched() { grep -c "|I|.*$1\$" "$state/log/apt-cacher.log" || true; }
dead=http://127.0.0.1:$(closed_port)
view=(--mirror "$origin" --release stable --arch amd64 --keyring "$FIXTURE_KEYRING")
plan=(--variant minbase fx-gawk)
machine() {
  local name=$1
  shift
  "$APT_OSTREE" --cache-dir "$TEST_DIR/machine-$name" -q "$@"
}
refresh() { machine "$1" refresh-md "${view[@]}" "${@:2}"; }
download() { machine "$1" download "${view[@]}" "${plan[@]}" "${@:2}"; }
libc_deb=pool/main/f/fx-libc/fx-libc_2.36-9_amd64.deb

step "--apt-proxy beats the APT configuration, http_proxy and no_proxy"
APT_CONFIG=$(apt_config dead "Acquire::http::Proxy \"$dead/\";") http_proxy=$dead \
  no_proxy=127.0.0.1 refresh a --apt-proxy "$proxy"
APT_CONFIG=$(apt_config dead "Acquire::http::Proxy \"$dead/\";") http_proxy=$dead \
  no_proxy=127.0.0.1 download a --apt-proxy "$proxy"
[ "$(served dists/stable/InRelease)" -eq 1 ] || die "InRelease did not come through the proxy"
[ "$(served main/binary-amd64/Packages.xz)" -eq 1 ] || die "Packages.xz did not come through the proxy"
[ "$(served '\.deb')" -eq 6 ] || die "the proxy served $(served '\.deb') packages, not 6"
cached=$(find "$state/cache" -name "$(basename "$libc_deb")")
[ -n "$cached" ] || die "the proxy did not cache fx-libc: $(find "$state/cache" -type f)"
cmp -s "$FIXTURE_REPO/$libc_deb" "$cached" || die "the proxy cached wrong bytes for fx-libc"

step "the APT configuration (APT_CONFIG) beats http_proxy"
APT_CONFIG=$(apt_config proxy "Acquire::http::Proxy \"$proxy/\";") http_proxy=$dead refresh b
APT_CONFIG=$(apt_config proxy "Acquire::http::Proxy \"$proxy/\";") http_proxy=$dead download b
[ "$(served dists/stable/InRelease)" -eq 2 ] || die "machine b's InRelease did not come through the proxy"
[ "$(served '\.deb')" -eq 12 ] || die "machine b's packages did not come through the proxy"
[ "$(fetched '\.deb')" -eq 6 ] || die "the proxy fetched packages it had cached: $(fetched '\.deb')"

step "http_proxy when the APT configuration names no proxy"
http_proxy=$proxy refresh c
http_proxy=$proxy download c
[ "$(served dists/stable/InRelease)" -eq 3 ] || die "machine c's InRelease did not come through the proxy"
[ "$(served '\.deb')" -eq 18 ] || die "machine c's packages did not come through the proxy"

step "exceptions go direct: a per-host DIRECT, no_proxy, --apt-proxy DIRECT"
APT_CONFIG=$(apt_config host-direct "Acquire::http::Proxy \"$dead/\";" \
  "Acquire::http::Proxy::127.0.0.1 \"DIRECT\";") http_proxy=$dead refresh d1
APT_CONFIG=$(apt_config proxy "Acquire::http::Proxy \"$proxy/\";") no_proxy=127.0.0.1 refresh d2
APT_CONFIG=$(apt_config dead "Acquire::http::Proxy \"$dead/\";") refresh d3 --apt-proxy DIRECT
[ "$(served dists/stable/InRelease)" -eq 3 ] || die "a direct refresh went through the proxy"

step "a proxy that does not answer is named with where it came from"
APT_CONFIG=$(apt_config dead "Acquire::http::Proxy \"$dead/\";") expect_fail refresh e
expect_contains "$FAIL_STDERR" "through the proxy $dead/ (from Acquire::http::Proxy)"
expect_fail refresh e --apt-proxy "http://user:secret@${dead#http://}"
expect_contains "$FAIL_STDERR" "through the proxy $dead (from --apt-proxy)"
[[ $FAIL_STDERR != *secret* ]] || die "the proxy's password was printed: $FAIL_STDERR"
expect_fail refresh e --apt-proxy "cache:3142"
[ "$FAIL_CODE" -eq 2 ] || die "a bad --apt-proxy exited $FAIL_CODE, not 2"

step "a broken APT configuration stops downloads only; --apt-proxy does not read it"
broken=$(apt_config broken 'Acquire::http::Proxy "unterminated;')
APT_CONFIG=$broken expect_fail refresh e
expect_contains "$FAIL_STDERR" "cannot read the APT configuration for its proxy settings"
expect_contains "$FAIL_STDERR" "$broken"
APT_CONFIG=$broken refresh e --apt-proxy DIRECT
APT_CONFIG=$broken machine e search "${view[@]}" fx-libc >/dev/null

step "origin stopped: another machine gets its packages from the proxy's cache"
refresh f --apt-proxy "$proxy"
kill "$origin_pid"
wait "$origin_pid" 2>/dev/null || true
expect_fail download f --apt-proxy DIRECT
expect_contains "$FAIL_STDERR" "$origin/pool/main/f/"
download f --apt-proxy "$proxy" --dest "$TEST_DIR/dest-f"
[ "$(fetched '\.deb')" -eq 6 ] || die "the proxy reached the stopped origin: $(fetched '\.deb')"
[ "$(served '\.deb')" -eq 24 ] || die "machine f's packages did not come from the proxy"
cmp -s "$FIXTURE_REPO/$libc_deb" "$TEST_DIR/dest-f/fx-libc_2.36-9_amd64.deb" ||
  die "machine f got wrong bytes for fx-libc"

step "origin stopped, proxy offline: a cold machine gets metadata and packages from its cache"
# A proxy revalidates index files with the origin while online; in offline mode it answers
# from its cache alone, which is how a farm keeps building while the upstream is unreachable.
kill "$proxy_pid"
wait "$proxy_pid" 2>/dev/null || true
start_proxy Offlinemode=1
refresh g --apt-proxy "$proxy"
download g --apt-proxy "$proxy"
[ "$(served dists/stable/InRelease)" -eq 5 ] || die "machine g's InRelease did not come from the proxy"
[ "$(served '\.deb')" -eq 30 ] || die "machine g's packages did not come from the proxy"
[ "$(find "$TEST_DIR/machine-g/debs" -name '*.deb' | wc -l)" -eq 6 ] || die "machine g lacks packages"

echo "all proxy tests passed" >&2
