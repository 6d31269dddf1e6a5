import EvidentCore

/// `results.sarif`: SARIF 2.1.0 for GitHub code scanning.
///
/// One rule per control check (`<control>/<check>`), one result per failing finding of a deviating control
/// at its source file and line, most severe first; then the waived findings, each with an external
/// suppression that carries the exception's justification. Results beyond `maxResults` are left out (the
/// least severe, waived ones first) and a tool notification says how many and where to find them.
/// Findings that could not be evaluated become error notifications (they have no resource to point at).
enum SARIFReport {
    static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

    /// GitHub's `security-severity` scores: critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low below.
    static func securitySeverity(_ s: Severity) -> String {
        switch s {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.5"
        case .low: return "3.0"
        }
    }

    static func level(_ s: Severity) -> String {
        switch s {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low: return "note"
        }
    }

    /// The rule id of a finding's check in a control.
    static func ruleID(control: String, check: String) -> String {
        "\(control)/\(check.isEmpty ? "control" : check)"
    }

    private struct Rule {
        var id: String
        var control: ControlResult
        var check: String
    }

    private struct Item {
        var control: ControlResult
        var finding: Finding
        var ruleIndex: Int
    }

    static func render(_ result: AuditResult, maxResults: Int) -> String {
        // Rules: every check of every control in the result, plus any check a finding names that the
        // control does not declare (a control-level error, say), in catalog order.
        var rules: [Rule] = []
        var ruleIndex: [String: Int] = [:]
        func addRule(_ control: ControlResult, _ check: String) -> Int {
            let id = ruleID(control: control.control.id, check: check)
            if let i = ruleIndex[id] { return i }
            ruleIndex[id] = rules.count
            rules.append(Rule(id: id, control: control, check: check))
            return rules.count - 1
        }
        var deviating: [(item: Item, order: Int)] = []
        var waived: [(item: Item, order: Int)] = []
        var errors: [(ControlResult, Finding)] = []
        for control in result.controls {
            for check in control.control.checks { _ = addRule(control, check.id) }
            for f in control.findings {
                switch f.status {
                case .fail where control.status == .notSatisfied || control.status == .error:
                    let i = addRule(control, f.check)
                    deviating.append((Item(control: control, finding: f, ruleIndex: i), deviating.count))
                case .waived:
                    let i = addRule(control, f.check)
                    waived.append((Item(control: control, finding: f, ruleIndex: i), waived.count))
                case .error:
                    errors.append((control, f))
                case .fail:
                    break
                }
            }
        }
        func bySeverity(_ items: [(item: Item, order: Int)]) -> [Item] {
            items.sorted { ($1.item.control.severity, $0.order) < ($0.item.control.severity, $1.order) }.map(\.item)
        }
        let all = bySeverity(deviating) + bySeverity(waived)
        let kept = Array(all.prefix(max(0, maxResults)))
        let leftOut = all.count - kept.count

        var w = JSONWriter()
        w.beginObject()
        w.member("$schema", schemaURI)
        w.member("version", "2.1.0")
        w.array("runs") { w in
            w.beginObject()
            w.object("tool") { w in
                w.object("driver") { w in
                    w.member("name", "evident")
                    w.member("version", result.toolVersion)
                    w.member("semanticVersion", result.toolVersion)
                    w.array("rules") { w in
                        for rule in rules { Self.rule(rule, &w) }
                    }
                }
            }
            w.array("invocations") { w in
                w.beginObject()
                w.member("executionSuccessful", true)
                w.member("endTimeUtc", Text.rfc3339(result.generatedAt))
                w.array("toolExecutionNotifications") { w in
                    if leftOut > 0 {
                        let byLevel = Dictionary(grouping: all.dropFirst(kept.count)) {
                            $0.finding.status == .waived ? "waived" : $0.control.severity.rawValue
                        }
                        let parts = (Severity.allCases.reversed().map(\.rawValue) + ["waived"]).compactMap { key in
                            byLevel[key].map { "\($0.count) \(key)" }
                        }
                        notification(
                            level: "warning",
                            text: "\(leftOut) of \(all.count) results were left out to stay within \(max(0, maxResults)) "
                                + "(\(parts.joined(separator: ", "))); results.json has every finding.",
                            &w)
                    }
                    for (control, f) in errors {
                        notification(level: "error",
                                     text: "\(control.control.id) could not be evaluated: \(f.message)", &w)
                    }
                }
                w.endObject()
            }
            w.array("results") { w in
                for item in kept { Self.result(item, rules[item.ruleIndex], result, &w) }
            }
            w.object("properties") { w in
                w.member("resultsTotal", all.count)
                w.member("resultsWritten", kept.count)
                w.member("resultsLeftOut", leftOut)
            }
            w.endObject()
        }
        w.endObject()
        return w.output + "\n"
    }

