#include "netgear/types.hpp"

#include <string>

#include "netgear/error.hpp"

namespace netgear {

Pattern pattern_from_int(int value) {
  switch (value) {
    case 0: return Pattern::pair;
    case 1: return Pattern::req_rep;
    case 2: return Pattern::pub_sub;
    default:
      throw OptionError("pattern", std::to_string(value) +
                                       " is not a pattern; use 0 (PAIR), 1 (REQ/REP) or 2 (PUB/SUB)");
  }
}

Protocol protocol_from_string(std::string_view name) {
  if (name == "tcp") return Protocol::tcp;
  if (name == "ipc") return Protocol::ipc;
  if (name == "inproc") return Protocol::inproc;
  if (name == "pgm") return Protocol::pgm;
  if (name == "epgm") return Protocol::epgm;
  if (name == "udp")
    throw OptionError("protocol",
                      "'udp' needs ZeroMQ draft sockets (RADIO/DISH), which this libzmq (Debian's) is "
                      "built without; use tcp, ipc or inproc, or pgm/epgm with pattern 2");
  throw OptionError("protocol", "'" + std::string(name) + "' is not a protocol; use tcp, ipc, inproc, pgm or epgm");
}

OverflowPolicy overflow_policy_from_string(std::string_view name) {
  if (name == "block") return OverflowPolicy::block;
  if (name == "drop_oldest") return OverflowPolicy::drop_oldest;
  if (name == "latest_only") return OverflowPolicy::latest_only;
  throw OptionError("overflow_policy",
                    "'" + std::string(name) + "' is not a policy; use block, drop_oldest or latest_only");
}

std::string_view to_string(Pattern pattern) noexcept {
  switch (pattern) {
    case Pattern::pair: return "PAIR";
    case Pattern::req_rep: return "REQ/REP";
    case Pattern::pub_sub: return "PUB/SUB";
  }
  return "?";
}

std::string_view to_string(Protocol protocol) noexcept {
  switch (protocol) {
    case Protocol::tcp: return "tcp";
    case Protocol::ipc: return "ipc";
    case Protocol::inproc: return "inproc";
    case Protocol::pgm: return "pgm";
    case Protocol::epgm: return "epgm";
  }
  return "?";
}

std::string_view to_string(OverflowPolicy policy) noexcept {
  switch (policy) {
    case OverflowPolicy::block: return "block";
    case OverflowPolicy::drop_oldest: return "drop_oldest";
    case OverflowPolicy::latest_only: return "latest_only";
  }
  return "?";
}

}  // namespace netgear
