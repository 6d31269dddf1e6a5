import EvidentCore
import Foundation

/// The presentation-ready view of an `AuditResult`, built once and shared by the HTML and Markdown
/// templates. Every string in it comes from the result, sanitised for display (`Text.display`: control
/// characters dropped, bidi controls made visible) but not yet escaped for any format; the HTML template
/// escapes with `{{ }}` and the Markdown renderer builds escaped copies. Dates are RFC 3339 in UTC, taken
/// from the result's own clock (`generatedAt`), never from the wall clock.
///
/// The property names are the contract for custom templates; `templates/report.html.mustache` uses them all.
/// Mustache looks a name up in the enclosing objects when the current one has no value for it, so optional
/// fields never share a name with a field of an enclosing type.
public struct ReportModel: Sendable, Encodable {
    /// A status shown as word, symbol and CSS key (`satisfied`, `not-satisfied`, ...).
    public struct Badge: Sendable, Hashable, Encodable {
        public let key: String
        public let label: String
        public let symbol: String
    }

    /// How many controls ended in one status.
    public struct StatusCount: Sendable, Encodable {
        public let key: String
        public let label: String
        public let symbol: String
        public let count: Int
        /// True when the count is 0 (templates grey these out).
        public let zero: Bool
    }

    /// A catalog the result was assessed against.
    public struct CatalogInfo: Sendable, Encodable {
        public let id: String
        public let title: String
        public let version: String
        public let origin: String
    }

    /// What the report is about: the plan, the times, the tool and catalog versions.
    public struct Header: Sendable, Encodable {
        public let title: String
        public let planID: String
        public let planTitle: String
        public let planVersion: String
        public let owner: String?
        public let planOrigin: String
        public let toolName: String
        public let toolVersion: String
        public let catalogs: [CatalogInfo]
        public let generatedAt: String
        /// nil when the inputs do not say when the snapshot was taken.
        public let snapshotTime: String?
        /// `snapshotTime`, or a sentence saying it is unknown.
        public let snapshotTimeText: String
    }

    /// The CI gate as the command line saw it.
    public struct Gate: Sendable, Encodable {
        public let passed: Bool
        public let exitCode: Int
        /// `Passed`, `Failed`, or `Not trustworthy` (exit code 3).
        public let label: String
        public let symbol: String
        /// `passed`, `failed` or `error`.
        public let key: String
        public let summary: String
        public let failingControls: [String]
        public let hasFailingControls: Bool
    }

    /// One status in one family's bar; coordinates are in the SVG's user units.
    public struct ChartSegment: Sendable, Encodable {
        public let key: String
        public let label: String
        public let symbol: String
        public let count: Int
        public let x: Int
        public let width: Int
        /// Where the symbol is drawn inside the segment, when it is wide enough (`showSymbol`).
        public let symbolX: Int
        public let showSymbol: Bool
        /// Not-satisfied and error segments are also hatched.
        public let hatched: Bool
    }

    /// One control family: a bar in the chart.
    public struct ChartRow: Sendable, Encodable {
        public let label: String
        public let catalogID: String
        public let total: Int
        public let y: Int
        public let barY: Int
        public let textY: Int
        public let segments: [ChartSegment]
        /// The non-zero counts with their symbols, written beside the bar (`✔ 3 · ✘ 2`).
        public let countsText: String
        public let counts: [StatusCount]
    }

    /// The per-family stacked bar chart, laid out for an inline SVG.
    public struct Chart: Sendable, Encodable {
        public let width: Int
        public let height: Int
        public let labelX: Int
        public let barX: Int
        public let barHeight: Int
        public let countsX: Int
        public let rows: [ChartRow]
        public let isEmpty: Bool
    }

