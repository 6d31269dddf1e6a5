import EvidentCore
@testable import EvidentEvaluators
import Foundation
import Testing

@Suite("Workload check helpers")
struct WorkloadHelperTests {
    static func run(_ type: any Evaluator.Type, _ yaml: String, _ parameters: [String: Value] = [:])
        throws -> CheckOutcome {
        let snapshot = try SnapshotLoader.load(Data(yaml.utf8), path: "test.yaml")
        let context = EvaluationContext(index: SnapshotIndex(snapshot), parameters: Parameters(parameters),
                                        now: Date(timeIntervalSince1970: 0))
        return try type.init().evaluate(context)
    }

    static func fields(_ f: Finding) -> [String] {
        [f.path, f.observed, f.expected, f.message, f.image].compactMap { $0 }
    }

    @Test("secret values never reach a finding")
    func noSecretValues() throws {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: app, namespace: shop}
            spec:
              containers:
              - name: app
                image: registry.example.com/app:1
                env: [{name: DB_PASSWORD, value: s3cr3t-env-value}, {name: GITHUB_TOKEN, value: ghp_leakme}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cfg, namespace: shop}
            data:
              api_key: s3cr3t-cm-value
              id_rsa: |
                -----BEGIN OPENSSH PRIVATE KEY-----
                b3BlbnNzaC1rZXktdjEAAAAA
                -----END OPENSSH PRIVATE KEY-----
            """
        let env = try Self.run(SecretEnvValues.self, yaml)
        let maps = try Self.run(ConfigMapSecrets.self, yaml)
        #expect(env.findings.count == 2)
        #expect(maps.findings.count == 2)
        for finding in env.findings + maps.findings {
            for field in Self.fields(finding) {
                for secret in ["s3cr3t-env-value", "ghp_leakme", "s3cr3t-cm-value", "b3BlbnNzaC1rZXktdjEAAAAA", "BEGIN"] {
                    #expect(!field.contains(secret), "\(secret) leaked into \(field)")
                }
            }
        }
        #expect(Set(maps.findings.compactMap(\.observed)) == ["a private key", "a secret-looking key"])
        #expect(Set(maps.findings.compactMap(\.path)) == ["data.api_key", "data.id_rsa"])
    }

    @Test("an invalid secret_name_pattern is an error naming the parameter")
    func badPattern() {
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cfg, namespace: shop}
            data: {a: b}
            """
        for type in [SecretEnvValues.self, ConfigMapSecrets.self] as [any Evaluator.Type] {
            do {
                _ = try Self.run(type, yaml, ["secret_name_pattern": .string("(unclosed")])
                Issue.record("\(type.descriptor.id) accepted an invalid pattern")
            } catch let error as EvaluationError {
                #expect(error.message.contains("secret_name_pattern"))
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test("the default secret name pattern", arguments: [
        ("DB_PASSWORD", true), ("db_pass", true), ("GITHUB_TOKEN", true), ("apiKey", true), ("API_KEY", true),
        ("x-api-key", true), ("PRIVATE_KEY", true), ("AWS_CREDENTIALS", true), ("ClientSecret", true),
        ("LOG_LEVEL", false), ("HOST", false), ("KEYCLOAK_URL", false),
    ])
    func defaultPattern(_ name: String, _ expected: Bool) throws {
        #expect(try SecretNamePattern(Parameters()).matches(name) == expected)
    }

    @Test("PEM private key headers", arguments: [
        ("-----BEGIN PRIVATE KEY-----\nMII", true), ("x\n-----BEGIN RSA PRIVATE KEY-----", true),
        ("-----BEGIN ENCRYPTED PRIVATE KEY-----", true), ("-----BEGIN EC PRIVATE KEY-----", true),
        ("-----BEGIN CERTIFICATE-----\n-----BEGIN OPENSSH PRIVATE KEY-----", true),
        ("-----BEGIN CERTIFICATE-----", false), ("-----BEGIN PUBLIC KEY-----", false), ("PRIVATE KEY", false),
        ("-----BEGIN\nPRIVATE KEY-----", false), ("", false),
    ])
    func privateKeys(_ text: String, _ expected: Bool) {
        #expect(SecretNamePattern.containsPrivateKey(text) == expected)
    }

    @Test("host path normalisation", arguments: [
        ("/var/run/docker.sock/", "/var/run/docker.sock"), ("//var//run///docker.sock", "/var/run/docker.sock"),
        ("/var/./run/../run/docker.sock", "/var/run/docker.sock"), ("/", "/"), ("", "/"), ("/..", "/"),
        ("/etc/", "/etc"),
    ])
    func normalise(_ input: String, _ expected: String) {
        #expect(HostPaths.normalise(input) == expected)
    }

    @Test("sensitive host directories: equal, below or above; / only by itself", arguments: [
        ("/", "/"), ("/etc", "/etc"), ("/etc/ssl/certs", "/etc"), ("/var", "/var/run"), ("/var/lib", "/var/lib/kubelet"),
        ("/var/lib/docker/volumes", "/var/lib/docker"),
    ])
    func sensitive(_ path: String, _ expected: String) {
        #expect(HostPathVolumes.sensitiveDirectory(for: path) == expected)
    }

    @Test("ordinary host directories are not sensitive", arguments: ["/var/log", "/opt/tools", "/etcd", "/srv", "/runner"])
    func notSensitive(_ path: String) {
        #expect(HostPathVolumes.sensitiveDirectory(for: path) == nil)
    }
}
