// Raw payload validation and zero-copy wrapping, without sockets.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "netgear/error.hpp"
#include "support/test_support.hpp"
#include "wire/payload.hpp"

namespace netgear::wire {
namespace {

FrameHeader header(std::string dtype, std::vector<std::size_t> shape) {
  FrameHeader h;
  h.dtype = std::move(dtype);
  h.shape = std::move(shape);
  return h;
}

TEST(ValidateRaw, AcceptsMatchingSize) {
  EXPECT_EQ(validate_raw(header("uint16", {4, 5, 3}), 4 * 5 * 3 * 2), Dtype::uint16);
  EXPECT_EQ(validate_raw(header("<f4", {7}), 28), Dtype::float32);
}

TEST(ValidateRaw, RejectsSizeMismatchUnknownDtypeAndOverflow) {
  EXPECT_THROW(validate_raw(header("uint8", {4, 5, 3}), 59), WireError);
  EXPECT_THROW(validate_raw(header("complex128", {2}), 32), WireError);
  EXPECT_THROW(validate_raw(header(">i8", {2}), 16), WireError);
  EXPECT_EQ(validate_raw(header("int64", {2}), 16), Dtype::int64);  // carried in a same-size depth
  EXPECT_THROW(validate_raw(header(">u2", {2}), 4), WireError);  // big-endian is not native
  EXPECT_THROW(validate_raw(header("float64", {2147483647, 2147483647, 2147483647}), 8), WireError);
}

TEST(Geometry, MapsNumpyShapesToMats) {
  EXPECT_EQ(geometry_for({480, 640, 3}).sizes, (std::vector<int>{480, 640}));
  EXPECT_EQ(geometry_for({480, 640, 3}).channels, 3);
  EXPECT_EQ(geometry_for({7, 9}).channels, 1);
  EXPECT_EQ(geometry_for({5}).sizes, (std::vector<int>{1, 5}));
  EXPECT_EQ(geometry_for({}).sizes, (std::vector<int>{1, 1}));
  EXPECT_EQ(geometry_for({2, 3, 4, 5}).sizes, (std::vector<int>{2, 3, 4, 5}));
  EXPECT_EQ(geometry_for({2, 3, 1000}).sizes, (std::vector<int>{2, 3, 1000}));  // > CV_CN_MAX channels
}

TEST(RawFrame, WrapsTheBufferWithoutCopyAndKeepsItAlive) {
  auto released = std::make_shared<bool>(false);
  std::vector<float> data(2 * 3 * 4 * 5);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<float>(i);
  cv::Mat kept;
  {
    std::shared_ptr<void> owner(nullptr, [released](void*) { *released = true; });
    auto frame = raw_frame(header("float32", {2, 3, 4, 5}), Dtype::float32, data.data(), owner);
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
  EXPECT_EQ(*h.shape, (std::vector<std::size_t>{4, 5, 3}));
}

}  // namespace
}  // namespace netgear::wire
