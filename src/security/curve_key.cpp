// CURVE key pairs and Z85 text, on libzmq's own primitives.
#include "security/curve_key.hpp"

#include <array>
#include <cstdint>

#include <zmq.h>

#include "netgear/error.hpp"
#include "netgear/keys.hpp"

namespace netgear {

bool curve_supported() { return zmq_has("curve") != 0; }

CurveKey generate_curve_key() {
  security::require_curve();
  std::array<char, 41> pub{}, sec{};
  if (zmq_curve_keypair(pub.data(), sec.data()) != 0)
    throw SetupError(std::string("netgear: cannot generate a CURVE key pair: ") + zmq_strerror(zmq_errno()));
  return {pub.data(), sec.data()};
}

bool is_z85_key(std::string_view text) {
  if (text.size() != 40) return false;
  const std::string copy(text);  // zmq_z85_decode wants a terminated string
  std::array<std::uint8_t, 32> bytes{};
  return zmq_z85_decode(bytes.data(), copy.c_str()) != nullptr;
}

namespace security {

void require_curve(bool supported) {
  if (!supported)
    throw SetupError(
        "netgear: secure_mode needs a libzmq built with CURVE (libsodium), and this one has none; "
        "install a libzmq with CURVE (Debian's libzmq5 has it) or use secure_mode 0");
}

void require_curve() { require_curve(curve_supported()); }

std::optional<std::string> public_of(const std::string& secret_z85) {
  if (!is_z85_key(secret_z85)) return std::nullopt;
  std::array<char, 41> pub{};
  if (zmq_curve_public(pub.data(), secret_z85.c_str()) != 0) return std::nullopt;
  return std::string(pub.data());
}

std::string decode_key(const std::string& z85) {
  std::string bytes(32, '\0');
  if (z85.size() != 40 || !zmq_z85_decode(reinterpret_cast<std::uint8_t*>(bytes.data()), z85.c_str()))
    throw SetupError("netgear: '" + z85 + "' is not a 40-character Z85 CURVE key");
  return bytes;
}

std::string encode_key(std::string_view bytes) {
  std::array<char, 41> text{};
  if (bytes.size() != 32 ||
      !zmq_z85_encode(text.data(), reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()))
    return {};
  return text.data();
}

}  // namespace security
}  // namespace netgear
