/// A recoverable problem found while loading or evaluating: it is shown in the reports, never fatal.
/// Fatal problems are typed errors instead (see `LoadError`).
public struct Diagnostic: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case info, warning

        public static func < (a: Severity, b: Severity) -> Bool { a == .info && b == .warning }
    }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation?

    public init(_ severity: Severity, _ message: String, at location: SourceLocation? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
    }

    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        return "\(prefix)\(severity.rawValue): \(message)"
    }

    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        let la = a.location ?? SourceLocation(file: "", line: 0)
        let lb = b.location ?? SourceLocation(file: "", line: 0)
        return (la, a.message) < (lb, b.message)
    }
}

/// One file (or stdin) that fed the run, with its digest. `path` is as given on the command line.
public struct InputFile: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable { case snapshot, plan, catalog, policy, scan, template, baseline }
    public var path: String
    public var role: Role
    public var sha256: String
    public var bytes: Int

    public init(path: String, role: Role, sha256: String, bytes: Int) {
        self.path = path
        self.role = role
        self.sha256 = sha256
        self.bytes = bytes
    }
}
