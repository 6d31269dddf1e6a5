import Foundation

/// One deviation from the plan, as baselines and diffs compare them: a failing finding of a control that
/// deviates, or the control itself when it deviates without findings (an attestation, an error, missing
/// evidence). Its `key` is the identity across runs: control, check, API group, kind, namespace and name,
/// never the line.
public struct Deviation: Sendable, Hashable, Comparable {
    public var key: String
    public var control: String
    public var check: String
    /// `Kind namespace/name`, or nil for a control-level deviation.
    public var resource: String?
    public var status: String
    public var severity: String
    public var message: String
    public var source: SourceLocation?

    public init(key: String, control: String, check: String, resource: String?, status: String, severity: String,
                message: String, source: SourceLocation?) {
        self.key = key
        self.control = control
        self.check = check
        self.resource = resource
        self.status = status
        self.severity = severity
        self.message = message
        self.source = source
    }

    public static func < (a: Deviation, b: Deviation) -> Bool { a.key < b.key }

    /// The statuses whose controls deviate; everything else (satisfied, waived, not-applicable) does not.
    public static let deviatingStatuses: Set<String> = ["not-satisfied", "error", "needs-evidence"]

    /// The key of a finding of `control`.
    public static func key(control: String, finding identity: String) -> String { "\(control)|\(identity)" }

    /// The key of a control that deviates without failing findings.
    public static func key(control: String) -> String { "\(control)|||||" }

    /// The deviations of one control result: its failing findings, or the control itself when it has none.
    public static func of(_ c: ControlResult) -> [Deviation] {
        guard deviatingStatuses.contains(c.status.rawValue) else { return [] }
        let failing = c.findings.filter { $0.status == .fail }
        if failing.isEmpty {
            return [Deviation(key: key(control: c.control.id), control: c.control.id, check: "", resource: nil,
                              status: c.status.rawValue, severity: c.severity.rawValue,
                              message: c.reason ?? c.status.rawValue, source: nil)]
        }
        return failing.map { f in
            Deviation(key: key(control: c.control.id, finding: f.identity), control: c.control.id, check: f.check,
                      resource: f.resource?.description, status: c.status.rawValue, severity: c.severity.rawValue,
                      message: f.message, source: f.source)
        }
    }

    /// The deviations of a whole audit, unique by key, sorted by key.
    public static func of(_ result: AuditResult) -> [Deviation] {
        unique(result.controls.flatMap(of))
    }

    static func unique(_ list: [Deviation]) -> [Deviation] {
        var seen: Set<String> = []
        return list.filter { seen.insert($0.key).inserted }.sorted()
    }
}

/// What changed between two audits.
public struct DeviationDiff: Sendable, Hashable {
    public var new: [Deviation]
    public var fixed: [Deviation]
    public var stillPresent: [Deviation]
    /// Controls whose status changed: id, old status (nil when new), new status (nil when gone).
    public var statusChanges: [(control: String, old: String?, new: String?)]

    public init(old: [Deviation], new: [Deviation], oldStatuses: [(String, String)] = [],
                newStatuses: [(String, String)] = []) {
        let oldKeys = Set(old.map(\.key))
        let newKeys = Set(new.map(\.key))
        self.new = new.filter { !oldKeys.contains($0.key) }
        self.fixed = old.filter { !newKeys.contains($0.key) }
        self.stillPresent = new.filter { oldKeys.contains($0.key) }
        let before = Dictionary(oldStatuses, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(newStatuses, uniquingKeysWith: { a, _ in a })
        var changes: [(String, String?, String?)] = []
        for (id, status) in newStatuses where before[id] != status { changes.append((id, before[id], status)) }
        for (id, status) in oldStatuses where after[id] == nil { changes.append((id, status, nil)) }
        statusChanges = changes
    }

    public static func == (a: DeviationDiff, b: DeviationDiff) -> Bool {
        a.new == b.new && a.fixed == b.fixed && a.stillPresent == b.stillPresent
            && a.statusChanges.map { "\($0.control)|\($0.old ?? "")|\($0.new ?? "")" }
            == b.statusChanges.map { "\($0.control)|\($0.old ?? "")|\($0.new ?? "")" }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(new)
        hasher.combine(fixed)
        hasher.combine(stillPresent)
    }
}

/// An earlier audit's `results.json`, read back for `--baseline` and `evident diff`.
public struct Baseline: Sendable {
    public var deviations: [Deviation]
    /// Control id and status, in the file's order.
    public var statuses: [(control: String, status: String)]
    public var generatedAt: String?

    public init(deviations: [Deviation], statuses: [(control: String, status: String)], generatedAt: String?) {
        self.deviations = deviations
        self.statuses = statuses
        self.generatedAt = generatedAt
    }

