// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for the parsers that read untrusted input. A package of its own, so that the main
// package's `swift build` and `swift test` never see the sanitizer flags. Build and run with
// `scripts/fuzz.sh` (it passes `-sanitize=fuzzer,address` to every module and uses `.build-fuzz`).
// Each target is one `main.swift` that hands its test function to libFuzzer's `LLVMFuzzerRunDriver`.
// (The usual `-parse-as-library` + `@_cdecl("LLVMFuzzerTestOneInput")` layout no longer links under
// SwiftPM on Linux: it links executables with `--defsym main=<Target>_main`, a symbol that only a
// `main.swift` defines.)
let targets: [(name: String, dependencies: [Target.Dependency])] = [
    ("FuzzSnapshotJSON", [.product(name: "EvidentCore", package: "evident")]),
    ("FuzzSnapshotYAML", [.product(name: "EvidentCore", package: "evident")]),
    ("FuzzPlan", [
        .product(name: "EvidentCore", package: "evident"),
        .product(name: "EvidentEvaluators", package: "evident"),
        .product(name: "EvidentResources", package: "evident"),
    ]),
    ("FuzzCatalog", [
        .product(name: "EvidentCore", package: "evident"),
        .product(name: "EvidentEvaluators", package: "evident"),
    ]),
    ("FuzzCalico", [.product(name: "EvidentNetwork", package: "evident")]),
    ("FuzzNetwork", [
        .product(name: "EvidentCore", package: "evident"),
        .product(name: "EvidentNetwork", package: "evident"),
    ]),
    ("FuzzCEL", [.product(name: "EvidentCEL", package: "evident")]),
]

let package = Package(
    name: "evident-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "evident", path: "..")],
    targets: [.target(name: "CFuzzer")] + targets.map { target in
        .executableTarget(name: target.name, dependencies: ["CFuzzer"] + target.dependencies)
    },
    swiftLanguageModes: [.v6]
)
