import EvidentCore

/// `report.html`: the model rendered through the HTML template. Only escaping tags are accepted
/// (see `Templates.checkEscapesEverything`), so every string from the result reaches the page escaped.
enum HTMLReport {
    static func render(_ model: ReportModel, options: ReportOptions) throws(ReportError) -> String {
        try Templates.checkEscapesEverything(options.htmlTemplate, name: options.htmlTemplateName)
        let template = try Templates.parse(options.htmlTemplate, name: options.htmlTemplateName,
                                           prefix: Templates.htmlPragma)
        return template.render(MustacheBox.box(model))
    }
}
