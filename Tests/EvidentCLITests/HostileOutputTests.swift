import EvidentTestSupport
import Foundation
import Testing

/// Issue 7, parts 3 and 4 at the command line: hostile snapshot text reaches no terminal raw (stdout summary,
/// GitHub annotations, `diff`, `reach`, `plan validate`, `controls`, stderr diagnostics and errors), and no
/// secret value reaches any report, stdout or stderr.
@Suite("Hostile text at the command line", .serialized)
struct HostileOutputTests {
    static let now = "2026-11-27T12:00:00Z"
    /// A file name an attacker might commit: escape sequences and a bidi override.
    static let hostileFile = "snap-\u{1B}[31m-\u{202E}fdp.json"

    /// Whether printed text is free of what a terminal would interpret: C0 controls other than line feed,
    /// DEL, C1 controls (8-bit CSI), bidi controls and zero-width characters.
    static func unsafeScalars(_ text: String) -> [String] {
        text.unicodeScalars.filter { s in
            switch s.value {
            case 0x0A: return false
            case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200B...0x200F, 0x202A...0x202E, 0x2060, 0x2066...0x2069, 0xFEFF:
                return true
            default: return false
            }
        }.map { String(format: "U+%04X", $0.value) }
    }

    static func expectClean(_ text: String, _ channel: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let bad = unsafeScalars(text)
        #expect(bad.isEmpty, "\(channel) prints raw \(Set(bad).sorted().prefix(8))", sourceLocation: sourceLocation)
    }

    /// How many of the generated strings appear (by their unique token) in `text`.
    static func tokens(_ snapshot: HostileSnapshot, in text: String) -> Int {
        let found = Set(text.matches(of: /EVD[0-9]+Q/).map { String($0.output) })
        return snapshot.inputs.filter { input in
            input.text.firstMatch(of: /EVD[0-9]+Q/).map { found.contains(String($0.output)) } ?? false
        }.count
    }

    @Test("every output channel is free of escape sequences and bidi controls", .timeLimit(.minutes(5)))
    func terminalChannels() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = HostileSnapshot.make(seed: 0x7E41, pods: 150, firstID: 0)
        let second = HostileSnapshot.make(seed: 0x7E42, pods: 150, firstID: 1_000_000)
        try first.json.write(to: dir.appendingPathComponent(Self.hostileFile))
        try second.json.write(to: dir.appendingPathComponent("second.json"))
        var printed: [(String, String)] = []

