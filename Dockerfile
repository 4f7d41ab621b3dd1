# One image with every executable of the suite; compose picks the command per service.
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
RUN swift build -c release --product booking && swift build -c release --product outreach-events \
 && swift build -c release --product volunteer && swift build -c release --product content-supply \
 && swift build -c release --product metrics && swift build -c release --product kepu \
 && mkdir /out && for p in booking outreach-events volunteer content-supply metrics kepu; do cp .build/release/$p /out/; done

FROM swift:${SWIFT_VERSION}-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends librdkafka1 curl ca-certificates && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 kepu
COPY --from=build /out/ /usr/local/bin/
USER kepu
