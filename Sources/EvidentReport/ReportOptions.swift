/// How the reports are rendered. The templates are passed in as text: the command line supplies the
/// embedded defaults (from `templates/`) or the user's own files.
public struct ReportOptions: Sendable {
    /// The Mustache template of `report.html`. `{{name}}` HTML-escapes; unescaped tags (`{{{ }}}`, `{{& }}`),
    /// content-type pragmas and delimiter changes are refused (`ReportError.unsafeTemplate`), so snapshot text
    /// always reaches the page escaped.
    public var htmlTemplate: String
    /// The Mustache template of `report.md`. Every string the model offers to it is already escaped for
    /// Markdown (and `…HTML` variants for HTML blocks such as `<summary>`), so `{{ }}` and `{{{ }}}` print
    /// them as they are.
    public var markdownTemplate: String
    /// The largest Markdown report, in UTF-16 code units (never fewer than characters). Detail blocks are
    /// dropped from the least severe upwards, then tables are capped, to stay inside it.
    public var markdownBudget: Int = 30_000
    /// Evidence rows shown per control in HTML, Markdown and JUnit; the rest are counted ("N more in
    /// results.json").
    public var maxRowsPerControl: Int = 50
    /// Also show controls that passed or do not apply: unfolded in HTML, listed in Markdown. Off by default.
    public var includePassing: Bool = false
    /// The most results in `results.sarif` (GitHub shows 5,000 and rejects runs over 25,000); the rest are
    /// left out, least severe and waived first, and the run says how many.
    public var sarifMaxResults: Int = 5_000
    /// An Ed25519 private key (64 hex digits or base64 of the raw 32 bytes): when set, `manifest.json` is
    /// signed into `manifest.json.sig`.
    public var manifestSigningKey: String?
    /// The HTML template's name in error messages (a path, or the built-in name).
    public var htmlTemplateName: String = "templates/report.html.mustache"
    /// The Markdown template's name in error messages.
    public var markdownTemplateName: String = "templates/report.md.mustache"
    /// The templates parsed ahead of rendering (`PreparedTemplates`); used while they are the ones above.
    public var prepared: PreparedTemplates?

    public init(htmlTemplate: String, markdownTemplate: String, markdownBudget: Int = 30_000,
                maxRowsPerControl: Int = 50, includePassing: Bool = false,
                htmlTemplateName: String = "templates/report.html.mustache",
                markdownTemplateName: String = "templates/report.md.mustache") {
        self.htmlTemplate = htmlTemplate
        self.markdownTemplate = markdownTemplate
        self.markdownBudget = markdownBudget
        self.maxRowsPerControl = maxRowsPerControl
        self.includePassing = includePassing
        self.htmlTemplateName = htmlTemplateName
        self.markdownTemplateName = markdownTemplateName
    }
}

/// A report template that cannot be used. Each case names the template and the problem.
public enum ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The template is not valid Mustache (an unclosed section, a badly formed tag...).
    case templateSyntax(template: String, line: Int, column: Int, problem: String)
    /// The HTML template asks for unescaped output, which could let snapshot text into the page as markup.
    case unsafeTemplate(template: String, line: Int, problem: String)

    public var description: String {
        switch self {
        case let .templateSyntax(template, line, column, problem):
            return "\(template):\(line):\(column): error: \(problem)"
        case let .unsafeTemplate(template, line, problem):
            return "\(template):\(line): error: \(problem)"
        }
    }
}
