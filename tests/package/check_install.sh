#!/usr/bin/env bash
# Installs the built netgear into a scratch prefix and builds + runs consumer
# projects against it: through find_package(netgear) (shared and static) and
# through pkg-config (shared and static); the transport alone comes without
# OpenCV's videoio. Then the same consumer against the build tree
# (-Dnetgear_DIR=<build dir>), without installing.
# Usage: check_install.sh <build dir>
set -euo pipefail
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix
fail() { echo "check_install: $*" >&2; exit 1; }
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
cmake --install "$build_dir" --prefix "$prefix" > /dev/null

# Where things go (the README's Install section says the same).
for f in include/netgear/netgear.hpp include/netgear/version.hpp lib/libnetgear.a lib/libnetgear.so \
         lib/libnetgear.so.0 lib/libnetgear_video.a lib/libnetgear_video.so.0 lib/cmake/netgear/netgearConfig.cmake \
         lib/pkgconfig/netgear.pc lib/pkgconfig/netgear_video.pc bin/netgear; do
  [ -e "$prefix/$f" ] || fail "$f is not installed"
done
# The netgear tool is installed and works from the prefix.
"$prefix/bin/netgear" keys generate --location "$scratch" > /dev/null
"$prefix/bin/netgear" keys show --location "$scratch" | grep -q "with secret key"
# The Python package is installed where Debian's python3 looks under a prefix
# other than /usr (lib/python3.<minor>/dist-packages), and imports from there.
if [ -f "$build_dir/python/netgear/__init__.py" ]; then
  pydir=$(/usr/bin/python3 -c 'import sys; print("lib/python%d.%d/dist-packages" % sys.version_info[:2])')
  [ -f "$prefix/$pydir/netgear/__init__.py" ] || fail "the Python package is not in $pydir"
  (cd "$scratch" && PYTHONPATH="$prefix/$pydir" /usr/bin/python3 -c \
    "import netgear, numpy; n = netgear.NetGear(address='127.0.0.1', port='*', receive_mode=True); n.close()")
fi
# The transport's export set does not mention OpenCV's videoio; netgear::video's does.
config_dir=$prefix/lib/cmake/netgear
if grep -l opencv_videoio "$config_dir"/netgearTargets*.cmake; then
  fail "netgear::netgear's installed link interface names opencv_videoio"
fi
grep -q opencv_videoio "$config_dir"/netgearVideoTargets*.cmake

# find_package: a transport-only consumer (COMPONENTS core) against the shared
# library and against the static one, and a VideoSource consumer (COMPONENTS video).
build_consumer() {  # build_consumer <project> <build dir> <cmake args...>
  local project=$1 dir=$2; shift 2
  cmake -S "$source_dir/$project" -B "$dir" -G Ninja "$@" > /dev/null
  cmake --build "$dir" > /dev/null
  "$dir/$project"
}
build_consumer consumer "$scratch/shared" -DCMAKE_PREFIX_PATH="$prefix"
build_consumer consumer "$scratch/static" -DCMAKE_PREFIX_PATH="$prefix" -DNETGEAR_STATIC=ON
build_consumer video_consumer "$scratch/video" -DCMAKE_PREFIX_PATH="$prefix"
needed "$scratch/shared/consumer" | grep -qx libnetgear.so.0 || fail "netgear::netgear does not link libnetgear.so.0"
if needed "$scratch/static/consumer" | grep libnetgear; then fail "netgear::netgear_static links a shared libnetgear"; fi
for c in shared static; do
  if needed "$scratch/$c/consumer" | grep libopencv_videoio; then
    fail "the transport-only consumer ($c) links libopencv_videoio"
  fi
done

# pkg-config: the same programs, built with a plain compiler line (output kept
# for a failure: OpenCV's headers warn under C++20).
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
[ "$(pkg-config --modversion netgear)" = "$(pkg-config --modversion netgear_video)" ]
compile() {  # compile <output> <source> <flags...>
  local out=$1; shift
  c++ -std=c++20 -o "$out" "$@" > "$out.log" 2>&1 || { cat "$out.log" >&2; fail "cannot build $out: c++ $*"; }
}
# shellcheck disable=SC2046  # pkg-config's output is meant to be split
compile "$scratch/pc_shared" "$source_dir/consumer/main.cpp" $(pkg-config --cflags --libs netgear)
LD_LIBRARY_PATH=$prefix/lib "$scratch/pc_shared"
needed "$scratch/pc_shared" | grep -qx libnetgear.so.0 || fail "pkg-config netgear does not link libnetgear.so.0"
# libnetgear.a needs what Requires.private names. (`pkg-config --static` cannot
# work on Debian: libzmq's own private chain ends in a libprotokit.a Debian lacks.)
# shellcheck disable=SC2046
compile "$scratch/pc_static" "$source_dir/consumer/main.cpp" $(pkg-config --cflags netgear) -l:libnetgear.a \
  $(pkg-config --libs netgear $(pkg-config --print-requires-private netgear)) -pthread
"$scratch/pc_static"
if needed "$scratch/pc_static" | grep libnetgear; then fail "the -l:libnetgear.a consumer links a shared libnetgear"; fi
# shellcheck disable=SC2046
compile "$scratch/pc_video" "$source_dir/video_consumer/main.cpp" $(pkg-config --cflags --libs netgear_video)
LD_LIBRARY_PATH=$prefix/lib "$scratch/pc_video"

# The build tree's package, nothing installed: -Dnetgear_DIR=<build dir>.
build_consumer consumer "$scratch/buildtree" -Dnetgear_DIR="$build_dir"
build_consumer video_consumer "$scratch/buildtree_video" -Dnetgear_DIR="$build_dir"
echo "check_install: ok"
