#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include <opencv2/core.hpp>

#include "netgear/error.hpp"
#include "netgear/frame.hpp"

namespace netgear {
namespace {

TEST(Frame, ShapeFollowsTheMat) {
  EXPECT_EQ(Frame(cv::Mat(480, 640, CV_8UC3)).shape(), (std::vector<std::size_t>{480, 640, 3}));
  EXPECT_EQ(Frame(cv::Mat(480, 640, CV_32FC1)).shape(), (std::vector<std::size_t>{480, 640}));
  EXPECT_EQ(Frame(cv::Mat(2, 2, CV_64FC(7))).shape(), (std::vector<std::size_t>{2, 2, 7}));
  int sizes[] = {2, 3, 4};
  EXPECT_EQ(Frame(cv::Mat(3, sizes, CV_16UC2)).shape(), (std::vector<std::size_t>{2, 3, 4, 2}));
}

TEST(Frame, DtypeFollowsTheDepth) {
  EXPECT_EQ(Frame(cv::Mat(1, 1, CV_8S)).dtype(), Dtype::int8);
  EXPECT_EQ(Frame(cv::Mat(1, 1, CV_16F)).dtype(), Dtype::float16);
  EXPECT_EQ(Frame(cv::Mat(1, 1, CV_64F)).dtype(), Dtype::float64);
}

TEST(Frame, ExplicitShapeIsChecked) {
  cv::Mat m(1, 12, CV_8U);
  EXPECT_NO_THROW(Frame(m, {3, 4}, Dtype::boolean));
  EXPECT_THROW(Frame(m, {3, 5}, Dtype::uint8), FrameError);
  EXPECT_THROW(Frame(m, {3, 2}, Dtype::uint16), FrameError);
}

TEST(Frame, ContiguousCopiesOnlyARegionOfInterest) {
  cv::Mat big(10, 10, CV_8UC3, cv::Scalar(1, 2, 3));
  Frame whole(big);
  EXPECT_EQ(whole.contiguous().mat().data, big.data);
  Frame roi(big(cv::Rect(2, 2, 4, 3)));
  auto c = roi.contiguous();
  EXPECT_TRUE(c.mat().isContinuous());
  EXPECT_NE(c.mat().data, big.data);
  EXPECT_EQ(c.byte_size(), 4u * 3u * 3u);
}

TEST(Frame, BorrowWrapsTheMemoryAndHoldsItsOwnerUntilTheLastMat) {
  auto pixels = std::make_shared<std::vector<std::uint16_t>>(4 * 5 * 3, 7);
  std::weak_ptr<void> watch = pixels;
  cv::Mat kept;
  {
    Frame f = Frame::borrow(pixels->data(), {4, 5, 3}, Dtype::uint16, pixels);
    pixels.reset();
    EXPECT_EQ(f.shape(), (std::vector<std::size_t>{4, 5, 3}));
    EXPECT_EQ(f.mat().type(), CV_16UC3);
    EXPECT_EQ(f.mat().size(), cv::Size(5, 4));
    EXPECT_EQ(f.mat().at<cv::Vec3w>(3, 4)[2], 7);
    kept = f.mat();
  }
  EXPECT_FALSE(watch.expired()) << "a Mat still refers to the pixels";
  kept.release();
  EXPECT_TRUE(watch.expired()) << "the last Mat released the owner";
}

TEST(Frame, BorrowKeepsAnNdShapeAndGivesZeroSizedShapesNoPixels) {
  std::vector<float> five_d(2 * 3 * 1 * 2 * 2);
  Frame f = Frame::borrow(five_d.data(), {2, 3, 1, 2, 2}, Dtype::float32, nullptr);
  EXPECT_EQ(f.shape(), (std::vector<std::size_t>{2, 3, 1, 2, 2}));
  EXPECT_EQ(f.mat().data, reinterpret_cast<uchar*>(five_d.data()));
  EXPECT_TRUE(Frame::borrow(nullptr, {0, 4}, Dtype::uint8, nullptr).empty());
}

TEST(Dtype, NamesRoundTrip) {
  for (auto d : {Dtype::uint8, Dtype::int8, Dtype::uint16, Dtype::int16, Dtype::int32, Dtype::float16,
                 Dtype::float32, Dtype::float64, Dtype::boolean, Dtype::uint32, Dtype::int64, Dtype::uint64,
                 Dtype::complex64})
    EXPECT_EQ(dtype_from_name(dtype_name(d)), d);
  EXPECT_EQ(dtype_from_name("<u2"), Dtype::uint16);
  EXPECT_EQ(dtype_from_name("=f8"), Dtype::float64);
  EXPECT_EQ(dtype_from_name("<i8"), Dtype::int64);
  EXPECT_FALSE(dtype_from_name("complex128"));
  EXPECT_FALSE(dtype_from_name(">i8"));
}

TEST(Dtype, DepthsOpenCvLacksRideInASameSizeDepth) {
  EXPECT_EQ(dtype_cv_depth(Dtype::uint32), CV_32S);
  EXPECT_EQ(dtype_cv_depth(Dtype::int64), CV_64F);
  EXPECT_EQ(dtype_from_cv_depth(CV_64F), Dtype::float64) << "a CV_64F Mat is still float64";
  EXPECT_EQ(dtype_from_cv_depth(CV_32S), Dtype::int32);
  std::vector<std::int64_t> big = {-1, 1LL << 62};
  Frame f = Frame::borrow(big.data(), {2}, Dtype::int64, nullptr);
  EXPECT_EQ(f.byte_size(), 16u);
  EXPECT_EQ(f.mat().ptr<std::int64_t>()[1], 1LL << 62);
}

}  // namespace
}  // namespace netgear
