# The two commands of the README: `make run` and `make test`. Both install what is missing
# (Debian packages), configure, build, then run the GUI or every test.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release

# ccache hits across checkouts (a CI clone lives in another folder): paths under the source
# tree are hashed relative to it.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
export CCACHE_MAXSIZE ?= 5G

.PHONY: all deps configure build run test test-quick format format-check test-sanitize fuzz bench clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@bash scripts/run-gui.sh $(BUILD)/app/rnnscope $(ARGS)

# Tiers (tests/CMakeLists.txt): the unit tests first, so a broken build fails in minutes, then
# the command-line and window tests. test-quick is the first tier alone.
CTEST = cd $(BUILD) && xvfb-run -a -s "-screen 0 1600x1000x24" ctest --output-on-failure -j 1
test: build
	cmake --build $(BUILD) --target format-check
	$(CTEST) -L unit
	$(CTEST) -LE unit

test-quick: build
	$(CTEST) -L unit

format:
	cmake --build $(BUILD) --target format

format-check: configure
	cmake --build $(BUILD) --target format-check

# Every test under AddressSanitizer + UndefinedBehaviorSanitizer (docs/reliability.md); the
# options and suppressions of tests/sanitize/ reach every test through ctest. Warnings are not
# errors here: GCC's flow warnings give false positives under -fsanitize (its manual says so of
# -Wmaybe-uninitialized); the normal build keeps them errors.
test-sanitize:
	$(MAKE) test BUILD=build-sanitize CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=RelWithDebInfo -DRNNSCOPE_SANITIZE=ON -DRNNSCOPE_WERROR=OFF -DRNNSCOPE_BUILD_BENCH=OFF"

# libFuzzer on every parser of a user's file (docs/reliability.md): its own clang build in
# $(FUZZ_BUILD), each fuzzer run $(FUZZ_SECONDS) s; FUZZERS="fuzz_npy ..." picks some.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZERS ?=
fuzz: deps
	@bash scripts/install-fuzz-deps.sh
	@test -f $(FUZZ_BUILD)/CMakeCache.txt || cmake -S . -B $(FUZZ_BUILD) -DRNNSCOPE_FUZZ=ON \
		-DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo
	nice -n 10 cmake --build $(FUZZ_BUILD) -j $(JOBS)
	bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZERS)

# PROJECTION=quick|full|scale picks the projection benchmark's size (bench/projection/run.sh).
PROJECTION ?= quick
bench: build
	@bash scripts/install-bench-deps.sh
	@RNNSCOPE_BENCH_PROJECTION=$(PROJECTION) bash bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
