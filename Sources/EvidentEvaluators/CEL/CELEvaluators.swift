import EvidentCore

/// The evaluators of this folder, one file each: checks written in CEL.
enum CELEvaluators {
    static let all: [any Evaluator.Type] = [CELExpression.self, VAPCompliance.self]
}