    /// A row of the deviations table: a not-satisfied or error control.
    public struct Deviation: Sendable, Encodable {
        public let anchor: String
        public let id: String
        public let title: String
        public let catalogID: String
        public let severity: String
        public let severityKey: String
        public let status: Badge
        public let reason: String?
        /// Distinct resources that fail or could not be checked (a cluster-wide finding counts once).
        public let affected: Int
        public let affectedText: String
        /// The first few of them (`Kind namespace/name`).
        public let resources: [String]
        public let moreResources: Int
        public let hasMoreResources: Bool
    }

    /// One objective of a control's statement.
    public struct Objective: Sendable, Encodable {
        public let id: String
        public let text: String
    }

    /// The outcome of one check of a control.
    public struct Check: Sendable, Encodable {
        public let id: String
        public let evaluator: String
        /// Whether the evaluator's id differs from the check's (templates then show both).
        public let showEvaluator: Bool
        public let status: Badge
        public let evaluated: Int
        public let failed: Int
        /// Why the check did not decide, when it did not. (Not `reason`: Mustache would fall back to the
        /// control's `reason` when this is nil.)
        public let explanation: String?
    }

    /// One finding, ready for the evidence table.
    public struct EvidenceRow: Sendable, Encodable {
        public let status: Badge
        public let check: String
        /// `Kind namespace/name`, or `Cluster-wide` for findings on no single object.
        public let resource: String
        public let kind: String?
        public let namespace: String?
        public let name: String?
        /// `file:line`.
        public let location: String?
        public let path: String?
        public let observed: String?
        public let expected: String?
        public let message: String
        public let pods: Int?
        public let image: String?
        public let exception: String?
        /// `waived by EXC-1`, or `EXC-2 has expired` for a failing finding whose exception lapsed.
        public let exceptionNote: String?
    }

    /// A plan exception with its expiry judged against the report time.
    public struct ExceptionInfo: Sendable, Encodable {
        public let id: String
        public let control: String
        public let scope: String
        public let justification: String
        public let approvedBy: String
        public let ticket: String?
        /// `YYYY-MM-DD`: valid until the end of that day (UTC).
        public let expires: String
        public let expired: Bool
        /// Days from the report time to the expiry; negative once expired.
        public let daysLeft: Int
        /// `expired`, `expires in 12 days`, or `valid until 2026-12-31`.
        public let state: String
        /// Plan file and line.
        public let source: String?
    }

    /// An attestation's evidence entry: a web link or plain text.
    public struct Link: Sendable, Encodable {
        public let text: String
        /// Set only for `http:` and `https:` links; anything else is shown as text.
        public let url: String?
    }

    /// A plan attestation with its expiry judged against the report time.
    public struct AttestationInfo: Sendable, Encodable {
        public let control: String
        /// `satisfied` or `not-satisfied`, as the attester says.
        public let verdict: String
        public let verdictSatisfied: Bool
        public let statement: String
        public let attestedBy: String
        public let date: String
        public let expires: String?
        public let expired: Bool
        public let evidence: [Link]
        public let hasEvidence: Bool
        public let source: String?
    }

    /// A control's references to another framework, e.g. `sp800-53: AC-6, RA-5`.
    public struct Reference: Sendable, Encodable {
        public let name: String
        public let values: String
    }

    /// Everything the report shows about one control.
    public struct ControlDetail: Sendable, Encodable {
        public let anchor: String
        public let id: String
        public let title: String
        public let catalogID: String
        public let familyTitle: String
        public let severity: String
        public let severityKey: String
        public let mode: String
        public let status: Badge
        public let reason: String?
        public let statement: String?
        public let objectives: [Objective]
        public let hasObjectives: Bool
        public let checks: [Check]
        public let hasChecks: Bool
        /// The first `maxRowsPerControl` findings.
        public let evidence: [EvidenceRow]
        public let hasEvidence: Bool
        /// Findings left out of `evidence` (all of them are in results.json).
        public let moreEvidence: Int
        public let hasMoreEvidence: Bool
        public let totalEvidence: Int
        public let exceptions: [ExceptionInfo]
        public let hasExceptions: Bool
        public let attestation: AttestationInfo?
        public let references: [Reference]
        public let hasReferences: Bool
        /// Whether the HTML shows it unfolded: everything but passing controls, unless `includePassing`.
        public let open: Bool
        public let passing: Bool
        public let deviation: Bool
    }

