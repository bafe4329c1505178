// libsolv's C headers, readable from C++20: `requires` is a keyword there, so Solvable's field of
// that name is seen as `requires_` while the headers are read (same layout, another spelling).
// Include libsolv only through this header.
#pragma once

#define requires requires_
#include <solv/knownid.h>
#include <solv/pool.h>
#include <solv/poolarch.h>
#include <solv/problems.h>
#include <solv/repo.h>
#include <solv/repo_solv.h>
#include <solv/repo_write.h>
#include <solv/rules.h>
#include <solv/solver.h>
#undef requires