    /// The baseline of an audit in memory.
    public init(_ result: AuditResult) {
        deviations = Deviation.of(result)
        statuses = result.controls.map { ($0.control.id, $0.status.rawValue) }
        generatedAt = nil
    }

    /// Reads a `results.json` (schemaVersion 1). Fails with file and line on anything else.
    public static func load(_ data: Data, path: String) throws(LoadError) -> Baseline {
        let read: Result<[JSONReader.Document], LoadError> = data.withUnsafeBytes { raw in
            do throws(LoadError) { return .success(try JSONReader.read(raw, file: path)) } catch { return .failure(error) }
        }
        let documents = try read.get()
        let start = SourceLocation(file: path, line: 1)
        guard documents.count == 1, let root = documents.first?.value, root["schemaVersion"]?.int == 1,
              let controls = root["controls"]?.list else {
            throw LoadError("not an evident results.json (schemaVersion 1 with controls)", at: start,
                            hint: "give the results.json an earlier `evident audit` wrote")
        }
        var deviations: [Deviation] = []
        var statuses: [(String, String)] = []
        for control in controls {
            guard let id = control["id"]?.string, let status = control["status"]?.string else {
                throw LoadError("a control without id or status", at: start)
            }
            statuses.append((id, status))
            guard Deviation.deviatingStatuses.contains(status) else { continue }
            let severity = control["severity"]?.string ?? ""
            let failing = (control["findings"]?.list ?? []).filter { $0["status"]?.string == "fail" }
            if failing.isEmpty {
                deviations.append(Deviation(key: Deviation.key(control: id), control: id, check: "", resource: nil,
                                            status: status, severity: severity,
                                            message: control["reason"]?.string ?? status, source: nil))
            }
            for f in failing {
                let check = f["check"]?.string ?? ""
                let r = f["resource"]
                var reference: ResourceReference?
                if let kind = r?["kind"]?.string, let name = r?["name"]?.string {
                    reference = ResourceReference(apiVersion: r?["apiVersion"]?.string ?? "", kind: kind,
                                                  namespace: r?["namespace"]?.string, name: name)
                }
                let finding = Finding(check: check, resource: reference, source: nil, message: "")
                var source: SourceLocation?
                if let file = f["source"]?["file"]?.string, let line = f["source"]?["line"]?.int {
                    source = SourceLocation(file: file, line: line)
                }
                deviations.append(Deviation(key: Deviation.key(control: id, finding: finding.identity), control: id,
                                            check: check, resource: reference?.description, status: status,
                                            severity: severity, message: f["message"]?.string ?? "", source: source))
            }
        }
        return Baseline(deviations: Deviation.unique(deviations), statuses: statuses,
                        generatedAt: root["generatedAt"]?.string)
    }
}

extension GatePolicy {
    /// The gate against a baseline: a control fails it only for deviations the baseline does not hold.
    /// Exit 3 when a control in error has a new deviation, 1 when another failing control does, else 0.
    public func judge(_ controls: [ControlResult], baseline: Baseline) -> GateResult {
        let known = Set(baseline.deviations.map(\.key))
        func isNew(_ c: ControlResult) -> Bool {
            let keys = Deviation.of(c).map(\.key)
            // A failing status without deviations of its own (say --fail-on waived) compares by control.
            if keys.isEmpty { return !known.contains(Deviation.key(control: c.control.id)) }
            return keys.contains { !known.contains($0) }
        }
        let errors = controls.filter { $0.status == .error && isNew($0) }.map(\.control.id)
        let failing = controls.filter { failOn.contains($0.status) && $0.severity >= minimumSeverity && isNew($0) }
            .map(\.control.id)
        let allNew = controls.flatMap(Deviation.of).filter { !known.contains($0.key) }.count
        let statuses = failOn.sorted().map(\.rawValue).joined(separator: ", ")
        if !errors.isEmpty {
            return GateResult(exitCode: 3, passed: false,
                              summary: "\(errors.count) control(s) not in the baseline could not be evaluated (error); "
                                  + "the result cannot be trusted",
                              failingControls: errors + failing.filter { !errors.contains($0) }, failOn: failOn.sorted(),
                              minimumSeverity: minimumSeverity)
        }
        if !failing.isEmpty {
            return GateResult(exitCode: 1, passed: false,
                              summary: "gate failed: \(failing.count) control(s) at \(minimumSeverity.rawValue) severity "
                                  + "or above have new deviations not in the baseline (\(allNew) new in all)",
                              failingControls: failing, failOn: failOn.sorted(), minimumSeverity: minimumSeverity)
        }
        return GateResult(exitCode: 0, passed: true,
                          summary: "gate passed: no control at \(minimumSeverity.rawValue) severity or above is "
                              + "\(statuses) beyond the baseline",
                          failingControls: [], failOn: failOn.sorted(), minimumSeverity: minimumSeverity)
    }
}
