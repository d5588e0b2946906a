#include "viewer/mjpeg_server.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <thread>
#include <utility>

#include <httplib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "netgear/error.hpp"
#include "viewer/frame_slot.hpp"
#include "viewer/guarded_server.hpp"
#include "viewer/page.hpp"

namespace netgear::tools {
namespace {

constexpr std::string_view kBoundary = "netgear-frame";
// Chromium shows a part only once the headers of the next one arrive, so when
// no newer frame follows within kFlushAfter the last one is sent again (a
// paused stream shows its last frame), then every kHeartbeat (which also
// notices browsers that went away).
constexpr std::chrono::milliseconds kFlushAfter{250};
constexpr std::chrono::milliseconds kHeartbeat{1000};

// A connection must send its whole request head within kHeadTimeout of a
// server thread taking it; a slow-loris client is cut off then, whatever it
// trickles. Browsers send their head in one packet; Chromium's pre-opened
// idle connections are closed and reopened transparently.
constexpr std::chrono::milliseconds kHeadTimeout{2000};
// A browser that stopped reading for this long is dropped.
constexpr std::chrono::milliseconds kWriteTimeout{1000};
// Threads beyond the streams' (max_viewers): the page, /frame.jpg and
// /stats.json keep answering while up to this many connections are held by
// clients that send nothing (each for at most kHeadTimeout).
constexpr std::size_t kSpareThreads = 32;

std::string bind_host_of(const std::string& host) {
  return host.empty() || host == "*" ? "0.0.0.0" : host;
}

// Where a browser on this machine reaches a server bound to `host`.
std::string url_host_of(const std::string& bind_host) {
  if (bind_host == "0.0.0.0") return "127.0.0.1";
  if (bind_host == "::") return "[::1]";
  if (bind_host.find(':') != std::string::npos) return "[" + bind_host + "]";
  return bind_host;
}

// Unsent bytes a connection may queue in the kernel before our write blocks.
// Left to the default, the send buffer grows to megabytes and a slow browser
// is fed seconds-old frames from it; kept small, the write blocks instead and
// the stream skips to the newest frame (measured on a 150 kB/s reader: 4.7 s
// behind by default, 0.4 s with this). Only the unsent part is capped, not the
// data in flight, so fast links keep their throughput.
constexpr int kNotSentLowWatermark = 16 * 1024;

// On the listening socket; Linux copies both options to accepted sockets.
// SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a second
// server binds a port already in use and silently shares its connections.
void listening_socket_options(socket_t sock) {
  const int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  setsockopt(sock, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &kNotSentLowWatermark, sizeof kNotSentLowWatermark);
}

// An unknown host, with the resolver's words (httplib only says "failed").
void check_resolvable(const std::string& host, const std::string& where) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    throw SetupError("viewer: cannot listen on " + where + ": unknown host (" + gai_strerror(rc) + ")");
  }
  freeaddrinfo(found);
}

std::string part_of(const std::string& jpeg) {
  std::string part;
  part.reserve(jpeg.size() + 96);
  part += "--";
  part += kBoundary;
  part += "\r\nContent-Type: image/jpeg\r\nContent-Length: ";
  part += std::to_string(jpeg.size());
  part += "\r\n\r\n";
  part += jpeg;
  part += "\r\n";
  return part;
}

}  // namespace

void ViewerOptions::validate() const {
  if (jpeg_quality < 1 || jpeg_quality > 100) {
    throw OptionError("jpeg_quality", "must be 1..100, got " + std::to_string(jpeg_quality));
  }
  if (!(max_fps > 0)) throw OptionError("max_fps", "must be > 0, got " + std::to_string(max_fps));
  if (!(idle_fps >= 0)) throw OptionError("idle_fps", "must be >= 0, got " + std::to_string(idle_fps));
  for (const auto& name : allowed_hosts) {
    if (name.empty() || name.find_first_of(" /\\\t\r\n") != std::string::npos)
      throw OptionError("allowed_hosts", "'" + name + "' is not a host name");
  }
  if (max_viewers < 1 || max_viewers > 256) {
    throw OptionError("max_viewers", "must be 1..256, got " + std::to_string(max_viewers));
  }
}

