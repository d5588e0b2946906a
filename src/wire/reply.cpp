#include "wire/reply.hpp"

#include <random>

namespace netgear::wire {

std::string make_device_id() {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::random_device seed;
  std::mt19937 rng(seed());
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string id(8, ' ');
  for (auto& c : id) c = alphabet[pick(rng)];
  return id;
}

std::string frame_reply(std::string_view device_id) {
  return "Data received on device: " + std::string(device_id) + " !";
}

nlohmann::json decode_reply(std::string_view reply) {
  auto value = nlohmann::json::parse(reply, nullptr, /*allow_exceptions=*/false);
  if (!value.is_discarded() && value.is_object() && value.contains("data")) return value["data"];
  return std::string(reply);
}

}  // namespace netgear::wire
