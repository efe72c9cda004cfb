#!/usr/bin/env bash
# Installs every Debian package dnnsim needs. Idempotent: when everything is already
# installed it only checks (dpkg-query) and returns in well under a second.
set -euo pipefail

packages=(
  # build
  cmake g++ make pkg-config
  # make test checks the formatting of the C++ (tests/design)
  clang-format
  # C++ libraries (libsimgrid-dev brings smpirun too; `simgrid` is only a name it provides,
  # which dpkg-query never reports as installed)
  libsimgrid-dev libboost-graph-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  doctest-dev libcli11-dev nlohmann-json3-dev
  # the replay's allocator (CMakeLists.txt says why)
  libjemalloc-dev
  # real kernels
  libopenmpi-dev openmpi-bin libopenblas-dev
  # Python side: plots and report; chromium opens the report in the analysis tests
  python3 python3-matplotlib chromium
  # model import (dnnsim import): PyTorch, torchvision, ONNX
  python3-torch python3-torchvision python3-onnx
  # make fuzz: clang's libFuzzer with its sanitizer runtimes
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "setup-deps: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
