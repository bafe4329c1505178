#include "lib/util/task_graph.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace apt_ostree::util {

void run_task_graph(const std::vector<std::optional<size_t>>& after, size_t jobs,
                    const std::function<void(size_t)>& task) {
  enum class State { pending, running, done };
  std::vector<State> states(after.size(), State::pending);
  std::mutex mutex;
  std::condition_variable changed;
  std::exception_ptr failure;

  // The next task whose prerequisite is done; nullopt if none is ready now.
  auto next_ready = [&]() -> std::optional<size_t> {
    for (size_t i = 0; i < states.size(); ++i)
      if (states[i] == State::pending && (!after[i] || states[*after[i]] == State::done)) return i;
    return std::nullopt;
  };
  auto worker = [&] {
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
      std::optional<size_t> ready;
      changed.wait(lock, [&] {
        if (failure) return true;
        ready = next_ready();
        bool running = std::find(states.begin(), states.end(), State::running) != states.end();
        return ready.has_value() || !running;  // nothing ready and nothing that could make it so
      });
      if (failure || !ready) return;
      states[*ready] = State::running;
      lock.unlock();
      std::exception_ptr error;
      try {
        task(*ready);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      states[*ready] = State::done;
      if (error && !failure) failure = error;
      changed.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 0; i < std::max<size_t>(jobs, 1) && i < after.size(); ++i)
    threads.emplace_back(worker);
  for (std::thread& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace apt_ostree::util
