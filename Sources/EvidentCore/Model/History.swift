import Foundation

/// One audit as the history database keeps it (`evident audit --history`): when, which cluster, which plan
/// and catalog versions, the input digests, and per control its status and counts. Built from an
/// `AuditResult` with `init(result:cluster:)`; the store in `EvidentHistory` writes and reads it.
public struct HistoryRun: Sendable, Hashable {
    /// A catalog the run was assessed against.
    public struct CatalogVersion: Sendable, Hashable {
        public var id: String
        public var version: String

        public init(id: String, version: String) {
            self.id = id
            self.version = version
        }
    }

    /// One input file with its SHA-256, as `manifest.json` lists it.
    public struct Input: Sendable, Hashable {
        public var path: String
        public var role: String
        public var sha256: String
        public var bytes: Int

        public init(path: String, role: String, sha256: String, bytes: Int) {
            self.path = path
            self.role = role
            self.sha256 = sha256
            self.bytes = bytes
        }
    }

    /// One control's outcome in the run.
    public struct Control: Sendable, Hashable {
        public var id: String
        public var catalogID: String
        public var familyID: String
        public var familyTitle: String
        public var title: String
        public var status: ControlStatus
        public var severity: Severity
        /// Findings that fail or could not be checked (the deviations); waived ones are not counted here.
        public var deviations: Int
        /// Findings waived by a valid exception.
        public var waived: Int

        public init(id: String, catalogID: String, familyID: String, familyTitle: String, title: String,
                    status: ControlStatus, severity: Severity, deviations: Int, waived: Int) {
            self.id = id
            self.catalogID = catalogID
            self.familyID = familyID
            self.familyTitle = familyTitle
            self.title = title
            self.status = status
            self.severity = severity
            self.deviations = deviations
            self.waived = waived
        }

        /// Not satisfied or error: the control deviates from the plan.
        public var deviates: Bool { status == .notSatisfied || status == .error }
    }

    /// The database's id for the run; nil until it is stored.
    public var id: Int64?
    /// The audit's clock (`--now`, SOURCE_DATE_EPOCH or the time of the run).
    public var time: Date
    /// When the snapshot was taken, when known.
    public var snapshotTime: Date?
    public var cluster: String
    public var planID: String
    public var planVersion: String
    public var toolVersion: String
    /// The audit's exit code (0, 1 or 3).
    public var exitCode: Int
    public var catalogs: [CatalogVersion]
    public var inputs: [Input]
    /// In catalog order.
    public var controls: [Control]

    public init(id: Int64? = nil, time: Date, snapshotTime: Date?, cluster: String, planID: String,
                planVersion: String, toolVersion: String, exitCode: Int, catalogs: [CatalogVersion],
                inputs: [Input], controls: [Control]) {
        self.id = id
        self.time = time
        self.snapshotTime = snapshotTime
        self.cluster = cluster
        self.planID = planID
        self.planVersion = planVersion
        self.toolVersion = toolVersion
        self.exitCode = exitCode
        self.catalogs = catalogs
        self.inputs = inputs
        self.controls = controls
    }

    /// The run an audit result makes, under the cluster name `cluster`. Never fails.
    public init(result: AuditResult, cluster: String) {
        self.init(
            time: result.generatedAt, snapshotTime: result.snapshotTime, cluster: cluster, planID: result.plan.id,
            planVersion: result.plan.version, toolVersion: result.toolVersion, exitCode: Int(result.gate.exitCode),
            catalogs: result.catalogs.map { CatalogVersion(id: $0.id, version: $0.version) },
            inputs: result.inputs.map { Input(path: $0.path, role: $0.role.rawValue, sha256: $0.sha256, bytes: $0.bytes) },
            controls: result.controls.map { c in
                Control(id: c.control.id, catalogID: c.catalogID, familyID: c.family.id, familyTitle: c.family.title,
                        title: c.control.title, status: c.status, severity: c.severity,
                        deviations: c.findings.filter { $0.status != .waived }.count,
                        waived: c.findings.filter { $0.status == .waived }.count)
            })
    }

