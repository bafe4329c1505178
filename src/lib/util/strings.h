// Small string helpers shared by the parsers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::util {

std::string_view trim(std::string_view text);
// Splits on any run of ASCII whitespace; no empty pieces.
std::vector<std::string_view> split_whitespace(std::string_view text);
// Splits on `separator`, trimming each piece; empty pieces are kept.
std::vector<std::string_view> split(std::string_view text, char separator);
std::string to_lower(std::string_view text);
// Bytes as lowercase hex ("\x01\xab" -> "01ab").
std::string to_hex(std::string_view bytes);
// Whether `text` is `length` lowercase hex digits (a SHA-256 in hex: 64).
bool is_lower_hex(std::string_view text, size_t length);
bool iequals(std::string_view a, std::string_view b);
// Human-readable byte count: "38.2 MB" (decimal units, as apt prints them).
std::string format_bytes(unsigned long long bytes);
// A size as users write it: "500000", "500k", "20M", "1.5G", "2GiB" (k/M/G/T decimal as
// format_bytes prints them, Ki/Mi/Gi/Ti binary; a trailing "B" optional); nullopt if malformed.
std::optional<unsigned long long> parse_size(std::string_view text);
// Edits between two names for "did you mean" suggestions: insertions, deletions, substitutions
// and swaps of adjacent characters (optimal string alignment), so "pakcages" is one edit from
// "packages". Stops early and returns cap + 1 once the distance must exceed `cap`.
size_t edit_distance(std::string_view a, std::string_view b, size_t cap);

}  // namespace apt_ostree::util
