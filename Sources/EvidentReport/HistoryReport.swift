import EvidentCore
import Foundation

/// What `evident history` prints: the runs (date, cluster, plan version, controls per status) and, per
/// cluster, the trend of deviations (failing findings) per family with the dates when controls started
/// and stopped deviating. As aligned text, GitHub Markdown or JSON; every string from the database is
/// display-sanitised and escaped for the format. Deterministic for the same runs.
public enum HistoryReport {
    /// The input of the renderers.
    public struct Content: Sendable {
        /// The database file, as given.
        public var file: String
        /// The database's schema version (the last migration's name).
        public var schema: String
        /// The runs listed, oldest first.
        public var runs: [HistoryRun]
        /// One trend per cluster, in cluster order.
        public var trends: [HistoryTrend]

        public init(file: String, schema: String, runs: [HistoryRun], trends: [HistoryTrend]) {
            self.file = file
            self.schema = schema
            self.runs = runs
            self.trends = trends
        }
    }

    private static let statusColumns: [(ControlStatus, String)] = [
        (.satisfied, "satisfied"), (.notSatisfied, "not-satisfied"), (.waived, "waived"),
        (.notApplicable, "n/a"), (.needsEvidence, "needs-evidence"), (.error, "error"),
    ]

    private static func runRow(_ run: HistoryRun) -> [String] {
        let counts = run.statusCounts
        return [String(run.id ?? 0), Text.rfc3339(run.time), Text.line(run.cluster),
                Text.line(run.planID) + " " + Text.line(run.planVersion)]
            + statusColumns.map { String(counts[$0.0] ?? 0) }
            + [String(run.deviationCount), String(run.exitCode)]
    }

    private static let runHeader = ["run", "time", "cluster", "plan"] + statusColumns.map(\.1) + ["deviations", "exit"]

    private static func familyRows(_ trend: HistoryTrend) -> [[String]] {
        var rows = trend.families.map { f in
            [Text.line(f.title) + " (" + Text.line(f.catalogID) + ")"] + f.deviations.map { $0.map(String.init) ?? "-" }
        }
        rows.append(["All families"] + trend.runs.map { String($0.deviationCount) })
        return rows
    }

    private static func changeLine(_ t: HistoryTrend.Transition, labels: [String]) -> [String] {
        [labels.indices.contains(t.run) ? labels[t.run] : Text.rfc3339(t.time), t.opened ? "opened" : "closed",
         Text.line(t.controlID), Text.line(t.title), t.status.rawValue]
    }

    /// Aligned plain text for a terminal.
    public static func text(_ content: Content) -> String {
        var out = "History \(Text.line(content.file)) (schema \(content.schema)): "
        let clusters = Set(content.runs.map(\.cluster)).count
        out += "\(Text.plural(content.runs.count, "run")) of \(Text.plural(clusters, "cluster"))\n"
        guard !content.runs.isEmpty else { return out }
        out += "\nRuns (controls per status, deviations = failing findings)\n"
        out += table([runHeader] + content.runs.map(runRow), numeric: Set(4..<runHeader.count).union([0]))
        for trend in content.trends {
            let labels = TrendSection.labels(trend.runs.map(\.time))
            out += "\nDeviations per family, cluster \(Text.line(trend.cluster)) (oldest run first)\n"
            out += table([["family"] + labels] + familyRows(trend), numeric: Set(1...max(1, labels.count)))
            out += "\nDeviations opened and closed, cluster \(Text.line(trend.cluster))\n"
            if trend.transitions.isEmpty {
                out += "  none: no control started or stopped deviating in these runs\n"
            } else {
                out += table(trend.transitions.map { changeLine($0, labels: labels) }, numeric: [], header: false)
            }
        }
        return out
    }

    /// Left-aligned columns (right-aligned when `numeric`), two spaces apart, indented by two.
    private static func table(_ rows: [[String]], numeric: Set<Int>, header: Bool = true) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        var out = ""
        for (r, row) in rows.enumerated() {
            let cells = row.enumerated().map { c, cell -> String in
                let pad = String(repeating: " ", count: max(0, widths[c] - cell.count))
                return numeric.contains(c) && !(header && r == 0) ? pad + cell : cell + pad
            }
            out += "  " + cells.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        return out
    }

