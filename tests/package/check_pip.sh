#!/usr/bin/env bash
# The Python package as a user installs it, offline, with Debian's pip and setuptools:
# `pip install --no-build-isolation .` from a copy of the source tree into a venv
# that sees the system's numpy (no PYTHONPATH; imported from another folder), then
# `pip wheel` of the same tree (reusing that build) and what the wheel holds.
# Usage: check_pip.sh <source dir> <version> <python> <work dir>
# The work dir is kept between runs (and cleaned at the start), so that ccache
# sees the same paths and a rerun does not recompile the library.
set -euo pipefail
source_dir=$(cd "$1" && pwd)
version=$2 python=$3 work=$4
fail() { echo "check_pip: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work/src" "$work/elsewhere"
# The files a checkout has (tracked, and new ones not ignored), not build folders.
(cd "$source_dir" && git ls-files -z --cached --others --exclude-standard 2>/dev/null \
  | xargs -0 cp --parents -t "$work/src" 2>/dev/null) \
  || (cd "$source_dir" && tar --exclude='./build*' --exclude=.git -cf - . | tar -C "$work/src" -xf -)
[ -f "$work/src/pyproject.toml" ] || fail "no pyproject.toml in the copy of $source_dir"
export NETGEAR_BUILD_JOBS=${NETGEAR_BUILD_JOBS:-2} PIP_NO_INDEX=1  # offline, and saying so

# pip install . into a venv over the system's site-packages (numpy, setuptools, wheel).
"$python" -m venv --system-site-packages "$work/venv"
(cd "$work/src" && "$work/venv/bin/python" -m pip install -q --no-build-isolation .) \
  || fail "pip install --no-build-isolation . failed"
(cd "$work/elsewhere" && "$work/venv/bin/python" "$here/roundtrip.py" "$version" "$work/venv/")

# pip wheel: the same build; the wheel holds the package and the module, which
# carries libnetgear inside (linked statically), and installs and runs on its own.
(cd "$work/src" && "$python" -m pip wheel -q --no-build-isolation --no-deps -w "$work/wheels" .) \
  || fail "pip wheel --no-build-isolation . failed"
wheel=$(ls "$work"/wheels/netgear-"$version"-*.whl) || fail "no netgear-$version wheel"
"$python" - "$wheel" "$version" <<'PY'
import sys, zipfile
wheel, version = sys.argv[1], sys.argv[2]
names = zipfile.ZipFile(wheel).namelist()
assert "netgear/__init__.py" in names, names
modules = [n for n in names if n.startswith("netgear/_netgear.") and n.endswith(".so")]
assert len(modules) == 1, names
metadata = zipfile.ZipFile(wheel).read(f"netgear-{version}.dist-info/METADATA").decode()
assert f"Version: {version}" in metadata and "Requires-Dist: numpy" in metadata, metadata
assert not [n for n in names if n.endswith((".cpp", ".hpp", ".a"))], names
print(f"check_pip: {wheel.rsplit('/', 1)[1]} holds {', '.join(sorted(names))}")
PY
mkdir "$work/unpacked" && (cd "$work/unpacked" && "$python" -m zipfile -e "$wheel" .)
if ldd "$work"/unpacked/netgear/_netgear.*.so | grep libnetgear; then fail "the module links a shared libnetgear"; fi
(cd "$work/elsewhere" && PYTHONPATH="$work/unpacked" "$python" "$here/roundtrip.py" "$version" "$work/unpacked/")
echo "check_pip: ok"
