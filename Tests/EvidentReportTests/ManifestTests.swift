import EvidentCore
@testable import EvidentReport
import Foundation
import Testing

@Suite("Evidence manifest")
struct ManifestTests {
    static let reports = [ManifestEntry(file: "results.json", sha256: String(repeating: "a", count: 64), bytes: 10),
                          ManifestEntry(file: "report.html", sha256: String(repeating: "b", count: 64), bytes: 20)]

    @Test("the fixture renders to the recorded manifest")
    func golden() {
        Support.golden("manifest.json", ReportRenderer.manifest(Fixtures.auditResult(), reports: Self.reports))
    }

    @Test("inputs, reports (by file name), versions and snapshot time; deterministic")
    func content() throws {
        let text = ReportRenderer.manifest(Fixtures.auditResult(), reports: Self.reports)
        #expect(text == ReportRenderer.manifest(Fixtures.auditResult(), reports: Self.reports.reversed()))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let reports = try #require(doc["reports"] as? [[String: Any]])
        #expect(reports.map { $0["file"] as? String } == ["report.html", "results.json"])
        let inputs = try #require(doc["inputs"] as? [[String: Any]])
        #expect(inputs.count == Fixtures.auditResult().inputs.count)
        #expect(inputs.first?["sha256"] as? String == Digest.sha256(Data("cluster".utf8)))
        #expect(doc["snapshotTime"] as? String == "2026-10-31T17:00:00Z")
        #expect((doc["tool"] as? [String: Any])?["version"] as? String == "0.1.0")
        #expect((doc["catalogs"] as? [[String: Any]])?.count == 2)
    }
}

@Suite("Manifest signatures")
struct ManifestSignatureTests {
    @Test("sign and verify round trip; another key, changed bytes or a bad signature fail")
    func roundTrip() throws {
        let pair = ManifestSignature.generate()
        let other = ManifestSignature.generate()
        let manifest = Data(ReportRenderer.manifest(Fixtures.auditResult(), reports: ManifestTests.reports).utf8)
        let signature = try ManifestSignature.sign(manifest, privateKey: pair.privateKey)
        #expect(try ManifestSignature.verify(manifest, signature: signature, publicKey: pair.publicKey))
        #expect(try ManifestSignature.publicKey(ofPrivate: pair.privateKey) == pair.publicKey)
        #expect(try !ManifestSignature.verify(manifest, signature: signature, publicKey: other.publicKey))
        var changed = manifest
        changed[changed.count / 2] ^= 1
        #expect(try !ManifestSignature.verify(changed, signature: signature, publicKey: pair.publicKey))
        #expect(try !ManifestSignature.verify(manifest, signature: "not base64!", publicKey: pair.publicKey))
        #expect(throws: ManifestSignature.Problem.self) { try ManifestSignature.sign(manifest, privateKey: "short") }
        // Base64 keys work as well as hex.
        let base64 = Data(ManifestSignature.keyBytes(pair.publicKey) ?? []).base64EncodedString()
        #expect(try ManifestSignature.verify(manifest, signature: signature, publicKey: base64))
    }
}
