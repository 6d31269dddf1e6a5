/// Reads a security plan (`kind: SecurityPlan`) strictly and checks it against the catalogs it names:
/// unknown keys, control ids, check ids, parameters, wrong parameter types and malformed dates are errors
/// naming the file and line. Catalog files are read by the caller (`resolveCatalog`), since the core does no I/O.
public enum PlanLoader {
    static let planKeys = ["kind", "schemaVersion", "id", "title", "version", "owner", "description", "catalogs",
                           "parameters", "overrides", "customControls", "exceptions", "attestations"]
    static let catalogRefKeys = ["id", "path", "exclude"]
    static let exceptionKeys = ["id", "control", "scope", "justification", "approvedBy", "ticket", "expires"]
    static let scopeKeys = ["namespace", "kind", "name", "check", "image"]
    static let attestationKeys = ["control", "status", "statement", "attestedBy", "date", "expires", "evidence"]

    /// Finds a catalog by built-in id or path; throws a located error when it cannot.
    public typealias CatalogResolver = @Sendable (_ reference: String, _ isPath: Bool, _ at: SourceLocation) throws(LoadError) -> Catalog

    /// Loads the plan and returns it with the catalogs in scope, in the plan's order (plus `extra`
    /// catalogs given on the command line that the plan does not name), the plan's own controls last.
    public static func load(_ text: String, path: String, registry: EvaluatorRegistry, extra: [Catalog] = [],
                            resolveCatalog: CatalogResolver) throws(LoadError) -> (plan: SecurityPlan, catalogs: [Catalog]) {
        let root = try StrictNode.parse(text, file: path, what: "plan")
        let map = try root.requireMap(allowed: planKeys)
        let kind = try map.string("kind")
        guard kind == "SecurityPlan" else {
            throw try map.require("kind").fail("expected kind SecurityPlan, found '\(kind)'", word: kind)
        }
        let schema = try map.require("schemaVersion").requireInt()
        guard schema == 1 else { throw try map.require("schemaVersion").fail("unsupported schemaVersion \(schema); this release reads 1") }
        let id = try CatalogLoader.tokenID(map.require("id"))

        // Catalogs and their exclusions.
        var catalogs: [Catalog] = []
        var selections: [CatalogSelection] = []
        for node in try map.require("catalogs").requireList() {
            let cm = try node.requireMap(allowed: catalogRefKeys)
            let catalog: Catalog
            let reference: String
            if let pathNode = cm["path"] {
                guard cm["id"] == nil else { throw node.fail("give a catalog's id or its path, not both") }
                reference = try pathNode.requireNonEmptyString()
                catalog = try resolveCatalog(reference, true, pathNode.location)
            } else {
                let idNode = try cm.require("id")
                reference = try idNode.requireNonEmptyString()
                if let given = extra.first(where: { $0.id == reference }) {
                    catalog = given
                } else {
                    catalog = try resolveCatalog(reference, false, idNode.location)
                }
            }
            guard !catalogs.contains(where: { $0.id == catalog.id }) else {
                throw node.fail("catalog '\(catalog.id)' is named twice", word: catalog.id)
            }
            var exclusions: [CatalogSelection.Exclusion] = []
            for e in try cm["exclude"]?.requireList() ?? [] {
                let em = try e.requireMap(allowed: ["control", "reason"])
                let controlNode = try em.require("control")
                let control = try controlNode.requireString()
                guard catalog.control(control) != nil else {
                    throw unknownControl(control, at: controlNode, in: [catalog])
                }
                exclusions.append(.init(control: control, reason: try em.string("reason"), source: e.location))
            }
            catalogs.append(catalog)
            selections.append(CatalogSelection(reference: catalog.id, exclusions: exclusions, source: node.location))
        }
        for catalog in extra where !catalogs.contains(where: { $0.id == catalog.id }) {
            catalogs.append(catalog)
            selections.append(CatalogSelection(reference: catalog.id))
        }

        // Parameters: known ids of the right type only.
        let definitions = catalogs.flatMap(\.parameters)
        var parameters: [String: Value] = [:]
        var parameterSources: [String: SourceLocation] = [:]
        if let pnode = map["parameters"] {
            for entry in try pnode.requireMap(allowed: []).entries {
                guard let definition = definitions.first(where: { $0.id == entry.key }) else {
                    let suggestion = StrictNode.closest(entry.key, in: definitions.map(\.id)).map { "did you mean '\($0)'? " } ?? ""
                    throw entry.keyNode.fail("unknown parameter '\(entry.key)'", word: entry.key,
                                             hint: "\(suggestion)`evident controls ID` lists a control's parameters")
                }
                let value = try entry.value.value()
                guard definition.type.accepts(value) else {
                    throw entry.value.fail("parameter '\(entry.key)' must be a \(definition.type.rawValue)", word: entry.key)
                }
                for type in registry.evaluators.values.sorted(by: { $0.descriptor.id < $1.descriptor.id })
                where type.descriptor.parameters.contains(where: { $0.name == entry.key }) {
                    do {
                        try type.validate(Parameters([entry.key: value]))
                    } catch {
                        throw entry.value.fail("parameter '\(entry.key)': \(error.message)", word: entry.key)
                    }
                }
                parameters[entry.key] = value
                parameterSources[entry.key] = entry.keyNode.location
            }
        }

        // The plan's own controls form a catalog named after the plan.
        var custom: Catalog?
        if let cnode = map["customControls"] {
            var families: [ControlFamily] = []
            var seen = Set(catalogs.flatMap(\.controls).map(\.id))
            for f in try cnode.requireList() {
                families.append(try CatalogLoader.family(f, parameters: definitions, registry: registry, seen: &seen))
            }
            let catalog = Catalog(id: id, title: "\(try map.string("title")): custom controls",
                                  version: try map.string("version"), parameters: [], families: families, origin: path)
            custom = catalog
            catalogs.append(catalog)
        }

        // Severity overrides.
        var overrides: [String: Severity] = [:]
        if let onode = map["overrides"] {
            for entry in try onode.requireMap(allowed: []).entries {
                guard catalogs.contains(where: { $0.control(entry.key) != nil }) else {
                    throw unknownControl(entry.key, at: entry.keyNode, in: catalogs)
                }
                let om = try entry.value.requireMap(allowed: ["severity"])
                let sevNode = try om.require("severity")
                let name = try sevNode.requireString()
                guard let severity = Severity(rawValue: name) else {
                    throw sevNode.fail("unknown severity '\(name)'", word: name, hint: "severities: low, medium, high, critical")
                }
                overrides[entry.key] = severity
            }
        }

        var exceptions: [PlanException] = []
        for e in try map["exceptions"]?.requireList() ?? [] {
            let exception = try exception(e, catalogs: catalogs)
            guard !exceptions.contains(where: { $0.id == exception.id }) else {
                throw e.fail("exception '\(exception.id)' is defined twice", word: exception.id)
            }
            exceptions.append(exception)
        }
        var attestations: [Attestation] = []
        for a in try map["attestations"]?.requireList() ?? [] {
            let attestation = try attestation(a, catalogs: catalogs)
            guard !attestations.contains(where: { $0.control == attestation.control }) else {
                throw a.fail("control \(attestation.control) is attested twice", word: attestation.control,
                             hint: "keep one current attestation per control; replace the old one when it is renewed")
            }
            attestations.append(attestation)
        }

        let plan = SecurityPlan(
            id: id, title: try map.string("title"), version: try map.string("version"),
            owner: try map.optionalString("owner"), catalogs: selections, parameters: parameters,
            parameterSources: parameterSources, severityOverrides: overrides, customCatalog: custom,
            exceptions: exceptions, attestations: attestations, origin: path)
        return (plan, catalogs)
    }

