import Foundation

/// The gate's settings: which statuses fail it, from which severity up.
public struct GatePolicy: Sendable, Hashable {
    public var failOn: Set<ControlStatus>
    public var minimumSeverity: Severity

    public init(failOn: Set<ControlStatus> = [.notSatisfied], minimumSeverity: Severity = .low) {
        self.failOn = failOn
        self.minimumSeverity = minimumSeverity
    }

    /// Exit 3 when any control is `error` (the result cannot be trusted); else 1 when a control at or above
    /// the severity threshold ends in a failing status; else 0.
    public func judge(_ controls: [ControlResult]) -> GateResult {
        let errors = controls.filter { $0.status == .error }.map(\.control.id)
        let failing = controls.filter { failOn.contains($0.status) && $0.severity >= minimumSeverity }.map(\.control.id)
        let statuses = failOn.sorted().map(\.rawValue).joined(separator: ", ")
        if !errors.isEmpty {
            return GateResult(exitCode: 3, passed: false,
                              summary: "\(errors.count) control(s) could not be evaluated (error); the result cannot be trusted",
                              failingControls: errors + failing.filter { !errors.contains($0) }, failOn: failOn.sorted(),
                              minimumSeverity: minimumSeverity)
        }
        if !failing.isEmpty {
            return GateResult(exitCode: 1, passed: false,
                              summary: "gate failed: \(failing.count) control(s) at \(minimumSeverity.rawValue) severity or above are \(statuses)",
                              failingControls: failing, failOn: failOn.sorted(), minimumSeverity: minimumSeverity)
        }
        return GateResult(exitCode: 0, passed: true,
                          summary: "gate passed: no control at \(minimumSeverity.rawValue) severity or above is \(statuses)",
                          failingControls: [], failOn: failOn.sorted(), minimumSeverity: minimumSeverity)
    }
}

/// Settings of one audit run.
public struct AuditOptions: Sendable {
    public var now: Date
    public var snapshotTime: Date?
    public var gate: GatePolicy
    public var toolVersion: String
    /// Optional inputs that were given (e.g. `image-scan`); controls that require others are needs-evidence.
    public var availableInputs: Set<String>
    /// Image-scan results for the checks that read them. Giving them makes `image-scan` available.
    public var scans: ScanSet?
    /// Runs `plugin` checks (the command line provides it); without it they end in `error`.
    public var pluginRunner: PluginRunner?

    public init(now: Date, snapshotTime: Date? = nil, gate: GatePolicy = GatePolicy(), toolVersion: String,
                availableInputs: Set<String> = [], scans: ScanSet? = nil, pluginRunner: PluginRunner? = nil) {
        self.pluginRunner = pluginRunner
        self.now = now
        self.snapshotTime = snapshotTime
        self.gate = gate
        self.toolVersion = toolVersion
        self.availableInputs = scans == nil ? availableInputs : availableInputs.union(["image-scan"])
        self.scans = scans
    }
}

/// Runs every check of every control in scope and applies the plan: exceptions, attestations, exclusions,
/// severity overrides, the status precedence and the gate. Works on in-memory values only.
public struct AuditEngine: Sendable {
    public let registry: EvaluatorRegistry

    public init(registry: EvaluatorRegistry) { self.registry = registry }

    /// One check to run: the evaluator with its resolved parameters. Identical jobs run once.
    struct Job: Hashable {
        let evaluator: String
        let parameters: Parameters
        /// For plugin checks, which are asked about one control at a time.
        var plugin: PluginTarget?
    }

    struct PluginTarget: Hashable {
        let control: Control
        let check: CheckDefinition
    }

    enum JobResult: Sendable {
        case outcome(CheckOutcome)
        case failed(String)
    }

    public func run(snapshot index: SnapshotIndex, plan: SecurityPlan, catalogs: [Catalog], inputs: [InputFile],
                    options: AuditOptions) -> AuditResult {
        run(snapshot: index, plan: plan, catalogs: catalogs, inputs: inputs, options: options, alongside: { _ in () }).0
    }

