#!/usr/bin/env bash
# Installs what netgear needs to build and test, from Debian's packages only.
# Idempotent: packages already present are skipped; apt-get runs only when one is missing.
# Usage: scripts/install-deps.sh            (what building and running netgear needs)
#        scripts/install-deps.sh --test     (those, plus chromium for the browser-viewer test; `make test`)
#        scripts/install-deps.sh --fuzz     (those, plus clang and libFuzzer for `make fuzz`)
set -euo pipefail

packages=(
  build-essential make cmake ninja-build pkg-config git
  libzmq3-dev cppzmq-dev libsodium-dev
  libopencv-dev
  libturbojpeg0-dev libcpp-httplib-dev
  libavcodec-dev libavutil-dev libswscale-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-dev python3-zmq python3-numpy python3-pytest python3-opencv pybind11-dev
  python3-pip python3-setuptools python3-wheel python3-venv
  dpkg-dev
  openssh-client openssh-server python3-pexpect
  iproute2
)
for arg in "$@"; do
  case "$arg" in
    --test) packages+=(chromium) ;;
    --fuzz) packages+=(clang libclang-rt-14-dev) ;;
    *) echo "install-deps: unknown argument '$arg' (known: --test, --fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
