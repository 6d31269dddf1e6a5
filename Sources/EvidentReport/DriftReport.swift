import EvidentCore

/// The drift between two audits (`evident diff`, and `evident audit --baseline`), as plain text or as
/// GitHub-flavoured Markdown. Lists are capped at `maxRows` each; the counts are always complete.
public enum DriftReport {
    /// Plain text for the terminal. The caller cleans control characters before printing.
    public static func text(_ diff: DeviationDiff, old: String, new: String, maxRows: Int = 50) -> String {
        var out = "Drift from \(old) to \(new)\n"
        out += "  new \(diff.new.count) · fixed \(diff.fixed.count) · still present \(diff.stillPresent.count)\n"
        if !diff.statusChanges.isEmpty {
            out += "Controls whose status changed:\n"
            for change in diff.statusChanges.prefix(maxRows) {
                out += "  \(change.control): \(change.old ?? "(absent)") -> \(change.new ?? "(absent)")\n"
            }
            if diff.statusChanges.count > maxRows { out += "  … and \(diff.statusChanges.count - maxRows) more\n" }
        }
        for (title, sign, list) in [("New deviations", "+", diff.new), ("Fixed", "-", diff.fixed)] where !list.isEmpty {
            out += "\(title):\n"
            for d in list.prefix(maxRows) { out += "  \(sign) \(line(d))\n" }
            if list.count > maxRows { out += "  … and \(list.count - maxRows) more\n" }
        }
        return out
    }

    /// Markdown for a merge request or a ticket.
    public static func markdown(_ diff: DeviationDiff, old: String, new: String, maxRows: Int = 50) -> String {
        func md(_ s: String) -> String { Text.markdown(Text.line(s)) }
        var out = "## Drift from \(md(old)) to \(md(new))\n\n"
        out += "| new | fixed | still present |\n|---:|---:|---:|\n"
        out += "| \(diff.new.count) | \(diff.fixed.count) | \(diff.stillPresent.count) |\n"
        if !diff.statusChanges.isEmpty {
            out += "\n### Controls whose status changed\n\n| control | before | after |\n|---|---|---|\n"
            for c in diff.statusChanges.prefix(maxRows) {
                out += "| \(md(c.control)) | \(md(c.old ?? "(absent)")) | \(md(c.new ?? "(absent)")) |\n"
            }
            if diff.statusChanges.count > maxRows { out += "\n… and \(diff.statusChanges.count - maxRows) more.\n" }
        }
        for (title, list) in [("New deviations", diff.new), ("Fixed", diff.fixed)] where !list.isEmpty {
            out += "\n### \(title)\n\n| control | check | resource | severity | where | message |\n"
            out += "|---|---|---|---|---|---|\n"
            for d in list.prefix(maxRows) {
                let place = d.source.map { "\($0.file):\($0.line)" } ?? ""
                out += "| \(md(d.control)) | \(md(d.check)) | \(md(d.resource ?? "")) | \(md(d.severity)) | "
                    + "\(md(place)) | \(md(d.message)) |\n"
            }
            if list.count > maxRows { out += "\n… and \(list.count - maxRows) more.\n" }
        }
        return out
    }

    private static func line(_ d: Deviation) -> String {
        var s = d.check.isEmpty ? d.control : "\(d.control)/\(d.check)"
        if let r = d.resource { s += "  \(r)" }
        if let src = d.source { s += "  (\(src.file):\(src.line))" }
        return s + "  " + Text.line(d.message)
    }
}
