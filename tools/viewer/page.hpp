#pragma once
// The viewer's HTML page (GET /).

#include <string>
#include <string_view>

namespace netgear::tools {

/// The page, self-contained (inline CSS and JS, no external resources):
/// - <h1 id="title"> and <title>: `title`, HTML-escaped;
/// - <img id="stream" src="/stream.mjpg">, re-requested every 2 s after an error;
/// - <div id="stats">: JS polls /stats.json every 500 ms and renders every key
///   of the object as a row whose value element carries data-stat="<key>"
///   (numbers: integers as is, others with 2 decimals; objects/arrays as JSON);
/// - <span id="status">: "live", or "disconnected" while /stats.json fails.
std::string render_page(std::string_view title);

/// `text` with & < > " ' replaced by HTML entities.
std::string html_escape(std::string_view text);

}  // namespace netgear::tools
