# syntax=docker/dockerfile:1
# mockaws in a container: docker build -t mockaws . && docker run -p 4566:4566 mockaws
#
# Keep the two package lists in step with pkg_check_modules() in CMakeLists.txt:
# the builder needs each library's -dev package, the runtime its shared library.

# ---- build ----
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config \
      libmicrohttpd-dev libjansson-dev libpcre2-dev libexpat1-dev zlib1g-dev \
      libglib2.0-dev libgmp-dev libcmocka-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what the server build reads: no build/, node_modules/ or client tests.
COPY CMakeLists.txt ./
COPY server ./server
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DMOCKAWS_CLIENT_TESTS=OFF \
 && cmake --build build --target mockaws -j "$(nproc)" \
 && strip build/bin/mockaws \
 && build/bin/mockaws --version

# ---- run ----
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libmicrohttpd12 libjansson4 libpcre2-8-0 libexpat1 zlib1g libglib2.0-0 libgmp10 \
      curl ca-certificates \
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
