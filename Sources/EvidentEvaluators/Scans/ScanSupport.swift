import EvidentCore
import Foundation

/// Matching image-scan reports to running containers, shared by the scan checks.
///
/// A container matches a scan by digest first: the digest in its image reference, or the `imageID` that
/// the kubelet reports for it in the pods' `containerStatuses`, against the scan's repo digests and image
/// id. Without a digest match it falls back to the normalised name and tag (`nginx` is
/// `docker.io/library/nginx:latest`); an image referenced by digest alone never matches by name.
enum ImageScans {
    static let noScans = "no image-scan results were given (evident audit --scan FILE, Trivy or Grype JSON)"

    /// The scans that cover `container`, newest first.
    static func scans(for container: ContainerRef, in pod: PodSpecContext, from set: ScanSet) -> [ImageScan] {
        Lookup(set).scans(for: container, in: pod)
    }

    /// The newest scan that covers `container`.
    static func scan(for container: ContainerRef, in pod: PodSpecContext, from set: ScanSet) -> ImageScan? {
        scans(for: container, in: pod, from: set).first
    }

    /// Scans indexed by digest and by normalised name, built once per check.
    struct Lookup: Sendable {
        private var byDigest: [String: [Int]] = [:]
        private var byName: [String: [Int]] = [:]
        private let scans: [ImageScan]

        init(_ set: ScanSet) {
            scans = set.scans
            for (i, scan) in set.scans.enumerated() {
                for d in Set(scan.digests) { byDigest[d, default: []].append(i) }
                for key in Set(([scan.image] + scan.tags).compactMap(ImageScans.nameKey)) { byName[key, default: []].append(i) }
            }
        }

        /// Positions in the scan set of the scans covering `container`, newest first (ties in input order).
        func indices(for container: ContainerRef, in pod: PodSpecContext) -> [Int] {
            var found = Set<Int>()
            for d in ImageScans.digests(of: container, in: pod) { found.formUnion(byDigest[d] ?? []) }
            if found.isEmpty, let key = ImageScans.nameKey(container.image) { found.formUnion(byName[key] ?? []) }
            let time = { (i: Int) in scans[i].scannedAt ?? .distantPast }
            return found.sorted { (time($1), $0) < (time($0), $1) }
        }

        func scans(for container: ContainerRef, in pod: PodSpecContext) -> [ImageScan] {
            indices(for: container, in: pod).map { scans[$0] }
        }

        func scan(for container: ContainerRef, in pod: PodSpecContext) -> ImageScan? { scans(for: container, in: pod).first }
    }

    /// Digests that identify what the container runs: its reference's digest and the kubelet's imageIDs.
    static func digests(of container: ContainerRef, in pod: PodSpecContext) -> Set<String> {
        var out: Set<String> = []
        if let d = ImageScan.digest(in: container.image) { out.insert(d) }
        let template = pod.template
        let pods = template.resource.kind == "Pod" ? [template.resource] : template.pods
        let statusList = container.list == "containers" ? "containerStatuses"
            : container.list == "initContainers" ? "initContainerStatuses" : "ephemeralContainerStatuses"
        for p in pods {
            for status in p.status[statusList]?.items ?? [] where status["name"]?.string == container.name {
                if let id = status["imageID"]?.string, let d = ImageScan.digest(in: id) { out.insert(d) }
            }
        }
        return out
    }

    /// `registry/repository:tag` (tag `latest` when none); nil for references by digest alone or malformed.
    static func nameKey(_ reference: String) -> String? {
        guard let ref = ImageReference(reference) else { return nil }
        if ref.tag == nil, ref.digest != nil { return nil }
        return ref.name + ":" + (ref.tag ?? "latest")
    }

    /// Whole days from `date` to `now` (negative when in the future).
    static func days(from date: Date, to now: Date) -> Int {
        Int((now.timeIntervalSince(date) / 86_400).rounded(.down))
    }

    /// `file` as evidence of where the scan came from.
    static func origin(_ scan: ImageScan) -> String { "\(scan.scanner.rawValue) report \(scan.source.file)" }
}

/// Scan reports in the scanners' own JSON formats, for the evaluators' examples. They follow Trivy's
/// schema version 2 (`trivy image --format json --list-all-pkgs`) and Grype's `-o json` output, reduced to
/// the members the loader reads and a few it ignores.
enum ScanExamples {
    static let digest = "4e2f1c9a7b3d5e6f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f"
    static let scannedAt = "2026-09-20T08:00:00.123456789Z"

    struct Vuln {
        var id: String, package: String, installed: String, fixed: String?, severity: String
        var lang: Bool = false
    }

