# syntax=docker/dockerfile:1
# mockaws in a container: docker build -t mockaws . && docker run -p 4566:4566 mockaws
#
# The package lists are deps/build.txt (the builder) and deps/runtime.txt (the
# image); unit/packages checks them against CMakeLists.txt and the binary.

# ---- build ----
FROM debian:bookworm-slim AS build
COPY deps/build.txt /tmp/deps/
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      $(sed -e 's/#.*//' /tmp/deps/build.txt) \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what the server build reads: no build/, node_modules/ or client tests.
COPY CMakeLists.txt ./
COPY server ./server
COPY tools/modelgen.c ./tools/
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DMOCKAWS_TESTS=OFF \
 && cmake --build build --target mockaws -j "$(nproc)" \
 && strip build/bin/mockaws \
 && build/bin/mockaws --version

# ---- run ----
FROM debian:bookworm-slim
COPY deps/runtime.txt /tmp/deps/
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      $(sed -e 's/#.*//' /tmp/deps/runtime.txt) curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin mockaws \
 && mkdir -p /fixtures
COPY --from=build /src/build/bin/mockaws /usr/local/bin/mockaws
USER mockaws
EXPOSE 4566
# Inside a container the server must listen on all interfaces to be reachable.
ENTRYPOINT ["/usr/local/bin/mockaws"]
CMD ["--host", "0.0.0.0", "--port", "4566", "--log-format", "json", "--log-level", "info"]
HEALTHCHECK --interval=5s --timeout=2s --start-period=2s --retries=3 \
  CMD curl -fsS http://127.0.0.1:4566/_mockaws/health >/dev/null || exit 1