    /// `run`, with `alongside` computed on the same cores while the checks run (the reports' network
    /// summary, say, which reads what the network checks build: its `alongsideWork` is then `network`,
    /// as in `EvaluatorDescriptor.sharedWork`).
    public func run<Side: Sendable>(snapshot index: SnapshotIndex, plan: SecurityPlan, catalogs: [Catalog],
                                    inputs: [InputFile], options: AuditOptions, alongsideWork: String? = nil,
                                    alongside: @Sendable (SnapshotIndex) -> Side) -> (AuditResult, Side) {
        // Parameters of a check: every catalog's defaults (the first catalog defining one wins), then the
        // check's own catalog's defaults, then the plan's values, then the check's `with:` arguments.
        let shared = Self.defaults(of: catalogs)
        func baseParameters(of catalog: Catalog) -> [String: Value] {
            var values = shared
            for d in catalog.parameters { values[d.id] = d.defaultValue }
            return values.merging(plan.parameters) { _, planValue in planValue }
        }
        let excluded = Dictionary(plan.catalogs.flatMap(\.exclusions).map { ($0.control, $0) }) { a, _ in a }

        // Collect the distinct jobs, then run them across cores.
        var jobs: [Job] = []
        var jobIndex: [Job: Int] = [:]
        var jobOfCheck: [String: Int] = [:]  // "<control id>/<check id>" -> job
        for catalog in catalogs {
            let base = baseParameters(of: catalog)
            for control in catalog.controls where excluded[control.id] == nil {
                for check in control.checks {
                    let plugin = check.evaluator == PluginEvaluator.id ? PluginTarget(control: control, check: check) : nil
                    let job = Job(evaluator: check.evaluator, parameters: Parameters(base.merging(check.arguments) { $1 }),
                                  plugin: plugin)
                    let index = jobIndex[job] ?? jobs.count
                    if index == jobs.count {
                        jobIndex[job] = index
                        jobs.append(job)
                    }
                    jobOfCheck[control.id + "/" + check.id] = index
                }
            }
        }
        let (results, side) = runJobs(jobs, index: index, options: options, alongside: alongside,
                                      alongsideWork: alongsideWork)
        // What no check's shared work named goes too: judging copies every finding.
        index.releaseShared()
        var diagnostics = index.snapshot.diagnostics + results.diagnostics
        var noticed: Set<Diagnostic> = []
        for d in results.evaluatorDiagnostics where noticed.insert(d).inserted { diagnostics.append(d) }

        // Each control is judged on its own (sorting a control's findings is the bulk): spread them over the
        // cores. A job's result goes as soon as the last check reading it is judged.
        let places = catalogs.flatMap { catalog in
            catalog.families.flatMap { family in family.controls.map { (catalog: catalog, family: family, control: $0) } }
        }
        func job(of control: Control, _ check: CheckDefinition) -> Int? { jobOfCheck[control.id + "/" + check.id] }
        for place in places where excluded[place.control.id] == nil {
            for check in place.control.checks { if let j = job(of: place.control, check) { results.expectRead(j) } }
        }
        let judged = Parallel.map(places.count) { i in
            let place = places[i]
            return Self.judge(place.control, catalog: place.catalog, family: place.family, plan: plan,
                              exclusion: excluded[place.control.id], options: options) { check in
                job(of: place.control, check).map(results.read) ?? .failed("internal error: the check was not scheduled")
            }
        }
        let controls = judged.map(\.result)
        let matchedExceptions = judged.reduce(into: Set<String>()) { $0.formUnion($1.matched) }

        var hygiene = PlanHygiene()
        hygiene.staleExceptions = plan.exceptions.filter { !matchedExceptions.contains($0.id) }
        hygiene.expiredExceptions = plan.exceptions.filter { $0.expires.hasPassed(at: options.now) }
        hygiene.expiringSoon = plan.exceptions.filter {
            !$0.expires.hasPassed(at: options.now) && $0.expires.endOfDay.timeIntervalSince(options.now) <= 30 * 86_400
        }
        hygiene.expiredAttestations = plan.attestations.filter { $0.expires?.hasPassed(at: options.now) ?? false }
        hygiene.exclusions = plan.catalogs.flatMap { s in s.exclusions.map { (catalog: s.reference, exclusion: $0) } }

        for e in hygiene.staleExceptions {
            diagnostics.append(Diagnostic(.warning, "exception \(e.id) (\(e.control), \(e.scope.description)) matches no finding: it is stale",
                                          at: e.source))
        }
        var counts: [String: Int] = [:]
        for r in index.resources { counts[r.kind, default: 0] += 1 }

        let result = AuditResult(
            toolVersion: options.toolVersion, generatedAt: options.now,
            snapshotTime: options.snapshotTime ?? index.snapshot.capture.flatMap { Timestamp.parse($0.capturedAt) }
                ?? index.snapshot.newestTimestamp, plan: plan, catalogs: catalogs,
            inputs: inputs, resourceCounts: counts.sorted { $0.key < $1.key }.map { (kind: $0.key, count: $0.value) },
            controls: controls, hygiene: hygiene, diagnostics: diagnostics.sorted(),
            gate: options.gate.judge(controls))
        return (result, side)
    }

