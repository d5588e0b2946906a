#pragma once
// Internal helpers around CURVE keys (the public part is in netgear/keys.hpp).

#include <optional>
#include <string>
#include <string_view>

namespace netgear::security {

/// Throws SetupError explaining that secure mode needs CURVE, unless
/// `supported`. The one-argument form exists so the message can be tested on
/// a libzmq that has CURVE.
void require_curve(bool supported);
/// require_curve(curve_supported()).
void require_curve();

/// The public key belonging to a Z85 secret key; nullopt when it is not one.
std::optional<std::string> public_of(const std::string& secret_z85);

/// The 32 bytes of a Z85 key (as ZAP carries client keys). Throws SetupError.
std::string decode_key(const std::string& z85);
/// Z85 text of 32 key bytes; "" when `bytes` is not 32 long.
std::string encode_key(std::string_view bytes);

}  // namespace netgear::security