    /// How many controls ended in each status (every status present, 0 when none).
    public var statusCounts: [ControlStatus: Int] {
        var counts = Dictionary(uniqueKeysWithValues: ControlStatus.allCases.map { ($0, 0) })
        for c in controls { counts[c.status, default: 0] += 1 }
        return counts
    }

    /// Failing findings over every control.
    public var deviationCount: Int { controls.reduce(0) { $0 + $1.deviations } }

    /// Controls that are not satisfied or in error.
    public var deviatingControls: Int { controls.filter(\.deviates).count }
}

/// The trend of one cluster's runs, oldest first: deviations per family and run, and the runs on which a
/// control started or stopped deviating. Pure: built from runs, no database.
public struct HistoryTrend: Sendable, Hashable {
    /// One family's deviations (failing findings) per run; nil where the family was not in the run.
    public struct Family: Sendable, Hashable {
        public var catalogID: String
        public var familyID: String
        public var title: String
        public var deviations: [Int?]
        /// Controls of the family that deviate, per run.
        public var deviatingControls: [Int?]
    }

    /// A control that started (`opened`) or stopped deviating on run `run` (an index into `runs`).
    public struct Transition: Sendable, Hashable {
        public var controlID: String
        public var catalogID: String
        public var title: String
        public var opened: Bool
        public var run: Int
        public var time: Date
        /// The status on that run.
        public var status: ControlStatus
    }

    public var cluster: String
    /// Oldest first.
    public var runs: [HistoryRun]
    /// In the order the families first appear.
    public var families: [Family]
    /// In run order, opened before closed, then by control id.
    public var transitions: [Transition]

    /// Builds the trend of `runs` (one cluster's, in time order). A control that deviates in the first run
    /// has no transition there: the trend starts with it open. A control missing from a run counts as not
    /// deviating in it.
    public init(cluster: String, runs: [HistoryRun]) {
        self.cluster = cluster
        self.runs = runs
        var families: [Family] = []
        var familyIndex: [String: Int] = [:]
        for (r, run) in runs.enumerated() {
            for c in run.controls {
                let key = c.catalogID + "\u{0}" + c.familyID
                let i: Int
                if let known = familyIndex[key] {
                    i = known
                } else {
                    i = families.count
                    familyIndex[key] = i
                    let title = c.familyTitle.trimmingCharacters(in: .whitespaces).isEmpty ? c.familyID : c.familyTitle
                    families.append(Family(catalogID: c.catalogID, familyID: c.familyID, title: title,
                                           deviations: Array(repeating: nil, count: runs.count),
                                           deviatingControls: Array(repeating: nil, count: runs.count)))
                }
                families[i].deviations[r] = (families[i].deviations[r] ?? 0) + c.deviations
                families[i].deviatingControls[r] = (families[i].deviatingControls[r] ?? 0) + (c.deviates ? 1 : 0)
            }
        }
        self.families = families

        var transitions: [Transition] = []
        var previous: [String: HistoryRun.Control] = [:]
        for (r, run) in runs.enumerated() {
            var current: [String: HistoryRun.Control] = [:]
            for c in run.controls { current[c.catalogID + "\u{0}" + c.id] = c }
            if r > 0 {
                var here: [Transition] = []
                for (key, c) in current where c.deviates && previous[key]?.deviates != true {
                    here.append(Transition(controlID: c.id, catalogID: c.catalogID, title: c.title, opened: true,
                                           run: r, time: run.time, status: c.status))
                }
                for (key, c) in previous where c.deviates && current[key]?.deviates != true {
                    here.append(Transition(controlID: c.id, catalogID: c.catalogID, title: c.title, opened: false,
                                           run: r, time: run.time, status: current[key]?.status ?? .notApplicable))
                }
                here.sort { ($0.opened ? 0 : 1, $0.controlID, $0.catalogID) < ($1.opened ? 0 : 1, $1.controlID, $1.catalogID) }
                transitions += here
            }
            previous = current
        }
        self.transitions = transitions
    }
}