    /// One control's result from its checks' job results, the plan's exceptions, attestations and exclusion;
    /// also the ids of the exceptions that matched any of its findings (to find stale ones).
    static func judge(_ control: Control, catalog: Catalog, family: ControlFamily, plan: SecurityPlan,
                      exclusion: CatalogSelection.Exclusion?, options: AuditOptions,
                      resultOf: (CheckDefinition) -> JobResult) -> (result: ControlResult, matched: Set<String>) {
        let severity = plan.severityOverrides[control.id] ?? control.severity
        if let exclusion {
            return (ControlResult(
                control: control, catalogID: catalog.id, family: family, severity: severity,
                status: .notApplicable, reason: "excluded by the plan: \(exclusion.reason)", checks: [],
                findings: [], attestation: nil, exceptions: []), [])
        }
        var matchedExceptions: Set<String> = []
        var checkResults: [CheckResult] = []
        var findings: [Finding] = []
        var reasons: [ControlStatus: String] = [:]
        var usedExceptions: [PlanException] = []
        let exceptions = plan.exceptions.filter { $0.control == control.id }
        for check in control.checks {
            let (checkResult, checkFindings) = Self.judge(check, resultOf(check), exceptions: exceptions, now: options.now,
                                                          matched: &matchedExceptions, used: &usedExceptions)
            checkResults.append(checkResult)
            if findings.isEmpty { findings = checkFindings } else { findings += checkFindings }
            if let reason = checkResult.reason, reasons[checkResult.status] == nil {
                reasons[checkResult.status] = reason
            }
        }
        var parts = checkResults.map(\.status)
        for input in control.requiredInputs where !options.availableInputs.contains(input) {
            parts.append(.needsEvidence)
            if reasons[.needsEvidence] == nil {
                reasons[.needsEvidence] = "needs \(RequiredInput.describe(input)), which the inputs do not hold"
            }
        }
        var attestationResult: AttestationResult?
        if control.mode != .automated {
            let attestation = plan.attestations.last { $0.control == control.id }
            let (status, reason) = Self.attestationPart(attestation, mode: control.mode, now: options.now)
            if let attestation {
                attestationResult = AttestationResult(attestation: attestation,
                                                      expired: attestation.expires?.hasPassed(at: options.now) ?? false)
            }
            parts.append(status)
            if let reason, reasons[status] == nil { reasons[status] = reason }
        }
        let status = ControlStatus.combine(parts) ?? .needsEvidence
        let uniqueExceptions = usedExceptions.reduce(into: [PlanException]()) { list, e in
            if !list.contains(where: { $0.id == e.id }) { list.append(e) }
        }
        return (ControlResult(
            control: control, catalogID: catalog.id, family: family, severity: severity, status: status,
            reason: status == .satisfied ? reasons[.satisfied] : reasons[status] ?? Self.defaultReason(status),
            checks: checkResults, findings: Finding.sorted(findings), attestation: attestationResult,
            exceptions: uniqueExceptions), matchedExceptions)
    }

    /// Every catalog's parameter defaults; when several catalogs define one, the first catalog's wins.
    static func defaults(of catalogs: [Catalog]) -> [String: Value] {
        var values: [String: Value] = [:]
        for d in catalogs.flatMap(\.parameters).reversed() { if let v = d.defaultValue { values[d.id] = v } }
        return values
    }

    /// The run-wide parameter values: the catalogs' defaults (first catalog wins), then the plan's values.
    /// What one check sees may differ only by its own catalog's defaults and its `with:` arguments.
    public static func runParameters(catalogs: [Catalog], plan: SecurityPlan) -> Parameters {
        Parameters(defaults(of: catalogs).merging(plan.parameters) { _, planValue in planValue })
    }

