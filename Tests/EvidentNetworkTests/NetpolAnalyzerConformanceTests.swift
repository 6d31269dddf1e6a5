import EvidentCore
import EvidentNetwork
import Foundation
import Testing

/// np-guard/netpol-analyzer's connectivity cases (`netpol-analyzer/tests/<case>/` and the golden
/// `test_outputs/connlist/<case>_connlist_output.txt`), read from `EVIDENT_CONFORMANCE` or
/// `../shared/conformance` beside the package root.
enum NetpolAnalyzerConformance {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var root: URL {
        let base: URL
        if let env = ProcessInfo.processInfo.environment["EVIDENT_CONFORMANCE"], !env.isEmpty {
            base = URL(fileURLWithPath: env)
        } else {
            base = packageRoot.appendingPathComponent("../shared/conformance").standardizedFileURL
        }
        return base.appendingPathComponent("netpol-analyzer")
    }

    static var available: Bool {
        let present = FileManager.default.fileExists(atPath: root.appendingPathComponent("tests").path)
        if !present {
            print("netpol-analyzer conformance: SKIPPED - cases not found at \(root.path) "
                  + "(set EVIDENT_CONFORMANCE to the conformance folder)")
        }
        return present
    }

    /// The 50 plain cases: golden files without `focus` in the name.
    static func plainCases() -> [String] {
        let folder = root.appendingPathComponent("test_outputs/connlist")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let suffix = "_connlist_output.txt"
        return files.filter { $0.hasSuffix(suffix) && !$0.contains("focus") }
            .map { String($0.dropLast(suffix.count)) }.sorted()
    }

    /// Loads every `.yaml`, `.yml` and `.json` file under the case folder; files that are not
    /// Kubernetes objects (the expected outputs some cases keep beside their inputs) are skipped.
    static func load(_ name: String) -> [Snapshot] {
        let folder = root.appendingPathComponent("tests").appendingPathComponent(name)
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        var files: [URL] = []
        for case let url as URL in walker where ["yaml", "yml", "json"].contains(url.pathExtension.lowercased()) {
            files.append(url)
        }
        return files.sorted { $0.path < $1.path }.compactMap { url in
            guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
            return try? SnapshotLoader.load(data, path: url.lastPathComponent)
        }
    }

    static func golden(_ name: String) -> Set<String> {
        let url = root.appendingPathComponent("test_outputs/connlist/\(name)_connlist_output.txt")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.contains("{ingress-controller}") })
    }

    static func compute(_ parts: [Snapshot]) -> (lines: Set<String>, errors: [String]) {
        let index = SnapshotIndex(Snapshot.merging(parts))
        let analysis = NetworkAnalysis(index: index, options: .connlist)
        let errors = NetworkAnalysis.inputErrors(parts: parts, analysis: analysis)
        return (Set(analysis.connlist().map(\.description)), errors)
    }
}

@Suite("netpol-analyzer conformance")
struct NetpolAnalyzerConformanceTests {
    @Test("connlist output equals the golden file in at least 95% of the 50 plain cases")
    func plainCases() throws {
        guard NetpolAnalyzerConformance.available else { return }
        let cases = NetpolAnalyzerConformance.plainCases()
        #expect(cases.count == 50)
        var equal = 0
        var differing: [String] = []
        for name in cases {
            let expected = NetpolAnalyzerConformance.golden(name)
            let (actual, errors) = NetpolAnalyzerConformance.compute(NetpolAnalyzerConformance.load(name))
            if actual == expected && errors.isEmpty {
                equal += 1
            } else {
                let missing = expected.subtracting(actual).sorted()
                let extra = actual.subtracting(expected).sorted()
                differing.append("""
                    \(name): \(missing.count) missing, \(extra.count) extra, \(errors.count) errors
                        \((missing.prefix(3).map { "- " + $0 } + extra.prefix(3).map { "+ " + $0 } + errors.prefix(2))
                            .joined(separator: "\n        "))
                    """)
            }
        }
        print("netpol-analyzer conformance: \(equal)/\(cases.count) equal")
        for line in differing { print("  differs: \(line)") }
        #expect(equal * 100 >= cases.count * 95, "only \(equal)/\(cases.count) cases equal")
    }

    @Test("focus-workload golden files (informational: direction and multi-workload focus are not supported)")
    func focusCases() throws {
        guard NetpolAnalyzerConformance.available else { return }
        let folder = NetpolAnalyzerConformance.root.appendingPathComponent("test_outputs/connlist")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        let suffix = "_connlist_output.txt", marker = "_focus_workload_"
        var equal = 0, compared = 0, skipped = 0
        for file in files where file.hasSuffix(suffix) && file.contains(marker) {
            let stem = String(file.dropLast(suffix.count))
            guard let range = stem.range(of: marker) else { continue }
            let name = String(stem[..<range.lowerBound]), focus = String(stem[range.upperBound...])
            let folderExists = FileManager.default.fileExists(
                atPath: NetpolAnalyzerConformance.root.appendingPathComponent("tests/\(name)").path)
            if !folderExists || focus.hasSuffix("_ingress") || focus.hasSuffix("_egress") || focus.contains("_with_")
                || focus.contains(marker) {
                skipped += 1
                continue
            }
            let parts = NetpolAnalyzerConformance.load(name)
            let analysis = NetworkAnalysis(index: SnapshotIndex(Snapshot.merging(parts)), options: .connlist)
            // The file name writes `ns/name` as `ns_name`: try the whole text as a name, then each split.
            var candidates = [focus]
            for i in focus.indices where focus[i] == "_" {
                candidates.append(String(focus[..<i]) + "/" + String(focus[focus.index(after: i)...]))
            }
            guard let target = candidates.first(where: { c in
                analysis.workloads.contains { "\($0.namespace)/\($0.name)" == c || $0.name == c }
            }) else { skipped += 1; continue }
            compared += 1
            let expected = NetpolAnalyzerConformance.golden(String(stem))
            if Set(analysis.connlist(focus: target).map(\.description)) == expected { equal += 1 }
        }
        print("netpol-analyzer focus cases: \(equal)/\(compared) equal, \(skipped) skipped")
        #expect(equal == compared)
    }

    @Test("the bad_path cases give a clear error", arguments: [
        "np_bad_path_test_1", "np_bad_path_test_2", "bad_path_namespace_with_same_name",
    ])
    func badPath(_ name: String) {
        guard NetpolAnalyzerConformance.available else { return }
        let (_, errors) = NetpolAnalyzerConformance.compute(NetpolAnalyzerConformance.load(name))
        print("\(name): \(errors.first ?? "no error")")
        #expect(!errors.isEmpty)
    }
}