struct MjpegServer::Impl {
  Impl(const std::string& host, int requested_port, const ViewerOptions& options);
  ~Impl() { stop(); }
  void stop() noexcept;
  void add_routes();
  void serve_stream(httplib::Response& res);

  ViewerOptions options;
  std::string page;
  FrameSlot slot;
  GuardedServer server{kHeadTimeout, kWriteTimeout};
  HostPolicy hosts;
  int port = 0;
  std::string url;
  std::atomic<std::size_t> viewers{0};
  std::atomic<bool> stopped{false};  // read by publish() without the lock
  std::mutex stop_mutex;

  std::mutex stats_mutex;
  nlohmann::json stats = nlohmann::json::object();

  std::future<void> listener_done;
  std::thread listener;
};

MjpegServer::Impl::Impl(const std::string& host, int requested_port, const ViewerOptions& opts)
    : options(opts),
      page(render_page(opts.title)),
      slot(opts.jpeg_quality, opts.max_fps,
           opts.idle_fps > 0 && opts.idle_fps < opts.max_fps ? opts.idle_fps : opts.max_fps) {
  const std::string bind_host = bind_host_of(host);
  const std::string where = host + ":" + std::to_string(requested_port);
  hosts = {.allowed = options.allowed_hosts, .any = options.any_host, .bound = bind_host};

  // Every stream holds a pool thread for as long as it is watched; the spare
  // threads keep the page, /frame.jpg and /stats.json answering with all
  // streams open and some connections idle (GuardedServer: one request per
  // connection, its head under a deadline).
  const std::size_t threads = options.max_viewers + kSpareThreads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_socket_options(listening_socket_options);
  server.set_payload_max_length(0);  // the viewer takes no uploads
  // httplib also sets these as SO_RCVTIMEO/SO_SNDTIMEO on each connection.
  server.set_read_timeout(std::chrono::duration_cast<std::chrono::seconds>(kHeadTimeout));
  server.set_write_timeout(kWriteTimeout);
  server.set_default_headers({{"Cache-Control", "no-store"}});
  add_routes();

  check_resolvable(bind_host, where);
  errno = 0;
  port = requested_port == 0 ? server.bind_to_any_port(bind_host)
                             : (server.bind_to_port(bind_host, requested_port) ? requested_port : -1);
  if (port < 0) {
    const int error = errno;
    slot.close();
    throw SetupError("viewer: cannot listen on " + where + ": " +
                     (error != 0 ? std::strerror(error) : "bind failed"));
  }
  url = "http://" + url_host_of(bind_host) + ":" + std::to_string(port) + "/";

  std::packaged_task<void()> listen([this] { server.listen_after_bind(); });
  listener_done = listen.get_future();
  listener = std::thread(std::move(listen));
}

