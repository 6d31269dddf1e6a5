import EvidentCEL
import EvidentCore

/// A custom check written in CEL: `expression` must be true for every resource of the listed `kinds`.
/// The expression sees `object` (the resource), `namespaceObject` (its Namespace, or null) and `params`
/// (the resolved parameters), the names ValidatingAdmissionPolicy uses. False is a finding; an evaluation
/// error (a missing key, a type mismatch) is an error finding, so the control becomes `error`, never a pass.
struct CELExpression: Evaluator {
    /// The arguments that configure the check itself; every other parameter reaches the expression as `params`.
    static let ownParameters: Set<String> = ["expression", "kinds", "message"]

    static let descriptor = EvaluatorDescriptor(
        id: "cel",
        title: "A custom check written in CEL",
        summary: """
            Evaluates the CEL `expression` on every resource of the listed `kinds` (outside exempt_namespaces), \
            with the variables object, namespaceObject and params. Fails for each resource on which it is false; \
            an evaluation error (missing key, wrong type) makes the check error, never pass.
            """,
        parameters: [
            EvaluatorParameter("expression", "CEL expression that must be true for a resource to pass", required: true),
            EvaluatorParameter("kinds", "kinds of resource to check, e.g. [Deployment, StatefulSet]", required: true),
            EvaluatorParameter("message", "text of the finding when the expression is false"),
            EvaluatorParameter("exempt_namespaces", "namespaces whose resources are not checked"),
        ],
        examples: [
            .passing("every Deployment names its owning team", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop, labels: {team: payments}}
                spec:
                  template:
                    spec:
                      containers: [{name: app, image: registry.example.com/web:1}]
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: shop}
                """, parameters: [
                    "expression": .string("has(object.metadata.labels) && 'team' in object.metadata.labels"),
                    "kinds": .list([.string("Deployment"), .string("StatefulSet")]),
                ]),
            .failing("replicas above the parameter, and a namespace without an owner label", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {owner: web-team}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: scratch}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec: {replicas: 3}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: batch, namespace: shop}
                spec: {replicas: 12}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: tmp, namespace: scratch}
                spec: {replicas: 1}
                """, failing: ["Deployment shop/batch", "Deployment scratch/tmp"], parameters: [
                    "expression": .string("""
                        object.spec.replicas <= params.max_replicas
                          && namespaceObject != null && has(namespaceObject.metadata.labels)
                          && 'owner' in namespaceObject.metadata.labels
                        """),
                    "kinds": .list([.string("Deployment")]),
                    "max_replicas": .int(10),
                    "message": .string("needs at most max_replicas replicas and an owned namespace"),
                ]),
        ])

    /// Parse errors stop the plan or catalog from loading, with the line and column in the expression.
    static func validate(_ parameters: Parameters) throws(EvaluationError) {
        if let value = parameters["expression"] {
            guard let source = value.string, !source.isEmpty else {
                throw EvaluationError("expression must be a non-empty string of CEL")
            }
            _ = try CELCompile.program(source, what: "expression")
        }
        if let kinds = parameters["kinds"] {
            guard let list = kinds.list, !list.isEmpty, list.allSatisfy({ $0.string?.isEmpty == false }) else {
                throw EvaluationError("kinds must be a non-empty list of kind names, e.g. [Deployment, StatefulSet]")
            }
        }
        if let message = parameters["message"], message.string == nil {
            throw EvaluationError("message must be a string")
        }
    }

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let parameters = context.parameters
        guard let source = parameters.string("expression") else { throw EvaluationError("expression is not set") }
        let program = try CELCompile.program(source, what: "expression")
        guard let kinds = parameters.stringList("kinds"), !kinds.isEmpty else {
            throw EvaluationError("kinds must list the kinds of resource to check")
        }
        let params = CELValue(.map(ValueMap(parameters.values.filter { !Self.ownParameters.contains($0.key) })))
        // Each object is converted only as far as the expression can see it (most read a few fields).
        let objectUse = program.fieldUse(of: "object")
        var namespaceCache: [String: CELValue] = [:]
        var evaluated = 0
        var findings: [Finding] = []
        for kind in Set(kinds).sorted() {
            for resource in context.index.resources(ofKind: kind) where !parameters.isExempt(resource.namespace) {
                evaluated += 1
                var namespaceObject = CELValue.null
                if let ns = resource.namespace {
                    if let cached = namespaceCache[ns] {
                        namespaceObject = cached
                    } else {
                        namespaceObject = context.index.namespaces[ns].map { CELValue($0.body) } ?? .null
                        namespaceCache[ns] = namespaceObject
                    }
                }
                let variables = ["object": CELValue(resource.body, keeping: objectUse), "namespaceObject": namespaceObject,
                                 "params": params]
                do {
                    let result = try program.evaluate(variables)
                    switch result {
                    case .bool(true):
                        continue
                    case .bool(false):
                        findings.append(Finding(
                            on: resource, observed: "false", expected: source,
                            message: parameters.string("message").map { "\(kind) \(resource.name): \($0)" }
                                ?? "\(kind) \(resource.name) does not satisfy the CEL expression"))
                    default:
                        findings.append(errorFinding(resource, source, "the expression gave \(result.typeName), not bool"))
                    }
                } catch {
                    findings.append(errorFinding(resource, source, error.message))
                }
            }
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }

    private func errorFinding(_ resource: Resource, _ source: String, _ reason: String) -> Finding {
        var finding = Finding(on: resource, expected: source,
                              message: "\(resource.kind) \(resource.name): the CEL expression could not be evaluated: \(reason)")
        finding.status = .error
        return finding
    }
}
