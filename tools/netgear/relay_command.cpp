// `netgear relay`: takes a stream as `netgear recv` would and serves it to
// any number of viewers that dial in (`netgear recv --pattern 2 --dial`),
// optionally pushing it to receivers that bind, with live stats per stream
// and per viewer, until Ctrl+C (or, with --once, the end of the stream).
#include <atomic>
#include <chrono>
#include <optional>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "commands.hpp"
#include "http_viewer.hpp"
#include "interrupt.hpp"
#include "netgear/receiver.hpp"
#include "netgear/relay.hpp"
#include "relay_stats.hpp"
#include "stream_args.hpp"

namespace netgear::tools {
namespace {

using namespace std::chrono;

struct RelayArgs {
  StreamArgs input;
  std::string viewer_address = "*";
  std::string viewer_port = "5556";
  int viewer_secure = -1;  // -1: as --secure
  std::vector<std::string> push;
  int push_pattern = 0;
  std::size_t max_viewers = 256;
  int viewer_backlog = 8;
  bool once = false;
  bool json = false;
  double interval = 1.0;
  std::string http;
  std::vector<std::string> http_allow_hosts;
  bool http_any_host = false;
};

// --http: the browser page, fed by a viewer of the relay's own that dials it
// like any other (so the page shows what viewers get).
class PageViewer {
 public:
  PageViewer(const RelayArgs& a, const Relay& relay, const Settings& face)
      : server_(open_http_viewer(a.http, {.allowed_hosts = a.http_allow_hosts, .any_host = a.http_any_host})) {
    Settings s;
    const auto host = a.viewer_address == "*" || a.viewer_address == "0.0.0.0" ? "127.0.0.1" : a.viewer_address;
    s.address = host;
    const auto endpoint = relay.viewer_endpoint();
    s.port = PortSpec(endpoint.substr(endpoint.rfind(':') + 1));
    s.protocol = face.protocol;
    s.pattern = Pattern::pub_sub;
    s.options = face.options;
    s.options.set("receiver_dials", true);
    s.options.set("overflow_policy", "latest_only");  // a page shows the latest frame
    receiver_.emplace(std::move(s));
    thread_ = std::thread([this] {
      while (!stop_) {
        if (auto got = receiver_->recv_for(milliseconds(100))) server_->publish(got->frame.mat());
      }
    });
  }
  ~PageViewer() {
    stop_ = true;
    thread_.join();
    receiver_->close();
    server_->stop();
  }
  PageViewer(const PageViewer&) = delete;
  PageViewer& operator=(const PageViewer&) = delete;

  [[nodiscard]] std::string url() const { return server_->url(); }
  void set_stats(nlohmann::json stats) { server_->set_stats(std::move(stats)); }

