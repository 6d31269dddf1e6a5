import EvidentCore

/// Passes when no ConfigMap outside `exempt_namespaces` has a data key matching `secret_name_pattern` or a
/// value holding a PEM private key; fails for each such key. Values are never reported.
struct ConfigMapSecrets: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "configmap-secrets",
        title: "ConfigMaps hold no secrets",
        summary: """
            Fails for every ConfigMap data key whose name matches secret_name_pattern, or whose value contains a \
            PEM private key (-----BEGIN ... PRIVATE KEY-----); secrets belong in Secrets.
            """,
        parameters: [
            SecretNamePattern.descriptorParameter,
            EvaluatorParameter("exempt_namespaces", "namespaces whose ConfigMaps are not checked"),
        ],
        examples: [
            .passing("settings and a CA certificate", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: shop}
                data:
                  LOG_LEVEL: info
                  ca.crt: |
                    -----BEGIN CERTIFICATE-----
                    MIIB
                    -----END CERTIFICATE-----
                """),
            .failing("a secret-looking key and a private key under an innocent name", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app-config, namespace: shop}
                data:
                  db.password: hunter2
                  LOG_LEVEL: info
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: tls, namespace: shop}
                data:
                  server.pem: |
                    -----BEGIN RSA PRIVATE KEY-----
                    MIIE
                    -----END RSA PRIVATE KEY-----
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: legacy, namespace: ops}
                data: {API_TOKEN: abc}
                """, failing: ["ConfigMap shop/app-config", "ConfigMap shop/tls"],
                parameters: ["exempt_namespaces": .list([.string("ops")])]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let pattern = try SecretNamePattern(context.parameters)
        var evaluated = 0
        var findings: [Finding] = []
        for map in context.index.resources(ofKind: "ConfigMap") where !context.parameters.isExempt(map.namespace) {
            evaluated += 1
            let data = map.body["data"]?.map ?? [:]
            for key in data.keys.sorted() {
                if let text = data[key]?.string, SecretNamePattern.containsPrivateKey(text) {
                    findings.append(Finding(
                        on: map, path: "data.\(key)", observed: "a private key", expected: "no private keys",
                        message: "ConfigMap \(map.name) holds a private key under \(key); keep it in a Secret"))
                } else if pattern.matches(key) {
                    findings.append(Finding(
                        on: map, path: "data.\(key)", observed: "a secret-looking key",
                        expected: "no secret-looking keys",
                        message: "ConfigMap \(map.name) has a secret-looking key \(key); keep secrets in a Secret"))
                }
            }
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }
}

extension ConfigMapSecrets {
    static func validate(_ parameters: Parameters) throws(EvaluationError) {
        _ = try SecretNamePattern(parameters)
    }
}
