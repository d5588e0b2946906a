#pragma once
// A cv::Mat over memory that something else owns (a received ZeroMQ message,
// a numpy array), without copying. The owner is released when the last Mat
// referring to the memory goes away — like the numpy allocator in OpenCV's
// Python bindings.

#include <memory>
#include <span>

#include <opencv2/core/mat.hpp>

namespace netgear::wire {

/// OpenCV's record of a Mat's buffer (UMatData, counted by every Mat over it),
/// extended by what keeps foreign memory alive: a derived type adds the owner
/// in the same object, so a wrapped buffer costs one allocation (or none, when
/// the derived type recycles its storage). `release(hold)` runs when the last
/// Mat lets go — on whichever thread that is — and must destroy the object
/// through its derived type.
struct ForeignHold : cv::UMatData {
  using Release = void (*)(ForeignHold*) noexcept;
  explicit ForeignHold(Release release_fn);
  ForeignHold(const ForeignHold&) = delete;
  ForeignHold& operator=(const ForeignHold&) = delete;

  Release release;
};

/// Releases a hold nobody wrapped (an error on the way, a zero-sized array).
struct ReleaseForeignHold {
  void operator()(ForeignHold* hold) const noexcept { hold->release(hold); }
};
using ForeignHoldPtr = std::unique_ptr<ForeignHold, ReleaseForeignHold>;

/// A hold that keeps `owner` (a shared_ptr to anything).
ForeignHoldPtr shared_hold(std::shared_ptr<void> owner);

/// A Mat of `sizes` x `type` over `data` (C-contiguous). `hold` is taken over:
/// the Mat and every Mat sharing its data keep it, the last one releases it.
cv::Mat wrap_foreign(void* data, std::span<const int> sizes, int type, ForeignHoldPtr hold);

}  // namespace netgear::wire
