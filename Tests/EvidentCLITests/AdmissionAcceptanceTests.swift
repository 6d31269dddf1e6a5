import Foundation
import Testing

/// Admission enforcement end to end: the compliant fixture's Kyverno allow-list policy in Enforce and in
/// Audit mode.
@Suite("Admission enforcement")
struct AdmissionAcceptanceTests {
    let now = "2026-11-27T12:00:00Z"

    func check(_ json: [String: Any], control: String, check: String) -> String? {
        let c = (json["controls"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }.first { $0["id"] as? String == control }
        let checks = (c?["checks"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        return checks.first { $0["id"] as? String == check }?["status"] as? String
    }

    func audit(_ snapshotText: String, in dir: URL, _ name: String) throws -> [String: Any] {
        let snapshot = dir.appendingPathComponent("\(name).yaml")
        try CLI.write(snapshotText, to: snapshot)
        let out = dir.appendingPathComponent(name)
        _ = try CLI.run(["audit", snapshot.path, "--plan", CLI.fixtures.appendingPathComponent("compliant-plan.yaml").path,
                         "--now", now, "--format", "json", "--output", out.path])
        let data = try Data(contentsOf: out.appendingPathComponent("results.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func auditModeIsNotEnforcement() throws {
        let dir = try CLI.temporaryDirectory()
        let base = try String(contentsOf: CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml"), encoding: .utf8)
        #expect(base.contains("validationFailureAction: Enforce"))
        let enforced = try audit(base, in: dir, "enforce")
        #expect(check(enforced, control: "sp800-190-4.1.5", check: "registries-enforced") == "satisfied")
        #expect(check(enforced, control: "sp800-190-4.1.5", check: "registry-allowed") == "satisfied")

        let audited = try audit(base.replacingOccurrences(of: "validationFailureAction: Enforce",
                                                          with: "validationFailureAction: Audit"), in: dir, "audit")
        #expect(check(audited, control: "sp800-190-4.1.5", check: "registries-enforced") == "not-satisfied")
        // The resources still comply: the two answers are reported separately.
        #expect(check(audited, control: "sp800-190-4.1.5", check: "registry-allowed") == "satisfied")
    }
}
