import EvidentCore

/// A Kubernetes label selector (`metav1.LabelSelector`): `matchLabels` and `matchExpressions` with the
/// operators In, NotIn, Exists and DoesNotExist, all ANDed.
///
/// An empty selector (`{}`) matches every label set. `NotIn` also matches when the key is absent, as in
/// Kubernetes. A selector that Kubernetes would reject (an unknown operator, In or NotIn without values,
/// Exists or DoesNotExist with values) does not parse; callers decide what that means for them.
public struct LabelSelector: Sendable, Hashable {
    /// A `matchExpressions` operator.
    public enum Operator: String, Sendable, Hashable {
        case `in` = "In"
        case notIn = "NotIn"
        case exists = "Exists"
        case doesNotExist = "DoesNotExist"
    }

    /// One `matchExpressions` entry.
    public struct Requirement: Sendable, Hashable {
        /// The label key.
        public var key: String
        /// How the key is tested.
        public var `operator`: Operator
        /// The values for In and NotIn.
        public var values: Set<String>

        /// Whether `labels` satisfy this requirement.
        public func matches(_ labels: [String: String]) -> Bool {
            let value = labels[key]
            switch self.operator {
            case .in: return value.map(values.contains) ?? false
            case .notIn: return value.map { !values.contains($0) } ?? true
            case .exists: return value != nil
            case .doesNotExist: return value == nil
            }
        }
    }

    /// Why a selector could not be read.
    public struct Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, for messages.
        public var reason: String
        public var description: String { reason }
    }

    /// Labels that must be present with these values.
    public var matchLabels: [String: String]
    /// The `matchExpressions`, all of which must hold.
    public var requirements: [Requirement]

    public init(matchLabels: [String: String] = [:], requirements: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.requirements = requirements
    }

    /// The selector that matches everything.
    public static let everything = LabelSelector()

    /// Reads a selector object. A missing or null value is the empty selector (callers for which
    /// "absent" means "nothing", such as a peer's `namespaceSelector`, check for absence first).
    public static func parse(_ value: Value?) throws(Invalid) -> LabelSelector {
        guard let value, !value.isNull else { return .everything }
        guard value.map != nil else { throw Invalid(reason: "a label selector must be a map") }
        var selector = LabelSelector(matchLabels: value["matchLabels"]?.stringMap ?? [:])
        for (i, expression) in (value["matchExpressions"]?.items ?? []).enumerated() {
            guard let key = expression["key"]?.string, !key.isEmpty else {
                throw Invalid(reason: "matchExpressions[\(i)] has no key")
            }
            let name = expression["operator"]?.string ?? ""
            guard let op = Operator(rawValue: name) else {
                throw Invalid(reason: "matchExpressions[\(i)] has unknown operator '\(name)'")
            }
            let values = Set((expression["values"]?.items ?? []).compactMap(Self.labelValue))
            let needsValues = op == .in || op == .notIn
            if needsValues && values.isEmpty {
                throw Invalid(reason: "matchExpressions[\(i)] uses \(name) without values")
            }
            if !needsValues && !values.isEmpty {
                throw Invalid(reason: "matchExpressions[\(i)] uses \(name) with values")
            }
            selector.requirements.append(Requirement(key: key, operator: op, values: values))
        }
        return selector
    }

    /// Whether `labels` satisfy every part of the selector.
    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        return requirements.allSatisfy { $0.matches(labels) }
    }

    /// True for `{}`, which selects everything.
    public var isEmpty: Bool { matchLabels.isEmpty && requirements.isEmpty }

    /// Label values as YAML may type them (`version: 2` is the string "2" to Kubernetes).
    private static func labelValue(_ value: Value) -> String? {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .bool(let b): return String(b)
        default: return nil
        }
    }
}
