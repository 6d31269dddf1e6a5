@testable import EvidentCore
import Foundation
import Testing

@Suite("Plugin output redaction")
struct PluginRedactorTests {
    @Test("values a plugin was handed are redacted from what it writes back; other text stays")
    func redacts() throws {
        let index = try TestData.snapshot("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: shop, annotations: {example.com/token: tok-123456}}
            spec:
              containers:
              - name: app
                image: nginx
                env: [{name: PASSWORD, value: hunter2-secret}, {name: SHORT, value: abc}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cm, namespace: shop}
            data: {key.pem: "-----BEGIN PRIVATE KEY-----xyz"}
            """)
        let redactor = PluginRedactor(index.snapshot.resources)
        #expect(redactor.redact("request: hunter2-secret and tok-123456, web") == "request: [redacted] and [redacted], web")
        #expect(redactor.redact("pem -----BEGIN PRIVATE KEY-----xyz end") == "pem [redacted] end")
        #expect(redactor.redact("abc is too short to redact; nginx stays") == "abc is too short to redact; nginx stays")
        #expect(PluginRedactor([]).redact("hunter2-secret") == "hunter2-secret")
    }
}