    /// A control the plan leaves out of scope, with the reason.
    public struct Exclusion: Sendable, Encodable {
        public let catalog: String
        public let control: String
        public let reason: String
        public let source: String?
    }

    /// What the plan says that no longer matches the cluster or the calendar.
    public struct Hygiene: Sendable, Encodable {
        public let staleExceptions: [ExceptionInfo]
        public let expiringSoon: [ExceptionInfo]
        public let expiredExceptions: [ExceptionInfo]
        public let expiredAttestations: [AttestationInfo]
        public let exclusions: [Exclusion]
        public let hasStaleExceptions: Bool
        public let hasExpiringSoon: Bool
        public let hasExpiredExceptions: Bool
        public let hasExpiredAttestations: Bool
        public let hasExclusions: Bool
        /// True when there is nothing to report.
        public let clean: Bool
    }

    /// A warning or note from loading and evaluating.
    public struct DiagnosticRow: Sendable, Encodable {
        /// `info` or `warning`.
        public let severity: String
        public let warning: Bool
        public let location: String?
        public let message: String
    }

    /// One input file with its digest.
    public struct InputRow: Sendable, Encodable {
        public let path: String
        public let role: String
        public let sha256: String
        public let bytes: Int
    }

    /// How many objects of one kind the inputs held.
    public struct KindCount: Sendable, Encodable {
        public let kind: String
        public let count: Int
    }

    public let header: Header
    /// "12 of 24 controls deviate from the plan; 3 are high severity."
    public let verdict: String
    /// Further sentences: errors, missing evidence.
    public let verdictDetails: [String]
    public let totalControls: Int
    public let deviationCount: Int
    public let counts: [StatusCount]
    public let gate: Gate
    public let chart: Chart
    public let deviations: [Deviation]
    public let hasDeviations: Bool
    public let controls: [ControlDetail]
    public let exceptions: [ExceptionInfo]
    public let hasExceptions: Bool
    public let attestations: [AttestationInfo]
    public let hasAttestations: Bool
    public let hygiene: Hygiene
    public let diagnostics: [DiagnosticRow]
    public let hasDiagnostics: Bool
    public let warningCount: Int
    public let inputs: [InputRow]
    public let hasInputs: Bool
    public let resourceCounts: [KindCount]
    public let totalResources: Int
    public let maxRowsPerControl: Int
    /// Network exposure, when the network engine ran.
    public let network: NetworkSection?
    public let hasNetwork: Bool
    /// The trend of the cluster's last runs, when the audit keeps a history (`--history`).
    public let trend: TrendSection?
    public let hasTrend: Bool

    /// How many resources the deviations table names before "and N more".
    static let resourcesShown = 3
    /// Longest field shown in a table cell; the JSON keeps the whole value.
    static let cellLimit = 300
    static let messageLimit = 1_000

