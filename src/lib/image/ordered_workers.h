// A fixed set of worker threads running jobs whose results are consumed in submission order (the
// blocks of a compressed stream). Each worker owns a State built once (a compressor's tables), so
// jobs do not allocate it again.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace apt_ostree::image {

template <typename State, typename Result>
class OrderedWorkers {
 public:
  using Job = std::function<Result(State&)>;

  OrderedWorkers(unsigned threads, std::function<State()> make_state) {
    for (unsigned i = 0; i < std::max(1u, threads); ++i)
      m_threads.emplace_back([this, make_state] { run(make_state()); });
  }
  // Jobs not yet started are dropped (their results are no longer wanted after an error).
  ~OrderedWorkers() {
    {
      std::lock_guard lock(m_mutex);
      m_queue.clear();
      m_stopping = true;
    }
    m_wake.notify_all();
    for (auto& thread : m_threads) thread.join();
  }
  OrderedWorkers(const OrderedWorkers&) = delete;
  OrderedWorkers& operator=(const OrderedWorkers&) = delete;

  size_t threads() const { return m_threads.size(); }
  std::future<Result> submit(Job job) {
    std::packaged_task<Result(State&)> task(std::move(job));
    std::future<Result> result = task.get_future();
    {
      std::lock_guard lock(m_mutex);
      m_queue.push_back(std::move(task));
    }
    m_wake.notify_one();
    return result;
  }

 private:
  void run(State state) {
    for (;;) {
      std::packaged_task<Result(State&)> task;
      {
        std::unique_lock lock(m_mutex);
        m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
        if (m_queue.empty()) return;
        task = std::move(m_queue.front());
        m_queue.pop_front();
      }
      task(state);  // an exception is stored in the future
    }
  }

  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<std::packaged_task<Result(State&)>> m_queue;
  bool m_stopping = false;
  std::vector<std::thread> m_threads;
};

}  // namespace apt_ostree::image
