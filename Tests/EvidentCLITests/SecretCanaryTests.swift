import EvidentTestSupport
import Foundation
import Testing

/// Issue 7, part 4: secret values never leak. Canaries sit in Secret `data` (base64) and `stringData`, in
/// ConfigMap `data` (a private key PEM, a password) and `binaryData`, in env values, in annotations (the
/// last-applied-configuration one holding a whole Secret), in an image scan's secret match and in what a
/// plugin is handed; every format, `--annotations github/gitlab`, `diff`, `reach`, `--timings` and an error
/// after a valid snapshot must hold none of them, nor their base64.
@Suite("Secret canaries", .serialized)
struct SecretCanaryTests {
    static let now = "2026-11-27T12:00:00Z"

    /// Every output a user or CI log sees: the files of the report folders, stdout and stderr of each run.
    struct Outputs {
        var texts: [(String, String)] = []

        mutating func add(_ name: String, _ result: CLI.Result) {
            texts.append(("\(name) stdout", result.stdout))
            texts.append(("\(name) stderr", result.stderr))
        }

        mutating func addFolder(_ url: URL) throws {
            let files = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
            for file in files {
                texts.append((file.lastPathComponent, String(decoding: try Data(contentsOf: file), as: UTF8.self)))
            }
        }
    }

    /// The first offset of `needle` in `haystack` (bytes; Swift's String search is slow on large reports).
    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func trivySecretScan(canary: String) throws -> Data {
        let url = CLI.fixtures.appendingPathComponent("scans/trivy-web.json")
        var scan = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var results = scan["Results"] as? [[String: Any]] ?? []
        results.append([
            "Target": "/app/.env", "Class": "secret",
            "Secrets": [[
                "RuleID": "aws-secret-access-key", "Category": "AWS", "Severity": "CRITICAL",
                "Title": "AWS Secret Access Key", "StartLine": 3, "EndLine": 3,
                "Match": "AWS_SECRET_ACCESS_KEY=\(canary)",
                "Code": ["Lines": [["Number": 3, "Content": "AWS_SECRET_ACCESS_KEY=\(canary)", "IsCause": true]]],
            ]],
        ])
        scan["Results"] = results
        return try JSONSerialization.data(withJSONObject: scan)
    }

    /// A plugin that writes what it was handed to stderr (evident shows plugin stderr as a warning) and
    /// fails every workload with a message naming it.
    static let plugin = """
        #!/usr/bin/env python3
        import json, sys
        raw = sys.stdin.read()
        sys.stderr.write(raw[:3000])
        request = json.loads(raw)
        findings = [{"resource": {"kind": r["kind"], "namespace": r["namespace"], "name": r["name"]},
                     "message": "checked " + r["name"]} for r in request["resources"]]
        json.dump({"protocolVersion": 1, "evaluated": len(request["resources"]), "findings": findings}, sys.stdout)
        """

    static let pluginCatalog = """
        kind: ControlCatalog
        schemaVersion: 1
        id: canary-plugins
        title: Plugin that echoes its request
        version: "1"
        families:
          - id: f
            title: F
            controls:
              - id: canary-echo
                title: Echo
                statement: s
                severity: low
                mode: automated
                checks:
                  - {id: echo, evaluator: plugin, with: {path: echo.py, timeout: 60, kinds: [Pod, Deployment, Secret, ConfigMap]}}
        """

