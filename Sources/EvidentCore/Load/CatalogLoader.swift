/// Reads a control catalog (`kind: ControlCatalog`) strictly: unknown keys, duplicate or malformed ids,
/// unknown evaluators, parameters or objectives are errors naming the file and line.
public enum CatalogLoader {
    static let catalogKeys = ["kind", "schemaVersion", "id", "title", "version", "parameters", "families"]
    static let familyKeys = ["id", "title", "controls"]
    static let controlKeys = ["id", "title", "statement", "objectives", "severity", "mode", "parameters", "checks", "references", "requires"]
    static let parameterKeys = ["id", "type", "default", "description"]
    static let checkKeys = ["id", "evaluator", "objective", "with"]

    /// Loads a catalog file. `origin` is how reports name it (a path, or `builtin:<id>`).
    public static func load(_ text: String, path: String, origin: String? = nil,
                            registry: EvaluatorRegistry) throws(LoadError) -> Catalog {
        let root = try StrictNode.parse(text, file: path, what: "catalog")
        let map = try root.requireMap(allowed: catalogKeys)
        let kind = try map.string("kind")
        guard kind == "ControlCatalog" else {
            throw try map.require("kind").fail("expected kind ControlCatalog, found '\(kind)'", word: kind)
        }
        let schema = try map.require("schemaVersion").requireInt()
        guard schema == 1 else { throw try map.require("schemaVersion").fail("unsupported schemaVersion \(schema); this release reads 1") }
        let id = try tokenID(map.require("id"))
        var parameters: [ParameterDefinition] = []
        for node in try map["parameters"]?.requireList() ?? [] {
            let definition = try parameter(node)
            guard !parameters.contains(where: { $0.id == definition.id }) else {
                throw node.fail("parameter '\(definition.id)' is defined twice", word: definition.id)
            }
            parameters.append(definition)
        }
        var families: [ControlFamily] = []
        var controlIDs: Set<String> = []
        for node in try map.require("families").requireList() {
            families.append(try family(node, parameters: parameters, registry: registry, seen: &controlIDs))
        }
        return Catalog(id: id, title: try map.string("title"), version: try map.string("version"),
                       parameters: parameters, families: families, origin: origin ?? path)
    }

    static func tokenID(_ node: StrictNode) throws(LoadError) -> String {
        let id = try node.requireNonEmptyString()
        guard isToken(id) else {
            throw node.fail("'\(id)' is not a valid id", word: id, hint: "ids are letters, digits, '.', '-' and '_', starting with a letter")
        }
        return id
    }

