#pragma once
// Turns recorded allocation stacks into readable, grouped call sites
// (dladdr + addr2line on each object's debug information).

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "alloc/alloc_counter.hpp"
#include "alloc/audit.hpp"

namespace netgear::alloc_audit {

/// Groups `stacks` by thread role (`role_of(tid)`) and call stack, most
/// frequent first; frames inside the counter and operator new are left out.
std::vector<Site> group_sites(std::span<const alloc_counter::TraceEntry> stacks,
                              const std::function<std::string(long)>& role_of);

}  // namespace netgear::alloc_audit
