#!/usr/bin/env bash
# scripts/setup.sh -- prepare a fresh Debian machine and build relsim into build/.
# Installs the Debian packages relsim needs when they are missing (apt-get, as root or through
# sudo), builds SUNDIALS once from Debian's source package with optimisation (see
# build_sundials below), configures with CMake and builds. RELSIM_WERROR=ON turns warnings into
# errors (CI).
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

# install_missing PKG...: apt-get install the packages that are not installed yet.
install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# dpkg-dev unpacks the SUNDIALS source package (dpkg-source); xz-utils its tarballs.
# libopenmpi-dev and openmpi-bin: the sensitivity analyses split their designs across processes
# under mpirun (optional at build time: without them relsim runs in one process).
install_missing cmake build-essential pkg-config libconfig-dev libgsl-dev gnuplot-nox clang-format \
  dpkg-dev xz-utils ca-certificates libopenmpi-dev openmpi-bin

# ---- SUNDIALS ---------------------------------------------------------------------------------
# Debian's libsundials 6.4.1 is compiled without optimisation (its vector kernels are -O0 code);
# the same source built with CMake Release runs relsim about 2.4 times as fast, with identical
# results. build_sundials fetches Debian's source package through a private apt configuration
# (its own source list, state and cache under build/; the system's /etc/apt is not touched),
# builds only what relsim uses (CVODES, ARKODE, the serial vector, the dense matrix and linear
# solver, the fixed-point nonlinear solver; no examples, Fortran or tests) and installs it into
# build/sundials-6.4.1/, which later runs re-use.
SUNDIALS_VERSION=6.4.1
SUNDIALS_PREFIX="$PWD/build/sundials-$SUNDIALS_VERSION"
SUNDIALS_STAMP="$SUNDIALS_PREFIX/.relsim-complete"

build_sundials() {
  local work="$PWD/build/sundials-src"
  rm -rf "$work"
  mkdir -p "$work"/etc/sources.list.d "$work"/etc/preferences.d "$work"/state/lists/partial \
    "$work"/cache/archives/partial "$work"/src
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
    "http://deb.debian.org/debian bookworm main" >"$work/etc/sources.list"
  cat >"$work/apt.conf" <<CONF
Dir::Etc::SourceList "$work/etc/sources.list";
Dir::Etc::SourceParts "$work/etc/sources.list.d";
Dir::Etc::Preferences "$work/etc/preferences";
Dir::Etc::PreferencesParts "$work/etc/preferences.d";
Dir::State "$work/state";
Dir::State::status "/var/lib/dpkg/status";
Dir::Cache "$work/cache";
APT::Sandbox::User "$(id -un)";
CONF
  export APT_CONFIG="$work/apt.conf"
  apt-get update -qq >"$work/apt.log" 2>&1 || return 1
  (cd "$work/src" && apt-get source -qq "sundials=$SUNDIALS_VERSION+dfsg1-3" >>"$work/apt.log" 2>&1) ||
    (cd "$work/src" && apt-get source -qq sundials >>"$work/apt.log" 2>&1) || return 1
  unset APT_CONFIG
  local src
  src=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name "sundials-$SUNDIALS_VERSION*" | head -n 1)
  [ -n "$src" ] || return 1
  echo "setup: building SUNDIALS $SUNDIALS_VERSION (Release, -O2) into ${SUNDIALS_PREFIX#"$PWD"/}"
  cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" \
    -DCMAKE_INSTALL_PREFIX="$SUNDIALS_PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
    -DBUILD_SHARED_LIBS=ON -DBUILD_STATIC_LIBS=OFF \
    -DBUILD_CVODES=ON -DBUILD_ARKODE=ON -DBUILD_CVODE=OFF -DBUILD_IDA=OFF -DBUILD_IDAS=OFF \
    -DBUILD_KINSOL=OFF -DBUILD_NVECTOR_MANYVECTOR=OFF -DBUILD_FORTRAN_MODULE_INTERFACE=OFF \
    -DBUILD_BENCHMARKS=OFF -DEXAMPLES_ENABLE_C=OFF -DEXAMPLES_ENABLE_CXX=OFF \
    -DEXAMPLES_INSTALL=OFF -DENABLE_MPI=OFF -DENABLE_OPENMP=OFF -DENABLE_PTHREAD=OFF \
    -DSUNDIALS_TEST_DEVTESTS=OFF -DSUNDIALS_BUILD_WITH_MONITORING=OFF >"$work/cmake.log" 2>&1 ||
    return 1
  cmake --build "$work/build" -j"$(nproc)" >"$work/build.log" 2>&1 || return 1
  cmake --install "$work/build" >"$work/install.log" 2>&1 || return 1
  touch "$SUNDIALS_STAMP"
  rm -rf "$work"
}

sundials_args=()
if [ -f "$SUNDIALS_STAMP" ] || build_sundials; then
  sundials_args=(-DSUNDIALS_DIR="$SUNDIALS_PREFIX/lib/cmake/sundials")
else
  echo "setup: warning: cannot build SUNDIALS from Debian's source (see build/sundials-src/*.log); using Debian's unoptimised libsundials-dev"
  rm -rf "$SUNDIALS_PREFIX"
  install_missing libsundials-dev
  sundials_args=(-USUNDIALS_DIR)
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DRELSIM_WERROR="${RELSIM_WERROR:-OFF}" \
  "${sundials_args[@]}" >/dev/null
# the other builds of scripts/test.sh (sanitizers, clang, fuzzing) use the same SUNDIALS
echo "${sundials_args[*]}" >build/cmake-args
# RELSIM_BUILD_TARGET=relsim builds the program alone (the scripts that only run it); the
# default builds everything, the tests included.
cmake --build build -j"$(nproc)" --target "${RELSIM_BUILD_TARGET:-all}"
