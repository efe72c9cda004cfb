#!/usr/bin/env bash
# Builds ASTRA-sim 2.0's analytical network backends (congestion-unaware and
# congestion-aware) for the optional comparison in tests/bench/bench_astra_sim.py.
#
# usage: scripts/build-astra-sim.sh SOURCE_DIR BUILD_DIR
#
# SOURCE_DIR is an ASTRA-sim checkout with its submodules
# (git clone --recursive https://github.com/astra-sim/astra-sim); only the
# analytical backend's parts are used: extern/graph_frontend/chakra,
# extern/network_backend/analytical and extern/remote_memory_backend/analytical
# must be checked out, extern/helper/{fmt,spdlog}, ns-3 and csg-htsim need not be.
#
# SOURCE_DIR is left untouched: the parts the build needs are copied to
# BUILD_DIR/src and patched there to use Debian's fmt, spdlog and yaml-cpp
# (upstream builds its fmt and spdlog submodules and downloads yaml-cpp at
# configure time), then configured with CMake in BUILD_DIR/build.
# Installs the Debian packages it needs with apt-get (when run as root).
# Prints the path of the congestion-unaware binary on its last line.
# JOBS (default 1) sets the build's parallelism.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2
  exit 2
fi
src_in=$(realpath "$1")
mkdir -p "$2"
build=$(realpath "$2")
jobs=${JOBS:-1}

log() { echo "build-astra-sim: $*" >&2; }
die() { log "error: $*"; exit 1; }

# --- Debian packages -------------------------------------------------------
packages=(cmake make g++ rsync protobuf-compiler libprotobuf-dev libyaml-cpp-dev
          libfmt-dev libspdlog-dev python3 python3-protobuf)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    die "missing Debian packages (run as root or install them): ${missing[*]}"
  fi
  log "installing ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- check the checkout ----------------------------------------------------
[[ -f "$src_in/build/astra_analytical/CMakeLists.txt" ]] ||
  die "$src_in is not an ASTRA-sim checkout (no build/astra_analytical/CMakeLists.txt)"
[[ -f "$src_in/extern/graph_frontend/chakra/schema/protobuf/et_def.proto" ]] ||
  die "submodule extern/graph_frontend/chakra is not checked out (git submodule update --init)"
[[ -d "$src_in/extern/graph_frontend/chakra/src/feeder_v3" ]] ||
  die "extern/graph_frontend/chakra has no src/feeder_v3: this ASTRA-sim needs a newer Chakra"
[[ -f "$src_in/extern/network_backend/analytical/CMakeLists.txt" ]] ||
  die "submodule extern/network_backend/analytical is not checked out"
[[ -f "$src_in/extern/remote_memory_backend/analytical/AnalyticalRemoteMemory.cc" ]] ||
  die "submodule extern/remote_memory_backend/analytical is not checked out"
if git -C "$src_in" rev-parse HEAD >/dev/null 2>&1; then
  log "ASTRA-sim $(git -C "$src_in" rev-parse HEAD)"
  for m in extern/graph_frontend/chakra extern/network_backend/analytical \
           extern/remote_memory_backend/analytical; do
    log "  $m $(git -C "$src_in/$m" rev-parse HEAD 2>/dev/null || echo '(not a git checkout)')"
  done
fi

# --- copy the parts the analytical build uses ------------------------------
# Into BUILD_DIR/src.new, patched there, then synced into BUILD_DIR/src by content, so
# that running the script again rebuilds only what changed.
src=$build/src.new
rm -rf "$src"
mkdir -p "$src/build" "$src/extern/helper" "$src/extern/graph_frontend" \
         "$src/extern/network_backend" "$src/extern/remote_memory_backend"
