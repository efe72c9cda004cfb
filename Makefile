# The two commands for a new user: `make demo` and `make test`. Both install the Debian
# packages (scripts/setup-deps.sh), build and run.
MAKEFLAGS += --no-print-directory
BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= 2
CMAKE_FLAGS ?=

.PHONY: all deps build demo test test-unit test-asan bench validate clean

all: build

deps:
	@bash scripts/setup-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The main job: the paper's central table for AlexNet, every grid of P = 64.
demo: build
	@./$(BUILD)/dnnsim analytic alexnet --platform cori-knl --procs 64 --grid all --batch 256

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-asan

# Unit and CLI tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: deps
	@cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DDNNSIM_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_ASAN) -j $(JOBS)
	@cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -LE no-sanitizer

bench: build
	@./$(BUILD)/tests/bench/dnnsim_bench

# The simulator against the real kernels on this machine (docs/kernels.md): calibrates
# platforms/local.yaml, then writes results/validation/.
validate: build
	@/usr/bin/python3 scripts/validate.py --build $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
