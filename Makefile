# The two commands for a new user: `make demo` and `make test`. Both install the Debian
# packages (scripts/setup-deps.sh), build and run.
MAKEFLAGS += --no-print-directory
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
JOBS       ?= 2
CMAKE_FLAGS ?=

.PHONY: all deps build demo test test-unit test-asan fuzz bench validate validate-published clean

all: build

deps:
	@bash scripts/setup-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The main job: the paper study (analysis/paper_study.py): AlexNet on the paper-era
# machine, every grid of P = 8 ... 4096, SimGrid on the best grids, the per-layer
# optimizer, a what-if bandwidth axis; CSVs, plots and report.html in results/paper/.
# It builds only the dnnsim program (a few minutes on a fresh clone; tests, fuzz targets and
# kernels wait for `make test`).
demo: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target dnnsim
	@/usr/bin/python3 analysis/paper_study.py ./$(BUILD)/dnnsim results/paper

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-asan

# Every test again under AddressSanitizer + UndefinedBehaviorSanitizer (SimGrid runs its
# actors in threads there, sim/engine/replay.cpp), except those labelled no-sanitizer.
test-asan: deps
	@cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DDNNSIM_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_ASAN) -j $(JOBS)
	@cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -LE no-sanitizer

# libFuzzer on the workload, platform, plan and sweep loaders (tests/fuzz, docs/robustness.md):
# clang with ASan + UBSan in its own build directory, each target for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= workload platform plan sweep
fuzz: deps
	@cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
	  -DDNNSIM_FUZZ=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_FUZZ) -j $(JOBS) --target $(addprefix dnnsim_fuzz_,$(FUZZ_TARGETS))
	@tests/fuzz/run_fuzz.sh $(BUILD_FUZZ) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Speed and memory figures (README, "Speed"). BENCH_MAX_P=4096 skips the longest runs.
BENCH_MAX_P ?= 16384
# With ASTRA_SIM=path/to/AstraSim_Analytical_Congestion_Unaware, the comparison of
# docs/astra-sim.md up to ASTRA_MAX_P ranks (P = 4096 takes ASTRA-sim about 14 minutes).
ASTRA_MAX_P ?= 4096
bench: build
	@./$(BUILD)/tests/bench/dnnsim_bench
	@for check in million_procs deep_network deeper_network; do \
	  /usr/bin/python3 tests/cli/big_inputs.py ./$(BUILD)/dnnsim $$check 200 60 || exit 1; done
	@/usr/bin/python3 tests/bench/bench_simulate.py ./$(BUILD)/dnnsim --max-procs $(BENCH_MAX_P)
	@if [ -n "$(ASTRA_SIM)" ]; then /usr/bin/python3 tests/bench/bench_astra_sim.py ./$(BUILD)/dnnsim $(ASTRA_SIM) --max-procs $(ASTRA_MAX_P); fi

# The simulator against the real kernels on this machine (docs/kernels.md): calibrates
# platforms/local.yaml, then writes results/validation/.
validate: build
	@/usr/bin/python3 scripts/validate.py --build $(BUILD)

# The simulator against published measurements of Megatron-LM on A100 clusters
# (docs/validation.md): results/published/ (CSV, plot, the fitted platform).
validate-published: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target dnnsim
	@/usr/bin/python3 analysis/published_study.py ./$(BUILD)/dnnsim results/published

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
