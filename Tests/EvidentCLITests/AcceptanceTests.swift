import EvidentReport
import Foundation
import Testing

/// The foundation issue's acceptance checks, end to end through the executable.
@Suite("Acceptance")
struct AcceptanceTests {
    let now = "2026-11-27T12:00:00Z"
    static let canaries = ["CANARY-SECRET-VALUE-7f3a9c", "Q0FOQVJZLVNFQ1JFVC1EQVRBLTlkMmU=", "CANARY-SECRET-DATA-9d2e",
                           "CANARY-PRIVATE-KEY-41b7"]

    func results(_ url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: url)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func statuses(_ json: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for case let c as [String: Any] in json["controls"] as? [Any] ?? [] {
            if let id = c["id"] as? String, let status = c["status"] as? String { out[id] = status }
        }
        return out
    }

    @Test func compliantSnapshotPasses() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["audit", CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml").path,
                             "--plan", CLI.fixtures.appendingPathComponent("compliant-plan.yaml").path,
                             "--now", now, "--output", dir.path])
        let s = statuses(try results(dir.appendingPathComponent("results.json")))
        #expect(r.code == 0, "\(r.stdout)\n\(s.filter { $0.value == "not-satisfied" || $0.value == "error" })")
        #expect(!s.values.contains("not-satisfied"))
        #expect(!s.values.contains("error"))
        #expect(s["pss-restricted-runAsNonRoot"] == "satisfied")
        #expect(s["sp800-190-4.3.3"] == "satisfied")
        let junit = dir.appendingPathComponent("junit.xml")
        try Self.expectValidJUnit(junit)
    }

    @Test func exceptionsWaiveUntilTheyExpire() throws {
        let dir = try CLI.temporaryDirectory()
        let base = try String(contentsOf: CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml"), encoding: .utf8)
        let snapshot = dir.appendingPathComponent("snapshot.yaml")
        // One deviation: an otherwise compliant workload from a registry outside the allow-list.
        try CLI.write(base.replacingOccurrences(of: "image: registry.example.com/shop/web:1.4.2",
                                                with: "image: quay.io/vendor/web:1.4.2"), to: snapshot)
        let planBase = try String(contentsOf: CLI.fixtures.appendingPathComponent("compliant-plan.yaml"), encoding: .utf8)
        let plan = dir.appendingPathComponent("plan.yaml")
        try CLI.write(planBase, to: plan)
        let failing = try CLI.run(["audit", snapshot.path, "--plan", plan.path, "--now", now, "--format", "json", "--output", dir.appendingPathComponent("a").path])
        #expect(failing.code == 1)
        #expect(statuses(try results(dir.appendingPathComponent("a/results.json")))["sp800-190-4.1.5"] == "not-satisfied")

        // 4.1.5 is partial: an attestation covers its procedural half, so the checks alone decide its status.
        try CLI.write(planBase + """
            attestations:
              - control: sp800-190-4.1.5
                status: satisfied
                statement: Admission control enforces the registry allow-list and verifies signatures.
                attestedBy: platform-security@example.com
                date: 2026-11-01
                expires: 2027-11-01
            exceptions:
              - id: EXC-1
                control: sp800-190-4.1.5
                scope: {namespace: shop, kind: Deployment, name: web}
                justification: Vendor build until the mirror is ready
                approvedBy: ciso@example.com
                ticket: SEC-1
                expires: 2026-12-31

            """, to: plan)
        let waived = try CLI.run(["audit", snapshot.path, "--plan", plan.path, "--now", now, "--format", "json", "--output", dir.appendingPathComponent("b").path])
        #expect(waived.code == 0, "\(waived.stdout)")
        #expect(statuses(try results(dir.appendingPathComponent("b/results.json")))["sp800-190-4.1.5"] == "waived")

        let later = try CLI.run(["audit", snapshot.path, "--plan", plan.path, "--now", "2027-01-01T00:00:00Z", "--format", "json",
                                 "--output", dir.appendingPathComponent("c").path])
        #expect(later.code == 1)
        #expect(statuses(try results(dir.appendingPathComponent("c/results.json")))["sp800-190-4.1.5"] == "not-satisfied")
    }

    @Test(.enabled(if: CLI.genSnapshot != nil, "gen-snapshot not found beside the package (../shared/tools); skipped"),
          arguments: ["json", "yaml-dir"])
    func generatedClusterDeviatesInEveryFamily(format: String) throws {
        let dir = try CLI.temporaryDirectory()
        let tool = try #require(CLI.genSnapshot)
        let input = dir.appendingPathComponent(format == "json" ? "snapshot.json" : "manifests")
        let gen = Process()
        gen.executableURL = tool
        gen.arguments = ["--pods", "1000", "--format", format, "--out", input.path]
        try gen.run()
        gen.waitUntilExit()
        #expect(gen.terminationStatus == 0)

        let out = dir.appendingPathComponent("report")
        let r = try CLI.run(["audit", input.path, "--plan", CLI.root.appendingPathComponent("controls/plans/example-plan.yaml").path,
                             "--now", now, "--output", out.path])
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        let json = try results(out.appendingPathComponent("results.json"))
        var deviatingFamilies: Set<String> = []
        var automatedFamilies: Set<String> = []
        for case let c as [String: Any] in json["controls"] as? [Any] ?? [] {
            guard let id = c["id"] as? String, id.hasPrefix("sp800-190"), let family = c["family"] as? String else { continue }
            if !((c["checks"] as? [Any]) ?? []).isEmpty { automatedFamilies.insert(family) }
            if c["status"] as? String == "not-satisfied" { deviatingFamilies.insert(family) }
            #expect(c["status"] as? String != "error", "\(id) ended in error")
        }
        #expect(automatedFamilies == ["image", "registry", "orchestrator", "container", "host"])
        #expect(automatedFamilies.isSubset(of: deviatingFamilies), "families without deviations: \(automatedFamilies.subtracting(deviatingFamilies))")
        for name in ["report.html", "report.md", "junit.xml", "results.json"] {
            let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            #expect(!text.isEmpty)
            for canary in Self.canaries { #expect(!text.contains(canary), "\(name) leaks \(canary)") }
        }
        for canary in Self.canaries { #expect(!r.stdout.contains(canary) && !r.stderr.contains(canary)) }
        try Self.expectValidJUnit(out.appendingPathComponent("junit.xml"))
    }

    /// Every JUnit report the tool writes validates against both schemas in the conformance data.
    static func expectValidJUnit(_ file: URL, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let xml = try String(contentsOf: file, encoding: .utf8)
        #expect(XMLCheck.wellFormedError(xml) == nil, sourceLocation: sourceLocation)
        guard let xsds = CLI.conformance?.appendingPathComponent("junit-xsd") else {
            print("JUnit schema validation skipped: no conformance data (set EVIDENT_CONFORMANCE)")
            return
        }
        for name in ["windyroad-JUnit.xsd", "jenkins-xunit-junit-10.xsd"] {
            let problem = XMLCheck.schemaError(xml, xsdPath: xsds.appendingPathComponent(name).path)
            #expect(problem == nil, "\(file.lastPathComponent) vs \(name): \(problem ?? "")", sourceLocation: sourceLocation)
        }
    }
}
