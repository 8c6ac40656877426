// swift-tools-version: 6.1
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode (strict concurrency) plus
/// the upcoming features our model codebases (Hummingbird, swift-log) turn on.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // The record path crosses modules per row (reader → mapper → writer): let release builds
    // specialise and inline across them.
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "omnisend-export",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "omnisend-export", targets: ["omnisend-export"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // C libraries: one system-library target each, nothing else includes a C header.
        .systemLibrary(
            name: "CExportZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CExportArchive", pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]),

        // The record path: no networking.
        .target(
            name: "ExportCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
        .target(name: "ExportFormats", dependencies: ["ExportCore"], swiftSettings: strict),
        // The record path's runtime: the byte arena of a batch, the bounded queue of every hand-off
        // between threads, the worker thread.
        .target(name: "ExportRuntime", swiftSettings: strict),
        // The run folder's layout and the types of its side files' lines.
        .target(name: "ExportRunFolder", dependencies: ["ExportCore"], swiftSettings: strict),
        .target(
            name: "ExportSources", dependencies: ["ExportCore", "ExportRuntime", "CExportZlib", "CExportArchive"],
            swiftSettings: strict),
        // Contact rules: email syntax, dedupe keys and table, countries and phones, the text
        // operations they share with the mapping.
        .target(name: "ExportContactRules", swiftSettings: strict),
        .target(
            name: "ExportPipeline",
            dependencies: ["ExportCore", "ExportFormats", "ExportContactRules", "ExportRuntime", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict),
        .target(
            name: "ExportChunks",
            dependencies: ["ExportCore", "ExportRunFolder", "ExportRuntime", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // The destination state of incremental sync (issue 15): payload hashes, the SQLite store.
        .target(
            name: "ExportSync",
            dependencies: [
                "ExportCore", "ExportFormats",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
        .target(
            name: "ExportPrepare",
            dependencies: [
                "ExportCore", "ExportFormats", "ExportSources", "ExportContactRules", "ExportPipeline", "ExportChunks", "ExportSync",
                "ExportRunFolder", "ExportRuntime",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),

        // Network and durable state.
        .target(
            name: "OmnisendSimulator",
            dependencies: [
                "ExportCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "ExportUpload",
            dependencies: [
                "ExportCore", "ExportChunks", "ExportFormats", "ExportSync", "ExportRunFolder",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),

        // The run-folder operations apart from the uploader: status, inspect, verify, forget.
        .target(
            name: "ExportRunOperations",
            dependencies: [
                "ExportCore", "ExportChunks", "ExportRunFolder", "ExportUpload",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),

        // The run report for people: report.html, index.html, the history table.
        .target(
            name: "ExportReport",
            dependencies: [
                "ExportCore", "ExportChunks", "ExportUpload", "ExportRunFolder",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict),

        // The command line: commands in a library (testable in-process), a thin executable on top.
        .target(
            name: "ExportCLI",
            dependencies: [
                "ExportCore", "ExportPrepare", "ExportPipeline", "ExportChunks", "ExportUpload",
                "OmnisendSimulator", "ExportReport", "ExportSync", "ExportRunFolder", "ExportRunOperations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "omnisend-export",
            dependencies: ["ExportCLI"],
            swiftSettings: strict),

        // Shared test helpers.
        .target(
            name: "ExportTestSupport", dependencies: ["ExportCore", "ExportChunks", "ExportContactRules", "ExportPipeline", "ExportRunFolder"], path: "Tests/ExportTestSupport",
            swiftSettings: strict),

        .testTarget(name: "ExportCoreTests", dependencies: ["ExportCore", "ExportTestSupport"]),
        .testTarget(name: "ExportFormatsTests", dependencies: ["ExportFormats", "ExportCore", "ExportTestSupport"]),
        .testTarget(
            name: "ExportSourcesTests", dependencies: ["ExportSources", "ExportCore", "CExportZlib", "CExportArchive"]),
        .testTarget(name: "ExportRuntimeTests", dependencies: ["ExportRuntime"]),
        .testTarget(name: "ExportContactRulesTests", dependencies: ["ExportContactRules", "ExportPipeline", "ExportCore"]),
        .testTarget(
            name: "ExportPipelineTests",
            dependencies: ["ExportPipeline", "ExportContactRules", "ExportCore", "ExportFormats", "ExportRuntime", "ExportTestSupport"]),
        .testTarget(name: "ExportSyncTests", dependencies: ["ExportSync", "ExportCore", "ExportTestSupport"]),
        .testTarget(name: "ExportChunksTests", dependencies: ["ExportChunks", "ExportCore", "ExportTestSupport", "ExportRunFolder"]),
        .testTarget(
            name: "ExportRunFolderTests",
            dependencies: [
                "ExportRunFolder", "ExportCore", "ExportPrepare", "ExportUpload", "ExportChunks", "ExportTestSupport",
            ]),
        .testTarget(
            name: "ExportPrepareTests",
            dependencies: [
                "ExportPrepare", "ExportSources", "ExportSync", "ExportCore", "ExportFormats", "ExportContactRules", "ExportPipeline",
                "ExportChunks", "ExportRuntime", "ExportTestSupport",
            ]),
        .testTarget(
            name: "OmnisendSimulatorTests",
            dependencies: [
                "OmnisendSimulator",
                "ExportCore",
                "ExportTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(
            name: "ExportRunOperationsTests",
            dependencies: ["ExportRunOperations", "ExportUpload", "ExportCore", "ExportChunks", "ExportRunFolder", "ExportTestSupport"]),
        .testTarget(
            name: "ExportUploadTests",
            dependencies: [
                "ExportUpload", "ExportRunOperations", "OmnisendSimulator", "ExportTestSupport", "ExportSync", "ExportCore",
                "ExportChunks", "ExportRunFolder",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .testTarget(
            name: "ExportReportTests", dependencies: ["ExportReport", "ExportUpload", "ExportCore", "ExportChunks", "ExportTestSupport", "ExportRunFolder"]),
        .testTarget(
            name: "ExportEndToEndTests",
            dependencies: [
                "ExportCLI", "ExportUpload", "OmnisendSimulator", "ExportTestSupport", "ExportCore", "ExportChunks", "ExportSync",
                "ExportPrepare", "ExportPipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Golden"]),
    ]
)
