/// A fatal input problem: the run stops with exit code 2. It names the file, the line and the offending
/// word, and says how to fix it where that is known.
public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    /// The word that is wrong (an unknown key, a bad id), when there is one.
    public var word: String?
    public var hint: String?

    public init(_ message: String, at location: SourceLocation, word: String? = nil, hint: String? = nil) {
        self.location = location
        self.message = message
        self.word = word
        self.hint = hint
    }

    public var description: String {
        var text = "\(location): error: \(message)"
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}

/// Bounds on what the loaders accept, so that hostile input fails cleanly instead of exhausting memory.
public enum Limits {
    /// The default largest snapshot file, in bytes (4 GiB); `evident audit --max-input-size` raises it.
    public static let defaultSnapshotBytes = 4 << 30
    /// The default largest plan, catalog, scan report or other hand-sized file, in bytes (16 MiB).
    public static let defaultSmallFileBytes = 16 << 20
    /// The longest single string a snapshot or scan may hold, in bytes (16 MiB; Kubernetes objects are at
    /// most about 1.5 MiB).
    public static let maxScalarBytes = 16 << 20

    static func lineMessage(_ length: Int) -> String {
        "a line of \(length) bytes is longer than the limit of \(maxScalarBytes) bytes for a single value"
    }

    static func scalarMessage(_ length: Int) -> String {
        "a single value of \(length) bytes is longer than the limit of \(maxScalarBytes) bytes"
    }
}
