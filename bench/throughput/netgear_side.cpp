// netgear's side of a case: a NetGear receiver and sender, as users write them.
#include <chrono>
#include <stdexcept>
#include <string>

#include "netgear/netgear.hpp"
#include "throughput/meters.hpp"
#include "throughput/sides.hpp"

namespace netgear::bench {

using namespace std::chrono;

int netgear_receiver(const Config& c, const Case& k, const std::string& local_name, const Report& report) {
  netgear::Options options = options_for(c, k.secure);
  options.receive_timeout = seconds(15);  // a lost sender ends the stream instead of hanging
  if (!c.policy.empty()) options.set("overflow_policy", c.policy);
  // ipc / inproc: "ipc://<path>:1" / "inproc://<path>:1", as vidgear builds them.
  const bool tcp = k.protocol == "tcp";
  netgear::NetGear client(tcp ? std::string("127.0.0.1") : local_name, tcp ? "*" : "1", k.protocol, k.pattern, true,
                          false, options);
  report(client.receiver().endpoints().front());
  ReceiverMeter meter(c.warmup, c.frames, k.cpu_scope());
  while (auto got = client.recv()) {
    if (!got->sent_at) throw std::runtime_error("a frame without sent_at");
    meter.frame(*got->sent_at);
    process_frame(c);
  }
  if (client.receiver().end_reason() != netgear::EndReason::terminated)
    throw std::runtime_error("the stream did not end by termination (reason " +
                             std::to_string(static_cast<int>(client.receiver().end_reason())) + ")");
  report(meter.report().dump());
  return 0;
}

json netgear_sender(const Config& c, const Case& k, const std::string& endpoint, const cv::Mat& frame) {
  netgear::Options options = options_for(c, k.secure);
  options.jpeg_compression = c.codec() == Codec::jpeg;
  if (c.codec() == Codec::png) options.compression_format = ".png";
  if (c.codec() != Codec::none) options.encode_threads = c.encode_threads;
  // "tcp://127.0.0.1:41234", "ipc:///tmp/x/ng3:1" or "inproc:///tmp/x/ng3:1": address and port.
  const auto scheme_end = endpoint.find("://") + 3;
  const auto colon = endpoint.rfind(':');
  netgear::NetGear server(endpoint.substr(scheme_end, colon - scheme_end), endpoint.substr(colon + 1), k.protocol,
                          k.pattern, false, false, options);
  auto& sender = server.sender();
  if (k.pattern == 2 && !sender.wait_for_receiver(seconds(10))) throw std::runtime_error("no subscriber");
  SenderMeter meter(c.warmup, k.cpu_scope());
  Pacer pacer(c);
  for (int i = 0; i < c.frames + c.warmup; ++i) {
    pacer.wait();
    while (sender.send(frame).status == netgear::SendStatus::dropped) {
      // PUB/SUB, the receiver's pipe is full: offer the frame again (lossless, like the ceiling)
    }
    meter.sent();
  }
  json figures = meter.report();
  server.close();
  return figures;
}

}  // namespace netgear::bench