 private:
  std::unique_ptr<MjpegServer> server_;
  std::optional<Receiver> receiver_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

Settings input_settings(const RelayArgs& a) {
  const nlohmann::json options = stream_options(a.input);
  Settings s;
  if (!a.input.address.empty()) s.address = a.input.address;
  s.port = stream_port(a.input, options, /*receive_mode=*/true);
  s.protocol = protocol_from_string(a.input.protocol);
  s.pattern = pattern_from_int(a.input.pattern);
  s.logging = a.input.verbose;
  s.options = Options::from_json(options);
  return s;
}

Settings viewer_settings(const RelayArgs& a, const Settings& input) {
  Settings s;
  s.address = a.viewer_address;
  s.port = PortSpec(a.viewer_port);
  s.protocol = input.protocol;
  s.logging = input.logging;
  const int secure = a.viewer_secure < 0 ? a.input.secure : a.viewer_secure;
  if (secure != 0) {
    s.options.set("secure_mode", secure);
    if (!a.input.cert_dir.empty()) s.options.set("custom_cert_location", a.input.cert_dir);
  }
  return s;
}

// "tcp://host:port" -> a sender's settings with --push-pattern.
Settings push_settings(const std::string& endpoint, int pattern, bool logging) {
  const auto scheme = endpoint.find("://");
  const auto colon = endpoint.rfind(':');
  if (scheme == std::string::npos || colon == std::string::npos || colon <= scheme + 3)
    throw OptionError("push", fmt::format("'{}' is not PROTOCOL://ADDRESS:PORT (e.g. tcp://10.0.0.5:5555)", endpoint));
  Settings s;
  s.protocol = protocol_from_string(endpoint.substr(0, scheme));
  s.address = endpoint.substr(scheme + 3, colon - scheme - 3);
  s.port = PortSpec(endpoint.substr(colon + 1));
  s.pattern = pattern_from_int(pattern);
  s.logging = logging;
  return s;
}

int run_relay(const RelayArgs& a) {
  install_interrupt_handlers();
  RelayConfig config;
  config.input = input_settings(a);
  config.viewers = viewer_settings(a, config.input);
  for (const auto& endpoint : a.push) config.push.push_back(push_settings(endpoint, a.push_pattern, a.input.verbose));
  config.max_viewers = a.max_viewers;
  config.viewer_backlog = a.viewer_backlog;
  config.once = a.once;
  const Settings face = config.viewers;
  Relay relay(std::move(config));
  std::optional<PageViewer> page;
  if (!a.http.empty()) page.emplace(a, relay, face);

  if (a.json) {
    nlohmann::json start = {{"event", "relaying"}, {"input", relay.input_endpoints()},
                            {"viewers", relay.viewer_endpoint()}};
    if (page) start["http"] = page->url();
    std::cout << start.dump() << std::endl;
  } else {
    std::cout << fmt::format("netgear relay: input on {}, viewers dial {} (Ctrl+C ends)\n",
                             fmt::join(relay.input_endpoints(), ", "), relay.viewer_endpoint())
              << std::flush;
    if (page) std::cout << "netgear relay: watch it at " << page->url() << "\n" << std::flush;
  }
  RelayRates rates;
  auto next = steady_clock::now();
  while (!interrupted() && !relay.ended()) {
    relay.wait(milliseconds(100));
    const auto now = steady_clock::now();
    if (now < next) continue;
    next = now + duration_cast<steady_clock::duration>(duration<double>(a.interval));
    const auto line = rates.update(relay.stats(), now);
    if (page) page->set_stats(line);
    if (a.json)
      std::cout << line.dump() << std::endl;
    else
      std::cerr << status_text(line) << "\n";
  }
  const bool ended = relay.ended();
  const RelayStats last = relay.stats();
  relay.close();
  auto summary = stats_json(last);
  summary["event"] = "summary";
  summary["end"] = ended ? "the stream ended (--once)" : "interrupted";
  if (a.json) {
    std::cout << summary.dump() << std::endl;
  } else {
    std::cout << fmt::format("netgear relay: {}; {} streams ended, {} viewers joined ({} refused), {} bad\n",
                             summary["end"].get<std::string>(), last.streams_ended, last.viewers_joined,
                             last.viewers_refused, last.bad);
  }
  return 0;
}

}  // namespace

Command add_relay_command(CLI::App& app) {
  auto args = std::make_shared<RelayArgs>();
  auto* cmd = app.add_subcommand("relay", "serve one stream to many viewers that dial in (netgear recv --dial)");
  add_stream_flags(*cmd, args->input, /*receiver=*/true);
  cmd->add_option("--viewer-port", args->viewer_port, "port the viewers dial (0: any free port)")->capture_default_str();
  cmd->add_option("--viewer-address", args->viewer_address, "address the viewer face binds")->capture_default_str();
  cmd->add_option("--viewer-secure", args->viewer_secure, "secure_mode of the viewer face (default: as --secure)")
      ->check(CLI::Range(0, 2));
  cmd->add_option("--push", args->push, "also push the stream to a receiver that binds: PROTOCOL://ADDRESS:PORT");
  cmd->add_option("--push-pattern", args->push_pattern, "pattern of the --push receivers")
      ->check(CLI::Range(0, 2))
      ->capture_default_str();
  cmd->add_option("--max-viewers", args->max_viewers, "viewers served at once")->capture_default_str();
  cmd->add_option("--viewer-backlog", args->viewer_backlog, "frames queued per viewer before it misses frames")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--http", args->http,
                  "serve the stream to a browser: PORT (loopback) or HOST:PORT (as netgear recv --http)");
  cmd->add_option("--http-allow-host", args->http_allow_hosts, "a host name the browser page answers to (repeatable)");
  cmd->add_flag("--http-any-host", args->http_any_host, "answer any Host header (turns the DNS-rebinding check off)");
  cmd->add_flag("--once", args->once, "end when the stream ends (default: wait for the next one)");
  cmd->add_flag("--json", args->json, "machine-readable output: one JSON object per line");
  cmd->add_option("--interval", args->interval, "seconds between status lines")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  return {cmd, [args] { return run_relay(*args); }};
}

}  // namespace netgear::tools
