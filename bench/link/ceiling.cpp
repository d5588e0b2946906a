// The link's ceiling for ZeroMQ: plain cppzmq PAIR sockets stream two-part
// messages (a small header, a payload) as fast as the link takes them, with
// no reply and no codec; the sink measures the bytes per second that arrive.
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>

#include <zmq.hpp>

#include "link/endpoint.hpp"
#include "link/link.hpp"

namespace netgear::bench::link {

using namespace std::chrono;

int run_ceiling_sink(const Params& p) {
  zmq::context_t ctx;
  zmq::socket_t socket(ctx, zmq::socket_type::pair);
  socket.set(zmq::sockopt::rcvtimeo, static_cast<int>(p.receive_timeout * 1000));
  socket.set(zmq::sockopt::linger, 0);
  socket.bind(p.endpoint);
  std::printf("bound %s\n", socket.get(zmq::sockopt::last_endpoint).c_str());
  std::fflush(stdout);

  std::uint64_t messages = 0, bytes = 0;  // after the first message, which starts the clock
  steady_clock::time_point first, last;
  bool ended = false;
  for (;;) {
    zmq::message_t header, payload;
    if (!socket.recv(header)) break;  // silent for receive_timeout: reported as not ended
    if (!header.more()) {
      ended = true;  // the one-part "end"
      break;
    }
    (void)socket.recv(payload);
    last = steady_clock::now();
    if (messages++ == 0) first = last;
    else bytes += header.size() + payload.size();
  }
  const double seconds = duration<double>(last - first).count();
  emit({{"role", "ceiling"},
        {"messages", messages},
        {"seconds", seconds},
        {"mbit_per_s", seconds > 0 ? static_cast<double>(bytes) * 8 / seconds / 1e6 : 0},
        {"end_reason", ended ? "terminated" : "timed_out"}});
  return ended ? 0 : 1;
}

int run_ceiling_source(const Params& p) {
  zmq::context_t ctx;
  zmq::socket_t socket(ctx, zmq::socket_type::pair);
  // A short queue: the source stops on time instead of leaving seconds of
  // messages buffered in front of the "end".
  socket.set(zmq::sockopt::sndhwm, 2);
  socket.set(zmq::sockopt::sndtimeo, 100);
  socket.set(zmq::sockopt::linger, static_cast<int>(p.receive_timeout * 1000));
  socket.connect(p.endpoint);
  const std::string header = R"({"dtype":"uint8","shape":[)" + std::to_string(p.ceiling_message) + "]}";
  const std::vector<char> payload(static_cast<std::size_t>(p.ceiling_message), 'x');
  const auto end = steady_clock::now() + duration_cast<steady_clock::duration>(duration<double>(p.seconds));
  std::uint64_t sent = 0;
  while (steady_clock::now() < end) {
    if (!socket.send(zmq::buffer(header), zmq::send_flags::sndmore)) continue;  // full: try until the end
    // Once the first part is queued, ZeroMQ takes the rest of the message.
    if (!socket.send(zmq::buffer(payload), zmq::send_flags::none)) throw std::runtime_error("payload refused");
    ++sent;
  }
  socket.set(zmq::sockopt::sndtimeo, static_cast<int>(p.receive_timeout * 1000));
  if (!socket.send(zmq::str_buffer("end"), zmq::send_flags::none)) throw std::runtime_error("end not taken");
  emit({{"role", "ceiling-send"}, {"messages", sent}, {"message_bytes", p.ceiling_message}});
  return 0;  // the context's destructor waits (linger) until "end" is out
}

}  // namespace netgear::bench::link
