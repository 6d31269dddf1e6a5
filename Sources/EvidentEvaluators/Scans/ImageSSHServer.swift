import EvidentCore

/// From image-scan results: fails for every running container whose image has an SSH server package
/// installed. Needs-evidence without scan input, or when no report lists installed packages.
struct ImageSSHServer: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "image-ssh-server",
        title: "Running images ship no SSH server",
        summary: """
            Fails for each running container whose image has an SSH server package installed (openssh-server, \
            openssh, dropbear, tinysshd), from the scan's package list (trivy --list-all-pkgs) or its vulnerable \
            packages. Needs-evidence without --scan, or when no report of a running image lists its packages.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked")],
        examples: [
            .passing("no SSH server among the packages", ImageVulnerabilities.pod,
                     scans: [ScanExamples.trivy(image: ImageVulnerabilities.image, packages: ["busybox", "musl", "openssh-client"])]),
            .failing("openssh-server installed", ImageVulnerabilities.pod, failing: ["Pod shop/api"],
                     scans: [ScanExamples.trivy(image: ImageVulnerabilities.image, packages: ["busybox", "openssh-server"])]),
            .undecided("the report lists no packages", ImageVulnerabilities.pod, status: .needsEvidence,
                       scans: [ScanExamples.grype(image: ImageVulnerabilities.image)]),
            .undecided("no scan input", ImageVulnerabilities.pod, status: .needsEvidence),
        ])

    static let serverPackages: Set<String> = ["openssh-server", "openssh", "dropbear", "dropbear-bin", "tinysshd"]

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        guard let set = context.scans else { return .needsEvidence(ImageScans.noScans) }
        let scans = ImageScans.Lookup(set)
        var inventoried = false
        let outcome = try PodSpecDriver.run(context) { pod in
            var out: [Violation] = []
            for container in pod.containers where !container.image.isEmpty {
                guard let scan = scans.scan(for: container, in: pod) else { continue }
                if scan.packages != nil { inventoried = true }
                let found = scan.installedPackageNames.intersection(Self.serverPackages).sorted()
                guard !found.isEmpty else { continue }
                out.append(Violation(
                    path: container.path + ".image", observed: found.joined(separator: ", "), expected: "no SSH server package",
                    message: "\(container.image) (container \(container.name)) has an SSH server installed: "
                        + "\(found.joined(separator: ", ")) (\(ImageScans.origin(scan)))",
                    image: container.image))
            }
            return out
        }
        if !inventoried && outcome.findings.isEmpty {
            return .needsEvidence("no scan report of a running image lists its installed packages (run trivy with --list-all-pkgs)")
        }
        return outcome
    }
}
