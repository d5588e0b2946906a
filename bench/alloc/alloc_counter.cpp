// The allocation counter: glibc's allocator entry points, redefined in the
// executable so every shared library's calls bind here (ELF interposition),
// counted per thread and forwarded to glibc's own implementations.
#include "alloc/alloc_counter.hpp"

#include <execinfo.h>
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* ptr, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void* __libc_valloc(std::size_t size);
void* __libc_pvalloc(std::size_t size);
void __libc_free(void* ptr);
}

namespace netgear::alloc_counter {
namespace {

// Per-thread counters live in a static table (a thread claims a slot on its
// first allocation) so that counting never allocates.
struct Slot {
  std::atomic<long> tid{0};
  std::atomic<std::uint64_t> allocs{0}, frees{0}, bytes{0}, large{0};
};

constexpr std::size_t kSlots = 1024;
Slot g_slots[kSlots];
Slot g_overflow;  // shared by threads beyond kSlots
std::atomic<std::size_t> g_used{0};
std::atomic<std::size_t> g_large{static_cast<std::size_t>(-1)};

constexpr std::size_t kTraceEntries = 1 << 14;
TraceEntry g_trace[kTraceEntries];
std::atomic<std::size_t> g_trace_used{0};
std::atomic<bool> g_tracing{false};

// Trivial thread_locals of the executable: static TLS, no allocation to reach them.
thread_local Slot* t_slot = nullptr;
thread_local bool t_tracing = false;  // inside backtrace(): do not trace its own allocations

Slot& slot() noexcept {
  if (t_slot == nullptr) {
    const std::size_t i = g_used.fetch_add(1, std::memory_order_relaxed);
    t_slot = i < kSlots ? &g_slots[i] : &g_overflow;
    t_slot->tid.store(static_cast<long>(::gettid()), std::memory_order_relaxed);
  }
  return *t_slot;
}

void trace(std::size_t size) noexcept {
  const std::size_t i = g_trace_used.fetch_add(1, std::memory_order_relaxed);
  if (i >= kTraceEntries) return;
  t_tracing = true;
  TraceEntry& e = g_trace[i];
  e.tid = static_cast<long>(::gettid());
  e.bytes = size;
  e.depth = ::backtrace(e.pcs, TraceEntry::max_depth);
  t_tracing = false;
}

void counted_alloc(std::size_t size) noexcept {
  Slot& s = slot();
  s.allocs.fetch_add(1, std::memory_order_relaxed);
  s.bytes.fetch_add(size, std::memory_order_relaxed);
  if (size >= g_large.load(std::memory_order_relaxed)) s.large.fetch_add(1, std::memory_order_relaxed);
  if (g_tracing.load(std::memory_order_relaxed) && !t_tracing) trace(size);
}

void counted_free(void* ptr) noexcept {
  if (ptr != nullptr) slot().frees.fetch_add(1, std::memory_order_relaxed);
}

bool power_of_two(std::size_t n) noexcept { return n != 0 && (n & (n - 1)) == 0; }

}  // namespace

std::size_t snapshot(std::span<ThreadTally> out) noexcept {
  const std::size_t used = std::min(g_used.load(std::memory_order_acquire), kSlots);
  std::size_t n = 0;
  for (std::size_t i = 0; i < used && n < out.size(); ++i, ++n) {
    const Slot& s = g_slots[i];
    out[n] = {s.tid.load(std::memory_order_relaxed), s.allocs.load(std::memory_order_relaxed),
              s.frees.load(std::memory_order_relaxed), s.bytes.load(std::memory_order_relaxed),
              s.large.load(std::memory_order_relaxed)};
  }
  return n;
}

long this_thread_id() noexcept { return slot().tid.load(std::memory_order_relaxed); }
std::uint64_t this_thread_allocs() noexcept { return slot().allocs.load(std::memory_order_relaxed); }
void set_large_threshold(std::size_t bytes) noexcept { g_large.store(bytes, std::memory_order_relaxed); }
std::size_t large_threshold() noexcept { return g_large.load(std::memory_order_relaxed); }

void start_trace() noexcept {
  void* prime[4];
  t_tracing = true;
  (void)::backtrace(prime, 4);  // the first call loads libgcc_s (and allocates): not while tracing
  t_tracing = false;
  g_trace_used.store(0, std::memory_order_relaxed);
  g_tracing.store(true, std::memory_order_release);
}

std::span<const TraceEntry> stop_trace() noexcept {
  g_tracing.store(false, std::memory_order_release);
  return {g_trace, std::min(g_trace_used.load(std::memory_order_acquire), kTraceEntries)};
}

}  // namespace netgear::alloc_counter

// The interposed entry points. Declared noexcept as glibc's headers declare them (__THROW).
using netgear::alloc_counter::counted_alloc;
using netgear::alloc_counter::counted_free;

extern "C" {

void* malloc(std::size_t size) noexcept {
  counted_alloc(size);
  return __libc_malloc(size);
}

void* calloc(std::size_t count, std::size_t size) noexcept {
  counted_alloc(count * size);
  return __libc_calloc(count, size);
}

void* realloc(void* ptr, std::size_t size) noexcept {
  if (size == 0 && ptr != nullptr) {
    counted_free(ptr);
  } else {
    counted_alloc(size);
  }
  return __libc_realloc(ptr, size);
}

void* reallocarray(void* ptr, std::size_t count, std::size_t size) noexcept {
  std::size_t total = 0;
  if (__builtin_mul_overflow(count, size, &total)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(ptr, total);
}

void free(void* ptr) noexcept {
  counted_free(ptr);
  __libc_free(ptr);
}

void* memalign(std::size_t alignment, std::size_t size) noexcept {
  counted_alloc(size);
  return __libc_memalign(alignment, size);
}

void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  counted_alloc(size);
  return __libc_memalign(alignment, size);
}

int posix_memalign(void** out, std::size_t alignment, std::size_t size) noexcept {
  if (!netgear::alloc_counter::power_of_two(alignment) || alignment % sizeof(void*) != 0) return EINVAL;
  counted_alloc(size);
  void* p = __libc_memalign(alignment, size);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

void* valloc(std::size_t size) noexcept {
  counted_alloc(size);
  return __libc_valloc(size);
}

void* pvalloc(std::size_t size) noexcept {
  counted_alloc(size);
  return __libc_pvalloc(size);
}

}  // extern "C"
