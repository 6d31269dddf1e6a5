import EvidentCore

/// From image-scan results: fails for every running container whose image's configured user is root (or
/// unset) and whose security context does not run it as another user. Needs-evidence without scan input.
struct ImageUserNotRoot: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "image-user-not-root",
        title: "Images name a non-root user",
        summary: """
            Fails for each running container whose image config (from the scan report) sets no User, or root / \
            UID 0, unless the container or pod sets runAsUser to a non-zero UID or runAsNonRoot: true. Images \
            whose report holds no image config are skipped. Needs-evidence without --scan.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked")],
        examples: [
            .passing("the image runs as UID 10001", ImageVulnerabilities.pod,
                     scans: [ScanExamples.trivy(image: ImageVulnerabilities.image, user: "10001")]),
            .failing("the image sets no user; a second pod overrides it", """
                \(ImageVulnerabilities.pod)
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: api-nonroot, namespace: shop}
                spec:
                  securityContext: {runAsUser: 1000}
                  containers:
                  - {name: api, image: "\(ImageVulnerabilities.image)"}
                """, failing: ["Pod shop/api"], scans: [ScanExamples.grype(image: ImageVulnerabilities.image, user: "")]),
            .failing("root by name", ImageVulnerabilities.pod, failing: ["Pod shop/api"],
                     scans: [ScanExamples.trivy(image: ImageVulnerabilities.image, user: "root:root")]),
            .undecided("no scan input", ImageVulnerabilities.pod, status: .needsEvidence),
        ])

    static func isRoot(_ user: String) -> Bool {
        let name = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return name.isEmpty || name == "root" || name == "0"
    }

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        guard let set = context.scans else { return .needsEvidence(ImageScans.noScans) }
        let scans = ImageScans.Lookup(set)
        return try PodSpecDriver.run(context) { pod in
            pod.containers.compactMap { container -> Violation? in
                guard !container.image.isEmpty, !pod.isWindows,
                      let scan = scans.scan(for: container, in: pod), let user = scan.user,
                      Self.isRoot(user) else { return nil }
                if let uid = pod.effective("runAsUser", of: container)?.int, uid != 0 { return nil }
                if pod.effective("runAsNonRoot", of: container)?.bool == true { return nil }
                return Violation(
                    path: container.path + ".image", observed: user.isEmpty ? "no User (root)" : "User \(user)",
                    expected: "a non-root User in the image, or runAsUser > 0",
                    message: "\(container.image) (container \(container.name)) runs as root: its image config sets "
                        + (user.isEmpty ? "no user" : "User \(user)") + " and the pod does not override it",
                    image: container.image)
            }
        }
    }
}
