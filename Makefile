# Thin wrapper over CMake: `make run` and `make test` are the two commands a
# newcomer needs (see README.md). Both first install what is missing.

BUILD ?= build
PORT ?= 4566
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# Debian packages the build, the tests and the benchmarks need.
DEBS = build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev libpcre2-dev \
       libcmocka-dev libexpat1-dev zlib1g-dev libglib2.0-dev libgmp-dev libcurl4-openssl-dev \
       bats valgrind

.PHONY: all deps build run test unit clean node-deps

all: build

# Installs missing Debian packages: with apt-get as root, otherwise prints the
# exact command to run and stops.
deps:
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done | tr '\n' ' '); \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing Debian packages; run:"; \
	    echo "  sudo apt-get install -y $$missing"; \
	    exit 1; \
	  fi; \
	fi

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/bin/mockaws --port $(PORT)

# The JS SDK v3 for the node client tests, exactly as the lock file says.
node-deps:
	@if [ -f client-tests/node/package-lock.json ] && [ ! -d client-tests/node/node_modules ]; then \
	  cd client-tests/node && npm ci --no-audit --no-fund; \
	fi

test: build node-deps
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit

clean:
	rm -rf $(BUILD)
