import Foundation

/// A vulnerability severity as scanners report it. Ordered: unknown < negligible < low < medium < high <
/// critical.
public enum VulnerabilitySeverity: String, Sendable, Hashable, Comparable, CaseIterable {
    case unknown, negligible, low, medium, high, critical

    /// Reads Trivy's `CRITICAL` and Grype's `Critical` alike; nil for a word that is no severity.
    public init?(scannerWord: String) {
        self.init(rawValue: scannerWord.lowercased())
    }

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: VulnerabilitySeverity, b: VulnerabilitySeverity) -> Bool { a.rank < b.rank }
}

/// Whether a package belongs to the operating system layer or to an application (language packages).
public enum PackageClass: String, Sendable, Hashable {
    case os
    case application
}

/// One known vulnerability of one installed package.
public struct ScanVulnerability: Sendable, Hashable {
    /// `CVE-2024-0727`, `GHSA-...`.
    public var id: String
    public var package: String
    public var installedVersion: String
    /// The first version that fixes it, when the scanner knows one.
    public var fixedVersion: String?
    public var severity: VulnerabilitySeverity
    public var packageClass: PackageClass
    /// Where the package was found: `alpine 3.19.1`, `app/package-lock.json`.
    public var target: String

    public init(id: String, package: String, installedVersion: String, fixedVersion: String?,
                severity: VulnerabilitySeverity, packageClass: PackageClass, target: String) {
        self.id = id
        self.package = package
        self.installedVersion = installedVersion
        self.fixedVersion = fixedVersion
        self.severity = severity
        self.packageClass = packageClass
        self.target = target
    }

    /// Whether a fixed version exists.
    public var isFixable: Bool { !(fixedVersion ?? "").isEmpty }
}

/// A secret the scanner found in an image. The matched text is never kept: only where and which rule.
public struct ScanSecret: Sendable, Hashable {
    public var rule: String
    public var title: String?
    public var severity: VulnerabilitySeverity
    /// The file inside the image.
    public var file: String
    public var line: Int?

    public init(rule: String, title: String?, severity: VulnerabilitySeverity, file: String, line: Int?) {
        self.rule = rule
        self.title = title
        self.severity = severity
        self.file = file
        self.line = line
    }
}

/// An installed package (Trivy lists them with `--list-all-pkgs`).
public struct ScanPackage: Sendable, Hashable {
    public var name: String
    public var version: String
    public var packageClass: PackageClass

    public init(name: String, version: String, packageClass: PackageClass) {
        self.name = name
        self.version = version
        self.packageClass = packageClass
    }
}

/// The results of one image scan (one Trivy or Grype JSON report), reduced to what checks read.
public struct ImageScan: Sendable, Hashable {
    public enum Scanner: String, Sendable, Hashable { case trivy, grype }

    public var scanner: Scanner
    /// The report file, for evidence.
    public var source: SourceLocation
    /// The image as the scanner was given it: `registry.example.com/shop/api:1.4.2`.
    public var image: String
    /// Further names of the image (repo tags).
    public var tags: [String]
    /// Digests that identify the image, `sha256:<hex>`: manifest (repo) digests and the image (config) id.
    public var digests: [String]
    /// When the scan ran, when the report says.
    public var scannedAt: Date?
    /// When the image was built (the image config's `created`).
    public var imageCreated: Date?
    /// The image config's `User`; empty when the image sets none (it then runs as root); nil when unknown.
    public var user: String?
    public var vulnerabilities: [ScanVulnerability]
    public var secrets: [ScanSecret]
    /// Installed packages; nil when the report does not list them (Grype, Trivy without --list-all-pkgs).
    public var packages: [ScanPackage]?

    public init(scanner: Scanner, source: SourceLocation, image: String, tags: [String] = [], digests: [String] = [],
                scannedAt: Date? = nil, imageCreated: Date? = nil, user: String? = nil,
                vulnerabilities: [ScanVulnerability] = [], secrets: [ScanSecret] = [], packages: [ScanPackage]? = nil) {
        self.scanner = scanner
        self.source = source
        self.image = image
        self.tags = tags
        self.digests = digests
        self.scannedAt = scannedAt
        self.imageCreated = imageCreated
        self.user = user
        self.vulnerabilities = vulnerabilities
        self.secrets = secrets
        self.packages = packages
    }

    /// Every package name the report shows as installed: the package list, plus vulnerable packages.
    public var installedPackageNames: Set<String> {
        Set((packages ?? []).map(\.name) + vulnerabilities.map(\.package))
    }

    /// `sha256:<hex>` from anything that ends in a digest (`repo@sha256:...`, `docker-pullable://...@sha256:...`).
    public static func digest(in text: String) -> String? {
        guard let range = text.range(of: "sha256:", options: .backwards) else { return nil }
        let hex = text[range.upperBound...]
        guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else { return nil }
        return "sha256:" + hex.lowercased()
    }
}

/// Every scan report given to a run. Scans of the same image by several reports all count.
public struct ScanSet: Sendable, Hashable {
    public var scans: [ImageScan]

    public init(_ scans: [ImageScan]) { self.scans = scans }

    /// Scans whose digests include `digest` (`sha256:<hex>`).
    public func scans(withDigest digest: String) -> [ImageScan] {
        scans.filter { $0.digests.contains(digest) }
    }
}
