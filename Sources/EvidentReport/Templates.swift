import Dispatch
import Mustache

/// Parsing and safety checks shared by the HTML and Markdown renderers.
enum Templates {
    /// Parses `text`, turning the library's parser error into a `ReportError` that names the template.
    /// `prefix` is text the renderer puts before the template (whole lines); error positions leave it out.
    static func parse(_ text: String, name: String, prefix: String = "") throws(ReportError) -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: prefix + text)
        } catch let error as MustacheTemplate.ParserError {
            let prefixLines = prefix.filter { $0 == "\n" }.count
            throw .templateSyntax(template: name, line: max(1, error.context.lineNumber - prefixLines),
                                  column: error.context.columnNumber, problem: describe(error.error))
        } catch {
            throw .templateSyntax(template: name, line: 1, column: 1, problem: "\(error)")
        }
    }

    /// The HTML template of `options`, checked and parsed (`html(_:name:)`), or the one prepared for it.
    static func html(_ options: ReportOptions) throws(ReportError) -> MustacheTemplate {
        if let prepared = try options.prepared?.html(for: options) { return prepared }
        return try html(options.htmlTemplate, name: options.htmlTemplateName)
    }

    /// An HTML template (the report's or the fleet's): refused if it has a tag that does not escape
    /// (`checkEscapesEverything`), else parsed to escape with `HTMLEscaping`.
    static func html(_ text: String, name: String) throws(ReportError) -> MustacheTemplate {
        try checkEscapesEverything(text, name: name)
        return try parse(text, name: name, prefix: htmlPragma)
    }

    /// The Markdown template of `options`, parsed to run as plain text (the view is escaped already).
    static func markdown(_ options: ReportOptions) throws(ReportError) -> MustacheTemplate {
        if let prepared = try options.prepared?.markdown(for: options) { return prepared }
        return try parse(options.markdownTemplate, name: options.markdownTemplateName, prefix: textPragma)
    }

    /// Put before the Markdown template: Mustache escaping is for HTML, and the view is escaped already.
    static let textPragma = "{{% CONTENT_TYPE: TEXT}}\n"

    /// Put before an HTML template (as `prefix`) so that `{{ }}` escapes with `HTMLEscaping`.
    static let htmlPragma: String = {
        MustacheContentTypes.register(HTMLEscaping(), named: HTMLEscaping.name)
        return "{{% CONTENT_TYPE: \(HTMLEscaping.name)}}\n"
    }()

    static func describe(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "a section is closed with a different name than it was opened with"
        case .unfinishedName: return "a tag is not closed"
        case .expectedSectionEnd: return "a section is opened but never closed"
        case .invalidSetDelimiter: return "a set-delimiter tag is malformed"
        case .transformAppliedToInheritanceSection: return "a transform is applied to an inheritance section"
        case .illegalTokenInsideInheritSection: return "an inheritance section holds a tag it may not hold"
        case .textInsideInheritSection: return "an inheritance section holds text"
        case .invalidConfigVariableSyntax: return "a pragma tag is malformed"
        case .unrecognisedConfigVariable: return "a pragma names an unknown setting"
        }
    }

    /// Refuses tags that would print model text without HTML escaping: `{{{ }}}`, `{{& }}`, content-type
    /// pragmas (`{{% }}`) and delimiter changes (`{{= =}}`, after which the check could not see the tags).
    static func checkEscapesEverything(_ text: String, name: String) throws(ReportError) {
        let scalars = Array(text.unicodeScalars)
        var line = 1
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if s == "\n" { line += 1 }
            if s == "{", i + 2 < scalars.count, scalars[i + 1] == "{" {
                let sigil = scalars[i + 2]
                let problem: String? = switch sigil {
                case "{": "the triple mustache {{{ }}} prints text without HTML escaping; use {{ }}"
                case "&": "the {{& }} tag prints text without HTML escaping; use {{ }}"
                case "%": "pragmas ({{% }}) may not change how the HTML report escapes text"
                case "=": "set-delimiter tags ({{= =}}) are not allowed in the HTML template"
                default: nil
                }
                if let problem { throw .unsafeTemplate(template: name, line: line, problem: problem) }
                i += 2
                continue
            }
            i += 1
        }
    }
}