void MjpegServer::Impl::add_routes() {
  // Runs once the request head is read and before any body is: other methods
  // are refused without reading what they send, foreign hosts are refused.
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.method != "GET" && req.method != "HEAD") {
      res.status = 405;
      res.set_header("Allow", "GET, HEAD");
      res.set_content("the netgear viewer only answers GET and HEAD\n", "text/plain; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!hosts.admits(req.get_header_value("Host"))) {
      // 421 Misdirected Request: most likely a web page that rebound its own
      // name to this address to read the frames (DNS rebinding).
      res.status = 421;
      res.set_content("the netgear viewer does not answer for this host name; open it by IP address or "
                      "localhost, or start netgear recv with --http-allow-host NAME (or --http-any-host)\n",
                      "text/plain; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.Get("/", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(page, "text/html; charset=utf-8");
  });
  server.Get("/stats.json", [this](const httplib::Request&, httplib::Response& res) {
    std::string body;
    {
      std::lock_guard lock(stats_mutex);
      body = stats.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    res.set_content(body, "application/json");
  });
  server.Get("/frame.jpg", [this](const httplib::Request&, httplib::Response& res) {
    const Jpeg jpeg = slot.latest();
    if (!jpeg.bytes) {
      res.status = 503;
      res.set_content("no frame yet\n", "text/plain; charset=utf-8");
      return;
    }
    res.set_content(*jpeg.bytes, "image/jpeg");
  });
  server.Get("/stream.mjpg", [this](const httplib::Request&, httplib::Response& res) {
    serve_stream(res);
  });
}

void MjpegServer::Impl::serve_stream(httplib::Response& res) {
  std::size_t open = viewers.load();
  do {
    if (open >= options.max_viewers) {
      res.status = 503;
      res.set_content("too many viewers (max_viewers " + std::to_string(options.max_viewers) + ")\n",
                      "text/plain; charset=utf-8");
      return;
    }
  } while (!viewers.compare_exchange_weak(open, open + 1));

  // State of this connection, shared by the provider's copies.
  struct StreamState {
    std::uint64_t sent = 0;  // sequence of the last JPEG sent
    bool flushed = true;     // it was sent again already (or nothing was sent)
  };
  auto state = std::make_shared<StreamState>();
  res.set_chunked_content_provider(
      "multipart/x-mixed-replace; boundary=" + std::string(kBoundary),
      [this, state](std::size_t, httplib::DataSink& sink) {
        // Called in a loop by httplib until it returns false or done().
        const auto jpeg = slot.wait_newer(state->sent, state->flushed ? kHeartbeat : kFlushAfter);
        if (!jpeg) {  // stop(): end the response cleanly
          sink.done();
          return true;
        }
        if (!jpeg->bytes) return true;  // no frame yet: wait again
        state->flushed = jpeg->sequence == state->sent;  // timed out: a re-send
        state->sent = jpeg->sequence;
        const std::string part = part_of(*jpeg->bytes);
        return sink.write(part.data(), part.size());  // false: the browser left
      },
      [this](bool) { viewers.fetch_sub(1); });
}

void MjpegServer::Impl::stop() noexcept {
  const std::lock_guard lock(stop_mutex);  // a concurrent stop() returns once stopped
  if (stopped.exchange(true)) return;
  slot.close();  // wakes every stream, which then ends its response
  // Wakes every thread blocked on a client (a slow head, a stalled browser):
  // stopping never waits on what clients do.
  server.shutdown_connections();
  // Server::stop() is a no-op until listen_after_bind() has started running,
  // so repeat it until the listener thread has returned.
  do {
    server.stop();
  } while (listener_done.valid() &&
           listener_done.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready);
  if (listener.joinable()) listener.join();
}

MjpegServer::MjpegServer(const std::string& host, int port, ViewerOptions options) {
  options.validate();
  if (port < 0 || port > 65535) {
    throw OptionError("port", "must be 0..65535 (0 = any free port), got " + std::to_string(port));
  }
  impl_ = std::make_unique<Impl>(host, port, options);
}

MjpegServer::~MjpegServer() { stop(); }
MjpegServer::MjpegServer(MjpegServer&&) noexcept = default;
MjpegServer& MjpegServer::operator=(MjpegServer&&) noexcept = default;

void MjpegServer::stop() noexcept {
  if (impl_) impl_->stop();
}

int MjpegServer::port() const { return impl_->port; }
std::string MjpegServer::url() const { return impl_->url; }

void MjpegServer::publish(const cv::Mat& frame) {
  if (impl_->stopped.load(std::memory_order_relaxed)) return;
  impl_->slot.publish(frame, impl_->viewers.load(std::memory_order_relaxed) > 0);
}

void MjpegServer::set_stats(nlohmann::json stats) {
  if (!stats.is_object()) throw OptionError("stats", "must be a JSON object, got " + std::string(stats.type_name()));
  std::lock_guard lock(impl_->stats_mutex);
  impl_->stats = std::move(stats);
}

std::size_t MjpegServer::viewers() const { return impl_->viewers.load(); }

}  // namespace netgear::tools
