#pragma once
// Secure mode for one Sender or Receiver: the key store opened (made when it
// does not exist yet), the CURVE keys of the role, and for a receiver its
// policy registered with the context's authenticator.

#include <memory>
#include <string>

#include <spdlog/logger.h>
#include <zmq.hpp>

#include "netgear/options.hpp"
#include "transport/sockets.hpp"

namespace netgear::security {

class Authenticator;

/// A sender's CURVE client keys: private_keys/client.key_secret and the
/// receiver's public_keys/server.key. With overwrite_cert the store is
/// regenerated first. Throws SetupError naming a missing or malformed file.
transport::Curve client_keys(const Options& options, spdlog::logger& log);

/// A receiver's CURVE server keys (private_keys/server.key_secret), and its
/// policy (StoneHouse: any client key; IronHouse: the keys of public_keys/;
/// allowed_addresses) registered with the authenticator while this lives.
class ServerGuard {
 public:
  ServerGuard(const Options& options, const std::shared_ptr<zmq::context_t>& ctx,
              const std::shared_ptr<spdlog::logger>& log);
  ~ServerGuard();
  ServerGuard(const ServerGuard&) = delete;
  ServerGuard& operator=(const ServerGuard&) = delete;

  [[nodiscard]] const transport::Curve& curve() const { return curve_; }

 private:
  std::shared_ptr<Authenticator> auth_;
  transport::Curve curve_;
};

}  // namespace netgear::security
