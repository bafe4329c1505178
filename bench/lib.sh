# Sourced by the benchmarks: one archive view (bookworm main amd64 from the host's mirror) set up
# for apt-ostree and for the peer (a private APT configuration), and side-by-side timing helpers.
#
#   APT_OSTREE=path/to/apt-ostree (default build/apt-ostree); RUNS=N or the script's first argument.

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
apt_ostree=${APT_OSTREE:-$bench_dir/../build/apt-ostree}
runs=${1:-${RUNS:-20}}
[ -x "$apt_ostree" ] || { echo "bench: no apt-ostree at $apt_ostree (set APT_OSTREE)" >&2; exit 1; }
source "$bench_dir/../tests/lib/private-apt.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/apt-ostree-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
ours=("$apt_ostree" --cache-dir "$work/cache")
view=(--release bookworm --arch amd64)

# Refreshes apt-ostree's cache and the private APT configuration ($work/apt) over the same view.
setup_view() {
  echo "setup: refresh-md and a private APT configuration (bookworm main amd64)" >&2
  "${ours[@]}" -q refresh-md "${view[@]}"
  private_apt_setup "$work/apt" bookworm amd64 2>/dev/null
  export APT_CONFIG=$work/apt/apt.conf
}

# Best wall time in ms of $runs runs after a warm-up; hyperfine when installed (it subtracts the
# shell's own cost), otherwise a loop. `--prepare CMD` runs CMD before each timed run (untimed).
best_ms() {
  local prepare=()
  if [ "$1" = --prepare ]; then prepare=(--prepare "$2"); shift 2; fi
  if command -v hyperfine >/dev/null 2>&1; then
    # -N runs commands without a shell, --prepare included: give the preparation one.
    [ ${#prepare[@]} -eq 0 ] || prepare=(--prepare "bash -c $(printf '%q' "${prepare[1]}")")
    hyperfine -N -w 1 -r "$runs" "${prepare[@]}" --export-json "$work/hyperfine.json" \
      -- "$(printf '%q ' "$@")" >/dev/null 2>"$work/hyperfine.err" ||
      { echo "bench: hyperfine failed for: $*" >&2; cat "$work/hyperfine.err" >&2; return 1; }
    python3 -c 'import json, sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["min"] * 1e3))' \
      "$work/hyperfine.json"
    return
  fi
  local best=0 start end i
  for ((i = 0; i <= runs; i++)); do
    [ ${#prepare[@]} -eq 0 ] || bash -c "${prepare[1]}"
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    if ((i > 0 && (best == 0 || end - start < best))); then best=$((end - start)); fi
  done
  awk -v ns="$best" 'BEGIN { printf "%.1f", ns / 1e6 }'
}

# Peak resident set size of a command, in MB.
peak_rss_mb() {
  python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.1f}")' "$@"
}

# table_header PEER — the column titles.
table_header() {
  printf '%-40s %12s %12s %8s %10s\n' "operation" "apt-ostree" "$1" "ratio" "peak RSS"
}

# compare LABEL OURS THEIRS [PREPARE] — OURS/THEIRS are commands joined with `join`; prints both
# best times, the ratio (peer / apt-ostree: >1 means apt-ostree is faster) and our peak RSS.
compare() {
  local label=$1 ours_cmd theirs_cmd prepare=()
  IFS=$'\x1f' read -r -a ours_cmd <<<"$2"
  IFS=$'\x1f' read -r -a theirs_cmd <<<"$3"
  [ -z "${4:-}" ] || prepare=(--prepare "$4")
  local ours_ms theirs_ms rss
  ours_ms=$(best_ms "${prepare[@]}" "${ours_cmd[@]}")
  theirs_ms=$(best_ms "${prepare[@]}" "${theirs_cmd[@]}")
  [ -z "${4:-}" ] || bash -c "$4"
  rss=$(peak_rss_mb "${ours_cmd[@]}")
  printf '%-40s %9s ms %9s ms %7sx %7s MB\n' "$label" "$ours_ms" "$theirs_ms" \
    "$(awk -v a="$theirs_ms" -v b="$ours_ms" 'BEGIN { printf "%.1f", a / b }')" "$rss"
}
join() { local IFS=$'\x1f'; echo "$*"; }
