#include "lib/util/progress.h"

#include <gtest/gtest.h>

#include <cstdio>

using namespace apt_ostree;
using namespace std::chrono_literals;
using Clock = util::ProgressLine::Clock;

namespace {

// Everything a ProgressLine wrote to its stream.
class Capture {
 public:
  Capture() : m_file(std::tmpfile()) {}
  ~Capture() { std::fclose(m_file); }
  std::FILE* file() { return m_file; }
  std::string text() {
    std::fflush(m_file);
    std::rewind(m_file);
    std::string out;
    for (int c; (c = std::fgetc(m_file)) != EOF;) out += static_cast<char>(c);
    return out;
  }

 private:
  std::FILE* m_file;
};

size_t count(const std::string& text, std::string_view needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(FormatProgress, ShowsFilesBytesRateAndEta) {
  util::ProgressState state{12, 96, 10'000'000, 40'000'000, 2s};
  std::string line = util::format_progress("fetch", state);
  EXPECT_NE(line.find("fetch  12/96 files"), std::string::npos) << line;
  EXPECT_NE(line.find("/s"), std::string::npos) << line;
  // 30 MB left at 5 MB/s.
  EXPECT_NE(line.find("ETA 6s"), std::string::npos) << line;
}

TEST(FormatProgress, NoRateBeforeAnyBytes) {
  util::ProgressState state{0, 96, 0, 40'000'000, 1s};
  std::string line = util::format_progress("fetch", state);
  EXPECT_EQ(line.find("/s"), std::string::npos) << line;
  EXPECT_EQ(line.find("ETA"), std::string::npos) << line;
}

TEST(FormatProgress, LongEtaInMinutes) {
  util::ProgressState state{1, 2, 1'000'000, 200'000'000, 1s};
  EXPECT_NE(util::format_progress("fetch", state).find("ETA 3m19s"), std::string::npos);
}

TEST(ProgressLine, LiveRewritesOneLineAtMostEvery100ms) {
  Capture out;
  Clock::time_point t0 = Clock::now();
  {
    util::ProgressLine line("fetch", util::ProgressMode::live, 4, 4000, out.file());
    line.update(1, 1000, t0 + 150ms);
    line.update(2, 2000, t0 + 160ms);  // too soon: not printed
    line.update(3, 3000, t0 + 300ms);
    line.finish(t0 + 310ms);
  }
  std::string text = out.text();
  EXPECT_EQ(count(text, "\r\033[K"), 3u) << text;
  EXPECT_EQ(count(text, "\n"), 1u) << text;  // one line left on screen
  EXPECT_NE(text.find("3/4 files"), std::string::npos) << text;
  EXPECT_EQ(text.find("2/4 files"), std::string::npos) << text;
}

TEST(ProgressLine, PeriodicPrintsPlainLinesEveryFiveSeconds) {
  Capture out;
  Clock::time_point t0 = Clock::now();
  util::ProgressLine line("fetch", util::ProgressMode::periodic, 4, 4000, out.file());
  line.update(1, 1000, t0 + 1s);
  line.update(2, 2000, t0 + 6s);
  line.update(3, 3000, t0 + 7s);
  line.update(4, 4000, t0 + 12s);
  line.finish(t0 + 12s);
  std::string text = out.text();
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  EXPECT_EQ(count(text, "\n"), 3u) << text;
  EXPECT_NE(text.find("2/4 files"), std::string::npos) << text;
  EXPECT_NE(text.find("4/4 files"), std::string::npos) << text;
}

TEST(ProgressLine, ShortPeriodicPhaseAddsNothingToLogs) {
  Capture out;
  Clock::time_point t0 = Clock::now();
  util::ProgressLine line("fetch", util::ProgressMode::periodic, 4, 4000, out.file());
  line.update(4, 4000, t0 + 1s);
  line.finish(t0 + 1s);
  EXPECT_EQ(out.text(), "");
}

TEST(ProgressLine, OffPrintsNothing) {
  Capture out;
  Clock::time_point t0 = Clock::now();
  util::ProgressLine line("fetch", util::ProgressMode::off, 4, 4000, out.file());
  line.update(1, 1000, t0 + 10s);
  line.finish(t0 + 20s);
  EXPECT_EQ(out.text(), "");
}

}  // namespace
