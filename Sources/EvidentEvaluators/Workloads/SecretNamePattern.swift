import EvidentCore
import Foundation

/// The `secret_name_pattern` parameter compiled once: a regular expression that finds secret-looking names
/// (env vars, ConfigMap keys) anywhere in the name. Shared by `secret-env-values` and `configmap-secrets`.
struct SecretNamePattern: Sendable {
    static let parameter = "secret_name_pattern"
    static let defaultPattern = #"(?i)pass(word)?|secret|token|api.?key|private.?key|credential"#

    static let descriptorParameter = EvaluatorParameter(
        parameter, "regular expression for secret-looking names; default \(defaultPattern)")

    private let expression: NSRegularExpression

    /// Compiles the parameter, or the built-in default when it is unset or empty.
    /// Throws when the pattern is not a valid regular expression.
    init(_ parameters: Parameters) throws(EvaluationError) {
        let configured = parameters.string(Self.parameter)
        let pattern = (configured?.isEmpty ?? true) ? Self.defaultPattern : configured ?? Self.defaultPattern
        do {
            expression = try NSRegularExpression(pattern: pattern)
        } catch {
            throw EvaluationError("\(Self.parameter) is not a valid regular expression: \(pattern)")
        }
    }

    /// Whether the pattern occurs anywhere in `name`.
    func matches(_ name: String) -> Bool {
        expression.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
    }

    /// Whether `text` holds a PEM private key header such as `-----BEGIN RSA PRIVATE KEY-----`.
    static func containsPrivateKey(_ text: String) -> Bool {
        var rest = Substring(text)
        while let begin = rest.range(of: "-----BEGIN ") {
            let afterBegin = rest[begin.upperBound...]
            guard let end = afterBegin.range(of: "-----") else { return false }
            let label = afterBegin[..<end.lowerBound]
            if label.hasSuffix("PRIVATE KEY"), !label.contains("\n") { return true }
            rest = afterBegin
        }
        return false
    }
}
