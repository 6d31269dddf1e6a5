import EvidentCore

/// The evaluators of this folder, one file each.
enum PodSecurityEvaluators {
    static let all: [any Evaluator.Type] = []
}
