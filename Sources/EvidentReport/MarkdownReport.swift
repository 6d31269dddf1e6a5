import EvidentCore
import Mustache

/// `report.md`: a view of the model whose strings are already escaped, rendered through the Markdown
/// template with Mustache's escaping turned off, then fitted into the size budget.
///
/// Escaping: `Text.markdown` (backslash escapes, `<br>` for line breaks) for Markdown text and table cells;
/// the `…HTML` fields use `Text.html` for HTML blocks such as `<summary>`, where backslashes do not work.
enum MarkdownReport {
    struct Count: Encodable {
        let key: String
        let label: String
        let symbol: String
        let count: Int
    }

    struct DeviationRow: Encodable {
        let id: String
        let title: String
        let severity: String
        let status: String
        let resources: String
    }

    struct EvidenceRow: Encodable {
        let resource: String
        let location: String
        let path: String
        let observed: String
    }

    struct ExceptionLine: Encodable {
        let id: String
        let approvedBy: String
        let ticket: String
        let expires: String
        let expired: Bool
        let state: String
        let justification: String
    }

    struct AttestationLine: Encodable {
        let verdict: String
        let attestedBy: String
        let date: String
        let expires: String
        let expired: Bool
        let statement: String
    }

    struct Detail: Encodable {
        let idHTML: String
        let titleHTML: String
        let severityHTML: String
        let statusHTML: String
        let affectedHTML: String
        let reason: String?
        let rows: [EvidenceRow]
        let hasRows: Bool
        let more: Int
        let hasMore: Bool
        let exceptions: [ExceptionLine]
        let attestation: AttestationLine?
    }

    struct OtherRow: Encodable {
        let id: String
        let title: String
        let status: String
        let reason: String
    }

    struct Input: Encodable {
        let path: String
        let role: String
        let sha256: String
    }

    struct Catalog: Encodable {
        let id: String
        let version: String
    }

    struct NetworkCell: Encodable {
        let text: String
    }

    struct NetworkRow: Encodable {
        let group: String
        let cells: [NetworkCell]
    }

    struct Network: Encodable {
        let summary: String
        let reachableTotal: Int
        let egressTotal: Int
        let pathsTotal: Int
        let gapsTotal: Int
        let groups: [String]
        let matrix: [NetworkRow]
    }

    struct Trend: Encodable {
        let summary: String
        /// The per-family table, one line each (header, separator, families, total).
        let lines: [String]
        let changes: [String]
        let hasChanges: Bool
    }

    struct View: Encodable {
        let network: Network?
        let trend: Trend?
        let planTitle: String
        let planID: String
        let planVersion: String
        let owner: String?
        let verdict: String
        let verdictDetails: [String]
        let verdictSymbol: String
        let gateSymbol: String
        let gateLabel: String
        let gateSummary: String
        let exitCode: Int
        let generatedAt: String
        let snapshotTime: String
        let toolVersion: String
        let counts: [Count]
        let totalControls: Int
        let deviationCount: Int
        /// Whether any control deviates (even when the budget left the table rows out).
        let anyDeviations: Bool
        var deviations: [DeviationRow]
        var hasDeviations: Bool
        var deviationsOmitted: Int
        var hasDeviationsOmitted: Bool
        var details: [Detail]
        var hasDetails: Bool
        var others: [OtherRow]
        var hasOthers: Bool
        var othersOmitted: Int
        var hasOthersOmitted: Bool
        var othersTitle: String
        let catalogs: [Catalog]
        var inputs: [Input]
        var hasInputs: Bool
        var inputsOmitted: Int
        var hasInputsOmitted: Bool
        /// Says what the budget left out; nil when nothing was.
        var budgetNote: String?
    }

    private static func md(_ text: String) -> String { Text.markdown(text) }
    private static func html(_ text: String) -> String { Text.html(text) }

