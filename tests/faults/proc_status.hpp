#pragma once
// Memory of a process as the kernel reports it in /proc/<pid>/status:
// VmRSS (resident now) and VmHWM (peak resident), in KiB. Used by the fault
// peers and the lossless run to show that memory stays bounded.

#include <fstream>
#include <string>

#include <sys/types.h>

namespace netgear::faults {

struct MemoryKb {
  long rss = -1;  ///< VmRSS
  long hwm = -1;  ///< VmHWM
};

/// The memory of process `pid` (0: this process); -1 fields if unreadable.
inline MemoryKb memory_of(pid_t pid = 0) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/status") : "/proc/" + std::to_string(pid) + "/status");
  MemoryKb m;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) m.rss = std::stol(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) m.hwm = std::stol(line.substr(6));
  }
  return m;
}

}  // namespace netgear::faults