    static func parameter(_ node: StrictNode) throws(LoadError) -> ParameterDefinition {
        let map = try node.requireMap(allowed: parameterKeys)
        let id = try tokenID(map.require("id"))
        let typeNode = try map.require("type")
        let typeName = try typeNode.requireString()
        guard let type = ParameterType(rawValue: typeName) else {
            throw typeNode.fail("unknown parameter type '\(typeName)'", word: typeName,
                                hint: "types: \(ParameterType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var defaultValue: Value?
        if let d = map["default"] {
            let value = try d.value()
            guard type.accepts(value) else { throw d.fail("the default of '\(id)' is not a \(typeName)", word: id) }
            defaultValue = value
        }
        return ParameterDefinition(id: id, type: type, defaultValue: defaultValue,
                                   description: try map.optionalString("description") ?? "")
    }

    static func family(_ node: StrictNode, parameters: [ParameterDefinition], registry: EvaluatorRegistry,
                       seen: inout Set<String>) throws(LoadError) -> ControlFamily {
        let map = try node.requireMap(allowed: familyKeys)
        let id = try tokenID(map.require("id"))
        var controls: [Control] = []
        for c in try map.require("controls").requireList() {
            let control = try control(c, parameters: parameters, registry: registry)
            guard seen.insert(control.id).inserted else {
                throw c.fail("control '\(control.id)' is defined twice", word: control.id)
            }
            controls.append(control)
        }
        return ControlFamily(id: id, title: try map.string("title"), controls: controls)
    }

    static func control(_ node: StrictNode, parameters: [ParameterDefinition],
                        registry: EvaluatorRegistry) throws(LoadError) -> Control {
        let map = try node.requireMap(allowed: controlKeys)
        let id = try tokenID(map.require("id"))
        let context = "control \(id)"
        let severityNode = try map.require("severity")
        let severityName = try severityNode.requireString()
        guard let severity = Severity(rawValue: severityName) else {
            throw severityNode.fail("unknown severity '\(severityName)' in \(context)", word: severityName,
                                    hint: "severities: low, medium, high, critical")
        }
        let modeNode = try map.require("mode")
        let modeName = try modeNode.requireString()
        guard let mode = AssessmentMode(rawValue: modeName) else {
            throw modeNode.fail("unknown mode '\(modeName)' in \(context)", word: modeName,
                                hint: "modes: automated, partial, manual")
        }
        var objectives: [Objective] = []
        for o in try map["objectives"]?.requireList() ?? [] {
            let om = try o.requireMap(allowed: ["id", "text"])
            let objective = Objective(id: try tokenID(om.require("id")), text: try om.string("text"))
            guard !objectives.contains(where: { $0.id == objective.id }) else {
                throw o.fail("objective '\(objective.id)' is defined twice in \(context)", word: objective.id)
            }
            objectives.append(objective)
        }
        var parameterIDs: [String] = []
        if let list = map["parameters"] {
            for p in try list.requireList() {
                let name = try p.requireString()
                guard parameters.contains(where: { $0.id == name }) else {
                    let suggestion = StrictNode.closest(name, in: parameters.map(\.id)).map { "did you mean '\($0)'? " } ?? ""
                    throw p.fail("\(context) uses parameter '\(name)', which the catalog does not define", word: name,
                                 hint: "\(suggestion)define it under the catalog's parameters")
                }
                parameterIDs.append(name)
            }
        }
        var checks: [CheckDefinition] = []
        for c in try map["checks"]?.requireList() ?? [] {
            let cm = try c.requireMap(allowed: checkKeys)
            let checkID = try tokenID(cm.require("id"))
            guard !checks.contains(where: { $0.id == checkID }) else {
                throw c.fail("check '\(checkID)' appears twice in \(context)", word: checkID)
            }
            let evaluatorNode = try cm.require("evaluator")
            let evaluator = try evaluatorNode.requireString()
            guard registry[evaluator] != nil else {
                let known = registry.descriptors.map(\.id)
                let suggestion = StrictNode.closest(evaluator, in: known).map { "did you mean '\($0)'? " } ?? ""
                throw evaluatorNode.fail("unknown evaluator '\(evaluator)' in \(context)", word: evaluator,
                                         hint: "\(suggestion)`evident evaluators` lists them")
            }
            let objective = try cm.optionalString("objective")
            if let objective, !objectives.contains(where: { $0.id == objective }) {
                throw try cm.require("objective").fail("check '\(checkID)' names objective '\(objective)', which \(context) does not define", word: objective)
            }
            var arguments: [String: Value] = [:]
            if let with = cm["with"] {
                let known = registry[evaluator]?.descriptor.parameters.map(\.name) ?? []
                let entries = try with.requireMap(allowed: known).entries
                if known.isEmpty, let first = entries.first {
                    throw first.keyNode.fail("evaluator \(evaluator) takes no arguments, but 'with' sets '\(first.key)'", word: first.key)
                }
                for entry in entries {
                    arguments[entry.key] = try entry.value.value()
                }
                do {
                    try registry[evaluator]?.validate(Parameters(arguments))
                } catch {
                    throw with.fail("check '\(checkID)' in \(context): \(error.message)")
                }
            }
            if evaluator == PluginEvaluator.id {
                // A plugin's path is relative to the file that names it.
                guard let path = arguments["path"]?.string else {
                    throw c.fail("check '\(checkID)' in \(context) uses evaluator plugin without 'with: {path: ...}'")
                }
                arguments["path"] = .string(PluginEvaluator.resolve(path, from: c.file))
            }
            checks.append(CheckDefinition(id: checkID, evaluator: evaluator, objective: objective, arguments: arguments,
                                          source: c.location))
        }
        var requires: [String] = []
        if let r = map["requires"] {
            for item in try r.requireList() {
                let name = try item.requireString()
                guard RequiredInput.known[name] != nil else {
                    throw item.fail("\(context) requires unknown input '\(name)'", word: name,
                                    hint: "known inputs: \(RequiredInput.known.keys.sorted().joined(separator: ", "))")
                }
                requires.append(name)
            }
        }
        switch mode {
        case .partial where checks.isEmpty && requires.isEmpty:
            throw node.fail("\(context) is partial but has no checks and requires no input",
                            hint: "add checks or `requires:`, or make it manual")
        case .automated where checks.isEmpty:
            throw node.fail("\(context) is automated but has no checks", hint: "add checks, or make it partial or manual")
        case .manual where !checks.isEmpty:
            throw node.fail("\(context) is manual but has checks", hint: "make it partial: checks plus an attestation")
        default: break
        }
        var references: [String: [String]] = [:]
        if let refs = map["references"] {
            for entry in try refs.requireMap(allowed: []).entries {
                references[entry.key] = try entry.value.requireStringList()
            }
        }
        return Control(id: id, title: try map.string("title"), statement: try map.string("statement"),
                       objectives: objectives, severity: severity, mode: mode, parameters: parameterIDs,
                       checks: checks, references: references, requiredInputs: requires, source: node.location)
    }
}

extension CatalogLoader {
    /// Checks that catalogs loaded together agree: a control id lives in one catalog only (exceptions,
    /// exclusions and attestations name controls by id), and a parameter defined by several catalogs has
    /// the same type everywhere (a plan value applies to all of them; each catalog keeps its own default).
    public static func checkTogether(_ catalogs: [Catalog]) throws(LoadError) {
        var owner: [String: Catalog] = [:]
        var parameters: [String: (ParameterDefinition, Catalog)] = [:]
        for catalog in catalogs {
            for control in catalog.controls {
                if let first = owner[control.id] {
                    throw LoadError("control \(control.id) is defined by both \(first.id) and \(catalog.id)",
                                    at: control.source ?? SourceLocation(file: catalog.origin, line: 1), word: control.id,
                                    hint: "control ids must be unique across the catalogs in scope")
                }
                owner[control.id] = catalog
            }
            for p in catalog.parameters {
                if let (first, firstCatalog) = parameters[p.id], first.type != p.type {
                    throw LoadError("parameter \(p.id) is a \(first.type.rawValue) in \(firstCatalog.id) but a \(p.type.rawValue) in \(catalog.id)",
                                    at: SourceLocation(file: catalog.origin, line: 1), word: p.id,
                                    hint: "give it the same type in both, or rename one")
                }
                parameters[p.id] = parameters[p.id] ?? (p, catalog)
            }
        }
    }
}
