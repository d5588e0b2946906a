#!/usr/bin/env bash
# Installs the built netgear into a scratch prefix and builds + runs two consumer
# projects against it through find_package(netgear): the exported package works,
# and the transport alone comes without OpenCV's videoio.
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
# The transport's export set does not mention OpenCV's videoio; netgear::video's does.
config_dir=$(dirname "$(find "$scratch/prefix" -name netgearConfig.cmake)")
if grep -l opencv_videoio "$config_dir"/netgearTargets*.cmake; then
  echo "netgear::netgear's installed link interface names opencv_videoio" >&2
  exit 1
fi
grep -q opencv_videoio "$config_dir"/netgearVideoTargets*.cmake
# A transport-only consumer (find_package COMPONENTS core) builds, runs, and does
# not link libopencv_videoio; a VideoSource consumer (COMPONENTS video) builds and runs.
for consumer in consumer video_consumer; do
  cmake -S "$source_dir/$consumer" -B "$scratch/$consumer" -G Ninja -DCMAKE_PREFIX_PATH="$scratch/prefix" > /dev/null
  cmake --build "$scratch/$consumer" > /dev/null
  "$scratch/$consumer/$consumer"
done
if readelf -d "$scratch/consumer/consumer" | grep NEEDED | grep libopencv_videoio; then
  echo "the transport-only consumer links libopencv_videoio" >&2
  exit 1
fi