    @Test("no canary in any report, annotation, diff, reach output, log line or error", .timeLimit(.minutes(5)))
    func canaries() throws {
        let dir = try CLI.temporaryDirectory()
        defer { if ProcessInfo.processInfo.environment["EVIDENT_KEEP"] == nil { try? FileManager.default.removeItem(at: dir) } }
        var snapshot = HostileSnapshot.make(seed: 0x5EC, pods: 160, canaries: true)
        var later = HostileSnapshot.make(seed: 0x5ED, pods: 160, firstID: 900_000, canaries: true)
        let scanCanary = "\(HostileSnapshot.canaryPrefix)-SCAN"
        snapshot.canaries.append(scanCanary)
        let scanned: [String: Any] = [
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "web", "namespace": "shop"],
            "spec": ["containers": [["name": "web", "image": "registry.example.com/shop/web:1.4.2",
                                     "env": [["name": "TOKEN", "value": snapshot.canaries[0]]]]]],
        ]
        snapshot.objects.append(scanned)
        later.objects.append(scanned)
        try snapshot.json.write(to: dir.appendingPathComponent("snap.json"))
        try later.json.write(to: dir.appendingPathComponent("later.json"))
        try Self.trivySecretScan(canary: scanCanary).write(to: dir.appendingPathComponent("trivy.json"))
        try CLI.write(Self.plugin, to: dir.appendingPathComponent("echo.py"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.appendingPathComponent("echo.py").path)
        try CLI.write(Self.pluginCatalog, to: dir.appendingPathComponent("plugins.yaml"))
        try CLI.write("kind: SecurityPlan\nschemaVersion: 1\nid: p\ntitle: t\nversion: '1'\ncatalogs: [{id: nist-sp800-190x}]\n",
                      to: dir.appendingPathComponent("broken-plan.yaml"))

        var out = Outputs()
        let common = ["--now", Self.now, "--format", "all", "--scan", "trivy.json", "--catalog", "plugins.yaml"]
        let first = try CLI.run(["audit", "snap.json", "-o", "one", "--annotations", "github", "--timings"] + common, in: dir)
        #expect(first.code == 1, "\(first.stderr)")
        out.add("audit github", first)
        let second = try CLI.run(["audit", "later.json", "-o", "two", "--annotations", "gitlab", "--baseline", "one/results.json"]
                                 + common, in: dir)
        #expect(second.code == 1 || second.code == 0, "\(second.stderr)")
        out.add("audit gitlab", second)
        for format in ["text", "markdown"] {
            out.add("diff \(format)", try CLI.run(["diff", "one/results.json", "two/results.json", "--format", format], in: dir))
        }
        out.add("reach", try CLI.run(["reach", "snap.json", "--focus", "shop/web"], in: dir))
        out.add("reach json", try CLI.run(["reach", "snap.json", "--format", "json", "--focus", "shop/web"], in: dir))
        let broken = try CLI.run(["audit", "snap.json", "--plan", "broken-plan.yaml", "-o", "three"], in: dir)
        #expect(broken.code == 2)
        out.add("broken plan", broken)
        let stdin = try CLI.run(["audit", "-", "-o", "four", "--format", "json", "--now", Self.now], stdin: snapshot.json, in: dir)
        out.add("stdin", stdin)
        try out.addFolder(dir.appendingPathComponent("one"))
        try out.addFolder(dir.appendingPathComponent("two"))
        try out.addFolder(dir.appendingPathComponent("four"))

        let canaries = snapshot.canaries + later.canaries
        #expect(canaries.count >= 1_000)
        // The needles do find every canary's base64, whatever bytes precede it.
        for canary in canaries.prefix(50) {
            for pad in 0..<3 {
                let encoded = Data((String(repeating: "k", count: pad) + canary).utf8).base64EncodedString()
                #expect(HostileSnapshot.canaryNeedles.dropFirst().contains { encoded.contains($0) })
            }
        }
        // Every canary starts with the same prefix: its plain and base64 forms are all a leak can look like.
        let forms = HostileSnapshot.canaryNeedles
        var leaks: [String] = []
        for (name, text) in out.texts {
            let bytes = Array(text.utf8)
            for form in forms {
                if let at = Self.find(Array(form.utf8), in: bytes) {
                    leaks.append("\(name): \(String(decoding: bytes[at..<min(bytes.count, at + 60)], as: UTF8.self))")
                }
            }
        }
        #expect(leaks.isEmpty, "\(leaks.count) leaks: \(leaks.prefix(10))")
        // The objects themselves are reported: the check ran on them.
        let json = out.texts.first { $0.0 == "results.json" }?.1 ?? ""
        #expect(json.contains("\"web\"") && json.contains("aws-secret-access-key"))
        print("secret canaries: \(canaries.count) canaries (\(forms.count) forbidden forms: \(forms)) checked against "
              + "\(out.texts.count) outputs")
    }
}
