#pragma once
// The ZAP handler (ZeroMQ RFC 27) of secure mode. libzmq asks it about every
// client that completes a CURVE handshake with a receiver; it answers from the
// receiver's policy. One handler per context (the ZAP endpoint is per
// context), one ZAP domain per secure receiver.

#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <spdlog/logger.h>
#include <zmq.hpp>

#include "netgear/types.hpp"
#include "transport/waker.hpp"

namespace netgear::security {

/// Whom one secure receiver admits.
struct Policy {
  SecureMode mode = SecureMode::stonehouse;
  /// Client IP addresses admitted; empty admits every address.
  std::vector<std::string> allowed_addresses;
  /// IronHouse: the Z85 public keys admitted (StoneHouse admits any key).
  std::set<std::string> allowed_keys;
  /// Where decisions are logged (the receiver's logger).
  std::shared_ptr<spdlog::logger> log;
};

class Authenticator {
 public:
  /// The handler of `ctx` (netgear's shared context), started on first use
  /// and stopped just before the context terminates.
  static std::shared_ptr<Authenticator> of(const std::shared_ptr<zmq::context_t>& ctx);

  /// Admits clients by `policy` under the returned ZAP domain, which the
  /// receiver sets on its socket (ZMQ_ZAP_DOMAIN) before it binds.
  std::string add(Policy policy);
  /// Ends a domain: later requests for it are refused.
  void remove(const std::string& domain);

  explicit Authenticator(zmq::context_t& ctx);  // binds inproc://zeromq.zap.01; use of()
  ~Authenticator();
  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  /// The decision for one ZAP request: status code ("200", "400") and text.
  struct Decision {
    std::string code;
    std::string text;
  };
  /// Decides a request from the handshake's facts; `client_key` is Z85 (CURVE)
  /// or empty (other mechanisms). A pure function: answer() applies it to
  /// every request, and it is unit-tested without a handshake.
  static Decision decide(const Policy* policy, const std::string& address, const std::string& mechanism,
                         const std::string& client_key);

 private:
  void run();
  void answer(std::vector<zmq::message_t>& request);

  zmq::socket_t socket_;
  transport::Waker stop_;
  std::mutex mutex_;
  struct Domain {
    std::shared_ptr<const Policy> policy;
    std::chrono::steady_clock::time_point last_warning{};  // refusals are logged once per 10 s
  };
  std::unordered_map<std::string, Domain> domains_;  // guarded by mutex_
  unsigned next_domain_ = 0;                         // guarded by mutex_
  std::thread thread_;
};

}  // namespace netgear::security
