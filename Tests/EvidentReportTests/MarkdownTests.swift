import EvidentCore
@testable import EvidentReport
import Foundation
import Testing

@Suite("Markdown report")
struct MarkdownTests {
    /// A result far too large for any ticket: many controls, each with thousands of long findings.
    static func huge(controls: Int = 100, findings: Int = 60) -> AuditResult {
        var result = Fixtures.auditResult()
        let template = result.controls[0]
        result.controls = (0..<controls).map { i in
            var c = template
            c.control.id = "custom-\(i)"
            c.control.title = "Custom control \(i) with a rather long title | and a pipe"
            c.severity = Severity.allCases[i % 4]
            c.status = i % 7 == 0 ? .error : .notSatisfied
            c.findings = (0..<findings).map { j in
                Finding(check: "check-\(i)", resource: Fixtures.ref("v1", "Pod", "ns-\(j % 13)", "pod-\(j)"),
                        source: Fixtures.at("snapshot/huge.json", j * 30 + 1),
                        path: "spec.containers[\(j % 3)].securityContext.privileged",
                        observed: String(repeating: "x", count: 200), expected: "false",
                        pods: 1, message: "Message \(j) | with `code` and <html>")
            }
            return c
        }
        result.inputs = (0..<200).map { Fixtures.input("snapshot/part-\($0).yaml", .snapshot, "\($0)") }
        return result
    }

    @Test("the fixture fits the default budget and keeps every detail block")
    func fixtureFits() throws {
        let md = try ReportRenderer.markdown(Fixtures.auditResult(), options: Support.options())
        #expect(md.utf16.count <= 30_000)
        #expect(!md.contains("Shortened"))
        #expect(md.components(separatedBy: "<details>").count - 1 == 8)
        #expect(md.contains("_… 5 more in results.json._"))
    }

    @Test("a huge result never exceeds the budget, at any budget", arguments: [30_000, 65_000, 8_000, 2_000, 300, 40, 0])
    func budget(_ budget: Int) throws {
        let md = try ReportRenderer.markdown(Self.huge(), options: Support.options(budget: budget))
        #expect(md.utf16.count <= budget, "\(md.utf16.count) > \(budget)")
        if budget >= 2_000 {
            #expect(md.contains("Shortened") || md.contains("cut to fit"))
        }
    }

    @Test("detail blocks are dropped from the least severe upwards")
    func dropOrder() throws {
        let md = try ReportRenderer.markdown(Self.huge(controls: 40, findings: 20), options: Support.options(budget: 40_000))
        #expect(md.utf16.count <= 40_000)
        let summaries = md.split(separator: "\n").filter { $0.hasPrefix("<details><summary>") }
        #expect(!summaries.isEmpty)
        #expect(summaries.count < 40)
        // Severities of the kept blocks never increase.
        let ranks = summaries.map { line -> Int in
            for (i, s) in Severity.allCases.reversed().enumerated() where line.contains("(\(s.rawValue),") { return i }
            return -1
        }
        #expect(ranks == ranks.sorted())
        #expect(md.contains("least severe deviation"))
        // The deviations table is still whole.
        #expect(md.contains("| custom-39 |"))
    }

    @Test("tables are capped once no detail block is left, and the report says so")
    func tablesCapped() throws {
        let md = try ReportRenderer.markdown(Self.huge(), options: Support.options(budget: 5_000))
        #expect(md.utf16.count <= 5_000)
        #expect(!md.contains("<details>"))
        #expect(md.contains("more deviations in report.html and results.json"))
    }

    @Test("passing controls are listed only when asked")
    func includePassing() throws {
        let without = try ReportRenderer.markdown(Fixtures.auditResult(), options: Support.options())
        let with = try ReportRenderer.markdown(Fixtures.auditResult(), options: Support.options(includePassing: true))
        #expect(!without.contains("| sp800-190-4.1.2 |"))
        #expect(with.contains("| sp800-190-4.1.2 | Image configuration defects | ✔ Satisfied |"))
    }

    @Test("a template error names the template, line and problem")
    func templateError() {
        var options = Support.options()
        options.markdownTemplate = "# title\n{{#deviations}}\nno end\n"
        options.markdownTemplateName = "my.md.mustache"
        #expect {
            _ = try ReportRenderer.markdown(Fixtures.auditResult(), options: options)
        } throws: { error in
            guard let error = error as? ReportError, case let .templateSyntax(name, line, _, problem) = error else {
                return false
            }
            return name == "my.md.mustache" && line >= 2 && problem.contains("never closed")
        }
    }
}
