import ArgumentParser
import EvidentCore
import Foundation

/// `--plan` and `--catalog`, shared by every command that needs the controls in scope.
struct ScopeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The security plan (YAML). Without it, every built-in control is in scope with its default parameters.", valueName: "file"))
    var plan: String?

    @Option(name: .long, help: ArgumentHelp("An extra control catalog (YAML) of your own; repeat for more.", valueName: "file"))
    var catalog: [String] = []
}

/// Parsing of the option values the commands share.
enum OptionValues {
    /// RFC 3339, e.g. 2026-11-27T10:00:00Z.
    static func time(_ text: String, option: String) throws(CLIError) -> Date {
        guard let date = Timestamp.parse(text) else {
            throw .invalid("\(option) '\(text)' is not an RFC 3339 time (e.g. 2026-11-27T10:00:00Z)")
        }
        return date
    }

    /// The report clock: --now, else SOURCE_DATE_EPOCH, else the current time.
    static func now(_ option: String?) throws(CLIError) -> Date {
        if let option { return try time(option, option: "--now") }
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], !epoch.isEmpty {
            guard let seconds = Int(epoch) else { throw .invalid("SOURCE_DATE_EPOCH '\(epoch)' is not a number of seconds") }
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        return Date()
    }
}

extension Severity: ExpressibleByArgument {}
