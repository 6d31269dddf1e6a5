import EvidentCore
@testable import EvidentReport
import Foundation
import Testing

@Suite("OSCAL assessment results and POA&M")
struct OSCALTests {
    static func ar(_ result: AuditResult = Fixtures.auditResult()) -> String {
        ReportRenderer.oscalAssessmentResults(result, options: Support.options())
    }

    static func poam(_ result: AuditResult = Fixtures.auditResult()) -> String {
        ReportRenderer.oscalPOAM(result, options: Support.options())
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Every value under `key`, anywhere in the document.
    static func values(_ key: String, in node: Any) -> [Any] {
        var out: [Any] = []
        if let dict = node as? [String: Any] {
            for (k, v) in dict {
                if k == key { out.append(v) }
                out += values(key, in: v)
            }
        } else if let array = node as? [Any] {
            for v in array { out += values(key, in: v) }
        }
        return out
    }

    /// UUIDs are unique, and every reference (subjects, observations, risks, `#uuid` links) resolves.
    static func expectIntegrity(_ text: String, name: String) throws {
        let doc = try object(text)
        let uuids = values("uuid", in: doc).compactMap { $0 as? String }
        #expect(Set(uuids).count == uuids.count, "\(name): duplicate UUIDs")
        let defined = Set(uuids)
        var refs = ["subject-uuid", "observation-uuid", "risk-uuid", "finding-uuid"].flatMap {
            values($0, in: doc).compactMap { $0 as? String }
        }
        refs += values("href", in: doc).compactMap { $0 as? String }.filter { $0.hasPrefix("#") }.map { String($0.dropFirst()) }
        #expect(!refs.isEmpty)
        for ref in refs { #expect(defined.contains(ref), "\(name): \(ref) does not resolve") }
    }

    @Test("the fixture renders to the recorded OSCAL documents")
    func golden() {
        Support.golden("assessment-results.json", Self.ar())
        Support.golden("poam.json", Self.poam())
    }

    @Test("both documents validate against the OSCAL 1.2.1 schemas")
    func schema() {
        SchemaCheck.expectValid(Self.ar(), schema: "oscal/oscal_assessment-results_schema_v1.2.1.json",
                                name: "assessment-results.json")
        SchemaCheck.expectValid(Self.poam(), schema: "oscal/oscal_poam_schema_v1.2.1.json", name: "poam.json")
    }

    @Test("UUIDs are unique and every reference resolves")
    func integrity() throws {
        try Self.expectIntegrity(Self.ar(), name: "assessment-results.json")
        try Self.expectIntegrity(Self.poam(), name: "poam.json")
    }

    @Test("UUIDs are version 5 and the same for the same inputs and clock, different for another clock")
    func deterministic() throws {
        #expect(Self.ar() == Self.ar())
        #expect(Self.poam() == Self.poam())
        var other = Fixtures.auditResult()
        other.generatedAt = other.generatedAt.addingTimeInterval(60)
        let a = Set(Self.values("uuid", in: try Self.object(Self.ar())).compactMap { $0 as? String })
        let b = Set(Self.values("uuid", in: try Self.object(Self.ar(other))).compactMap { $0 as? String })
        #expect(a.isDisjoint(with: b))
        #expect(a.allSatisfy { Array($0)[14] == "5" })
        // RFC 9562 test vector: uuid5(DNS namespace, "www.example.com").
        let dns: [UInt8] = [0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]
        #expect(OSCALReport.uuid5(namespace: dns, name: "www.example.com") == "2ed6657d-e927-568b-95e1-2665a8aea6a2")
    }

    @Test("objectives are targets; statuses map to satisfied / not-satisfied with the evident status as reason")
    func targets() throws {
        let doc = try Self.object(Self.ar())
        let targets = Self.values("target", in: doc).compactMap { $0 as? [String: Any] }
        let byID = Dictionary(targets.compactMap { t in (t["target-id"] as? String).map { ($0, t) } }) { a, _ in a }
        let a = try #require(byID["sp800-190-4.1.1_obj.a"])
        #expect(a["type"] as? String == "objective-id")
        let waived = try #require(byID["pss-restricted-seccompProfile_smt"] ?? byID.first { $0.key.contains("seccomp") }?.value)
        let status = try #require(waived["status"] as? [String: Any])
        #expect(status["state"] as? String == "satisfied")
        #expect(status["reason"] as? String == "waived")
        let privileged = try #require(byID["sp800-190-4.4.3_smt"])
        #expect((privileged["status"] as? [String: Any])?["state"] as? String == "not-satisfied")
    }

    @Test("exceptions are risks with deviation-approved and a deadline; checks are TEST observations")
    func risksAndObservations() throws {
        let doc = try Self.object(Self.ar())
        let risks = Self.values("risks", in: doc).compactMap { $0 as? [[String: Any]] }.flatMap { $0 }
        let exc5 = try #require(risks.first { ($0["title"] as? String)?.contains("EXC-5") == true })
        #expect(exc5["status"] as? String == "deviation-approved")
        #expect(exc5["deadline"] as? String == "2027-07-01T00:00:00Z")
        let exc2 = try #require(risks.first { ($0["title"] as? String)?.contains("EXC-2") == true })
        #expect(exc2["status"] as? String == "open")
        let observations = Self.values("observations", in: doc).compactMap { $0 as? [[String: Any]] }.flatMap { $0 }
        let methods = Set(observations.compactMap { ($0["methods"] as? [String])?.first })
        #expect(methods.contains("TEST"))
        #expect(methods.contains("EXAMINE") || methods.contains("INTERVIEW"))
    }

    @Test("every not-satisfied control is a POA&M item")
    func poamItems() throws {
        let audit = Fixtures.auditResult()
        let doc = try Self.object(Self.poam(audit))
        let items = try #require((doc["plan-of-action-and-milestones"] as? [String: Any])?["poam-items"] as? [[String: Any]])
        let open = audit.controls.filter { [.notSatisfied, .error, .needsEvidence].contains($0.status) }
        #expect(items.count == open.count)
        for c in open {
            #expect(items.contains { ($0["title"] as? String)?.contains(c.control.id) == true }, "\(c.control.id)")
        }
    }
}
