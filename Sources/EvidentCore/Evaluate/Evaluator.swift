import Foundation

/// A built-in or plugged-in check. Each evaluator lives in its own file, declares what it reads, and
/// carries passing and failing examples that the test suite runs automatically.
///
/// An evaluator looks at the whole snapshot at once (so it can answer "every namespace has X") and
/// returns the resources that fail. It never decides a control's status: the engine does, from the
/// findings, the plan's exceptions and the control's mode.
public protocol Evaluator: Sendable {
    static var descriptor: EvaluatorDescriptor { get }
    init()
    /// Runs the check. Throw `EvaluationError` when it cannot run (the check becomes `error`, never a pass).
    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome
    /// Recoverable problems in the inputs that this check noticed (e.g. an invalid label it had to ignore).
    /// They appear in the reports' diagnostics; duplicates from several checks are merged.
    static func diagnostics(for index: SnapshotIndex, parameters: Parameters) -> [Diagnostic]
    /// Checks parameter values when the plan or catalog loads, so that a value the check could never use
    /// (a bad regular expression, a version that is not one) stops the run with exit 2 instead of
    /// ending in `error`. `parameters` holds only the values being checked.
    static func validate(_ parameters: Parameters) throws(EvaluationError)
}

extension Evaluator {
    public static func diagnostics(for index: SnapshotIndex, parameters: Parameters) -> [Diagnostic] { [] }
    public static func validate(_ parameters: Parameters) throws(EvaluationError) {}
}

/// A check that could not run: a bad argument, an unexpected input shape. It becomes status `error`.
public struct EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A parameter an evaluator reads, from the control's parameters or the check's `with:` arguments.
public struct EvaluatorParameter: Sendable, Hashable {
    public var name: String
    public var description: String
    /// A required parameter without a value makes the check `needs-evidence`, naming the parameter.
    public var required: Bool

    public init(_ name: String, _ description: String, required: Bool = false) {
        self.name = name
        self.description = description
        self.required = required
    }
}

/// A small snapshot with the resources an evaluator must flag on it (none for a passing example).
public struct EvaluatorExample: Sendable {
    public var name: String
    /// A snapshot as multi-document YAML.
    public var yaml: String
    /// Parameter values for this example (catalog defaults are not applied to examples).
    public var parameters: [String: Value]
    /// `Kind namespace/name` (or `Kind name`) of every resource expected to fail; empty for a pass.
    public var failing: [String]
    /// A verdict other than ran (e.g. `.needsEvidence`), when the example shows one.
    public var expectedStatus: ControlStatus?
    /// Image-scan reports (Trivy or Grype JSON) given with the example; nil runs it without scan input.
    public var scans: [String]?
    public var file: String
    public var line: Int

    /// An example that must produce no findings.
    public static func passing(_ name: String, _ yaml: String, parameters: [String: Value] = [:],
                               scans: [String]? = nil, file: String = #filePath, line: Int = #line) -> EvaluatorExample {
        EvaluatorExample(name: name, yaml: yaml, parameters: parameters, failing: [], expectedStatus: nil,
                         scans: scans, file: file, line: line)
    }

    /// An example whose findings must name exactly `failing` (`Kind namespace/name`; `cluster` for a
    /// finding without a resource).
    public static func failing(_ name: String, _ yaml: String, failing: [String], parameters: [String: Value] = [:],
                               scans: [String]? = nil, file: String = #filePath, line: Int = #line) -> EvaluatorExample {
        EvaluatorExample(name: name, yaml: yaml, parameters: parameters, failing: failing, expectedStatus: nil,
                         scans: scans, file: file, line: line)
    }

    /// An example on which the check must not decide but end in `status` (needs-evidence, not-applicable).
    public static func undecided(_ name: String, _ yaml: String, status: ControlStatus, parameters: [String: Value] = [:],
                                 scans: [String]? = nil, file: String = #filePath, line: Int = #line) -> EvaluatorExample {
        EvaluatorExample(name: name, yaml: yaml, parameters: parameters, failing: [], expectedStatus: status,
                         scans: scans, file: file, line: line)
    }
}

/// What `evident evaluators` lists, and what the engine needs to know before running a check.
public struct EvaluatorDescriptor: Sendable {
    public var id: String
    public var title: String
    /// What passes and what fails, in one or two sentences.
    public var summary: String
    public var parameters: [EvaluatorParameter]
    /// Kinds that exist in every running cluster (Namespace, Node, ClusterRole, ClusterRoleBinding)
    /// that this check needs. If the inputs hold none, the check is `needs-evidence`.
    public var requiredKinds: [String]
    public var examples: [EvaluatorExample]
    /// The costly value, shared through `SnapshotIndex.shared` under keys starting with this name, that
    /// this check spends most of its time building or waiting for (`network`, `rbac`); nil when it has
    /// none. The engine starts one check of each such value first and the others once it is built, so
    /// that no core sits waiting for it, and lets the value go when the last of them has run.
    public var sharedWork: String?

