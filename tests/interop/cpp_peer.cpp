// The C++ side of the interop tests: a netgear sender or receiver driven from
// the command line, printing JSON lines exactly as vidgear_peer.py does, so
// test_cpp_interop.py can put it opposite the vidgear emulation.
//
//   netgear_interop_peer send --pattern P --endpoint E --frames N --dtype D --shape 4,5,3
//                             [--message JSON] [--pace-ms MS] [--timeout S]
//   netgear_interop_peer recv --pattern P [--bind tcp://127.0.0.1 | --endpoint E]
//                             [--expect N] [--timeout S] [--dtype D --shape S]
#include <chrono>
#include <iostream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>

#include "netgear/error.hpp"
#include "netgear/receiver.hpp"
#include "netgear/sender.hpp"
#include "support/test_support.hpp"

namespace {

using json = nlohmann::json;
using namespace netgear;

struct Args {
  int pattern = 0;
  std::string endpoint;
  std::vector<std::string> more_endpoints;  // send, multi-client: further receivers
  std::string return_frame;                 // recv, bidirectional: shape of a frame to return
  std::string bind;
  int frames = 5;
  std::string dtype = "uint8";
  std::string shape = "4,5,3";
  std::string message;
  double pace_ms = 0;
  double timeout = 10;
  int expect = -1;
  std::string options;      // JSON object of vidgear option keys
  std::string return_data;  // recv, bidirectional: JSON returned with every reply
};

// --options, plus the timeouts this peer sets itself unless the options do.
Options parse_options(const Args& a) {
  return a.options.empty() ? Options{} : Options::from_json(json::parse(a.options));
}

void emit(const json& line) { std::cout << line.dump() << std::endl; }

std::vector<std::size_t> parse_shape(const std::string& text) {
  std::vector<std::size_t> shape;
  std::stringstream in(text);
  for (std::string dim; std::getline(in, dim, ',');)
    if (!dim.empty()) shape.push_back(std::stoul(dim));
  return shape;
}

Settings settings_for_endpoint(const std::string& endpoint, int pattern) {
  auto s = test::sender_settings_for(endpoint, pattern_from_int(pattern));
  return s;
}

// Which frame index `frame` is, if it is exactly one of pattern_frame's.
json match_index(const Frame& frame) {
  if (frame.empty()) return nullptr;
  const int seed = test::pattern_seed(frame);
  return test::is_pattern_frame(frame, seed) ? json(seed) : json(nullptr);
}

int run_send(const Args& a) {
  auto s = settings_for_endpoint(a.endpoint, a.pattern);
  s.options = parse_options(a);
  if (!a.more_endpoints.empty()) {  // multi-client: every receiver on the same host
    std::vector<std::string> ports = s.port.values;
    for (const auto& e : a.more_endpoints) ports.push_back(e.substr(e.rfind(':') + 1));
    s.port = PortSpec(ports);
  }
  const auto timeout = std::chrono::milliseconds(static_cast<long>(a.timeout * 1000));
  if (s.pattern != Pattern::pub_sub && a.options.find("request_timeout") == std::string::npos) {
    s.options.request_timeout = timeout;
    s.options.max_retries = 0;  // the first missing reply is a failure here
  }
  Sender sender(std::move(s));
  if (sender.settings().pattern == Pattern::pub_sub && !sender.wait_for_receiver(timeout)) {
    std::cerr << "no subscriber within the timeout\n";
    return 3;
  }
  const auto dtype = dtype_from_name(a.dtype);
  if (!dtype) {
    std::cerr << "unknown dtype " << a.dtype << "\n";
    return 2;
  }
  const json message = a.message.empty() ? json(nullptr) : json::parse(a.message);
  json replies = json::array();
  for (int i = 0; i < a.frames; ++i) {
    const auto frame = test::pattern_frame(parse_shape(a.shape), *dtype, i);
    SendResult result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    do {  // PUB/SUB: a full pipe to a lagging subscriber says so; try again
      result = sender.send(frame, message);
    } while (result.status == SendStatus::dropped && std::chrono::steady_clock::now() < deadline);
    if (result.status == SendStatus::delivered) {
      if (result.reply_frame) {  // a returned frame: say what came back
        json shape = json::array();
        for (auto d : result.reply_frame->shape()) shape.push_back(d);
        replies.push_back({{"frame_shape", shape}, {"matches", match_index(*result.reply_frame)}});
      } else if (!result.reply_port.is_null()) {
        replies.push_back({{"port", result.reply_port}, {"data", result.reply}});
      } else {
        replies.push_back(result.reply);
      }
    }
    if (result.status != SendStatus::delivered && result.status != SendStatus::queued) {
      std::cerr << "frame " << i << " was not sent (status " << static_cast<int>(result.status) << ")\n";
      return 3;
    }
    if (a.pace_ms > 0) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(a.pace_ms));
  }
  sender.close();
  if (auto ack = sender.termination_reply()) replies.push_back(*ack);
  emit({{"sent", a.frames}, {"replies", replies}});
  return 0;
}

