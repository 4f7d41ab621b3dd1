# One image with every executable of the suite; compose and Kubernetes pick the command per service.
# The Swift runtime is linked statically, so the runtime stage is Debian with librdkafka and nothing of Swift;
# infra/image/check.sh proves that stage without Docker (a debootstrap root filesystem with exactly these packages).
ARG SWIFT_VERSION=6.3
FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends librdkafka-dev pkg-config && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Shared Shared
COPY Services Services
COPY Tools Tools
COPY Benchmarks Benchmarks
COPY Tests Tests
RUN swift build -c release --static-swift-stdlib --product booking && swift build -c release --static-swift-stdlib --product outreach-events \
 && swift build -c release --static-swift-stdlib --product volunteer && swift build -c release --static-swift-stdlib --product content-supply \
 && swift build -c release --static-swift-stdlib --product metrics && swift build -c release --static-swift-stdlib --product kepu \
 && mkdir /out && for p in booking outreach-events volunteer content-supply metrics kepu; do cp .build/release/$p /out/; done

FROM debian:bookworm-slim
# RUNTIME-PACKAGES (infra/image/check.sh installs exactly these into its root filesystem)
RUN apt-get update && apt-get install -y --no-install-recommends librdkafka1 ca-certificates curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 kepu
COPY --from=build /out/ /usr/local/bin/
USER kepu
# Each service answers /health/ready on its KEPU_HTTP_PORT (booking 8081 ... metrics 8085; 8080 otherwise).
HEALTHCHECK --interval=10s --timeout=5s --retries=6 CMD curl -fsS "http://127.0.0.1:${KEPU_HTTP_PORT:-8080}/health/ready" || exit 1
