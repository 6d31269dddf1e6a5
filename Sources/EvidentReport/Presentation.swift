import EvidentCore

/// How a status is shown: a word, a symbol and a CSS class, so that colour is never the only signal.
extension ControlStatus {
    var label: String {
        switch self {
        case .satisfied: "Satisfied"
        case .notSatisfied: "Not satisfied"
        case .waived: "Waived"
        case .notApplicable: "Not applicable"
        case .needsEvidence: "Needs evidence"
        case .error: "Error"
        }
    }

    var symbol: String {
        switch self {
        case .satisfied: "✔"
        case .notSatisfied: "✘"
        case .waived: "⚑"
        case .notApplicable: "∅"
        case .needsEvidence: "?"
        case .error: "⚠"
        }
    }

    /// Controls that deviate or could not be checked: listed first, unfolded, failing the JUnit case.
    var isDeviation: Bool { self == .notSatisfied || self == .error }

    /// Controls folded away by default.
    var isPassing: Bool { self == .satisfied || self == .notApplicable }
}

extension Finding.Status {
    var label: String {
        switch self {
        case .fail: "Fails"
        case .waived: "Waived"
        case .error: "Not checked"
        }
    }

    var symbol: String {
        switch self {
        case .fail: "✘"
        case .waived: "⚑"
        case .error: "⚠"
        }
    }
}

extension Severity {
    var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