    /// Kinds that findings are reported on, for catching typos in `scope.kind` (other kinds are accepted).
    static let knownKinds = [
        "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController",
        "Service", "Ingress", "ConfigMap", "Secret", "ServiceAccount", "Namespace", "Node", "Role", "RoleBinding",
        "ClusterRole", "ClusterRoleBinding", "NetworkPolicy", "GlobalNetworkPolicy",
    ]

    static func unknownControl(_ id: String, at node: StrictNode, in catalogs: [Catalog]) -> LoadError {
        let known = catalogs.flatMap(\.controls).map(\.id)
        let suggestion = StrictNode.closest(id, in: known).map { "did you mean '\($0)'? " } ?? ""
        return node.fail("unknown control '\(id)'", word: id, hint: "\(suggestion)`evident controls` lists the controls in scope")
    }

    static func findControl(_ node: StrictNode, in catalogs: [Catalog]) throws(LoadError) -> Control {
        let id = try node.requireString()
        for catalog in catalogs { if let c = catalog.control(id) { return c } }
        throw unknownControl(id, at: node, in: catalogs)
    }

    static func exception(_ node: StrictNode, catalogs: [Catalog]) throws(LoadError) -> PlanException {
        let map = try node.requireMap(allowed: exceptionKeys)
        let id = try map.string("id")
        let control = try findControl(try map.require("control"), in: catalogs)
        let scopeNode = try map.require("scope")
        let sm = try scopeNode.requireMap(allowed: scopeKeys)
        let scope = ExceptionScope(namespace: try sm.optionalString("namespace"), kind: try sm.optionalString("kind"),
                                   name: try sm.optionalString("name"), check: try sm.optionalString("check"),
                                   image: try sm.optionalString("image"))
        for (key, value) in [("namespace", scope.namespace), ("name", scope.name), ("kind", scope.kind)] {
            if let value, value.contains("*") {
                throw try sm.require(key).fail("exception \(id): scope.\(key) '\(value)' must name one object, not a pattern", word: value,
                                                hint: "only scope.image takes a glob; write one exception per object")
            }
        }
        let clusterLevel = scope.check != nil && scope.kind == nil && scope.image == nil
        guard scope.namespace != nil || scope.name != nil || clusterLevel else {
            throw scopeNode.fail("exception \(id) is too broad: its scope names no namespace or name",
                                 hint: "an exception covers a narrow scope: add namespace (and kind/name) to it; "
                                     + "a scope of only `check` covers that check's cluster-level findings")
        }
        if let kind = scope.kind, !knownKinds.contains(kind), let near = StrictNode.closest(kind, in: knownKinds) {
            throw try sm.require("kind").fail("exception \(id): unknown kind '\(kind)'", word: kind,
                                              hint: "did you mean '\(near)'? Findings on pods are reported on their top-most owner")
        }
        if let check = scope.check, !control.checks.contains(where: { $0.id == check }) {
            throw try sm.require("check").fail("control \(control.id) has no check '\(check)'", word: check,
                                               hint: "its checks: \(control.checks.map(\.id).joined(separator: ", "))")
        }
        return PlanException(id: id, control: control.id, scope: scope, justification: try map.string("justification"),
                             approvedBy: try map.string("approvedBy"), ticket: try map.optionalString("ticket"),
                             expires: try map.date("expires"), source: node.location)
    }

