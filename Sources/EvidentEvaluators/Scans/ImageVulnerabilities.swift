import EvidentCore

/// From image-scan results: fails for every running container whose image carries a known vulnerability at
/// or above `vulnerability_severity_threshold` (only fixable ones when `vulnerability_only_fixable`), in
/// the package class that `vulnerability_class` selects. Needs-evidence without scan input.
struct ImageVulnerabilities: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "image-vulnerabilities",
        title: "Running images carry no vulnerability at or above the threshold",
        summary: """
            Fails for each running container whose image's newest scan reports a vulnerability at or above \
            vulnerability_severity_threshold (default high; only fixable ones when vulnerability_only_fixable), \
            in os packages, application packages or both (vulnerability_class: os, application, all). Images \
            without a scan are left to image-scan-coverage. Needs-evidence without --scan.
            """,
        parameters: [
            EvaluatorParameter("vulnerability_severity_threshold", "lowest severity that fails: low, medium, high, critical"),
            EvaluatorParameter("vulnerability_only_fixable", "whether only vulnerabilities with a fixed version count"),
            EvaluatorParameter("vulnerability_class", "os, application or all (default all)"),
            EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked"),
        ],
        examples: [
            .passing("only a low vulnerability", pod, parameters: ["vulnerability_severity_threshold": .string("high")],
                     scans: [ScanExamples.trivy(image: image, vulnerabilities: [
                        .init(id: "CVE-2024-0001", package: "busybox", installed: "1.36.1-r15", fixed: nil, severity: "LOW"),
                     ])]),
            .failing("a critical vulnerability (Trivy, matched by the pod's imageID)", pod, failing: ["Pod shop/api"],
                     parameters: ["vulnerability_severity_threshold": .string("high")],
                     scans: [ScanExamples.trivy(image: "registry.example.com/shop/api:renamed", vulnerabilities: [
                        .init(id: "CVE-2024-0727", package: "openssl", installed: "3.1.4-r5", fixed: "3.1.4-r6", severity: "CRITICAL"),
                     ])]),
            .failing("a high vulnerability (Grype, matched by name and tag)", podWithoutStatus, failing: ["Pod shop/api"],
                     parameters: ["vulnerability_severity_threshold": .string("high")],
                     scans: [ScanExamples.grype(image: image, digest: String(repeating: "b", count: 64), vulnerabilities: [
                        .init(id: "CVE-2024-1111", package: "zlib", installed: "1.3-r2", fixed: "1.3.1-r0", severity: "High"),
                     ])]),
            .passing("only fixable count, and the critical one has no fix", pod,
                     parameters: ["vulnerability_severity_threshold": .string("high"), "vulnerability_only_fixable": .bool(true)],
                     scans: [ScanExamples.trivy(image: image, vulnerabilities: [
                        .init(id: "CVE-2024-2222", package: "musl", installed: "1.2.4-r2", fixed: nil, severity: "CRITICAL"),
                     ])]),
            .failing("application packages only", pod, failing: ["Pod shop/api"],
                     parameters: ["vulnerability_severity_threshold": .string("medium"), "vulnerability_class": .string("application")],
                     scans: [ScanExamples.trivy(image: image, vulnerabilities: [
                        .init(id: "CVE-2024-3333", package: "busybox", installed: "1.36.1-r15", fixed: "1.36.1-r16", severity: "CRITICAL"),
                        .init(id: "GHSA-abcd-1234-wxyz", package: "express", installed: "4.17.1", fixed: "4.19.2", severity: "MEDIUM",
                              lang: true),
                     ])]),
            .undecided("no scan input", pod, status: .needsEvidence),
        ])

    static let image = "registry.example.com/shop/api:1.4.2"
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: api, namespace: shop}
        spec:
          containers:
          - {name: api, image: "\(image)"}
        status:
          containerStatuses:
          - name: api
            image: "\(image)"
            imageID: "registry.example.com/shop/api@sha256:\(ScanExamples.digest)"
        """
    static let podWithoutStatus = """
        apiVersion: v1
        kind: Pod
        metadata: {name: api, namespace: shop}
        spec:
          containers:
          - {name: api, image: "\(image)"}
        """

    static func validate(_ parameters: Parameters) throws(EvaluationError) {
        _ = try threshold(parameters)
        _ = try packageClass(parameters)
    }

    static func threshold(_ parameters: Parameters) throws(EvaluationError) -> VulnerabilitySeverity {
        guard let word = parameters.string("vulnerability_severity_threshold") else { return .high }
        guard let s = VulnerabilitySeverity(scannerWord: word), s != .unknown else {
            throw EvaluationError("vulnerability_severity_threshold '\(word)' is not one of negligible, low, medium, high, critical")
        }
        return s
    }

    static func packageClass(_ parameters: Parameters) throws(EvaluationError) -> PackageClass? {
        switch parameters.string("vulnerability_class") ?? "all" {
        case "all": return nil
        case "os": return .os
        case "application": return .application
        case let other: throw EvaluationError("vulnerability_class '\(other)' is not one of os, application, all")
        }
    }

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        guard let set = context.scans else { return .needsEvidence(ImageScans.noScans) }
        let scans = ImageScans.Lookup(set)
        let threshold = try Self.threshold(context.parameters)
        let onlyFixable = context.parameters.bool("vulnerability_only_fixable") ?? false
        let wanted = try Self.packageClass(context.parameters)
        return try PodSpecDriver.run(context) { pod in
            var out: [Violation] = []
            for container in pod.containers where !container.image.isEmpty {
                guard let scan = scans.scan(for: container, in: pod) else { continue }
                var seen: Set<String> = []
                let hits = scan.vulnerabilities.filter { v in
                    v.severity >= threshold && (!onlyFixable || v.isFixable) && (wanted == nil || v.packageClass == wanted)
                        && seen.insert("\(v.id)|\(v.package)|\(v.installedVersion)").inserted
                }.sorted { ($1.severity, $0.id, $0.package) < ($0.severity, $1.id, $1.package) }
                for v in hits {
                    let fix = v.fixedVersion.map { "fixed in \($0)" } ?? "no fixed version yet"
                    out.append(Violation(
                        path: container.path + ".image",
                        observed: "\(v.id) (\(v.severity.rawValue)) in \(v.package) \(v.installedVersion)",
                        expected: v.fixedVersion.map { "\(v.package) \($0) or later" } ?? "below \(threshold.rawValue)",
                        message: "container \(container.name) runs \(container.image) with \(v.id) (\(v.severity.rawValue)) "
                            + "in \(v.package) \(v.installedVersion), \(fix) (\(ImageScans.origin(scan)))",
                        image: container.image))
                }
            }
            return out
        }
    }
}
