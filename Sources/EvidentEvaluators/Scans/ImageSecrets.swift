import EvidentCore

/// From image-scan results: fails for every running container whose image holds a secret the scanner found.
/// Evidence names the file, line and rule only, never the secret. Needs-evidence without scan input.
struct ImageSecrets: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "image-secrets",
        title: "Running images hold no embedded secrets",
        summary: """
            Fails for each running container whose image's scan report lists a secret (Trivy's secret \
            scanner); the evidence names the file, line and rule, never the secret. Needs-evidence without \
            --scan.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked")],
        examples: [
            .passing("no secret found", ImageVulnerabilities.pod,
                     scans: [ScanExamples.trivy(image: ImageVulnerabilities.image)]),
            .failing("an AWS key in a config file", ImageVulnerabilities.pod, failing: ["Pod shop/api"],
                     scans: [ScanExamples.trivy(image: ImageVulnerabilities.image,
                                                secrets: [(rule: "aws-access-key-id", file: "/app/config.env", line: 3)])]),
            .undecided("no scan input", ImageVulnerabilities.pod, status: .needsEvidence),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        guard let set = context.scans else { return .needsEvidence(ImageScans.noScans) }
        let scans = ImageScans.Lookup(set)
        return try PodSpecDriver.run(context) { pod in
            var out: [Violation] = []
            for container in pod.containers where !container.image.isEmpty {
                guard let scan = scans.scan(for: container, in: pod) else { continue }
                for s in scan.secrets {
                    let place = s.file + (s.line.map { ":\($0)" } ?? "")
                    out.append(Violation(
                        path: container.path + ".image", observed: "rule \(s.rule) in \(place)", expected: "no secret in the image",
                        message: "\(container.image) (container \(container.name)) holds a secret: \(s.title ?? s.rule) "
                            + "(rule \(s.rule)) in \(place) (\(ImageScans.origin(scan)))",
                        image: container.image))
                }
            }
            return out
        }
    }
}
