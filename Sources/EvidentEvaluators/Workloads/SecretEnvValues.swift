import EvidentCore

/// Passes when no container (init and ephemeral included) sets an env var whose name matches
/// `secret_name_pattern` to a literal `value`; fails for each such variable. Values are never reported.
struct SecretEnvValues: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "secret-env-values",
        title: "Secrets are not written into environment variables",
        summary: """
            Fails for every env var whose name matches secret_name_pattern (default: password, secret, token, \
            API key, private key, credential) and that carries a literal value instead of valueFrom.
            """,
        parameters: [
            SecretNamePattern.descriptorParameter,
            EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked"),
        ],
        examples: [
            .passing("secrets come from secretKeyRef; harmless names keep literal values", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - name: app
                        image: registry.example.com/api:1
                        env:
                        - {name: LOG_LEVEL, value: info}
                        - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
                        - {name: API_TOKEN, value: ""}
                """),
            .failing("literal password in an init container and a literal API key", """
                apiVersion: v1
                kind: Pod
                metadata: {name: migrate, namespace: shop}
                spec:
                  initContainers:
                  - name: init
                    image: registry.example.com/migrate:1
                    env: [{name: db_password, value: hunter2}]
                  containers:
                  - {name: app, image: registry.example.com/app:1}
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: sync, namespace: shop}
                spec:
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          containers:
                          - name: sync
                            image: registry.example.com/sync:1
                            env: [{name: STRIPE_API_KEY, value: sk_live_example}, {name: REGION, value: eu}]
                """, failing: ["Pod shop/migrate", "CronJob shop/sync"]),
            .failing("a custom pattern", """
                apiVersion: v1
                kind: Pod
                metadata: {name: app, namespace: shop}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/app:1
                    env: [{name: LICENSE_CODE, value: ABC-123}, {name: DB_PASSWORD, value: not-matched-here}]
                """, failing: ["Pod shop/app"], parameters: [SecretNamePattern.parameter: .string("(?i)license")]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let check = Check(pattern: try SecretNamePattern(context.parameters))
        return try PodSpecDriver.run(context) { check.violations(in: $0) }
    }

    /// The pod-spec pass, with the pattern compiled once.
    struct Check: Sendable {
        let pattern: SecretNamePattern

        func violations(in pod: PodSpecContext) -> [Violation] {
            pod.containers.flatMap { container in
                (container.value["env"]?.items ?? []).enumerated().compactMap { i, variable -> Violation? in
                    guard let name = variable["name"]?.string, pattern.matches(name),
                          let value = variable["value"], Self.isLiteral(value) else { return nil }
                    return Violation(
                        path: container.path + ".env[\(i)].value", observed: "a literal value",
                        expected: "valueFrom a Secret",
                        message: "container \(container.name) sets \(name) to a literal value instead of "
                            + "referencing a Secret", image: container.image)
                }
            }
        }

        /// A set value: anything but null and the empty string.
        static func isLiteral(_ value: Value) -> Bool {
            switch value {
            case .null: false
            case .string(let s): !s.isEmpty
            default: true
            }
        }
    }
}

extension SecretEnvValues {
    static func validate(_ parameters: Parameters) throws(EvaluationError) {
        _ = try SecretNamePattern(parameters)
    }
}
