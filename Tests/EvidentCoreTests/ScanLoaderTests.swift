import EvidentCore
import Foundation
import Testing

/// Trivy and Grype JSON reports, from fixture files written in each tool's documented output format.
@Suite("Image-scan reports")
struct ScanLoaderTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("EvidentCLITests/Fixtures/scans")

    func load(_ name: String) throws -> ImageScan {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
        return try ScanLoader.load(data, path: name)
    }

    func loadError(_ text: String) -> LoadError? {
        do {
            _ = try ScanLoader.load(Data(text.utf8), path: "bad.json")
            return nil
        } catch {
            return error
        }
    }

    @Test func trivyReport() throws {
        let scan = try load("trivy-web.json")
        #expect(scan.scanner == .trivy)
        #expect(scan.image == "registry.example.com/shop/web:1.4.2")
        #expect(scan.digests == ["sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                                 "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"])
        #expect(scan.scannedAt.map(Timestamp.format) == "2026-11-26T09:14:03Z")
        #expect(scan.imageCreated.map(Timestamp.format) == "2026-10-02T16:40:11Z")
        #expect(scan.user == "10001")
        #expect(scan.packages?.map(\.name) == ["busybox", "libcrypto3", "musl"])
        let critical = try #require(scan.vulnerabilities.first { $0.severity == .critical })
        #expect(critical.id == "CVE-2024-5535" && critical.package == "libcrypto3")
        #expect(critical.installedVersion == "3.1.4-r5" && critical.fixedVersion == "3.1.6-r0")
        #expect(critical.packageClass == .os)
        #expect(scan.vulnerabilities.first { $0.package == "express" }?.packageClass == .application)
        #expect(scan.secrets == [ScanSecret(rule: "aws-access-key-id", title: "AWS Access Key ID", severity: .critical,
                                            file: "/app/.env", line: 2)])
        // The matched text is never kept.
        #expect(!String(describing: scan).contains("AWS_ACCESS_KEY_ID="))
    }

    @Test func grypeReport() throws {
        let scan = try load("grype-worker.json")
        #expect(scan.scanner == .grype)
        #expect(scan.image == "registry.example.com/shop/worker:2.0.1")
        #expect(scan.digests.count == 2)
        #expect(scan.scannedAt.map(Timestamp.format) == "2026-11-25T21:05:41Z")
        #expect(scan.imageCreated.map(Timestamp.format) == "2025-01-15T08:00:00Z")
        #expect(scan.user == "")
        #expect(scan.packages == nil)
        let expat = try #require(scan.vulnerabilities.first { $0.package == "expat" })
        #expect(expat.id == "CVE-2024-45491" && expat.severity == .critical && expat.fixedVersion == "2.6.3-r0")
        #expect(expat.packageClass == .os)
        let npm = try #require(scan.vulnerabilities.first { $0.package == "path-to-regexp" })
        #expect(npm.fixedVersion == nil && !npm.isFixable && npm.packageClass == .application && npm.severity == .high)
    }

    @Test func grypeSourceSchemesAreDropped() throws {
        let scan = try ScanLoader.load(Data("""
            {"matches": [], "source": {"type": "image", "target": {"userInput": "registry:registry.example.com/x:1"}},
             "descriptor": {"name": "grype", "timestamp": "2026-11-25T22:05:41.113245+01:00"}}
            """.utf8), path: "g.json")
        #expect(scan.image == "registry.example.com/x:1")
    }

    @Test func malformedReportsAreLocated() {
        let syntax = loadError("{\n  \"SchemaVersion\": 2,\n  \"Results\": [\n}")
        #expect(syntax?.location.line == 4)
        let wrongType = loadError("""
            {"SchemaVersion": 2, "ArtifactName": "x:1", "ArtifactType": "container_image",
             "Results": [{"Target": "t", "Class": "os-pkgs", "Vulnerabilities": [
               {"VulnerabilityID": "CVE-1", "PkgName": "p", "Severity": 5}]}]}
            """)
        #expect(wrongType?.message.contains("Results[0].Vulnerabilities[0].Severity") == true)
        #expect(wrongType?.location.file == "bad.json")
        let severity = loadError("""
            {"matches": [{"vulnerability": {"id": "CVE-1", "severity": "Dire"}, "artifact": {"name": "p"}}],
             "source": {"type": "image", "target": {"userInput": "x:1"}}}
            """)
        #expect(severity?.message.contains("matches[0].vulnerability.severity") == true)
        #expect(loadError("{\"kind\": \"Pod\"}")?.message.contains("not a Trivy or Grype") == true)
        #expect(loadError("""
            {"SchemaVersion": 2, "ArtifactName": ".", "ArtifactType": "filesystem", "Results": []}
            """)?.message.contains("filesystem") == true)
        #expect(loadError("""
            {"SchemaVersion": 2, "ArtifactType": "container_image", "Results": []}
            """)?.message.contains("ArtifactName") == true)
    }

    @Test func digestsAreFoundInImageIDs() {
        let hex = String(repeating: "ab", count: 32)
        #expect(ImageScan.digest(in: "docker-pullable://registry.example.com/x@sha256:\(hex)") == "sha256:\(hex)")
        #expect(ImageScan.digest(in: "sha256:\(hex)") == "sha256:\(hex)")
        #expect(ImageScan.digest(in: "registry.example.com/x:1") == nil)
    }
}
