import EvidentCore

/// CI annotations for deviating findings: GitHub workflow commands and a GitLab code-quality report.
/// Both list the failing findings of deviating controls, most severe first (as SARIF does), at the input
/// file and line where the object starts.
enum Annotations {
    struct Item {
        var control: ControlResult
        var finding: Finding
    }

    /// Failing findings of deviating controls, most severe first, then catalog and finding order.
    static func items(_ result: AuditResult) -> [Item] {
        var list: [(Item, Int)] = []
        for c in result.controls where c.status == .notSatisfied || c.status == .error {
            for f in c.findings where f.status == .fail { list.append((Item(control: c, finding: f), list.count)) }
        }
        return list.sorted { ($1.0.control.severity, $0.1) < ($0.0.control.severity, $1.1) }.map(\.0)
    }

    // MARK: GitHub

    /// `::error file=…,line=…,title=…::message` lines (error for high and critical, warning for medium,
    /// notice for low), at most `max`, then a notice of how many were left out. GitHub shows only the
    /// first few per step, so the most severe come first.
    static func github(_ result: AuditResult, max: Int) -> String {
        let all = items(result)
        var out = ""
        for item in all.prefix(max) {
            let f = item.finding
            let c = item.control
            let level: String
            switch c.severity {
            case .critical, .high: level = "error"
            case .medium: level = "warning"
            case .low: level = "notice"
            }
            var properties: [String] = []
            if let source = f.source {
                properties.append("file=\(property(source.file))")
                properties.append("line=\(source.line)")
            }
            properties.append("title=\(property("\(c.control.id) \(c.control.title) [\(c.severity.rawValue)]"))")
            let subject = f.resource.map { "\($0.description): " } ?? ""
            out += "::\(level) \(properties.joined(separator: ","))::\(data(subject + f.message))\n"
        }
        if all.count > max {
            out += "::notice title=evident::\(data("\(all.count - max) more deviating findings are in results.json"))\n"
        }
        return out
    }

    /// Workflow-command data: `%`, CR and LF are escaped.
    static func data(_ text: String) -> String {
        Text.display(text).replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Workflow-command property values: also `:` and `,`.
    static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    // MARK: GitLab

    /// A GitLab code-quality report (a JSON array of issues with description, check_name, fingerprint,
    /// severity and location). The fingerprint is the finding's identity, so GitLab tracks it across
    /// runs; findings without a source point at line 1 of the first snapshot input.
    static func gitlab(_ result: AuditResult) -> String {
        let fallback = result.inputs.first { $0.role == .snapshot }?.path ?? "-"
        var w = JSONWriter()
        w.beginArray()
        var seen: Set<String> = []
        for item in items(result) {
            let f = item.finding
            let c = item.control
            let fingerprint = Digest.sha256(Array("\(c.control.id)|\(f.identity)".utf8))
            guard seen.insert(fingerprint).inserted else { continue }
            w.beginObject()
            let subject = f.resource.map { "\($0.description): " } ?? ""
            w.member("description", Text.line("\(c.control.id) \(c.control.title): \(subject)\(f.message)"))
            w.member("check_name", SARIFReport.ruleID(control: c.control.id, check: f.check))
            w.member("fingerprint", fingerprint)
            let severity: String
            switch c.severity {
            case .critical: severity = "critical"
            case .high: severity = "major"
            case .medium: severity = "minor"
            case .low: severity = "info"
            }
            w.member("severity", severity)
            w.object("location") { w in
                w.member("path", f.source?.file ?? fallback)
                w.object("lines") { w in w.member("begin", max(1, f.source?.line ?? 1)) }
            }
            w.endObject()
        }
        w.endArray()
        return w.output + "\n"
    }
}
