import ArgumentParser
import EvidentCore
import EvidentEvaluators
import Foundation

/// `evident plan validate FILE`.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Work with security plans.",
        subcommands: [Validate.self]
    )

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a security plan: keys, control and check ids, parameters, dates. Exits 2 when invalid.",
            discussion: """
                Reports the first problem with its file, line and the offending word. A valid plan prints what it
                puts in scope and which exceptions and attestations have expired at --now (default: now).
                """
        )

        @Argument(help: ArgumentHelp("The plan file.", valueName: "file"))
        var file: String

        @Option(name: .long, help: ArgumentHelp("An extra control catalog the plan may refer to; repeat for more.", valueName: "file"))
        var catalog: [String] = []

        @Option(name: .long, help: ArgumentHelp("Judge expiries at this time (RFC 3339).", valueName: "time"))
        var now: String?

        func run() throws {
            let clock = try OptionValues.now(now)
            let scope = try Scope.load(planPath: file, catalogPaths: catalog, registry: BuiltinEvaluators.registry)
            let plan = scope.plan
            let controls = scope.catalogs.flatMap(\.controls).count
            let excluded = plan.catalogs.flatMap(\.exclusions).count
            // Plan text is user data: cleaned like every other printed text.
            func print(_ line: String) { Swift.print(Terminal.clean(line)) }
            print("\(file): valid plan \(plan.id) \(plan.version) (\(plan.title))")
            print("  catalogs: \(scope.catalogs.map(\.id).joined(separator: ", ")); \(controls) controls, \(excluded) excluded")
            print("  parameters set: \(plan.parameters.count); exceptions: \(plan.exceptions.count); attestations: \(plan.attestations.count)")
            for e in plan.exceptions where e.expires.hasPassed(at: clock) {
                print("  warning: exception \(e.id) (\(e.control)) expired on \(e.expires)")
            }
            for a in plan.attestations where a.expires?.hasPassed(at: clock) ?? false {
                print("  warning: the attestation of \(a.control) by \(a.attestedBy) expired on \(a.expires?.description ?? "")")
            }
        }
    }
}