    /// Builds the model. Never fails: missing optional data is shown as such.
    public init(_ result: AuditResult, options: ReportOptions) {
        let now = result.generatedAt
        let maxRows = max(0, options.maxRowsPerControl)
        maxRowsPerControl = maxRows
        network = result.network.map(NetworkSection.init)
        hasNetwork = network != nil
        trend = result.history.map(TrendSection.init)
        hasTrend = trend != nil

        let snapshotTime = result.snapshotTime.map(Text.rfc3339)
        header = Header(
            title: "Compliance report: " + Text.line(result.plan.title),
            planID: Text.line(result.plan.id), planTitle: Text.line(result.plan.title),
            planVersion: Text.line(result.plan.version), owner: result.plan.owner.map(Text.line),
            planOrigin: Text.line(result.plan.origin), toolName: "evident",
            toolVersion: Text.line(result.toolVersion),
            catalogs: result.catalogs.map {
                CatalogInfo(id: Text.line($0.id), title: Text.line($0.title), version: Text.line($0.version),
                            origin: Text.line($0.origin))
            },
            generatedAt: Text.rfc3339(now), snapshotTime: snapshotTime,
            snapshotTimeText: snapshotTime ?? "unknown (the inputs do not say when they were collected)")

        // Counts and verdict.
        let statusCounts = result.statusCounts
        counts = ControlStatus.displayOrder.map { Self.count($0, statusCounts[$0] ?? 0) }
        totalControls = result.controls.count
        let deviating = result.controls.filter { $0.status == .notSatisfied }
        deviationCount = deviating.count
        (verdict, verdictDetails) = Self.verdict(result.controls)

        let gateKey = result.gate.exitCode == 3 ? "error" : (result.gate.passed ? "passed" : "failed")
        gate = Gate(
            passed: result.gate.passed, exitCode: Int(result.gate.exitCode),
            label: gateKey == "error" ? "Not trustworthy" : (result.gate.passed ? "Passed" : "Failed"),
            symbol: gateKey == "error" ? "⚠" : (result.gate.passed ? "✔" : "✘"), key: gateKey,
            summary: Text.display(result.gate.summary), failingControls: result.gate.failingControls.map(Text.line),
            hasFailingControls: !result.gate.failingControls.isEmpty)

        chart = Self.chart(result)

        // Anchors: readable and unique.
        var anchors: [String] = []
        var used: Set<String> = []
        for control in result.controls {
            let base = "control-" + Self.slug(control.catalogID + "-" + control.control.id)
            var anchor = base
            var n = 2
            while used.contains(anchor) {
                anchor = "\(base)-\(n)"
                n += 1
            }
            used.insert(anchor)
            anchors.append(anchor)
        }

        // Deviations: most severe first, then catalog order.
        let deviationIndexes = result.controls.indices.filter { result.controls[$0].status.isDeviation }
            .sorted { a, b in
                let sa = result.controls[a].severity, sb = result.controls[b].severity
                return sa != sb ? sa > sb : a < b
            }
        deviations = deviationIndexes.map { i in
            let c = result.controls[i]
            let affected = c.deviatingObjects(listing: Self.resourcesShown)
            let shown = affected.first
            return Deviation(
                anchor: anchors[i], id: Text.line(c.control.id), title: Text.line(c.control.title),
                catalogID: Text.line(c.catalogID), severity: c.severity.label, severityKey: c.severity.rawValue,
                status: Self.badge(c.status), reason: c.reason.map { Text.capped(Text.display($0), Self.messageLimit) }, affected: affected.count,
                affectedText: affected.count == 0 ? "none listed" : Text.plural(affected.count, "resource"),
                resources: shown.map { Text.capped(Text.line($0), Self.cellLimit) },
                moreResources: affected.count - shown.count, hasMoreResources: affected.count > shown.count)
        }
        hasDeviations = !deviations.isEmpty

        controls = result.controls.indices.map { i in
            Self.detail(result.controls[i], anchor: anchors[i], now: now, maxRows: maxRows, options: options)
        }

        exceptions = result.plan.exceptions.map { Self.exception($0, now: now) }
        hasExceptions = !exceptions.isEmpty
        attestations = result.plan.attestations.map { Self.attestation($0, now: now) }
        hasAttestations = !attestations.isEmpty

        let h = result.hygiene
        let exclusions = h.exclusions.map {
            Exclusion(catalog: Text.line($0.catalog), control: Text.line($0.exclusion.control),
                      reason: Text.display($0.exclusion.reason), source: $0.exclusion.source.map { Text.line("\($0)") })
        }
        hygiene = Hygiene(
            staleExceptions: h.staleExceptions.map { Self.exception($0, now: now) },
            expiringSoon: h.expiringSoon.map { Self.exception($0, now: now) },
            expiredExceptions: h.expiredExceptions.map { Self.exception($0, now: now) },
            expiredAttestations: h.expiredAttestations.map { Self.attestation($0, now: now) },
            exclusions: exclusions,
            hasStaleExceptions: !h.staleExceptions.isEmpty, hasExpiringSoon: !h.expiringSoon.isEmpty,
            hasExpiredExceptions: !h.expiredExceptions.isEmpty,
            hasExpiredAttestations: !h.expiredAttestations.isEmpty, hasExclusions: !exclusions.isEmpty,
            clean: h.staleExceptions.isEmpty && h.expiringSoon.isEmpty && h.expiredExceptions.isEmpty
                && h.expiredAttestations.isEmpty && exclusions.isEmpty)

        diagnostics = result.diagnostics.map {
            DiagnosticRow(severity: $0.severity.rawValue, warning: $0.severity == .warning,
                          location: $0.location.map { Text.line("\($0)") },
                          message: Text.capped(Text.display($0.message), Self.messageLimit))
        }
        hasDiagnostics = !diagnostics.isEmpty
        warningCount = result.diagnostics.filter { $0.severity == .warning }.count
        inputs = result.inputs.map {
            InputRow(path: Text.line($0.path), role: $0.role.rawValue, sha256: Text.line($0.sha256), bytes: $0.bytes)
        }
        hasInputs = !inputs.isEmpty
        resourceCounts = result.resourceCounts.map { KindCount(kind: Text.line($0.kind), count: $0.count) }
        totalResources = result.resourceCounts.reduce(0) { $0 + $1.count }
    }

