import EvidentCore

/// The evaluators of this folder, one file each.
enum NamespaceEvaluators {
    static let all: [any Evaluator.Type] = [NamespacePSAEnforce.self]
}
