// The receiving end of the link benchmark: a netgear Receiver (PAIR) that
// measures what arrives and compares each frame with the one that was sent.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "bench_stats.hpp"
#include "link/endpoint.hpp"
#include "link/link.hpp"
#include "netgear/receiver.hpp"

namespace netgear::bench::link {

namespace {

using namespace std::chrono;

// Mean squared error per sample, or nullopt when the two frames differ in
// size or type (a frame that came out as something else than was sent).
std::optional<double> mse(const cv::Mat& got, const cv::Mat& sent) {
  if (got.size() != sent.size() || got.type() != sent.type()) return std::nullopt;
  return cv::norm(got, sent, cv::NORM_L2SQR) / static_cast<double>(sent.total() * sent.channels());
}

// The same on the luma planes (BT.601 Y). Independent noise in B, G and R is
// partly chroma, which every 4:2:0 codec halves in each direction: on this
// scene the colour conversion alone caps BGR PSNR near 35.3 dB. Codecs are
// compared on luma (x264 and FFmpeg report PSNR Y).
double mse_y(const cv::Mat& got, const cv::Mat& sent) {
  cv::Mat a, b;
  cv::cvtColor(got, a, cv::COLOR_BGR2GRAY);
  cv::cvtColor(sent, b, cv::COLOR_BGR2GRAY);
  return cv::norm(a, b, cv::NORM_L2SQR) / static_cast<double>(b.total());
}

}  // namespace

int run_receiver(const Params& p) {
  const auto cycle = render_cycle(p);  // before binding: the sender starts once we are bound

  netgear::Settings s;
  const auto [address, port] = split_endpoint(p.endpoint);
  s.address = address;
  s.port = port;
  s.options.receive_timeout = milliseconds(static_cast<long long>(p.receive_timeout * 1000));
  netgear::Receiver receiver(s);
  std::printf("bound %s\n", receiver.endpoints().front().c_str());  // run.sh waits for this line
  std::fflush(stdout);

  std::vector<double> latency_ms;
  double psnr_sum = 0, psnr_y_sum = 0;
  std::uint64_t psnr_frames = 0, identical = 0, mismatched = 0, out_of_order = 0, no_index = 0, count = 0;
  long long last = -1;
  std::optional<system_clock::time_point> first_sent;
  while (auto got = receiver.recv()) {
    ++count;
    if (got->sent_at) {
      if (!first_sent) first_sent = got->sent_at;
      latency_ms.push_back(duration<double, std::milli>(got->received_at - *got->sent_at).count());
    }
    if (!got->message.is_number_integer()) {
      ++no_index;  // the frame index travels as the message; without it nothing can be compared
      continue;
    }
    const long long index = got->message.get<long long>();
    if (index <= last) ++out_of_order;  // gaps are frames the camera skipped; going back is a fault
    last = index;
    if (index < 0 || (count - 1) % static_cast<std::uint64_t>(p.psnr_every) != 0) continue;
    const auto e = mse(got->frame.mat(), cycle[static_cast<std::size_t>(index % p.cycle)]);
    if (!e) {
      ++mismatched;
    } else if (*e == 0) {
      ++identical;  // lossless: PSNR is infinite, counted apart from the mean
    } else {
      psnr_sum += 10 * std::log10(255.0 * 255.0 / *e);
      psnr_y_sum += 10 * std::log10(255.0 * 255.0 / std::max(mse_y(got->frame.mat(), cycle[static_cast<std::size_t>(
                                                                                          index % p.cycle)]),
                                                                1e-10));
      ++psnr_frames;
    }
  }
  const auto end = system_clock::now();
  const auto stats = receiver.stats();
  // From the first frame's send() to the end of the stream (the termination),
  // so frames still on the wire at the end count against it; plus the one
  // frame interval the last frame stands for (N frames span N intervals).
  const double stream_s = first_sent ? duration<double>(end - *first_sent).count() + 1 / p.fps : 0;
  const auto lat = percentiles(latency_ms);
  emit({{"role", "recv"},
        {"case", p.case_name},
        {"delivered", count},
        {"stream_seconds", stream_s},
        {"fps", stream_s > 0 ? static_cast<double>(count) / stream_s : 0},
        {"latency_ms", {{"p50", lat.p50}, {"p99", lat.p99}, {"max", lat.max}}},
        {"bytes_per_frame", stats.received ? static_cast<double>(stats.bytes) / stats.received : 0},
        {"psnr_db", psnr_frames ? json(psnr_sum / psnr_frames) : json(nullptr)},  // null: none lossy
        {"psnr_y_db", psnr_frames ? json(psnr_y_sum / psnr_frames) : json(nullptr)},
        {"psnr_frames", psnr_frames},
        {"identical_frames", identical},
        {"mismatched_frames", mismatched},
        {"out_of_order", out_of_order},
        {"without_index", no_index},
        {"end_reason", std::string(to_string(receiver.end_reason()))},
        {"stats",
         {{"received", stats.received},
          {"delivered", stats.delivered},
          {"dropped", stats.dropped},
          {"bad", stats.bad},
          {"bytes", stats.bytes}}}});
  return 0;
}

}  // namespace netgear::bench::link