    /// Runs the jobs on every core, with `alongside` among them, in the order `JobQueue` hands them out.
    /// Each job's evaluator diagnostics are read right after it, while what it built is still shared; a
    /// shared value goes as soon as the last job using it has finished.
    private func runJobs<Side: Sendable>(_ jobs: [Job], index: SnapshotIndex, options: AuditOptions,
                                         alongside: @Sendable (SnapshotIndex) -> Side,
                                         alongsideWork: String?) -> (ResultBox, Side) {
        let box = ResultBox(count: jobs.count)
        let registry = self.registry
        let queue = JobQueue(jobs.map { registry[$0.evaluator]?.descriptor.sharedWork } + [alongsideWork])
        let side = SideBox<Side>()
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, jobs.count + 1))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = queue.next() {
                defer { if let done = queue.finished(i) { index.releaseShared(prefix: done) } }
                if i == jobs.count {
                    side.value = alongside(index)
                    continue
                }
                let job = jobs[i]
                if let plugin = job.plugin {
                    let (result, diagnostics) = Self.runPlugin(plugin, parameters: job.parameters, index: index,
                                                               runner: options.pluginRunner)
                    box.set(i, result, diagnostics)
                    continue
                }
                guard let type = registry[job.evaluator] else {
                    box.set(i, .failed("no evaluator '\(job.evaluator)' is registered"), [])
                    continue
                }
                let result = Self.execute(type, parameters: job.parameters, index: index, now: options.now,
                                          scans: options.scans)
                box.set(i, result, [], evaluator: type.diagnostics(for: index, parameters: job.parameters))
            }
        }
        // The side value is set: concurrentPerform returns once every worker has, and the queue is empty.
        guard let value = side.value else { preconditionFailure("the side computation did not run") }
        return (box, value)
    }

    /// Runs one plugin check: builds the request, has the runner run the executable, reads the answer.
    /// Every failure names the plugin and becomes `error`; its stderr becomes a diagnostic.
    static func runPlugin(_ target: PluginTarget, parameters: Parameters, index: SnapshotIndex,
                          runner: PluginRunner?) -> (JobResult, [Diagnostic]) {
        guard let path = parameters.string("path") else { return (.failed("the plugin check names no path"), []) }
        let name = "plugin \(path)"
        guard let runner else { return (.failed("\(name) cannot run here (no plugin runner)"), []) }
        let matched = PluginProtocol.matched(index, parameters: parameters)
        let request = PluginProtocol.request(control: target.control, check: target.check, parameters: parameters,
                                             resources: matched)
        let timeout = parameters.int("timeout") ?? PluginEvaluator.defaultTimeout
        let run = runner(PluginInvocation(path: path, timeoutSeconds: timeout, request: request))
        var diagnostics: [Diagnostic] = []
        // What the plugin writes back never repeats a value it was handed (annotations, env, ConfigMap data).
        let redactor = PluginRedactor(matched)
        let stderr = redactor.redact(String(decoding: run.stderr.prefix(4_000), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines))
        let location = target.check.source
        if !stderr.isEmpty {
            diagnostics.append(Diagnostic(.warning, "\(name) (\(target.control.id)/\(target.check.id)) wrote to stderr: \(stderr)",
                                          at: location))
        }
        if let launch = run.launchError { return (.failed("\(name) could not start: \(launch)"), diagnostics) }
        if run.timedOut { return (.failed("\(name) timed out after \(timeout) s and was stopped"), diagnostics) }
        if run.exitStatus != 0 { return (.failed("\(name) failed with exit status \(run.exitStatus)"), diagnostics) }
        switch PluginProtocol.outcome(run.stdout, matched: matched) {
        case .success(var outcome):
            outcome.findings = outcome.findings.map { finding in
                var f = finding
                f.message = redactor.redact(f.message)
                f.observed = redactor.redact(f.observed)
                f.expected = redactor.redact(f.expected)
                f.path = redactor.redact(f.path)
                return f
            }
            return (.outcome(outcome), diagnostics)
        case .failure(let error):
            return (.failed("\(name) gave an invalid answer: \(redactor.redact(error.message))"), diagnostics)
        }
    }

    static func execute(_ type: any Evaluator.Type, parameters: Parameters, index: SnapshotIndex, now: Date,
                        scans: ScanSet? = nil) -> JobResult {
        let descriptor = type.descriptor
        for kind in descriptor.requiredKinds where !index.has(kind: kind) {
            if let refused = index.snapshot.capture?.forbiddenEntry(kind: kind) {
                return .outcome(.needsEvidence("no \(kind) objects: the snapshot capture was forbidden to list \(refused.resource) (grant read access, see controls/rbac/evident-reader.yaml, and capture again)"))
            }
            return .outcome(.needsEvidence("the inputs hold no \(kind) objects; every cluster has them, so they were probably not collected (add them to the snapshot)"))
        }
        for p in descriptor.parameters where p.required && parameters[p.name] == nil {
            return .outcome(.needsEvidence("parameter '\(p.name)' has no value: set it in the plan (\(p.description))"))
        }
        do {
            return .outcome(try type.init().evaluate(EvaluationContext(index: index, parameters: parameters, now: now,
                                                                         scans: scans)))
        } catch {
            return .failed(error.message)
        }
    }

    /// Applies exceptions to one check's findings and decides the check's status.
    static func judge(_ check: CheckDefinition, _ result: JobResult, exceptions: [PlanException], now: Date,
                      matched: inout Set<String>, used: inout [PlanException]) -> (CheckResult, [Finding]) {
        let outcome: CheckOutcome
        switch result {
        case .failed(let message):
            return (CheckResult(id: check.id, evaluator: check.evaluator, status: .error, evaluated: 0, failed: 0,
                                reason: "check \(check.id) could not run: \(message)"), [])
        case .outcome(let o):
            outcome = o
        }
        switch outcome.verdict {
        case .needsEvidence(let reason):
            return (CheckResult(id: check.id, evaluator: check.evaluator, status: .needsEvidence, evaluated: 0, failed: 0,
                                reason: "check \(check.id): \(reason)"), [])
        case .notApplicable(let reason):
            return (CheckResult(id: check.id, evaluator: check.evaluator, status: .notApplicable, evaluated: 0, failed: 0,
                                reason: "check \(check.id): \(reason)"), [])
        case .ran:
            break
        }
        var findings: [Finding] = []
        var failedResources: Set<ResourceName?> = []  // nil: the cluster
        var open = 0, waived = 0, errors = 0
        for var finding in outcome.findings {
            finding.check = check.id
            if finding.status == .fail {
                let matching = exceptions.filter { matches($0, finding) }
                for e in matching { matched.insert(e.id) }
                if let valid = matching.first(where: { !$0.expires.hasPassed(at: now) }) {
                    finding.status = .waived
                    finding.exception = valid.id
                    used.append(valid)
                    waived += 1
                } else {
                    if let expired = matching.first {
                        finding.exception = expired.id
                        finding.message += " (exception \(expired.id) expired on \(expired.expires))"
                        used.append(expired)
                    }
                    open += 1
                }
            } else if finding.status == .error {
                errors += 1
            }
            if finding.status != .waived {
                failedResources.insert(finding.resource.map(ResourceName.init))
            }
            findings.append(finding)
        }
        let status: ControlStatus
        let reason: String?
        if errors > 0 {
            status = .error
            reason = "check \(check.id) could not evaluate \(errors) resource(s)"
        } else if open > 0 {
            status = .notSatisfied
            reason = "check \(check.id): \(failedResources.count) resource(s) deviate"
        } else if waived > 0 {
            status = .waived
            reason = "check \(check.id): every deviation (\(waived)) is covered by a valid exception"
        } else if outcome.evaluated == 0 {
            status = .notApplicable
            reason = "check \(check.id): nothing in scope to check"
        } else {
            status = .satisfied
            reason = nil
        }
        return (CheckResult(id: check.id, evaluator: check.evaluator, status: status, evaluated: outcome.evaluated,
                            failed: failedResources.count, reason: reason), findings)
    }

    /// Whether an exception's scope covers a finding: every field it names must match.
    static func matches(_ e: PlanException, _ f: Finding) -> Bool {
        let scope = e.scope
        // A scope that names only a check covers that check's cluster-level findings, nothing else.
        if scope.namespace == nil, scope.name == nil, f.resource != nil { return false }
        if let ns = scope.namespace, f.resource?.namespace != ns { return false }
        if let kind = scope.kind, f.resource?.kind != kind { return false }
        if let name = scope.name, f.resource?.name != name { return false }
        if let check = scope.check, f.check != check { return false }
        if let pattern = scope.image {
            guard let image = f.image, Glob.matches(pattern, image) else { return false }
        }
        return true
    }

    /// The status an attestation contributes to a partial or manual control.
    static func attestationPart(_ a: Attestation?, mode: AssessmentMode, now: Date) -> (ControlStatus, String?) {
        guard let a else {
            let what = mode == .manual ? "this manual control" : "the procedural part of this control"
            return (.needsEvidence, "no attestation covers \(what): add one to the plan")
        }
        if PlanDate(date: now) < a.date {
            return (.needsEvidence, "the attestation by \(a.attestedBy) is dated \(a.date), after the report time: it cannot count yet")
        }
        if let expires = a.expires, expires.hasPassed(at: now) {
            return (.notSatisfied, "the attestation by \(a.attestedBy) expired on \(expires): a lapsed commitment is a deviation")
        }
        switch a.status {
        case .satisfied: return (.satisfied, nil)
        case .notSatisfied: return (.notSatisfied, "attested as not satisfied by \(a.attestedBy) on \(a.date)")
        }
    }

    static func defaultReason(_ status: ControlStatus) -> String? {
        switch status {
        case .notApplicable: return "nothing in scope to check"
        case .needsEvidence: return "evidence is missing"
        default: return nil
        }
    }
}

