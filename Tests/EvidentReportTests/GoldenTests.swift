import EvidentCore
@testable import EvidentReport
import Foundation
import Testing

@Suite("Golden reports")
struct GoldenTests {
    @Test("the fixture renders to the recorded HTML, Markdown, JUnit and JSON")
    func goldenFiles() throws {
        let rendered = try Support.renderAll(Fixtures.auditResult())
        Support.golden("report.html", rendered.html)
        Support.golden("report.md", rendered.markdown)
        Support.golden("junit.xml", rendered.junit)
        Support.golden("results.json", rendered.json)
    }

    @Test("the same input twice gives byte-identical reports")
    func deterministic() throws {
        let a = try Support.renderAll(Fixtures.auditResult())
        let b = try Support.renderAll(Fixtures.auditResult())
        for ((name, x), (_, y)) in zip(a.all, b.all) {
            #expect(Data(x.utf8) == Data(y.utf8), "\(name) differs between two runs")
        }
    }

    @Test("dates come from the result's clock only")
    func clock() throws {
        var result = Fixtures.auditResult()
        result.generatedAt = Date(timeIntervalSince1970: 946_684_800.75)  // 2000-01-01T00:00:00.75Z
        let rendered = try Support.renderAll(result)
        #expect(rendered.json.contains("\"generatedAt\": \"2000-01-01T00:00:00Z\""))
        #expect(rendered.junit.contains("timestamp=\"2000-01-01T00:00:00\""))
        #expect(rendered.html.contains("2000-01-01T00:00:00Z"))
        #expect(rendered.markdown.contains("2000-01-01T00:00:00Z"))
    }
}
