# One command each: `make demo` runs the loopback demo, `make test` runs every
# test. Both install what is missing (Debian packages) and build first.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= 2
PYTHON ?= /usr/bin/python3

.PHONY: all deps configure build test demo bench bench-link bench-relay clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DNETGEAR_PYTHON=$(PYTHON)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The tests need chromium besides (the browser-viewer test): only `make test` installs it.
test: build
	@scripts/install-deps.sh --test
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

demo: build
	$(BUILD_DIR)/bin/netgear demo

# `make install` (PREFIX=/usr/local by default; DESTDIR for staging): headers,
# libraries, the CMake package, pkg-config files, the `netgear` tool and the
# Python module (README "Install" says where each goes).
PREFIX ?= /usr/local

.PHONY: install package python-install python-wheel

install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD_DIR) --prefix $(PREFIX) --strip
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

# The Debian packages netgear_<version>_<arch>.deb and libnetgear-dev_<version>_<arch>.deb in $(BUILD_DIR).
package: build
	cd $(BUILD_DIR) && cpack --config CPackConfig.cmake

# The Python package alone, built by pip with Debian's pip and setuptools, offline:
# --no-build-isolation uses the installed setuptools instead of fetching them, and
# --break-system-packages lets pip install outside Debian's packages (PEP 668), in
# /usr/local/lib/python3.X/dist-packages (~/.local with PIP_ARGS=--user).
python-install: deps
	$(PYTHON) -m pip install --no-build-isolation --break-system-packages $(PIP_ARGS) .

python-wheel: deps
	$(PYTHON) -m pip wheel --no-build-isolation --no-deps -w $(BUILD_DIR)/wheels .

# `make bench ARGS="--sizes 640x480x3 --patterns 0,1"`: see `netgear bench --help`.
bench: build
	$(BUILD_DIR)/bin/netgear bench $(ARGS)

# netgear over a throttled link (root: a veth pair into a network namespace, tbf):
# `make bench-link ARGS="--rates 10 --cases raw,jpeg90 --seconds 5"`; see bench/link/run.sh --help.
bench-link: build
	bench/link/run.sh --bin $(BUILD_DIR)/bench/netgear_bench_link $(ARGS)

# The relay (bench/relay/README.md): 50 viewers of a 30 fps camera, raw fan-out
# against libzmq, and (root) a two-tier tree across network namespaces.
bench-relay: build
	$(BUILD_DIR)/bench/netgear_bench_relay fanout --netgear $(BUILD_DIR)/bin/netgear $(ARGS)
	$(BUILD_DIR)/bench/netgear_bench_relay raw
	$(PYTHON) bench/relay/tree.py --netgear $(BUILD_DIR)/bin/netgear --rate 50

# Sanitizer builds of the C++ tests, each in its own build directory
# (cmake/NetgearSanitizers.cmake; runtime options and sanitizers/*.supp reach
# the tests as CTest properties). `make sanitize` runs both; CI runs it.
ASAN_DIR ?= build-asan
TSAN_DIR ?= build-tsan
ASAN_LABELS ?= unit|integration|transport|fuzz
TSAN_LABELS ?= unit|integration|transport|tunnel
# Only the test binaries those labels run: unit, transport and integration
# tests, plus, for ASan, the fuzz corpus replays (fuzz/<name>.cpp -> <name>_replay).
SAN_TEST_TARGETS = unit_tests transport_tests integration_tests
FUZZ_REPLAYS = $(patsubst fuzz/%.cpp,%_replay,$(wildcard fuzz/fuzz_*.cpp))
ASAN_TARGETS ?= $(SAN_TEST_TARGETS) $(FUZZ_REPLAYS)
TSAN_TARGETS ?= $(SAN_TEST_TARGETS) tunnel_tests
SAN_CMAKE_FLAGS = -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" \
	-DNETGEAR_BUILD_TOOLS=OFF -DNETGEAR_BUILD_PYTHON=OFF -DNETGEAR_INSTALL=OFF -DNETGEAR_PYTHON=$(PYTHON)

.PHONY: sanitize test-asan test-tsan

sanitize: test-asan test-tsan

$(ASAN_DIR)/build.ninja: | deps
	cmake -S . -B $(ASAN_DIR) $(SAN_CMAKE_FLAGS) -DNETGEAR_SANITIZE=address,undefined

$(TSAN_DIR)/build.ninja: | deps
	cmake -S . -B $(TSAN_DIR) $(SAN_CMAKE_FLAGS) -DNETGEAR_SANITIZE=thread

test-asan: deps $(ASAN_DIR)/build.ninja
	cmake --build $(ASAN_DIR) -j $(JOBS) --target $(ASAN_TARGETS)
	cd $(ASAN_DIR) && ctest --output-on-failure --no-tests=error -j $(JOBS) -L '$(ASAN_LABELS)'

test-tsan: deps $(TSAN_DIR)/build.ninja
	cmake --build $(TSAN_DIR) -j $(JOBS) --target $(TSAN_TARGETS)
	cd $(TSAN_DIR) && ctest --output-on-failure --no-tests=error -j $(JOBS) -L '$(TSAN_LABELS)'

# libFuzzer (clang, ASan + UBSan) over the fuzz targets in fuzz/: each runs
# FUZZ_RUNS executions from its seed corpus; a crash, leak, timeout, OOM or
# sanitizer report fails the run (fuzz/run.sh; logs in $(FUZZ_DIR)/<target>.log).
# `make fuzz FUZZ_RUNS=100000` for a quick pass.
FUZZ_DIR ?= build-fuzz
FUZZ_RUNS ?= 10000000

.PHONY: fuzz

fuzz:
	@scripts/install-deps.sh --fuzz
	cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNETGEAR_FUZZ=ON \
		-DNETGEAR_BUILD_TESTS=OFF -DNETGEAR_BUILD_TOOLS=OFF -DNETGEAR_BUILD_PYTHON=OFF -DNETGEAR_INSTALL=OFF
	cmake --build $(FUZZ_DIR) -j $(JOBS)
	fuzz/run.sh $(FUZZ_DIR) $(FUZZ_RUNS)

clean:
	rm -rf $(BUILD_DIR)
