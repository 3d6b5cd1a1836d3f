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

.PHONY: all deps configure build run test format format-check test-sanitize bench clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@bash scripts/run-gui.sh $(BUILD)/app/rnnscope $(ARGS)

test: build
	cmake --build $(BUILD) --target format-check
	cd $(BUILD) && xvfb-run -a -s "-screen 0 1600x1000x24" ctest --output-on-failure -j 1

format:
	cmake --build $(BUILD) --target format

format-check: configure
	cmake --build $(BUILD) --target format-check

test-sanitize:
	$(MAKE) test BUILD=build-sanitize CMAKE_FLAGS="-DCMAKE_BUILD_TYPE=RelWithDebInfo -DRNNSCOPE_SANITIZE=ON -DRNNSCOPE_BUILD_BENCH=OFF"

# PROJECTION=quick|full|scale picks the projection benchmark's size (bench/projection/run.sh).
PROJECTION ?= quick
bench: build
	@bash scripts/install-bench-deps.sh
	@RNNSCOPE_BENCH_PROJECTION=$(PROJECTION) bash bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
