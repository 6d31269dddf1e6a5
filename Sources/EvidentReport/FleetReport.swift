import EvidentCore
import Foundation

/// What a fleet audit (`evident audit --fleet`) keeps of each cluster once its own reports are written:
/// per family the worst status with counts, and its most severe deviations. Small on purpose, so that the
/// cluster's full result can be let go before the next cluster loads.
public struct FleetCluster: Sendable {
    /// One family of one cluster.
    public struct Family: Sendable {
        public var catalogID: String
        public var familyID: String
        public var title: String
        /// Controls per status.
        public var counts: [ControlStatus: Int]
        /// The status that wins by precedence (error › not-satisfied › needs-evidence › waived › satisfied ›
        /// not-applicable).
        public var worst: ControlStatus {
            ControlStatus.combine(counts.filter { $0.value > 0 }.map(\.key)) ?? .notApplicable
        }
        public var total: Int { counts.values.reduce(0, +) }
    }

    /// A failing finding of a deviating control.
    public struct Deviation: Sendable {
        public var cluster: String
        public var controlID: String
        public var controlTitle: String
        public var severity: Severity
        public var status: ControlStatus
        /// `Kind namespace/name`, or `Cluster-wide`.
        public var object: String
        public var message: String
    }

    public var name: String
    /// The cluster's folder of reports, relative to the fleet summary.
    public var folder: String
    /// 0, 1 or 3 as the cluster's audit ended; 2 when it could not be audited (`problem` says why).
    public var exitCode: Int32
    public var problem: String?
    public var families: [Family]
    public var statusCounts: [ControlStatus: Int]
    /// Failing findings in all.
    public var deviationCount: Int
    /// The most severe failing findings, at most `FleetCluster.keptDeviations`.
    public var deviations: [Deviation]

    /// How many deviations each cluster keeps for the fleet's list.
    public static let keptDeviations = 50

    /// The summary of one cluster's audit.
    public init(name: String, folder: String, result: AuditResult) {
        self.name = name
        self.folder = folder
        exitCode = result.gate.exitCode
        problem = nil
        var families: [Family] = []
        var index: [String: Int] = [:]
        for c in result.controls {
            let key = c.catalogID + "\u{0}" + c.family.id
            if let i = index[key] {
                families[i].counts[c.status, default: 0] += 1
            } else {
                index[key] = families.count
                let title = c.family.title.trimmingCharacters(in: .whitespaces).isEmpty ? c.family.id : c.family.title
                families.append(Family(catalogID: c.catalogID, familyID: c.family.id, title: title, counts: [c.status: 1]))
            }
        }
        self.families = families
        statusCounts = result.statusCounts
        var deviations: [Deviation] = []
        var count = 0
        for c in result.controls where c.status == .notSatisfied || c.status == .error {
            let failing = c.findings.filter { $0.status != .waived }
            count += failing.count
            if failing.isEmpty {
                deviations.append(Deviation(cluster: name, controlID: c.control.id, controlTitle: c.control.title,
                                            severity: c.severity, status: c.status, object: "Cluster-wide",
                                            message: c.reason ?? c.status.rawValue))
            }
            for f in failing.prefix(Self.keptDeviations) {
                deviations.append(Deviation(cluster: name, controlID: c.control.id, controlTitle: c.control.title,
                                            severity: c.severity, status: c.status,
                                            object: f.resource?.description ?? "Cluster-wide", message: f.message))
            }
        }
        deviationCount = count
        self.deviations = Array(FleetSummary.ordered(deviations).prefix(Self.keptDeviations))
    }

    /// A cluster that could not be audited (exit 2): its snapshot did not load, or its reports could not
    /// be written.
    public init(name: String, folder: String, problem: String) {
        self.name = name
        self.folder = folder
        exitCode = 2
        self.problem = problem
        families = []
        statusCounts = [:]
        deviationCount = 0
        deviations = []
    }
}

