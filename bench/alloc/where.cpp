#include "alloc/where.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <utility>

namespace netgear::alloc_audit {
namespace {

constexpr int kNetgearFrames = 4;  // netgear frames shown per stack (innermost first)
constexpr int kOtherFrames = 8;    // frames shown of a stack with no netgear frame
struct Frame {
  std::string function;  // without template arguments and parameter lists
  std::string place;     // file:line
};

struct Location {
  std::vector<Frame> frames;  // innermost first (inlined functions expanded)
};

// "a::b<c<d>>::f(int, e<f>) const" -> "a::b<>::f()": readable call chains.
std::string simplified(const std::string& name) {
  std::string out;
  int angle = 0, paren = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char ch = name[i];
    if (name.compare(i, 8, "operator") == 0 && angle == 0 && paren == 0) {  // operator<, operator() ...
      const auto end = name.find('(', i + 9);
      out += name.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end == std::string::npos ? name.size() : end - 1;
      continue;
    }
    if (ch == '<') {
      if (angle++ == 0 && paren == 0) out += "<>";
    } else if (ch == '>') {
      --angle;
    } else if (ch == '(') {
      if (paren++ == 0 && angle == 0) out += "()";
    } else if (ch == ')') {
      --paren;
    } else if (angle == 0 && paren == 0) {
      out += ch;
    }
  }
  return out;
}

std::string hex(std::uintptr_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%lx", static_cast<unsigned long>(v));
  return buf;
}

std::string basename_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// addr2line -a -f -C -i over one object: "0x<addr>" then (function, file:line) pairs.
void symbolize(const std::string& object, const std::vector<std::pair<void*, std::uintptr_t>>& pcs,
               std::map<void*, Location>& out) {
  std::string command = "addr2line -a -f -C -i -e '" + object + "'";
  for (const auto& [pc, offset] : pcs) command += " " + hex(offset);
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), &::pclose);
  if (!pipe) return;
  std::string text;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe.get())) text += buf;
  std::istringstream lines(text);
  std::string line;
  std::size_t index = 0;
  Location* current = nullptr;
  std::string function;
  bool want_function = true;
  while (std::getline(lines, line)) {
    if (line.rfind("0x", 0) == 0 && want_function) {
      current = index < pcs.size() ? &out[pcs[index++].first] : nullptr;
      continue;
    }
    if (!current) continue;
    if (want_function) {
      function = line;
    } else {
      current->frames.push_back({simplified(function), basename_of(line)});
    }
    want_function = !want_function;
  }
}

// The counter's own frames and the allocator entry points.
bool hidden(const Frame& frame) {
  static const char* entry_points[] = {"malloc", "calloc", "realloc", "posix_memalign", "aligned_alloc",
                                       "operator new", "__gnu_cxx::", "std::__new_allocator", "std::allocator"};
  return frame.place.find("alloc_counter") != std::string::npos ||
         std::any_of(std::begin(entry_points), std::end(entry_points),
                     [&](const char* n) { return frame.function.rfind(n, 0) == 0; });
}

bool in_netgear(const Frame& frame) {
  return frame.function.rfind("netgear::", 0) == 0 && frame.function.rfind("netgear::alloc_", 0) != 0;
}

}  // namespace

std::vector<Site> group_sites(std::span<const alloc_counter::TraceEntry> stacks,
                              const std::function<std::string(long)>& role_of) {
  // Which object each return address belongs to, and its offset there.
  std::map<std::string, std::vector<std::pair<void*, std::uintptr_t>>> by_object;
  std::set<void*> seen;
  std::map<void*, std::string> fallback;  // dladdr's nearest exported symbol
  for (const auto& e : stacks) {
    for (int i = 0; i < e.depth; ++i) {
      void* pc = e.pcs[i];
      if (!seen.insert(pc).second) continue;
      Dl_info info{};
      if (::dladdr(pc, &info) == 0 || info.dli_fname == nullptr) continue;
      std::string object = info.dli_fname;
      if (object.empty() || object.find('/') == std::string::npos) object = "/proc/self/exe";
      const auto offset = reinterpret_cast<std::uintptr_t>(pc) - reinterpret_cast<std::uintptr_t>(info.dli_fbase) - 1;
      by_object[object].emplace_back(pc, offset);
      fallback[pc] = (info.dli_sname ? std::string(info.dli_sname) : std::string("??")) + " in " + basename_of(object);
    }
  }
  std::map<void*, Location> where;
  for (const auto& [object, pcs] : by_object) symbolize(object, pcs, where);

  // A stack as: the innermost frame that is not the allocator (what allocates),
  // then the netgear frames it was reached through.
  std::map<std::pair<std::string, std::string>, std::uint64_t> groups;
  for (const auto& e : stacks) {
    std::vector<Frame> frames;
    for (int i = 0; i < e.depth; ++i) {
      const auto it = where.find(e.pcs[i]);
      if (it != where.end() && !it->second.frames.empty() && it->second.frames.front().function.rfind("??", 0) != 0) {
        frames.insert(frames.end(), it->second.frames.begin(), it->second.frames.end());
      } else {
        const auto fb = fallback.find(e.pcs[i]);
        frames.push_back({fb != fallback.end() ? fb->second : hex(reinterpret_cast<std::uintptr_t>(e.pcs[i])), ""});
      }
    }
    std::string stack;
    int shown = 0;
    bool origin = false;
    for (const auto& f : frames) {
      if (hidden(f)) continue;
      if (!origin) {
        stack += "    " + f.function + "  (" + f.place + ")\n";
        origin = true;
        if (in_netgear(f)) ++shown;
        continue;
      }
      if (in_netgear(f) && shown < kNetgearFrames) {
        stack += "      <- " + f.function + "  (" + f.place + ")\n";
        ++shown;
      }
    }
    if (shown == 0) {  // not reached through netgear code (a library's own thread or callback): show its stack
      int more = 0;
      for (const auto& f : frames)
        if (!hidden(f) && more++ > 0 && more <= kOtherFrames) stack += "      <- " + f.function + "  (" + f.place + ")\n";
    }
    ++groups[{role_of(e.tid), stack}];
  }
  std::vector<Site> sites;
  for (const auto& [key, count] : groups) sites.push_back({key.first, key.second, count});
  std::sort(sites.begin(), sites.end(), [](const Site& a, const Site& b) {
    return a.thread != b.thread ? a.thread < b.thread : a.count > b.count;
  });
  return sites;
}

}  // namespace netgear::alloc_audit
