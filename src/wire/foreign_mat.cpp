#include "wire/foreign_mat.hpp"

#include <opencv2/core.hpp>

namespace netgear::wire {
namespace {

// Owns nothing itself: each UMatData it hands out carries a heap-allocated
// shared_ptr to the real owner in `userdata`, dropped in deallocate().
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
    delete static_cast<std::shared_ptr<void>*>(u->userdata);
    delete u;
  }
};

const ForeignAllocator& foreign_allocator() {
  static const ForeignAllocator allocator;
  return allocator;
}

}  // namespace

cv::Mat wrap_foreign(void* data, const std::vector<int>& sizes, int type, std::shared_ptr<void> owner) {
  cv::Mat mat(static_cast<int>(sizes.size()), sizes.data(), type, data);
  auto* u = new cv::UMatData(&foreign_allocator());
  u->data = u->origdata = static_cast<uchar*>(data);
  u->size = mat.total() * mat.elemSize();
  u->userdata = new std::shared_ptr<void>(std::move(owner));
  mat.u = u;
  mat.addref();  // refcount 1: this Mat; copies add more, the last release deallocates
  return mat;
}

}  // namespace netgear::wire
