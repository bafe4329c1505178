// apt-cache search, as apt's cmdline/apt-cache.cc Search() does it: each term is a POSIX extended
// regex compiled with REG_ICASE; a package matches when every term matches its name, the name of
// something it provides (apt propagates name matches to providers), or, unless names_only, its
// full description ("short\n long lines", matched as one string). The name and each provided
// name are matched as separate strings, so "^" and "$" anchor to them.
//
// Terms without regex metacharacters mean "contains", so they skip the regex engine: the first one
// is a memmem pass over the lowercase search blobs, and later terms only look at the entries that
// are still candidates. A regex term with a literal every match must contain ("edit" in
// "edit(or|ing)") is scanned for that literal first, so regexec runs only where it can succeed.
#include "lib/repo/search.h"

#include <regex.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>

#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::repo {

namespace {

constexpr std::string_view k_ere_special = ".[]()*+?{}|^$\\";

// memmem, faster for the short needles people search for: glibc's two-way memmem runs at about
// 1.5 GB/s here, this about 5-10 GB/s (compare the needle's first and last bytes at 16 positions
// at once, verify the rare candidates). Without SSE2 it is memmem.
const char* find(std::string_view haystack, std::string_view needle) {
#if defined(__SSE2__)
  size_t n = needle.size();
  if (n >= 2 && haystack.size() >= n + 15) {
    const __m128i first = _mm_set1_epi8(needle.front());
    const __m128i last = _mm_set1_epi8(needle.back());
    const char* data = haystack.data();
    size_t i = 0;
    for (; i + n + 15 <= haystack.size(); i += 16) {
      __m128i block_first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
      __m128i block_last = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i + n - 1));
      unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(
          _mm_and_si128(_mm_cmpeq_epi8(first, block_first), _mm_cmpeq_epi8(last, block_last))));
      while (mask != 0) {
        size_t at = i + static_cast<size_t>(__builtin_ctz(mask));
        if (std::memcmp(data + at + 1, needle.data() + 1, n - 2) == 0) return data + at;
        mask &= mask - 1;
      }
    }
    haystack.remove_prefix(i);
  }
#endif
  return static_cast<const char*>(
      memmem(haystack.data(), haystack.size(), needle.data(), needle.size()));
}

// The longest run of ordinary characters outside groups and bracket expressions that every match
// of the ERE must contain, lowercased; empty when there is none (a top-level '|', or no run).
// Conservative: a character followed by '*', '?' or '{' does not count, and anything unusual ends
// the current run.
std::string required_literal(std::string_view pattern) {
  std::string best, run;
  auto end_run = [&] {
    if (run.size() > best.size()) best = run;
    run.clear();
  };
  int depth = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '[') {
      end_run();
      // Skip the bracket expression: a ']' right after '[' or '[^' is a member, not its end.
      size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '^') ++j;
      if (j < pattern.size() && pattern[j] == ']') ++j;
      while (j < pattern.size() && pattern[j] != ']') ++j;
      i = j;
    } else if (c == '|' && depth == 0) {
      return {};
    } else if (c == '(') {
      end_run();
      ++depth;
    } else if (c == ')') {
      end_run();
      if (depth > 0) --depth;
    } else if (depth > 0) {
      if (c == '\\') ++i;
    } else if (c == '*' || c == '?' || c == '{') {
      if (!run.empty()) run.pop_back();  // the preceding character is optional
      end_run();
      if (c == '{') i = std::min(pattern.find('}', i), pattern.size());  // skip the bounds
    } else if (c == '+') {
      end_run();
    } else if (c == '\\' && i + 1 < pattern.size() &&
               std::string_view(".[]()*+?{}|^$\\").find(pattern[i + 1]) != std::string_view::npos) {
      run.push_back(pattern[++i]);
    } else if (k_ere_special.find(c) != std::string_view::npos) {
      end_run();  // '.', '^', '$', or a backslash with a GNU meaning (\w, \b, ...)
    } else {
      run.push_back(c);
    }
  }
  end_run();
  return util::to_lower(best);
}

class Term {
 public:
  explicit Term(const std::string& text) {
    if (text.find_first_of(k_ere_special) == std::string::npos) {
      m_literal = util::to_lower(text);
      return;
    }
    auto regex = std::make_unique<regex_t>();
    if (int error = regcomp(regex.get(), text.c_str(), REG_EXTENDED | REG_ICASE | REG_NOSUB)) {
      char message[256];
      regerror(error, regex.get(), message, sizeof(message));
      throw Error(fmt::format("search term '{}' is not a valid extended regular expression: {}",
                              text, message),
                  ExitCode::usage);
    }
    m_regex.reset(regex.release());
    m_literal = required_literal(text);
  }

