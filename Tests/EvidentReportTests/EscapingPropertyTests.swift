import EvidentCore
import EvidentEvaluators
@testable import EvidentReport
import EvidentResources
import EvidentTestSupport
import Foundation
import Testing
import XMLSupport

/// Issue 7, part 3: escaping, proven over generated inputs. Hostile names, labels, annotations, images,
/// container names, env values, plan text (exceptions, attestations) and input paths go through the loader
/// and the real engine with the built-in catalogs, and every format must parse and hold the text as data.
/// Each batch renders once (many objects per snapshot), so thousands of inputs per format stay fast.
@Suite("Escaping over generated inputs", .serialized)
struct EscapingPropertyTests {
    static let batches = 4
    static let podsPerBatch = Int(ProcessInfo.processInfo.environment["EVIDENT_ESCAPING_PODS"] ?? "") ?? 80

    /// One audited, rendered batch, and the hostile strings that went into it.
    struct Batch {
        var seed: UInt64
        var inputs: [String]
        var result: AuditResult
        var outputs: [(format: String, text: String)]
    }

    static let catalogs: [Catalog] = {
        EmbeddedResources.files.keys.filter { $0.hasPrefix("controls/") && $0.split(separator: "/").count == 2 }
            .sorted().compactMap { path in
                EmbeddedResources.files[path].flatMap {
                    try? CatalogLoader.load($0, path: path, registry: BuiltinEvaluators.registry)
                }
            }
    }()

    static func batch(_ number: Int) throws -> Batch {
        let clock = ContinuousClock(), started = clock.now
        defer { print("escaping property: batch \(number) built in \(clock.now - started)") }
        let seed = UInt64(0xE71D_E400 + number)
        let firstID = number * 100_000
        let snapshot = HostileSnapshot.make(seed: seed, pods: podsPerBatch, firstID: firstID)
        var rng = SeededGenerator(seed: seed ^ 0xFFFF)
        var extra: [String] = []
        var next = firstID + 50_000
        func hostile() -> String {
            defer { next += 1 }
            let text = HostileText.string(next, &rng)
            extra.append(text)
            return text
        }
        let path = "snapshots/" + hostile() + ".json"
        let loaded = try SnapshotLoader.load(snapshot.json, path: path)
        let namespaces = snapshot.inputs.filter { $0.field == "namespace" }.map(\.text)
        var plan = SecurityPlan.implicit(catalogIDs: catalogs.map(\.id))
        plan.title = hostile()
        plan.owner = hostile()
        let controls = catalogs.flatMap { $0.families.flatMap(\.controls) }
        for (i, control) in controls.filter({ $0.mode == .automated }).prefix(namespaces.count).enumerated() {
            plan.exceptions.append(PlanException(
                id: "EXC-\(i)", control: control.id, scope: ExceptionScope(namespace: namespaces[i]),
                justification: hostile(), approvedBy: hostile(), ticket: hostile(),
                expires: PlanDate(year: 2027, month: 1, day: i % 2 == 0 ? 1 : 31)))
        }
        for control in controls where control.mode != .automated {
            plan.attestations.append(Attestation(
                control: control.id, status: .satisfied, statement: hostile(), attestedBy: hostile(),
                date: PlanDate(year: 2026, month: 10, day: 1), expires: PlanDate(year: 2027, month: 10, day: 1),
                evidence: ["https://ok.example.com/" + hostile(), "javascript:alert(9)"]))
        }
        var inputs = [InputFile(path: path, role: .snapshot, sha256: Digest.sha256(snapshot.json), bytes: snapshot.json.count)]
        for _ in 0..<260 { inputs.append(InputFile(path: hostile(), role: .policy, sha256: String(repeating: "0", count: 64), bytes: 1)) }
        let result = AuditEngine(registry: BuiltinEvaluators.registry).run(
            snapshot: SnapshotIndex(loaded), plan: plan, catalogs: catalogs, inputs: inputs,
            options: AuditOptions(now: Fixtures.now, toolVersion: "test"))
        var options = Support.options(budget: 50_000_000, maxRows: 1_000_000, includePassing: true)
        options.sarifMaxResults = 1_000_000
        let manifest = ReportRenderer.manifest(result, reports: [ManifestEntry(file: "report.html", sha256: "00", bytes: 1)])
        let outputs: [(String, String)] = [
            ("html", try ReportRenderer.html(result, options: options)),
            ("markdown", try ReportRenderer.markdown(result, options: options)),
            ("junit", ReportRenderer.junit(result, options: options)),
            ("json", ReportRenderer.json(result, options: options)),
            ("sarif", ReportRenderer.sarif(result, options: options)),
            ("oscal-ar", ReportRenderer.oscalAssessmentResults(result, options: options)),
            ("oscal-poam", ReportRenderer.oscalPOAM(result, options: options)),
            ("gitlab", ReportRenderer.gitlabCodeQuality(result, options: options)),
            ("github", ReportRenderer.githubAnnotations(result, max: 1_000_000)),
            ("manifest", manifest),
        ]
        return Batch(seed: seed, inputs: snapshot.inputs.map(\.text) + extra, result: result, outputs: outputs)
    }

