import EvidentCore
@testable import EvidentReport
import Foundation
import Testing

@Suite("HTML report")
struct HTMLTests {
    let html: String

    init() throws {
        html = try ReportRenderer.html(Fixtures.auditResult(), options: Support.options())
    }

    @Test("sections come in the order of report-design.md")
    func order() {
        let markers = ["<header", "class=\"verdict", "id=\"families\"", "id=\"deviations\"", "id=\"controls\"",
                       "id=\"hygiene\"", "id=\"inputs\"", "Diagnostics</h3>"]
        let positions = markers.compactMap { html.range(of: $0)?.lowerBound }
        #expect(positions.count == markers.count)
        #expect(positions == positions.sorted())
    }

    @Test("the page is self-contained: nothing is fetched")
    func selfContained() {
        for needle in ["<link", "src=", "@import", "url(http", "<iframe", "<img", "<object", "fetch("] {
            #expect(!html.contains(needle), "found \(needle)")
        }
        #expect(html.contains("<style>"))
        #expect(html.contains("<svg class=\"chart\""))
        #expect(html.contains("@media print"))
        #expect(html.contains("default-src 'none'"))
    }

    @Test("the CSP hash matches the inline script")
    func cspHash() throws {
        let start = try #require(html.range(of: "<script>"))
        let end = try #require(html.range(of: "</script>"))
        let script = String(html[start.upperBound..<end.lowerBound])
        let hex = Array(Digest.sha256(Data(script.utf8)))
        let bytes = stride(from: 0, to: hex.count, by: 2).compactMap { UInt8(String(hex[$0...$0 + 1]), radix: 16) }
        let digest = Data(bytes).base64EncodedString()
        #expect(html.contains("script-src 'sha256-\(digest)'"))
    }

    @Test("the verdict, counts, gate and chart are shown with words and symbols")
    func summary() {
        #expect(html.contains("7 of 17 controls deviate from the plan; 1 is critical and 4 high severity."))
        #expect(html.contains("<span class=\"n\">7</span><span class=\"what\"><span aria-hidden=\"true\">✘</span> Not satisfied</span>"))
        #expect(html.contains("Not trustworthy"))
        #expect(html.contains("(exit code 3)"))
        #expect(html.contains("4.4 Container countermeasures"))
        #expect(html.contains("3 in all: ✘ 1  ·  ∅ 1  ·  ⚠ 1"))
    }

    @Test("deviations are most severe first and link to their details")
    func deviations() throws {
        let table = try #require(html.components(separatedBy: "id=\"deviations\"").last?
            .components(separatedBy: "id=\"controls\"").first)
        let first = try #require(table.range(of: "sp800-190-4.4.3"))
        let second = try #require(table.range(of: "sp800-190-4.1.1"))
        let last = try #require(table.range(of: "pss-restricted-runAsNonRoot"))
        #expect(first.lowerBound < second.lowerBound && second.lowerBound < last.lowerBound)
        #expect(table.contains("<a href=\"#control-nist-sp800-190-sp800-190-4.4.3\">"))
        #expect(html.contains("id=\"control-nist-sp800-190-sp800-190-4.4.3\" open>"))
    }

    @Test("passing controls are folded, others open; includePassing opens them all")
    func folding() throws {
        #expect(html.contains("<details class=\"control s-satisfied\" id=\"control-nist-sp800-190-sp800-190-4.1.2\">"))
        #expect(html.contains("<details class=\"control s-waived\" id=\"control-nist-sp800-190-sp800-190-4.3.3\" open>"))
        let all = try ReportRenderer.html(Fixtures.auditResult(), options: Support.options(includePassing: true))
        #expect(all.contains("<details class=\"control s-satisfied\" id=\"control-nist-sp800-190-sp800-190-4.1.2\" open>"))
    }

    @Test("evidence is capped per control with a count of the rest")
    func capped() throws {
        #expect(html.contains("… and 5 more in results.json."))
        let few = try ReportRenderer.html(Fixtures.auditResult(), options: Support.options(maxRows: 3))
        #expect(few.contains("… and 52 more in results.json."))
        #expect(!few.contains("batch-job-04"))
    }

    @Test("exceptions show approver, ticket and expiry, and expired ones are flagged")
    func exceptions() {
        #expect(html.contains("EXC-2</strong> <span class=\"flag\">⚠ Expired on 2026-10-15"))
        #expect(html.contains("Approved by CISO Office"))
        #expect(html.contains("Ticket: SEC-1042"))
        #expect(html.contains("EXC-1 (expires in 19 days)") || html.contains("(expires in 19 days)"))
        #expect(html.contains("EXC-3"))  // stale
        #expect(html.contains("Node OS patching is the cloud provider&#39;s job"))
    }

    @Test("unsafe templates are refused with the template's name and line")
    func unsafeTemplates() {
        for (bad, line) in [("<p>\n{{{verdict}}}</p>", 2), ("{{&verdict}}", 1), ("x\n\n{{%CONTENT_TYPE: TEXT}}", 3),
                            ("{{=<% %>=}}<%{verdict}%>", 1)] {
            var options = Support.options()
            options.htmlTemplate = bad
            options.htmlTemplateName = "custom.html"
            #expect(throws: ReportError.self) { try ReportRenderer.html(Fixtures.auditResult(), options: options) }
            do {
                _ = try ReportRenderer.html(Fixtures.auditResult(), options: options)
            } catch {
                if case let .unsafeTemplate(name, l, _) = error {
                    #expect(name == "custom.html" && l == line)
                } else {
                    Issue.record("wrong error \(error)")
                }
            }
        }
    }

    @Test("a syntax error is reported with line and a readable problem")
    func syntaxError() {
        var options = Support.options()
        options.htmlTemplate = "<p>\n{{#controls}}\n{{/deviations}}\n"
        do {
            _ = try ReportRenderer.html(Fixtures.auditResult(), options: options)
            Issue.record("no error")
        } catch {
            #expect(error.description.hasPrefix("templates/report.html.mustache:3:"))
            #expect(error.description.contains("closed with a different name"))
        }
    }

    @Test("templates parsed ahead give the same reports; a changed template is parsed anew")
    func prepared() throws {
        let result = Fixtures.auditResult()
        var options = Support.options()
        let plainHTML = try ReportRenderer.html(result, options: options)
        let plainMarkdown = try ReportRenderer.markdown(result, options: options)
        options.prepared = PreparedTemplates(options)
        try options.prepared?.check()
        #expect(try ReportRenderer.html(result, options: options) == plainHTML)
        #expect(try ReportRenderer.markdown(result, options: options) == plainMarkdown)
        // The options now hold another template than the one prepared: that one is used.
        options.htmlTemplate = "<p>{{verdict}}</p>"
        #expect(try ReportRenderer.html(result, options: options) == "<p>\(Text.display(ReportModel(result, options: options).verdict))</p>")
    }

    @Test("a prepared template's problem is thrown by check, naming the template")
    func preparedError() {
        var options = Support.options()
        options.htmlTemplate = "<p>\n{{{raw}}}"
        options.htmlTemplateName = "mine.html"
        let prepared = PreparedTemplates(options)
        #expect(throws: ReportError.unsafeTemplate(template: "mine.html", line: 2,
                                                   problem: "the triple mustache {{{ }}} prints text without HTML escaping; use {{ }}")) {
            try prepared.check()
        }
    }
}
