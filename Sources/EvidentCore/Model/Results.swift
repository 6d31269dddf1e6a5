import Foundation

/// The six control statuses. `precedence` orders them: when a control's parts disagree, the first in
/// `error › not-satisfied › needs-evidence › waived › satisfied › not-applicable` wins.
public enum ControlStatus: String, Sendable, Hashable, CaseIterable, Comparable {
    case error
    case notSatisfied = "not-satisfied"
    case needsEvidence = "needs-evidence"
    case waived
    case satisfied
    case notApplicable = "not-applicable"

    /// Lower wins.
    public var precedence: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// Combines parts by precedence; an empty list gives nil.
    public static func combine(_ parts: [ControlStatus]) -> ControlStatus? { parts.min() }

    public static func < (a: ControlStatus, b: ControlStatus) -> Bool { a.precedence < b.precedence }

    /// The order used for counts and summaries.
    public static let displayOrder: [ControlStatus] = [.satisfied, .notSatisfied, .waived, .notApplicable, .needsEvidence, .error]
}

/// One resource (or the cluster, when `resource` is nil) that failed a check, was waived, or could not
/// be checked. Evaluators produce them with `status` `.fail` or `.error`; the engine applies exceptions.
public struct Finding: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case fail, waived, error
    }

    public var check: String
    public var status: Status
    public var resource: ResourceReference?
    public var source: SourceLocation?
    /// Relative to the reported object, e.g. `spec.template.spec.containers[0].securityContext.privileged`.
    public var path: String?
    public var observed: String?
    public var expected: String?
    /// Pods affected, for findings on pod-bearing objects.
    public var pods: Int?
    public var message: String
    /// The image reference the finding concerns, for exceptions scoped by image.
    public var image: String?
    /// The id of the exception that waives it (or the expired one that no longer does).
    public var exception: String?

    public init(check: String = "", status: Status = .fail, resource: ResourceReference?, source: SourceLocation?,
                path: String? = nil, observed: String? = nil, expected: String? = nil, pods: Int? = nil,
                message: String, image: String? = nil, exception: String? = nil) {
        self.check = check
        self.status = status
        self.resource = resource
        self.source = source
        self.path = path
        self.observed = observed
        self.expected = expected
        self.pods = pods
        self.message = message
        self.image = image
        self.exception = exception
    }

    /// The identity of a finding across runs: check, API group, kind, namespace, name (no line number).
    public var identity: String {
        let id = resource?.id
        return [check, id?.group ?? "", id?.kind ?? "", id?.namespace ?? "", id?.name ?? ""].joined(separator: "|")
    }

    /// JSON order: check, namespace, kind, name, then path.
    public static func sortKey(_ f: Finding) -> [String] {
        [f.check, f.resource?.namespace ?? "", f.resource?.kind ?? "", f.resource?.name ?? "", f.path ?? "", f.message]
    }

    /// Whether `a` comes before `b` in `sortKey` order, comparing field by field without building the keys
    /// (a control's findings can number 100,000, and sorting them compares each a few dozen times).
    public static func precedes(_ a: Finding, _ b: Finding) -> Bool {
        withUnsafePointer(to: a) { a in withUnsafePointer(to: b) { b in order(a, b) < 0 } }
    }

    /// -1, 0 or 1 as `a` comes before, with or after `b` in `sortKey` order. On pointers: a finding passed
    /// by value from an array is copied first (a dozen reference-count updates), millions of times in a sort.
    static func order(_ a: UnsafePointer<Finding>, _ b: UnsafePointer<Finding>) -> Int {
        func compare(_ x: String, _ y: String) -> Int? { x == y ? nil : x < y ? -1 : 1 }
        if let c = compare(a.pointee.check, b.pointee.check) { return c }
        if let c = compare(a.pointee.resource?.namespace ?? "", b.pointee.resource?.namespace ?? "") { return c }
        if let c = compare(a.pointee.resource?.kind ?? "", b.pointee.resource?.kind ?? "") { return c }
        if let c = compare(a.pointee.resource?.name ?? "", b.pointee.resource?.name ?? "") { return c }
        if let c = compare(a.pointee.path ?? "", b.pointee.path ?? "") { return c }
        return compare(a.pointee.message, b.pointee.message) ?? 0
    }

    /// `findings` in `sortKey` order; equal ones keep their order. Findings already in order (most checks
    /// report them so) are returned as they are; others are sorted by position, then each is moved once.
    public static func sorted(_ findings: [Finding]) -> [Finding] {
        findings.withUnsafeBufferPointer { list in
            guard let base = list.baseAddress else { return findings }
            var inOrder = true
            var k = 1
            while k < list.count, inOrder {
                inOrder = order(base + k - 1, base + k) <= 0
                k += 1
            }
            if inOrder { return findings }
            let positions = list.indices.sorted { i, j in
                let c = order(base + i, base + j)
                return c != 0 ? c < 0 : i < j
            }
            return positions.map { list[$0] }
        }
    }
}

