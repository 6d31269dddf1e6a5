/// How severe a deviation from a control is. Ordered: low < medium < high < critical.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
    case low, medium, high, critical

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// How a control is assessed: by checks alone, by checks plus an attestation, or by an attestation alone.
public enum AssessmentMode: String, Sendable, Hashable, CaseIterable {
    case automated, partial, manual
}

/// A parameter's declared type. Plan values are checked against it at load time.
public enum ParameterType: String, Sendable, Hashable, CaseIterable {
    case string, int, bool
    case stringList = "list<string>"
    case stringMap = "map<string,string>"

    /// Whether `value` fits this type.
    public func accepts(_ value: Value) -> Bool {
        switch (self, value) {
        case (.string, .string), (.int, .int), (.bool, .bool): return true
        case (.stringList, .list(let items)): return items.allSatisfy { $0.string != nil }
        case (.stringMap, .map(let m)): return m.values.allSatisfy { $0.string != nil }
        default: return false
        }
    }
}

/// A tunable value that checks read: allowed registries, version floors, label names...
public struct ParameterDefinition: Sendable, Hashable {
    public var id: String
    public var type: ParameterType
    /// nil means "no default": checks that need it are `needs-evidence` until a plan sets it.
    public var defaultValue: Value?
    public var description: String

    public init(id: String, type: ParameterType, defaultValue: Value?, description: String) {
        self.id = id
        self.type = type
        self.defaultValue = defaultValue
        self.description = description
    }
}

public struct Objective: Sendable, Hashable {
    public var id: String
    public var text: String

    public init(id: String, text: String) {
        self.id = id
        self.text = text
    }
}

/// One automated check of a control: an evaluator id plus fixed arguments.
public struct CheckDefinition: Sendable, Hashable {
    public var id: String
    public var evaluator: String
    public var objective: String?
    /// Fixed arguments from the catalog (`with:`); they win over parameters of the same name.
    public var arguments: [String: Value]
    public var source: SourceLocation?

    public init(id: String, evaluator: String, objective: String? = nil, arguments: [String: Value] = [:],
                source: SourceLocation? = nil) {
        self.id = id
        self.evaluator = evaluator
        self.objective = objective
        self.arguments = arguments
        self.source = source
    }
}

public struct Control: Sendable, Hashable {
    public var id: String
    public var title: String
    public var statement: String
    public var objectives: [Objective]
    public var severity: Severity
    public var mode: AssessmentMode
    /// Ids of the parameters (catalog-level definitions) its checks read.
    public var parameters: [String]
    public var checks: [CheckDefinition]
    public var references: [String: [String]]
    /// Optional inputs the control needs beyond the snapshot (see `RequiredInput`); without them it is
    /// `needs-evidence`, whatever an attestation says.
    public var requiredInputs: [String]
    public var source: SourceLocation?

    public init(id: String, title: String, statement: String, objectives: [Objective] = [], severity: Severity,
                mode: AssessmentMode, parameters: [String] = [], checks: [CheckDefinition] = [],
                references: [String: [String]] = [:], requiredInputs: [String] = [], source: SourceLocation? = nil) {
        self.requiredInputs = requiredInputs
        self.id = id
        self.title = title
        self.statement = statement
        self.objectives = objectives
        self.severity = severity
        self.mode = mode
        self.parameters = parameters
        self.checks = checks
        self.references = references
        self.source = source
    }
}

/// Inputs beyond the snapshot that a control can require in its catalog (`requires:`).
public enum RequiredInput {
    public static let known: [String: String] = [
        "image-scan": "image-scan results (Trivy or Grype JSON, --scan)",
    ]

    public static func describe(_ id: String) -> String { known[id] ?? id }
}

public struct ControlFamily: Sendable, Hashable {
    public var id: String
    public var title: String
    public var controls: [Control]

    public init(id: String, title: String, controls: [Control]) {
        self.id = id
        self.title = title
        self.controls = controls
    }
}

/// A control catalog: families of controls plus the parameters their checks read.
public struct Catalog: Sendable, Hashable {
    public var id: String
    public var title: String
    public var version: String
    public var parameters: [ParameterDefinition]
    public var families: [ControlFamily]
    /// Where it came from: a path, or `builtin:<id>`.
    public var origin: String

    public init(id: String, title: String, version: String, parameters: [ParameterDefinition],
                families: [ControlFamily], origin: String) {
        self.id = id
        self.title = title
        self.version = version
        self.parameters = parameters
        self.families = families
        self.origin = origin
    }

    public var controls: [Control] { families.flatMap(\.controls) }

    public func control(_ id: String) -> Control? { controls.first { $0.id == id } }

    public func family(of controlID: String) -> ControlFamily? {
        families.first { $0.controls.contains { $0.id == controlID } }
    }
}