    /// The forms a string may take after the documented sanitising (control characters dropped, bidi
    /// controls shown as `[U+…]`, line breaks folded), whole and as the first 40 characters (long values are
    /// shortened in the human formats).
    static func forms(_ text: String) -> [String] {
        let display = Text.display(text), line = Text.line(text)
        var forms = [text, display, line]
        if display.count > 1_000 { forms += [String(display.prefix(40)), String(line.prefix(40))] }
        return forms
    }

    /// How many inputs occur, in one of their sanitised forms, in `haystack`.
    static func present(_ inputs: [String], in haystack: String, transform: (String) -> String = { $0 }) -> Int {
        let index = TokenIndex(haystack)
        return inputs.filter { input in forms(input).contains { index.contains(transform($0)) } }.count
    }

    static let allBatches: [Batch] = (0..<batches).compactMap { try? batch($0) }

    @Test("every batch audits and renders")
    func rendered() {
        #expect(Self.allBatches.count == Self.batches)
        let inputs = Self.allBatches.reduce(0) { $0 + $1.inputs.count }
        #expect(inputs >= 1_000, "only \(inputs) generated inputs")
    }

    // MARK: HTML

    @Test("HTML parses with libxml2's HTML parser, adds no element or attribute, and keeps the text")
    func html() throws {
        let benign = try Dump(html: ReportRenderer.html(Fixtures.auditResult(), options: Support.options(includePassing: true)))
        let template = Support.htmlTemplate
        var elements = Set(benign.elements.map(\.name)), attributes = Set(benign.elements.flatMap { $0.attributes.map(\.name) })
        for match in template.matches(of: /<([a-zA-Z][a-zA-Z0-9]*)/) { elements.insert(String(match.1).lowercased()) }
        for match in template.matches(of: /\s([a-zA-Z-]+)=/) { attributes.insert(String(match.1).lowercased()) }
        var found = 0, fed = 0
        for batch in Self.allBatches {
            let text = try #require(batch.outputs.first { $0.format == "html" }?.text)
            let dump = try Dump(html: text)
            for e in dump.elements {
                #expect(elements.contains(e.name), "seed \(batch.seed): injected element <\(e.name)>")
                for a in e.attributes {
                    #expect(attributes.contains(a.name), "seed \(batch.seed): injected attribute \(a.name) on <\(e.name)>")
                    if ["href", "src", "action", "formaction", "xlink:href"].contains(a.name) {
                        let value = a.value.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                        #expect(!value.hasPrefix("javascript:") && !value.hasPrefix("data:"), "\(a.name)=\(a.value.prefix(80))")
                    }
                }
            }
            #expect(dump.elements.filter { $0.name == "script" }.count == benign.elements.filter { $0.name == "script" }.count)
            #expect(!text.contains("\u{202E}") && !text.contains("\u{1B}") && !text.contains("\u{0}"))
            let content = dump.text
            fed += batch.inputs.count
            found += Self.present(batch.inputs, in: content)
        }
        Self.record("html", fed: fed, found: found)
        #expect(found >= 1_000)
    }

    // MARK: XML

