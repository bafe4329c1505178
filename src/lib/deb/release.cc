#include "lib/deb/release.h"

#include <charconv>
#include <ctime>

#include "lib/deb/control.h"
#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::deb {

namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::vector<std::string> split_words(std::string_view value) {
  std::vector<std::string> words;
  for (std::string_view word : util::split_whitespace(value)) words.emplace_back(word);
  return words;
}

// One "<sha256> <size> <path>" line of the SHA256 field.
ReleaseEntry parse_entry(std::string_view line, std::string_view source_name) {
  auto words = util::split_whitespace(line);
  ReleaseEntry entry;
  bool valid = words.size() == 3 && words[0].size() == 64;
  for (size_t i = 0; valid && i < words[0].size(); ++i) valid = is_hex(words[0][i]);
  if (valid) {
    auto [end, ec] =
        std::from_chars(words[1].data(), words[1].data() + words[1].size(), entry.size);
    valid = ec == std::errc() && end == words[1].data() + words[1].size();
  }
  if (!valid)
    fail("{} has a malformed SHA256 line '{}' (expected '<sha256> <size> <path>').", source_name,
         util::trim(line));
  entry.sha256 = util::to_lower(words[0]);
  entry.path = std::string(words[2]);
  return entry;
}

}  // namespace

const ReleaseEntry* ReleaseFile::find(std::string_view path) const {
  for (const auto& entry : sha256_entries)
    if (entry.path == path) return &entry;
  return nullptr;
}

ReleaseFile parse_release(std::string_view text, std::string_view source_name) {
  ControlParser parser(text, source_name);
  ControlStanza stanza;
  if (!parser.next(stanza)) fail("{} is empty, not a Release file.", source_name);

  ReleaseFile release;
  auto field = [&](std::string_view name) {
    return std::string(util::trim(stanza.get(name).value_or("")));
  };
  release.origin = field("Origin");
  release.label = field("Label");
  release.suite = field("Suite");
  release.codename = field("Codename");
  release.version = field("Version");
  release.date = field("Date");
  release.valid_until = field("Valid-Until");
  release.architectures = split_words(field("Architectures"));
  release.components = split_words(field("Components"));
  release.acquire_by_hash = util::iequals(field("Acquire-By-Hash"), "yes");
  if (release.suite.empty() && release.codename.empty())
    fail("{} is not a Release file: it has neither a Suite nor a Codename field.", source_name);

  std::string_view sums = stanza.get("SHA256").value_or("");
  size_t start = 0;
  while (start < sums.size()) {
    size_t end = sums.find('\n', start);
    if (end == std::string_view::npos) end = sums.size();
    std::string_view line = sums.substr(start, end - start);
    if (!util::trim(line).empty()) release.sha256_entries.push_back(parse_entry(line, source_name));
    start = end + 1;
  }
  if (release.sha256_entries.empty())
    fail("{} has no SHA256 checksums; the archive cannot be verified without them.", source_name);
  return release;
}

std::optional<std::time_t> parse_release_date(std::string_view text) {
  std::string value(util::trim(text));
  std::tm tm{};
  const char* rest = ::strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
  if (!rest) return std::nullopt;
  std::time_t time = ::timegm(&tm);
  std::string_view zone = util::trim(rest);
  if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-')) {
    int hours = (zone[1] - '0') * 10 + (zone[2] - '0');
    int minutes = (zone[3] - '0') * 10 + (zone[4] - '0');
    int offset = (hours * 60 + minutes) * 60;
    time += zone[0] == '+' ? -offset : offset;
  }
  return time;
}

}  // namespace apt_ostree::deb
