import EvidentCore

/// From image-scan results: fails for every running container whose image was built more than
/// `max_image_age_days` ago (the image config's creation date). Needs-evidence without scan input.
struct ImageAge: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "image-age",
        title: "Running images are recently built",
        summary: """
            Fails for each running container whose image config (from the scan report) was created more than \
            max_image_age_days ago (default 90). Images without a creation date, or dated at the Unix epoch \
            (reproducible builds), are skipped. Needs-evidence without --scan.
            """,
        parameters: [
            EvaluatorParameter("max_image_age_days", "how many days old a running image may be"),
            EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked"),
        ],
        examples: [
            .passing("built seven weeks ago", ImageVulnerabilities.pod, parameters: ["max_image_age_days": .int(90)],
                     scans: [ScanExamples.trivy(image: ImageVulnerabilities.image, created: "2026-08-01T10:00:00Z")]),
            .failing("built two years ago", ImageVulnerabilities.pod, failing: ["Pod shop/api"],
                     parameters: ["max_image_age_days": .int(90)],
                     scans: [ScanExamples.grype(image: ImageVulnerabilities.image, created: "2024-09-01T10:00:00Z")]),
            .undecided("no scan input", ImageVulnerabilities.pod, status: .needsEvidence),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        guard let set = context.scans else { return .needsEvidence(ImageScans.noScans) }
        let scans = ImageScans.Lookup(set)
        let maxAge = context.parameters.int("max_image_age_days") ?? 90
        return try PodSpecDriver.run(context) { pod in
            pod.containers.compactMap { container -> Violation? in
                guard !container.image.isEmpty, let scan = scans.scan(for: container, in: pod),
                      let created = scan.imageCreated, created.timeIntervalSince1970 > 86_400 else { return nil }
                let age = ImageScans.days(from: created, to: context.now)
                guard age > maxAge else { return nil }
                return Violation(
                    path: container.path + ".image", observed: "built \(age) days ago (\(Timestamp.format(created)))",
                    expected: "at most \(maxAge) days old",
                    message: "\(container.image) (container \(container.name)) was built \(age) days ago, more than "
                        + "\(maxAge) (\(ImageScans.origin(scan)))",
                    image: container.image)
            }
        }
    }
}