    static func attestation(_ node: StrictNode, catalogs: [Catalog]) throws(LoadError) -> Attestation {
        let map = try node.requireMap(allowed: attestationKeys)
        let controlNode = try map.require("control")
        let control = try findControl(controlNode, in: catalogs)
        guard control.mode != .automated else {
            throw controlNode.fail("control \(control.id) is automated: its checks decide, and an attestation cannot",
                                   word: control.id, hint: "attest partial or manual controls only")
        }
        let statusNode = try map.require("status")
        let statusName = try statusNode.requireString()
        guard let status = Attestation.Verdict(rawValue: statusName) else {
            throw statusNode.fail("unknown attestation status '\(statusName)'", word: statusName,
                                  hint: "use satisfied or not-satisfied")
        }
        var evidence: [String] = []
        if let e = map["evidence"] { evidence = try e.requireStringList() }
        let date = try map.date("date")
        let expires = try map.optionalDate("expires")
        if let expires, expires < date {
            throw try map.require("expires").fail("the attestation of \(control.id) expires (\(expires)) before its date (\(date))",
                                                  word: expires.description)
        }
        return Attestation(control: control.id, status: status, statement: try map.string("statement"),
                           attestedBy: try map.string("attestedBy"), date: date,
                           expires: expires, evidence: evidence, source: node.location)
    }
}
