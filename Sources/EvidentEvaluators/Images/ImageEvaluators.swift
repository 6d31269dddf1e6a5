import EvidentCore

/// The evaluators of this folder, one file each.
enum ImageEvaluators {
    static let all: [any Evaluator.Type] = []
}
