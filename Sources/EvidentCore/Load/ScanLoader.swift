import Foundation

/// Reads image-scan reports: Trivy JSON (`trivy image --format json`, schema version 2) and Grype JSON
/// (`grype -o json`). Bytes in, `ImageScan` out; a file that is neither, or whose fields have the wrong
/// shape, is a `LoadError` naming the file and the JSON path of the offending field.
public enum ScanLoader {
    /// Loads one report. `path` is the name used in errors and evidence.
    public static func load(_ data: Data, path: String) throws(LoadError) -> ImageScan {
        let read: Result<[JSONReader.Document], LoadError> = data.withUnsafeBytes { raw in
            do throws(LoadError) { return .success(try JSONReader.read(raw, file: path)) } catch { return .failure(error) }
        }
        let documents = try read.get()
        let at = SourceLocation(file: path, line: documents.first?.line ?? 1)
        guard documents.count == 1, let root = documents.first?.value, root.map != nil else {
            throw LoadError("an image-scan report must be one JSON object", at: at,
                            hint: "give the output of `trivy image --format json` or `grype -o json`")
        }
        let reader = Fields(file: path, at: at)
        if root["SchemaVersion"] != nil || root["Results"] != nil || root["ArtifactName"] != nil {
            return try trivy(root, reader)
        }
        if root["matches"] != nil, root["source"] != nil || root["descriptor"] != nil {
            return try grype(root, reader)
        }
        throw LoadError("not a Trivy or Grype JSON report (no Results/ArtifactName nor matches/source)", at: at,
                        hint: "give the output of `trivy image --format json` or `grype -o json`")
    }

    // MARK: Trivy

    static func trivy(_ root: Value, _ f: Fields) throws(LoadError) -> ImageScan {
        if let version = try f.int(root, "SchemaVersion"), version != 2 {
            throw f.error("SchemaVersion \(version) is not supported (Trivy writes 2)")
        }
        if let type = try f.string(root, "ArtifactType"), type != "container_image" {
            throw f.error("ArtifactType is \(type): only container image scans can be matched to running containers",
                          hint: "scan the image with `trivy image --format json IMAGE`")
        }
        guard let image = try f.string(root, "ArtifactName"), !image.isEmpty else {
            throw f.error("ArtifactName is missing: the report does not say which image it scanned")
        }
        let metadata = try f.map(root, "Metadata") ?? .map([:])
        var digests: [String] = []
        for (i, d) in try f.strings(metadata, "Metadata.RepoDigests", key: "RepoDigests").enumerated() {
            guard let digest = ImageScan.digest(in: d) else { throw f.error("Metadata.RepoDigests[\(i)] holds no sha256 digest: \(d)") }
            digests.append(digest)
        }
        if let id = try f.string(metadata, "ImageID", path: "Metadata.ImageID"), let digest = ImageScan.digest(in: id) {
            digests.append(digest)
        }
        let tags = try f.strings(metadata, "Metadata.RepoTags", key: "RepoTags")
        let config = try f.map(metadata, "ImageConfig", path: "Metadata.ImageConfig")
        let (created, user) = try imageConfig(config, f, path: "Metadata.ImageConfig")

        var vulnerabilities: [ScanVulnerability] = []
        var secrets: [ScanSecret] = []
        var packages: [ScanPackage] = []
        var listsPackages = false
        for (r, result) in try f.list(root, "Results").enumerated() {
            let p = "Results[\(r)]"
            guard result.map != nil else { throw f.error("\(p) is not an object") }
            let target = try f.string(result, "Target", path: p + ".Target") ?? ""
            let resultClass = try f.string(result, "Class", path: p + ".Class") ?? ""
            let packageClass: PackageClass = resultClass == "os-pkgs" ? .os : .application
            for (i, v) in try f.list(result, "Vulnerabilities", path: p + ".Vulnerabilities").enumerated() {
                let vp = "\(p).Vulnerabilities[\(i)]"
                guard let id = try f.string(v, "VulnerabilityID", path: vp + ".VulnerabilityID"),
                      let package = try f.string(v, "PkgName", path: vp + ".PkgName") else {
                    throw f.error("\(vp) lacks VulnerabilityID or PkgName")
                }
                let word = try f.string(v, "Severity", path: vp + ".Severity") ?? "UNKNOWN"
                guard let severity = VulnerabilitySeverity(scannerWord: word) else {
                    throw f.error("\(vp).Severity: unknown severity '\(word)'")
                }
                let fixed = try f.string(v, "FixedVersion", path: vp + ".FixedVersion")
                vulnerabilities.append(ScanVulnerability(
                    id: id, package: package, installedVersion: try f.string(v, "InstalledVersion", path: vp + ".InstalledVersion") ?? "",
                    fixedVersion: fixed?.isEmpty == false ? fixed : nil, severity: severity, packageClass: packageClass,
                    target: target))
            }
            if result["Packages"] != nil { listsPackages = true }
            for (i, pkg) in try f.list(result, "Packages", path: p + ".Packages").enumerated() {
                let pp = "\(p).Packages[\(i)]"
                guard let name = try f.string(pkg, "Name", path: pp + ".Name") else { throw f.error("\(pp) lacks Name") }
                packages.append(ScanPackage(name: name, version: try f.string(pkg, "Version", path: pp + ".Version") ?? "",
                                            packageClass: packageClass))
            }
            for (i, s) in try f.list(result, "Secrets", path: p + ".Secrets").enumerated() {
                let sp = "\(p).Secrets[\(i)]"
                guard let rule = try f.string(s, "RuleID", path: sp + ".RuleID") else { throw f.error("\(sp) lacks RuleID") }
                let word = try f.string(s, "Severity", path: sp + ".Severity") ?? "UNKNOWN"
                // Match and Code hold the secret itself: they are never read.
                secrets.append(ScanSecret(rule: rule, title: try f.string(s, "Title", path: sp + ".Title"),
                                          severity: VulnerabilitySeverity(scannerWord: word) ?? .unknown, file: target,
                                          line: try f.int(s, "StartLine", path: sp + ".StartLine")))
            }
        }
        let scannedAt = try f.time(root, "CreatedAt")
        return ImageScan(scanner: .trivy, source: f.at, image: image, tags: tags, digests: unique(digests),
                         scannedAt: scannedAt, imageCreated: created, user: user, vulnerabilities: vulnerabilities,
                         secrets: secrets, packages: listsPackages ? packages : nil)
    }

