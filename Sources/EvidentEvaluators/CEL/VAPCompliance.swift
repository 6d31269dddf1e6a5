import EvidentCEL
import EvidentCore
import EvidentNetwork

/// Would the objects running today pass the cluster's own ValidatingAdmissionPolicies? Evaluates each
/// policy's `spec.validations[].expression` (after its `variables` and `matchConditions`) against every
/// object in the snapshot that a binding with the `Deny` action matches, with the variables the API server
/// provides (`object`, `oldObject` = null, `request` for a CREATE, `params`, `namespaceObject`,
/// `variables`). A false validation is a finding; an evaluation error is one too under
/// `failurePolicy: Fail` (the default), since the API server would reject the request.
struct VAPCompliance: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "vap-compliance",
        title: "Running objects pass the cluster's ValidatingAdmissionPolicies",
        summary: """
            Fails for every object that a ValidatingAdmissionPolicy bound with validationActions Deny would \
            reject if it were created now. Not applicable when the snapshot has no such binding; a policy \
            whose CEL this interpreter cannot read makes the check error.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose objects are not checked")],
        examples: [
            .passing("every Deployment satisfies the enforced policy; Audit-only bindings do not count", """
                \(policy)
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: replica-limit-deny}
                spec:
                  policyName: replica-limit
                  validationActions: [Deny]
                  matchResources:
                    namespaceSelector: {matchLabels: {env: prod}}
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: no-latest}
                spec:
                  matchConstraints:
                    resourceRules: [{apiGroups: [apps], apiVersions: ["*"], operations: [CREATE, UPDATE], resources: [deployments]}]
                  validations:
                  - expression: "object.spec.template.spec.containers.all(c, !c.image.endsWith(':latest'))"
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: no-latest-audit}
                spec: {policyName: no-latest, validationActions: [Audit]}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {env: prod}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  replicas: 3
                  template: {spec: {containers: [{name: app, image: "nginx:latest"}]}}
                """),
            .failing("a Deployment above the limit in a matched namespace; one outside the selector", """
                \(policy)
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: replica-limit-deny}
                spec:
                  policyName: replica-limit
                  validationActions: [Deny, Audit]
                  matchResources:
                    namespaceSelector: {matchLabels: {env: prod}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {env: prod}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: lab, labels: {env: dev}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec: {replicas: 12}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: load-test, namespace: lab}
                spec: {replicas: 50}
                """, failing: ["Deployment shop/web"]),
            .undecided("no policy is enforced", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec: {replicas: 12}
                """, status: .notApplicable),
        ])

    static let policy = """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: replica-limit}
        spec:
          failurePolicy: Fail
          matchConstraints:
            resourceRules:
            - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
          variables:
          - {name: replicas, expression: "has(object.spec.replicas) ? object.spec.replicas : 1"}
          validations:
          - expression: "variables.replicas <= 10"
            messageExpression: "'replicas must be at most 10, not ' + string(variables.replicas)"
        """

    /// One compiled policy.
    struct Policy {
        var resource: Resource
        var failOnError: Bool
        var constraints: Value
        var variables: [(name: String, program: CELProgram)] = []
        var conditions: [(name: String, program: CELProgram)] = []
        var validations: [(source: String, program: CELProgram, message: String?, messageProgram: CELProgram?)] = []
    }

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let index = context.index
        var findings: [Finding] = []
        var policies: [String: Policy] = [:]
        var broken: Set<String> = []
        for resource in index.resources(ofKind: "ValidatingAdmissionPolicy") {
            do throws(CELParseError) {
                policies[resource.name] = try Self.compile(resource)
            } catch {
                broken.insert(resource.name)
                var finding = Finding(on: resource, message: """
                    ValidatingAdmissionPolicy \(resource.name) uses CEL this check cannot evaluate \
                    (\(error.description)); whether objects comply is unknown
                    """)
                finding.status = .error
                findings.append(finding)
            }
        }
        let bindings = index.resources(ofKind: "ValidatingAdmissionPolicyBinding").filter { binding in
            binding.body.at("spec.validationActions")?.stringList.contains("Deny") == true
        }
        let enforced = bindings.filter { binding in
            binding.body.at("spec.policyName")?.string.map { policies[$0] != nil || broken.contains($0) } ?? false
        }
        guard !enforced.isEmpty else {
            return .notApplicable("no ValidatingAdmissionPolicy in the snapshot is bound with validationActions Deny")
        }
        var namespaceValues: [String: CELValue] = [:]
        var evaluated = Set<String>()
        let candidates = index.resources.filter { resource in
            resource.kind != "ValidatingAdmissionPolicy" && resource.kind != "ValidatingAdmissionPolicyBinding"
                && !context.parameters.isExempt(resource.namespace)
        }
        for binding in enforced {
            guard let name = binding.body.at("spec.policyName")?.string, let policy = policies[name] else { continue }
            let bindingMatch = binding.body.at("spec.matchResources")
            for resource in candidates {
                guard Self.matches(policy.constraints, resource, index: index, requireRules: true),
                      bindingMatch.map({ Self.matches($0, resource, index: index, requireRules: false) }) ?? true
                else { continue }
                evaluated.insert(resource.id.description)
                let namespaceObject: CELValue
                if let ns = resource.namespace {
                    if let cached = namespaceValues[ns] {
                        namespaceObject = cached
                    } else {
                        namespaceObject = index.namespaces[ns].map { CELValue($0.body) } ?? .null
                        namespaceValues[ns] = namespaceObject
                    }
                } else {
                    namespaceObject = .null
                }
                let params = Self.params(binding, policy, resource, index: index)
                if let reason = Self.check(policy, resource, namespaceObject: namespaceObject, params: params) {
                    findings.append(Finding(
                        on: resource, observed: "rejected", expected: "admitted by \(name)",
                        message: "\(resource.kind) \(resource.name) would be rejected by ValidatingAdmissionPolicy "
                            + "\(name) (binding \(binding.name)): \(reason)"))
                }
            }
        }
        return CheckOutcome(evaluated: evaluated.count, findings: findings)
    }

    static func compile(_ resource: Resource) throws(CELParseError) -> Policy {
        let spec = resource.spec
        var policy = Policy(resource: resource, failOnError: spec["failurePolicy"]?.string != "Ignore",
                            constraints: spec["matchConstraints"] ?? .map([:]))
        for v in spec["variables"]?.items ?? [] {
            guard let name = v["name"]?.string, let source = v["expression"]?.string else { continue }
            policy.variables.append((name, try CELProgram(source)))
        }
        for c in spec["matchConditions"]?.items ?? [] {
            guard let source = c["expression"]?.string else { continue }
            policy.conditions.append((c["name"]?.string ?? source, try CELProgram(source)))
        }
        for v in spec["validations"]?.items ?? [] {
            guard let source = v["expression"]?.string else { continue }
            let messageProgram = try v["messageExpression"]?.string.map { (s) throws(CELParseError) in try CELProgram(s) }
            policy.validations.append((source, try CELProgram(source), v["message"]?.string, messageProgram))
        }
        return policy
    }

    /// Why the API server would reject `resource`, or nil when it would admit it.
    static func check(_ policy: Policy, _ resource: Resource, namespaceObject: CELValue, params: CELValue) -> String? {
        var request = CELMap()
        request.insert(.string("operation"), .string("CREATE"))
        request.insert(.string("name"), .string(resource.name))
        request.insert(.string("namespace"), resource.namespace.map(CELValue.string) ?? .string(""))
        var kind = CELMap()
        kind.insert(.string("group"), .string(resource.id.group))
        kind.insert(.string("version"), .string(resource.apiVersion.split(separator: "/").last.map(String.init) ?? ""))
        kind.insert(.string("kind"), .string(resource.kind))
        request.insert(.string("kind"), .map(kind))
        var variables: [String: CELValue] = [
            "object": CELValue(resource.body), "oldObject": .null, "request": .map(request),
            "params": params, "namespaceObject": namespaceObject,
        ]
        // Variables are lazy in Kubernetes: one that fails only matters where it is used (then as a
        // missing key).
        var values = CELMap()
        for v in policy.variables {
            variables["variables"] = .map(values)
            if let value = try? v.program.evaluate(variables) { values.insert(.string(v.name), value) }
        }
        variables["variables"] = .map(values)
        for condition in policy.conditions {
            do {
                guard case .bool(true) = try condition.program.evaluate(variables) else { return nil }
            } catch {
                return policy.failOnError ? "match condition \(condition.name) failed: \(error.message)" : nil
            }
        }
        for validation in policy.validations {
            do {
                let result = try validation.program.evaluate(variables)
                if case .bool(true) = result { continue }
                if let program = validation.messageProgram, case .string(let text)? = try? program.evaluate(variables) {
                    return text
                }
                return validation.message ?? "failed expression: \(validation.source)"
            } catch {
                if policy.failOnError { return "expression \(validation.source) could not be evaluated: \(error.message)" }
            }
        }
        return nil
    }

    /// The parameter object a binding's `paramRef` names (by name, in its namespace or the object's), or null.
    static func params(_ binding: Resource, _ policy: Policy, _ resource: Resource, index: SnapshotIndex) -> CELValue {
        guard let kind = policy.resource.spec.at("paramKind.kind")?.string,
              let name = binding.body.at("spec.paramRef.name")?.string else { return .null }
        let namespace = binding.body.at("spec.paramRef.namespace")?.string ?? resource.namespace
        let found = index.resources(ofKind: kind).first { $0.name == name && ($0.namespace == nil || $0.namespace == namespace) }
        return found.map { CELValue($0.body) } ?? .null
    }

    /// Whether `match` (a policy's matchConstraints or a binding's matchResources) selects `resource`.
    static func matches(_ match: Value, _ resource: Resource, index: SnapshotIndex, requireRules: Bool) -> Bool {
        let rules = match["resourceRules"]?.items ?? []
        if rules.isEmpty {
            if requireRules { return false }
        } else if !rules.contains(where: { ruleMatches($0, resource) }) {
            return false
        }
        if (match["excludeResourceRules"]?.items ?? []).contains(where: { ruleMatches($0, resource) }) { return false }
        if let selector = match["objectSelector"] {
            guard let parsed = try? LabelSelector.parse(selector), parsed.matches(resource.labels) else { return false }
        }
        if let selector = match["namespaceSelector"] {
            guard let parsed = try? LabelSelector.parse(selector) else { return false }
            if resource.kind == "Namespace" {
                if !parsed.matches(resource.labels) { return false }
            } else if resource.namespace != nil, !parsed.matches(index.namespaceLabels(resource.namespace)) {
                return false
            }
        }
        return true
    }

    static func ruleMatches(_ rule: Value, _ resource: Resource) -> Bool {
        func covers(_ key: String, _ value: String) -> Bool {
            let list = rule[key]?.stringList ?? []
            return list.contains("*") || list.contains(value)
        }
        let version = resource.apiVersion.split(separator: "/").last.map(String.init) ?? resource.apiVersion
        let operations = rule["operations"]?.stringList ?? []
        guard covers("apiGroups", resource.id.group), covers("apiVersions", version),
              operations.contains("*") || operations.contains("CREATE") || operations.contains("UPDATE") else { return false }
        let resources = rule["resources"]?.stringList ?? []
        let plural = Self.plural(resource.kind)
        guard resources.contains("*") || resources.contains("*/*") || resources.contains(plural) else { return false }
        if let names = rule["resourceNames"]?.stringList, !names.isEmpty, !names.contains(resource.name) { return false }
        return true
    }

    /// The API resource name of a kind: `Deployment` → `deployments`, `NetworkPolicy` → `networkpolicies`.
    static func plural(_ kind: String) -> String {
        let lower = kind.lowercased()
        if lower == "endpoints" { return lower }
        if lower.hasSuffix("y"), let before = lower.dropLast().last, !"aeiou".contains(before) {
            return lower.dropLast() + "ies"
        }
        if lower.hasSuffix("s") || lower.hasSuffix("x") || lower.hasSuffix("ch") || lower.hasSuffix("sh") {
            return lower + "es"
        }
        return lower + "s"
    }
}
