import EvidentCore

/// The report formats. Each renderer reads only the `AuditResult` it is given (and the options): it
/// prints nothing that is not in the result, takes every time from the result's clock, and gives
/// byte-identical output for the same input.
public enum ReportRenderer {
    /// `report.html`: self-contained (inline CSS and SVG, nothing fetched), from `options.htmlTemplate`.
    /// Throws `ReportError` when the template does not parse, or when it uses a tag that does not escape
    /// (`{{{ }}}`, `{{& }}`, pragmas, delimiter changes).
    public static func html(_ result: AuditResult, options: ReportOptions) throws(ReportError) -> String {
        try html(ReportModel(result, options: options), options: options)
    }

    /// `report.html` from a model built already (Markdown reads the same one).
    public static func html(_ model: ReportModel, options: ReportOptions) throws(ReportError) -> String {
        try HTMLReport.render(model, options: options)
    }

    /// `report.md`: GitHub-flavoured Markdown from `options.markdownTemplate`, never longer than
    /// `options.markdownBudget` UTF-16 code units (detail blocks are dropped from the least severe upwards,
    /// then tables are capped, and the report says what was left out). Throws `ReportError` when the template
    /// does not parse.
    public static func markdown(_ result: AuditResult, options: ReportOptions) throws(ReportError) -> String {
        try markdown(ReportModel(result, options: options), options: options)
    }

    /// `report.md` from a model built already (HTML reads the same one).
    public static func markdown(_ model: ReportModel, options: ReportOptions) throws(ReportError) -> String {
        try MarkdownReport.render(model, options: options)
    }

    /// `junit.xml`: a test suite per control family and a test case per control; valid against the strict
    /// Ant JUnit schema and Jenkins' xunit schema. Cannot fail.
    public static func junit(_ result: AuditResult, options: ReportOptions) -> String {
        JUnitReport.render(result, maxRows: options.maxRowsPerControl)
    }

    /// `results.json`: the stable JSON contract (schemaVersion 1) with every finding. Cannot fail.
    public static func json(_ result: AuditResult, options: ReportOptions) -> String {
        JSONReport.render(result)
    }

    /// `results.sarif`: SARIF 2.1.0 for code scanning, one rule per control check and one result per
    /// deviating or waived finding at its file and line, capped at `options.sarifMaxResults`. Cannot fail.
    public static func sarif(_ result: AuditResult, options: ReportOptions) -> String {
        SARIFReport.render(result, maxResults: options.sarifMaxResults)
    }

    /// `manifest.json`: the SHA-256 of every input and of every report in `reports`, the tool, catalog and
    /// plan versions and the snapshot time. Deterministic for the same result and reports. Cannot fail.
    public static func manifest(_ result: AuditResult, reports: [ManifestEntry]) -> String {
        ManifestReport.render(result, reports: reports)
    }

    /// `assessment-results.json`: OSCAL 1.2.1 assessment results. Objectives are the finding targets, checks
    /// and attestations are observations, exceptions are risks; UUIDs are version 5 and the same for the
    /// same inputs and clock. Cannot fail.
    public static func oscalAssessmentResults(_ result: AuditResult, options: ReportOptions) -> String {
        OSCALReport.assessmentResults(result)
    }

    /// `poam.json`: an OSCAL 1.2.1 plan of action and milestones with an item for every control that is not
    /// satisfied (not-satisfied, error, needs-evidence). Cannot fail.
    public static func oscalPOAM(_ result: AuditResult, options: ReportOptions) -> String {
        OSCALReport.poam(result)
    }

    /// `results.json` streamed: the same bytes as `json`, handed to `write` in pieces of about a megabyte,
    /// so that a report with every finding of a large cluster is never held whole in memory.
    public static func json(_ result: AuditResult, options: ReportOptions, write: (String) -> Void) {
        withoutActuallyEscaping(write) { write in
            _ = JSONReport.render(result, sink: write)
        }
    }

    /// GitHub Actions workflow commands (`::error file=…,line=…::…`), one per failing finding of a deviating
    /// control, most severe first, at most `max`, then a notice of how many were left out. Cannot fail.
    public static func githubAnnotations(_ result: AuditResult, max: Int = 50) -> String {
        Annotations.github(result, max: max)
    }

    /// `gl-code-quality-report.json`: a GitLab code-quality report of the failing findings of deviating
    /// controls, fingerprinted by the finding's identity. Cannot fail.
    public static func gitlabCodeQuality(_ result: AuditResult, options: ReportOptions) -> String {
        Annotations.gitlab(result)
    }
}
