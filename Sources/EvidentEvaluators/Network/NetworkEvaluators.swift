import EvidentCore

/// The evaluators of this folder, one file each.
enum NetworkEvaluators {
    static let all: [any Evaluator.Type] = []
}
