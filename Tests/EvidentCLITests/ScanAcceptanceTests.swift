import Foundation
import Testing

/// Image-scan results end to end: `--scan` with Trivy and Grype reports against the compliant fixture.
@Suite("Image scans")
struct ScanAcceptanceTests {
    let now = "2026-11-27T12:00:00Z"
    static let scans = CLI.fixtures.appendingPathComponent("scans")

    func results(_ url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: url)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func control(_ json: [String: Any], _ id: String) -> [String: Any]? {
        (json["controls"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }.first { $0["id"] as? String == id }
    }

    func messages(_ control: [String: Any]?) -> [String] {
        (control?["findings"] as? [Any] ?? []).compactMap { ($0 as? [String: Any])?["message"] as? String }
    }

    /// The compliant plan, with the procedural half of 4.1.1 attested so that the checks decide it.
    func plan(in dir: URL, extra: String = "") throws -> URL {
        let base = try String(contentsOf: CLI.fixtures.appendingPathComponent("compliant-plan.yaml"), encoding: .utf8)
        let url = dir.appendingPathComponent("plan.yaml")
        try CLI.write(base + """
            attestations:
              - control: sp800-190-4.1.1
                status: satisfied
                statement: The pipeline blocks images with critical vulnerabilities.
                attestedBy: platform-security@example.com
                date: 2026-11-01
                expires: 2027-11-01

            """ + extra, to: url)
        return url
    }

    func audit(_ dir: URL, _ name: String, plan: URL, scans: [String]) throws -> (CLI.Result, [String: Any]) {
        let out = dir.appendingPathComponent(name)
        let r = try CLI.run(["audit", CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml").path, "--plan", plan.path,
                             "--now", now, "--output", out.path]
                            + scans.flatMap { ["--scan", Self.scans.appendingPathComponent($0).path] })
        return (r, try results(out.appendingPathComponent("results.json")))
    }

    @Test func criticalVulnerabilityFailsAndAnImageExceptionWaivesIt() throws {
        let dir = try CLI.temporaryDirectory()
        let (failing, json) = try audit(dir, "a", plan: try plan(in: dir), scans: ["trivy-web.json"])
        #expect(failing.code == 1)
        let c = control(json, "sp800-190-4.1.1")
        #expect(c?["status"] as? String == "not-satisfied")
        let message = try #require(messages(c).first { $0.contains("CVE-2024-5535") })
        #expect(message.contains("libcrypto3 3.1.4-r5") && message.contains("fixed in 3.1.6-r0"), "\(message)")
        // The scanner's secret: named by file and rule, its text never printed.
        #expect(control(json, "sp800-190-4.1.4")?["status"] as? String == "not-satisfied")
        #expect(messages(control(json, "sp800-190-4.1.4")).contains { $0.contains("aws-access-key-id") && $0.contains("/app/.env") })
        for report in ["report.html", "report.md", "junit.xml", "results.json"] {
            let text = try String(contentsOf: dir.appendingPathComponent("a/\(report)"), encoding: .utf8)
            #expect(!text.contains("AWS_ACCESS_KEY_ID="), "\(report) prints the secret")
        }

        let waivedPlan = try plan(in: dir, extra: """
            exceptions:
              - id: EXC-CVE
                control: sp800-190-4.1.1
                scope: {namespace: shop, image: "registry.example.com/shop/web:*"}
                justification: The vulnerable code path is not reachable; patched image due next sprint
                approvedBy: ciso@example.com
                expires: 2026-12-31

            """)
        let (_, waived) = try audit(dir, "b", plan: waivedPlan, scans: ["trivy-web.json"])
        #expect(control(waived, "sp800-190-4.1.1")?["status"] as? String == "waived")
    }

    @Test func withoutScansTheScanControlsNeedEvidence() throws {
        let dir = try CLI.temporaryDirectory()
        let (_, json) = try audit(dir, "a", plan: try plan(in: dir), scans: [])
        for id in ["sp800-190-4.1.1", "sp800-190-4.1.2", "sp800-190-4.1.4", "sp800-190-4.2.2", "sp800-190-4.4.4"] {
            #expect(control(json, id)?["status"] as? String == "needs-evidence", "\(id)")
        }
    }

    @Test func grypeReportOfAnUnrunImageLeavesTheRunningOneUnscanned() throws {
        let dir = try CLI.temporaryDirectory()
        let (_, json) = try audit(dir, "a", plan: try plan(in: dir), scans: ["grype-worker.json"])
        let c = control(json, "sp800-190-4.1.1")
        #expect(c?["status"] as? String == "not-satisfied")
        #expect(messages(c).contains { $0.contains("no scan report covers registry.example.com/shop/web:1.4.2") })
        let diagnostics = (json["diagnostics"] as? [Any] ?? []).compactMap { ($0 as? [String: Any])?["message"] as? String }
        #expect(diagnostics.contains { $0.contains("report for registry.example.com/shop/worker:2.0.1 matches no container") },
                "\(diagnostics)")
    }

    @Test func aMalformedReportStopsTheRun() throws {
        let dir = try CLI.temporaryDirectory()
        let bad = dir.appendingPathComponent("bad.json")
        try CLI.write("{\"SchemaVersion\": 2, \"ArtifactName\": \"x:1\", \"Results\": 3}", to: bad)
        let r = try CLI.run(["audit", CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml").path, "--scan", bad.path,
                             "--now", now, "--output", dir.appendingPathComponent("out").path])
        #expect(r.code == 2)
        #expect(r.stderr.contains("bad.json:1") && r.stderr.contains("Results"), "\(r.stderr)")
    }
}
