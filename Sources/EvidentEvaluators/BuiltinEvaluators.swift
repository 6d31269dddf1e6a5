import EvidentCore

/// Every built-in evaluator. Each folder keeps its own list, so adding a check touches its folder only.
public enum BuiltinEvaluators {
    public static let all: [any Evaluator.Type] =
        PodSecurityEvaluators.all + WorkloadEvaluators.all + ImageEvaluators.all + RBACEvaluators.all
        + NodeEvaluators.all + NetworkEvaluators.all + NamespaceEvaluators.all + CELEvaluators.all
        + ScanEvaluators.all + AdmissionEvaluators.all

    /// A registry of the built-ins, for the engine.
    /// The `plugin` evaluator is registered too (it has no examples: its tests run the example plugin).
    public static var registry: EvaluatorRegistry { EvaluatorRegistry(all + [PluginEvaluator.self]) }
}
