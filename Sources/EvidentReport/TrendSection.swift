import EvidentCore
import Foundation

/// The "Trend" section of the reports (`evident audit --history`): the deviations (failing findings) of
/// the cluster's last runs as a bar chart laid out for an inline SVG, the same numbers per family as a
/// table (the chart's text equivalent), and the dates when controls started and stopped deviating.
/// Strings are display-sanitised, not escaped (the HTML template escapes; Markdown escapes its copies).
public struct TrendSection: Sendable, Encodable {
    /// One run: a bar.
    public struct Bar: Sendable, Encodable {
        /// `2026-11-27`, or with the time when two runs share a day.
        public let label: String
        public let deviations: Int
        public let deviatingControls: Int
        public let x: Int
        public let y: Int
        public let width: Int
        public let height: Int
        /// The centre of the bar, for its labels.
        public let centerX: Int
        public let valueY: Int
        public let labelY: Int
        /// The run this report is about (the last).
        public let current: Bool
    }

    /// One cell of the per-family table: a number, or `-` when the family was not in that run.
    public struct Cell: Sendable, Encodable {
        public let text: String
    }

    /// One family's deviations per run.
    public struct FamilyRow: Sendable, Encodable {
        public let title: String
        public let catalogID: String
        public let cells: [Cell]
    }

    /// A control that started (`opened`) or stopped deviating on a run.
    public struct Change: Sendable, Encodable {
        public let date: String
        public let controlID: String
        public let title: String
        public let catalogID: String
        public let opened: Bool
        /// `opened` or `closed`.
        public let verb: String
        /// The status on that run (`not-satisfied`, `satisfied`, ...).
        public let status: String
    }

    public let cluster: String
    public let runCount: Int
    /// "Deviations in the last 10 runs of cluster prod: 12 on 2026-05-01, 7 now."
    public let summary: String
    public let width: Int
    public let height: Int
    public let baselineY: Int
    public let bars: [Bar]
    /// The run labels, oldest first: the table's column headers.
    public let dates: [String]
    public let totals: [Cell]
    public let families: [FamilyRow]
    public let changes: [Change]
    public let hasChanges: Bool

    /// Lays out `trend` (its runs oldest first; the last is the current one).
    public init(_ trend: HistoryTrend) {
        let runs = trend.runs
        cluster = Text.line(trend.cluster)
        runCount = runs.count
        let labels = Self.labels(runs.map(\.time))
        dates = labels
        let counts = runs.map(\.deviationCount)
        let top = max(1, counts.max() ?? 1)
        let slot = 84, barWidth = 44, chartHeight = 120, top0 = 24, left = 8
        width = max(200, left * 2 + slot * max(1, runs.count))
        baselineY = top0 + chartHeight
        height = baselineY + 28
        bars = runs.indices.map { i in
            let h = counts[i] == 0 ? 0 : max(2, counts[i] * chartHeight / top)
            let x = left + i * slot + (slot - barWidth) / 2
            return Bar(label: labels[i], deviations: counts[i], deviatingControls: runs[i].deviatingControls, x: x,
                       y: top0 + chartHeight - h, width: barWidth, height: h, centerX: x + barWidth / 2,
                       valueY: top0 + chartHeight - h - 6, labelY: top0 + chartHeight + 18, current: i == runs.count - 1)
        }
        totals = counts.map { Cell(text: String($0)) }
        families = trend.families.map { f in
            FamilyRow(title: Text.line(f.title), catalogID: Text.line(f.catalogID),
                      cells: f.deviations.map { Cell(text: $0.map(String.init) ?? "-") })
        }
        changes = trend.transitions.map { t in
            Change(date: labels.indices.contains(t.run) ? labels[t.run] : Text.rfc3339(t.time),
                   controlID: Text.line(t.controlID), title: Text.line(t.title), catalogID: Text.line(t.catalogID),
                   opened: t.opened, verb: t.opened ? "opened" : "closed", status: t.status.rawValue)
        }
        hasChanges = !changes.isEmpty
        if let first = counts.first, let last = counts.last, runs.count > 1 {
            summary = "Deviations (failing findings) in the last \(runs.count) runs of cluster \(cluster): "
                + "\(first) on \(labels[0]), \(last) in this run."
        } else {
            summary = "This is the first run of cluster \(cluster) in the history: \(counts.first ?? 0) deviations."
        }
    }

    /// `YYYY-MM-DD` per run; with the time (`YYYY-MM-DD HH:MM`) when two runs share a day, and with seconds
    /// when two share a minute.
    static func labels(_ times: [Date]) -> [String] {
        let full = times.map(Text.rfc3339)
        for length in [10, 16, 19] {
            let cut = full.map { String($0.prefix(length)).replacingOccurrences(of: "T", with: " ") }
            if Set(cut).count == cut.count { return cut }
        }
        return full
    }
}
