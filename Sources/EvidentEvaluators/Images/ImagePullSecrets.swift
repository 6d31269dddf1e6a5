import EvidentCore

/// Passes when every `imagePullSecrets` entry of a pod spec names a Secret of type
/// `kubernetes.io/dockerconfigjson` or `kubernetes.io/dockercfg` in the pod's namespace, and when every image
/// from a registry in `private_registries` runs in a pod that has a pull secret (its own or its
/// ServiceAccount's). Fails for each missing or mistyped pull secret and each private image without one.
/// Needs evidence when pods reference pull secrets but the inputs hold no Secrets at all.
struct ImagePullSecrets: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "image-pull-secrets",
        title: "Registry pulls authenticate with valid pull secrets",
        summary: """
            Fails for every imagePullSecrets entry that names no Secret of type kubernetes.io/dockerconfigjson \
            (or kubernetes.io/dockercfg) in the pod's namespace, and for every image from a registry in \
            private_registries whose pod and ServiceAccount name no pull secret.
            """,
        parameters: [
            EvaluatorParameter("private_registries", "registries or repository prefixes that need authentication"),
            EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked"),
        ],
        examples: [
            .passing("pull secrets exist with the right type; a private image uses its ServiceAccount's secret", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    spec:
                      imagePullSecrets: [{name: regcred}]
                      containers:
                      - {name: app, image: "registry.example.com/shop/web:1.0"}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: regcred, namespace: shop}
                type: kubernetes.io/dockerconfigjson
                data: {.dockerconfigjson: e30=}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: worker, namespace: shop}
                spec:
                  serviceAccountName: worker
                  containers:
                  - {name: app, image: "registry.example.com/shop/worker:1.0"}
                  - {name: public, image: "busybox:1.36"}
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: worker, namespace: shop}
                imagePullSecrets: [{name: legacy-cred}]
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: legacy-cred, namespace: shop}
                type: kubernetes.io/dockercfg
                """, parameters: ["private_registries": .list([.string("registry.example.com")])]),
            .failing("missing, mistyped and other-namespace pull secrets; a private image without any", """
                apiVersion: v1
                kind: Pod
                metadata: {name: missing, namespace: shop}
                spec:
                  imagePullSecrets: [{name: nope}]
                  containers:
                  - {name: app, image: "registry.example.com/shop/a:1.0"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: opaque, namespace: shop}
                spec:
                  imagePullSecrets: [{name: opaque-cred}]
                  containers:
                  - {name: app, image: "registry.example.com/shop/b:1.0"}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: opaque-cred, namespace: shop}
                type: Opaque
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: elsewhere, namespace: shop}
                spec:
                  imagePullSecrets: [{name: regcred}]
                  containers:
                  - {name: app, image: "registry.example.com/shop/c:1.0"}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: regcred, namespace: other}
                type: kubernetes.io/dockerconfigjson
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: app, image: "registry.example.com/shop/api:1.0"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: public, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: "nginx:1.25"}
                """, failing: ["Pod shop/missing", "Pod shop/opaque", "Pod shop/elsewhere", "Deployment shop/api"],
                parameters: ["private_registries": .list([.string("registry.example.com")])]),
            .passing("no pull secrets referenced and no private registries configured", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: "nginx:1.25"}
                """),
            .undecided("pull secrets referenced but the inputs hold no Secrets", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  imagePullSecrets: [{name: regcred}]
                  containers:
                  - {name: app, image: "registry.example.com/shop/web:1.0"}
                """, status: .needsEvidence),
        ])

    static let pullSecretTypes: Set<String> = ["kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg"]

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let index = context.index
        let parameters = context.parameters
        func references(_ spec: Value) -> Bool { !(spec["imagePullSecrets"]?.items ?? []).isEmpty }
        let referencesPullSecrets = index.podTemplates.contains { template in
            !parameters.isExempt(template.namespace)
                && (references(template.spec) || template.pods.contains { references($0.spec) })
        }
        if referencesPullSecrets, !index.has(kind: "Secret") {
            return .needsEvidence("pods reference imagePullSecrets, but the inputs hold no Secrets to check them")
        }
        var secretTypes: [String: String] = [:]
        for secret in index.resources(ofKind: "Secret") {
            secretTypes[Self.key(secret.namespace, secret.name)] = secret.body["type"]?.string ?? "Opaque"
        }
        var accountSecrets: [String: Int] = [:]
        for account in index.resources(ofKind: "ServiceAccount") {
            accountSecrets[Self.key(account.namespace, account.name)] =
                (account.body["imagePullSecrets"]?.items ?? []).count { !($0["name"]?.string ?? "").isEmpty }
        }
        let check = Check(
            secretTypes: secretTypes, accountSecrets: accountSecrets,
            privateRegistries: parameters.stringListOrSingle("private_registries").map(RegistryPrefixList.init))
        return try PodSpecDriver.run(context) { check.violations(in: $0, parameters: context.parameters) }
    }

    static func key(_ namespace: String?, _ name: String) -> String { (namespace ?? "default") + "/" + name }

    /// The pod-spec pass, with Secrets and ServiceAccounts indexed once.
    struct Check: Sendable {
        /// Secret type by `namespace/name`.
        let secretTypes: [String: String]
        /// Named pull secrets of each ServiceAccount by `namespace/name`.
        let accountSecrets: [String: Int]
        let privateRegistries: RegistryPrefixList?

        init(secretTypes: [String: String], accountSecrets: [String: Int], privateRegistries: RegistryPrefixList?) {
            self.secretTypes = secretTypes
            self.accountSecrets = accountSecrets
            self.privateRegistries = privateRegistries
        }

        func violations(in pod: PodSpecContext, parameters: Parameters) -> [Violation] {
            var out: [Violation] = []
            let namespace = pod.namespace ?? "default"
            let entries = pod.spec["imagePullSecrets"]?.items ?? []
            var named = 0
            for (i, entry) in entries.enumerated() {
                let path = "spec.imagePullSecrets[\(i)]"
                let expected = "a kubernetes.io/dockerconfigjson Secret"
                guard let name = entry["name"]?.string, !name.isEmpty else {
                    out.append(Violation(path: path, observed: "no name", expected: expected,
                                         message: "an imagePullSecrets entry names no Secret"))
                    continue
                }
                named += 1
                guard let type = secretTypes[ImagePullSecrets.key(namespace, name)] else {
                    out.append(Violation(
                        path: path, observed: "\(name): missing", expected: expected,
                        message: "image pull secret \(name) does not exist in namespace \(namespace)"))
                    continue
                }
                if !ImagePullSecrets.pullSecretTypes.contains(type) {
                    out.append(Violation(
                        path: path, observed: "\(name): \(type)", expected: expected,
                        message: "image pull secret \(name) has type \(type), not a registry credential type"))
                }
            }
            guard let privateRegistries else { return out }
            let account = pod.spec["serviceAccountName"]?.string ?? pod.spec["serviceAccount"]?.string ?? "default"
            let accountHasSecrets = (accountSecrets[ImagePullSecrets.key(namespace, account)] ?? 0) > 0
            guard named == 0, !accountHasSecrets else { return out }
            for container in pod.containers {
                guard let reference = container.imageReference, let registry = privateRegistries.match(reference)
                else { continue }
                out.append(Violation(
                    path: container.path + ".image", observed: container.image, expected: "an image pull secret",
                    message: "container \(container.name) pulls from private registry \(registry), but neither the "
                        + "pod nor its ServiceAccount \(account) names an image pull secret", image: container.image))
            }
            return out
        }
    }
}
