import EvidentCore

// Temporary stand-in until the renderers land (replaced by the real EvidentReport).
public struct ReportOptions: Sendable {
    public var htmlTemplate: String
    public var markdownTemplate: String
    public var markdownBudget: Int = 30_000
    public var maxRowsPerControl: Int = 50
    public var includePassing: Bool = false

    public init(htmlTemplate: String, markdownTemplate: String, markdownBudget: Int = 30_000,
                maxRowsPerControl: Int = 50, includePassing: Bool = false) {
        self.htmlTemplate = htmlTemplate
        self.markdownTemplate = markdownTemplate
        self.markdownBudget = markdownBudget
        self.maxRowsPerControl = maxRowsPerControl
        self.includePassing = includePassing
    }
}

public enum ReportRenderer {
    public static func html(_ result: AuditResult, options: ReportOptions) throws -> String { "" }
    public static func markdown(_ result: AuditResult, options: ReportOptions) throws -> String { "" }
    public static func junit(_ result: AuditResult, options: ReportOptions) -> String { "" }
    public static func json(_ result: AuditResult, options: ReportOptions) -> String { "" }
}
