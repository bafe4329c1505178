# download and cache against the signed fixture repository over file:// and http://: a cold run
# fills the shared package cache, a warm one costs no bytes, --dest names files as apt does, and
# every fault (wrong bytes, a stale index, --offline with a cold cache, a kill mid-download) ends
# in one sentence naming the culprit without a wrong or partial file ever entering the cache.
source "$(dirname "$0")/lib.sh"

make_fixture_repo
view=(--mirror "$FIXTURE_URL" --release stable --arch amd64 --keyring "$FIXTURE_KEYRING")
# minbase is five packages; fx-gawk adds a sixth whose version has an epoch.
plan=(--variant minbase fx-gawk)
debs=$CACHE_DIR/debs

json_field() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
download() { run_tool download "${view[@]}" "${plan[@]}" "$@"; }
entries() { find "$debs" -name '*.deb' | wc -l; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

run_tool -q refresh-md "${view[@]}"

step "cold download over file:// fills the cache and --dest"
out=$(download --dest "$TEST_DIR/dest")
echo "$out"
expect_contains "$out" "6 files"
expect_contains "$out" "0 cache hits"
[ "$(entries)" -eq 6 ] || die "the cache holds $(entries) packages, not 6"
[ -z "$(ls -A "$debs/tmp")" ] || die "partial files were left behind: $(ls "$debs/tmp")"
gawk_deb=$FIXTURE_REPO/pool/main/f/fx-gawk/fx-gawk_5.2.1-2_amd64.deb
[ -f "$TEST_DIR/dest/fx-gawk_1%3a5.2.1-2_amd64.deb" ] || die "--dest lacks apt's name for fx-gawk: $(ls "$TEST_DIR/dest")"
[ -f "$TEST_DIR/dest/fx-libc_2.36-9_amd64.deb" ] || die "--dest lacks fx-libc_2.36-9_amd64.deb"
cmp -s "$gawk_deb" "$TEST_DIR/dest/fx-gawk_1%3a5.2.1-2_amd64.deb" || die "fx-gawk in --dest differs from the repo's"
gawk_sha=$(sha_of "$gawk_deb")
[ -f "$debs/${gawk_sha:0:2}/$gawk_sha.deb" ] || die "fx-gawk is not stored under its SHA256"

step "warm download: all hits, zero bytes"
json=$(run_tool --json download "${view[@]}" "${plan[@]}" --dest "$TEST_DIR/dest")
[ "$(json_field '["cache_hits"]' <<<"$json")" = 6 ] || die "a warm run missed the cache: $json"
[ "$(json_field '["bytes_downloaded"]' <<<"$json")" = 0 ] || die "a warm run transferred bytes: $json"
[ "$(ls "$TEST_DIR/dest" | wc -l)" -eq 6 ] || die "--dest holds $(ls "$TEST_DIR/dest")"

step "cache stats and gc"
out=$(run_tool cache stats)
echo "$out"
expect_contains "$out" "6 packages"
expect_contains "$out" "hit rate 50.0% over the last 2 runs (6 hits, 6 misses)"
expect_fail run_tool cache gc --max-size 12parsecs
[ "$FAIL_CODE" -eq 2 ] || die "a bad --max-size exited $FAIL_CODE, not 2"
expect_fail run_tool cache gc
out=$(run_tool cache gc --keep-days 1)
expect_contains "$out" "removed 0 packages"
out=$(run_tool cache gc --max-size 0)
expect_contains "$out" "removed 6 packages"
[ "$(entries)" -eq 0 ] || die "gc --max-size 0 left $(entries) packages"

step "--offline with a cold cache names exactly the missing packages"
run_tool -q download "${view[@]}" --variant minbase
expect_fail download --offline
expect_contains "$FAIL_STDERR" "--offline, and 1 of 6 packages are not in the package cache"
expect_contains "$FAIL_STDERR" ": fx-gawk 1:5.2.1-2"
run_tool cache gc --max-size 0 >/dev/null
expect_fail download --offline
expect_contains "$FAIL_STDERR" "6 of 6 packages"
expect_contains "$FAIL_STDERR" "fx-libc 2.36-9"
[ "$(printf '%s\n' "$FAIL_STDERR" | wc -l)" -eq 1 ] || die "the error is not one line"

step "download over http://"
serve_http "$FIXTURE_REPO"
good_url=$HTTP_URL
json=$(run_tool --json download "${view[@]}" "${plan[@]}" --deb-mirror "$good_url")
[ "$(json_field '["cache_misses"]' <<<"$json")" = 6 ] || die "a cold HTTP run: $json"
[ "$(json_field '["bytes_downloaded"]' <<<"$json")" -gt 100000 ] || die "too few bytes: $json"
json=$(run_tool --json download "${view[@]}" "${plan[@]}" --deb-mirror "$good_url")
[ "$(json_field '["bytes_downloaded"]' <<<"$json")" = 0 ] || die "a warm HTTP run transferred bytes"

step "a mirror serving wrong bytes: named, nothing cached, the next mirror is used"
cp -r "$FIXTURE_REPO" "$TEST_DIR/corrupt"
libc_deb=pool/main/f/fx-libc/fx-libc_2.36-9_amd64.deb
libc_sha=$(sha_of "$FIXTURE_REPO/$libc_deb")
printf 'X' | dd of="$TEST_DIR/corrupt/$libc_deb" bs=1 seek=2000 conv=notrunc status=none
serve_http "$TEST_DIR/corrupt"
corrupt_url=$HTTP_URL
run_tool cache gc --max-size 0 >/dev/null
expect_fail download --deb-mirror "$corrupt_url"
expect_contains "$FAIL_STDERR" "$corrupt_url/$libc_deb served wrong bytes for fx-libc 2.36-9"
[ ! -e "$debs/${libc_sha:0:2}/$libc_sha.deb" ] || die "the corrupt fx-libc entered the cache"
[ -z "$(ls -A "$debs/tmp")" ] || die "the wrong bytes were kept: $(ls "$debs/tmp")"
out=$(download --deb-mirror "$corrupt_url" --deb-mirror "$good_url" 2>"$TEST_DIR/stderr")
expect_contains "$(cat "$TEST_DIR/stderr")" "warning: $corrupt_url/$libc_deb served wrong bytes for fx-libc"
cmp -s "$FIXTURE_REPO/$libc_deb" "$debs/${libc_sha:0:2}/$libc_sha.deb" || die "fx-libc in the cache is not the good one"

step "a stale index (the .deb is gone from the mirror) asks for refresh-md"
cp -r "$FIXTURE_REPO" "$TEST_DIR/stale"
rm "$TEST_DIR/stale/$libc_deb"
serve_http "$TEST_DIR/stale"
run_tool cache gc --max-size 0 >/dev/null
expect_fail download --deb-mirror "$HTTP_URL"
expect_contains "$FAIL_STDERR" "fx-libc 2.36-9 ($libc_deb) is not on $HTTP_URL"
expect_contains "$FAIL_STDERR" "run 'apt-ostree refresh-md'"
expect_fail download --deb-mirror "file://$TEST_DIR/stale"
expect_contains "$FAIL_STDERR" "the package index is stale"

step "killed mid-download (SIGKILL): nothing partial is served, the rerun resumes"
# Serves files in 1 kB chunks with a pause after each, honouring "Range: bytes=N-" (logged).
cat >"$TEST_DIR/slow-server.py" <<'PY'
import http.server, os, sys, time
root, port, log, delay = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
class Slow(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=root, **kwargs)
    def do_GET(self):
        path = self.translate_path(self.path)
        if not os.path.isfile(path):
            self.send_error(404)
            return
        data = open(path, "rb").read()
        start = 0
        wanted = self.headers.get("Range", "")
        if wanted.startswith("bytes="):
            start = int(wanted[6:].split("-")[0])
            with open(log, "a") as out:
                out.write(f"range {start} {self.path}\n")
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        for offset in range(start, len(data), 1024):
            self.wfile.write(data[offset:offset + 1024])
            self.wfile.flush()
            time.sleep(delay)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Slow).serve_forever()
