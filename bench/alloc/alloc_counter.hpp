#pragma once
// Counts heap allocations per thread, for the programs that link it: it
// defines malloc, calloc, realloc, reallocarray, free and the aligned
// allocators (each forwards to glibc's __libc_* implementation), so every
// allocation in the process goes through it — operator new included, which
// libstdc++ implements with malloc / aligned_alloc.
//
// Link it only into a dedicated executable (CMake: the OBJECT library
// netgear_alloc_counter), never into the library or the big test binaries.
// Nothing here allocates: snapshots fill the caller's array.

#include <cstddef>
#include <cstdint>
#include <span>

namespace netgear::alloc_counter {

/// What one thread has done so far (since it first allocated).
struct ThreadTally {
  long tid = 0;               ///< the kernel's thread id (gettid)
  std::uint64_t allocs = 0;   ///< malloc, calloc, realloc (to a non-zero size), the aligned allocators
  std::uint64_t frees = 0;    ///< free of a non-null pointer, realloc to size 0
  std::uint64_t bytes = 0;    ///< bytes asked for by those allocations
  std::uint64_t large = 0;    ///< allocations of at least large_threshold() bytes
};

/// Fills `out` with every thread seen so far (at most out.size()); returns how
/// many were written. Threads that ended keep their entry.
std::size_t snapshot(std::span<ThreadTally> out) noexcept;

/// This thread's kernel id (the `tid` of its ThreadTally).
long this_thread_id() noexcept;

/// Allocations made by this thread so far.
std::uint64_t this_thread_allocs() noexcept;

/// Allocations of at least `bytes` are also counted as `large` (default:
/// never). Set it to a payload's size to see whether anything copies it.
void set_large_threshold(std::size_t bytes) noexcept;
std::size_t large_threshold() noexcept;

/// One allocation seen while tracing: the thread and the call stack.
struct TraceEntry {
  static constexpr int max_depth = 40;
  long tid = 0;
  std::size_t bytes = 0;
  int depth = 0;
  void* pcs[max_depth] = {};
};

/// Starts recording the call stack of every allocation (up to a fixed number,
/// kept in static storage) on every thread. Diagnostics only: slow.
void start_trace() noexcept;
/// Stops recording; returns the entries recorded since start_trace().
std::span<const TraceEntry> stop_trace() noexcept;

}  // namespace netgear::alloc_counter
