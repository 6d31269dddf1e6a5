import EvidentCore

/// The evaluators of this folder, one file each.
enum RBACEvaluators {
    static let all: [any Evaluator.Type] = []
}
