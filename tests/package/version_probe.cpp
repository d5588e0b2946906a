// Prints netgear::version() (the linked library's) and NETGEAR_VERSION_STRING
// (its headers'), for check_version.sh to compare with the CLI and Python.
#include <cstdio>

#include <netgear/version.hpp>

int main() {
  std::printf("%s %s %d.%d.%d\n", netgear::version(), NETGEAR_VERSION_STRING, NETGEAR_VERSION_MAJOR,
              NETGEAR_VERSION_MINOR, NETGEAR_VERSION_PATCH);
  return 0;
}