    // MARK: Pieces

    static func badge(_ status: ControlStatus) -> Badge {
        Badge(key: status.rawValue, label: status.label, symbol: status.symbol)
    }

    static func count(_ status: ControlStatus, _ n: Int) -> StatusCount {
        StatusCount(key: status.rawValue, label: status.label, symbol: status.symbol, count: n, zero: n == 0)
    }

    /// The verdict sentence and what else the reader must know at once.
    static func verdict(_ controls: [ControlResult]) -> (String, [String]) {
        let total = controls.count
        let deviating = controls.filter { $0.status == .notSatisfied }
        let critical = deviating.filter { $0.severity == .critical }.count
        let high = deviating.filter { $0.severity == .high }.count
        var sentence: String
        if total == 0 {
            sentence = "No controls were in scope, so nothing was checked."
        } else if deviating.isEmpty {
            sentence = total == 1 ? "The one control in scope does not deviate from the plan."
                : "None of the \(total) controls deviate from the plan."
        } else {
            let verb = deviating.count == 1 ? "deviates" : "deviate"
            sentence = "\(deviating.count) of \(total) controls \(verb) from the plan"
            switch (critical, high) {
            case (0, 0): sentence += "; none is of high or critical severity."
            case (0, let h): sentence += "; \(h) \(h == 1 ? "is" : "are") high severity."
            case (let c, 0): sentence += "; \(c) \(c == 1 ? "is" : "are") critical severity."
            case let (c, h): sentence += "; \(c) \(c == 1 ? "is" : "are") critical and \(h) high severity."
            }
        }
        var details: [String] = []
        let errors = controls.filter { $0.status == .error }.count
        if errors > 0 {
            details.append("\(Text.plural(errors, "control")) could not be checked (error), so this result "
                + "cannot be fully trusted.")
        }
        let needs = controls.filter { $0.status == .needsEvidence }.count
        if needs > 0 {
            details.append("\(Text.plural(needs, "control")) \(needs == 1 ? "needs" : "need") evidence that "
                + "the inputs do not hold.")
        }
        let waived = controls.filter { $0.status == .waived }.count
        if waived > 0 {
            details.append("\(Text.plural(waived, "control")) \(waived == 1 ? "is" : "are") waived by approved "
                + "exceptions.")
        }
        return (sentence, details)
    }

    /// Lower-case letters, digits, `.`, `_` and `-`; anything else becomes `-`.
    static func slug(_ text: String) -> String {
        let mapped = text.lowercased().unicodeScalars.map { s -> Character in
            switch s {
            case "a"..."z", "0"..."9", ".", "_", "-": Character(s)
            default: "-"
            }
        }
        return String(mapped)
    }

