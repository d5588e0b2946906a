#include "security/secure_setup.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>

#include "netgear/error.hpp"
#include "netgear/keys.hpp"
#include "security/authenticator.hpp"
#include "security/curve_key.hpp"

namespace netgear::security {
namespace {

namespace fs = std::filesystem;

// An advisory lock on the store folder, so that a sender and a receiver
// starting together on a new store do not both generate it.
class StoreLock {
 public:
  StoreLock(const fs::path& dir, int how) {
    fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ >= 0) ::flock(fd_, how);
  }
  ~StoreLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;

 private:
  int fd_ = -1;
};

// A store others can write to, or a secret key others can read, is said at
// every start (the CLI also prints it without logging).
void warn_if_exposed(const KeyStore& store, spdlog::logger& log) {
  for (const auto& problem : store.problems()) log.warn("secure mode: {}", problem);
}

// The store of `options`, made when it does not exist (or, for a sender with
// overwrite_cert, remade); then `use` reads what the role needs under a
// shared lock, so it never sees a store half written by another process.
template <class Use>
auto with_store(const Options& options, Role role, spdlog::logger& log, Use use) {
  require_curve();
  const KeyStore store = KeyStore::at(options.custom_cert_location);
  const bool overwrite = options.overwrite_cert && role == Role::sender;
  if (overwrite || !store.exists()) {
    std::error_code ec;
    fs::create_directories(store.dir(), ec);
    if (ec) throw SetupError("netgear: cannot create the key store " + store.dir().string() + ": " + ec.message());
    StoreLock lock(store.dir(), LOCK_EX);
    if (overwrite || !store.exists()) {
      store.generate();
      log.warn("secure mode: {} a key store at {}; copy it to the other side of the stream",
               overwrite ? "overwrote" : "generated", store.dir().string());
    }
  }
  if (options.overwrite_cert && role == Role::receiver)
    log.warn("secure mode: overwrite_cert is ignored on a receiver (as in vidgear)");
  StoreLock lock(store.dir(), LOCK_SH);
  return use(store);
}

}  // namespace

transport::Curve client_keys(const Options& options, spdlog::logger& log) {
  return with_store(options, Role::sender, log, [&](const KeyStore& store) {
    transport::Curve curve;
    const CurveKey client = store.secret_pair("client");
    warn_if_exposed(store, log);
    curve.public_key = client.public_key;
    curve.secret_key = client.secret_key;
    curve.server_key = store.public_key("server");
    return curve;
  });
}

ServerGuard::ServerGuard(const Options& options, const std::shared_ptr<zmq::context_t>& ctx,
                         const std::shared_ptr<spdlog::logger>& log) {
  Policy policy;
  policy.mode = options.secure_mode;
  policy.allowed_addresses = options.allowed_addresses;
  policy.log = log;
  with_store(options, Role::receiver, *log, [&](const KeyStore& store) {
    const CurveKey server = store.secret_pair("server");
    warn_if_exposed(store, *log);
    curve_.public_key = server.public_key;
    curve_.secret_key = server.secret_key;
    if (options.secure_mode == SecureMode::ironhouse) {
      for (const auto& entry : store.public_keys()) policy.allowed_keys.insert(entry.public_key);
      log->info("secure mode: IronHouse admits {} client key(s) from {}", policy.allowed_keys.size(),
                store.public_dir().string());
    }
    return 0;
  });
  auth_ = Authenticator::of(ctx);
  curve_.zap_domain = auth_->add(std::move(policy));
}

ServerGuard::~ServerGuard() { auth_->remove(curve_.zap_domain); }

}  // namespace netgear::security
