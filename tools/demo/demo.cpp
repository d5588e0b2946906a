// netgear_demo: a sender streaming synthetic frames to a receiver in another
// process over loopback, printing what the receiver sees each second. It ends
// by itself. (The `netgear` command-line tool will replace it.)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <opencv2/imgproc.hpp>

#include "netgear/netgear.hpp"
#include "support/child.hpp"

namespace {

using namespace std::chrono;
using namespace netgear;

struct Config {
  double seconds = 5;
  int pattern = 0;
  int width = 640;
  int height = 480;
};

// A moving test card with the frame number written into it.
cv::Mat test_card(int width, int height, int index) {
  cv::Mat frame(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    auto* row = frame.ptr<cv::Vec3b>(y);
    for (int x = 0; x < width; ++x)
      row[x] = cv::Vec3b(static_cast<uchar>(x + index), static_cast<uchar>(y + 2 * index), static_cast<uchar>(x ^ y));
  }
  cv::putText(frame, "netgear #" + std::to_string(index), {20, height / 2}, cv::FONT_HERSHEY_SIMPLEX, 1.5,
              {255, 255, 255}, 3);
  return frame;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

int run_receiver(const Config& c, const std::function<void(const std::string&)>& report) {
  NetGear client("127.0.0.1", "*", "tcp", c.pattern, /*receive_mode=*/true);
  report(client.receiver().endpoints().front());
  const auto start = steady_clock::now();
  auto tick = start + seconds(1);
  std::uint64_t frames = 0, window_frames = 0, window_bytes = 0;
  std::vector<double> latencies_ms;
  while (auto got = client.recv()) {
    ++frames;
    ++window_frames;
    window_bytes += got->frame.byte_size();
    if (got->sent_at) latencies_ms.push_back(duration<double, std::milli>(got->received_at - *got->sent_at).count());
    if (steady_clock::now() >= tick) {
      const double span = duration<double>(steady_clock::now() - (tick - seconds(1))).count();
      std::printf("[%4.1fs] %6llu frames  %7.1f fps  %7.1f MB/s  latency p50 %.2f ms  p99 %.2f ms\n",
                  duration<double>(steady_clock::now() - start).count(), static_cast<unsigned long long>(frames),
                  static_cast<double>(window_frames) / span, static_cast<double>(window_bytes) / span / 1e6,
                  percentile(latencies_ms, 0.5), percentile(latencies_ms, 0.99));
      std::fflush(stdout);
      tick += seconds(1);
      window_frames = window_bytes = 0;
      latencies_ms.clear();
    }
  }
  const double total = duration<double>(steady_clock::now() - start).count();
  const auto stats = client.receiver().stats();
  std::printf("receiver: %llu frames in %.2f s (%.1f fps); %llu dropped, %llu bad; the sender ended the stream: %s\n",
              static_cast<unsigned long long>(frames), total, static_cast<double>(frames) / total,
              static_cast<unsigned long long>(stats.dropped), static_cast<unsigned long long>(stats.bad),
              client.receiver().end_reason() == EndReason::terminated ? "yes" : "no");
  return client.receiver().end_reason() == EndReason::terminated ? 0 : 1;
}

int run(const Config& c) {
  std::printf("netgear demo: %s over tcp loopback, %dx%dx3 uint8 frames for %.0f s, receiver in a child process\n",
              std::string(to_string(pattern_from_int(c.pattern))).c_str(), c.width, c.height, c.seconds);
  std::fflush(stdout);
  tools::Child receiver([&](const auto& report) { return run_receiver(c, report); });
  auto endpoint = receiver.read_line(seconds(10));
  if (!endpoint || endpoint->rfind("tcp://", 0) != 0) {
    std::fprintf(stderr, "netgear demo: the receiver did not start: %s\n", endpoint ? endpoint->c_str() : "no answer");
    return 1;
  }
  std::printf("receiver: bound %s\n", endpoint->c_str());
  std::fflush(stdout);
  const auto port = endpoint->substr(endpoint->rfind(':') + 1);

  std::uint64_t sent = 0;
  {
    NetGear server("127.0.0.1", port, "tcp", c.pattern);
    if (c.pattern == 2) server.sender().wait_for_receiver(seconds(10));
    // Pre-rendered cards, so the demo measures the transport, not putText.
    std::vector<cv::Mat> cards;
    for (int i = 0; i < 30; ++i) cards.push_back(test_card(c.width, c.height, i));
    const auto end = steady_clock::now() + duration<double>(c.seconds);
    while (steady_clock::now() < end) {
      auto result = server.sender().send(cards[sent % cards.size()], {{"frame", sent}});
      if (result.status == SendStatus::delivered || result.status == SendStatus::queued) ++sent;
      // PUB/SUB never waits for a lagging receiver; a camera would produce the
      // next frame later, so pause briefly rather than spin.
      if (result.status == SendStatus::dropped) std::this_thread::sleep_for(microseconds(100));
    }
    const auto stats = server.sender().stats();
    server.close();
    std::printf("sender: %llu frames sent, %llu replies, %llu dropped (receiver lagging), %llu timeouts\n",
                static_cast<unsigned long long>(sent), static_cast<unsigned long long>(stats.replies),
                static_cast<unsigned long long>(stats.dropped), static_cast<unsigned long long>(stats.timeouts));
    std::fflush(stdout);
  }
  const int code = receiver.wait(seconds(30));
  std::printf("netgear demo: %s\n", code == 0 ? "done" : "the receiver failed");
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"netgear demo: stream synthetic frames to a receiver process over loopback"};
  Config c;
  app.add_option("--seconds", c.seconds, "how long to stream")->check(CLI::Range(0.1, 3600.0));
  app.add_option("--pattern", c.pattern, "0 PAIR, 1 REQ/REP, 2 PUB/SUB")->check(CLI::Range(0, 2));
  app.add_option("--width", c.width)->check(CLI::Range(16, 8192));
  app.add_option("--height", c.height)->check(CLI::Range(16, 8192));
  CLI11_PARSE(app, argc, argv);
  try {
    return run(c);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "netgear demo: %s\n", e.what());
    return 1;
  }
}