    private static func notification(level: String, text: String, _ w: inout JSONWriter) {
        w.beginObject()
        w.member("level", level)
        w.object("message") { w in w.member("text", text) }
        w.endObject()
    }

    private static func rule(_ rule: Rule, _ w: inout JSONWriter) {
        let c = rule.control
        w.beginObject()
        w.member("id", rule.id)
        w.member("name", rule.check.isEmpty ? c.control.id : rule.check)
        w.object("shortDescription") { w in w.member("text", "\(c.control.id) \(c.control.title)") }
        w.object("fullDescription") { w in
            w.member("text", c.control.statement.isEmpty ? c.control.title : c.control.statement)
        }
        w.object("help") { w in
            w.member("text", "Control \(c.control.id) (\(c.catalogID), \(c.family.title)): "
                + (c.control.statement.isEmpty ? c.control.title : c.control.statement)
                + " Check: \(rule.check.isEmpty ? "control" : rule.check).")
        }
        w.object("defaultConfiguration") { w in w.member("level", level(c.severity)) }
        w.object("properties") { w in
            w.member("security-severity", securitySeverity(c.severity))
            w.member("severity", c.severity.rawValue)
            w.member("control", c.control.id)
            w.member("check", rule.check)
            w.member("catalog", c.catalogID)
            w.member(
                "tags",
                strings: ["security", "compliance", c.catalogID]
                    + c.control.references.keys.sorted().flatMap { k in
                        (c.control.references[k] ?? []).map { "\(k):\($0)" }
                    })
        }
        w.endObject()
    }

    private static func result(_ item: Item, _ rule: Rule, _ audit: AuditResult, _ w: inout JSONWriter) {
        let f = item.finding
        let c = item.control
        w.beginObject()
        w.member("ruleId", rule.id)
        w.member("ruleIndex", item.ruleIndex)
        w.member("level", level(c.severity))
        w.object("message") { w in
            let subject = f.resource.map { "\($0.description): " } ?? ""
            w.member("text", subject + f.message)
        }
        if let source = f.source, source.line >= 1 {
            w.array("locations") { w in
                w.beginObject()
                w.object("physicalLocation") { w in
                    w.object("artifactLocation") { w in w.member("uri", uriReference(source.file)) }
                    w.object("region") { w in
                        w.member("startLine", source.line)
                        if let column = source.column, column >= 1 { w.member("startColumn", column) }
                    }
                }
                if let r = f.resource {
                    w.array("logicalLocations") { w in
                        w.beginObject()
                        w.member("fullyQualifiedName", r.description)
                        w.member("kind", "resource")
                        w.endObject()
                    }
                }
                w.endObject()
            }
        }
        w.object("partialFingerprints") { w in
            w.member("evidentFindingIdentity/v1", Digest.sha256(Array("\(c.control.id)|\(f.identity)".utf8)))
        }
        if f.status == .waived {
            let exception = c.exceptions.first { $0.id == f.exception }
                ?? audit.plan.exceptions.first { $0.id == f.exception }
            w.array("suppressions") { w in
                w.beginObject()
                w.member("kind", "external")
                w.member("status", "accepted")
                w.member("justification", exception?.justification ?? "Waived by exception \(f.exception ?? "?").")
                w.object("properties") { w in
                    w.member("exception", f.exception)
                    w.member("approvedBy", exception?.approvedBy)
                    w.member("ticket", exception?.ticket)
                    w.member("expires", exception?.expires.description)
                }
                w.endObject()
            }
        }
        w.object("properties") { w in
            w.member("control", c.control.id)
            w.member("controlStatus", c.status.rawValue)
            w.member("severity", c.severity.rawValue)
            w.member("resource", f.resource?.description)
            w.member("path", f.path)
            w.member("observed", f.observed)
            w.member("expected", f.expected)
            w.member("pods", f.pods)
            w.member("image", f.image)
        }
        w.endObject()
    }

    /// The input path as a URI reference: unreserved characters and `/` stay, everything else is
    /// percent-encoded (UTF-8), so paths with spaces or `#` still point at their file.
    static func uriReference(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%"
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}