    /// `created` and `config.User` of an OCI image config.
    static func imageConfig(_ config: Value?, _ f: Fields, path: String) throws(LoadError) -> (Date?, String?) {
        guard let config else { return (nil, nil) }
        let created = try f.time(config, "created", path: path + ".created")
        let inner = try f.map(config, "config", path: path + ".config")
        let user = try inner.map { v throws(LoadError) in try f.string(v, "User", path: path + ".config.User") ?? "" }
        return (created, user)
    }

    // MARK: Grype

    static func grype(_ root: Value, _ f: Fields) throws(LoadError) -> ImageScan {
        guard let source = try f.map(root, "source") else { throw f.error("source is missing: the report does not say what it scanned") }
        if let type = try f.string(source, "type", path: "source.type"), type != "image" {
            throw f.error("source.type is \(type): only image scans can be matched to running containers",
                          hint: "scan the image with `grype IMAGE -o json`")
        }
        guard let target = try f.map(source, "target", path: "source.target"),
              let userInput = try f.string(target, "userInput", path: "source.target.userInput"), !userInput.isEmpty else {
            throw f.error("source.target.userInput is missing: the report does not say which image it scanned")
        }
        // Grype keeps the source scheme the user typed (`docker:nginx:1.27`, `registry:...`).
        var image = userInput
        for scheme in ["docker:", "podman:", "registry:", "containerd:"] where image.hasPrefix(scheme) {
            image = String(image.dropFirst(scheme.count))
        }
        var digests: [String] = []
        for d in try f.strings(target, "source.target.repoDigests", key: "repoDigests") {
            if let digest = ImageScan.digest(in: d) { digests.append(digest) }
        }
        for key in ["manifestDigest", "imageID"] {
            if let text = try f.string(target, key, path: "source.target." + key), let digest = ImageScan.digest(in: text) {
                digests.append(digest)
            }
        }
        var created: Date?, user: String?
        if let encoded = try f.string(target, "config", path: "source.target.config"), !encoded.isEmpty {
            guard let data = Data(base64Encoded: encoded) else { throw f.error("source.target.config is not base64") }
            let read: Result<[JSONReader.Document], LoadError> = data.withUnsafeBytes { raw in
                do throws(LoadError) { return .success(try JSONReader.read(raw, file: f.file)) } catch { return .failure(error) }
            }
            guard case .success(let docs) = read, docs.count == 1, let config = docs.first?.value, config.map != nil else {
                throw f.error("source.target.config does not hold an image config (base64 JSON)")
            }
            (created, user) = try imageConfig(config, f, path: "source.target.config")
        }
        var vulnerabilities: [ScanVulnerability] = []
        for (i, match) in try f.list(root, "matches").enumerated() {
            let p = "matches[\(i)]"
            guard let v = try f.map(match, "vulnerability", path: p + ".vulnerability"),
                  let artifact = try f.map(match, "artifact", path: p + ".artifact"),
                  let id = try f.string(v, "id", path: p + ".vulnerability.id"),
                  let package = try f.string(artifact, "name", path: p + ".artifact.name") else {
                throw f.error("\(p) lacks vulnerability.id or artifact.name")
            }
            let word = try f.string(v, "severity", path: p + ".vulnerability.severity") ?? "Unknown"
            guard let severity = VulnerabilitySeverity(scannerWord: word) else {
                throw f.error("\(p).vulnerability.severity: unknown severity '\(word)'")
            }
            var fixed: String?
            if let fix = try f.map(v, "fix", path: p + ".vulnerability.fix"),
               try f.string(fix, "state", path: p + ".vulnerability.fix.state") == "fixed" {
                fixed = try f.strings(fix, p + ".vulnerability.fix.versions", key: "versions").first
            }
            let type = try f.string(artifact, "type", path: p + ".artifact.type") ?? ""
            let osTypes: Set<String> = ["apk", "deb", "rpm", "alpm", "portage", "linux-kernel"]
            let location = (try f.list(artifact, "locations", path: p + ".artifact.locations")).first?["path"]?.string
            vulnerabilities.append(ScanVulnerability(
                id: id, package: package, installedVersion: try f.string(artifact, "version", path: p + ".artifact.version") ?? "",
                fixedVersion: fixed, severity: severity, packageClass: osTypes.contains(type) ? .os : .application,
                target: location ?? type))
        }
        let descriptor = try f.map(root, "descriptor")
        let scannedAt = try descriptor.flatMap { d throws(LoadError) in try f.time(d, "timestamp", path: "descriptor.timestamp") }
        return ImageScan(scanner: .grype, source: f.at, image: image,
                         tags: try f.strings(target, "source.target.tags", key: "tags"), digests: unique(digests),
                         scannedAt: scannedAt, imageCreated: created, user: user, vulnerabilities: vulnerabilities,
                         secrets: [], packages: nil)
    }

