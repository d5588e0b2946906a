#pragma once
/// \file
/// The browser viewer behind `netgear recv --http HOST:PORT`: an HTTP server
/// (no external web server) showing the live stream as MJPEG and live stats.
///
/// Routes (every response carries Cache-Control: no-store):
/// - GET /            the page (see viewer/page.hpp): title, <img id="stream">,
///                    stats panel id="stats" with one data-stat="<key>" element
///                    per key, refreshed every 500 ms;
/// - GET /stream.mjpg multipart/x-mixed-replace; boundary=netgear-frame — one
///                    image/jpeg part (with Content-Length) per new JPEG; a slow
///                    browser skips to the newest. Without a newer JPEG, the
///                    last one is sent again after 250 ms (Chromium shows a part
///                    only when the next one begins), then every second. 503
///                    beyond max_viewers;
/// - GET /frame.jpg   the latest JPEG; 503 (text body) before the first;
/// - GET /stats.json  the latest stats object; {} before set_stats().
///
/// Hardening: methods other than GET and HEAD get 405 (with Allow) before any
/// body is read; a Host header naming another host gets 421 (DNS
/// rebinding; ViewerOptions::allowed_hosts); a connection must send its
/// request head within 2 s; max_viewers + 32 server threads, so a few dozen
/// idle connections do not stop /frame.jpg from answering.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>

namespace netgear::tools {

/// How the viewer encodes and serves.
struct ViewerOptions {
  /// JPEG quality, 1..100.
  int jpeg_quality = 80;
  /// Frames encoded per second at most while a browser watches the stream
  /// (> 0); publish() skips the frames in between.
  double max_fps = 30;
  /// Frames encoded per second while nobody watches /stream.mjpg (keeps
  /// /frame.jpg fresh for less CPU); capped by max_fps; 0 = as max_fps.
  double idle_fps = 2;
  /// Page title (HTML-escaped when served).
  std::string title = "netgear";
  /// /stream.mjpg connections served at once (1..256); each holds a server
  /// thread, more are answered 503.
  std::size_t max_viewers = 8;
  /// Host names answered besides localhost, IP literals and the bound host
  /// (DNS-rebinding defence; see viewer/guarded_server.hpp HostPolicy).
  /// Requests for other names get 421.
  std::vector<std::string> allowed_hosts;
  /// Answer whatever the Host header says (turns that defence off).
  bool any_host = false;

  /// Throws netgear::OptionError naming the first invalid field.
  void validate() const;
};

/// An HTTP server on its own threads that shows the frames given to publish().
///
/// Thread-safety: publish(), set_stats() and the accessors may be called from
/// any thread, concurrently; stop() too (it is idempotent). Move-only; a
/// moved-from server may only be destroyed or assigned to.
class MjpegServer {
 public:
  /// Validates `options`, binds host:port and starts serving before it
  /// returns. `host` is an address or name ("127.0.0.1", "localhost", "::1";
  /// "0.0.0.0", "*" or "" = every IPv4 interface, "::" = every interface);
  /// port 0 = any free port (see port()). Throws netgear::OptionError for bad
  /// options or a port outside 0..65535, netgear::SetupError (a
  /// std::runtime_error) naming "host:port" and the reason when it cannot
  /// bind (address in use, unknown host, address not on this machine).
  /// The port is bound without SO_REUSEPORT, so a port in use is an error.
  MjpegServer(const std::string& host, int port, ViewerOptions options = {});
  /// stop(); never throws.
  ~MjpegServer();
  MjpegServer(MjpegServer&&) noexcept;
  MjpegServer& operator=(MjpegServer&&) noexcept;  // stops the server it replaces
  MjpegServer(const MjpegServer&) = delete;
  MjpegServer& operator=(const MjpegServer&) = delete;

  /// Ends every stream, shuts down every connection, closes the port and
  /// joins the server threads. Bounded in time whatever the clients do
  /// (slow, stalled or idle connections are shut down, not waited for):
  /// typically well under 100 ms.
  /// Idempotent; never throws. After it, publish() returns at once.
  void stop() noexcept;

  /// The bound port (the real one when constructed with 0).
  [[nodiscard]] int port() const;
  /// The page's address, e.g. "http://127.0.0.1:41234/" (a wildcard host is
  /// shown as the loopback address; IPv6 in brackets).
  [[nodiscard]] std::string url() const;

  /// Offers a frame; call it for every frame received. Cheap: at most max_fps
  /// times a second (idle_fps with no browser watching) it copies the pixels
  /// for the encoder thread, otherwise it returns at once; it never encodes
  /// and never waits on a browser. Any depth and channel count netgear
  /// carries (see viewer/display_image.hpp); an empty Mat is ignored.
  void publish(const cv::Mat& frame);

  /// Replaces the stats shown by the page. Throws netgear::OptionError
  /// ("stats") if `stats` is not a JSON object.
  void set_stats(nlohmann::json stats);

  /// Open /stream.mjpg connections. A browser that went away is noticed when
  /// the next parts are sent (within about 2 s: a part is sent at least every
  /// second once there is a frame).
  [[nodiscard]] std::size_t viewers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace netgear::tools
