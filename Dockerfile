# syntax=docker/dockerfile:1
#
# The vaardig server image: `vaardig serve` on all interfaces of the container, port 50051, as a
# non-root user, with the gRPC health protocol for the orchestrator (Kubernetes `grpc` probes, or
# `vaardig health` as Docker's HEALTHCHECK). docs/deploy.md tells how the ontology gets in: the
# embedded default, a volume, or a layer per ontology version (deploy/ontology.Dockerfile).
#
#   docker build -t vaardig:0.1.0 .
#   docker run -p 50051:50051 vaardig:0.1.0
#
# Two stages: the build (the Rust toolchain, ~1.5 GB) and a small runtime (distroless: glibc,
# libgcc and CA certificates, no shell, no package manager; ~25 MB plus the binary).

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-bookworm AS build
WORKDIR /src
# Everything the build reads: the protos (compiled in pure Rust by protox, so no protoc), the
# embedded ontology and the sources. .dockerignore keeps target/, index/ and the fuzzers out.
COPY Cargo.toml Cargo.lock build.rs ./
COPY proto proto
COPY ontology ontology
COPY src src
COPY benches benches
COPY tests tests
# jemalloc, the server's allocator (Cargo feature `jemalloc`), is built from C: it needs make (the
# image has gcc).
RUN apt-get update \
    && apt-get install -y --no-install-recommends make=4.3-4.1 \
    && rm -rf /var/lib/apt/lists/*
# The cache mounts keep the crates and the compiled dependencies between builds (BuildKit).
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin vaardig \
    && install -D -m 0755 target/release/vaardig /out/vaardig \
    && mkdir -p /out/index

# The runtime: Debian 12 like the build stage, so the binary finds the glibc it was linked against.
# The `nonroot` variant runs as uid/gid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
COPY --from=build /out/vaardig /usr/local/bin/vaardig
# The persisted search index must be writable by the server's user (in Kubernetes: an emptyDir).
COPY --from=build --chown=65532:65532 /out/index /var/lib/vaardig/index
# Settings as environment variables (src/settings.rs; the README's Configuration table): inside a
# container the server listens on all interfaces; outside one the default stays 127.0.0.1.
ENV VAARDIG_SERVER_LISTEN=0.0.0.0:50051 \
    VAARDIG_SERVER_INDEX_DIR=/var/lib/vaardig/index \
    VAARDIG_LOG_FORMAT=json
USER 65532:65532
EXPOSE 50051
# `vaardig health` asks grpc.health.v1.Health/Check on the server itself: exit code 0 when
# SERVING, 1 when NOT_SERVING (shutting down), 3 when it does not answer. Kubernetes uses its
# native gRPC probes instead (deploy/kubernetes/deployment.yaml).
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
    CMD ["/usr/local/bin/vaardig", "health", "--server", "http://127.0.0.1:50051"]
ENTRYPOINT ["/usr/local/bin/vaardig", "serve"]
