import EvidentCore
@testable import EvidentReport
import Foundation
import Testing
import XMLSupport

/// Paths, templates, XML checks and golden files for the report tests.
enum Support {
    /// The package root, found from this file's path (Tests/EvidentReportTests/Support.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent(relative), encoding: .utf8)
    }

    static var htmlTemplate: String { (try? read("templates/report.html.mustache")) ?? "" }
    static var markdownTemplate: String { (try? read("templates/report.md.mustache")) ?? "" }

    static func options(budget: Int = 30_000, maxRows: Int = 50, includePassing: Bool = false) -> ReportOptions {
        ReportOptions(htmlTemplate: htmlTemplate, markdownTemplate: markdownTemplate, markdownBudget: budget,
                      maxRowsPerControl: maxRows, includePassing: includePassing)
    }

    struct Rendered {
        var html: String
        var markdown: String
        var junit: String
        var json: String
        var all: [(String, String)] { [("html", html), ("markdown", markdown), ("junit", junit), ("json", json)] }
    }

    static func renderAll(_ result: AuditResult, _ options: ReportOptions = options()) throws -> Rendered {
        Rendered(html: try ReportRenderer.html(result, options: options),
                 markdown: try ReportRenderer.markdown(result, options: options),
                 junit: ReportRenderer.junit(result, options: options),
                 json: ReportRenderer.json(result, options: options))
    }

    // MARK: XML

    /// nil when well-formed, else libxml2's message.
    static func wellFormedError(_ xml: String) -> String? { XMLCheck.wellFormedError(xml) }

    /// nil when valid against the schema at `xsd`, else the problem.
    static func schemaError(_ xml: String, xsd: URL) -> String? { XMLCheck.schemaError(xml, xsdPath: xsd.path) }

    /// The conformance folder: `EVIDENT_CONFORMANCE`, or `../shared/conformance` beside the package root.
    static var conformance: URL? {
        let env = ProcessInfo.processInfo.environment["EVIDENT_CONFORMANCE"].map { URL(fileURLWithPath: $0) }
        let candidates = [env, packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")]
        return candidates.compactMap { $0 }.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("junit-xsd").path)
        }
    }

    static var junitSchemas: [URL]? {
        guard let root = conformance else {
            print("NOTE: conformance folder not found (set EVIDENT_CONFORMANCE): the JUnit XSD test is skipped")
            return nil
        }
        return ["windyroad-JUnit.xsd", "jenkins-xunit-junit-10.xsd"].map {
            root.appendingPathComponent("junit-xsd").appendingPathComponent($0)
        }
    }

    // MARK: Golden files

    static let recording = ProcessInfo.processInfo.environment["EVIDENT_RECORD_GOLDEN"] == "1"

    /// Compares `actual` with `Golden/<name>`; with EVIDENT_RECORD_GOLDEN=1 writes it instead.
    static func golden(_ name: String, _ actual: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let url = packageRoot.appendingPathComponent("Tests/EvidentReportTests/Golden").appendingPathComponent(name)
        if recording {
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                        withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: url)
            } catch {
                Issue.record("could not record \(name): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(name); run with EVIDENT_RECORD_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let line = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
            let got = line < a.count ? String(a[line]) : "<end>"
            let want = line < e.count ? String(e[line]) : "<end>"
            Issue.record("""
                \(name) differs from the golden file at line \(line + 1) (re-record with EVIDENT_RECORD_GOLDEN=1):
                  expected: \(want.prefix(300))
                  actual:   \(got.prefix(300))
                """, sourceLocation: sourceLocation)
        }
    }
}
