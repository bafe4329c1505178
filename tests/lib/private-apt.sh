# Sourced by tests and benchmarks: a private APT configuration (its own lists, cache and empty dpkg
# status) for one release and architecture, so apt-get/apt-cache answer over exactly the archive
# view apt-ostree uses, without touching the host's APT state.

# The host's archive URI for Debian's main archive, asked of apt itself (no address is written here).
host_mirror() {
  apt-get indextargets --format '$(REPO_URI)' 'Created-By: Packages' 2>/dev/null |
    grep -v -e security -e updates | sort -u | head -n 1 | sed 's:/*$::'
}

# For the networked suites (after tests/integration/lib.sh): sets $mirror to the host's Debian
# mirror, or skips the suite when there is none or it does not answer.
require_archive() {
  mirror=$(host_mirror)
  [ -n "$mirror" ] || skip "the host's APT sources name no Debian mirror"
  probe curl -sfI --max-time 15 "$mirror/dists/bookworm/InRelease"
}

# private_apt_setup DIR RELEASE ARCH [COMPONENTS] — writes DIR/apt.conf and runs apt-get update.
# Afterwards use: APT_CONFIG=DIR/apt.conf apt-cache ...
private_apt_setup() {
  local dir=$1 release=$2 arch=$3 components=${4:-main}
  local mirror
  mirror=$(host_mirror)
  [ -n "$mirror" ] || { echo "private_apt_setup: the host's APT sources name no mirror" >&2; return 1; }
  mkdir -p "$dir"/etc/apt/{sources.list.d,preferences.d,apt.conf.d,trusted.gpg.d} \
    "$dir"/var/lib/apt/lists/partial "$dir"/var/cache/apt/archives/partial "$dir"/var/lib/dpkg
  : > "$dir/var/lib/dpkg/status"
  cat > "$dir/apt.conf" <<CONF
Dir "$dir/";
Dir::State::status "$dir/var/lib/dpkg/status";
Dir::Etc::Trusted "/usr/share/keyrings/debian-archive-keyring.gpg";
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
Acquire::Languages { "en"; };
APT::Install-Recommends "true";
Debug::NoLocking "true";
CONF
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $release $components" \
    > "$dir/etc/apt/sources.list"
  APT_CONFIG="$dir/apt.conf" apt-get -q update >/dev/null
}

# same_set WHAT REFERENCE OURS — fails (with the difference: < reference, > apt-ostree) unless the
# two newline-separated lists are equal; the peer's answer is the reference.
same_set() {
  local what=$1 expected=$2 ours=$3
  [ -n "$expected" ] || die "$what: the reference answer is empty"
  if [ "$expected" != "$ours" ]; then
    diff <(echo "$expected") <(echo "$ours") >&2 || true
    die "$what differs (< reference, > apt-ostree)"
  fi
  echo "    $what: $(echo "$ours" | wc -l) entries, identical" >&2
}
