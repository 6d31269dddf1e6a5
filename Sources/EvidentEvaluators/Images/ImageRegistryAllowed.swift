import EvidentCore

/// Passes when every container image (init and ephemeral included) comes from an entry of
/// `allowed_registries`, matched by prefix at a path boundary on the normalised reference; fails for each
/// container whose image is outside the list or cannot be parsed. Unset `allowed_registries` means
/// needs-evidence.
struct ImageRegistryAllowed: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "image-registry-allowed",
        title: "Images come from approved registries",
        summary: """
            Fails for every container whose image is not under an entry of allowed_registries (a registry or \
            repository prefix, matched at a path boundary; images without a registry are docker.io/library/...).
            """,
        parameters: [
            EvaluatorParameter("allowed_registries", "approved registries or repository prefixes", required: true),
            EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked"),
        ],
        examples: [
            .passing("images from an approved registry and an approved repository prefix", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    spec:
                      initContainers:
                      - {name: migrate, image: "registry.example.com/shop/migrate:2.0"}
                      containers:
                      - {name: app, image: "ghcr.io/example/web@sha256:\(String(repeating: "a", count: 64))"}
                """, parameters: ["allowed_registries": .list([.string("registry.example.com"),
                                                               .string("ghcr.io/example")])]),
            .failing("look-alike repository, Docker Hub image and another port", """
                apiVersion: v1
                kind: Pod
                metadata: {name: evil, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: "ghcr.io/example-evil/app:1.0"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: hub, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: "nginx:1.25"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: port, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: "registry.example.com:5000/shop/app:1"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: ok, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: "ghcr.io/example/app:1.0"}
                """, failing: ["Pod shop/evil", "Pod shop/hub", "Pod shop/port"],
                parameters: ["allowed_registries": .list([.string("registry.example.com"),
                                                          .string("ghcr.io/example")])]),
            .passing("Docker Hub aliases and official images", """
                apiVersion: v1
                kind: Pod
                metadata: {name: tools, namespace: ops}
                spec:
                  containers:
                  - {name: a, image: "nginx:1.25"}
                  - {name: b, image: "index.docker.io/library/redis:7"}
                  - {name: c, image: "registry-1.docker.io/bitnami/kubectl:1.30"}
                """, parameters: ["allowed_registries": .list([.string("docker.io")])]),
            .undecided("no allow-list configured", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: "nginx:1.25"}
                """, status: .needsEvidence),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        guard let entries = context.parameters.stringListOrSingle("allowed_registries") else {
            return .needsEvidence("allowed_registries is not set")
        }
        let check = Check(allowed: RegistryPrefixList(entries))
        return try PodSpecDriver.run(context) { check.violations(in: $0, parameters: context.parameters) }
    }

    /// The pod-spec pass, with the allow-list parsed once.
    struct Check: Sendable {
        let allowed: RegistryPrefixList


        func violations(in pod: PodSpecContext, parameters: Parameters) -> [Violation] {
            pod.containers.compactMap { container in
                guard !container.image.isEmpty else { return nil }
                guard let reference = container.imageReference else {
                    return Violation(
                        path: container.path + ".image", observed: container.image, expected: "an allowed registry",
                        message: "container \(container.name) has an image reference that cannot be parsed",
                        image: container.image)
                }
                guard !allowed.matches(reference) else { return nil }
                return Violation(
                    path: container.path + ".image", observed: container.image, expected: "an allowed registry",
                    message: "container \(container.name) runs \(reference.normalised), which is not from an "
                        + "approved registry", image: container.image)
            }
        }
    }
}
