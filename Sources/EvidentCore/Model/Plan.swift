import Foundation

/// A calendar date (an expiry or attestation date). An expiry means the end of that day in UTC.
public struct PlanDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` strictly (a real calendar day); nil otherwise.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1 else { return nil }
        let daysInMonth = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d <= daysInMonth[m - 1] else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The UTC calendar day of `date`.
    public init(date: Date) {
        let t = Timestamp.utc(date)
        self.init(year: t.year, month: t.month, day: t.day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let digits = String(abs(year))
        return (year < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "-"
            + Digits.padded(month) + "-" + Digits.padded(day)
    }

    /// The first instant after this day ends, in UTC.
    public var endOfDay: Date {
        Date(timeIntervalSince1970: Double((Timestamp.days(year: year, month: month, day: day) + 1) * 86_400))
    }

    /// Whether the day has fully passed at `now` (an expiry on this day is still valid during it).
    public func hasPassed(at now: Date) -> Bool { now >= endOfDay }

    public static func < (a: PlanDate, b: PlanDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}

/// Numbers as dates and digests print them: two decimal digits, and lowercase hex (without
/// `String(format:)`, which goes through Foundation's locale machinery).
public enum Digits {
    /// `n` in decimal with at least two digits: `07`, `12`.
    static func padded(_ n: Int) -> String { n >= 0 && n < 10 ? "0" + String(n) : String(n) }

    /// Lowercase hex, two digits a byte.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A plan's reference to a catalog, with the controls it leaves out of scope.
public struct CatalogSelection: Sendable, Hashable {
    public struct Exclusion: Sendable, Hashable {
        public var control: String
        public var reason: String
        public var source: SourceLocation?

        public init(control: String, reason: String, source: SourceLocation? = nil) {
            self.control = control
            self.reason = reason
            self.source = source
        }
    }

    /// A built-in catalog id, or a path to a catalog file.
    public var reference: String
    public var exclusions: [Exclusion]
    public var source: SourceLocation?

    public init(reference: String, exclusions: [Exclusion] = [], source: SourceLocation? = nil) {
        self.reference = reference
        self.exclusions = exclusions
        self.source = source
    }
}

/// What an exception covers. Every given field must match; at least a namespace or a name is required,
/// so that an exception is never a bare wildcard.
public struct ExceptionScope: Sendable, Hashable {
    public var namespace: String?
    public var kind: String?
    public var name: String?
    public var check: String?
    /// A glob (`*`, `?`) on the image reference.
    public var image: String?

    public init(namespace: String? = nil, kind: String? = nil, name: String? = nil, check: String? = nil,
                image: String? = nil) {
        self.namespace = namespace
        self.kind = kind
        self.name = name
        self.check = check
        self.image = image
    }

    public var description: String {
        [("namespace", namespace), ("kind", kind), ("name", name), ("check", check), ("image", image)]
            .compactMap { key, value in value.map { "\(key)=\($0)" } }.joined(separator: ", ")
    }
}

/// An approved, time-limited deviation from a control for a narrow scope.
public struct PlanException: Sendable, Hashable {
    public var id: String
    public var control: String
    public var scope: ExceptionScope
    public var justification: String
    public var approvedBy: String
    public var ticket: String?
    public var expires: PlanDate
    public var source: SourceLocation?

    public init(id: String, control: String, scope: ExceptionScope, justification: String, approvedBy: String,
                ticket: String?, expires: PlanDate, source: SourceLocation? = nil) {
        self.id = id
        self.control = control
        self.scope = scope
        self.justification = justification
        self.approvedBy = approvedBy
        self.ticket = ticket
        self.expires = expires
        self.source = source
    }
}

/// A person's statement that a procedural control is (or is not) met.
public struct Attestation: Sendable, Hashable {
    public enum Verdict: String, Sendable, Hashable {
        case satisfied
        case notSatisfied = "not-satisfied"
    }

    public var control: String
    public var status: Verdict
    public var statement: String
    public var attestedBy: String
    public var date: PlanDate
    public var expires: PlanDate?
    public var evidence: [String]
    public var source: SourceLocation?

    public init(control: String, status: Verdict, statement: String, attestedBy: String, date: PlanDate,
                expires: PlanDate?, evidence: [String], source: SourceLocation? = nil) {
        self.control = control
        self.status = status
        self.statement = statement
        self.attestedBy = attestedBy
        self.date = date
        self.expires = expires
        self.evidence = evidence
        self.source = source
    }
}

/// The organisation's security plan: scope, parameter values, exceptions and attestations.
public struct SecurityPlan: Sendable, Hashable {
    public var id: String
    public var title: String
    public var version: String
    public var owner: String?
    public var catalogs: [CatalogSelection]
    public var parameters: [String: Value]
    public var parameterSources: [String: SourceLocation]
    public var severityOverrides: [String: Severity]
    /// The plan's own controls, as a catalog whose id is the plan's.
    public var customCatalog: Catalog?
    public var exceptions: [PlanException]
    public var attestations: [Attestation]
    /// The file it came from, or `default` for the implicit plan.
    public var origin: String

    public init(id: String, title: String, version: String, owner: String? = nil, catalogs: [CatalogSelection],
                parameters: [String: Value] = [:], parameterSources: [String: SourceLocation] = [:],
                severityOverrides: [String: Severity] = [:], customCatalog: Catalog? = nil,
                exceptions: [PlanException] = [], attestations: [Attestation] = [], origin: String) {
        self.id = id
        self.title = title
        self.version = version
        self.owner = owner
        self.catalogs = catalogs
        self.parameters = parameters
        self.parameterSources = parameterSources
        self.severityOverrides = severityOverrides
        self.customCatalog = customCatalog
        self.exceptions = exceptions
        self.attestations = attestations
        self.origin = origin
    }

    /// The plan used without `--plan`: every given catalog in scope with default parameters.
    public static func implicit(catalogIDs: [String]) -> SecurityPlan {
        SecurityPlan(id: "default", title: "Default plan (every control, default parameters)", version: "0",
                     catalogs: catalogIDs.map { CatalogSelection(reference: $0) }, origin: "default")
    }
}
