#include "transport/context.hpp"

#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace netgear::transport {
namespace {

struct Holder {
  zmq::context_t ctx{1};
  std::mutex mutex;
  std::vector<std::pair<std::string, std::shared_ptr<void>>> services;  // guarded by mutex

  ~Holder() {  // runs before ctx's destructor terminates the context
    while (!services.empty()) services.pop_back();
  }
};

std::mutex current_mutex;
std::weak_ptr<Holder> current;  // guarded by current_mutex

}  // namespace

std::shared_ptr<zmq::context_t> shared_context() {
  std::lock_guard lock(current_mutex);
  auto holder = current.lock();
  if (!holder) {
    holder = std::make_shared<Holder>();
    current = holder;
  }
  return {holder, &holder->ctx};
}

std::shared_ptr<void> context_service(const std::shared_ptr<zmq::context_t>& ctx, std::string_view name,
                                      const std::function<std::shared_ptr<void>(zmq::context_t&)>& make) {
  std::shared_ptr<Holder> holder;
  {
    std::lock_guard lock(current_mutex);
    holder = current.lock();  // the caller's ctx keeps it alive, so it is the current one
  }
  if (!holder || &holder->ctx != ctx.get()) throw std::logic_error("context_service: not the shared context");
  std::lock_guard lock(holder->mutex);
  for (const auto& [key, service] : holder->services)
    if (key == name) return service;
  auto service = make(holder->ctx);
  holder->services.emplace_back(std::string(name), service);
  return service;
}

}  // namespace netgear::transport