/// The fleet summary: every cluster's family statuses and the worst deviations across the fleet.
public struct FleetSummary: Sendable {
    public var clusters: [FleetCluster]
    public var generatedAt: Date
    public var toolVersion: String
    /// The most deviations `fleet.html`, `fleet.md` and `fleet.json` list.
    public var maxDeviations: Int
    /// The file in each cluster's folder that `fleet.html` links to; nil links to the folder (when the
    /// clusters have no HTML report).
    public var clusterPage: String? = "report.html"

    public init(clusters: [FleetCluster], generatedAt: Date, toolVersion: String, maxDeviations: Int = 100) {
        self.clusters = clusters
        self.generatedAt = generatedAt
        self.toolVersion = toolVersion
        self.maxDeviations = maxDeviations
    }

    /// The fleet's exit code: the worst cluster's, in the order 2 (invalid input) › 3 (untrustworthy) ›
    /// 1 (gate failed) › 0.
    public var exitCode: Int32 { Self.worst(clusters.map(\.exitCode)) }

    public static func worst(_ codes: [Int32]) -> Int32 {
        let rank: [Int32: Int] = [0: 0, 1: 1, 3: 2, 2: 3]
        return codes.max { (rank[$0] ?? 3) < (rank[$1] ?? 3) } ?? 0
    }

    /// Most severe first, errors before not-satisfied, then by cluster, control and object.
    static func ordered(_ deviations: [FleetCluster.Deviation]) -> [FleetCluster.Deviation] {
        deviations.sorted {
            if $0.severity != $1.severity { return $0.severity > $1.severity }
            if $0.status != $1.status { return $0.status < $1.status }
            return ($0.cluster, $0.controlID, $0.object, $0.message) < ($1.cluster, $1.controlID, $1.object, $1.message)
        }
    }

    /// The families as columns: every family of any cluster, in the order they first appear.
    public var families: [(catalogID: String, familyID: String, title: String)] {
        var seen: Set<String> = []
        var list: [(String, String, String)] = []
        for cluster in clusters {
            for f in cluster.families where seen.insert(f.catalogID + "\u{0}" + f.familyID).inserted {
                list.append((f.catalogID, f.familyID, f.title))
            }
        }
        return list
    }

    /// The worst deviations across the fleet, at most `maxDeviations`.
    public var worstDeviations: [FleetCluster.Deviation] {
        Array(Self.ordered(clusters.flatMap(\.deviations)).prefix(maxDeviations))
    }

    /// How many failing findings the fleet has in all.
    public var deviationCount: Int { clusters.reduce(0) { $0 + $1.deviationCount } }
}

/// `fleet.html`, `fleet.md` and `fleet.json`. Every string from a snapshot is sanitised and escaped for
/// its format (the HTML template escapes every tag; Markdown and JSON escape here).
public enum FleetReport {
    struct Cell: Encodable {
        let key: String
        let label: String
        let symbol: String
        /// `3 of 8 controls`.
        let detail: String
        let title: String
    }

    struct Row: Encodable {
        let name: String
        let folder: String
        /// The cluster's report.html, relative and percent-encoded.
        let link: String
        let exitCode: Int
        let gate: String
        let gateKey: String
        let problem: String?
        let cells: [Cell]
        let deviationCount: Int
    }

    struct DeviationRow: Encodable {
        let cluster: String
        let controlID: String
        let controlTitle: String
        let severity: String
        let severityKey: String
        let status: String
        let statusKey: String
        let object: String
        let message: String
    }

    struct Column: Encodable {
        let title: String
        let catalogID: String
    }

    struct View: Encodable {
        let title: String
        let generatedAt: String
        let toolVersion: String
        let clusterCount: Int
        let exitCode: Int
        let verdict: String
        let columns: [Column]
        let rows: [Row]
        let deviations: [DeviationRow]
        let hasDeviations: Bool
        let deviationCount: Int
        let deviationsShown: Int
        let hasMoreDeviations: Bool
        let legend: [Cell]
    }