    static func chart(_ result: AuditResult) -> Chart {
        struct Group { var catalogID: String; var familyID: String; var title: String; var counts: [ControlStatus: Int] }
        var groups: [Group] = []
        for c in result.controls {
            if let i = groups.firstIndex(where: { $0.catalogID == c.catalogID && $0.familyID == c.family.id }) {
                groups[i].counts[c.status, default: 0] += 1
            } else {
                let title = c.family.title.trimmingCharacters(in: .whitespaces).isEmpty ? c.family.id : c.family.title
                groups.append(Group(catalogID: c.catalogID, familyID: c.family.id, title: title,
                                    counts: [c.status: 1]))
            }
        }
        let labelX = 0, barX = 250, barWidth = 400, countsX = 662, rowHeight = 30, barHeight = 20, top = 6
        let largest = max(1, groups.map { $0.counts.values.reduce(0, +) }.max() ?? 1)
        var rows: [ChartRow] = []
        for (index, group) in groups.enumerated() {
            let total = group.counts.values.reduce(0, +)
            let y = top + index * rowHeight
            var segments: [ChartSegment] = []
            var cumulative = 0
            for status in ControlStatus.displayOrder {
                let n = group.counts[status] ?? 0
                guard n > 0 else { continue }
                let x0 = barX + (cumulative * barWidth + largest / 2) / largest
                cumulative += n
                let x1 = barX + (cumulative * barWidth + largest / 2) / largest
                let width = max(1, x1 - x0)
                segments.append(ChartSegment(
                    key: status.rawValue, label: status.label, symbol: status.symbol, count: n, x: x0, width: width,
                    symbolX: x0 + width / 2, showSymbol: width >= 16, hatched: status.isDeviation))
            }
            let counts = ControlStatus.displayOrder.compactMap { s -> StatusCount? in
                let n = group.counts[s] ?? 0
                return n > 0 ? count(s, n) : nil
            }
            rows.append(ChartRow(
                label: Text.capped(Text.line(group.title), 34), catalogID: Text.line(group.catalogID), total: total,
                y: y, barY: y, textY: y + barHeight / 2 + 5, segments: segments,
                countsText: counts.map { "\($0.symbol) \($0.count)" }.joined(separator: "  ·  "), counts: counts))
        }
        return Chart(width: 960, height: max(1, top * 2 + groups.count * rowHeight - (rowHeight - barHeight)),
                     labelX: labelX, barX: barX, barHeight: barHeight, countsX: countsX, rows: rows,
                     isEmpty: rows.isEmpty)
    }

    static func evidence(_ f: Finding) -> EvidenceRow {
        let limit = cellLimit
        return EvidenceRow(
            status: Badge(key: f.status.rawValue, label: f.status.label, symbol: f.status.symbol),
            check: Text.line(f.check),
            resource: Text.capped(Text.line(f.resource?.description ?? "Cluster-wide"), limit),
            kind: f.resource.map { Text.line($0.kind) },
            namespace: f.resource?.namespace.map(Text.line),
            name: f.resource.map { Text.capped(Text.line($0.name), limit) },
            location: f.source.map { Text.capped(Text.line("\($0.file):\($0.line)"), limit) },
            path: f.path.map { Text.capped(Text.line($0), limit) },
            observed: f.observed.map { Text.capped(Text.display($0), limit) },
            expected: f.expected.map { Text.capped(Text.display($0), limit) },
            message: Text.capped(Text.display(f.message), messageLimit),
            pods: f.pods, image: f.image.map { Text.capped(Text.line($0), limit) },
            exception: f.exception.map(Text.line),
            exceptionNote: f.exception.map { id -> String in
                switch f.status {
                case .waived: "waived by \(Text.line(id))"
                case .fail: "\(Text.line(id)) has expired"
                case .error: "exception \(Text.line(id))"
                }
            })
    }

