import ArgumentParser
import EvidentCore
import EvidentEvaluators

/// `evident controls [ID]`: list the controls in scope, or explain one.
struct ControlsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controls",
        abstract: "List the controls of the catalogs in scope, or explain one control.",
        discussion: """
            Without an ID, lists every control (built-in catalogs, --catalog files and the plan's own controls)
            with its severity and assessment mode. With an ID, shows its statement, objectives, checks and
            parameters (with the plan's values when --plan is given). Exits 2 for an unknown ID.
            """
    )

    @Argument(help: ArgumentHelp("A control id, e.g. sp800-190-4.4.3.", valueName: "id"))
    var id: String?

    @OptionGroup var scope: ScopeOptions

    func run() throws {
        let registry = BuiltinEvaluators.registry
        let scope = try Scope.load(planPath: self.scope.plan, catalogPaths: self.scope.catalog, registry: registry)
        guard let given = id else {
            for catalog in scope.catalogs {
                print(Terminal.clean("\(catalog.id) \(catalog.version) — \(catalog.title)"))
                for family in catalog.families {
                    print(Terminal.clean("  \(family.title)"))
                    for c in family.controls {
                        let severity = scope.plan.severityOverrides[c.id] ?? c.severity
                        print(Terminal.clean("    \(pad(c.id, 36)) \(pad(severity.rawValue, 8)) \(pad(c.mode.rawValue, 9)) \(c.title)"))
                    }
                }
            }
            return
        }
        let known = scope.catalogs.flatMap(\.controls).map(\.id)
        // A short form such as `4.4.3` names the one control whose id ends with it.
        let shortForm = known.filter { $0.hasSuffix("-" + given) }
        let id = known.contains(given) || shortForm.count != 1 ? given : shortForm[0]
        guard let catalog = scope.catalogs.first(where: { $0.control(id) != nil }), let control = catalog.control(id) else {
            let hint = Suggestion.closest(id, in: known).map { " Did you mean '\($0)'?" } ?? ""
            throw CLIError.invalid("unknown control '\(id)'.\(hint) `evident controls` lists them.")
        }
        print(Self.explain(control, catalog: catalog, plan: scope.plan, registry: registry))
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0)
    }

    static func explain(_ c: Control, catalog: Catalog, plan: SecurityPlan, registry: EvaluatorRegistry) -> String {
        var lines: [String] = []
        let family = catalog.family(of: c.id)?.title ?? ""
        lines.append("\(c.id): \(c.title)")
        lines.append("catalog \(catalog.id) \(catalog.version) · \(family)")
        let severity = plan.severityOverrides[c.id].map { "\($0.rawValue) (plan override; catalog: \(c.severity.rawValue))" } ?? c.severity.rawValue
        lines.append("severity \(severity) · mode \(c.mode.rawValue)")
        lines.append("")
        lines.append(c.statement)
        if !c.objectives.isEmpty {
            lines.append("")
            lines.append("Objectives:")
            for o in c.objectives { lines.append("  \(o.id)  \(o.text)") }
        }
        if !c.checks.isEmpty {
            lines.append("")
            lines.append("Checks:")
            for check in c.checks {
                let d = registry[check.evaluator]?.descriptor
                lines.append("  \(check.id) (evaluator \(check.evaluator))\(check.objective.map { " → \($0)" } ?? "")")
                if let d { lines.append("      \(d.summary)") }
                if !check.arguments.isEmpty {
                    lines.append("      with: " + check.arguments.keys.sorted().map { "\($0)=\(check.arguments[$0]?.display ?? "")" }.joined(separator: ", "))
                }
            }
        }
        switch c.mode {
        case .partial: lines.append("\nThe checks decide the automated objectives; an attestation in the plan must cover the rest.")
        case .manual: lines.append("\nAn attestation in the plan decides this control.")
        case .automated: break
        }
        if !c.parameters.isEmpty {
            lines.append("")
            lines.append("Parameters:")
            for p in c.parameters {
                guard let def = catalog.parameters.first(where: { $0.id == p }) else { continue }
                let value: String
                if let v = plan.parameters[p] {
                    value = "plan: \(v.display)"
                } else if let d = def.defaultValue {
                    value = "default: \(d.display)"
                } else {
                    value = "unset (checks that need it are needs-evidence)"
                }
                lines.append("  \(p) (\(def.type.rawValue)) = \(value)")
                if !def.description.isEmpty { lines.append("      \(def.description)") }
            }
        }
        if !c.references.isEmpty {
            lines.append("")
            lines.append("References: " + c.references.keys.sorted().map { "\($0) \(c.references[$0]?.joined(separator: ", ") ?? "")" }.joined(separator: "; "))
        }
        return lines.map(Terminal.clean).joined(separator: "\n")
    }
}
