import EvidentCore
@testable import EvidentReport
import Foundation
import Testing

@Suite("Escaping of hostile text")
struct EscapingTests {
    let rendered: Support.Rendered
    let result = Hostile.auditResult()

    init() throws {
        rendered = try Support.renderAll(result)
    }

    @Test("HTML has no markup from the snapshot")
    func html() throws {
        let html = rendered.html
        // The only script is the template's own print helper.
        #expect(html.components(separatedBy: "<script").count == 2)
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<!-- c -->"))
        #expect(!html.contains("href=\"javascript"), "a javascript: link was made")
        #expect(!html.contains("\"onmouseover"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("\u{202E}"), "bidi override shown raw")
        #expect(html.contains("[U+202E]"))
        #expect(!html.contains("\u{0001}"))
        #expect(html.contains("{{mustache}}"), "a Mustache tag in the data was expanded")
    }

    @Test("Markdown cells keep their columns and markup is escaped")
    func markdown() {
        let md = rendered.markdown
        #expect(md.utf16.count <= 30_000)
        #expect(!Self.hasUnescaped("<script", in: md))
        #expect(!Self.hasUnescaped("<!--", in: md))
        #expect(!Self.hasUnescaped("](javascript", in: md))
        #expect(!Self.hasUnescaped("`tick", in: md))
        #expect(!md.contains("\u{202E}"))
        #expect(!md.contains("\u{0001}"))
        var header: Int?
        for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else {
                header = nil
                continue
            }
            let columns = Self.unescapedPipes(line)
            if let header {
                #expect(columns == header, "row has \(columns) pipes, header \(header): \(line.prefix(200))")
            } else {
                header = columns
            }
        }
        // Inside <summary> (an HTML block) the text is HTML-escaped instead.
        for line in md.split(separator: "\n") where line.hasPrefix("<details><summary>") {
            #expect(!line.contains("<script"))
            #expect(!line.contains("\\<"))
        }
    }

    /// Whether `needle` occurs without a backslash before it.
    static func hasUnescaped(_ needle: String, in text: String) -> Bool {
        var search = text.startIndex
        while let range = text.range(of: needle, range: search..<text.endIndex) {
            if range.lowerBound == text.startIndex || text[text.index(before: range.lowerBound)] != "\\" {
                return true
            }
            search = range.upperBound
        }
        return false
    }

    static func unescapedPipes(_ line: Substring) -> Int {
        var count = 0
        var escaped = false
        for ch in line {
            if escaped {
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "|" {
                count += 1
            }
        }
        return count
    }

    @Test("JUnit stays well-formed and valid")
    func junit() throws {
        #expect(Support.wellFormedError(rendered.junit) == nil)
        #expect(!rendered.junit.contains("<script"))
        #expect(!rendered.junit.contains("\u{0001}"))
        #expect(!rendered.junit.contains("\u{FFFE}"))
        if let schemas = Support.junitSchemas {
            for xsd in schemas {
                let problem = Support.schemaError(rendered.junit, xsd: xsd)
                #expect(problem == nil, "\(xsd.lastPathComponent): \(problem ?? "")")
            }
        }
    }

    @Test("JSON parses and keeps the text exactly")
    func json() throws {
        let object = try JSONSerialization.jsonObject(with: Data(rendered.json.utf8))
        let root = try #require(object as? [String: Any])
        let plan = try #require(root["plan"] as? [String: Any])
        #expect(plan["title"] as? String == result.plan.title)
        let controls = try #require(root["controls"] as? [[String: Any]])
        let findings = try #require(controls.first?["findings"] as? [[String: Any]])
        #expect(findings.first?["message"] as? String == result.controls[0].findings[0].message)
        #expect(!rendered.json.contains("\u{2028}"))
        #expect(!rendered.json.contains("\u{202E}"))
        #expect(rendered.json.contains("\\u202e"))
    }

    @Test("long values are shortened in HTML, Markdown and JUnit but kept whole in JSON")
    func longValues() {
        #expect(rendered.json.contains(Hostile.long))
        #expect(!rendered.html.contains(Hostile.long))
        #expect(!rendered.markdown.contains(Hostile.long))
        #expect(!rendered.junit.contains(Hostile.long))
    }
}

@Suite("Text helpers")
struct TextTests {
    @Test("display drops control characters and shows bidi controls")
    func display() {
        #expect(Text.display("a\u{0001}b\u{007F}c\u{0085}d") == "abcd")
        #expect(Text.display("x\u{202E}y") == "x[U+202E]y")
        #expect(Text.display("a\r\nb\rc\u{2028}d") == "a\nb\nc\nd")
        #expect(Text.line("a\nb\tc") == "a b c")
    }

    @Test("HTML escaping is by Unicode scalar, so a combining mark does not hide a quote")
    func html() {
        #expect(HTMLEscaping().escapeText("<a href='x'>\"&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;")
        // One Character each ("\"" + U+0301, "<" + U+0338): Character-wise escaping left them raw.
        #expect(HTMLEscaping().escapeText("\"\u{301} onmouseover=x") == "&quot;\u{301} onmouseover=x")
        #expect(HTMLEscaping().escapeText("<\u{338}b>") == "&lt;\u{338}b&gt;")
        #expect(HTMLEscaping().escapeText("plain é ✔") == "plain é ✔")
        #expect(HTMLEscaping().escapeText("") == "")
    }

    @Test("Markdown escaping")
    func markdown() {
        #expect(Text.markdown("a|b") == "a\\|b")
        #expect(Text.markdown("`x` *y* _z_ [l](u) <h>") == "\\`x\\` \\*y\\* \\_z\\_ \\[l\\](u) \\<h\\>")
        #expect(Text.markdown("one\ntwo") == "one<br>two")
    }

    @Test("XML escaping drops what XML 1.0 forbids")
    func xml() {
        #expect(Text.xml("<a & 'b' \"c\">\u{0001}\u{FFFF}", attribute: true) == "&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt;")
        #expect(Text.xml("a\nb", attribute: true) == "a&#10;b")
        #expect(Text.xml("a\nb ]]>", attribute: false) == "a\nb ]]&gt;")
    }

    @Test("JSON escaping follows RFC 8259 and escapes line separators")
    func json() throws {
        var out = ""
        JSONWriter.quote("a\"b\\c\n\u{0001}\u{2028}\u{2029}\u{7F}é", into: &out)
        #expect(out == "\"a\\\"b\\\\c\\n\\u0001\\u2028\\u2029\\u007fé\"")
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(out)]".utf8)) as? [String]
        #expect(parsed == ["a\"b\\c\n\u{0001}\u{2028}\u{2029}\u{7F}é"])
    }

    @Test("dates are RFC 3339 UTC in whole seconds")
    func dates() {
        let date = Date(timeIntervalSince1970: 1_793_491_200.9)
        #expect(Text.rfc3339(date) == "2026-11-01T00:00:00Z")
        #expect(Text.junitTimestamp(date) == "2026-11-01T00:00:00")
        #expect(Text.daysLeft(until: PlanDate(year: 2026, month: 11, day: 1), from: date) == 0)
        #expect(Text.daysLeft(until: PlanDate(year: 2026, month: 11, day: 20), from: date) == 19)
    }
}
