// swift-tools-version:6.0
import PackageDescription

// The pipeline is visible in the targets:
//   EvidentCore        models, loaders (bytes in, models out), the engine that applies the plan
//   EvidentNetwork     network policy model (Kubernetes and Calico) and the reachability engine
//   EvidentEvaluators  one file per built-in check, grouped by what they look at
//   EvidentReport      presentation model and the HTML / Markdown / JUnit / JSON renderers
//   EvidentResources   the built-in catalogs, templates and example, embedded as source
//   evident            the command line: argument parsing, file I/O, printing
let package = Package(
    name: "evident",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "evident", targets: ["evident"]),
        .library(name: "EvidentCore", targets: ["EvidentCore"]),
        // The fuzz targets (Fuzz/, a package of their own) reach these through products.
        .library(name: "EvidentCEL", targets: ["EvidentCEL"]),
        .library(name: "EvidentNetwork", targets: ["EvidentNetwork"]),
        .library(name: "EvidentEvaluators", targets: ["EvidentEvaluators"]),
        .library(name: "EvidentResources", targets: ["EvidentResources"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        .target(
            name: "EvidentCore",
            dependencies: [
                "CMemory",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // A hand-written CEL interpreter for custom controls; it depends on nothing.
        .target(name: "EvidentCEL"),
        .target(
            name: "EvidentNetwork",
            dependencies: ["EvidentCore"]
        ),
        .target(
            name: "EvidentEvaluators",
            dependencies: ["EvidentCore", "EvidentNetwork", "EvidentCEL"]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // libxml2's headers and Foundation cannot meet in one Swift module (their ICU definitions clash),
        // so a small C target wraps what we need behind a header that includes no libxml2 header.
        .target(
            name: "XMLSupport",
            dependencies: ["CLibXML2"]
        ),
        .target(
            name: "EvidentReport",
            dependencies: [
                "EvidentCore",
                "XMLSupport",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The audit history (`--history`, `evident history`): a SQLite database through GRDB.
        .target(
            name: "EvidentHistory",
            dependencies: [
                "EvidentCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(name: "EvidentResources"),
        // glibc's malloc_trim for the CLI between phases (Swift's Glibc module does not export it).
        .target(name: "CMemory"),
        .executableTarget(
            name: "evident",
            dependencies: [
                "EvidentCore", "EvidentCEL", "EvidentEvaluators", "EvidentNetwork", "EvidentReport", "EvidentResources",
                "EvidentHistory", "CMemory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Generators shared by the test targets (hostile text, hostile snapshots); never linked into evident.
        .target(name: "EvidentTestSupport", path: "Tests/EvidentTestSupport"),
        .testTarget(name: "EvidentCoreTests", dependencies: ["EvidentCore", "EvidentEvaluators", "EvidentResources",
                                                            "EvidentTestSupport"]),
        .testTarget(name: "EvidentCELTests", dependencies: ["EvidentCEL"]),
        .testTarget(name: "EvidentEvaluatorsTests", dependencies: ["EvidentCore", "EvidentEvaluators", "EvidentNetwork"]),
        .testTarget(name: "EvidentNetworkTests", dependencies: ["EvidentCore", "EvidentNetwork"]),
        .testTarget(name: "EvidentReportTests", dependencies: ["EvidentCore", "EvidentEvaluators", "EvidentReport", "XMLSupport", "EvidentResources",
                                                              "EvidentTestSupport"],
                    exclude: ["Golden"]),
        .testTarget(name: "EvidentCLITests",
                    dependencies: ["evident", "EvidentCore", "EvidentEvaluators", "EvidentReport", "EvidentTestSupport",
                                   .product(name: "GRDB", package: "GRDB.swift")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "EvidentHistoryTests",
                    dependencies: ["EvidentHistory", "EvidentCore", .product(name: "GRDB", package: "GRDB.swift")]),
    ],
    swiftLanguageModes: [.v6]
)
