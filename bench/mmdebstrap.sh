# Sourced by the benchmarks that build whole trees (compose, stages), after lib.sh: mmdebstrap as
# the peer, its .debs served from a warm cache directory (the --skip=download/empty + sync-in /
# sync-out hooks of mmdebstrap(1)'s caching example), and a timer that keeps each run's peak RSS.
#
#   best_of PREPARE CMD...      best wall time in ms of RUNS runs and that run's peak RSS in MB
#   mmdebstrap_cached PACKAGES DEST [MMDEBSTRAP OPTION...]
#                               bookworm --variant=minbase with PACKAGES (comma-separated) into DEST
mirror=$(host_mirror)
debs=$work/mmdebstrap-debs
mkdir -p "$debs"

# best_of PREPARE CMD...: best wall time in ms and that run's peak RSS in MB ("ms mb").
best_of() {
  local prepare=$1 best=0 rss=0 start end i
  shift
  for ((i = 0; i < RUNS; i++)); do
    bash -c "$prepare"
    start=$(date +%s%N)
    /usr/bin/time -f %M -o "$work/rss" "$@" >"$work/last.log" 2>&1 ||
      { cat "$work/last.log" >&2; exit 1; }
    end=$(date +%s%N)
    if ((best == 0 || end - start < best)); then best=$((end - start)) rss=$(<"$work/rss"); fi
  done
  echo "$((best / 1000000)) $((rss / 1024))"
}

mmdebstrap_cached() {
  local include=() packages=$1 dest=$2
  shift 2
  [ -z "$packages" ] || include=(--include "$packages")
  mmdebstrap --variant=minbase --mode=root --quiet "${include[@]}" "$@" \
    --skip=download/empty --skip=essential/unlink \
    --setup-hook="mkdir -p \"\$1\"/var/cache/apt/archives/" \
    --setup-hook="sync-in $debs /var/cache/apt/archives/" \
    --customize-hook="sync-out /var/cache/apt/archives $debs" \
    bookworm "$dest" "deb $mirror bookworm main"
}
export -f mmdebstrap_cached  # run under /usr/bin/time through bash
export debs mirror