    static func detail(_ c: ControlResult, anchor: String, now: Date, maxRows: Int,
                       options: ReportOptions) -> ControlDetail {
        let shown = c.findings.prefix(maxRows).map(evidence)
        let statement = c.control.statement.trimmingCharacters(in: .whitespacesAndNewlines)
        let references = c.control.references.keys.sorted().map {
            Reference(name: Text.line($0), values: Text.line((c.control.references[$0] ?? []).joined(separator: ", ")))
        }
        let exceptions = c.exceptions.map { exception($0, now: now) }
        return ControlDetail(
            anchor: anchor, id: Text.line(c.control.id), title: Text.line(c.control.title),
            catalogID: Text.line(c.catalogID), familyTitle: Text.line(c.family.title), severity: c.severity.label,
            severityKey: c.severity.rawValue, mode: c.control.mode.rawValue, status: badge(c.status),
            reason: c.reason.map { Text.capped(Text.display($0), messageLimit) },
            statement: statement.isEmpty ? nil : Text.display(statement),
            objectives: c.control.objectives.map { Objective(id: Text.line($0.id), text: Text.display($0.text)) },
            hasObjectives: !c.control.objectives.isEmpty,
            checks: c.checks.map {
                Check(id: Text.line($0.id), evaluator: Text.line($0.evaluator), showEvaluator: $0.id != $0.evaluator,
                      status: badge($0.status),
                      evaluated: $0.evaluated, failed: $0.failed, explanation: $0.reason.map(Text.display))
            },
            hasChecks: !c.checks.isEmpty,
            evidence: shown, hasEvidence: !shown.isEmpty, moreEvidence: c.findings.count - shown.count,
            hasMoreEvidence: c.findings.count > shown.count, totalEvidence: c.findings.count,
            exceptions: exceptions, hasExceptions: !exceptions.isEmpty,
            attestation: c.attestation.map { attestation($0.attestation, now: now, expired: $0.expired) },
            references: references, hasReferences: !references.isEmpty,
            open: options.includePassing || !c.status.isPassing, passing: c.status.isPassing,
            deviation: c.status.isDeviation)
    }

    static func exception(_ e: PlanException, now: Date) -> ExceptionInfo {
        let expired = e.expires.hasPassed(at: now)
        let days = Text.daysLeft(until: e.expires, from: now)
        let state: String
        if expired {
            state = "expired"
        } else if days <= 30 {
            state = days == 0 ? "expires today" : "expires in \(Text.plural(days, "day"))"
        } else {
            state = "valid until \(e.expires)"
        }
        return ExceptionInfo(
            id: Text.line(e.id), control: Text.line(e.control), scope: Text.line(e.scope.description),
            justification: Text.display(e.justification), approvedBy: Text.line(e.approvedBy),
            ticket: e.ticket.map(Text.line), expires: e.expires.description, expired: expired, daysLeft: days,
            state: state, source: e.source.map { Text.line("\($0)") })
    }

    static func attestation(_ a: Attestation, now: Date, expired: Bool? = nil) -> AttestationInfo {
        let links = a.evidence.map { raw -> Link in
            let text = Text.line(raw)
            let lower = raw.lowercased()
            let isWeb = (lower.hasPrefix("https://") || lower.hasPrefix("http://")) && text == raw
                && !raw.contains(where: { $0 == " " || $0 == "\"" || $0 == "<" || $0 == ">" })
            return Link(text: Text.capped(text, cellLimit), url: isWeb ? raw : nil)
        }
        return AttestationInfo(
            control: Text.line(a.control), verdict: a.status.rawValue, verdictSatisfied: a.status == .satisfied,
            statement: Text.display(a.statement), attestedBy: Text.line(a.attestedBy), date: a.date.description,
            expires: a.expires?.description, expired: expired ?? (a.expires?.hasPassed(at: now) ?? false),
            evidence: links, hasEvidence: !links.isEmpty, source: a.source.map { Text.line("\($0)") })
    }
}
