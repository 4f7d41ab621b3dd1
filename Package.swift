// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

/// The five services: each a library (its logic, imported by tests) and a thin executable.
let services: [(library: String, executable: String, folder: String, extra: [Target.Dependency])] = [
    ("BookingService", "booking", "Booking", []),
    ("OutreachEventsService", "outreach-events", "OutreachEvents", ["KepuCSV"]),
    ("VolunteerService", "volunteer", "Volunteer", [.product(name: "Mustache", package: "swift-mustache")]),
    ("ContentSupplyService", "content-supply", "ContentSupply", ["KepuCSV"]),
    ("MetricsService", "metrics", "Metrics", []),
]

let serviceTargets: [Target] = services.flatMap { service -> [Target] in
    [
        .target(
            name: service.library,
            dependencies: [
                "KepuRuntime", "KepuContracts", "KepuDomain", "KepuKafka",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ] + service.extra,
            path: "Services/\(service.folder)/Library",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: service.executable,
            dependencies: [.target(name: service.library), "KepuRuntime"],
            path: "Services/\(service.folder)/Executable",
            swiftSettings: swiftSettings
        ),
    ]
}

let package = Package(
    name: "kepu-classroom",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "KepuKafka", targets: ["KepuKafka"]),
        .library(name: "KepuRuntime", targets: ["KepuRuntime"]),
        .executable(name: "kepu", targets: ["kepu"]),
        .executable(name: "kepu-bench", targets: ["kepu-bench"]),
    ] + services.map { .executable(name: $0.executable, targets: [$0.executable]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Already in the graph through postgres-nio: SHA-256 for claim tokens and fingerprints, TLS to PostgreSQL.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // The tools' and tests' HTTP probes.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Admin tokens: signed JWTs with a role and a unit scope.
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        // Uploaded tables (KepuCSV): the registry's and the catalogue's CSV imports (RFC 4180 quoting).
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // volunteer: the printable service-record certificate, from a template that escapes what it is given.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // Tracing across the bus: spans through swift-distributed-tracing, exported over OTLP/HTTP when configured
        // (the gRPC exporter is left out: it would bring grpc-swift into every build).
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        // Tests only: parsing the compose file.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // librdkafka from Debian's librdkafka-dev, found through pkg-config.
        .systemLibrary(
            name: "CRdKafka",
            path: "Shared/CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(
            name: "KepuKafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/KepuKafka",
            swiftSettings: swiftSettings
        ),
        // librdkafka's mock cluster as a Kafka-protocol broker in this process: for `kepu dev`, tests and benchmarks.
        .target(
            name: "KepuKafkaEmbedded",
            dependencies: [
                "CRdKafka", "KepuKafka", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/KepuKafkaEmbedded",
            swiftSettings: swiftSettings
        ),
        .target(name: "KepuDomain", path: "Shared/Domain", swiftSettings: swiftSettings),
        // Uploaded tables (the registry, the catalogue): RFC 4180 via CSV.swift, the header checked, rows numbered.
        .target(name: "KepuCSV", dependencies: [.product(name: "CSV", package: "CSV.swift")], path: "Shared/CSV", swiftSettings: swiftSettings),
        .target(
            name: "KepuContracts",
            dependencies: ["KepuKafka", "KepuDomain", .product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/Contracts",
            exclude: ["asyncapi.json"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KepuRuntime",
            dependencies: [
                "KepuKafka", "KepuContracts",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
            ],
            path: "Shared/Runtime",
            exclude: ["HTTP/openapi.json"],
            swiftSettings: swiftSettings
        ),
        // What the tools, the benchmarks and the tests share and the services never link: child processes and HTTP probes.
        .target(
            name: "KepuTooling",
            dependencies: ["KepuContracts", "KepuRuntime", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            path: "Tools/Support",
            swiftSettings: swiftSettings
        ),
        // The baseline the benchmark compares against: plain C loops over the same librdkafka.
        .target(name: "CKafkaBaseline", dependencies: ["CRdKafka"], path: "Benchmarks/CKafkaBaseline"),
        .executableTarget(
            name: "kepu-bench",
            dependencies: [
                "KepuKafka", "KepuKafkaEmbedded", "CKafkaBaseline", "KepuContracts", "KepuRuntime", "KepuTooling", "BookingService", "MetricsService",
                "VolunteerService", "ContentSupplyService",
                // Built beside it: `kepu-bench network` runs them as processes.
                "outreach-events", "booking", "metrics", "volunteer", "KepuDomain",
                "KepuTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/kepu-bench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kepu",
            dependencies: [
                "KepuKafka", "KepuKafkaEmbedded", "KepuContracts", "KepuRuntime", "KepuTooling", "KepuCSV",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tools/kepu",
            swiftSettings: swiftSettings
        ),
        // A service built on the runtime with a tiny test-only handler, run as a real process by the runtime tests.
        .executableTarget(
            name: "kepu-test-service",
            dependencies: ["KepuRuntime", "KepuContracts"],
            path: "Tests/Fixtures/TestService",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KepuKafkaTests",
            dependencies: ["KepuKafka", "KepuKafkaEmbedded", "CRdKafka", "KepuTestSupport"],
            path: "Tests/KepuKafkaTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KepuContractsTests",
            dependencies: ["KepuContracts", "KepuKafka", "KepuTestSupport"],
            path: "Tests/KepuContractsTests",
            swiftSettings: swiftSettings
        ),
        // What the integration tests share: throwaway databases, service processes, topic readers.
        .target(
            name: "KepuTestSupport",
            dependencies: [
                "KepuRuntime", "KepuContracts", "KepuKafka", "KepuKafkaEmbedded", "KepuTooling",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/Support",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BookingServiceTests",
            dependencies: [
                "BookingService", "booking", "kepu", "KepuTestSupport", "KepuRuntime", "KepuContracts", "KepuKafka", "KepuKafkaEmbedded",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/BookingServiceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutreachEventsServiceTests",
            dependencies: [
                "OutreachEventsService", "outreach-events", "booking", "metrics", "kepu", "KepuTestSupport", "KepuRuntime", "KepuContracts",
                "KepuKafka",
                "KepuKafkaEmbedded", "KepuDomain",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/OutreachEventsServiceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VolunteerServiceTests",
            dependencies: [
                "VolunteerService", "volunteer", "outreach-events", "kepu", "KepuTestSupport", "KepuRuntime", "KepuContracts", "KepuKafka",
                "KepuKafkaEmbedded", "KepuDomain", "KepuTooling",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/VolunteerServiceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ContentSupplyServiceTests",
            dependencies: [
                "ContentSupplyService", "KepuTestSupport", "KepuRuntime", "KepuDomain", "KepuContracts", "KepuKafka", "KepuKafkaEmbedded",
                "KepuTooling",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/ContentSupplyServiceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MetricsServiceTests",
            dependencies: [
                "MetricsService", "metrics", "KepuTestSupport", "KepuRuntime", "KepuContracts", "KepuKafka", "KepuKafkaEmbedded", "KepuDomain",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/MetricsServiceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KepuRuntimeTests",
            dependencies: [
                "KepuRuntime", "KepuContracts", "KepuKafka", "KepuKafkaEmbedded", "CRdKafka", "kepu-test-service", "kepu", "KepuTestSupport",
                "KepuTooling",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/KepuRuntimeTests",
            swiftSettings: swiftSettings
        ),
        // The fuzz targets (`infra/fuzz.sh` runs each for a million inputs; the test command runs them briefly).
        .testTarget(
            name: "KepuFuzzTests",
            dependencies: [
                "BookingService", "MetricsService", "OutreachEventsService", "VolunteerService", "KepuRuntime", "KepuContracts", "KepuDomain",
                "KepuKafka", "KepuTestSupport",
            ],
            path: "Tests/KepuFuzzTests",
            exclude: ["Corpus"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KepuDeploymentTests",
            dependencies: [
                "KepuRuntime", "KepuDomain", "KepuTestSupport", "KepuContracts", "KepuKafka", "KepuKafkaEmbedded",
                "BookingService", "OutreachEventsService", "VolunteerService", "ContentSupplyService", "MetricsService",
                "booking", "metrics", "outreach-events", "KepuTooling",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Tests/KepuDeploymentTests",
            swiftSettings: swiftSettings
        ),
    ] + serviceTargets
)