PY
start_slow_server() {
  local port
  port=$(closed_port)
  python3 "$TEST_DIR/slow-server.py" "$FIXTURE_REPO" "$port" "$TEST_DIR/ranges.log" "$1" &
  _cleanup_pids+=($!)
  slow_pid=$!
  for _ in $(seq 100); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
      slow_url=http://127.0.0.1:$port
      return 0
    fi
    sleep 0.05
  done
  die "the slow HTTP server did not start"
}
start_slow_server 0.2
run_tool cache gc --max-size 0 >/dev/null
# The binary itself in the background (not a shell function), so the SIGKILL reaches it.
"$APT_OSTREE" --cache-dir "$CACHE_DIR" -q download "${view[@]}" "${plan[@]}" --deb-mirror "$slow_url" &
victim=$!
for _ in $(seq 200); do
  [ -n "$(find "$debs/tmp" -name '*.partial' -size +1k 2>/dev/null)" ] && break
  sleep 0.05
done
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
partials=$(find "$debs/tmp" -name '*.partial' -size +1k | wc -l)
[ "$partials" -gt 0 ] || die "no partial download was left to resume"
[ "$(entries)" -eq 0 ] || die "a package entered the cache during a killed run"
expect_fail download --offline
expect_contains "$FAIL_STDERR" "6 of 6 packages"
kill "$slow_pid"
start_slow_server 0.01
out=$(download --deb-mirror "$slow_url")
expect_contains "$out" "6 files"
[ "$(entries)" -eq 6 ] || die "the rerun cached $(entries) packages, not 6"
grep -q "^range [1-9]" "$TEST_DIR/ranges.log" || die "the rerun did not resume with a Range request"
for entry in $(find "$debs" -name '*.deb'); do
  [ "$(sha_of "$entry")" = "$(basename "$entry" .deb)" ] || die "$entry does not match its name"
