import Foundation
import Testing

/// Hostile inputs to every loader (issue 7, part 1): each must end in exit code 2 with a message naming the
/// file, and write no report. The one-minute time limit catches hangs (an alias bomb once hung); there are no
/// speed assertions.
@Suite struct HostileInputTests {
    /// One hostile input: what it probes, the file, and the command that reads it.
    struct Case: Sendable, CustomTestStringConvertible {
        /// The weakness probed: alias-bomb, nesting, huge-scalar, size-limit, utf8, duplicate-key, wrong-type.
        var weakness: String
        var name: String
        var file: String
        var content: @Sendable () -> Data
        /// The command; `$F` is the hostile file, `$S` a valid snapshot, `$P` a valid plan.
        var arguments: [String]
        var stdin: Bool = false
        /// What the message must say, when not the usual words for the weakness.
        var says: String?

        /// The words the error message must hold.
        var expected: String {
            if let says { return says }
            switch weakness {
            case "alias-bomb": return "alias bomb"
            case "nesting": return "nesting deeper"
            case "huge-scalar": return "longer than the limit"
            case "size-limit": return "larger than the limit"
            case "utf8": return "UTF-8"
            case "duplicate-key": return "duplicate key"
            default: return "must be"
            }
        }

        var testDescription: String { "\(weakness): \(name)" }
    }

    static func text(_ s: String) -> @Sendable () -> Data { { Data(s.utf8) } }

