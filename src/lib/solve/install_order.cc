#include "lib/solve/install_order.h"

#include <algorithm>
#include <functional>
#include <unordered_map>

namespace apt_ostree::solve {

namespace {

struct Edge {
  size_t to;  // node that must come first
  bool pre_depends;
};

}  // namespace

std::vector<size_t> install_order(const SolvPool& solv, std::vector<size_t> records) {
  std::sort(records.begin(), records.end());
  const size_t n = records.size();
  std::unordered_map<size_t, size_t> node_of;
  node_of.reserve(n);
  for (size_t i = 0; i < n; ++i) node_of.emplace(records[i], i);

  Pool* pool = solv.pool();
  std::vector<std::vector<Edge>> edges(n);
  for (size_t i = 0; i < n; ++i) {
    for (const RequiresGroup& group : solv.relations(records[i]).depends) {
      Id p, pp;
      FOR_PROVIDES(p, pp, group.dependency) {
        if (pool->solvables[p].repo != solv.repo()) continue;
        auto found = node_of.find(solv.record(p));
        if (found != node_of.end() && found->second != i)
          edges[i].push_back({found->second, group.pre_depends});
      }
    }
  }

  // Tarjan's strongly connected components; a component is emitted after all it depends on.
  std::vector<size_t> order;
  order.reserve(n);
  std::vector<int> index(n, -1), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<size_t> stack;
  int counter = 0;

  auto emit_component = [&](std::vector<size_t> component) {
    std::sort(component.begin(), component.end());
    // Kahn over the Pre-Depends edges inside the component; ties and cycles by record (name).
    std::unordered_map<size_t, size_t> pending;
    for (size_t node : component) pending[node] = 0;
    for (size_t node : component)
      for (const Edge& edge : edges[node])
        if (edge.pre_depends && pending.count(edge.to)) ++pending[node];
    std::vector<bool> done(component.size(), false);
    for (size_t emitted = 0; emitted < component.size(); ++emitted) {
      size_t pick = component.size();
      for (size_t k = 0; k < component.size(); ++k)
        if (!done[k] && pending[component[k]] == 0) {
          pick = k;
          break;
        }
      if (pick == component.size())  // a Pre-Depends cycle: break it at the first package
        for (size_t k = 0; k < component.size(); ++k)
          if (!done[k]) {
            pick = k;
            break;
          }
      done[pick] = true;
      size_t node = component[pick];
      order.push_back(records[node]);
      for (size_t k = 0; k < component.size(); ++k)
        if (!done[k])
          for (const Edge& edge : edges[component[k]])
            if (edge.pre_depends && edge.to == node && pending[component[k]] > 0)
              --pending[component[k]];
    }
  };

  std::function<void(size_t)> visit = [&](size_t v) {
    index[v] = low[v] = counter++;
    stack.push_back(v);
    on_stack[v] = true;
    for (const Edge& edge : edges[v]) {
      if (index[edge.to] < 0) {
        visit(edge.to);
        low[v] = std::min(low[v], low[edge.to]);
      } else if (on_stack[edge.to]) {
        low[v] = std::min(low[v], index[edge.to]);
      }
    }
    if (low[v] == index[v]) {
      std::vector<size_t> component;
      size_t w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = false;
        component.push_back(w);
      } while (w != v);
      emit_component(std::move(component));
    }
  };
  for (size_t v = 0; v < n; ++v)
    if (index[v] < 0) visit(v);
  return order;
}

}  // namespace apt_ostree::solve
