import Foundation
import Testing

/// Issue 7, part 5 at the command line: an unknown control id in a plan or a `--catalog` stops the run
/// (exit 2, no report), and a broken plugin makes its control `error` (exit 3), never a pass.
@Suite("No silent pass at the command line")
struct NoSilentPassCLITests {
    static let snapshot = CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml").path

    static let tailoredNIST = """
        kind: ControlCatalog
        schemaVersion: 1
        id: nist-sp800-190
        title: Tailored, one control left
        version: "1"
        families:
          - id: f
            title: F
            controls:
              - {id: sp800-190-4.6, title: T, statement: S, severity: low, mode: manual}
        """

    static func plan(_ body: String) -> String {
        "kind: SecurityPlan\nschemaVersion: 1\nid: p\ntitle: t\nversion: '1'\n" + body
    }

    static let cases: [(name: String, files: [String: String], arguments: [String], says: String)] = [
        ("exclude of an unknown control", ["p.yaml": plan("catalogs:\n  - id: nist-sp800-190\n    exclude: [{control: sp800-190-4.1.9, reason: r}]\n")],
         ["--plan", "p.yaml"], "sp800-190-4.1.9"),
        ("override of an unknown control", ["p.yaml": plan("catalogs: [{id: nist-sp800-190}]\noverrides:\n  sp800-190-4.4.33: {severity: low}\n")],
         ["--plan", "p.yaml"], "sp800-190-4.4.33"),
        ("attestation of an unknown control", ["p.yaml": plan("catalogs: [{id: nist-sp800-190}]\nattestations:\n  - {control: sp800-190-4-6, status: satisfied, statement: s, attestedBy: a, date: 2026-11-01}\n")],
         ["--plan", "p.yaml"], "sp800-190-4-6"),
        ("an exception on a control a --catalog removed", [
            "c.yaml": tailoredNIST,
            "p.yaml": plan("catalogs: [{id: nist-sp800-190}]\nexceptions:\n  - {id: E1, control: sp800-190-4.1.5, scope: {namespace: a}, justification: j, approvedBy: b, expires: 2027-01-01}\n"),
        ], ["--catalog", "c.yaml", "--plan", "p.yaml"], "sp800-190-4.1.5"),
        ("a --catalog check with an unknown evaluator", [
            "c.yaml": tailoredNIST.replacingOccurrences(of: "mode: manual}", with: "mode: automated, checks: [{id: k, evaluator: no-such-check}]}"),
        ], ["--catalog", "c.yaml"], "no-such-check"),
    ]

    @Test("an unknown control id in a plan or catalog is exit 2 with no report", arguments: 0..<5)
    func unknownControl(_ n: Int) throws {
        let c = Self.cases[n]
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, text) in c.files { try CLI.write(text, to: dir.appendingPathComponent(name)) }
        let r = try CLI.run(["audit", Self.snapshot, "-o", "out"] + c.arguments, in: dir)
        #expect(r.code == 2, "\(c.name): \(r.stderr)")
        #expect(r.stderr.contains(c.says), "\(c.name): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path), "\(c.name): no report")
    }

    @Test("a plugin that crashes or hangs makes its control error, and the run exit 3")
    func failingPlugin() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try CLI.write("#!/bin/sh\ncat > /dev/null\necho 'Traceback: boom' >&2\nexit 1\n", to: dir.appendingPathComponent("crash.sh"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.appendingPathComponent("crash.sh").path)
        try CLI.write("""
            kind: ControlCatalog
            schemaVersion: 1
            id: crashing
            title: C
            version: "1"
            families:
              - id: f
                title: F
                controls:
                  - id: crash-1
                    title: T
                    statement: S
                    severity: low
                    mode: automated
                    checks: [{id: k, evaluator: plugin, with: {path: crash.sh, kinds: [Deployment]}}]
            """, to: dir.appendingPathComponent("c.yaml"))
        let r = try CLI.run(["audit", Self.snapshot, "--catalog", "c.yaml", "-o", "out", "--format", "json"], in: dir)
        #expect(r.code == 3, "\(r.stdout)\(r.stderr)")
        let data = try Data(contentsOf: dir.appendingPathComponent("out/results.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let control = (json["controls"] as? [[String: Any]])?.first { $0["id"] as? String == "crash-1" }
        #expect(control?["status"] as? String == "error")
    }
}
