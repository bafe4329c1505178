#include "lib/util/task_graph.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace apt_ostree;

TEST(TaskGraph, EachTaskAfterItsPrerequisiteIndependentOnesAtOnce) {
  // 0 -> 1 -> 2, and 3 independent: with two jobs, 3 runs beside the chain.
  std::vector<std::optional<size_t>> after = {std::nullopt, 0, 1, std::nullopt};
  std::mutex mutex;
  std::vector<size_t> finished;
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  util::run_task_graph(after, 2, [&](size_t task) {
    int now = ++running;
    most = std::max(most.load(), now);
    std::this_thread::sleep_for(std::chrono::milliseconds(task == 3 ? 60 : 20));
    --running;
    std::lock_guard<std::mutex> lock(mutex);
    finished.push_back(task);
  });
  ASSERT_EQ(finished.size(), 4u);
  auto position = [&](size_t task) {
    return std::find(finished.begin(), finished.end(), task) - finished.begin();
  };
  EXPECT_LT(position(0), position(1));
  EXPECT_LT(position(1), position(2));
  EXPECT_EQ(most.load(), 2);
}

TEST(TaskGraph, OneJobRunsInIndexOrder) {
  std::vector<size_t> order;
  util::run_task_graph({std::nullopt, std::nullopt, 0}, 1, [&](size_t task) { order.push_back(task); });
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2}));
}

TEST(TaskGraph, AFailureStopsItsDependentsAndIsRethrown) {
  std::vector<std::optional<size_t>> after = {std::nullopt, 0, std::nullopt};
  std::atomic<bool> dependent_ran{false};
  EXPECT_THROW(util::run_task_graph(after, 1,
                                    [&](size_t task) {
                                      if (task == 0) throw std::runtime_error("task 0 fails");
                                      if (task == 1) dependent_ran = true;
                                    }),
               std::runtime_error);
  EXPECT_FALSE(dependent_ran.load());
}
