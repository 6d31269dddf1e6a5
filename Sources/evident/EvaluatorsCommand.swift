import ArgumentParser
import EvidentCore
import EvidentEvaluators

/// `evident evaluators [ID]`.
struct EvaluatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluators",
        abstract: "List the built-in checks (evaluators) that catalogs can use, or describe one."
    )

    @Argument(help: ArgumentHelp("An evaluator id.", valueName: "id"))
    var id: String?

    func run() throws {
        let registry = BuiltinEvaluators.registry
        guard let id else {
            for d in registry.descriptors {
                print("\(d.id.padding(toLength: 34, withPad: " ", startingAt: 0)) \(d.title)")
            }
            return
        }
        guard let d = registry[id]?.descriptor else {
            throw CLIError.invalid("unknown evaluator '\(id)'; `evident evaluators` lists them")
        }
        print("\(d.id): \(d.title)")
        print(d.summary)
        if !d.parameters.isEmpty {
            print("Parameters:")
            for p in d.parameters { print("  \(p.name)\(p.required ? " (required)" : ""): \(p.description)") }
        }
        if !d.requiredKinds.isEmpty { print("Needs kinds: \(d.requiredKinds.joined(separator: ", "))") }
        print("Examples: \(d.examples.count) (\(d.examples.filter { !$0.failing.isEmpty }.count) failing)")
    }
}
