import EvidentCore
import Foundation

/// `junit.xml`: one `<testsuite>` per control family, one `<testcase>` per control, in the shape of
/// report-design.md, valid against both the strict Ant schema (windyroad) and Jenkins' xunit schema.
///
/// Every text and attribute goes through `Text.display` (control characters dropped, bidi controls made
/// visible) and then `Text.xml`, which also drops anything XML 1.0 forbids.
enum JUnitReport {
    static func render(_ result: AuditResult, maxRows: Int) -> String {
        struct Suite {
            var catalogID: String
            var family: ControlFamily
            var controls: [ControlResult]
        }
        var suites: [Suite] = []
        for c in result.controls {
            if let last = suites.indices.last, suites[last].catalogID == c.catalogID,
               suites[last].family.id == c.family.id {
                suites[last].controls.append(c)
            } else if let i = suites.firstIndex(where: { $0.catalogID == c.catalogID && $0.family.id == c.family.id }) {
                suites[i].controls.append(c)
            } else {
                suites.append(Suite(catalogID: c.catalogID, family: c.family, controls: [c]))
            }
        }

        let timestamp = Text.junitTimestamp(result.generatedAt)
        let hostname = token(result.plan.id, fallback: "localhost")
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        for (index, suite) in suites.enumerated() {
            let failures = suite.controls.filter { $0.status == .notSatisfied }.count
            let errors = suite.controls.filter { $0.status == .error }.count
            let skipped = suite.controls.filter { [.waived, .notApplicable, .needsEvidence].contains($0.status) }.count
            let name = token(suite.family.title, fallback: token(suite.family.id, fallback: "controls"))
            out += "  <testsuite name=\(attr(name)) tests=\"\(suite.controls.count)\" failures=\"\(failures)\""
            out += " errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"0\" timestamp=\"\(timestamp)\""
            out += " hostname=\(attr(hostname)) id=\"\(index)\" package=\(attr(token(suite.catalogID, fallback: "catalog")))>\n"
            out += "    <properties>\n"
            for (key, value) in properties(result, withInputs: index == 0) {
                out += "      <property name=\(attr(key)) value=\(attr(value))/>\n"
            }
            out += "    </properties>\n"
            for c in suite.controls { out += testcase(c, result: result, maxRows: maxRows) }
            let summary = ControlStatus.displayOrder.compactMap { status -> String? in
                let n = suite.controls.filter { $0.status == status }.count
                return n > 0 ? "\(n) \(status.rawValue)" : nil
            }.joined(separator: ", ")
            out += "    <system-out>\(text("\(Text.plural(suite.controls.count, "control")): \(summary)"))</system-out>\n"
            if index == 0, !result.diagnostics.isEmpty {
                let lines = result.diagnostics.map { Text.line($0.description) }.joined(separator: "\n")
                out += "    <system-err>\(text(lines))</system-err>\n"
            } else {
                out += "    <system-err/>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    /// The plan, tool, time and catalog versions; the input digests only in the first suite (`withInputs`),
    /// so that a run over many files does not repeat them in every family.
    private static func properties(_ result: AuditResult, withInputs: Bool) -> [(String, String)] {
        var list: [(String, String)] = [
            ("plan.id", result.plan.id), ("plan.title", result.plan.title), ("plan.version", result.plan.version),
            ("tool.version", result.toolVersion), ("generatedAt", Text.rfc3339(result.generatedAt)),
            ("snapshotTime", result.snapshotTime.map(Text.rfc3339) ?? "unknown"),
        ]
        for catalog in result.catalogs {
            list.append(("catalog.\(token(catalog.id, fallback: "catalog")).version", catalog.version))
        }
        for (i, input) in result.inputs.enumerated() where withInputs {
            // The format of sha256sum: digest, two spaces, path.
            list.append(("input.\(i).sha256", "\(input.sha256)  \(input.path)"))
        }
        return list.map { (Text.line($0.0), Text.line($0.1)) }
    }

    private static func testcase(_ c: ControlResult, result: AuditResult, maxRows: Int) -> String {
        var c = c
        c.reason = c.reason.map { Text.capped($0, 1_000) }
        let name = token("\(c.control.id) \(c.control.title)", fallback: "control")
        let classname = token("\(c.catalogID).\(c.family.id)", fallback: "controls")
        var out = "    <testcase name=\(attr(name)) classname=\(attr(classname)) time=\"0\""
        switch c.status {
        case .satisfied:
            return out + "/>\n"
        case .notSatisfied:
            let affected = c.deviatingObjects()
            let message = affected.count == 0 ? (c.reason ?? "the control deviates from the plan")
                : "\(Text.plural(affected.count, "resource")) \(affected.count == 1 ? "deviates" : "deviate")"
            out += ">\n      <failure message=\(attr(message)) type=\"not-satisfied\">"
            out += text(body(c, statuses: [.fail], maxRows: maxRows))
            out += "</failure>\n    </testcase>\n"
        case .error:
            let message = c.reason ?? "a check could not run"
            out += ">\n      <error message=\(attr(message)) type=\"error\">"
            out += text(body(c, statuses: [.error], maxRows: maxRows))
            out += "</error>\n    </testcase>\n"
        case .waived:
            let ids = c.exceptions.filter { !$0.expires.hasPassed(at: result.generatedAt) }
                .map { "\($0.id) until \($0.expires)" }
            let message = "waived: " + (ids.isEmpty ? (c.reason ?? "covered by exceptions") : ids.joined(separator: ", "))
            out += ">\n      <skipped message=\(attr(message))/>\n    </testcase>\n"
        case .notApplicable:
            out += ">\n      <skipped message=\(attr("not applicable: " + (c.reason ?? "nothing in scope")))/>\n"
            out += "    </testcase>\n"
        case .needsEvidence:
            out += ">\n      <skipped message=\(attr("needs evidence: " + (c.reason ?? "evidence is missing")))/>\n"
            out += "    </testcase>\n"
        }
        return out
    }

    /// The failure or error text: one line per finding (resource, path = observed, message), capped.
    private static func body(_ c: ControlResult, statuses: Set<Finding.Status>, maxRows: Int) -> String {
        var lines: [String] = []
        if let reason = c.reason { lines.append(reason) }
        // Counted in place: a control can have 100,000 findings, of which a few rows are shown.
        let count = c.findings.withUnsafeBufferPointer { list in list.indices.count { statuses.contains(list[$0].status) } }
        for f in c.findings.lazy.filter({ statuses.contains($0.status) }).prefix(max(0, maxRows)) {
            var line = f.resource?.description ?? "Cluster-wide"
            if let source = f.source { line += " (\(source.file):\(source.line))" }
            if let path = f.path {
                line += " " + path
                if let observed = f.observed { line += " = " + observed }
            } else if let observed = f.observed {
                line += ": " + observed
            }
            if let expected = f.expected { line += " (expected \(expected))" }
            line += " - " + f.message
            lines.append(Text.capped(Text.line(line), 2_000))
        }
        if count > maxRows {
            lines.append("... \(count - max(0, maxRows)) more in results.json")
        }
        return lines.joined(separator: "\n")
    }

    /// A single-line value that is never empty (the strict schema wants non-empty tokens).
    private static func token(_ value: String, fallback: String) -> String {
        let line = Text.line(value).trimmingCharacters(in: .whitespaces)
        return line.isEmpty ? fallback : line
    }

    private static func attr(_ value: String) -> String {
        "\"" + Text.xml(Text.display(value), attribute: true) + "\""
    }

    private static func text(_ value: String) -> String {
        Text.xml(Text.display(value), attribute: false)
    }
}