/// The outcome of one check of one control.
public struct CheckResult: Sendable, Hashable {
    public var id: String
    public var evaluator: String
    public var status: ControlStatus
    /// How many objects (or pod templates) the check looked at.
    public var evaluated: Int
    public var failed: Int
    /// Why the check did not decide (needs-evidence, not-applicable, error), when it did not.
    public var reason: String?

    public init(id: String, evaluator: String, status: ControlStatus, evaluated: Int, failed: Int, reason: String? = nil) {
        self.id = id
        self.evaluator = evaluator
        self.status = status
        self.evaluated = evaluated
        self.failed = failed
        self.reason = reason
    }
}

/// What an attestation contributed to a control.
public struct AttestationResult: Sendable, Hashable {
    public var attestation: Attestation
    public var expired: Bool

    public init(attestation: Attestation, expired: Bool) {
        self.attestation = attestation
        self.expired = expired
    }
}

/// The verdict on one control, with everything a report shows about it.
public struct ControlResult: Sendable, Hashable {
    public var control: Control
    public var catalogID: String
    public var family: ControlFamily
    /// The severity after the plan's overrides.
    public var severity: Severity
    public var status: ControlStatus
    /// Why the status is what it is, in one sentence (always set for everything but `satisfied`).
    public var reason: String?
    public var checks: [CheckResult]
    /// Sorted by `Finding.sortKey`.
    public var findings: [Finding]
    public var attestation: AttestationResult?
    /// Exceptions of this control that waived at least one finding, or that expired and no longer do.
    public var exceptions: [PlanException]

    public init(control: Control, catalogID: String, family: ControlFamily, severity: Severity, status: ControlStatus,
                reason: String?, checks: [CheckResult], findings: [Finding], attestation: AttestationResult?,
                exceptions: [PlanException]) {
        self.control = control
        self.catalogID = catalogID
        self.family = family
        self.severity = severity
        self.status = status
        self.reason = reason
        self.checks = checks
        self.findings = findings
        self.attestation = attestation
        self.exceptions = exceptions
    }

    /// How many objects have a finding that is not waived (the cluster counting as one), and the first
    /// `limit` of them as reports name them (`Kind namespace/name`, `Cluster-wide`). Reads the findings in
    /// place: a loop over them copied each one.
    public func deviatingObjects(listing limit: Int = 0) -> (count: Int, first: [String]) {
        findings.withUnsafeBufferPointer { list in
            var seen: Set<ResourceName?> = []  // nil: the cluster
            var first: [String] = []
            for i in list.indices where list[i].status != .waived {
                if seen.insert(list[i].resource.map(ResourceName.init)).inserted, first.count < limit {
                    first.append(list[i].resource?.description ?? "Cluster-wide")
                }
            }
            return (seen.count, first)
        }
    }
}

/// Plan hygiene: what the plan says that no longer matches the cluster or the calendar.
public struct PlanHygiene: Sendable, Hashable {
    /// Exceptions that matched no finding.
    public var staleExceptions: [PlanException] = []
    /// Exceptions past their expiry.
    public var expiredExceptions: [PlanException] = []
    /// Valid exceptions that expire within 30 days of the report time.
    public var expiringSoon: [PlanException] = []
    public var expiredAttestations: [Attestation] = []
    public var exclusions: [(catalog: String, exclusion: CatalogSelection.Exclusion)] = []

    public init() {}