  bool plain() const { return !m_regex; }
  // What every matching text contains (the whole term if plain); may be empty for a regex.
  const std::string& literal() const { return m_literal; }

  // `text` is followed by a '\0' in the index, so regexec can read it in place.
  bool matches(std::string_view text) const {
    if (!m_literal.empty() && !find(text, m_literal)) return false;
    return plain() || regexec(m_regex.get(), text.data(), 0, nullptr, 0) == 0;
  }

 private:
  struct RegexFree {
    void operator()(regex_t* regex) const {
      regfree(regex);
      delete regex;
    }
  };

  std::string m_literal;
  std::unique_ptr<regex_t, RegexFree> m_regex;
};

bool matches_names(const Term& term, std::string_view names) {
  if (term.plain()) return term.matches(names);  // no '\0' in a term: never spans two names
  for (size_t start = 0; start < names.size();) {
    size_t end = names.find('\0', start);
    if (end == std::string_view::npos) end = names.size();
    if (term.matches(names.substr(start, end - start))) return true;
    start = end + 1;
  }
  return false;
}

bool matches_entry(const PackageIndex& index, const Term& term, size_t entry, bool names_only) {
  if (matches_names(term, index.search_text(entry, SearchField::names))) return true;
  return !names_only && term.matches(index.search_text(entry, SearchField::description));
}

// Entries whose `field` text contains the needle, in order: one memmem pass over the blob that
// skips to the next entry after each hit.
std::vector<size_t> scan(const PackageIndex& index, SearchField field, const std::string& needle) {
  std::vector<size_t> hits;
  std::string_view blob = index.search_blob(field);
  size_t position = 0;
  while (position < blob.size()) {
    const char* hit = find(blob.substr(position), needle);
    if (!hit) break;
    size_t entry = index.search_entry_at(field, static_cast<size_t>(hit - blob.data()));
    hits.push_back(entry);
    std::string_view text = index.search_text(entry, field);
    position = static_cast<size_t>(text.data() + text.size() - blob.data()) + 1;
  }
  return hits;
}

}  // namespace

std::vector<size_t> search_packages(const PackageIndex& index,
                                    const std::vector<std::string>& terms, bool names_only) {
  if (terms.empty()) throw Error("search needs at least one term", ExitCode::usage);
  std::vector<Term> compiled;
  for (const auto& text : terms) compiled.emplace_back(text);
  // Scan for the term with the longest literal (likely the rarest), plain ones first as they need
  // no regexec; then filter its hits with the other terms.
  std::stable_sort(compiled.begin(), compiled.end(), [](const Term& a, const Term& b) {
    if (a.literal().empty() != b.literal().empty()) return b.literal().empty();
    if (a.plain() != b.plain()) return a.plain();
    return a.literal().size() > b.literal().size();
  });

  std::vector<size_t> candidates;
  const Term& first = compiled.front();
  if (!first.literal().empty()) {
    candidates = scan(index, SearchField::names, first.literal());
    if (!names_only) {
      std::vector<size_t> in_descriptions = scan(index, SearchField::description, first.literal());
      std::vector<size_t> both;
      both.reserve(candidates.size() + in_descriptions.size());
      std::set_union(candidates.begin(), candidates.end(), in_descriptions.begin(),
                     in_descriptions.end(), std::back_inserter(both));
      candidates = std::move(both);
    }
    if (!first.plain())
      std::erase_if(candidates,
                    [&](size_t entry) { return !matches_entry(index, first, entry, names_only); });
  } else {
    for (size_t entry = 0; entry < index.search_entry_count(); ++entry)
      if (matches_entry(index, first, entry, names_only)) candidates.push_back(entry);
  }

  for (size_t i = 1; i < compiled.size(); ++i)
    std::erase_if(candidates, [&](size_t entry) {
      return !matches_entry(index, compiled[i], entry, names_only);
    });

  std::vector<size_t> records;
  records.reserve(candidates.size());
  for (size_t entry : candidates) records.push_back(index.search_entry_record(entry));
  return records;
}

}  // namespace apt_ostree::repo
