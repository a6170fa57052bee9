#!/usr/bin/env bash
# scripts/setup.sh -- prepare a fresh Debian machine and build relsim into build/.
# Installs the Debian packages relsim needs when they are missing (apt-get, as root or through
# sudo), configures with CMake and builds. RELSIM_WERROR=ON turns warnings into errors (CI).
set -euo pipefail
cd "$(dirname "$0")/.."

# libopenmpi-dev and openmpi-bin: the sensitivity analyses split their designs across processes
# under mpirun (optional at build time: without them relsim runs in one process).
PACKAGES=(cmake build-essential pkg-config libsundials-dev libconfig-dev libgsl-dev gnuplot-nox
          clang-format libopenmpi-dev openmpi-bin)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DRELSIM_WERROR="${RELSIM_WERROR:-OFF}" >/dev/null
# RELSIM_BUILD_TARGET=relsim builds the program alone (the scripts that only run it); the
# default builds everything, the tests included.
cmake --build build -j"$(nproc)" --target "${RELSIM_BUILD_TARGET:-all}"
