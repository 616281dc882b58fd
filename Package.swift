// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "vigil",
    // Synchronization's Mutex needs macOS 15.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        // What an embedder imports: the filter-pattern compiler, the typed AWS model, the engine.
        .library(name: "VigilPatterns", targets: ["VigilPatterns"]),
        .library(name: "VigilAPI", targets: ["VigilAPI"]),
        .library(name: "VigilService", targets: ["VigilService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.3.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
    ],
    targets: [
        .target(
            name: "VigilPatterns",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilMetrics",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilAlarms",
            dependencies: ["VigilMetrics"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilAPI",
            dependencies: ["VigilPatterns", "VigilMetrics", "VigilAlarms"],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Non-variadic wrappers of curl_easy_setopt and friends, which Swift cannot call.
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        .target(
            name: "VigilStore",
            dependencies: ["CSQLite", "VigilMetrics", "VigilAlarms"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilService",
            dependencies: [
                "VigilPatterns", "VigilMetrics", "VigilStore", "VigilAlarms", "VigilAPI", "CZlib",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // SNS: topics, subscriptions, the envelope and its signatures, and delivery over libcurl.
        .target(
            name: "VigilNotify",
            dependencies: [
                "VigilService", "VigilStore", "VigilAPI", "VigilPatterns", "VigilMetrics", "VigilWire", "CCurl",
                "CCurlShim",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilBench",
            dependencies: [
                "VigilPatterns", "VigilMetrics", "VigilStore", "VigilService", "VigilAPI", "VigilWire", "VigilNotify",
                "VigilAlarms",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The AWS wire formats as pure code (bytes in, values out): CBOR, awsQuery forms and XML, SigV4,
        // SNS's delivery and filter policy documents.
        // Apart from the HTTP stack, so the fuzz targets reach these parsers without building it.
        .target(
            name: "VigilWire",
            dependencies: [
                "VigilAPI", "VigilPatterns",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // A client of a running `vigil serve` (awsJson calls, the SSE tail) over SwiftNIO, for the CLI's
        // `--endpoint-url`.
        .target(
            name: "VigilClient",
            dependencies: [
                "VigilAPI", "VigilWire", "VigilPatterns",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilServer",
            dependencies: [
                "VigilService", "VigilAPI", "VigilStore", "VigilAlarms", "VigilMetrics", "VigilWire", "VigilNotify",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilPatterns",
                "VigilMetrics",
                "VigilStore",
                "VigilService",
                "VigilAlarms",
                "VigilAPI",
                "VigilBench",
                "VigilClient",
                "VigilServer",
                "VigilWire",
                "VigilNotify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // Fuzz target bodies (scripts/fuzz.sh drives them with libFuzzer; FuzzReplayTests replays their corpus).
        .target(
            name: "VigilFuzz",
            dependencies: ["VigilPatterns", "VigilMetrics", "VigilAPI", "VigilAlarms", "VigilService", "VigilWire"],
            swiftSettings: swiftSettings
        ),
        // Helpers the test targets share (not a product).
        .target(name: "VigilTestSupport", path: "Tests/VigilTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "VigilServerTests",
            dependencies: [
                "VigilServer", "VigilService", "VigilStore", "VigilAPI", "VigilWire", "VigilPatterns",
                "VigilTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilWireTests",
            dependencies: ["VigilWire", "VigilAPI", "VigilPatterns"],
            exclude: ["SigV4TestSuite", "CBORAppendixA", "BotocoreProtocols"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilClientTests",
            dependencies: [
                "VigilClient", "VigilServer", "VigilService", "VigilStore", "VigilAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilFuzzTests",
            dependencies: ["VigilFuzz"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilPatternsTests",
            dependencies: ["VigilPatterns", "VigilBench"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilAPITests",
            dependencies: ["VigilAPI", "VigilPatterns", "VigilBench", "VigilTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilAlarmsTests",
            dependencies: ["VigilAlarms", "VigilMetrics"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilMetricsTests",
            dependencies: ["VigilMetrics"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilStoreTests",
            dependencies: ["VigilStore", "VigilMetrics", "VigilAlarms"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilServiceTests",
            dependencies: [
                "VigilService", "VigilStore", "VigilMetrics", "VigilPatterns", "VigilAlarms", "VigilAPI",
                "VigilTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilNotifyTests",
            dependencies: [
                "VigilNotify", "VigilService", "VigilStore", "VigilAPI", "VigilAlarms", "VigilWire", "VigilTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "vigilTests",
            dependencies: ["vigil", "VigilStore", "VigilMetrics", "VigilService", "VigilAPI", "VigilTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)

// The libFuzzer driver, only in the fuzz build (`VIGIL_FUZZ=1`, its own scratch path, built with
// `-sanitize=fuzzer,address`; its main hands over to libFuzzer's driver).
if Context.environment["VIGIL_FUZZ"] == "1" {
    package.targets += [
        .systemLibrary(name: "CFuzzer", path: "Fuzz/CFuzzer"),
        .executableTarget(
            name: "vigil-fuzz",
            dependencies: ["VigilFuzz", "CFuzzer"],
            path: "Fuzz/Driver",
            swiftSettings: swiftSettings
        ),
    ]
}