/// Hands out jobs to workers, given each job's `sharedWork` (the last entry is the side computation):
/// first one job of each shared value (it builds the value), then jobs whose shared value is built (so
/// that it can go soon), then jobs that share nothing; a job whose value is still being built only when
/// nothing else is left (it would hold a core waiting).
final class JobQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let work: [String?]
    private var pending: [Int]
    private var builder: [String: Int] = [:]
    private var building: Set<String> = []
    private var remaining: [String: Int] = [:]

    init(_ work: [String?]) {
        self.work = work
        pending = Array(work.indices)
        for w in work.compactMap({ $0 }) { remaining[w, default: 0] += 1 }
    }

    /// The next entry to run, or nil when all have been handed out.
    func next() -> Int? {
        lock.withLock {
            let pick = pending.firstIndex { work[$0].map { builder[$0] == nil } ?? false }
                ?? pending.firstIndex { work[$0].map { builder[$0] != nil && !building.contains($0) } ?? false }
                ?? pending.firstIndex { work[$0] == nil }
                ?? pending.indices.first
            guard let pick else { return nil }
            let entry = pending.remove(at: pick)
            if let w = work[entry], builder[w] == nil {
                builder[w] = entry
                building.insert(w)
            }
            return entry
        }
    }

    /// Records that `entry` has finished; the shared value it was the last user of, if any.
    func finished(_ entry: Int) -> String? {
        lock.withLock {
            guard let w = work[entry] else { return nil }
            if builder[w] == entry { building.remove(w) }
            remaining[w, default: 1] -= 1
            return remaining[w] == 0 ? w : nil
        }
    }
}

