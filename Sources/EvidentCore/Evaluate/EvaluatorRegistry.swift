/// The evaluators a run can use, by id.
public struct EvaluatorRegistry: Sendable {
    public let evaluators: [String: any Evaluator.Type]

    /// Later entries with an id already registered are ignored; the test suite forbids duplicates.
    public init(_ types: [any Evaluator.Type]) {
        var map: [String: any Evaluator.Type] = [:]
        for type in types where map[type.descriptor.id] == nil { map[type.descriptor.id] = type }
        self.evaluators = map
    }

    public subscript(id: String) -> (any Evaluator.Type)? { evaluators[id] }

    /// Descriptors sorted by id.
    public var descriptors: [EvaluatorDescriptor] { evaluators.values.map { $0.descriptor }.sorted { $0.id < $1.id } }
}