    static func unique(_ items: [String]) -> [String] {
        var seen: Set<String> = []
        return items.filter { seen.insert($0).inserted }
    }

    /// Typed field access that names the JSON path of a field of the wrong type.
    struct Fields {
        let file: String
        let at: SourceLocation

        func error(_ message: String, hint: String? = nil) -> LoadError {
            LoadError("image-scan report: \(message)", at: at, hint: hint)
        }

        private func wrong(_ path: String, _ expected: String, _ value: Value) -> LoadError {
            error("\(path): expected \(expected), found \(value.display.prefix(40))")
        }

        func string(_ v: Value, _ key: String, path: String? = nil) throws(LoadError) -> String? {
            guard let value = v[key], !value.isNull else { return nil }
            guard let s = value.string else { throw wrong(path ?? key, "a string", value) }
            return s
        }

        func int(_ v: Value, _ key: String, path: String? = nil) throws(LoadError) -> Int? {
            guard let value = v[key], !value.isNull else { return nil }
            guard let i = value.int else { throw wrong(path ?? key, "an integer", value) }
            return i
        }

        func map(_ v: Value, _ key: String, path: String? = nil) throws(LoadError) -> Value? {
            guard let value = v[key], !value.isNull else { return nil }
            guard value.map != nil else { throw wrong(path ?? key, "an object", value) }
            return value
        }

        func list(_ v: Value, _ key: String, path: String? = nil) throws(LoadError) -> [Value] {
            guard let value = v[key], !value.isNull else { return [] }
            guard let l = value.list else { throw wrong(path ?? key, "a list", value) }
            return l
        }

        func strings(_ v: Value, _ path: String, key: String) throws(LoadError) -> [String] {
            var out: [String] = []
            for (i, item) in try list(v, key, path: path).enumerated() {
                guard let s = item.string else { throw wrong("\(path)[\(i)]", "a string", item) }
                out.append(s)
            }
            return out
        }

        func time(_ v: Value, _ key: String, path: String? = nil) throws(LoadError) -> Date? {
            guard let text = try string(v, key, path: path), !text.isEmpty else { return nil }
            guard let date = Timestamp.parse(text) else { throw error("\(path ?? key): not an RFC 3339 time: \(text)") }
            return date
        }
    }
}