int run_recv(const Args& a) {
  Settings s;
  if (!a.endpoint.empty()) {
    s = settings_for_endpoint(a.endpoint, a.pattern);
  } else {
    s.pattern = pattern_from_int(a.pattern);
    s.address = a.bind.substr(a.bind.find("://") + 3);
    s.port = "*";
  }
  s.options = parse_options(a);
  if (s.options.multiserver_mode) s.port = PortSpec(s.port.values);  // one sender, as a list
  s.options.receive_timeout = std::chrono::milliseconds(static_cast<long>(a.timeout * 1000));
  Receiver receiver(std::move(s));
  if (!a.return_data.empty()) receiver.set_return_data(json::parse(a.return_data));
  if (!a.return_frame.empty()) receiver.set_return_data(test::pattern_frame(parse_shape(a.return_frame), Dtype::uint8, 7));
  if (a.endpoint.empty()) {
    const auto endpoint = receiver.endpoints().front();
    emit({{"port", std::stoi(endpoint.substr(endpoint.rfind(':') + 1))}});
  }
  int count = 0;
  while (auto got = receiver.recv()) {
    json shape = json::array();
    for (auto d : got->frame.shape()) shape.push_back(d);
    emit({{"frame", count},
          {"dtype", std::string(dtype_name(got->frame.dtype()))},
          {"shape", shape},
          {"message", got->message},
          {"port", got->port},
          {"seq", got->seq ? json(*got->seq) : json(nullptr)},
          {"header", nullptr},  // netgear does not keep the raw header
          {"matches", match_index(got->frame)}});
    ++count;
  }
  const bool terminated = receiver.end_reason() == EndReason::terminated;
  if (receiver.settings().options.secure_mode != SecureMode::grasslands)
    emit({{"rejected", receiver.stats().rejected}});  // refused handshakes
  if (!terminated) emit({{"end", std::string(to_string(receiver.end_reason()))}});  // why, then
  emit({{"frames", count}, {"terminated", terminated}});
  if (!terminated) {
    std::cerr << "the stream ended without a termination message\n";
    return 3;
  }
  if (a.expect >= 0 && count < a.expect) {
    std::cerr << "expected " << a.expect << " frames, got " << count << "\n";
    return 5;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"netgear interop peer"};
  app.require_subcommand(1);
  Args a;
  auto common = [&](CLI::App* cmd) {
    cmd->add_option("--pattern", a.pattern)->required();
    cmd->add_option("--endpoint", a.endpoint);
    cmd->add_option("--timeout", a.timeout);
    cmd->add_option("--dtype", a.dtype);
    cmd->add_option("--shape", a.shape);
    cmd->add_option("--options", a.options, "JSON object of vidgear options");
  };
  auto* send = app.add_subcommand("send", "send frames");
  common(send);
  send->add_option("--frames", a.frames);
  send->add_option("--message", a.message);
  send->add_option("--pace-ms", a.pace_ms);
  send->add_option("--also-endpoint", a.more_endpoints, "multi-client: another receiver (repeatable)");
  auto* recv = app.add_subcommand("recv", "receive frames");
  common(recv);
  recv->add_option("--bind", a.bind);
  recv->add_option("--expect", a.expect);
  recv->add_option("--return-data", a.return_data, "JSON returned with every reply (bidirectional_mode)");
  recv->add_option("--return-frame", a.return_frame, "shape of a uint8 frame (pattern seed 7) returned with every reply");
  CLI11_PARSE(app, argc, argv);
  try {
    return send->parsed() ? run_send(a) : run_recv(a);
  } catch (const std::exception& e) {
    std::cerr << "netgear_interop_peer: " << e.what() << "\n";
    return 2;
  }
}