    static let aliasBomb: String = {
        var s = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for i in 1...9 { s += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n" }
        return s
    }()

    /// A plan whose one allowed parameter holds a billion-laughs list.
    static let planBomb: String = {
        var s = "kind: SecurityPlan\nschemaVersion: 1\nid: bomb\ntitle: t\nversion: '1.0'\ncatalogs:\n  - id: nist-sp800-190\n"
        s += "parameters:\n  allowed_registries:\n    - &a0 [r, r, r, r, r, r, r, r, r]\n"
        for i in 1...11 { s += "    - &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n" }
        return s
    }()

    /// A catalog whose parameter default holds a billion-laughs list.
    static let catalogBomb: String = {
        var s = "kind: ControlCatalog\nschemaVersion: 1\nid: bomb\ntitle: t\nversion: '1'\nparameters:\n"
        s += "  - id: p\n    type: list<string>\n    default:\n      - &a0 [r, r, r, r, r, r, r, r, r]\n"
        for i in 1...11 { s += "      - &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n" }
        return s + "families: []\n"
    }()

    static let deepYAML: String = (0..<600).map { String(repeating: "  ", count: $0) + "k:\n" }.joined()
        + String(repeating: "  ", count: 600) + "v\n"
    /// A plan whose parameter holds 600 nested lists (within libyaml's limit, beyond ours).
    static let deepPlan = "kind: SecurityPlan\nschemaVersion: 1\nid: deep\ntitle: t\nversion: '1.0'\n"
        + "catalogs:\n  - id: nist-sp800-190\nparameters:\n  allowed_registries:\n"
        + (1...600).map { String(repeating: "  ", count: $0 + 1) + "-\n" }.joined() + String(repeating: "  ", count: 602) + "- r\n"
    static let deepFlowYAML = "key: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
    static let deepJSON = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    static let configMapJSON = #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x"},"data":{"a":"#

    static func hugeJSONScalar() -> Data {
        Data(configMapJSON.utf8) + Data(repeating: UInt8(ascii: "\""), count: 1)
            + Data(repeating: UInt8(ascii: "x"), count: 64 << 20) + Data(#""}}"#.utf8)
    }

    static func hugeYAMLScalar() -> Data {
        Data("kind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\ndata:\n  a: \"".utf8)
            + Data(repeating: UInt8(ascii: "x"), count: 64 << 20) + Data("\"\n".utf8)
    }

    /// A 20 MiB literal block scalar of short lines: only the scalar limit catches it, not the line check.
    static func hugeBlockScalar() -> Data {
        var data = Data("kind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\ndata:\n  a: |\n".utf8)
        let line = Data(("    " + String(repeating: "x", count: 1019) + "\n").utf8)
        for _ in 0..<(20 << 10) { data.append(line) }
        return data
    }

    /// Just over the 16 MiB default for plans, catalogs and scans: a YAML comment.
    static func overSmallLimit() -> Data {
        Data("# ".utf8) + Data(repeating: UInt8(ascii: "x"), count: 16 << 20) + Data("\nkind: SecurityPlan\n".utf8)
    }

    static let badUTF8JSON: @Sendable () -> Data = {
        Data(#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":""#.utf8) + Data([0xFF, 0xFE]) + Data(#""}}"#.utf8)
    }
    static let badUTF8YAML: @Sendable () -> Data = {
        Data("kind: ConfigMap\napiVersion: v1\nmetadata: {name: \"".utf8) + Data([0xC3, 0x28]) + Data("\"}\n".utf8)
    }

    static let audit = ["audit", "$F", "-o", "out"]
    static let plan = ["plan", "validate", "$F"]
    static let auditPlan = ["audit", "$S", "--plan", "$F", "-o", "out"]
    static let catalog = ["audit", "$S", "--catalog", "$F", "-o", "out"]
    static let scan = ["audit", "$S", "--scan", "$F", "-o", "out"]
    static let object = ["cel", "true", "--object", "$F"]
    static let params = ["cel", "true", "--params", "$F"]

    static let cases: [Case] = [
        // Snapshots.
        Case(weakness: "alias-bomb", name: "snapshot YAML billion laughs", file: "s.yaml", content: text(aliasBomb), arguments: audit),
        Case(weakness: "nesting", name: "snapshot YAML deep block mappings", file: "s.yaml", content: text(deepYAML), arguments: audit),
        Case(weakness: "nesting", name: "snapshot YAML deep flow lists", file: "s.yaml", content: text(deepFlowYAML), arguments: audit),
        Case(weakness: "nesting", name: "snapshot JSON deep arrays", file: "s.json", content: text(deepJSON), arguments: audit),
        Case(weakness: "huge-scalar", name: "snapshot JSON 64 MiB string", file: "s.json", content: hugeJSONScalar, arguments: audit),
        Case(weakness: "huge-scalar", name: "snapshot YAML 64 MiB string", file: "s.yaml", content: hugeYAMLScalar, arguments: audit),
        Case(weakness: "huge-scalar", name: "snapshot YAML 20 MiB block scalar", file: "s.yaml", content: hugeBlockScalar,
             arguments: audit),
        Case(weakness: "size-limit", name: "snapshot over --max-input-size", file: "s.json", content: text(deepJSON),
             arguments: audit + ["--max-input-size", "1KiB"]),
        Case(weakness: "size-limit", name: "snapshot on stdin over --max-input-size", file: "-", content: text(deepJSON),
             arguments: ["audit", "-", "-o", "out", "--max-input-size", "4KiB"], stdin: true),
        Case(weakness: "utf8", name: "snapshot JSON invalid UTF-8", file: "s.json", content: badUTF8JSON, arguments: audit),
        Case(weakness: "utf8", name: "snapshot YAML invalid UTF-8", file: "s.yaml", content: badUTF8YAML, arguments: audit),
        Case(weakness: "duplicate-key", name: "snapshot JSON duplicate key", file: "s.json",
             content: text(#"{"kind":"ConfigMap","apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}"#), arguments: audit),
        Case(weakness: "duplicate-key", name: "snapshot YAML duplicate key", file: "s.yaml",
             content: text("kind: ConfigMap\napiVersion: v1\nmetadata: {name: x, name: y}\n"), arguments: audit),
        Case(weakness: "wrong-type", name: "snapshot YAML metadata is a list", file: "s.yaml",
             content: text("kind: ConfigMap\napiVersion: v1\nmetadata: [1, 2]\n"), arguments: audit),
        Case(weakness: "wrong-type", name: "snapshot JSON metadata is text", file: "s.json",
             content: text(#"{"kind":"ConfigMap","apiVersion":"v1","metadata":"x"}"#), arguments: audit),
        Case(weakness: "wrong-type", name: "snapshot YAML items is a mapping", file: "s.yaml",
             content: text("kind: List\napiVersion: v1\nitems: {a: 1}\n"), arguments: audit),
        Case(weakness: "wrong-type", name: "snapshot JSON items is text", file: "s.json",
             content: text(#"{"kind":"List","apiVersion":"v1","items":"x"}"#), arguments: audit),
        Case(weakness: "wrong-type", name: "snapshot YAML document is a list", file: "s.yaml",
             content: text("- a\n- b\n"), arguments: audit, says: "expected a Kubernetes object"),
        // Plans.
        Case(weakness: "alias-bomb", name: "plan billion laughs in a parameter", file: "p.yaml", content: text(planBomb), arguments: plan),
        Case(weakness: "alias-bomb", name: "audit --plan billion laughs", file: "p.yaml", content: text(planBomb), arguments: auditPlan),
        Case(weakness: "alias-bomb", name: "plan billion laughs at the top", file: "p.yaml", content: text(aliasBomb), arguments: plan,
             says: "unknown key"),
        Case(weakness: "nesting", name: "plan deep block lists in a parameter", file: "p.yaml", content: text(deepPlan),
             arguments: plan),
        Case(weakness: "nesting", name: "plan deep flow lists", file: "p.yaml", content: text(deepFlowYAML), arguments: plan),
        Case(weakness: "size-limit", name: "plan over 16 MiB", file: "p.yaml", content: overSmallLimit, arguments: plan),
        Case(weakness: "utf8", name: "plan invalid UTF-8", file: "p.yaml", content: badUTF8YAML, arguments: plan),
        Case(weakness: "duplicate-key", name: "plan duplicate key", file: "p.yaml",
             content: text("kind: SecurityPlan\nkind: SecurityPlan\n"), arguments: plan),
        Case(weakness: "wrong-type", name: "plan is a list", file: "p.yaml", content: text("- a\n- b\n"), arguments: plan),
        Case(weakness: "wrong-type", name: "plan catalogs is a mapping", file: "p.yaml",
             content: text("kind: SecurityPlan\nschemaVersion: 1\nid: p\ntitle: t\nversion: '1'\ncatalogs: {id: nist-sp800-190}\n"),
             arguments: plan),
        // Catalogs.
        Case(weakness: "alias-bomb", name: "catalog billion laughs at the top", file: "c.yaml", content: text(aliasBomb),
             arguments: catalog, says: "unknown key"),
        Case(weakness: "alias-bomb", name: "catalog billion laughs in a parameter default", file: "c.yaml",
             content: text(catalogBomb), arguments: catalog),
        Case(weakness: "nesting", name: "catalog deep flow lists", file: "c.yaml", content: text(deepFlowYAML), arguments: catalog),
        Case(weakness: "size-limit", name: "catalog over 16 MiB", file: "c.yaml", content: overSmallLimit, arguments: catalog),
        Case(weakness: "utf8", name: "catalog invalid UTF-8", file: "c.yaml", content: badUTF8YAML, arguments: catalog),
        Case(weakness: "duplicate-key", name: "catalog duplicate key", file: "c.yaml",
             content: text("kind: Catalog\nkind: Catalog\n"), arguments: catalog),
        Case(weakness: "wrong-type", name: "catalog is a list", file: "c.yaml", content: text("- a\n"), arguments: catalog),
        // Scans.
        Case(weakness: "nesting", name: "scan deep arrays", file: "t.json", content: text(deepJSON), arguments: scan),
        Case(weakness: "huge-scalar", name: "scan 64 MiB string under a raised size limit", file: "t.json",
             content: hugeJSONScalar, arguments: scan + ["--max-input-size", "1GiB"]),
        Case(weakness: "size-limit", name: "scan over 16 MiB", file: "t.json", content: hugeJSONScalar, arguments: scan),
        Case(weakness: "utf8", name: "scan invalid UTF-8", file: "t.json", content: badUTF8JSON, arguments: scan),
        Case(weakness: "duplicate-key", name: "scan duplicate key", file: "t.json",
             content: text(#"{"SchemaVersion":2,"SchemaVersion":2,"Results":[]}"#), arguments: scan),
        Case(weakness: "wrong-type", name: "scan is a list", file: "t.json", content: text("[1, 2]"), arguments: scan, says: "must be one JSON object"),
        // evident cel.
        Case(weakness: "alias-bomb", name: "cel --object billion laughs", file: "o.yaml", content: text(aliasBomb), arguments: object),
        Case(weakness: "alias-bomb", name: "cel --params billion laughs", file: "o.yaml", content: text(aliasBomb), arguments: params),
        Case(weakness: "nesting", name: "cel --object deep arrays", file: "o.json", content: text(deepJSON), arguments: object),
        Case(weakness: "size-limit", name: "cel --object over 16 MiB", file: "o.json", content: hugeJSONScalar, arguments: object),
        Case(weakness: "utf8", name: "cel --object invalid UTF-8", file: "o.yaml", content: badUTF8YAML, arguments: object),
        Case(weakness: "duplicate-key", name: "cel --params duplicate key", file: "o.yaml",
             content: text("a: 1\na: 2\n"), arguments: params),
        Case(weakness: "wrong-type", name: "cel --object metadata is a list", file: "o.yaml",
             content: text("kind: ConfigMap\napiVersion: v1\nmetadata: [1, 2]\n"), arguments: object),
    ]

    @Test(.timeLimit(.minutes(1)), arguments: cases)
    func failsCleanly(_ hostile: Case) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let content = hostile.content()
        var stdin: Data?
        if hostile.stdin {
            stdin = content
        } else {
            try content.write(to: dir.appendingPathComponent(hostile.file))
        }
        let snapshot = CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml").path
        let planPath = CLI.fixtures.appendingPathComponent("compliant-plan.yaml").path
        let arguments = hostile.arguments.map {
            switch $0 {
            case "$F": hostile.file
            case "$S": snapshot
            case "$P": planPath
            default: $0
            }
        }
        let result = try CLI.run(arguments, stdin: stdin, in: dir)
        #expect(result.code == 2, "\(result.stderr)")
        #expect(result.stderr.contains("\(hostile.file):"), "the message names the file: \(result.stderr)")
        #expect(result.stderr.contains(hostile.expected), "the message says why: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path), "no report folder")
    }

    @Test func theSuiteCoversEveryWeakness() {
        let weaknesses = Set(Self.cases.map(\.weakness))
        #expect(weaknesses == ["alias-bomb", "nesting", "huge-scalar", "size-limit", "utf8", "duplicate-key", "wrong-type"])
        #expect(Self.cases.count >= 40)
    }
}
