import EvidentCore

/// Fails for each Secret of type `kubernetes.io/service-account-token` outside `exempt_namespaces`: a
/// long-lived legacy token that never expires, where projected (TokenRequest) tokens should be used.
/// Passes when no such Secret exists. Only the Secret's type and annotations are read, never its data.
struct LegacySATokenSecrets: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "legacy-sa-token-secrets",
        title: "No long-lived service account token Secrets",
        summary: """
            Fails for every Secret of type kubernetes.io/service-account-token outside the exempt namespaces; \
            pods should get short-lived projected tokens instead.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose Secrets are not checked")],
        examples: [
            .passing("ordinary Secrets, and a legacy token in an exempt namespace", """
                apiVersion: v1
                kind: Secret
                metadata: {name: shop-tls, namespace: shop}
                type: kubernetes.io/tls
                data: {tls.crt: LS0tLS1CRUdJTg==, tls.key: LS0tLS1CRUdJTg==}
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: legacy-controller-token
                  namespace: kube-system
                  annotations: {kubernetes.io/service-account.name: legacy-controller}
                type: kubernetes.io/service-account-token
                """, parameters: ["exempt_namespaces": .list([.string("kube-system")])]),
            .failing("a legacy token for a CI account", """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: deployer-token
                  namespace: ci
                  annotations: {kubernetes.io/service-account.name: deployer}
                type: kubernetes.io/service-account-token
                data: {token: ZXlKaGJHY2lPaUpTVXpJMU5pSXNJbXRwWkNJNklp, ca.crt: LS0tLS1CRUdJTg==}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: db-credentials, namespace: ci}
                type: Opaque
                data: {password: c2VjcmV0}
                """, failing: ["Secret ci/deployer-token"]),
        ])

    static let tokenType = "kubernetes.io/service-account-token"

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        var evaluated = 0
        var findings: [Finding] = []
        for secret in context.index.resources(ofKind: "Secret") where !context.parameters.isExempt(secret.namespace) {
            evaluated += 1
            guard secret.body["type"]?.string == Self.tokenType else { continue }
            let account = secret.annotations["kubernetes.io/service-account.name"].map {
                "service account \(secret.namespace ?? "default")/\($0)"
            } ?? "a service account"
            findings.append(Finding(
                on: secret, path: "type", observed: Self.tokenType,
                expected: "projected service account tokens (no token Secret)",
                message: """
                    holds a long-lived, non-expiring API token for \(account); use short-lived projected tokens \
                    (TokenRequest) and delete this Secret
                    """))
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }
}
