#!/usr/bin/env bash
# Builds the Debian packages with CPack from the build tree, unpacks them into a
# scratch root (dpkg -x: nothing is installed on this machine), runs the unpacked
# `netgear` tool and imports the unpacked Python module with /usr/bin/python3,
# and checks that apt can resolve every declared dependency.
# Usage: check_deb.sh <build dir> <version>
set -euo pipefail
build_dir=$(cd "$1" && pwd)
version=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "check_deb: $*" >&2; exit 1; }
cpack --config "$build_dir/CPackConfig.cmake" -B "$scratch/out" > "$scratch/cpack.log" 2>&1 \
  || { cat "$scratch/cpack.log" >&2; fail "cpack failed"; }
arch=$(dpkg --print-architecture)
runtime=$scratch/out/netgear_${version}_$arch.deb
dev=$scratch/out/libnetgear-dev_${version}_$arch.deb
if [ ! -f "$runtime" ] || [ ! -f "$dev" ]; then
  ls "$scratch/out" >&2
  fail "expected netgear_ and libnetgear-dev_${version}_$arch.deb"
fi

# What each package holds.
contents() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|'; }
contents "$runtime" > "$scratch/runtime.txt"
contents "$dev" > "$scratch/dev.txt"
for f in /usr/bin/netgear /usr/lib/libnetgear.so.0 /usr/lib/libnetgear_video.so.0 \
         /usr/lib/python3/dist-packages/netgear/__init__.py; do
  grep -qx "$f" "$scratch/runtime.txt" || fail "netgear.deb lacks $f"
done
grep -q '^/usr/lib/python3/dist-packages/netgear/_netgear\..*\.so$' "$scratch/runtime.txt" || fail "netgear.deb lacks the extension"
for f in /usr/include/netgear/netgear.hpp /usr/include/netgear/version.hpp /usr/lib/libnetgear.a /usr/lib/libnetgear.so \
         /usr/lib/cmake/netgear/netgearConfig.cmake /usr/lib/pkgconfig/netgear.pc /usr/lib/pkgconfig/netgear_video.pc; do
  grep -qx "$f" "$scratch/dev.txt" || fail "libnetgear-dev.deb lacks $f"
done

# Declared dependencies: shlibdeps found the libraries, the module's Python ones are there.
depends=$(dpkg-deb -f "$runtime" Depends)
echo "netgear Depends: $depends"
echo "libnetgear-dev Depends: $(dpkg-deb -f "$dev" Depends)"
for p in libzmq5 libopencv-core406 python3-numpy python3; do
  grep -qE "(^|, )$p( |,|$)" <<< "$depends" || fail "netgear.deb does not depend on $p"
done
dpkg-deb -f "$dev" Depends | grep -q "netgear (= $version)" || fail "libnetgear-dev does not depend on netgear (= $version)"
# apt resolves both packages' dependencies from the archive (a simulation: no root, no change).
apt-get install --simulate -q "$runtime" "$dev" > "$scratch/apt.log" 2>&1 \
  || { cat "$scratch/apt.log" >&2; fail "apt cannot resolve the packages' dependencies"; }

# Unpacked into a fresh root, the tool and the module run.
root=$scratch/root
dpkg -x "$runtime" "$root"
dpkg -x "$dev" "$root"
[ "$("$root/usr/bin/netgear" --version)" = "$version" ] || fail "the unpacked netgear --version is not $version"
# A loopback stream through the unpacked tool (its exit code says every frame arrived).
(cd "$scratch" && "$root/usr/bin/netgear" demo --fast --jpeg > "$scratch/demo.log" 2>&1) \
  || { cat "$scratch/demo.log" >&2; fail "the unpacked netgear demo failed"; }
mkdir "$scratch/keys"
"$root/usr/bin/netgear" keys generate --location "$scratch/keys" > /dev/null
"$root/usr/bin/netgear" keys show --location "$scratch/keys" | grep -q "with secret key"
(cd "$scratch" && PYTHONPATH=$root/usr/lib/python3/dist-packages /usr/bin/python3 -c "
import netgear, numpy
assert netgear.__file__.startswith('$root'), netgear.__file__
assert netgear.__version__ == '$version', netgear.__version__
server = netgear.NetGear(address='127.0.0.1', port='*', receive_mode=True)
server.close()
print('check_deb: unpacked module', netgear.__version__, 'ok')")
echo "check_deb: ok"