    /// A Trivy image report.
    static func trivy(image: String, digest: String = digest, created: String = "2026-08-01T10:00:00Z",
                      user: String = "10001", vulnerabilities: [Vuln] = [], packages: [String]? = nil,
                      secrets: [(rule: String, file: String, line: Int)] = [], scannedAt: String = scannedAt) -> String {
        let repo = image.split(separator: ":").dropLast().joined(separator: ":")
        func vulnJSON(_ v: Vuln) -> String {
            """
            {"VulnerabilityID": "\(v.id)", "PkgID": "\(v.package)@\(v.installed)", "PkgName": "\(v.package)",
             "InstalledVersion": "\(v.installed)", \(v.fixed.map { "\"FixedVersion\": \"\($0)\", \"Status\": \"fixed\"," } ?? "\"Status\": \"affected\",")
             "SeveritySource": "nvd", "PrimaryURL": "https://avd.aquasec.com/nvd/\(v.id.lowercased())",
             "Title": "example", "Severity": "\(v.severity)"}
            """
        }
        let os = vulnerabilities.filter { !$0.lang }.map(vulnJSON).joined(separator: ",\n")
        let lang = vulnerabilities.filter(\.lang).map(vulnJSON).joined(separator: ",\n")
        let packageList = packages.map { names in
            ", \"Packages\": [" + names.map { "{\"ID\": \"\($0)@1.0\", \"Name\": \"\($0)\", \"Version\": \"1.0\"}" }
                .joined(separator: ", ") + "]"
        } ?? ""
        var results = ["""
            {"Target": "\(image) (alpine 3.19.1)", "Class": "os-pkgs", "Type": "alpine"\(packageList),
             "Vulnerabilities": [\(os)]}
            """]
        if !lang.isEmpty {
            results.append("""
                {"Target": "app/package-lock.json", "Class": "lang-pkgs", "Type": "npm", "Vulnerabilities": [\(lang)]}
                """)
        }
        for s in secrets {
            results.append("""
                {"Target": "\(s.file)", "Class": "secret", "Secrets": [{"RuleID": "\(s.rule)", "Category": "AWS",
                 "Severity": "CRITICAL", "Title": "AWS Access Key ID", "StartLine": \(s.line), "EndLine": \(s.line),
                 "Code": {"Lines": [{"Number": \(s.line), "Content": "AWS_ACCESS_KEY_ID=********", "IsCause": true}]},
                 "Match": "AWS_ACCESS_KEY_ID=********"}]}
                """)
        }
        return """
            {
              "SchemaVersion": 2,
              "CreatedAt": "\(scannedAt)",
              "ArtifactName": "\(image)",
              "ArtifactType": "container_image",
              "Metadata": {
                "OS": {"Family": "alpine", "Name": "3.19.1"},
                "ImageID": "sha256:\(String(digest.reversed()))",
                "DiffIDs": ["sha256:\(digest)"],
                "RepoTags": ["\(image)"],
                "RepoDigests": ["\(repo)@sha256:\(digest)"],
                "ImageConfig": {"architecture": "amd64", "created": "\(created)", "os": "linux",
                                "config": {"User": "\(user)", "Env": ["PATH=/usr/bin"]}}
              },
              "Results": [\(results.joined(separator: ",\n"))]
            }
            """
    }

    /// A Grype image report (its image config is base64 JSON, as Grype writes it).
    static func grype(image: String, digest: String = digest, created: String = "2026-08-01T10:00:00Z",
                      user: String = "10001", vulnerabilities: [Vuln] = [], scannedAt: String = scannedAt) -> String {
        let config = Data("{\"created\": \"\(created)\", \"config\": {\"User\": \"\(user)\"}}".utf8).base64EncodedString()
        let repo = image.split(separator: ":").dropLast().joined(separator: ":")
        let matches = vulnerabilities.map { v in
            """
            {"vulnerability": {"id": "\(v.id)", "dataSource": "https://nvd.nist.gov/vuln/detail/\(v.id)",
              "namespace": "alpine:distro:alpine:3.19", "severity": "\(v.severity)", "urls": [],
              "fix": {"versions": [\(v.fixed.map { "\"\($0)\"" } ?? "")], "state": "\(v.fixed == nil ? "not-fixed" : "fixed")"}},
             "relatedVulnerabilities": [], "matchDetails": [],
             "artifact": {"id": "a1", "name": "\(v.package)", "version": "\(v.installed)", "type": "\(v.lang ? "npm" : "apk")",
              "locations": [{"path": "/lib/apk/db/installed", "layerID": "sha256:\(digest)"}], "language": "",
              "licenses": [], "cpes": [], "purl": "pkg:apk/alpine/\(v.package)@\(v.installed)"}}
            """
        }
        return """
            {
              "matches": [\(matches.joined(separator: ",\n"))],
              "source": {"type": "image", "target": {"userInput": "\(image)", "imageID": "sha256:\(String(digest.reversed()))",
                "manifestDigest": "sha256:\(digest)", "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "tags": ["\(image)"], "imageSize": 7654321, "layers": [], "manifest": "", "config": "\(config)",
                "repoDigests": ["\(repo)@sha256:\(digest)"], "architecture": "amd64", "os": "linux"}},
              "distro": {"name": "alpine", "version": "3.19.1", "idLike": []},
              "descriptor": {"name": "grype", "version": "0.79.0", "timestamp": "\(scannedAt)"}
            }
            """
    }
}

/// Input hygiene for `--scan`: reports that match no container of the snapshot (a typo in the image name,
/// a scan of an image that no longer runs) are worth a warning, since they prove nothing.
public enum ScanDiagnostics {
    public static func unmatched(_ scans: ScanSet, in index: SnapshotIndex) -> [Diagnostic] {
        var matched = Set<Int>()
        let lookup = ImageScans.Lookup(scans)
        let templates = index.podTemplates + index.podTemplates.flatMap { $0.pods.map(PodTemplate.ofPod) }
        for template in templates {
            let pod = PodSpecContext(template: template, index: index)
            for container in pod.containers where !container.image.isEmpty {
                matched.formUnion(lookup.indices(for: container, in: pod))
            }
            if matched.count == scans.scans.count { break }
        }
        return scans.scans.enumerated().filter { !matched.contains($0.offset) }.map { _, scan in
            Diagnostic(.warning, "the \(scan.scanner.rawValue) report for \(scan.image) matches no container in the snapshot "
                       + "(by digest, name or tag)", at: scan.source)
        }
    }
}
