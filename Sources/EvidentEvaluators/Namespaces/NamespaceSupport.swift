import EvidentCore

extension Finding {
    /// A failing finding about namespace `name`: on its Namespace object when the inputs hold it, otherwise
    /// on a `v1 Namespace` reference without a source location.
    static func onNamespace(_ name: String, in index: SnapshotIndex, path: String? = nil, observed: String? = nil,
                            expected: String? = nil, message: String) -> Finding {
        if let namespace = index.namespaces[name] {
            return Finding(on: namespace, path: path, observed: observed, expected: expected, message: message)
        }
        return Finding(resource: ResourceReference(apiVersion: "v1", kind: "Namespace", namespace: nil, name: name),
                       source: nil, path: path, observed: observed, expected: expected, message: message)
    }
}

/// The sensitivity label convention: the namespace label named by `sensitivity_label` (default
/// `data-sensitivity`) holds a level, and `sensitivity_levels` (default `[low, moderate, high]`) orders
/// the levels from lowest to highest.
struct SensitivityConvention: Sendable, Hashable {
    static let defaultLabel = "data-sensitivity"
    static let defaultLevels = ["low", "moderate", "high"]

    let label: String
    let levels: [String]

    /// Reads `sensitivity_label` and `sensitivity_levels`; an empty label or level list is a bad argument.
    init(_ parameters: Parameters) throws(EvaluationError) {
        let label = parameters.string("sensitivity_label") ?? Self.defaultLabel
        let levels = parameters.stringList("sensitivity_levels") ?? Self.defaultLevels
        guard !label.isEmpty else { throw EvaluationError("sensitivity_label must not be empty") }
        guard !levels.isEmpty else { throw EvaluationError("sensitivity_levels must list at least one level") }
        self.label = label
        self.levels = levels
    }

    /// The highest level: the last of `sensitivity_levels`.
    var highest: String { levels[levels.count - 1] }

    /// The position of `level` in the ordering, or nil for a value that is not a known level.
    func rank(_ level: String) -> Int? { levels.firstIndex(of: level) }

    /// The level a namespace is labelled with, or nil when it has no such label.
    func level(ofNamespace name: String?, in index: SnapshotIndex) -> String? {
        index.namespaceLabels(name)[label]
    }

    /// `label=value`, or `label unset`, for observed values.
    func describe(_ level: String?) -> String {
        level.map { "\(label)=\($0)" } ?? "\(label) unset"
    }
}

/// Short lists of names for messages.
enum NameList {
    /// The first few names, then a count of the rest: `a, b, c and 4 more`.
    static func firstFew(_ names: [String], limit: Int = 5) -> String {
        guard names.count > limit else { return names.joined(separator: ", ") }
        return names.prefix(limit).joined(separator: ", ") + " and \(names.count - limit) more"
    }

    /// `1 pod`, `2 pods`: a count with its noun, pluralised with `s`.
    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
}
