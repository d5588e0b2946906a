#!/usr/bin/env bash
# The version in CMakeLists.txt's project() is what every face of netgear reports,
# the same way: `netgear --version`, netgear::version() (and the header macros),
# and Python's netgear.__version__.
# Usage: check_version.sh <expected> <netgear CLI> <version_probe> <python> <python package dir>
set -euo pipefail
expected=$1 cli=$2 probe=$3 python=$4 pythonpath=$5
fail=0
check() {  # check <what> <got>
  if [ "$2" != "$expected" ]; then echo "$1 reports '$2', expected '$expected'" >&2; fail=1; fi
}
check "netgear --version" "$("$cli" --version)"
read -r library header triple < <("$probe")
check "netgear::version()" "$library"
check "NETGEAR_VERSION_STRING" "$header"
check "NETGEAR_VERSION_MAJOR.MINOR.PATCH" "$triple"
check "netgear.__version__" "$(cd / && PYTHONPATH=$pythonpath "$python" -c 'import netgear; print(netgear.__version__)')"
[ "$fail" = 0 ] && echo "version $expected everywhere"
exit "$fail"
