# syntax=docker/dockerfile:1
# h2otel image, three targets:
#   build   — Debian 12 with the -dev packages of scripts/deps/build.apt; builds h2otel with CMake.
#   dev     — build + gdb/gdbserver + the source tree + scripts/dev/supervise, which rebuilds and
#             restarts the binary; the target Tilt live-updates (sync src/, rebuild inside, restart).
#   runtime — debian slim with only the runtime libraries, a non-root user, the binary and a default
#             config. No compilers. (Default target: the last stage.)
# Base images are pinned by Debian point-release tag; add "@sha256:..." once you have pulled them and
# know the digest (we cannot resolve digests on the machines that write this file).
ARG DEBIAN_TAG=12.12

FROM debian:${DEBIAN_TAG} AS build
ENV DEBIAN_FRONTEND=noninteractive
COPY scripts/deps/build.apt /tmp/build.apt
# The same package list `make deps` installs on a developer machine (minus the '#' comments).
RUN apt-get update \
    && sed -e 's/#.*//' -e '/^[[:space:]]*$/d' /tmp/build.apt | xargs apt-get install -y --no-install-recommends \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ARG BUILD_TYPE=Release
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE} -DH2OTEL_BUILD_TESTS=OFF \
    && cmake --build build --target h2otel \
    && strip --strip-unneeded -o /h2otel build/h2otel

FROM build AS dev
RUN apt-get update \
    && apt-get install -y --no-install-recommends gdb gdbserver procps \
    && rm -rf /var/lib/apt/lists/*
# The same uid as the runtime image, owning the tree so live-updated files and the in-container build
# are writable by the (non-root) process.
RUN useradd --system --uid 10001 --home-dir /src --shell /usr/sbin/nologin h2otel \
    && chown -R 10001:10001 /src \
    && ln -s /src/build/h2otel /usr/local/bin/h2otel \
    && mkdir -p /usr/share/h2otel /etc/h2otel \
    && ln -s /src/docs/openapi.yaml /usr/share/h2otel/openapi.yaml \
    && cp /src/charts/h2otel/files/config.yaml /etc/h2otel/config.yaml
USER 10001
# H2OTEL_BUILD_TYPE=Debug (-O0 -g) and H2OTEL_DEBUG=1 (run under gdbserver on :2345) are set by the
# chart's debug switch; see docs/kubernetes.md.
ENV H2OTEL_BUILD_TYPE=RelWithDebInfo H2OTEL_BUILD_DIR=/src/build
EXPOSE 8080 2345
ENTRYPOINT ["/src/scripts/dev/supervise"]

FROM debian:${DEBIAN_TAG}-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
# Runtime libraries only (the shared objects of the -dev packages the build links).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libh2o-evloop0.13 libgrpc29 libprotobuf-c1 libyaml-0-2 libjansson4 libssl3 zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin h2otel
COPY --from=build /h2otel /usr/local/bin/h2otel
COPY charts/h2otel/files/config.yaml /etc/h2otel/config.yaml
COPY docs/openapi.yaml /usr/share/h2otel/openapi.yaml
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/h2otel"]
CMD ["--config", "/etc/h2otel/config.yaml"]
