#include "alloc/audit.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <opencv2/core.hpp>
#include <zmq.hpp>

#include "alloc/alloc_counter.hpp"
#include "alloc/where.hpp"
#include "netgear/receiver.hpp"
#include "netgear/sender.hpp"

namespace netgear::alloc_audit {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using alloc_counter::ThreadTally;

constexpr auto kFrameWait = 10s;
constexpr std::size_t kMaxThreads = 1024;

// Counts frames that came out the far end; the sender waits for each.
class Delivered {
 public:
  void arrive() {
    {
      std::lock_guard lock(mutex_);
      ++count_;
    }
    changed_.notify_one();
  }
  void wait_for(std::uint64_t count) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_until(lock, Clock::now() + kFrameWait, [&] { return count_ >= count; }))
      throw std::runtime_error("alloc audit: frame " + std::to_string(count) + " did not arrive within 10 s");
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t count_ = 0;
};

// Every thread's counts at one moment (no allocation).
struct Snapshot {
  std::array<ThreadTally, kMaxThreads> threads{};
  std::size_t size = 0;
  void take() { size = alloc_counter::snapshot(threads); }
};

std::string thread_name(long tid) {
  std::ifstream comm("/proc/self/task/" + std::to_string(tid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

// The threads a run knows by id; the rest are libzmq's (by name) or "other".
struct Roles {
  long sender = 0;
  long receiver_io = 0;  // 0: not known by id (netgear's own I/O thread)
  long consumer = 0;
  bool unknown_is_receiver_io = false;  // netgear: the Receiver's I/O thread is the one unnamed thread
  std::map<long, std::string> names;    // read while the threads run (see name_threads)

  // Reads the name of every thread in `s` now, while they still exist.
  void name_threads(const Snapshot& s) {
    for (std::size_t i = 0; i < s.size; ++i) names[s.threads[i].tid] = thread_name(s.threads[i].tid);
  }
};

enum class Role { sender, receiver_io, consumer, zmq, other };

Role role_of(long tid, const Roles& roles) {
  if (tid == roles.sender) return Role::sender;
  if (tid == roles.consumer) return Role::consumer;
  if (tid == roles.receiver_io) return Role::receiver_io;
  const auto known = roles.names.find(tid);
  const std::string name = known != roles.names.end() ? known->second : thread_name(tid);
  if (name.rfind("ZMQbg", 0) == 0) return Role::zmq;
  return roles.unknown_is_receiver_io ? Role::receiver_io : Role::other;
}

const char* role_label(Role role) {
  switch (role) {
    case Role::sender: return "sender";
    case Role::receiver_io: return "receiver I/O";
    case Role::consumer: return "recv() caller";
    case Role::zmq: return "zmq";
    case Role::other: return "other";
  }
  return "other";
}

// The allocations between two snapshots, by role.
void tally(const Snapshot& before, const Snapshot& after, const Roles& roles, Tally& t) {
  for (std::size_t i = 0; i < after.size; ++i) {
    const ThreadTally& now = after.threads[i];
    const ThreadTally then = i < before.size ? before.threads[i] : ThreadTally{now.tid, 0, 0, 0, 0};
    const std::uint64_t allocs = now.allocs - then.allocs;
    const std::uint64_t large = now.large - then.large;
    if (allocs == 0) continue;
    switch (role_of(now.tid, roles)) {
      case Role::sender:
        t.sender += allocs;
        t.sender_large += large;
        break;
      case Role::receiver_io:
        t.receiver_io += allocs;
        t.receiver_large += large;
        break;
      case Role::consumer:
        t.consumer += allocs;
        t.receiver_large += large;
        break;
      case Role::zmq: t.zmq += allocs; break;
      case Role::other: t.other += allocs; break;
    }
  }
}

std::string unique_name() {
  static std::atomic<int> counter{0};
  return "netgear-alloc-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

cv::Mat test_mat(const Case& c) { return cv::Mat(c.rows, c.cols, CV_8UC(c.channels), cv::Scalar::all(7)); }

std::size_t payload_size(const Case& c) {
  return static_cast<std::size_t>(c.rows) * static_cast<std::size_t>(c.cols) * static_cast<std::size_t>(c.channels);
}

// Runs warm-up frames, then the counted ones between two snapshots.
// `send_frame(n)` sends frame n (1-based) and returns the number of send calls it took.
void count_frames(const Case& c, Delivered& delivered, const std::function<std::uint64_t(std::uint64_t)>& send_frame,
                  bool trace, Snapshot& before, Snapshot& after, Tally& t, std::vector<alloc_counter::TraceEntry>* stacks) {
  const auto warmup = static_cast<std::uint64_t>(c.warmup);
  const auto frames = static_cast<std::uint64_t>(c.frames);
  for (std::uint64_t n = 1; n <= warmup; ++n) {
    send_frame(n);
    delivered.wait_for(n);
  }
  std::uint64_t calls = 0;
  before.take();
  if (trace) alloc_counter::start_trace();
  for (std::uint64_t n = warmup + 1; n <= warmup + frames; ++n) {
    calls += send_frame(n);
    delivered.wait_for(n);
  }
  std::span<const alloc_counter::TraceEntry> recorded;
  if (trace) recorded = alloc_counter::stop_trace();
  after.take();
  t.frames = frames;
  t.send_calls = calls;
  if (stacks) stacks->assign(recorded.begin(), recorded.end());
}

Tally run_netgear(const Case& c, bool trace, std::vector<alloc_counter::TraceEntry>* stacks, Roles& roles) {
  alloc_counter::set_large_threshold(payload_size(c));
  Settings rs;
  rs.protocol = c.protocol;
  rs.pattern = c.pattern;
  switch (c.protocol) {
    case Protocol::tcp:
      rs.address = "127.0.0.1";
      rs.port = "*";
      break;
    case Protocol::ipc:
      rs.address = "/tmp/" + unique_name();
      rs.port = "0";
      break;
    default:
      rs.address = unique_name();
      rs.port = "0";
  }
  Receiver receiver(rs);
  const std::string endpoint = receiver.endpoints().front();
  Settings ss;
  ss.protocol = c.protocol;
  ss.pattern = c.pattern;
  const auto colon = endpoint.rfind(':');
  const auto scheme_end = endpoint.find("://") + 3;
  ss.address = endpoint.substr(scheme_end, colon - scheme_end);
  ss.port = endpoint.substr(colon + 1);
  ss.options.copy = c.copy;
  Sender sender(ss);
  if (c.pattern == Pattern::pub_sub && !sender.wait_for_receiver(kFrameWait))
    throw std::runtime_error("alloc audit: the receiver did not subscribe");

  const cv::Mat mat = test_mat(c);
  const Frame frame(mat);
  const bool check_buffer = c.protocol == Protocol::inproc && !c.copy;
  std::atomic<bool> same_buffer{check_buffer};
  std::atomic<long> consumer_tid{0};
  Delivered delivered;
  std::thread consumer([&] {
    consumer_tid = alloc_counter::this_thread_id();
    while (auto got = receiver.recv()) {
      if (got->frame.mat().data != mat.data) same_buffer = false;
      delivered.arrive();
    }
  });
  struct Join {  // the consumer ends with the stream, whatever happens here
    Receiver& receiver;
    std::thread& thread;
    ~Join() {
      receiver.close();
      thread.join();
    }
  } join{receiver, consumer};

  const auto expected = c.pattern == Pattern::pub_sub ? SendStatus::queued : SendStatus::delivered;
  auto send_frame = [&](std::uint64_t n) -> std::uint64_t {
    const auto deadline = Clock::now() + kFrameWait;
    for (std::uint64_t calls = 1;; ++calls) {
      const SendResult r = sender.send(frame);
      if (r.status == expected) return calls;
      if (r.status != SendStatus::dropped || Clock::now() > deadline)
        throw std::runtime_error("alloc audit: send() of frame " + std::to_string(n) + " did not go through");
    }
  };
  Snapshot before, after;
  Tally t;
  count_frames(c, delivered, send_frame, trace, before, after, t, stacks);
  roles = {alloc_counter::this_thread_id(), 0, consumer_tid.load(), true, {}};
  roles.name_threads(after);
  tally(before, after, roles, t);
  t.same_buffer = check_buffer && same_buffer;
  sender.close();
  return t;
}

// The raw side's sockets: what netgear opens for each pattern, without the options.
std::pair<zmq::socket_type, zmq::socket_type> raw_sockets(Pattern p) {
  switch (p) {
    case Pattern::pair: return {zmq::socket_type::pair, zmq::socket_type::pair};
    case Pattern::req_rep: return {zmq::socket_type::req, zmq::socket_type::rep};
    case Pattern::pub_sub: return {zmq::socket_type::xpub, zmq::socket_type::sub};
  }
  return {zmq::socket_type::pair, zmq::socket_type::pair};
}

// The raw side's zero-copy free function: the Mat outlives the run.
void keep_buffer(void* /*data*/, void* /*hint*/) {}

// A header as long as netgear's for this case (the size decides whether
// libzmq allocates for it; the content does not matter).
std::string raw_header(const Case& c) {
  return R"({"terminate_flag": false, "compression": false, "message": null, "pattern": ")" +
         std::to_string(static_cast<int>(c.pattern)) + R"(", "dtype": "uint8", "shape": [)" + std::to_string(c.rows) +
         ", " + std::to_string(c.cols) + ", " + std::to_string(c.channels) +
         R"(], "netgear_seq": 1000, "netgear_sent_ns": 1700000000000000000})";
}

}  // namespace

Tally measure_netgear(const Case& c) {
  Roles roles;
  return run_netgear(c, false, nullptr, roles);
}

std::vector<Site> netgear_sites(const Case& c, Tally& tally) {
  std::vector<alloc_counter::TraceEntry> stacks;
  Roles roles;
  tally = run_netgear(c, true, &stacks, roles);
  return group_sites(stacks, [&](long tid) { return std::string(role_label(role_of(tid, roles))); });
}

Tally measure_raw(const Case& c) {
  alloc_counter::set_large_threshold(payload_size(c));
  zmq::context_t ctx;
  const auto [send_type, recv_type] = raw_sockets(c.pattern);
  zmq::socket_t in(ctx, recv_type), out(ctx, send_type);
  for (auto* s : {&in, &out}) {
    s->set(zmq::sockopt::rcvtimeo, 15000);
    s->set(zmq::sockopt::sndtimeo, 15000);
    s->set(zmq::sockopt::linger, 0);
  }
  switch (c.protocol) {
    case Protocol::tcp: in.bind("tcp://127.0.0.1:*"); break;
    case Protocol::ipc: in.bind("ipc:///tmp/" + unique_name()); break;
    default: in.bind("inproc://" + unique_name());
  }
  if (c.pattern == Pattern::pub_sub) in.set(zmq::sockopt::subscribe, "");
  out.connect(in.get(zmq::sockopt::last_endpoint));

  const cv::Mat mat = test_mat(c);
  const std::size_t size = payload_size(c);
  const std::string header = raw_header(c);
  const std::string reply = "Data received on device: ABCD1234 !";  // netgear's reply, same length
  const bool replies = c.pattern != Pattern::pub_sub;
  const bool check_buffer = c.protocol == Protocol::inproc && !c.copy;
  std::atomic<bool> same_buffer{check_buffer};
  std::atomic<long> receiver_tid{0};
  Delivered delivered;
  std::thread receiving([&] {
    receiver_tid = alloc_counter::this_thread_id();
    zmq::message_t head, body;
    for (;;) {
      if (!in.recv(head) || !head.more()) return;  // a one-part message ends the run
      if (!in.recv(body)) return;
      if (replies) (void)in.send(zmq::buffer(reply), zmq::send_flags::none);
      if (body.data() != mat.data) same_buffer = false;
      delivered.arrive();
    }
  });
  struct Join {
    zmq::socket_t& out;
    bool replies;
    std::thread& thread;
    ~Join() {
      try {
        (void)out.send(zmq::str_buffer("end"), zmq::send_flags::dontwait);
      } catch (const zmq::error_t&) {  // the socket waits for a reply: the receiver's timeout ends it
      }
      thread.join();
    }
  } join{out, replies, receiving};

  // The SUB attaches the connection (and subscribes) as its thread reads the socket.
  if (c.pattern == Pattern::pub_sub) {
    zmq::message_t subscription;
    if (!out.recv(subscription)) throw std::runtime_error("alloc audit: the raw SUB did not subscribe");
  }
  zmq::message_t answer;
  auto send_frame = [&](std::uint64_t n) -> std::uint64_t {
    (void)out.send(zmq::buffer(header), zmq::send_flags::sndmore);
    auto* data = const_cast<uchar*>(mat.data);
    // Lent as netgear lends it: zmq_msg_init_data with a free function.
    zmq::message_t payload = c.copy ? zmq::message_t(data, size) : zmq::message_t(data, size, &keep_buffer, nullptr);
    (void)out.send(payload, zmq::send_flags::none);
    if (replies && !out.recv(answer)) throw std::runtime_error("alloc audit: no raw reply to frame " + std::to_string(n));
    return 1;
  };
  Snapshot before, after;
  Tally t;
  count_frames(c, delivered, send_frame, false, before, after, t, nullptr);
  Roles roles{alloc_counter::this_thread_id(), receiver_tid.load(), 0, false, {}};
  roles.name_threads(after);
  tally(before, after, roles, t);
  t.same_buffer = check_buffer && same_buffer;
  return t;
}

std::string describe(const Case& c) {
  static const char* patterns[] = {"pair", "req_rep", "pub_sub"};
  return "pattern " + std::to_string(static_cast<int>(c.pattern)) + " (" + patterns[static_cast<int>(c.pattern)] +
         ") copy=" + (c.copy ? "true" : "false") + " " + std::to_string(c.cols) + "x" + std::to_string(c.rows) + "x" +
         std::to_string(c.channels) + " over " + std::string(to_string(c.protocol));
}

}  // namespace netgear::alloc_audit