done
[ -z "$(ls -A "$debs/tmp")" ] || die "partial files were left behind"

step "two downloads at once into a cold cache: both succeed, every entry verified"
run_tool cache gc --max-size 0 >/dev/null
"$APT_OSTREE" --cache-dir "$CACHE_DIR" -q download "${view[@]}" "${plan[@]}" --deb-mirror "$slow_url" &
first=$!
"$APT_OSTREE" --cache-dir "$CACHE_DIR" -q download "${view[@]}" "${plan[@]}" --deb-mirror "$slow_url" &
second=$!
wait "$first" || die "the first of two concurrent downloads failed"
wait "$second" || die "the second of two concurrent downloads failed"
[ "$(entries)" -eq 6 ] || die "two concurrent downloads cached $(entries) packages, not 6"
for entry in $(find "$debs" -name '*.deb'); do
  [ "$(sha_of "$entry")" = "$(basename "$entry" .deb)" ] || die "$entry does not match its name"
done

step "Ctrl-C (SIGINT) mid-download: exit 130, one sentence, the partial kept for a resume"
kill "$slow_pid"
start_slow_server 0.2
: >"$TEST_DIR/ranges.log"
run_tool cache gc --max-size 0 >/dev/null
"$APT_OSTREE" --cache-dir "$CACHE_DIR" -q download "${view[@]}" "${plan[@]}" --deb-mirror "$slow_url" \
  2>"$TEST_DIR/interrupted.err" &
victim=$!
for _ in $(seq 200); do
  [ -n "$(find "$debs/tmp" -name '*.partial' -size +1k 2>/dev/null)" ] && break
  sleep 0.05
done
kill -INT "$victim"
code=0
wait "$victim" || code=$?
[ "$code" -eq 130 ] || die "an interrupted download exited $code, not 130"
expect_contains "$(cat "$TEST_DIR/interrupted.err")" "interrupted by SIGINT (Ctrl-C) while downloading"
[ "$(wc -l <"$TEST_DIR/interrupted.err")" -eq 1 ] || die "the interruption is not one line: $(cat "$TEST_DIR/interrupted.err")"
[ "$(entries)" -eq 0 ] || die "a package entered the cache during an interrupted run"
[ -n "$(find "$debs/tmp" -name '*.partial' -size +1k)" ] || die "the interrupted run kept no partial download"
kill "$slow_pid"
start_slow_server 0.01
out=$(download --deb-mirror "$slow_url")
expect_contains "$out" "6 files"
grep -q "^range [1-9]" "$TEST_DIR/ranges.log" || die "the run after Ctrl-C did not resume"

if [ "$(id -u)" -eq 0 ]; then
  step "disk full while downloading: one sentence naming the package, the cache intact"
  run_tool cache gc --max-size 0 >/dev/null
  # Room for the cache's bookkeeping and a package or two, not for the whole plan.
  mount -t tmpfs -o size=48k apt-ostree-test "$debs"
  _cleanup_mounts+=("$debs")
  expect_fail download --deb-mirror "$good_url"
  expect_contains "$FAIL_STDERR" "in the package cache: cannot write"
  expect_contains "$FAIL_STDERR" "No space left on device"
  [ "$(printf '%s\n' "$FAIL_STDERR" | wc -l)" -eq 1 ] || die "the disk-full error is not one line"
  for entry in $(find "$debs" -name '*.deb'); do
    [ "$(sha_of "$entry")" = "$(basename "$entry" .deb)" ] || die "$entry does not match its name"
  done
  [ -z "$(find "$debs/tmp" -name '*.partial')" ] || die "partial files fill the full disk"
  umount "$debs"
fi

echo "all download tests passed" >&2
