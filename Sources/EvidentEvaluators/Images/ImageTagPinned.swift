import EvidentCore

/// Passes when every container image (init and ephemeral included) names a tag other than `latest`, or is
/// pinned by digest; fails for each image without a tag, tagged `latest`, or whose reference cannot be parsed.
struct ImageTagPinned: PodSpecEvaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "image-tag-pinned",
        title: "Images use immutable, versioned names",
        summary: """
            Fails for every container whose image has no tag or the tag latest; an image pinned by digest \
            (name@sha256:...) passes even without a tag.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked")],
        examples: [
            .passing("versioned tags and a digest without a tag", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: app, image: "registry.example.com/shop/web:1.4.2"}
                      - {name: proxy, image: "localhost:5000/envoy@sha256:\(String(repeating: "b", count: 64))"}
                """),
            .failing("no tag, latest, and a registry port mistaken for a tag", """
                apiVersion: v1
                kind: Pod
                metadata: {name: untagged, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: "registry.example.com:5000/shop/web"}
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: report, namespace: shop}
                spec:
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          containers:
                          - {name: report, image: "ghcr.io/example/report:latest"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: pinned, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: "nginx:1.25.3"}
                """, failing: ["Pod shop/untagged", "CronJob shop/report"]),
        ])

    func violations(in pod: PodSpecContext, parameters: Parameters) -> [Violation] {
        pod.containers.compactMap { container in
            guard !container.image.isEmpty else { return nil }
            let path = container.path + ".image"
            guard let reference = container.imageReference else {
                return Violation(path: path, observed: container.image, expected: "a version tag or a digest",
                                 message: "container \(container.name) has an image reference that cannot be parsed",
                                 image: container.image)
            }
            if reference.digest != nil { return nil }
            guard let tag = reference.tag else {
                return Violation(path: path, observed: container.image, expected: "a version tag or a digest",
                                 message: "container \(container.name) runs an image without a tag, which means "
                                     + "whatever latest points to when the node pulls it", image: container.image)
            }
            guard tag == "latest" else { return nil }
            return Violation(path: path, observed: container.image, expected: "a version tag or a digest",
                             message: "container \(container.name) runs an image tagged latest, which changes "
                                 + "without the workload changing", image: container.image)
        }
    }
}