/// HTML escaping by Unicode scalar: `<`, `>`, `&`, `"` and `'` become `&lt;`, `&gt;`, `&amp;`, `&quot;`
/// and `&#39;` wherever they are, and text without them is returned as it is.
///
/// swift-mustache's own HTML escaping compares whole `Character`s, so a quote followed by a combining mark
/// (`"` U+0301) is one Character it leaves alone, while a browser reads a quote that ends the attribute.
/// It also hashed every Character into a dictionary, a third of the HTML report's rendering time.
struct HTMLEscaping: MustacheContentType {
    static let name = "EVIDENT_HTML"

    func escapeText(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var extra = 0
            for byte in bytes { extra += Self.extra(byte) }
            guard extra > 0 else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count + extra) { out in
                var i = 0
                for byte in bytes {
                    let replacement: StaticString? = switch byte {
                    case UInt8(ascii: "<"): "&lt;"
                    case UInt8(ascii: ">"): "&gt;"
                    case UInt8(ascii: "&"): "&amp;"
                    case UInt8(ascii: "\""): "&quot;"
                    case UInt8(ascii: "'"): "&#39;"
                    default: nil
                    }
                    if let replacement {
                        replacement.withUTF8Buffer { for b in $0 { out[i] = b; i += 1 } }
                    } else {
                        out[i] = byte
                        i += 1
                    }
                }
                return i
            }
        } ?? text
    }

    /// How many bytes longer `byte` gets.
    private static func extra(_ byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "<"), UInt8(ascii: ">"): 3
        case UInt8(ascii: "&"), UInt8(ascii: "'"): 4
        case UInt8(ascii: "\""): 5
        default: 0
        }
    }
}

/// The HTML and Markdown templates of a `ReportOptions`, checked and parsed on a thread of their own. The
/// command line starts this before it loads the snapshot: parsing the built-in HTML template takes about
/// 15 ms on one core, which would otherwise come after evaluation, and `check()` reports a broken
/// template before a long audit rather than after it.
///
/// Set it as the options' `prepared`; the renderers use it while the options hold the same templates.
public final class PreparedTemplates: @unchecked Sendable {
    private let htmlText: String, htmlName: String, markdownText: String, markdownName: String
    private let done = DispatchGroup()
    // Written once on the parsing thread before it leaves `done`; read only after waiting for `done`.
    private var html: Result<MustacheTemplate, ReportError>?
    private var markdown: Result<MustacheTemplate, ReportError>?

    /// Starts parsing the templates of `options`: the HTML one when `html`, the Markdown one when `markdown`
    /// (a template no report uses is neither parsed nor checked).
    public init(_ options: ReportOptions, html: Bool = true, markdown: Bool = true) {
        htmlText = options.htmlTemplate
        htmlName = options.htmlTemplateName
        markdownText = options.markdownTemplate
        markdownName = options.markdownTemplateName
        var unprepared = options
        unprepared.prepared = nil
        let plain = unprepared
        done.enter()
        let (parseHTML, parseMarkdown) = (html, markdown)
        DispatchQueue.global().async { [self] in
            if parseHTML { self.html = Result { () throws(ReportError) in try Templates.html(plain) } }
            if parseMarkdown { self.markdown = Result { () throws(ReportError) in try Templates.markdown(plain) } }
            done.leave()
        }
    }

    /// Waits for the templates; throws the first problem (the HTML template's first).
    public func check() throws(ReportError) {
        done.wait()
        _ = try html?.get()
        _ = try markdown?.get()
    }

    /// The parsed HTML template, when `options` holds the one prepared.
    func html(for options: ReportOptions) throws(ReportError) -> MustacheTemplate? {
        guard options.htmlTemplate == htmlText, options.htmlTemplateName == htmlName else { return nil }
        done.wait()
        return try html?.get()
    }

    /// The parsed Markdown template, when `options` holds the one prepared.
    func markdown(for options: ReportOptions) throws(ReportError) -> MustacheTemplate? {
        guard options.markdownTemplate == markdownText, options.markdownTemplateName == markdownName else { return nil }
        done.wait()
        return try markdown?.get()
    }
}
