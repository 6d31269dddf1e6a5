@testable import EvidentEvaluators
import Testing

@Suite("Image references")
struct ImageReferenceTests {
    static let digest = "sha256:" + String(repeating: "a", count: 64)

    struct Case: Sendable, CustomTestStringConvertible {
        let input: String
        let registry: String
        let repository: String
        let tag: String?
        let digest: String?
        var testDescription: String { input }
    }

    static let cases: [Case] = [
        Case(input: "nginx", registry: "docker.io", repository: "library/nginx", tag: nil, digest: nil),
        Case(input: "nginx:1.25", registry: "docker.io", repository: "library/nginx", tag: "1.25", digest: nil),
        Case(input: "bitnami/redis:7", registry: "docker.io", repository: "bitnami/redis", tag: "7", digest: nil),
        Case(input: "docker.io/nginx", registry: "docker.io", repository: "library/nginx", tag: nil, digest: nil),
        Case(input: "index.docker.io/library/nginx:1", registry: "docker.io", repository: "library/nginx",
             tag: "1", digest: nil),
        Case(input: "registry-1.docker.io/bitnami/kubectl", registry: "docker.io", repository: "bitnami/kubectl",
             tag: nil, digest: nil),
        Case(input: "Docker.IO/library/nginx", registry: "docker.io", repository: "library/nginx", tag: nil,
             digest: nil),
        Case(input: "registry.example.com/x/y:1", registry: "registry.example.com", repository: "x/y", tag: "1",
             digest: nil),
        Case(input: "registry.example.com:5000/x/y", registry: "registry.example.com:5000", repository: "x/y",
             tag: nil, digest: nil),
        Case(input: "localhost/app:dev", registry: "localhost", repository: "app", tag: "dev", digest: nil),
        Case(input: "localhost:5000/app", registry: "localhost:5000", repository: "app", tag: nil, digest: nil),
        Case(input: "[fd00::1]:5000/app:2", registry: "[fd00::1]:5000", repository: "app", tag: "2", digest: nil),
        Case(input: "ghcr.io/example/app@" + digest, registry: "ghcr.io", repository: "example/app", tag: nil,
             digest: digest),
        Case(input: "ghcr.io/example/app:1.0@" + digest, registry: "ghcr.io", repository: "example/app",
             tag: "1.0", digest: digest),
        // A first component without '.' or ':' that is not localhost is a Docker Hub namespace.
        Case(input: "myregistry/app:1", registry: "docker.io", repository: "myregistry/app", tag: "1", digest: nil),
        // A single component is always a Docker Hub repository, even one with dots or a port-like tag.
        Case(input: "localhost:5000", registry: "docker.io", repository: "library/localhost", tag: "5000",
             digest: nil),
    ]

    @Test("parses registry, repository, tag and digest", arguments: cases)
    func parses(_ c: Case) throws {
        let reference = try #require(ImageReference(c.input))
        #expect(reference.registry == c.registry)
        #expect(reference.repository == c.repository)
        #expect(reference.tag == c.tag)
        #expect(reference.digest == c.digest)
        #expect(reference.original == c.input)
    }

    @Test("rejects malformed references",
          arguments: ["", " ", "nginx:", "nginx@", "a//b", "/nginx", "nginx/", "ngi nx:1", "registry.example.com/:1"])
    func rejects(_ input: String) {
        #expect(ImageReference(input) == nil)
    }

    @Test("normalised form and name")
    func normalised() throws {
        let reference = try #require(ImageReference("nginx:1.25@" + Self.digest))
        #expect(reference.name == "docker.io/library/nginx")
        #expect(reference.normalised == "docker.io/library/nginx:1.25@" + Self.digest)
        #expect(reference.isDockerHub)
    }

    @Test("host, port and IP addresses")
    func hostPort() throws {
        let v4 = try #require(ImageReference("10.0.0.5:5000/app:1"))
        #expect(v4.host == "10.0.0.5")
        #expect(v4.port == 5000)
        #expect(v4.hostIsIPAddress)
        let v6 = try #require(ImageReference("[fd00::1]/app"))
        #expect(v6.host == "[fd00::1]")
        #expect(v6.port == nil)
        #expect(v6.hostIsIPAddress)
        let http = try #require(ImageReference("registry.example.com:80/app"))
        #expect(http.host == "registry.example.com")
        #expect(http.port == 80)
        #expect(!http.hostIsIPAddress)
        #expect(try #require(ImageReference("10.0.0.256/app")).hostIsIPAddress == false)
        #expect(try #require(ImageReference("1.2.3/app")).hostIsIPAddress == false)
        #expect(try #require(ImageReference("nginx")).port == nil)
    }

    @Test("allow-list entries match at a path boundary", arguments: [
        ("registry.example.com", "registry.example.com/x/y:1", true),
        ("registry.example.com", "registry.example.com", false),  // a single component is a Docker Hub image
        ("registry.example.com", "registry.example.com.evil.io/x", false),
        ("registry.example.com", "registry.example.com:5000/x", false),
        ("registry.example.com:5000", "registry.example.com:5000/x", true),
        ("REGISTRY.example.com/", "registry.example.com/x", true),
        ("https://registry.example.com", "registry.example.com/x", true),
        ("ghcr.io/example", "ghcr.io/example/app", true),
        ("ghcr.io/example", "ghcr.io/example-evil/app", false),
        ("ghcr.io/example", "ghcr.io/exampleapp:1", false),
        ("ghcr.io/example/app", "ghcr.io/example/app:1.0", true),
        ("ghcr.io/example/app", "ghcr.io/example/app@" + digest, true),
        ("ghcr.io/example/app", "ghcr.io/example/application", false),
        ("docker.io", "nginx:1.25", true),
        ("docker.io", "bitnami/redis", true),
        ("index.docker.io", "registry-1.docker.io/bitnami/redis", true),
        ("docker.io", "ghcr.io/library/nginx", false),
        ("docker.io/library", "nginx", true),
        ("docker.io/library", "bitnami/redis", false),
        ("nginx", "nginx:1.25", true),
        ("docker.io/nginx", "docker.io/library/nginx", true),
        ("bitnami", "bitnami/redis:7", true),
        ("bitnami", "bitnami-evil/redis:7", false),
        ("bitnami/redis", "docker.io/bitnami/redis", true),
        ("localhost", "localhost/app", true),
        ("localhost", "localhost:5000/app", false),
        ("", "nginx", false),
        ("  ", "nginx", false),
    ])
    func prefixMatching(_ entry: String, _ image: String, _ expected: Bool) throws {
        let reference = try #require(ImageReference(image))
        #expect(RegistryPrefixList([entry]).matches(reference) == expected)
    }

    @Test("an empty allow-list matches nothing")
    func emptyList() throws {
        #expect(!RegistryPrefixList([]).matches(try #require(ImageReference("nginx"))))
    }
}
