import EvidentCore

/// From image-scan results: fails for every running container whose image has no scan, or whose newest
/// scan is older than `max_scan_age_days` (or undated). Needs-evidence without scan input.
struct ImageScanCoverage: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "image-scan-coverage",
        title: "Every running image has a recent scan",
        summary: """
            Fails for each running container whose image matches no scan report (by digest, then by name and \
            tag), or whose newest scan is more than max_scan_age_days old (default 7) or carries no date. \
            Needs-evidence without --scan.
            """,
        parameters: [
            EvaluatorParameter("max_scan_age_days", "how many days old the newest scan of a running image may be"),
            EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked"),
        ],
        examples: [
            .passing("scanned yesterday", ImageVulnerabilities.pod, parameters: ["max_scan_age_days": .int(7)],
                     scans: [ScanExamples.trivy(image: ImageVulnerabilities.image)]),
            .failing("one image unscanned, one scanned too long ago", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: web, image: "registry.example.com/shop/web:2.0"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: batch, namespace: shop}
                spec:
                  containers:
                  - {name: batch, image: "registry.example.com/shop/batch:1.0"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: fresh, namespace: shop}
                spec:
                  containers:
                  - {name: api, image: "registry.example.com/shop/api:1.4.2"}
                """, failing: ["Deployment shop/web", "Pod shop/batch"], parameters: ["max_scan_age_days": .int(7)],
                scans: [ScanExamples.grype(image: "registry.example.com/shop/batch:1.0", scannedAt: "2026-06-01T00:00:00Z"),
                        ScanExamples.trivy(image: "registry.example.com/shop/api:1.4.2",
                                           digest: String(repeating: "c", count: 64))]),
            .undecided("no scan input", ImageVulnerabilities.pod, status: .needsEvidence),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        guard let set = context.scans else { return .needsEvidence(ImageScans.noScans) }
        let scans = ImageScans.Lookup(set)
        let maxAge = context.parameters.int("max_scan_age_days") ?? 7
        return try PodSpecDriver.run(context) { pod in
            pod.containers.compactMap { container -> Violation? in
                guard !container.image.isEmpty else { return nil }
                let path = container.path + ".image"
                guard let scan = scans.scan(for: container, in: pod) else {
                    return Violation(path: path, observed: "no scan", expected: "a scan at most \(maxAge) days old",
                                     message: "no scan report covers \(container.image) (container \(container.name))",
                                     image: container.image)
                }
                guard let at = scan.scannedAt else {
                    return Violation(path: path, observed: "undated scan", expected: "a scan at most \(maxAge) days old",
                                     message: "the \(ImageScans.origin(scan)) for \(container.image) carries no scan date",
                                     image: container.image)
                }
                let age = ImageScans.days(from: at, to: context.now)
                guard age > maxAge else { return nil }
                return Violation(path: path, observed: "scanned \(age) days ago", expected: "at most \(maxAge) days",
                                 message: "the newest scan of \(container.image) (container \(container.name)) is \(age) days old "
                                    + "(\(ImageScans.origin(scan)))", image: container.image)
            }
        }
    }
}