    static func gateLabel(_ code: Int32) -> (String, String) {
        switch code {
        case 0: ("passed", "passed")
        case 1: ("failed", "failed")
        case 3: ("not trustworthy (a control ended in error)", "error")
        default: ("not audited", "error")
        }
    }

    static func view(_ summary: FleetSummary) -> View {
        let families = summary.families
        let rows = summary.clusters.map { c -> Row in
            let byKey = Dictionary(c.families.map { ($0.catalogID + "\u{0}" + $0.familyID, $0) }, uniquingKeysWith: { a, _ in a })
            let cells = families.map { f -> Cell in
                guard let family = byKey[f.catalogID + "\u{0}" + f.familyID] else {
                    return Cell(key: "none", label: "-", symbol: "", detail: c.problem == nil ? "not in scope" : "not audited",
                                title: "")
                }
                let worst = family.worst
                let n = family.counts[worst] ?? 0
                return Cell(key: worst.rawValue, label: worst.label, symbol: worst.symbol,
                            detail: "\(n) of \(Text.plural(family.total, "control"))",
                            title: ControlStatus.displayOrder.compactMap { s in
                                (family.counts[s] ?? 0) > 0 ? "\(s.label): \(family.counts[s] ?? 0)" : nil
                            }.joined(separator: ", "))
            }
            let (gate, key) = gateLabel(c.exitCode)
            let encoded = c.folder.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(.init(charactersIn: ":;"))) ?? ""
            return Row(name: Text.line(c.name), folder: Text.line(c.folder), link: encoded + "/" + (summary.clusterPage ?? ""), exitCode: Int(c.exitCode), gate: gate,
                       gateKey: key, problem: c.problem.map { Text.capped(Text.display($0), 1_000) }, cells: cells,
                       deviationCount: c.deviationCount)
        }
        let worst = summary.worstDeviations
        let deviations = worst.map { d in
            DeviationRow(cluster: Text.line(d.cluster), controlID: Text.line(d.controlID),
                         controlTitle: Text.capped(Text.line(d.controlTitle), 300), severity: d.severity.label,
                         severityKey: d.severity.rawValue, status: d.status.label, statusKey: d.status.rawValue,
                         object: Text.capped(Text.line(d.object), 300), message: Text.capped(Text.line(d.message), 500))
        }
        let failing = summary.clusters.filter { $0.exitCode != 0 }.count
        let verdict = summary.clusters.isEmpty ? "No clusters were audited."
            : "\(Text.plural(summary.clusters.count, "cluster")) audited; \(failing) of them "
              + "\(failing == 1 ? "does" : "do") not pass the gate. \(Text.plural(summary.deviationCount, "deviation")) "
              + "(failing findings) in all."
        return View(
            title: "Fleet compliance summary", generatedAt: Text.rfc3339(summary.generatedAt),
            toolVersion: Text.line(summary.toolVersion), clusterCount: summary.clusters.count,
            exitCode: Int(summary.exitCode), verdict: verdict,
            columns: families.map { Column(title: Text.capped(Text.line($0.title), 60), catalogID: Text.line($0.catalogID)) },
            rows: rows, deviations: deviations, hasDeviations: !deviations.isEmpty,
            deviationCount: summary.deviationCount, deviationsShown: deviations.count,
            hasMoreDeviations: summary.deviationCount > deviations.count,
            legend: ControlStatus.displayOrder.map {
                Cell(key: $0.rawValue, label: $0.label, symbol: $0.symbol, detail: "", title: "")
            })
    }

    /// `fleet.html`: self-contained (inline CSS, no script), from `template` (the built-in
    /// `templates/fleet.html.mustache`). Throws `ReportError` when the template does not parse or uses a
    /// tag that does not escape.
    public static func html(_ summary: FleetSummary, template: String,
                            templateName: String = "templates/fleet.html.mustache") throws(ReportError) -> String {
        let parsed = try Templates.html(template, name: templateName)
        return parsed.render(MustacheBox.box(view(summary)))
    }

    /// `fleet.md`: the matrix and the worst deviations as GitHub-flavoured Markdown tables.
    public static func markdown(_ summary: FleetSummary) -> String {
        let v = view(summary)
        func md(_ s: String) -> String { Text.markdown(s) }
        var out = "### Fleet compliance summary\n\n\(md(v.verdict)) Exit code \(v.exitCode).\n\n"
        out += "| Cluster | Gate |" + v.columns.map { " \(md($0.title)) |" }.joined() + " Deviations |\n"
        out += "|---|---|" + String(repeating: "---|", count: v.columns.count) + "---:|\n"
        for r in v.rows {
            let gate = r.problem.map { "not audited: " + $0 } ?? "\(r.gate) (exit \(r.exitCode))"
            out += "| \(md(r.name)) | \(md(gate)) |"
                + r.cells.map { c in c.key == "none" ? " - |" : " \(c.symbol) \(md(c.label)) (\(md(c.detail))) |" }.joined()
                + " \(r.deviationCount) |\n"
        }
        out += "\n#### Worst deviations across the fleet\n\n"
        if v.deviations.isEmpty {
            out += "No control deviates in any cluster.\n"
        } else {
            out += "| Cluster | Control | Severity | Status | Object | Message |\n|---|---|---|---|---|---|\n"
            for d in v.deviations {
                out += "| \(md(d.cluster)) | \(md(d.controlID)) \(md(d.controlTitle)) | \(md(d.severity)) | "
                    + "\(md(d.status)) | \(md(d.object)) | \(md(d.message)) |\n"
            }
            if v.hasMoreDeviations {
                out += "\n_\(v.deviationsShown) of \(v.deviationCount) deviations shown; each cluster's report.html "
                    + "and results.json hold all of them._\n"
            }
        }
        out += "\n---\n<sub>evident \(md(v.toolVersion)) · \(md(v.generatedAt))</sub>\n"
        return out
    }

    /// `fleet.json`: `{"schemaVersion": 1, "generatedAt", "exitCode", "families", "clusters", "worstDeviations"}`.
    public static func json(_ summary: FleetSummary) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.member("schemaVersion", 1)
        w.member("generatedAt", Text.rfc3339(summary.generatedAt))
        w.object("tool") { w in
            w.member("name", "evident")
            w.member("version", summary.toolVersion)
        }
        w.member("exitCode", Int(summary.exitCode))
        w.array("families") { w in
            for f in summary.families {
                w.beginObject()
                w.member("catalog", f.catalogID)
                w.member("family", f.familyID)
                w.member("title", f.title)
                w.endObject()
            }
        }
        w.array("clusters") { w in
            for c in summary.clusters {
                w.beginObject()
                w.member("name", c.name)
                w.member("reports", c.folder)
                w.member("exitCode", Int(c.exitCode))
                w.member("problem", c.problem)
                w.object("summary") { w in
                    w.member("controls", c.statusCounts.values.reduce(0, +))
                    for s in ControlStatus.displayOrder { w.member(s.rawValue, c.statusCounts[s] ?? 0) }
                }
                w.member("deviations", c.deviationCount)
                w.array("families") { w in
                    for f in c.families {
                        w.beginObject()
                        w.member("catalog", f.catalogID)
                        w.member("family", f.familyID)
                        w.member("status", f.worst.rawValue)
                        w.object("counts") { w in
                            for s in ControlStatus.displayOrder where (f.counts[s] ?? 0) > 0 { w.member(s.rawValue, f.counts[s] ?? 0) }
                        }
                        w.endObject()
                    }
                }
                w.endObject()
            }
        }
        w.array("worstDeviations") { w in
            for d in summary.worstDeviations {
                w.beginObject()
                w.member("cluster", d.cluster)
                w.member("control", d.controlID)
                w.member("title", d.controlTitle)
                w.member("severity", d.severity.rawValue)
                w.member("status", d.status.rawValue)
                w.member("object", d.object)
                w.member("message", d.message)
                w.endObject()
            }
        }
        w.endObject()
        w.finish()
        return w.output + "\n"
    }
}
