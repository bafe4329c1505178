#include "lib/repo/apt_sources.h"

#include <algorithm>
#include <system_error>

#include "lib/deb/control.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::repo {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> to_strings(const std::vector<std::string_view>& pieces) {
  std::vector<std::string> out;
  for (auto piece : pieces)
    if (!piece.empty()) out.emplace_back(piece);
  return out;
}

std::string strip_trailing_slashes(std::string_view uri) {
  while (uri.size() > 1 && uri.back() == '/') uri.remove_suffix(1);
  return std::string(uri);
}

// Signed-By names a keyring file or embeds the key itself (deb822) or a fingerprint; only a file
// is usable as a gpgv keyring, so anything else is left for the default keyring.
std::string keyring_path(std::string_view value) {
  value = util::trim(value);
  if (value.starts_with('/') && value.find('\n') == std::string_view::npos)
    return std::string(value);
  return {};
}

// One-line format: "deb [opt=val opt2=v1,v2] URI SUITE [COMPONENT...]".
void parse_one_line_file(std::string_view text, const fs::path& origin,
                         std::vector<AptSource>& out) {
  for (auto line : util::split(text, '\n')) {
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = util::trim(line);
    if (line.empty()) continue;

    std::string_view options;
    size_t type_end = line.find_first_of(" \t[");
    std::string_view type = line.substr(0, type_end);
    std::string_view rest =
        type_end == std::string_view::npos ? "" : util::trim(line.substr(type_end));
    if (rest.starts_with('[')) {
      size_t close = rest.find(']');
      if (close == std::string_view::npos)
        fail("{}: unterminated '[' in the line '{}'; fix or remove it", origin.string(), line);
      options = rest.substr(1, close - 1);
      rest = rest.substr(close + 1);
    }
    if (type != "deb") continue;
    auto words = util::split_whitespace(rest);
    if (words.size() < 2)
      fail("{}: the line '{}' needs a URI and a suite; fix or remove it", origin.string(), line);

    AptSource source;
    source.origin = origin;
    source.uris.push_back(strip_trailing_slashes(words[0]));
    source.suites.emplace_back(words[1]);
    for (size_t i = 2; i < words.size(); ++i) source.components.emplace_back(words[i]);
    for (auto option : util::split_whitespace(options)) {
      size_t equals = option.find('=');
      if (equals == std::string_view::npos) continue;
      std::string key = util::to_lower(option.substr(0, equals));
      std::string_view value = option.substr(equals + 1);
      if (key == "arch")
        source.architectures = to_strings(util::split(value, ','));
      else if (key == "signed-by")
        source.signed_by = keyring_path(value);
    }
    out.push_back(std::move(source));
  }
}

// deb822 format: stanzas of Types, URIs, Suites, Components, Architectures, Signed-By, Enabled.
void parse_deb822_file(std::string_view text, const fs::path& origin, std::vector<AptSource>& out) {
  std::string origin_name = origin.string();
  deb::ControlParser parser(text, origin_name);
  deb::ControlStanza stanza;
  while (parser.next(stanza)) {
    if (auto enabled = stanza.get("Enabled"); enabled && util::iequals(util::trim(*enabled), "no"))
      continue;
    auto types = util::split_whitespace(stanza.get("Types").value_or(""));
    if (std::find(types.begin(), types.end(), "deb") == types.end()) continue;

    AptSource source;
    source.origin = origin;
    for (auto uri : util::split_whitespace(stanza.get("URIs").value_or("")))
      source.uris.push_back(strip_trailing_slashes(uri));
    source.suites = to_strings(util::split_whitespace(stanza.get("Suites").value_or("")));
    source.components = to_strings(util::split_whitespace(stanza.get("Components").value_or("")));
    source.architectures =
        to_strings(util::split_whitespace(stanza.get("Architectures").value_or("")));
    source.signed_by = keyring_path(stanza.get("Signed-By").value_or(""));
    if (source.uris.empty() || source.suites.empty())
      fail("{}:{}: a deb822 source needs URIs and Suites; fix or disable it (Enabled: no)",
           origin_name, stanza.first_line);
    out.push_back(std::move(source));
  }
}

bool is_security_or_updates(std::string_view uri) {
  return uri.find("security") != std::string_view::npos || uri.ends_with("-updates") ||
         uri.ends_with("/updates");
}

std::string_view codename_of(std::string_view suite) {
  return suite.substr(0, suite.find('-'));
}

}  // namespace

std::vector<AptSource> read_apt_sources(const fs::path& etc_apt) {
  std::vector<AptSource> sources;
  std::error_code error;
  if (fs::path main = etc_apt / "sources.list"; fs::is_regular_file(main, error))
    parse_one_line_file(util::read_file(main), main, sources);

  // APT reads sources.list.d in file name order, both formats interleaved.
  std::vector<fs::path> parts;
  for (const auto& entry : fs::directory_iterator(etc_apt / "sources.list.d", error)) {
    auto extension = entry.path().extension();
    if (entry.is_regular_file(error) && (extension == ".list" || extension == ".sources"))
      parts.push_back(entry.path());
  }
  std::sort(parts.begin(), parts.end());
  for (const auto& part : parts) {
    std::string text = util::read_file(part);
    if (part.extension() == ".list")
      parse_one_line_file(text, part, sources);
    else
      parse_deb822_file(text, part, sources);
  }
  return sources;
}

std::optional<std::string> mirror_for_release(const std::vector<AptSource>& sources,
                                              const std::string& release) {
  for (const auto& source : sources)
    if (!source.uris.empty() &&
        std::find(source.suites.begin(), source.suites.end(), release) != source.suites.end())
      return source.uris.front();

  // A security archive shares the codename prefix but does not carry the release itself.
  std::string_view codename = codename_of(release);
  for (const auto& source : sources) {
    if (source.uris.empty() || is_security_or_updates(source.uris.front())) continue;
    for (const auto& suite : source.suites)
      if (codename_of(suite) == codename) return source.uris.front();
  }

  for (const auto& source : sources)
    if (!source.uris.empty() && !is_security_or_updates(source.uris.front()))
      return source.uris.front();
  return std::nullopt;
}

}  // namespace apt_ostree::repo
