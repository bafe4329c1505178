// Ctrl-C and SIGTERM: the first one only raises a flag, so long operations stop at a safe point
// and unwind (temporary files removed, partial downloads kept for a resume, mounts undone by their
// guards) before the process exits with 128 + the signal number. A second one is not caught: it
// kills the process at once, as a user pressing Ctrl-C twice expects.
#pragma once

#include <string>

namespace apt_ostree::util {

// Installs the handlers for SIGINT and SIGTERM; main() calls it once.
void catch_interrupts();

// The signal received since catch_interrupts(), or 0.
int interrupt_signal();

// Asks long operations to stop at their next safe point, as an interrupt does, for `reason` (one
// sentence: a disk filling up); throw_if_interrupted then throws Error(reason). Thread-safe; the
// first reason wins.
void request_stop(const std::string& reason);

// Throws Error (exit code 128 + signal) naming the signal if one was received, or the reason of
// request_stop(); `what` names the operation that stops ("downloading packages").
void throw_if_interrupted(const char* what);

}  // namespace apt_ostree::util
