#include "wire/foreign_mat.hpp"

#include <opencv2/core.hpp>

namespace netgear::wire {
namespace {

// The allocator of every ForeignHold: deallocating one releases it (its
// owner goes with it); it never allocates pixels itself.
class ForeignAllocator final : public cv::MatAllocator {
 public:
  cv::UMatData* allocate(int dims, const int* sizes, int type, void* data, size_t* step,
                         cv::AccessFlag flags, cv::UMatUsageFlags usage) const override {
    // New data (e.g. a Mat::create on a Mat that uses us) comes from the standard allocator.
    return cv::Mat::getStdAllocator()->allocate(dims, sizes, type, data, step, flags, usage);
  }
  bool allocate(cv::UMatData* data, cv::AccessFlag flags, cv::UMatUsageFlags usage) const override {
    return cv::Mat::getStdAllocator()->allocate(data, flags, usage);
  }
  void deallocate(cv::UMatData* u) const override {
    if (u == nullptr || u->refcount != 0 || u->urefcount != 0) return;
    auto* hold = static_cast<ForeignHold*>(u);  // only ForeignHolds name this allocator
    hold->release(hold);
  }
};

const ForeignAllocator& foreign_allocator() {
  static const ForeignAllocator allocator;
  return allocator;
}

struct SharedHold final : ForeignHold {
  explicit SharedHold(std::shared_ptr<void> o) : ForeignHold(&destroy), owner(std::move(o)) {}
  static void destroy(ForeignHold* hold) noexcept { delete static_cast<SharedHold*>(hold); }
  std::shared_ptr<void> owner;
};

}  // namespace

ForeignHold::ForeignHold(Release release_fn) : cv::UMatData(&foreign_allocator()), release(release_fn) {}

ForeignHoldPtr shared_hold(std::shared_ptr<void> owner) { return ForeignHoldPtr(new SharedHold(std::move(owner))); }

cv::Mat wrap_foreign(void* data, std::span<const int> sizes, int type, ForeignHoldPtr hold) {
  cv::Mat mat(static_cast<int>(sizes.size()), sizes.data(), type, data);
  ForeignHold* u = hold.release();
  u->data = u->origdata = static_cast<uchar*>(data);
  u->size = mat.total() * mat.elemSize();
  mat.u = u;
  mat.addref();  // refcount 1: this Mat; copies add more, the last release deallocates
  return mat;
}

}  // namespace netgear::wire