    static func view(_ model: ReportModel, options: ReportOptions) -> View {
        let byID = Dictionary(model.controls.map { ($0.anchor, $0) }, uniquingKeysWith: { a, _ in a })
        let deviations = model.deviations.map { d -> DeviationRow in
            var resources = d.affected == 0 ? "-" : "\(d.affected): " + d.resources.joined(separator: ", ")
            if d.hasMoreResources { resources += ", and \(d.moreResources) more" }
            return DeviationRow(id: md(d.id), title: md(d.title), severity: md(d.severity),
                                status: md("\(d.status.symbol) \(d.status.label)"), resources: md(resources))
        }
        let details = model.deviations.compactMap { d -> Detail? in
            guard let c = byID[d.anchor] else { return nil }
            let failing = c.evidence.filter { $0.status.key != Finding.Status.waived.rawValue }
            let hidden = c.totalEvidence - c.evidence.count
            let rows = failing.map { e in
                EvidenceRow(resource: md(e.resource), location: md(e.location ?? "-"), path: md(e.path ?? "-"),
                            observed: md(e.observed ?? e.message))
            }
            let attestation = c.attestation.map {
                AttestationLine(verdict: md($0.verdict), attestedBy: md($0.attestedBy), date: md($0.date),
                                expires: md($0.expires ?? "no expiry"), expired: $0.expired, statement: md($0.statement))
            }
            return Detail(
                idHTML: html(c.id), titleHTML: html(c.title), severityHTML: html(c.severity.lowercased()),
                statusHTML: html("\(c.status.symbol) \(c.status.label.lowercased())"),
                affectedHTML: html(d.affectedText), reason: c.reason.map(md), rows: rows, hasRows: !rows.isEmpty,
                more: hidden, hasMore: hidden > 0,
                exceptions: c.exceptions.map {
                    ExceptionLine(id: md($0.id), approvedBy: md($0.approvedBy), ticket: md($0.ticket ?? "no ticket"),
                                  expires: md($0.expires), expired: $0.expired, state: md($0.state),
                                  justification: md($0.justification))
                },
                attestation: attestation)
        }
        let others = model.controls.filter {
            !$0.deviation && (options.includePassing || !$0.passing)
        }.map {
            OtherRow(id: md($0.id), title: md($0.title), status: md("\($0.status.symbol) \($0.status.label)"),
                     reason: md($0.reason ?? "-"))
        }
        let worst = model.totalControls == 0 ? "?" : (model.deviationCount > 0 ? "✘" : "✔")
        let network = model.network.map { n in
            Network(summary: md(n.summary), reachableTotal: n.reachableTotal, egressTotal: n.egressTotal,
                    pathsTotal: n.pathsTotal, gapsTotal: n.gapsTotal, groups: n.groups.map(md),
                    matrix: n.matrix.map { row in
                        NetworkRow(group: md(row.group), cells: row.cells.map { NetworkCell(text: md($0.text)) })
                    })
        }
        let trend = model.trend.map { t -> Trend in
            var lines = ["| Family |" + t.dates.map { " \(md($0)) |" }.joined(),
                         "|---|" + String(repeating: "---:|", count: t.dates.count)]
            lines += t.families.map { f in "| \(md(f.title)) |" + f.cells.map { " \(md($0.text)) |" }.joined() }
            lines.append("| **All families** |" + t.totals.map { " **\(md($0.text))** |" }.joined())
            let shown = 20
            var changes = t.changes.prefix(shown).map { c in
                md("\(c.date) \(c.verb): \(c.controlID) \(c.title) (\(c.status))")
            }
            if t.changes.count > shown { changes.append(md("… and \(t.changes.count - shown) more in report.html")) }
            return Trend(summary: md(t.summary), lines: lines, changes: changes, hasChanges: !changes.isEmpty)
        }
        return View(
            network: network, trend: trend,
            planTitle: md(model.header.planTitle), planID: md(model.header.planID),
            planVersion: md(model.header.planVersion), owner: model.header.owner.map(md),
            verdict: md(model.verdict), verdictDetails: model.verdictDetails.map(md), verdictSymbol: worst,
            gateSymbol: model.gate.symbol, gateLabel: md(model.gate.label), gateSummary: md(model.gate.summary),
            exitCode: model.gate.exitCode, generatedAt: md(model.header.generatedAt),
            snapshotTime: md(model.header.snapshotTime ?? "unknown"), toolVersion: md(model.header.toolVersion),
            counts: model.counts.map { Count(key: $0.key, label: md($0.label), symbol: $0.symbol, count: $0.count) },
            totalControls: model.totalControls, deviationCount: model.deviations.count,
            anyDeviations: !model.deviations.isEmpty,
            deviations: deviations, hasDeviations: !deviations.isEmpty, deviationsOmitted: 0,
            hasDeviationsOmitted: false, details: details, hasDetails: !details.isEmpty,
            others: others, hasOthers: !others.isEmpty, othersOmitted: 0, hasOthersOmitted: false,
            othersTitle: options.includePassing ? "Other controls" : "Waived and needs-evidence controls",
            catalogs: model.header.catalogs.map { Catalog(id: md($0.id), version: md($0.version)) },
            inputs: model.inputs.map { Input(path: md($0.path), role: md($0.role), sha256: md($0.sha256)) },
            hasInputs: !model.inputs.isEmpty, inputsOmitted: 0, hasInputsOmitted: false, budgetNote: nil)
    }

