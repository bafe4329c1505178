// GLib in C++: owners for reference-counted GObjects, GVariants and libostree's boxed types, and
// a GError slot whose message goes into apt_ostree::Error when a libostree call fails. Only the
// store module (lib/store/ostree/) includes GLib; nothing outside it sees these types.
#pragma once

#include <gio/gio.h>
#include <ostree.h>

#include <memory>

#include "lib/util/error.h"

namespace apt_ostree::store::ostree {

struct GObjectUnref {
  void operator()(gpointer object) const { g_object_unref(object); }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct GVariantUnref {
  void operator()(GVariant* variant) const { g_variant_unref(variant); }
};
using GVariantPtr = std::unique_ptr<GVariant, GVariantUnref>;

// Takes ownership of a floating or new reference.
inline GVariantPtr take_variant(GVariant* variant) {
  return GVariantPtr(g_variant_ref_sink(variant));
}

struct GFree {
  void operator()(gpointer memory) const { g_free(memory); }
};
using GCharPtr = std::unique_ptr<char, GFree>;

struct ModifierUnref {
  void operator()(OstreeRepoCommitModifier* modifier) const {
    ostree_repo_commit_modifier_unref(modifier);
  }
};
using ModifierPtr = std::unique_ptr<OstreeRepoCommitModifier, ModifierUnref>;

// Where a GLib call reports its failure; converts to the GError** the call takes.
class GErrorSlot {
 public:
  GErrorSlot() = default;
  ~GErrorSlot() { g_clear_error(&m_error); }
  GErrorSlot(const GErrorSlot&) = delete;
  GErrorSlot& operator=(const GErrorSlot&) = delete;

  operator GError**() {
    g_clear_error(&m_error);
    return &m_error;
  }
  const char* message() const { return m_error ? m_error->message : "unknown error"; }
  bool matches(GQuark domain, int code) const {
    return m_error && g_error_matches(m_error, domain, code);
  }

 private:
  GError* m_error = nullptr;
};

// Throws Error("<what>: <GError message>") unless `ok`.
template <typename... Args>
void check(gboolean ok, const GErrorSlot& error, fmt::format_string<Args...> what, Args&&... args) {
  if (!ok) fail("{}: {}", fmt::format(what, std::forward<Args>(args)...), error.message());
}

}  // namespace apt_ostree::store::ostree
