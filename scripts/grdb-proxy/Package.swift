// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "GRDBProxy",
    platforms: [.macOS(.v15)],
    dependencies: [.package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0")],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3"),
        .executableTarget(name: "GRDBProxy", dependencies: [.product(name: "GRDB", package: "GRDB.swift"), "CSQLite"],
    ]
)
