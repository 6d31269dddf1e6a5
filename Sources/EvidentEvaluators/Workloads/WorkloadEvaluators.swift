import EvidentCore

/// The evaluators of this folder, one file each.
enum WorkloadEvaluators {
    static let all: [any Evaluator.Type] = [ReadOnlyRootFilesystem.self]
}