    @Test("JUnit is well-formed for libxml2 and keeps the text, less what XML 1.0 forbids")
    func junit() throws {
        var found = 0, fed = 0
        for batch in Self.allBatches {
            let text = try #require(batch.outputs.first { $0.format == "junit" }?.text)
            #expect(Support.wellFormedError(text) == nil, "seed \(batch.seed)")
            let dump = try Dump(xml: text)
            #expect(Set(dump.elements.map(\.name)).isSubset(of: ["testsuites", "testsuite", "testcase", "failure", "error",
                                                                 "skipped", "properties", "property", "system-out", "system-err"]))
            let content = dump.text + "\u{1}" + dump.elements.flatMap { $0.attributes.map(\.value) }.joined(separator: "\u{1}")
            fed += batch.inputs.count
            found += Self.present(batch.inputs, in: content)
        }
        Self.record("junit", fed: fed, found: found)
        #expect(found >= 1_000)
    }

    // MARK: JSON

    @Test("JSON, SARIF, OSCAL, GitLab and the manifest parse and hold the strings", arguments:
            ["json", "sarif", "oscal-ar", "oscal-poam", "gitlab", "manifest"])
    func json(_ format: String) throws {
        var found = 0, exact = 0, fed = 0
        for batch in Self.allBatches {
            let text = try #require(batch.outputs.first { $0.format == format }?.text)
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            var strings: [String] = []
            Self.collect(object, into: &strings)
            let all = strings.joined(separator: "\u{0}")
            let set = Set(strings)
            fed += batch.inputs.count
            found += Self.present(batch.inputs, in: all)
            let index = TokenIndex(all)
            exact += batch.inputs.filter { input in set.contains(input) || index.contains(input) }.count
            // Line separators would end a JavaScript string; the JSON writer escapes them.
            #expect(!text.contains("\u{2028}") && !text.contains("\u{2029}") && !text.contains("\u{1B}"))
        }
        Self.record(format, fed: fed, found: found, exact: exact)
        if format == "json" { #expect(exact >= 1_000, "results.json keeps values exactly") }
        #expect(found >= 1_000)
    }

    static func collect(_ object: Any, into strings: inout [String]) {
        if let s = object as? String {
            strings.append(s)
        } else if let a = object as? [Any] {
            for x in a { collect(x, into: &strings) }
        } else if let d = object as? [String: Any] {
            for (k, v) in d {
                strings.append(k)
                collect(v, into: &strings)
            }
        }
    }

    // MARK: Markdown

    @Test("Markdown tables keep their columns; no heading, link, list, quote or HTML comes from the data")
    func markdown() throws {
        var found = 0, fed = 0
        let allowedTags: Set<String> = ["br", "details", "summary", "b", "sub", "/details", "/summary", "/b", "/sub"]
        for batch in Self.allBatches {
            let md = try #require(batch.outputs.first { $0.format == "markdown" }?.text)
            let lines = md.split(separator: "\n", omittingEmptySubsequences: false)
            var header: Int?
            for line in lines {
                guard line.hasPrefix("|") else {
                    header = nil
                    continue
                }
                let columns = EscapingTests.unescapedPipes(line)
                if let header {
                    #expect(columns == header, "seed \(batch.seed): a row has \(columns) cells, its header \(header)")
                } else {
                    header = columns
                }
            }
            for line in lines {
                let trimmed = line.drop { $0 == " " }
                for sentinel in ["# EVDHEAD", "## EVDHEAD2", "| EVDROW", "> EVDQUOTE", "- EVDLIST", "```EVDFENCE",
                                 "EVDCR", "# EVDLS", "| EVDPS", "# EVDNEL", "::error::EVDCMD"] {
                    #expect(!trimmed.hasPrefix(sentinel), "seed \(batch.seed): data started a line: \(line.prefix(80))")
                }
            }
            // Every raw tag is one the template writes; data `<` is escaped.
            for tag in Self.rawTags(md) {
                #expect(allowedTags.contains(tag), "seed \(batch.seed): raw <\(tag)")
            }
            #expect(!EscapingTests.hasUnescaped("](", in: md), "a link from the data")
            #expect(!md.contains("\u{202E}") && !md.contains("\u{1B}") && !md.contains("\u{0}"))
            fed += batch.inputs.count
            let index = TokenIndex(md)
            found += batch.inputs.filter { input in
                Self.forms(input).contains { index.contains(Text.markdown($0)) || index.contains(Text.html($0)) }
            }.count
        }
        Self.record("markdown", fed: fed, found: found)
        #expect(found >= 1_000)
    }

    /// The names of tags whose `<` is not backslash-escaped (`/details` for closing tags, `!` for comments).
    static func rawTags(_ text: String) -> [String] {
        var tags: [String] = []
        var escaped = false
        var i = text.startIndex
        while i < text.endIndex {
            let ch = text[i]
            defer { i = text.index(after: i) }
            if escaped {
                escaped = false
                continue
            }
            if ch == "\\" {
                escaped = true
            } else if ch == "<" {
                var j = text.index(after: i)
                var name = ""
                while j < text.endIndex, name.count < 20,
                      text[j].isLetter || text[j].isNumber || (name.isEmpty && "/!?".contains(text[j])) {
                    name.append(text[j])
                    j = text.index(after: j)
                }
                if let first = name.first, first.isLetter || "/!?".contains(first) { tags.append(name.lowercased()) }
            }
        }
        return tags
    }

    // MARK: GitHub annotations

    @Test("GitHub workflow commands: one command per line, properties escaped, no escape sequences")
    func github() throws {
        var found = 0, fed = 0
        for batch in Self.allBatches {
            let text = try #require(batch.outputs.first { $0.format == "github" }?.text)
            var messages = ""
            for line in text.split(separator: "\n") {
                let match = line.wholeMatch(of: /::(error|warning|notice) ([^:]*)::(.*)/)
                #expect(match != nil, "seed \(batch.seed): not one workflow command: \(line.prefix(120))")
                guard let match else { continue }
                for property in match.2.split(separator: ",") {
                    #expect(["file", "line", "title"].contains(property.split(separator: "=").first.map(String.init) ?? ""),
                            "an injected property: \(property.prefix(80))")
                }
                messages += "\u{0}" + String(match.3).replacingOccurrences(of: "%0A", with: "\n")
                    .replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%25", with: "%")
                messages += "\u{0}" + String(match.2).replacingOccurrences(of: "%3A", with: ":")
                    .replacingOccurrences(of: "%2C", with: ",").replacingOccurrences(of: "%0A", with: "\n")
                    .replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%25", with: "%")
            }
            #expect(!text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) })
            #expect(!text.unicodeScalars.contains { Text.isBidiControl($0) })
            fed += batch.inputs.count
            found += Self.present(batch.inputs, in: messages)
        }
        Self.record("github", fed: fed, found: found)
        #expect(found >= 1_000)
    }

    // MARK: Counts

    /// Prints how many generated inputs each format was fed and how many were found in it.
    static func record(_ format: String, fed: Int, found: Int, exact: Int? = nil) {
        print("escaping property: \(format): \(fed) generated inputs fed, \(found) found as text"
              + (exact.map { ", \($0) byte-exact" } ?? ""))
    }
}

