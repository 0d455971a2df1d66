// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Accord",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "accord", targets: ["accord"]),
        .library(name: "AccordCore", targets: ["AccordCore"]),
        .library(name: "AccordStore", targets: ["AccordStore"]),
        .library(name: "AccordServer", targets: ["AccordServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        .target(name: "AccordCore"),
        .target(
            name: "AccordStore",
            dependencies: [
                "AccordCore",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQL", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "AccordServer",
            dependencies: [
                "AccordCore",
                "AccordStore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "OpenAPIKit30", package: "OpenAPIKit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Resources"), .copy("Public")]
        ),
        .executableTarget(
            name: "accord",
            dependencies: [
                "AccordServer",
                "AccordStore",
                "AccordCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        .executableTarget(
            name: "accord-bench",
            dependencies: ["AccordCore", "AccordStore", .product(name: "FluentKit", package: "fluent-kit"),
                           .product(name: "SQLKit", package: "sql-kit")],
            path: "Benchmarks/AccordBench"
        ),
        .executableTarget(
            name: "accord-attribution-bench",
            dependencies: ["AccordCore"],
            path: "Benchmarks/AttributionBench"
        ),
        .target(
            name: "AccordTestSupport",
            dependencies: ["AccordStore", .product(name: "FluentKit", package: "fluent-kit")],
            path: "Tests/AccordTestSupport"
        ),
        .testTarget(
            name: "AccordCoreTests",
            dependencies: ["AccordCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "AccordStoreTests",
            dependencies: ["AccordStore", "AccordTestSupport", .product(name: "FluentKit", package: "fluent-kit"),
                           .product(name: "SQLKit", package: "sql-kit")]
        ),
        .testTarget(
            name: "AccordServerTests",
            dependencies: [
                "AccordServer",
                "AccordTestSupport",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ]
)