cp -a "$src_in/CMakeLists.txt" "$src_in/astra-sim" "$src/"
cp -a "$src_in/build/astra_analytical" "$src/build/"
cp -a "$src_in/extern/graph_frontend/chakra" "$src/extern/graph_frontend/"
cp -a "$src_in/extern/network_backend/analytical" "$src/extern/network_backend/"
cp -a "$src_in/extern/remote_memory_backend/analytical" "$src/extern/remote_memory_backend/"
for h in cxxopts json spdlog_setup; do
  cp -a "$src_in/extern/helper/$h" "$src/extern/helper/"
done
rm -rf "$src/build/astra_analytical/build" "$src/extern/graph_frontend/chakra/.git" \
       "$src/extern/network_backend/analytical/.git"

# --- patch the build files to use Debian's libraries -----------------------
top=$src/CMakeLists.txt
sed -i \
  -e 's|^add_subdirectory("${CMAKE_CURRENT_SOURCE_DIR}/extern/helper/fmt")|find_package(fmt REQUIRED)|' \
  -e 's|^add_subdirectory("${CMAKE_CURRENT_SOURCE_DIR}/extern/helper/spdlog")|find_package(spdlog REQUIRED)|' \
  -e '/^FetchContent_Declare($/,/^)$/d' \
  -e 's|^FetchContent_MakeAvailable(yaml-cpp)|find_package(yaml-cpp REQUIRED)\nset_target_properties(yaml-cpp PROPERTIES IMPORTED_GLOBAL TRUE)|' \
  "$top"
grep -q '^find_package(fmt REQUIRED)' "$top" &&
  grep -q '^find_package(spdlog REQUIRED)' "$top" &&
  grep -q '^find_package(yaml-cpp REQUIRED)' "$top" &&
  ! grep -q 'FetchContent_Declare\|extern/helper/fmt"\|extern/helper/spdlog"' "$top" ||
  die "could not patch $top (has ASTRA-sim's CMakeLists.txt changed?)"

# The network backend may build its own yaml-cpp submodule: Debian's instead (the target
# made global above has the same name).
net=$src/extern/network_backend/analytical/CMakeLists.txt
sed -i 's|add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/extern/yaml-cpp[^)]*)|if(NOT TARGET yaml-cpp)\n  find_package(yaml-cpp REQUIRED)\nendif()|' "$net"
! grep -q 'add_subdirectory(.*yaml-cpp' "$net" || die "could not patch $net"

# ASTRA-sim names Chakra::ETFeeder; some Chakra commits of the feeder v3 (e.g.
# f37c2bb) declare that alias inside Chakra::FeederV3 only. Declaring it in
# Chakra as well is harmless where it is already there (same type).
feeder=$src/extern/graph_frontend/chakra/src/feeder_v3/et_feeder.h
if grep -q '^} // namespace FeederV3$' "$feeder"; then
  sed -i 's|^} // namespace FeederV3$|} // namespace FeederV3\nusing ETFeeder = FeederV3::ETFeeder; // added by build-astra-sim.sh|' "$feeder"
fi

# Chakra's execution-trace schema, compiled as upstream's build.sh does.
proto_dir=$src/extern/graph_frontend/chakra/schema/protobuf
protoc et_def.proto --proto_path="$proto_dir" --cpp_out="$proto_dir"

rsync -rl --checksum --delete "$src/" "$build/src/"
rm -rf "$src"
src=$build/src

# --- configure and build ---------------------------------------------------
# --compile-no-warning-as-error: the network backend sets
# COMPILE_WARNING_AS_ERROR, and Debian's GCC warns where upstream's CI does not.
cmake -S "$src/build/astra_analytical" -B "$build/build" \
  -DCMAKE_BUILD_TYPE=Release -DBUILDTARGET=all --compile-no-warning-as-error
cmake --build "$build/build" -j "$jobs"

for t in AstraSim_Analytical_Congestion_Aware AstraSim_Analytical_Congestion_Unaware; do
  [[ -x "$build/build/bin/$t" ]] || die "no binary $build/build/bin/$t"
  log "built $build/build/bin/$t"
done
echo "$build/build/bin/AstraSim_Analytical_Congestion_Unaware"