/// The side computation's value, written by one worker and read after all have finished.
private final class SideBox<Value: Sendable>: @unchecked Sendable {
    var value: Value?
}

/// Results written from concurrent workers, each to its own slot; then read by the checks that share a
/// job, the last read letting the result go.
final class ResultBox: @unchecked Sendable {
    private var storage: [AuditEngine.JobResult]
    private var notes: [[Diagnostic]]
    private var evaluatorNotes: [[Diagnostic]]
    private var readers: [Int]
    private let lock = NSLock()

    init(count: Int) {
        storage = Array(repeating: .failed("not run"), count: count)
        notes = Array(repeating: [], count: count)
        evaluatorNotes = Array(repeating: [], count: count)
        readers = Array(repeating: 0, count: count)
    }

    /// Job `i`'s result, what running it said (a plugin's stderr), and its evaluator's diagnostics.
    func set(_ i: Int, _ value: AuditEngine.JobResult, _ diagnostics: [Diagnostic], evaluator: [Diagnostic] = []) {
        lock.withLock {
            storage[i] = value
            notes[i] = diagnostics
            evaluatorNotes[i] = evaluator
        }
    }

    /// What running the jobs said, in job order.
    var diagnostics: [Diagnostic] { lock.withLock { notes.flatMap { $0 } } }

    /// The evaluators' diagnostics of every job, in job order (several jobs of one evaluator repeat them).
    var evaluatorDiagnostics: [Diagnostic] { lock.withLock { evaluatorNotes.flatMap { $0 } } }

    /// Announces one more `read` of job `i` to come.
    func expectRead(_ i: Int) { lock.withLock { readers[i] += 1 } }

    /// Job `i`'s result; after the last announced read, the box no longer holds it.
    func read(_ i: Int) -> AuditEngine.JobResult {
        lock.withLock {
            let value = storage[i]
            readers[i] -= 1
            if readers[i] == 0 { storage[i] = .failed("released") }
            return value
        }
    }
}

/// Shell-style globs: `*` any run of characters, `?` one character.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        if !pattern.utf8.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") }) { return pattern == text }
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
