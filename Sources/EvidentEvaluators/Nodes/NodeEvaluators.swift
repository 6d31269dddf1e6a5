import EvidentCore

/// The evaluators of this folder, one file each.
enum NodeEvaluators {
    static let all: [any Evaluator.Type] = []
}
