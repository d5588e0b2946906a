// The transport layer alone: endpoints, bind/connect errors, the wait primitive.
#include <gtest/gtest.h>

#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netgear/error.hpp"
#include "transport/context.hpp"
#include "transport/sockets.hpp"

namespace netgear::transport {
namespace {

using namespace std::chrono_literals;

TEST(Endpoint, VidgearForm) {
  EXPECT_EQ(make_endpoint(Protocol::tcp, "localhost", "5555"), "tcp://localhost:5555");
  EXPECT_EQ(make_endpoint(Protocol::tcp, "127.0.0.1", "0"), "tcp://127.0.0.1:*");
  EXPECT_EQ(make_endpoint(Protocol::ipc, "/tmp/cam", "5555"), "ipc:///tmp/cam:5555");
  EXPECT_EQ(make_endpoint(Protocol::inproc, "cam", "1"), "inproc://cam:1");
  EXPECT_EQ(make_endpoint(Protocol::epgm, "lo;239.192.1.1", "5555"), "epgm://lo;239.192.1.1:5555");
}

zmq::socket_t bound_receiver(zmq::context_t& ctx, Pattern pattern, const std::vector<std::string>& endpoints,
                             std::vector<std::string>& bound) {
  auto socket = open_receiver_socket(ctx, pattern, {});
  bound = bind_all(socket, endpoints);
  return socket;
}

TEST(Sockets, ReceiverResolvesAWildcardPort) {
  auto ctx = shared_context();
  std::vector<std::string> bound;
  auto socket = bound_receiver(*ctx, Pattern::pair, {"tcp://127.0.0.1:*"}, bound);
  ASSERT_EQ(bound.size(), 1u);
  EXPECT_EQ(bound[0].rfind("tcp://127.0.0.1:", 0), 0u);
  EXPECT_NE(bound[0].back(), '*');
}

TEST(Sockets, BindErrorNamesTheEndpoint) {
  auto ctx = shared_context();
  std::vector<std::string> bound;
  try {
    bound_receiver(*ctx, Pattern::pair, {"tcp://256.1.1.1:5555"}, bound);
    FAIL();
  } catch (const SetupError& e) {
    EXPECT_NE(std::string(e.what()).find("tcp://256.1.1.1:5555"), std::string::npos) << e.what();
  }
}

TEST(Sockets, SharedContextIsSharedWhileAlive) {
  auto a = shared_context();
  auto b = shared_context();
  EXPECT_EQ(a.get(), b.get());
}

TEST(Wait, TimesOutWithNothingToRead) {
  auto ctx = shared_context();
  std::vector<std::string> bound;
  auto socket = bound_receiver(*ctx, Pattern::pair, {"inproc://wait-test:1"}, bound);
  EXPECT_EQ(wait_for(socket, ZMQ_POLLIN, nullptr, Clock::now() + 20ms), WaitResult::timed_out);
}

TEST(Wait, AWakerInterruptsAnEndlessWait) {
  auto ctx = shared_context();
  std::vector<std::string> bound;
  auto socket = bound_receiver(*ctx, Pattern::pair, {"inproc://wait-test:2"}, bound);
  Waker waker;
  std::thread signaller([&] { waker.signal(); });
  EXPECT_EQ(wait_for(socket, ZMQ_POLLIN, &waker, std::nullopt), WaitResult::woken);
  signaller.join();
  waker.clear();
  EXPECT_EQ(wait_for(socket, ZMQ_POLLIN, &waker, Clock::now() + 10ms), WaitResult::timed_out);
}

// A UDP port the kernel says is free right now (multicast ports cannot be "*").
std::string free_udp_port() {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return std::to_string(ntohs(addr.sin_port));
}

// Multicast stays on loopback here; where lo has no MULTICAST flag libzmq
// refuses it and the test skips.
TEST(Multicast, EpgmEndpointBindsWhereMulticastExists) {
  auto ctx = shared_context();
  std::vector<std::string> bound;
  try {
    auto socket = bound_receiver(*ctx, Pattern::pub_sub, {make_endpoint(Protocol::epgm, "lo;239.192.1.1", free_udp_port())}, bound);
    EXPECT_EQ(bound.size(), 1u);
  } catch (const SetupError& e) {
    GTEST_SKIP() << "multicast unavailable here: " << e.what();
  }
}

// libzmq hands over a multipart message only whole and has no limit on its
// parts: recv_all keeps what a NetGear message can have and frees the rest.
TEST(RecvAll, KeepsTheFirstPartsAndCountsThemAll) {
  zmq::context_t ctx;
  zmq::socket_t in(ctx, zmq::socket_type::pair), out(ctx, zmq::socket_type::pair);
  in.bind("inproc://recv-all-parts");
  out.connect("inproc://recv-all-parts");
  constexpr std::size_t kParts = 100'000;
  for (std::size_t i = 0; i < kParts; ++i)
    out.send(zmq::buffer(std::to_string(i)), i + 1 < kParts ? zmq::send_flags::sndmore : zmq::send_flags::none);
  out.send(zmq::str_buffer("next"));
  ASSERT_EQ(wait_for(in, ZMQ_POLLIN, nullptr, Clock::now() + 10s), WaitResult::ready);
  std::vector<zmq::message_t> parts;
  EXPECT_EQ(recv_all(in, parts, 2), kParts);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].to_string(), "0");
  EXPECT_EQ(parts[1].to_string(), "1");
  EXPECT_EQ(recv_all(in, parts, 2), 1u);  // the next message is whole and separate
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].to_string(), "next");
  EXPECT_EQ(recv_all(in, parts, 2), 0u);  // nothing more
  EXPECT_TRUE(parts.empty());
}

}  // namespace
}  // namespace netgear::transport
