// swift-tools-version: 6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "kepu-classroom",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "KepuKafka", targets: ["KepuKafka"]),
        .executable(name: "kepu", targets: ["kepu"]),
        .executable(name: "kepu-bench", targets: ["kepu-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
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
        // The baseline the benchmark compares against: plain C loops over the same librdkafka.
        .target(
            name: "CKafkaBaseline",
            dependencies: ["CRdKafka"],
            path: "Benchmarks/CKafkaBaseline"
        ),
        .executableTarget(
            name: "kepu-bench",
            dependencies: [
                "KepuKafka",
                "CKafkaBaseline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/kepu-bench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kepu",
            dependencies: [
                "KepuKafka",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tools/kepu",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KepuKafkaTests",
            dependencies: ["KepuKafka"],
            path: "Tests/KepuKafkaTests",
            swiftSettings: swiftSettings
        ),
    ]
)
