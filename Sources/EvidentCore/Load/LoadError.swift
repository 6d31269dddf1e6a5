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
