// Raw payload validation and zero-copy wrapping, without sockets.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "netgear/error.hpp"
#include "support/test_support.hpp"
#include "wire/payload.hpp"

namespace netgear::wire {
namespace {

Dtype validate(std::string_view dtype, Shape shape, std::size_t payload_size) {
  return validate_raw(dtype, shape, payload_size);
}

TEST(ValidateRaw, AcceptsMatchingSize) {
  EXPECT_EQ(validate("uint16", {4, 5, 3}, 4 * 5 * 3 * 2), Dtype::uint16);
  EXPECT_EQ(validate("<f4", {7}, 28), Dtype::float32);
}

TEST(ValidateRaw, RejectsSizeMismatchUnknownDtypeAndOverflow) {
  EXPECT_THROW(validate("uint8", {4, 5, 3}, 59), WireError);
  EXPECT_THROW(validate("complex128", {2}, 32), WireError);
  EXPECT_THROW(validate(">i8", {2}, 16), WireError);
  EXPECT_EQ(validate("int64", {2}, 16), Dtype::int64);  // carried in a same-size depth
  EXPECT_THROW(validate(">u2", {2}, 4), WireError);  // big-endian is not native
  EXPECT_THROW(validate("float64", {2147483647, 2147483647, 2147483647}, 8), WireError);
  EXPECT_THROW(validate_raw("uint8", std::nullopt, 0), WireError);  // raw without a shape
}

std::vector<int> sizes(std::vector<std::size_t> shape) {
  const auto g = geometry_for(shape);
  return {g.sizes().begin(), g.sizes().end()};
}

TEST(Geometry, MapsNumpyShapesToMats) {
  EXPECT_EQ(sizes({480, 640, 3}), (std::vector<int>{480, 640}));
  EXPECT_EQ(geometry_for(std::vector<std::size_t>{480, 640, 3}).channels, 3);
  EXPECT_EQ(geometry_for(std::vector<std::size_t>{7, 9}).channels, 1);
  EXPECT_EQ(sizes({5}), (std::vector<int>{1, 5}));
  EXPECT_EQ(sizes({}), (std::vector<int>{1, 1}));
  EXPECT_EQ(sizes({2, 3, 4, 5}), (std::vector<int>{2, 3, 4, 5}));
  EXPECT_EQ(sizes({2, 3, 1000}), (std::vector<int>{2, 3, 1000}));  // > CV_CN_MAX channels
  EXPECT_THROW(sizes(std::vector<std::size_t>(max_dims + 1, 1)), FrameError);  // more than OpenCV's CV_MAX_DIM
}

TEST(RawFrame, WrapsTheBufferWithoutCopyAndKeepsItAlive) {
  auto released = std::make_shared<bool>(false);
  std::vector<float> data(2 * 3 * 4 * 5);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<float>(i);
  cv::Mat kept;
  {
    std::shared_ptr<void> owner(nullptr, [released](void*) { *released = true; });
    const std::vector<std::size_t> shape{2, 3, 4, 5};
    auto frame = frame_over(data.data(), shape, Dtype::float32, shared_hold(owner));
    owner.reset();  // the frame's hold keeps it
    EXPECT_EQ(frame.mat().data, reinterpret_cast<uchar*>(data.data()));  // no copy
    EXPECT_EQ(frame.shape(), (std::vector<std::size_t>{2, 3, 4, 5}));
    EXPECT_EQ(frame.mat().dims, 4);
    kept = frame.mat();  // a Mat copy outlives the Frame
  }
  EXPECT_FALSE(*released);
  const int index[] = {1, 2, 3, 4};
  EXPECT_EQ(kept.at<float>(index), 119.0f);
  kept.release();
  EXPECT_TRUE(*released);
}

TEST(DescribeRaw, UsesFrameShapeAndDtype) {
  FrameHeader h;
  describe_raw(Frame(cv::Mat(4, 5, CV_16SC3)), h);
  EXPECT_EQ(h.dtype, "int16");
  EXPECT_EQ(h.shape->to_vector(), (std::vector<std::size_t>{4, 5, 3}));
}

TEST(FrameOver, AZeroSizedShapeGivesAnEmptyFrameAndReleasesTheHold) {
  auto released = std::make_shared<bool>(false);
  std::shared_ptr<void> owner(nullptr, [released](void*) { *released = true; });
  const std::vector<std::size_t> shape{0, 4};
  auto frame = frame_over(nullptr, shape, Dtype::uint8, shared_hold(std::move(owner)));
  EXPECT_TRUE(frame.empty());
  EXPECT_EQ(frame.shape(), shape);
  EXPECT_TRUE(*released);
}

}  // namespace
}  // namespace netgear::wire
