import EvidentCore

/// When `require_image_digests` is true: passes when every container image (init and ephemeral included)
/// carries an `@sha256:` digest, and fails for each image that does not. When the parameter is false or
/// unset the check is not applicable.
struct ImageDigestPinned: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "image-digest-pinned",
        title: "Images are pinned by digest",
        summary: """
            When require_image_digests is true, fails for every container whose image is not pinned with \
            @sha256:<64 hex digits>; not applicable when require_image_digests is false or unset.
            """,
        parameters: [
            EvaluatorParameter("require_image_digests", "whether every image must be pinned by sha256 digest"),
            EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked"),
        ],
        examples: [
            .passing("every image pinned by digest", """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: data}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: db, image: "registry.example.com/postgres:16@sha256:\(digest)"}
                      - {name: exporter, image: "ghcr.io/example/exporter@sha256:\(digest)"}
                """, parameters: ["require_image_digests": .bool(true)]),
            .failing("tag only, and a digest of another algorithm", """
                apiVersion: v1
                kind: Pod
                metadata: {name: tagged, namespace: data}
                spec:
                  containers:
                  - {name: app, image: "registry.example.com/app:1.0"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: sha512, namespace: data}
                spec:
                  containers:
                  - {name: app, image: "registry.example.com/app@sha512:\(digest)\(digest)"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: pinned, namespace: data}
                spec:
                  containers:
                  - {name: app, image: "registry.example.com/app@sha256:\(digest)"}
                """, failing: ["Pod data/tagged", "Pod data/sha512"],
                parameters: ["require_image_digests": .bool(true)]),
            .undecided("digests not required", """
                apiVersion: v1
                kind: Pod
                metadata: {name: tagged, namespace: data}
                spec:
                  containers:
                  - {name: app, image: "registry.example.com/app:1.0"}
                """, status: .notApplicable, parameters: ["require_image_digests": .bool(false)]),
        ])

    private static let digest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        guard context.parameters.bool("require_image_digests") == true else {
            return .notApplicable("require_image_digests is false")
        }
        return try PodSpecDriver.run(context) { Check().violations(in: $0, parameters: context.parameters) }
    }

    /// Whether `digest` (without the `@`) is `sha256:` followed by 64 lower-case hex digits.
    static func isSHA256(_ digest: String) -> Bool {
        guard digest.hasPrefix("sha256:") else { return false }
        let hex = digest.dropFirst("sha256:".count)
        return hex.count == 64 && hex.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// The pod-spec pass, run only when digests are required.
    struct Check: Sendable {

        func violations(in pod: PodSpecContext, parameters: Parameters) -> [Violation] {
            pod.containers.compactMap { container in
                guard !container.image.isEmpty else { return nil }
                if let digest = container.imageReference?.digest, ImageDigestPinned.isSHA256(digest) { return nil }
                return Violation(
                    path: container.path + ".image", observed: container.image, expected: "@sha256:<digest>",
                    message: "container \(container.name) runs an image that is not pinned by a sha256 digest",
                    image: container.image)
            }
        }
    }
}
