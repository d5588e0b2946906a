#include "wire/reply.hpp"

#include <random>

#include "wire/json_depth.hpp"
#include "wire/json_text.hpp"
#include "wire/utf8.hpp"

namespace netgear::wire {

using json = nlohmann::json;

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

std::string python_type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "NoneType";
    case json::value_t::boolean: return "bool";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "int";
    case json::value_t::number_float: return "float";
    case json::value_t::string: return "str";
    case json::value_t::array: return "list";
    case json::value_t::object: return "dict";
    default: return "bytes";
  }
}

namespace {

void open_with_port(std::string& out, const json& port) {
  out = "{";
  if (!port.is_null()) {
    out += "\"port\": ";
    append_python_json(out, port);
    out += ", ";
  }
}

}  // namespace

std::string encode_data_reply(const json& data, const json& port) {
  std::string out;
  open_with_port(out, port);
  out += "\"return_type\": ";
  append_python_json(out, python_type_name(data));
  out += ", \"data\": ";
  append_python_json(out, data);
  out += '}';
  return out;
}

std::string encode_array_reply(const ArrayReply& r) {
  std::string out;
  open_with_port(out, r.port);
  out += "\"return_type\": \"ndarray\", \"compression\": ";
  append_compression(out, r.compression);
  out += ", \"array_dtype\": ";
  append_python_string(out, r.dtype);
  out += ", \"array_shape\": ";
  append_shape(out, r.shape ? &*r.shape : nullptr);
  out += ", \"data\": null}";
  return out;
}

void append_video_answer(std::string& reply, const VideoAnswer& answer) {
  if (reply.empty() || reply.back() != '}') return;
  reply.pop_back();
  reply += ", \"netgear_video\": {\"accept\": ";
  append_python_string(reply, answer.accept);
  reply += ", \"keyframe\": ";
  reply += answer.keyframe ? "true" : "false";
  reply += "}}";
}

namespace {

std::optional<VideoAnswer> decode_video_answer(const json& reply) {
  auto it = reply.find("netgear_video");
  if (it == reply.end() || !it->is_object()) return std::nullopt;
  VideoAnswer answer;
  if (auto a = it->find("accept");
      a != it->end() && a->is_string() && a->get_ref<const std::string&>().size() <= Compression::max_codec_name)
    answer.accept = a->get<std::string>();
  if (auto k = it->find("keyframe"); k != it->end() && k->is_boolean()) answer.keyframe = k->get<bool>();
  return answer;
}

}  // namespace

Reply decode_reply(std::string_view first_part) {
  Reply reply;
  // Only a JSON object is a JSON reply: text that cannot start one (vidgear's
  // plain reply to every frame) is taken as it is, without the parser.
  // nlohmann skips a UTF-8 byte order mark, then whitespace.
  const bool bom = first_part.starts_with("\xEF\xBB\xBF");
  const auto start = first_part.find_first_not_of(" \t\n\r", bom ? 3 : 0);
  if (start == std::string_view::npos || first_part[start] != '{') {
    reply.data = utf8_text(first_part);
    return reply;
  }
  // Deeper than a reply can be (the object, then data of at most
  // max_json_depth levels): unreadable, like text that is not JSON. Checked
  // before parsing, as what the parser builds is copied recursively.
  if (!json_text_depth_within(first_part, max_json_depth + 1)) {
    reply.data = utf8_text(first_part);
    return reply;
  }
  auto value = json::parse(first_part, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object() || !value.contains("data")) {
    reply.data = utf8_text(first_part);
    return reply;
  }
  reply.data = value["data"];
  if (auto it = value.find("port"); it != value.end()) reply.port = *it;
  reply.video = decode_video_answer(value);
  auto type = value.find("return_type");
  if (type != value.end() && *type == "ndarray") {
    ArrayReply array;
    array.port = reply.port;
    try {
      if (auto it = value.find("compression"); it != value.end()) array.compression = decode_compression(*it);
      if (auto it = value.find("array_dtype"); it != value.end() && it->is_string()) array.dtype = it->get<std::string>();
      if (auto it = value.find("array_shape"); it != value.end() && it->is_array()) array.shape = decode_shape(*it);
      reply.array = std::move(array);
    } catch (const WireError&) {
      reply.data = utf8_text(first_part);  // not an array reply we can read: keep the text
    }
  }
  return reply;
}

}  // namespace netgear::wire
