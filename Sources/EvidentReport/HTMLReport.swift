import EvidentCore

/// `report.html`: the model rendered through the HTML template. Only escaping tags are accepted
/// (see `Templates.checkEscapesEverything`), so every string from the result reaches the page escaped.
enum HTMLReport {
    static func render(_ model: ReportModel, options: ReportOptions) throws(ReportError) -> String {
        try Templates.html(options).render(MustacheBox.box(model))
    }
}
