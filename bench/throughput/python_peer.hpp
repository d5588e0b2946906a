#pragma once
// The plain-pyzmq implementation, the "pyzmq" rows: bench/throughput/
// pyzmq_peer.py (vidgear 0.3's protocol on pyzmq, from bench/pyzmq_netgear.py)
// run by Debian's python3 as two processes, receiver first. It covers process
// mode over tcp and ipc with raw frames (uint8 and uint16).
#include <optional>
#include <string>

#include "throughput/cases.hpp"
#include "throughput/figures.hpp"

namespace netgear::bench {

/// Why the pyzmq rows cannot run on this machine, or nullopt: the
/// interpreter or the script is missing, or zmq and numpy do not import
/// (checked by running the interpreter once, bounded in time).
std::optional<std::string> python_unavailable(const Config& c);

/// Why case k has no pyzmq row (threads mode, inproc, --jpeg/--png,
/// --secure), or nullopt.
std::optional<std::string> python_skips(const Config& c, const Case& k);

/// One run of the two pyzmq peers. Figures as the C++ sides report them: the
/// peers measure the timed frames (frames, seconds, CPU of the whole process)
/// as meters.hpp does; the latency percentiles are computed here from the
/// receiver's samples (bench_stats.hpp); peak RSS comes from wait4(). Extra
/// JSON: each peer's whole-life CPU (interpreter start-up included).
/// Throws std::runtime_error naming the peer that failed, with the end of
/// its stderr.
Figures run_python(const Config& c, const Case& k);

}  // namespace netgear::bench
