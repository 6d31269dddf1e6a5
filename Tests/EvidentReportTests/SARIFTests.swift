import EvidentCore
@testable import EvidentReport
import Foundation
import Testing

@Suite("SARIF report")
struct SARIFTests {
    static func render(_ result: AuditResult = Fixtures.auditResult(), max: Int = 5_000) -> String {
        var options = Support.options()
        options.sarifMaxResults = max
        return ReportRenderer.sarif(result, options: options)
    }

    static func run(_ text: String) throws -> [String: Any] {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let runs = try #require(root["runs"] as? [[String: Any]])
        return try #require(runs.first)
    }

    @Test("the fixture renders to the recorded SARIF")
    func golden() {
        Support.golden("results.sarif", Self.render())
    }

    @Test("valid against the SARIF 2.1.0 schema, also when capped")
    func schema() {
        SchemaCheck.expectValid(Self.render(), schema: "sarif/sarif-schema-2.1.0.json", name: "results.sarif")
        SchemaCheck.expectValid(Self.render(max: 3), schema: "sarif/sarif-schema-2.1.0.json",
                                name: "results.sarif (capped)")
    }

    @Test("one rule per control check; every result names an existing rule by id and index")
    func rules() throws {
        let run = try Self.run(Self.render())
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ids = rules.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == ids.count)
        #expect(ids.contains("sp800-190-4.4.3/privileged"))
        #expect(ids.contains("pss-baseline-privileged/privileged"))
        for result in try #require(run["results"] as? [[String: Any]]) {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(ids[index] == result["ruleId"] as? String)
        }
    }

    @Test("results point at the finding's file and line; most severe first; waived ones are suppressed")
    func results() throws {
        let audit = Fixtures.auditResult()
        let run = try Self.run(Self.render(audit))
        let results = try #require(run["results"] as? [[String: Any]])
        let deviating = audit.controls.filter { $0.status == .notSatisfied || $0.status == .error }
            .flatMap { c in c.findings.filter { $0.status == .fail } }
        let waived = audit.controls.flatMap { $0.findings.filter { $0.status == .waived } }
        #expect(results.count == deviating.count + waived.count)

        let rank: [String: Int] = ["critical": 0, "high": 1, "medium": 2, "low": 3]
        let unsuppressed = results.filter { $0["suppressions"] == nil }
        let severities = unsuppressed.compactMap { ($0["properties"] as? [String: Any])?["severity"] as? String }
        #expect(severities.map { rank[$0] ?? 9 } == severities.map { rank[$0] ?? 9 }.sorted())
        #expect(results.suffix(waived.count).allSatisfy { $0["suppressions"] != nil })

        // The privileged finding on shop/web sits at snapshot/cluster.json:120.
        let web = try #require(results.first {
            ($0["ruleId"] as? String) == "sp800-190-4.4.3/privileged"
                && (($0["message"] as? [String: Any])?["text"] as? String)?.contains("shop/web") == true
        })
        let location = try #require((web["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == "snapshot/cluster.json")
        #expect((location["region"] as? [String: Any])?["startLine"] as? Int == 120)

        let suppressed = try #require(results.first {
            (($0["message"] as? [String: Any])?["text"] as? String)?.contains("kube-system/cilium") == true
        })
        let suppression = try #require((suppressed["suppressions"] as? [[String: Any]])?.first)
        #expect(suppression["kind"] as? String == "external")
        #expect(suppression["justification"] as? String == "The CNI agent must run privileged.")
    }

    @Test("the cap keeps the most severe results and says what it left out")
    func cap() throws {
        let full = try #require(try Self.run(Self.render())["results"] as? [[String: Any]])
        let run = try Self.run(Self.render(max: 3))
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 3)
        #expect(results.map { $0["ruleId"] as? String } == full.prefix(3).map { $0["ruleId"] as? String })
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        let notes = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
        let text = notes.compactMap { ($0["message"] as? [String: Any])?["text"] as? String }.joined()
        #expect(text.contains("\(full.count - 3) of \(full.count) results were left out"))
        #expect((run["properties"] as? [String: Any])?["resultsLeftOut"] as? Int == full.count - 3)
    }

    @Test("paths become URI references")
    func uris() {
        #expect(SARIFReport.uriReference("snapshot/cluster.json") == "snapshot/cluster.json")
        #expect(SARIFReport.uriReference("my dir/a#b.yaml") == "my%20dir/a%23b.yaml")
        #expect(SARIFReport.uriReference("é.yaml") == "%C3%A9.yaml")
    }
}