    static func render(_ model: ReportModel, options: ReportOptions) throws(ReportError) -> String {
        let template = try Templates.markdown(options)
        let full = view(model, options: options)
        let budget = max(0, options.markdownBudget)
        func size(_ s: String) -> Int { s.utf16.count }
        func draw(_ v: View) -> String { template.render(MustacheBox.box(v)) }

        var text = draw(full)
        if size(text) <= budget { return text }

        // 1. Drop detail blocks from the least severe upwards (they are ordered most severe first).
        func withDetails(_ k: Int) -> View {
            var v = full
            v.details = Array(full.details.prefix(k))
            v.hasDetails = k > 0
            let dropped = full.details.count - k
            v.budgetNote = dropped == 0 ? nil
                : "To stay within the \(budget)-character budget, the evidence of the \(Text.plural(dropped, "least severe deviation")) was left out; report.html and results.json hold all of it."
            return v
        }
        if let out = largest(upTo: full.details.count, budget: budget, size: size, draw: { draw(withDetails($0)) },
                             over: (full.details.count, size(text))) {
            return out
        }

        // 2. Cap the tables: other controls first, then the deviations, then the list of inputs.
        let base = withDetails(0)
        func capped(others: Int, deviations: Int, inputs: Int) -> View {
            var v = base
            v.others = Array(full.others.prefix(others))
            v.hasOthers = others > 0
            v.othersOmitted = full.others.count - others
            v.hasOthersOmitted = v.othersOmitted > 0
            v.deviations = Array(full.deviations.prefix(deviations))
            v.hasDeviations = deviations > 0
            v.deviationsOmitted = full.deviations.count - deviations
            v.hasDeviationsOmitted = v.deviationsOmitted > 0
            v.inputs = Array(full.inputs.prefix(inputs))
            v.hasInputs = inputs > 0
            v.inputsOmitted = full.inputs.count - inputs
            v.hasInputsOmitted = v.inputsOmitted > 0
            var note = "To stay within the \(budget)-character budget, the evidence of every deviation"
            var parts: [String] = []
            if v.othersOmitted > 0 { parts.append("\(v.othersOmitted) rows of other controls") }
            if v.deviationsOmitted > 0 { parts.append("\(Text.plural(v.deviationsOmitted, "deviation")) in the table") }
            if v.inputsOmitted > 0 { parts.append("\(Text.plural(v.inputsOmitted, "input digest")) ") }
            if !parts.isEmpty { note += ", " + parts.joined(separator: ", ") }
            note += " were left out; report.html and results.json hold all of it."
            v.budgetNote = note
            return v
        }
        let nd = full.deviations.count, ni = full.inputs.count
        if let out = largest(upTo: full.others.count, budget: budget, size: size,
                             draw: { draw(capped(others: $0, deviations: nd, inputs: ni)) }) {
            return out
        }
        if let out = largest(upTo: nd, budget: budget, size: size, draw: { draw(capped(others: 0, deviations: $0, inputs: ni)) }) {
            return out
        }
        if let out = largest(upTo: ni, budget: budget, size: size, draw: { draw(capped(others: 0, deviations: 0, inputs: $0)) }) {
            return out
        }

        // 3. Still too long (a tiny budget or a huge header): cut at a line break and say so.
        text = draw(capped(others: 0, deviations: 0, inputs: 0))
        return truncate(text, budget: budget)
    }

    /// The drawing of the largest `k` in `0...n` that fits the budget; nil when even 0 does not fit.
    /// Drawings grow with `k` (up to a few characters of note text), about linearly: a guess interpolating
    /// the sizes drawn so far alternates with halving the interval, so a few drawings find it where halving
    /// alone took twice as many (each drawing renders the whole report). `over`: a `k` already known not to
    /// fit, with its size.
    private static func largest(upTo n: Int, budget: Int, size: (String) -> Int, draw: (Int) -> String,
                                over: (k: Int, size: Int)? = nil) -> String? {
        var fitting = draw(0)
        var low = 0, lowSize = size(fitting)
        guard lowSize <= budget else { return nil }
        // `high`: the smallest k known not to fit (n + 1 while none is).
        var high = over?.k ?? n + 1, highSize = over?.size ?? 0
        var interpolate = true
        while high - low > 1 {
            var mid = (low + high) / 2
            if interpolate, high <= n, highSize > lowSize {
                mid = min(max(low + (budget - lowSize) * (high - low) / (highSize - lowSize), low + 1), high - 1)
            }
            interpolate.toggle()
            let text = draw(mid)
            let midSize = size(text)
            if midSize <= budget {
                low = mid
                lowSize = midSize
                fitting = text
            } else {
                high = mid
                highSize = midSize
            }
        }
        return fitting
    }

    static func truncate(_ text: String, budget: Int) -> String {
        let marker = "\n\n_(cut to fit the \(budget)-character budget; see report.html and results.json)_\n"
        let room = budget - marker.utf16.count
        guard room > 0 else {
            // Not even the marker fits: keep whole characters only.
            var out = ""
            var used = 0
            for ch in text {
                let n = String(ch).utf16.count
                if used + n > budget { break }
                out.append(ch)
                used += n
            }
            return out
        }
        var out = ""
        var used = 0
        for ch in text {
            let n = String(ch).utf16.count
            if used + n > room { break }
            out.append(ch)
            used += n
        }
        if let lastBreak = out.lastIndex(of: "\n") { out = String(out[..<lastBreak]) }
        return out + marker
    }
}
