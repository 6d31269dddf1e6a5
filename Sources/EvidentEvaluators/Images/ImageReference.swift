import EvidentCore
import Foundation

/// A container image reference split into registry, repository path, tag and digest, with Docker Hub
/// normalised: `nginx` is `docker.io/library/nginx`, and `index.docker.io` / `registry-1.docker.io` are
/// `docker.io`. A first path component is a registry only if it contains `.` or `:` or is `localhost`.
public struct ImageReference: Sendable, Hashable {
    /// The reference as written in the pod spec.
    public let original: String
    /// The registry, lower-cased, with Docker Hub's aliases folded into `docker.io` (port kept).
    public let registry: String
    /// The repository path inside the registry, e.g. `library/nginx` or `example/app`.
    public let repository: String
    public let tag: String?
    /// The digest without the `@`, e.g. `sha256:0123...`.
    public let digest: String?

    /// The names Docker Hub is reached by.
    static let dockerHubAliases: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io"]

    /// Parses `reference`; nil when it is empty or malformed (whitespace, an empty path component, an empty
    /// tag or digest).
    public init?(_ reference: String) {
        let text = reference
        guard !text.isEmpty, !text.contains(where: \.isWhitespace) else { return nil }
        var rest = Substring(text)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
            guard let d = digest, !d.isEmpty else { return nil }
        }
        var tag: String?
        let lastSlash = rest.lastIndex(of: "/")
        let nameStart = lastSlash.map { rest.index(after: $0) } ?? rest.startIndex
        if let colon = rest[nameStart...].lastIndex(of: ":") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
            guard let t = tag, !t.isEmpty else { return nil }
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !components.isEmpty, !components.contains(where: \.isEmpty) else { return nil }
        var registry = "docker.io"
        if components.count > 1, Self.looksLikeRegistry(components[0]) {
            registry = Self.normaliseRegistry(components.removeFirst())
        }
        if registry == "docker.io", components.count == 1 { components.insert("library", at: 0) }
        self.original = reference
        self.registry = registry
        self.repository = components.joined(separator: "/")
        self.tag = tag
        self.digest = digest
    }

    /// Whether a first path component names a registry rather than a Docker Hub namespace.
    static func looksLikeRegistry(_ component: String) -> Bool {
        component.contains(".") || component.contains(":") || component == "localhost"
    }

    /// Lower-cases a registry and folds Docker Hub's aliases into `docker.io`.
    static func normaliseRegistry(_ registry: String) -> String {
        let lower = registry.lowercased()
        return dockerHubAliases.contains(lower) ? "docker.io" : lower
    }

    /// `registry/repository`, without tag or digest: what allow-list entries are matched against.
    public var name: String { registry + "/" + repository }

    /// The full normalised reference: `registry/repository[:tag][@digest]`.
    public var normalised: String {
        name + (tag.map { ":" + $0 } ?? "") + (digest.map { "@" + $0 } ?? "")
    }

    public var isDockerHub: Bool { registry == "docker.io" }

    /// The registry host without its port: `10.0.0.5`, `[fd00::1]`, `registry.example.com`.
    public var host: String { Self.splitHostPort(registry).host }

    /// The registry port, when one is written.
    public var port: Int? { Self.splitHostPort(registry).port }

    /// True when the registry host is written as an IPv4 address or a bracketed IPv6 address.
    public var hostIsIPAddress: Bool {
        let host = self.host
        if host.hasPrefix("[") && host.hasSuffix("]") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCIIDigit) && (Int(part) ?? 256) <= 255
        }
    }

    static func splitHostPort(_ registry: String) -> (host: String, port: Int?) {
        var hostEnd = registry.endIndex
        if registry.hasPrefix("["), let close = registry.firstIndex(of: "]") {
            hostEnd = registry.index(after: close)
        } else if let colon = registry.firstIndex(of: ":") {
            hostEnd = colon
        }
        let host = String(registry[..<hostEnd])
        let rest = registry[hostEnd...]
        guard rest.hasPrefix(":") else { return (host, nil) }
        return (host, Int(rest.dropFirst()))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Allow-list entries (`allowed_registries`, `private_registries`) matched against image references by
/// prefix at a path boundary: `ghcr.io/example` matches `ghcr.io/example/app` but not
/// `ghcr.io/example-evil/app`, and `registry.example.com` does not match `registry.example.com:5000/x`.
///
/// An entry whose first component is not a registry is a Docker Hub path (`bitnami` is
/// `docker.io/bitnami`); a single Docker Hub component also matches the official image of that name
/// (`nginx` and `docker.io/nginx` match `docker.io/library/nginx`).
public struct RegistryPrefixList: Sendable, Hashable {
    /// Normalised prefixes, each `registry[/path...]`.
    public let prefixes: [String]

    public init(_ entries: [String]) {
        prefixes = entries.flatMap(Self.normalise)
    }

    /// The normalised prefixes one entry stands for (none for an empty entry).
    static func normalise(_ entry: String) -> [String] {
        var text = entry.drop(while: \.isWhitespace)
        while text.last?.isWhitespace == true { text = text.dropLast() }
        for scheme in ["https://", "http://"] where text.lowercased().hasPrefix(scheme) {
            text = text.dropFirst(scheme.count)
        }
        while text.hasSuffix("/") { text = text.dropLast() }
        var components = text.split(separator: "/").map(String.init)
        guard !components.isEmpty else { return [] }
        var registry = "docker.io"
        if Self.entryStartsWithRegistry(components) {
            registry = ImageReference.normaliseRegistry(components.removeFirst())
        }
        let path = components.joined(separator: "/")
        if path.isEmpty { return [registry] }
        if registry == "docker.io", components.count == 1 {
            return ["docker.io/" + path, "docker.io/library/" + path]
        }
        return [registry + "/" + path]
    }

    private static func entryStartsWithRegistry(_ components: [String]) -> Bool {
        ImageReference.looksLikeRegistry(components[0])
    }

    /// The first entry prefix that `image` falls under, or nil.
    public func match(_ image: ImageReference) -> String? {
        let name = image.name
        return prefixes.first { prefix in
            name == prefix || name.hasPrefix(prefix + "/")
        }
    }

    public func matches(_ image: ImageReference) -> Bool { match(image) != nil }
}

extension ContainerRef {
    /// The container's image parsed, or nil when it is unset or malformed.
    var imageReference: ImageReference? { ImageReferenceCache.shared.reference(image) }
}

/// Parsed image references by text: every image check parses the images of every pod spec, and a cluster
/// runs few distinct images. Bounded; safe to use from concurrent checks.
final class ImageReferenceCache: @unchecked Sendable {
    static let shared = ImageReferenceCache()
    private let lock = NSLock()
    private var parsed: [String: ImageReference?] = [:]

    func reference(_ text: String) -> ImageReference? {
        lock.lock()
        if let known = parsed[text] {
            lock.unlock()
            return known
        }
        lock.unlock()
        let reference = ImageReference(text)
        lock.lock()
        if parsed.count >= 50_000 { parsed.removeAll(keepingCapacity: true) }
        parsed[text] = .some(reference)
        lock.unlock()
        return reference
    }
}

extension Parameters {
    /// A list parameter that may also be written as a single string; nil when unset.
    func stringListOrSingle(_ name: String) -> [String]? {
        if let list = stringList(name) { return list }
        return string(name).map { [$0] }
    }
}
