// Small string helpers shared by the parsers.
#pragma once

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
bool iequals(std::string_view a, std::string_view b);
// Human-readable byte count: "38.2 MB" (decimal units, as apt prints them).
std::string format_bytes(unsigned long long bytes);

}  // namespace apt_ostree::util