    public static func == (a: PlanHygiene, b: PlanHygiene) -> Bool {
        a.staleExceptions == b.staleExceptions && a.expiredExceptions == b.expiredExceptions
            && a.expiringSoon == b.expiringSoon && a.expiredAttestations == b.expiredAttestations
            && a.exclusions.map(\.catalog) == b.exclusions.map(\.catalog)
            && a.exclusions.map(\.exclusion) == b.exclusions.map(\.exclusion)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(staleExceptions)
        hasher.combine(expiredExceptions)
    }
}

/// The gate's verdict, as exit code and explanation.
public struct GateResult: Sendable, Hashable {
    public var exitCode: Int32
    public var passed: Bool
    public var summary: String
    /// Ids of the controls that failed the gate.
    public var failingControls: [String]
    /// The statuses that fail the gate, in precedence order.
    public var failOn: [ControlStatus]
    /// Only controls at or above this severity count.
    public var minimumSeverity: Severity

    public init(exitCode: Int32, passed: Bool, summary: String, failingControls: [String],
                failOn: [ControlStatus] = [.notSatisfied], minimumSeverity: Severity = .low) {
        self.exitCode = exitCode
        self.passed = passed
        self.summary = summary
        self.failingControls = failingControls
        self.failOn = failOn
        self.minimumSeverity = minimumSeverity
    }
}

/// Everything one audit produced, ready for rendering.
public struct AuditResult: Sendable {
    public var toolVersion: String
    public var generatedAt: Date
    public var snapshotTime: Date?
    public var plan: SecurityPlan
    public var catalogs: [Catalog]
    public var inputs: [InputFile]
    /// Resource counts by kind, sorted by kind.
    public var resourceCounts: [(kind: String, count: Int)]
    /// Catalog order, catalogs in the order given.
    public var controls: [ControlResult]
    public var hygiene: PlanHygiene
    public var diagnostics: [Diagnostic]
    public var gate: GateResult
    /// Network exposure for the reports, when the network engine ran (set by the command line).
    public var network: NetworkSummary?
    /// The trend of this cluster's last runs, this one included, when the audit keeps a history (set by the
    /// command line from `--history`); the HTML and Markdown reports show it.
    public var history: HistoryTrend?

    public init(toolVersion: String, generatedAt: Date, snapshotTime: Date?, plan: SecurityPlan, catalogs: [Catalog],
                inputs: [InputFile], resourceCounts: [(kind: String, count: Int)], controls: [ControlResult],
                hygiene: PlanHygiene, diagnostics: [Diagnostic], gate: GateResult) {
        self.toolVersion = toolVersion
        self.generatedAt = generatedAt
        self.snapshotTime = snapshotTime
        self.plan = plan
        self.catalogs = catalogs
        self.inputs = inputs
        self.resourceCounts = resourceCounts
        self.controls = controls
        self.hygiene = hygiene
        self.diagnostics = diagnostics
        self.gate = gate
    }

    /// How many controls ended in each status.
    public var statusCounts: [ControlStatus: Int] {
        var counts: [ControlStatus: Int] = [:]
        for status in ControlStatus.allCases { counts[status] = 0 }
        for c in controls { counts[c.status, default: 0] += 1 }
        return counts
    }
}

extension AuditResult {
    /// Not-satisfied and error controls, most severe first, then in catalog order.
    public var deviations: [ControlResult] {
        controls.enumerated()
            .filter { $0.element.status == .notSatisfied || $0.element.status == .error }
            .sorted { ($1.element.severity, $0.offset) < ($0.element.severity, $1.offset) }
            .map(\.element)
    }

    /// One sentence for the first screen: "12 of 24 controls deviate from the plan; 3 are high severity or above."
    public var verdictSentence: String {
        let inScope = controls.filter { $0.status != .notApplicable }.count
        let deviating = controls.filter { $0.status == .notSatisfied }.count
        let high = controls.filter { $0.status == .notSatisfied && $0.severity >= .high }.count
        let errors = controls.filter { $0.status == .error }.count
        var sentence = deviating == 0
            ? "No control deviates from the plan (\(inScope) of \(controls.count) controls assessed)"
            : "\(deviating) of \(inScope) assessed controls deviate from the plan; \(high) \(high == 1 ? "is" : "are") high severity or above"
        if errors > 0 { sentence += "; \(errors) could not be evaluated" }
        let missing = controls.filter { $0.status == .needsEvidence }.count
        if missing > 0 { sentence += "; \(missing) need\(missing == 1 ? "s" : "") evidence" }
        return sentence + "."
    }
}
