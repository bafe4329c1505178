// Running tasks that depend on each other on a few threads: the stages of a build, each after the
// stage it is built from, as many at once as allowed. Every task but the ones that wait for a
// failed (or never started) task runs; on the first failure no new task starts, the running ones
// are waited for, and the failure is rethrown.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

namespace apt_ostree::util {

// Runs task(0) ... task(after.size() - 1); task(i) starts only once task(*after[i]) has returned
// (after[i] < i is not required, but the graph must have no cycles). At most `jobs` (at least 1)
// run at once, on threads of their own; tasks ready at the same time start in index order.
// Rethrows the first exception a task threw, after every started task has returned.
void run_task_graph(const std::vector<std::optional<size_t>>& after, size_t jobs,
                    const std::function<void(size_t)>& task);

}  // namespace apt_ostree::util
