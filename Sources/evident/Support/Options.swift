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

    /// A size in bytes: a whole number, optionally followed by KiB, MiB or GiB (or K, M, G).
    static func size(_ text: String, option: String) throws(CLIError) -> Int {
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
                                      ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1)]
        var number = text.trimmingCharacters(in: .whitespaces)
        var scale = 1
        if let unit = units.first(where: { number.uppercased().hasSuffix($0.0.uppercased()) }) {
            number = String(number.dropLast(unit.0.count)).trimmingCharacters(in: .whitespaces)
            scale = unit.1
        }
        guard let value = Int(number), value > 0, value <= Int.max / scale else {
            throw .invalid("\(option) '\(text)' is not a size (e.g. 64MiB, 8GiB or a number of bytes)")
        }
        return value * scale
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