    /// GitHub-flavoured Markdown, for a ticket or a merge request.
    public static func markdown(_ content: Content) -> String {
        func md(_ s: String) -> String { Text.markdown(s) }
        func row(_ cells: [String]) -> String { "| " + cells.map(md).joined(separator: " | ") + " |\n" }
        let clusters = Set(content.runs.map(\.cluster)).count
        var out = "### Audit history\n\n"
        out += md("\(content.file) (schema \(content.schema)): \(Text.plural(content.runs.count, "run")) of "
                  + Text.plural(clusters, "cluster")) + "\n"
        guard !content.runs.isEmpty else { return out }
        out += "\n" + row(runHeader) + "|" + runHeader.indices.map { $0 >= 4 || $0 == 0 ? "---:|" : "---|" }.joined() + "\n"
        for run in content.runs { out += row(runRow(run)) }
        for trend in content.trends {
            let labels = TrendSection.labels(trend.runs.map(\.time))
            out += "\n#### Deviations per family: \(md(trend.cluster))\n\n"
            out += row(["Family"] + labels) + "|---|" + String(repeating: "---:|", count: labels.count) + "\n"
            for r in familyRows(trend) { out += row(r) }
            out += "\n"
            if trend.transitions.isEmpty {
                out += "No control started or stopped deviating in these runs.\n"
            } else {
                for t in trend.transitions {
                    let c = changeLine(t, labels: labels)
                    out += "- \(md(c[0])) **\(c[1])**: \(md(c[2])) \(md(c[3])) (\(md(c[4])))\n"
                }
            }
        }
        return out
    }

    /// JSON: `{"schemaVersion": 1, "history", "databaseSchema", "runs": [...], "trends": [...]}`.
    public static func json(_ content: Content) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.member("schemaVersion", 1)
        w.member("history", content.file)
        w.member("databaseSchema", content.schema)
        w.array("runs") { w in
            for run in content.runs {
                w.beginObject()
                w.member("id", run.id.map { Int($0) })
                w.member("time", Text.rfc3339(run.time))
                w.member("snapshotTime", run.snapshotTime.map(Text.rfc3339))
                w.member("cluster", run.cluster)
                w.object("plan") { w in
                    w.member("id", run.planID)
                    w.member("version", run.planVersion)
                }
                w.member("toolVersion", run.toolVersion)
                w.member("exitCode", run.exitCode)
                w.array("catalogs") { w in
                    for c in run.catalogs {
                        w.beginObject()
                        w.member("id", c.id)
                        w.member("version", c.version)
                        w.endObject()
                    }
                }
                w.array("inputs") { w in
                    for i in run.inputs {
                        w.beginObject()
                        w.member("path", i.path)
                        w.member("role", i.role)
                        w.member("sha256", i.sha256)
                        w.member("bytes", i.bytes)
                        w.endObject()
                    }
                }
                w.object("summary") { w in
                    let counts = run.statusCounts
                    w.member("controls", run.controls.count)
                    for status in ControlStatus.displayOrder { w.member(status.rawValue, counts[status] ?? 0) }
                }
                w.member("deviations", run.deviationCount)
                w.member("deviatingControls", run.deviatingControls)
                w.endObject()
            }
        }
        w.array("trends") { w in
            for trend in content.trends {
                w.beginObject()
                w.member("cluster", trend.cluster)
                w.key("runs")
                w.beginArray()
                for run in trend.runs { if let id = run.id { w.int(Int(id)) } else { w.null() } }
                w.endArray()
                w.array("families") { w in
                    for f in trend.families {
                        w.beginObject()
                        w.member("catalog", f.catalogID)
                        w.member("family", f.familyID)
                        w.member("title", f.title)
                        w.key("deviations")
                        w.beginArray()
                        for d in f.deviations { if let d { w.int(d) } else { w.null() } }
                        w.endArray()
                        w.endObject()
                    }
                }
                w.array("transitions") { w in
                    for t in trend.transitions {
                        w.beginObject()
                        w.member("time", Text.rfc3339(t.time))
                        w.member("run", trend.runs[t.run].id.map { Int($0) })
                        w.member("change", t.opened ? "opened" : "closed")
                        w.member("control", t.controlID)
                        w.member("catalog", t.catalogID)
                        w.member("title", t.title)
                        w.member("status", t.status.rawValue)
                        w.endObject()
                    }
                }
                w.endObject()
            }
        }
        w.endObject()
        w.finish()
        return w.output + "\n"
    }
}
