# Thin wrapper over CMake: `make run` and `make test` are the two commands a
# newcomer needs (see README.md). Both first install what is missing.

BUILD ?= build
PORT ?= 4566
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# Debian packages: one list per purpose, in deps/ (see deps/README.md).
pkgs = $(shell sed -e 's/\#.*//' $(1))

.PHONY: all deps deps-build bench-deps build run test unit clean node-deps fuzz

all: build

# Installs the missing packages of the lists given: with apt-get as root,
# otherwise prints the exact command to run and stops.
define install_missing
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done | tr '\n' ' '); \
	$(2) \
	if [ -n "$$(echo $$missing)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing Debian packages; run:"; \
	    echo "  sudo apt-get install -y $$missing"; \
	    exit 1; \
	  fi; \
	fi
endef

deps-build:
	$(call install_missing,$(call pkgs,deps/build.txt),)

# The tests also need Node.js with npm: Debian's, unless one is on the PATH.
deps:
	$(call install_missing,$(call pkgs,deps/build.txt deps/test.txt),command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm";)

bench-deps:
	$(call install_missing,$(call pkgs,deps/bench.txt),)

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps-build
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/bin/mockaws --port $(PORT)

# The JS SDK v3 for the node client tests, exactly as the lock file says:
# installed when missing, and again when the lock file changed since (npm
# keeps its own copy of what it installed in node_modules/.package-lock.json).
node-deps:
	@if [ -f client-tests/node/package-lock.json ] && { [ ! -f client-tests/node/node_modules/.package-lock.json ] || \
	    [ client-tests/node/package-lock.json -nt client-tests/node/node_modules/.package-lock.json ]; }; then \
	  cd client-tests/node && npm ci --no-audit --no-fund; \
	fi

test: deps build node-deps
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit

# The libFuzzer targets of fuzz/ (see fuzz/README.md), built with clang in a
# build dir of their own, each run FUZZ_SECONDS on its corpus; fails when any
# finds something. FUZZ_TARGETS="ddb_num chunked" runs only those.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 20
FUZZ_TARGETS ?=

fuzz: deps-build
	$(call install_missing,$(call pkgs,deps/fuzz.txt),)
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DMOCKAWS_FUZZ=ON -DMOCKAWS_TESTS=OFF $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD)
