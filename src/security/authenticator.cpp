#include "security/authenticator.hpp"

#include <algorithm>
#include <chrono>

#include "netgear/error.hpp"
#include "security/curve_key.hpp"
#include "transport/context.hpp"
#include "transport/sockets.hpp"

namespace netgear::security {
namespace {

constexpr const char* zap_endpoint = "inproc://zeromq.zap.01";

std::string text_of(const zmq::message_t& part) { return part.to_string(); }

}  // namespace

std::shared_ptr<Authenticator> Authenticator::of(const std::shared_ptr<zmq::context_t>& ctx) {
  auto service = transport::context_service(ctx, "zap", [](zmq::context_t& c) -> std::shared_ptr<void> {
    return std::make_shared<Authenticator>(c);
  });
  return std::static_pointer_cast<Authenticator>(service);
}

Authenticator::Authenticator(zmq::context_t& ctx) : socket_(ctx, zmq::socket_type::rep) {
  socket_.set(zmq::sockopt::linger, 0);
  try {
    socket_.bind(zap_endpoint);
  } catch (const zmq::error_t& e) {
    throw SetupError(std::string("netgear: cannot start the secure-mode authenticator (ZAP handler) on ") +
                     zap_endpoint + ": " + e.what());
  }
  thread_ = std::thread([this] { run(); });
}

Authenticator::~Authenticator() {
  stop_.signal();
  thread_.join();
}

std::string Authenticator::add(Policy policy) {
  std::lock_guard lock(mutex_);
  std::string domain = "netgear-" + std::to_string(next_domain_++);
  domains_.emplace(domain, Domain{std::make_shared<const Policy>(std::move(policy))});
  return domain;
}

void Authenticator::remove(const std::string& domain) {
  std::lock_guard lock(mutex_);
  domains_.erase(domain);
}

Authenticator::Decision Authenticator::decide(const Policy* policy, const std::string& address,
                                              const std::string& mechanism, const std::string& client_key) {
  if (!policy) return {"400", "unknown ZAP domain"};
  const auto& allowed = policy->allowed_addresses;
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), address) == allowed.end())
    return {"400", "address " + address + " is not in allowed_addresses"};
  if (mechanism != "CURVE") return {"400", "mechanism " + mechanism + " is not CURVE"};
  if (policy->mode == SecureMode::ironhouse && policy->allowed_keys.count(client_key) == 0)
    return {"400", "client key " + client_key + " is not in the store's public_keys"};
  return {"200", "OK"};
}

void Authenticator::answer(std::vector<zmq::message_t>& request) {
  // RFC 27: version, request id, domain, address, identity, mechanism, credentials...
  if (request.size() < 6 || text_of(request[0]) != "1.0") return;  // libzmq never sends this
  const std::string domain = text_of(request[2]), address = text_of(request[3]), mechanism = text_of(request[5]);
  std::string client_key;
  if (mechanism == "CURVE" && request.size() >= 7) client_key = encode_key(request[6].to_string_view());
  std::shared_ptr<const Policy> policy;
  bool warn = false;  // a refused client retries every 100 ms: one warning per receiver per 10 s
  const auto now = std::chrono::steady_clock::now();
  const Decision d = [&] {
    std::lock_guard lock(mutex_);
    auto it = domains_.find(domain);
    if (it == domains_.end()) return decide(nullptr, address, mechanism, client_key);
    policy = it->second.policy;
    Decision decision = decide(policy.get(), address, mechanism, client_key);
    auto& last = it->second.last_warning;
    if (decision.code != "200" && (last == std::chrono::steady_clock::time_point{} || now - last >= std::chrono::seconds(10))) {
      last = now;
      warn = true;
    }
    return decision;
  }();
  if (policy && policy->log) {
    if (warn)
      policy->log->warn("receiver: refused a client from {}: {}", address, d.text);
    else
      policy->log->debug("receiver: {} a {} client from {}: {}", d.code == "200" ? "admitted" : "refused", mechanism,
                         address, d.text);
  }
  const std::string version = "1.0";
  socket_.send(zmq::buffer(version), zmq::send_flags::sndmore);
  socket_.send(request[1], zmq::send_flags::sndmore);  // request id
  socket_.send(zmq::buffer(d.code), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(d.text), zmq::send_flags::sndmore);
  // No User-Id: libzmq 4.3 would queue it to the socket as a hidden
  // "credential" message that counts against RCVHWM but is never credited
  // back, which leaves a SUB with RCVHWM 1 (vidgear's) full for good.
  socket_.send(zmq::message_t(), zmq::send_flags::sndmore);  // user id
  socket_.send(zmq::message_t(), zmq::send_flags::none);              // metadata
}

void Authenticator::run() {
  std::vector<zmq::message_t> request;
  for (;;) {
    if (transport::wait_for(socket_, ZMQ_POLLIN, &stop_, std::nullopt) == transport::WaitResult::woken) break;
    try {
      if (transport::recv_all(socket_, request)) answer(request);
    } catch (const zmq::error_t&) {
      // A broken request (libzmq never sends one): its handshake times out.
    }
  }
  socket_.close();
}

}  // namespace netgear::security
