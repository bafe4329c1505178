#include "lib/solve/problems.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "lib/util/strings.h"

namespace apt_ostree::solve {

namespace {

std::string_view op_text(int flags) {
  switch (flags) {
    case REL_LT:
      return "<<";
    case REL_LT | REL_EQ:
      return "<=";
    case REL_EQ:
      return "=";
    case REL_GT | REL_EQ:
      return ">=";
    case REL_GT:
      return ">>";
    default:
      return "?";
  }
}

// "name version", and " (installed)" for a package the request must keep.
std::string package_text(const SolvPool& solv, Id solvable) {
  const Solvable* s = solv.pool()->solvables + solvable;
  return fmt::format("{} {}{}", pool_id2str(solv.pool(), s->name), pool_id2str(solv.pool(), s->evr),
                     solv.is_installed(solvable) ? " (installed)" : "");
}

// "name version (installed)" of the installed package of `solvable`'s name, or "" if none.
std::string installed_version(const SolvPool& solv, Id solvable) {
  Repo* installed = solv.installed_repo();
  if (!installed) return {};
  Id p;
  Solvable* s;
  FOR_REPO_SOLVABLES(installed, p, s) {
    if (s->name == solv.pool()->solvables[solvable].name) return package_text(solv, p);
  }
  return {};
}

std::string name_text(const SolvPool& solv, Id solvable) {
  return pool_id2str(solv.pool(), solv.pool()->solvables[solvable].name);
}

// Why no candidate satisfies one relation: what the archive has instead.
std::string why_unsatisfied(const ProblemContext& context, Id relation) {
  Pool* pool = context.solv.pool();
  Id name = relation;
  int flags = 0;
  Id evr = 0;
  if (ISRELDEP(relation)) {
    const Reldep* rel = GETRELDEP(pool, relation);
    name = rel->name;
    flags = rel->flags;
    evr = rel->evr;
  }
  std::string name_string = pool_id2str(pool, name);
  std::string base = name_string.substr(0, name_string.find(':'));
  auto [first, last] = context.index.equal_range(base);
  std::vector<std::string> versions;
  bool excluded = false;
  for (size_t i = first; i < last; ++i) {
    if (!context.solv.is_candidate(context.solv.solvable(i))) continue;
    versions.emplace_back(context.index.at(i).version);
    excluded = excluded || context.excluded[i];
  }
  std::string where = context.origin.empty() ? "the archive" : context.origin;
  if (first < last) {
    repo::PackageRecord record = context.index.at(first);
    where = context.origin.empty() ? std::string(record.component)
                                   : fmt::format("{}/{}", context.origin, record.component);
  }
  if (excluded) return fmt::format("{} is excluded", base);
  if (!versions.empty() && flags)
    return fmt::format("only {} {} available in {}", fmt::join(versions, ", "),
                       versions.size() == 1 ? "is" : "are", where);
  if (!versions.empty() && name_string != base)
    return fmt::format("{} is not Multi-Arch: allowed, so '{}' cannot use it", base, name_string);
  std::vector<std::string> providers;
  Id p, pp;
  FOR_PROVIDES(p, pp, name) providers.push_back(package_text(context.solv, p));
  if (!providers.empty() && evr)
    return fmt::format("{} is only provided without a matching version (by {})", base,
                       fmt::join(providers, ", "));
  return fmt::format("no package named {} exists in {}", base, where);
}

std::string explain_rule(Solver* solver, const ProblemContext& context, Id rule) {
  Pool* pool = context.solv.pool();
  Id source = 0, target = 0, dep = 0;
  SolverRuleinfo type = solver_ruleinfo(solver, rule, &source, &target, &dep);
  auto in_repo = [&](Id p) { return p > 0 && pool->solvables[p].repo == context.solv.repo(); };
  std::string subject = in_repo(source) || (source > 0 && (context.solv.is_installed(source) ||
                                                            context.solv.is_local(source)))
                            ? package_text(context.solv, source)
                            : std::string();
  switch (type) {
    case SOLVER_RULE_PKG_NOTHING_PROVIDES_DEP:
    case SOLVER_RULE_PKG_REQUIRES: {
      for (Id alternative : alternatives_of(pool, dep)) {
        Id name = alternative;
        while (ISRELDEP(name)) name = GETRELDEP(pool, name)->name;
        const std::string removed = pool_id2str(pool, name);
        if (std::find(context.removed.begin(), context.removed.end(), removed) !=
            context.removed.end())
          return fmt::format("{} depends on {}, which is being removed{}", subject,
                             format_dependency(pool, dep),
                             context.solv.is_installed(source)
                                 ? fmt::format(": remove {} too", name_text(context.solv, source))
                                 : std::string());
      }
      std::vector<std::string> reasons;
      for (Id alternative : alternatives_of(pool, dep))
        reasons.push_back(why_unsatisfied(context, alternative));
      std::string because =
          type == SOLVER_RULE_PKG_REQUIRES && reasons.size() == 1 &&
                  reasons[0].starts_with("no package")
              ? "every package providing it conflicts with the rest of the request"
              : fmt::format("{}", fmt::join(reasons, "; "));
      if (type == SOLVER_RULE_PKG_REQUIRES) {
        std::vector<std::string> candidates, excluded, kept;
        Id p, pp;
        FOR_PROVIDES(p, pp, dep) {
          if (!in_repo(p) || !context.solv.is_candidate(p)) continue;
          if (std::string installed = installed_version(context.solv, p); !installed.empty())
            kept.push_back(installed);
          bool is_excluded = context.excluded[context.solv.record(p)];
          candidates.push_back(name_text(context.solv, p) + (is_excluded ? " (excluded)" : ""));
          if (is_excluded) excluded.push_back(name_text(context.solv, p));
        }
        if (!kept.empty())
          because = fmt::format("the installed {} must stay as {}", fmt::join(kept, ", "),
                                kept.size() == 1 ? "it is" : "they are");
        else if (!candidates.empty() && excluded.size() == candidates.size())
          because = fmt::format("{} {} excluded", fmt::join(excluded, ", "),
                                excluded.size() == 1 ? "is" : "are");
        else if (!candidates.empty())
          because = fmt::format("{} cannot be installed with the rest of the request",
                                fmt::join(candidates, ", "));
      }
      return fmt::format("{} depends on {} but {}", subject, format_dependency(pool, dep), because);
    }
    case SOLVER_RULE_PKG_CONFLICTS:
      return fmt::format("{} conflicts with or breaks {} ({})", subject,
                         package_text(context.solv, target), format_dependency(pool, dep));
    case SOLVER_RULE_PKG_SAME_NAME:
      return fmt::format("{} and {} are two versions of one package", subject,
                         package_text(context.solv, target));
    case SOLVER_RULE_PKG_NOT_INSTALLABLE:
      if (in_repo(source) && context.excluded[context.solv.record(source)])
        return fmt::format("{} is excluded", name_text(context.solv, source));
      return fmt::format("{} is not installable on {}", subject, context.solv.architecture());
    default:
      return solver_problemruleinfo2str(solver, type, source, target, dep);
  }
}

}  // namespace

std::vector<std::string> near_matches(const repo::PackageIndex& index, std::string_view name,
                                      size_t limit) {
  std::string wanted = util::to_lower(name);
  size_t cap = std::max<size_t>(2, wanted.size() / 3);
  std::vector<std::tuple<size_t, size_t, std::string>> scored;
  std::string_view previous;
  for (size_t i = 0; i < index.size(); ++i) {
    std::string_view candidate = index.at(i).name;
    if (candidate == previous) continue;
    previous = candidate;
    bool contains = wanted.size() >= 3 && candidate.find(wanted) != std::string_view::npos;
    size_t distance = contains ? 1 : util::edit_distance(wanted, candidate, cap);
    if (distance > cap) continue;
    size_t prefix = 0;
    while (prefix < wanted.size() && prefix < candidate.size() &&
           wanted[prefix] == candidate[prefix])
      ++prefix;
    scored.emplace_back(distance, wanted.size() - prefix, std::string(candidate));
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> result;
  for (auto& [distance, prefix, candidate] : scored) {
    if (result.size() == limit) break;
    result.push_back(std::move(candidate));
  }
  return result;
}

std::string unknown_package_message(const repo::PackageIndex& index, std::string_view name,
                                    std::string_view what) {
  std::vector<std::string> matches = near_matches(index, name);
  if (matches.empty())
    return fmt::format("unknown {} '{}': no package of that name exists", what, name);
  return fmt::format("unknown {} '{}'; did you mean: {}?", what, name, fmt::join(matches, ", "));
}

std::string format_dependency(const Pool* pool, Id dependency) {
  std::vector<std::string> parts;
  for (Id alternative : alternatives_of(pool, dependency)) {
    if (ISRELDEP(alternative)) {
      const Reldep* rel = GETRELDEP(pool, alternative);
      parts.push_back(fmt::format("{} ({} {})", pool_id2str(pool, rel->name), op_text(rel->flags),
                                  pool_id2str(pool, rel->evr)));
    } else {
      parts.emplace_back(pool_id2str(pool, alternative));
    }
  }
  return fmt::format("{}", fmt::join(parts, " | "));
}

std::string describe_problems(Solver* solver, const ProblemContext& context) {
  Pool* pool = context.solv.pool();
  std::vector<std::string> paragraphs;
  int count = solver_problem_count(solver);
  for (Id problem = 1; problem <= count; ++problem) {
    Queue rules;
    queue_init(&rules);
    solver_findallproblemrules(solver, problem, &rules);
    // Lead with the rule libsolv deems the cause, then the other package rules involved.
    std::vector<Id> ordered{solver_findproblemrule(solver, problem)};
    for (int i = 0; i < rules.count; ++i)
      if (rules.elements[i] != ordered[0]) ordered.push_back(rules.elements[i]);
    queue_free(&rules);

    std::vector<std::string> sentences;
    std::set<std::string> seen;
    std::string chain;
    for (Id rule : ordered) {
      Id source = 0, target = 0, dep = 0;
      SolverRuleinfo type = solver_ruleinfo(solver, rule, &source, &target, &dep);
      if (type == SOLVER_RULE_JOB || type == SOLVER_RULE_PKG || type == SOLVER_RULE_UNKNOWN ||
          type == SOLVER_RULE_LEARNT)
        continue;
      std::string sentence = explain_rule(solver, context, rule);
      if (seen.insert(sentence).second) sentences.push_back(sentence);
      if (chain.empty() && source > 0 && pool->solvables[source].repo == context.solv.repo())
        chain = context.chain(context.solv.record(source));
      if (sentences.size() == 4) break;
    }
    // "x is excluded" alone says less than the sentence naming what needs x.
    std::vector<std::string> kept;
    for (const std::string& sentence : sentences) {
      bool repeated =
          sentence.ends_with(" is excluded") &&
          std::any_of(sentences.begin(), sentences.end(), [&](const std::string& other) {
            return other != sentence && other.find(sentence) != std::string::npos;
          });
      if (!repeated) kept.push_back(sentence);
    }
    sentences = std::move(kept);
    if (sentences.empty()) sentences.emplace_back(solver_problem2str(solver, problem));
    std::string paragraph = fmt::format("{}", fmt::join(sentences, "; "));
    if (!chain.empty()) paragraph += fmt::format(" (pulled in by: {})", chain);
    paragraphs.push_back(paragraph);
  }
  return fmt::format("{}", fmt::join(paragraphs, "\n"));
}

}  // namespace apt_ostree::solve