    public init(id: String, title: String, summary: String, parameters: [EvaluatorParameter] = [],
                requiredKinds: [String] = [], sharedWork: String? = nil, examples: [EvaluatorExample]) {
        self.id = id
        self.title = title
        self.summary = summary
        self.parameters = parameters
        self.requiredKinds = requiredKinds
        self.sharedWork = sharedWork
        self.examples = examples
    }
}

/// What a check sees: the shared indexes, its resolved parameters and the report clock.
public struct EvaluationContext: Sendable {
    public let index: SnapshotIndex
    public let parameters: Parameters
    public let now: Date
    /// Image-scan results given to the run (`--scan`); nil when none were, so that scan checks can say
    /// `needs-evidence` instead of passing.
    public let scans: ScanSet?

    public init(index: SnapshotIndex, parameters: Parameters, now: Date, scans: ScanSet? = nil) {
        self.index = index
        self.parameters = parameters
        self.now = now
        self.scans = scans
    }
}

/// A check's result before the plan is applied.
public struct CheckOutcome: Sendable {
    public enum Verdict: Sendable, Hashable {
        /// The findings decide: none means pass, unless nothing was evaluated (not-applicable).
        case ran
        case notApplicable(String)
        case needsEvidence(String)
    }

    public var evaluated: Int
    public var findings: [Finding]
    public var verdict: Verdict

    public init(evaluated: Int, findings: [Finding], verdict: Verdict = .ran) {
        self.evaluated = evaluated
        self.findings = findings
        self.verdict = verdict
    }

    public static func notApplicable(_ reason: String) -> CheckOutcome {
        CheckOutcome(evaluated: 0, findings: [], verdict: .notApplicable(reason))
    }

    public static func needsEvidence(_ reason: String) -> CheckOutcome {
        CheckOutcome(evaluated: 0, findings: [], verdict: .needsEvidence(reason))
    }
}

/// Resolved parameter values for one check: catalog defaults, then the plan's values, then the check's
/// `with:` arguments.
public struct Parameters: Sendable, Hashable {
    public var values: [String: Value] { didSet { exemptNamespaces = Self.exempt(in: values) } }

    public init(_ values: [String: Value] = [:]) {
        self.values = values
        exemptNamespaces = Self.exempt(in: values)
    }

    public subscript(name: String) -> Value? { values[name] }
    public func string(_ name: String) -> String? { values[name]?.string }
    public func int(_ name: String) -> Int? { values[name]?.int }
    public func bool(_ name: String) -> Bool? { values[name]?.bool }
    public func stringList(_ name: String) -> [String]? { values[name]?.list.map { $0.compactMap(\.string) } }
    public func stringMap(_ name: String) -> [String: String]? {
        guard let value = values[name], value.map != nil else { return nil }
        return value.stringMap
    }

    /// `exempt_namespaces`, which every workload check honours. Kept with `values`: checks ask for every
    /// object, and building the set each time was a tenth of the pod-spec checks at 150,000 pods.
    public private(set) var exemptNamespaces: Set<String>

    private static func exempt(in values: [String: Value]) -> Set<String> {
        Set(values["exempt_namespaces"]?.list?.compactMap(\.string) ?? [])
    }

    /// Whether objects in `namespace` are outside the checks (cluster-scoped objects never are).
    public func isExempt(_ namespace: String?) -> Bool {
        guard let namespace else { return false }
        return exemptNamespaces.contains(namespace)
    }
}

extension Finding {
    /// A failing finding on `resource`, located where the object starts in its file.
    public init(on resource: Resource, path: String? = nil, observed: String? = nil, expected: String? = nil,
                pods: Int? = nil, message: String, image: String? = nil) {
        self.init(check: "", status: .fail, resource: resource.reference, source: resource.source, path: path,
                  observed: observed, expected: expected, pods: pods, message: message, image: image)
    }

    /// A cluster-level finding (no single resource), e.g. "more than 2 subjects hold cluster-admin".
    public static func cluster(message: String, observed: String? = nil, expected: String? = nil) -> Finding {
        Finding(check: "", status: .fail, resource: nil, source: nil, observed: observed, expected: expected,
                message: message)
    }
}
