// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "vigil",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        .library(name: "VigilPatterns", targets: ["VigilPatterns"]),
        .library(name: "VigilMetrics", targets: ["VigilMetrics"]),
        .library(name: "VigilAlarms", targets: ["VigilAlarms"]),
        .library(name: "VigilStore", targets: ["VigilStore"]),
        .library(name: "VigilService", targets: ["VigilService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.4.0"),
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
        .target(
            name: "VigilStore",
            dependencies: ["CSQLite", "VigilMetrics", "VigilAlarms"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VigilService",
            dependencies: ["VigilPatterns", "VigilMetrics", "VigilStore", "VigilAlarms", "VigilAPI"],
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
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilPatternsTests",
            dependencies: ["VigilPatterns"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilAPITests",
            dependencies: ["VigilAPI", "VigilPatterns"],
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
            dependencies: ["VigilStore", "VigilMetrics"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VigilServiceTests",
            dependencies: ["VigilService", "VigilStore", "VigilMetrics", "VigilPatterns", "VigilAlarms", "VigilAPI"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "vigilTests",
            dependencies: ["vigil", "VigilStore", "VigilMetrics", "VigilService", "VigilAPI"],
            swiftSettings: swiftSettings
        ),
    ]
)
