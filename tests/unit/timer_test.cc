#include "lib/util/timer.h"

#include <gtest/gtest.h>

#include "lib/util/process.h"

using namespace apt_ostree;

TEST(ScopedPhase, CountsTheCpuOfTheChildProcessesItRan) {
  util::PhaseLog log;
  {
    util::ScopedPhase phase(log, "busy child");
    // A shell loop: CPU time in the child, almost none in this process.
    util::ProcessResult result =
        util::run_process({"sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"});
    ASSERT_EQ(result.exit_code, 0);
  }
  ASSERT_EQ(log.phases().size(), 1u);
  const util::PhaseTiming& timing = log.phases()[0];
  EXPECT_EQ(timing.name, "busy child");
  // The loop takes a few hundred ms of CPU however loaded the machine is (a ratio to the wall
  // time is not: a busy machine stretches the wall time); without the child's CPU it is ~0.
  EXPECT_GT(timing.cpu_ms, 50) << "wall " << timing.wall_ms;
  EXPECT_GT(timing.wall_ms, 10);
}
