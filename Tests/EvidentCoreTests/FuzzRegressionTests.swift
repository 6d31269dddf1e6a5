import EvidentCore
import EvidentEvaluators
import Foundation
import Testing

/// Replays the inputs the fuzz targets once crashed on (Fuzz/regressions/<target>/) through what the
/// target checks: each must now load or fail with a LoadError, and the JSON loader must read the same
/// on one thread and on two. The Calico and CEL inputs are replayed in their own test targets.
@Suite("Fuzz regressions: loaders")
struct FuzzRegressionTests {
    static let regressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/regressions")

    /// The files kept for one fuzz target, by name.
    static func inputs(_ target: String) -> [URL] {
        let folder = regressions.appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test("snapshot JSON inputs load the same on one thread and two", arguments: inputs("FuzzSnapshotJSON"))
    func snapshotJSON(_ file: URL) throws {
        let data = try Data(contentsOf: file)
        let one = Result { () throws(LoadError) in try SnapshotLoader.load(data, path: "f.json", parallelFrom: .max) }
        let two = Result { () throws(LoadError) in try SnapshotLoader.load(data, path: "f.json", parallelFrom: 0) }
        switch (one, two) {
        case (.success(let a), .success(let b)):
            #expect(a.resources.map(\.id) == b.resources.map(\.id))
            #expect(a.resources.map(\.body) == b.resources.map(\.body))
            #expect(a.resources.map(\.source) == b.resources.map(\.source))
            #expect(a.diagnostics == b.diagnostics)
        case (.failure(let a), .failure(let b)):
            #expect(a.location.file == "f.json" && b.location.file == "f.json")
        default:
            Issue.record("\(file.lastPathComponent): one way loads, the other fails: \(one), \(two)")
        }
    }

    @Test("snapshot YAML inputs load or fail cleanly", arguments: inputs("FuzzSnapshotYAML"))
    func snapshotYAML(_ file: URL) throws {
        let data = try Data(contentsOf: file)
        do { _ = try SnapshotLoader.load(data, path: "f.yaml") } catch { #expect(error.location.file == "f.yaml") }
    }

    @Test("plan and catalog inputs load or fail cleanly", arguments: inputs("FuzzPlan") + inputs("FuzzCatalog"))
    func planOrCatalog(_ file: URL) throws {
        guard let text = String(data: try Data(contentsOf: file), encoding: .utf8) else { return }
        let registry = BuiltinEvaluators.registry
        do {
            if file.deletingLastPathComponent().lastPathComponent == "FuzzPlan" {
                _ = try PlanLoader.load(text, path: "f.yaml", registry: registry) {
                    reference, _, location throws(LoadError) in
                    throw LoadError("unknown catalog '\(reference)'", at: location)
                }
            } else {
                _ = try CatalogLoader.load(text, path: "f.yaml", registry: registry)
            }
        } catch {
            #expect(error.location.file == "f.yaml")
        }
    }
}
