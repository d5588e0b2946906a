#!/usr/bin/env bash
# Installs the built netgear into a scratch prefix and builds + runs a consumer
# project against it through find_package(netgear) — the exported package works.
set -euo pipefail
build_dir=$1
source_dir=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build_dir" --prefix "$scratch/prefix" > /dev/null
# The netgear tool is installed and works from the prefix.
"$scratch/prefix/bin/netgear" keys generate --location "$scratch" > /dev/null
"$scratch/prefix/bin/netgear" keys show --location "$scratch" | grep -q "with secret key"
# The Python package is installed and imports from the prefix (when it was built).
if [ -d "$scratch/prefix/lib/python3/dist-packages/netgear" ]; then
  PYTHONPATH="$scratch/prefix/lib/python3/dist-packages" /usr/bin/python3 -c \
    "import netgear, numpy; n = netgear.NetGear(address='127.0.0.1', port='*', receive_mode=True); n.close()"
fi
cmake -S "$source_dir/consumer" -B "$scratch/build" -G Ninja -DCMAKE_PREFIX_PATH="$scratch/prefix" > /dev/null
cmake --build "$scratch/build" > /dev/null
"$scratch/build/consumer"