        let a = try CLI.run(["audit", Self.hostileFile, "-o", "one", "--format", "all", "--annotations", "github",
                             "--now", Self.now], in: dir)
        #expect(a.code == 1, "\(a.stderr)")
        printed += [("audit stdout", a.stdout), ("audit stderr", a.stderr)]
        for line in a.stdout.split(separator: "\n") where line.hasPrefix("::") {
            #expect(line.wholeMatch(of: /::(error|warning|notice) [^:]*::.*/) != nil, "\(line.prefix(120))")
        }
        let b = try CLI.run(["audit", "second.json", "-o", "two", "--now", Self.now, "--baseline", "one/results.json"], in: dir)
        printed += [("audit --baseline stdout", b.stdout), ("audit --baseline stderr", b.stderr)]
        for format in ["text", "markdown"] {
            let d = try CLI.run(["diff", "one/results.json", "two/results.json", "--format", format, "--max-rows", "100000"], in: dir)
            #expect(d.code == 1, "\(d.stderr)")
            printed += [("diff \(format)", d.stdout), ("diff \(format) stderr", d.stderr)]
            print("hostile output: diff \(format): \(Self.tokens(first, in: d.stdout) + Self.tokens(second, in: d.stdout)) "
                  + "of \(first.inputs.count + second.inputs.count) generated inputs shown")
        }
        // reach: every workload pair (no policies), so a smaller snapshot.
        let small = HostileSnapshot.make(seed: 0x7E43, pods: 40, firstID: 2_000_000)
        try small.json.write(to: dir.appendingPathComponent("small.json"))
        let r = try CLI.run(["reach", "small.json"], in: dir)
        #expect(r.code == 0, "\(r.stderr)")
        printed += [("reach", r.stdout), ("reach stderr", r.stderr)]
        print("hostile output: reach: \(Self.tokens(small, in: r.stdout)) of \(small.inputs.count) generated inputs shown")
        let rj = try CLI.run(["reach", "small.json", "--format", "json"], in: dir)
        let conns = try #require(try JSONSerialization.jsonObject(with: Data(rj.stdout.utf8)) as? [[String: String]])
        let names = Set(small.inputs.filter { $0.field == "deployment" || $0.field == "pod" }.map(\.text))
        let shown = names.filter { name in conns.contains { ($0["src"] ?? "").contains(name) || ($0["dst"] ?? "").contains(name) } }
        #expect(shown.count == names.count, "reach --format json keeps every workload name exactly")
        print("hostile output: audit stdout: \(Self.tokens(first, in: a.stdout)) of \(first.inputs.count) generated inputs shown")
        for (channel, text) in printed { Self.expectClean(text, channel) }
    }

    /// Errors quote the offending word and the file: both may be hostile.
    @Test("error messages and plan or catalog text print cleanly", arguments: 0..<8)
    func errors(_ n: Int) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SeededGenerator(seed: 0xE440 + UInt64(n))
        func word(_ id: Int) -> String {
            // YAML double-quoted escapes keep every scalar, controls included.
            let text = HostileText.string(id, &rng, longEvery: 0)
            return "\"" + text.unicodeScalars.map { s -> String in
                switch s {
                case "\"": return "\\\""
                case "\\": return "\\\\"
                default:
                    return s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.value >= 0xFFFE && s.value <= 0xFFFF
                        ? String(format: "\\u%04X", s.value) : String(s)
                }
            }.joined() + "\""
        }
        let snapshot = CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml").path
        let duplicate = word(11)
        let cases: [(String, String, [String])] = [
            ("plan unknown key", "kind: SecurityPlan\nschemaVersion: 1\n\(word(1)): x\n", ["plan", "validate", Self.hostileFile]),
            ("plan unknown control", """
                kind: SecurityPlan
                schemaVersion: 1
                id: p
                title: \(word(2))
                version: '1'
                catalogs: [{id: nist-sp800-190}]
                exceptions:
                  - {id: E1, control: \(word(3)), scope: {namespace: a}, justification: j, approvedBy: b, expires: 2027-01-01}
                """, ["audit", snapshot, "--plan", Self.hostileFile, "-o", "out"]),
            ("plan valid with hostile text", """
                kind: SecurityPlan
                schemaVersion: 1
                id: p
                title: \(word(4))
                version: '1'
                owner: \(word(5))
                catalogs: [{id: nist-sp800-190}]
                attestations:
                  - {control: sp800-190-4.6, status: satisfied, statement: \(word(6)), attestedBy: \(word(7)), date: 2020-01-01, expires: 2021-01-01}
                """, ["plan", "validate", Self.hostileFile]),
            ("catalog with hostile titles", """
                kind: ControlCatalog
                schemaVersion: 1
                id: hostile
                title: \(word(8))
                version: '1'
                families:
                  - id: f
                    title: \(word(9))
                    controls:
                      - {id: h-1, title: \(word(10)), statement: s, severity: low, mode: manual}
                """, ["controls", "--catalog", Self.hostileFile]),
            ("snapshot duplicate key", "kind: ConfigMap\napiVersion: v1\nmetadata: {name: x, \(duplicate): 1, \(duplicate): 2}\n",
             ["audit", Self.hostileFile, "-o", "out"]),
            ("unknown control for controls", "", ["controls", String(word(12).dropFirst().dropLast())]),
            ("missing file", "", ["audit", "missing-\u{1B}]8;;https://evil.example/\u{7}x\u{1B}]8;;\u{7}.json"]),
            ("bad option value", "", ["audit", snapshot, "--fail-on", "\u{1B}[2J\u{202E}bad"]),
        ]
        let (name, content, arguments) = cases[n]
        if !content.isEmpty { try CLI.write(content, to: dir.appendingPathComponent(Self.hostileFile)) }
        let r = try CLI.run(arguments, in: dir)
        Self.expectClean(r.stdout, "\(name): stdout")
        Self.expectClean(r.stderr, "\(name): stderr")
        if name != "plan valid with hostile text" && name != "catalog with hostile titles" {
            #expect(r.code == 2, "\(name): \(r.stderr)")
        }
    }
}