/// Finds generated strings in a large output quickly: every string holds a unique `EVD<n>Q` token, so only the
/// places where its token occurs are compared, byte by byte.
struct TokenIndex {
    let bytes: [UInt8]
    var positions: [Substring: [Int]] = [:]

    init(_ text: String) {
        bytes = Array(text.utf8)
        var i = 0
        let e = UInt8(ascii: "E"), v = UInt8(ascii: "V"), d = UInt8(ascii: "D"), q = UInt8(ascii: "Q")
        while i + 4 < bytes.count {
            if bytes[i] == e && bytes[i + 1] == v && bytes[i + 2] == d {
                var j = i + 3
                while j < bytes.count, bytes[j] >= 0x30 && bytes[j] <= 0x39 { j += 1 }
                if j > i + 3, j < bytes.count, bytes[j] == q {
                    let token = Substring(String(decoding: bytes[i...j], as: UTF8.self))
                    positions[token, default: []].append(i)
                    i = j
                }
            }
            i += 1
        }
    }

    /// Whether `needle` occurs where its token does (false when it holds no token).
    func contains(_ needle: String) -> Bool {
        guard let match = needle.firstMatch(of: /EVD[0-9]+Q/) else { return false }
        let offset = needle.utf8.distance(from: needle.startIndex, to: match.range.lowerBound)
        let target = Array(needle.utf8)
        for p in positions[match.output[...]] ?? [] {
            let start = p - offset
            guard start >= 0, start + target.count <= bytes.count else { continue }
            if bytes[start..<(start + target.count)].elementsEqual(target) { return true }
        }
        return false
    }
}

/// A document as libxml2 parsed it: elements with their attributes, and the text outside script and style.
struct Dump {
    struct Element {
        var name: String
        var attributes: [(name: String, value: String)]
    }

    var elements: [Element] = []
    var text = ""

    init(html: String) throws { try self.init(html, html: true) }
    init(xml: String) throws { try self.init(xml, html: false) }

    private init(_ document: String, html: Bool) throws {
        let bytes = Array(document.utf8)
        let raw: UnsafeMutablePointer<CChar>? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { xs_dump($0, buffer.count, html ? 1 : 0) }
            }
        }
        guard let raw else { throw ParseFailure() }
        defer { xs_free(raw) }
        let dump = String(cString: raw)
        var texts: [String] = []
        for part in dump.split(separator: "\u{1}", omittingEmptySubsequences: true) {
            let body = part.dropFirst()
            switch part.first {
            case "E": elements.append(Element(name: String(body).lowercased(), attributes: []))
            case "A":
                let pieces = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                elements[elements.count - 1].attributes.append((String(pieces[0]).lowercased(),
                                                                pieces.count > 1 ? String(pieces[1]) : ""))
            case "T": texts.append(String(body))
            default: break
            }
        }
        text = texts.joined()
    }

    struct ParseFailure: Error {}
}

