#include "viewer/page.hpp"

namespace netgear::tools {
namespace {

constexpr std::string_view kTitleMark = "{{TITLE}}";

// {{TITLE}} is replaced (every occurrence) by the escaped title.
constexpr std::string_view kPage = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}}</title>
<style>
  body { margin: 0; background: #1e1e1e; color: #ddd; font: 14px/1.4 system-ui, sans-serif; }
  header { padding: 8px 16px; background: #111; display: flex; align-items: baseline; gap: 16px; }
  h1 { font-size: 18px; margin: 0; }
  #status { font-size: 12px; color: #8c8; }
  #status.down { color: #e77; }
  main { display: flex; flex-wrap: wrap; gap: 16px; padding: 16px; align-items: flex-start; }
  #stream { max-width: 100%; min-width: 160px; min-height: 120px; background: #000; }
  #stats { min-width: 200px; background: #111; padding: 8px 12px; border-radius: 4px; }
  .stat { display: flex; justify-content: space-between; gap: 16px; font-variant-numeric: tabular-nums; }
  .stat .key { color: #999; }
  .empty { color: #777; }
</style>
</head>
<body>
<header><h1 id="title">{{TITLE}}</h1><span id="status">connecting</span></header>
<main>
  <img id="stream" src="/stream.mjpg" alt="live stream">
  <div id="stats"><div class="empty">no stats yet</div></div>
</main>
<script>
"use strict";
(function () {
  const img = document.getElementById("stream");
  img.addEventListener("error", function () {
    setTimeout(function () { img.src = "/stream.mjpg?t=" + Date.now(); }, 2000);
  });

  function show(value) {
    if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(2);
    if (value !== null && typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  // Known stats in reading order with their labels; others follow, as named.
  const LABELS = {
    frames: "frames", fps: "frames/s", mbps: "MB/s", mbit_s: "Mbit/s",
    latency_p50_ms: "latency p50 (ms)", latency_p99_ms: "latency p99 (ms)", latency_max_ms: "latency max (ms)",
    dropped: "dropped", bad: "bad messages", queued: "queued", timeouts: "timeouts", bytes: "bytes",
    elapsed_s: "elapsed (s)",
  };
  const ORDER = Object.keys(LABELS);
  function label(key) { return LABELS[key] || key.replace(/_/g, " "); }
  function rank(key) { const i = ORDER.indexOf(key); return i < 0 ? ORDER.length : i; }

  const panel = document.getElementById("stats");
  const status = document.getElementById("status");
  function render(stats) {
    const keys = Object.keys(stats).sort(function (a, b) { return rank(a) - rank(b); });
    panel.replaceChildren();
    if (keys.length === 0) {
      const empty = document.createElement("div");
      empty.className = "empty";
      empty.textContent = "no stats yet";
      panel.appendChild(empty);
      return;
    }
    for (const key of keys) {
      const row = document.createElement("div");
      row.className = "stat";
      const name = document.createElement("span");
      name.className = "key";
      name.textContent = label(key);
      const value = document.createElement("span");
      value.className = "value";
      value.setAttribute("data-stat", key);
      value.textContent = show(stats[key]);
      row.append(name, value);
      panel.appendChild(row);
    }
  }

  function poll() {
    fetch("/stats.json", { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (stats) {
        render(stats && typeof stats === "object" ? stats : { value: stats });
        status.textContent = "live";
        status.className = "";
      })
      .catch(function () {
        status.textContent = "disconnected";
        status.className = "down";
      })
      .finally(function () { setTimeout(poll, 500); });
  }
  poll();
})();
</script>
</body>
</html>
)html";

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_page(std::string_view title) {
  const std::string escaped = html_escape(title);
  std::string page(kPage);
  for (auto at = page.find(kTitleMark); at != std::string::npos;
       at = page.find(kTitleMark, at + escaped.size())) {
    page.replace(at, kTitleMark.size(), escaped);
  }
  return page;
}

}  // namespace netgear::tools
