// netgear::version(): the library's own version, compiled in from the
// generated netgear/version.hpp (project(netgear VERSION ...)).
#include "netgear/version.hpp"

namespace netgear {

const char* version() noexcept { return NETGEAR_VERSION_STRING; }

}  // namespace netgear
