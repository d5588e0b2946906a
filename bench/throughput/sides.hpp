#pragma once
// The two implementations a case runs, each as a receiver body (binds,
// reports its endpoint, then its figures) and a sender body (connects, sends
// warm-up + timed frames, returns its figures): netgear, and its ceiling, raw
// libzmq moving the same two-part messages with the same reply discipline.
#include <functional>
#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>

#include "throughput/cases.hpp"

namespace netgear::bench {

/// Sends one line to the parent process.
using Report = std::function<void(const std::string&)>;

int netgear_receiver(const Config& c, const Case& k, const std::string& ipc_path, const Report& report);
json netgear_sender(const Config& c, const Case& k, const std::string& endpoint, const cv::Mat& frame);

int raw_receiver(const Config& c, const Case& k, const std::string& ipc_path, const Report& report);
json raw_sender(const Config& c, const Case& k, const std::string& endpoint, const cv::Mat& frame);

}  // namespace netgear::bench
