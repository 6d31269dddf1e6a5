import EvidentCore
import EvidentReport
import Foundation

/// The report formats and their file names in the output folder.
enum ReportFormat: String, CaseIterable {
    case html, markdown, junit, json, sarif, oscal, poam, codequality

    var fileName: String {
        switch self {
        case .html: return "report.html"
        case .markdown: return "report.md"
        case .junit: return "junit.xml"
        case .json: return "results.json"
        case .sarif: return "results.sarif"
        case .oscal: return "assessment-results.json"
        case .poam: return "poam.json"
        case .codequality: return "gl-code-quality-report.json"
        }
    }

    static func parse(_ text: String) throws(CLIError) -> [ReportFormat] {
        var formats: [ReportFormat] = []
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !word.isEmpty {
            if word == "all" { return allCases }
            if word == "oscal" {  // both OSCAL documents
                formats += [.oscal, .poam].filter { !formats.contains($0) }
                continue
            }
            let aliases = ["md": "markdown", "xml": "junit", "htm": "html"]
            guard let format = ReportFormat(rawValue: aliases[word] ?? word) else {
                throw .invalid("--format: unknown format '\(word)'; formats: html, markdown, junit, json, sarif, oscal, all")
            }
            if !formats.contains(format) { formats.append(format) }
        }
        guard !formats.isEmpty else { throw .invalid("--format needs at least one format") }
        return formats
    }
}

/// The HTML and Markdown templates: the built-in ones, or the user's.
struct ReportTemplates {
    var html: String
    var markdown: String
    var inputs: [InputFile]

    static func load(html: String?, markdown: String?) throws(CLIError) -> ReportTemplates {
        var inputs: [InputFile] = []
        func template(_ path: String?, builtin: String) throws(CLIError) -> String {
            guard let path else { return try BuiltinResources.file(builtin) }
            let data = try Inputs.read(path)
            inputs.append(InputFile(path: path, role: .template, sha256: Digest.sha256(data), bytes: data.count))
            return try Inputs.text(data, path: path)
        }
        let h = try template(html, builtin: BuiltinResources.htmlTemplatePath)
        let m = try template(markdown, builtin: BuiltinResources.markdownTemplatePath)
        return ReportTemplates(html: h, markdown: m, inputs: inputs)
    }
}

/// Renders every report first, then moves them into place: a failure leaves earlier reports untouched.
/// `results.json` is streamed into its temporary file as it is rendered (it holds every finding, and may
/// be hundreds of megabytes); the others are rendered whole. Nothing replaces a report until all are
/// written.
enum ReportWriter {
    static func write(_ result: AuditResult, formats: [ReportFormat], options: ReportOptions,
                      to folder: String) throws(CLIError) -> [String] {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .invalid("cannot create the output folder \(folder): \(error.localizedDescription)")
        }
        let pid = ProcessInfo.processInfo.processIdentifier
        let paths = formats.map { format in
            (temp: (folder as NSString).appendingPathComponent(".\(format.fileName).\(pid).tmp"),
             final: (folder as NSString).appendingPathComponent(format.fileName))
        }
        // Every report renders on its own core; each is written to its temporary file.
        let outcomes = Parallel.map(formats.count) { i in
            render(formats[i], result, options: options, to: paths[i].temp)
        }
        for (i, outcome) in outcomes.enumerated() where outcome != nil {
            for p in paths { try? fm.removeItem(atPath: p.temp) }
            throw .invalid(outcome ?? "cannot write \(paths[i].temp)")
        }
        var staged = paths
        do {
            staged += try stageManifest(result, staged: paths, signingKey: options.manifestSigningKey, folder: folder)
        } catch {
            for p in paths { try? fm.removeItem(atPath: p.temp) }
            throw error
        }
        for (i, s) in staged.enumerated() where rename(s.temp, s.final) != 0 {
            let reason = String(cString: strerror(errno))
            for rest in staged[i...] { try? fm.removeItem(atPath: rest.temp) }
            throw .invalid("cannot move the report into place at \(s.final): \(reason); "
                           + "\(i) of \(staged.count) reports were replaced, the others are unchanged")
        }
        return staged.map(\.final)
    }

    /// `manifest.json` (written on every run): hashes the staged reports as they are on disk; with a key,
    /// also `manifest.json.sig`.
    private static func stageManifest(_ result: AuditResult, staged: [(temp: String, final: String)],
                                      signingKey: String?, folder: String) throws(CLIError) -> [(temp: String, final: String)] {
        var entries: [ManifestEntry] = []
        for s in staged {
            // Read back in chunks: results.json of a large cluster is hundreds of megabytes.
            guard let file = FileHandle(forReadingAtPath: s.temp) else {
                throw .invalid("cannot read back \(s.temp) to hash it")
            }
            var failure: (any Error)?
            let digest = Digest.sha256 {
                do { return try file.read(upToCount: 4 << 20) } catch { failure = error; return nil }
            }
            try? file.close()
            if let failure { throw .invalid("cannot read back \(s.temp) to hash it: \(failure.localizedDescription)") }
            entries.append(ManifestEntry(file: (s.final as NSString).lastPathComponent,
                                         sha256: digest.hex, bytes: digest.bytes))
        }
        let name = "manifest.json"
        let final = (folder as NSString).appendingPathComponent(name)
        let temp = (folder as NSString).appendingPathComponent(".\(name).\(ProcessInfo.processInfo.processIdentifier).tmp")
        let text = ReportRenderer.manifest(result, reports: entries)
        guard FileManager.default.createFile(atPath: temp, contents: Data(text.utf8)) else {
            throw .invalid("cannot write \(temp): check that \(folder) is writable")
        }
        guard let signingKey else { return [(temp, final)] }
        let signature: String
        do {
            signature = try ManifestSignature.sign(Data(text.utf8), privateKey: signingKey)
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw .invalid("--sign-key: \(error)")
        }
        let sigName = ManifestSignature.fileName
        let sigTemp = (folder as NSString).appendingPathComponent(".\(sigName).\(ProcessInfo.processInfo.processIdentifier).tmp")
        guard FileManager.default.createFile(atPath: sigTemp, contents: Data(signature.utf8)) else {
            try? FileManager.default.removeItem(atPath: temp)
            throw .invalid("cannot write \(sigTemp): check that \(folder) is writable")
        }
        return [(temp, final), (sigTemp, (folder as NSString).appendingPathComponent(sigName))]
    }

    /// Renders one report into `temp`; nil when done, else what went wrong.
    private static func render(_ format: ReportFormat, _ result: AuditResult, options: ReportOptions,
                               to temp: String) -> String? {
        let folder = (temp as NSString).deletingLastPathComponent
        let text: String
        do {
            switch format {
            case .html: text = try ReportRenderer.html(result, options: options)
            case .markdown: text = try ReportRenderer.markdown(result, options: options)
            case .junit: text = ReportRenderer.junit(result, options: options)
            case .sarif: text = ReportRenderer.sarif(result, options: options)
            case .oscal: text = ReportRenderer.oscalAssessmentResults(result, options: options)
            case .poam: text = ReportRenderer.oscalPOAM(result, options: options)
            case .codequality: text = ReportRenderer.gitlabCodeQuality(result, options: options)
            case .json:
                let ok = stream(to: temp) { write in ReportRenderer.json(result, options: options, write: write) }
                return ok ? nil : "cannot write \(temp): check that \(folder) is writable"
            }
        } catch {
            return "cannot render the \(format.rawValue) report: \(error)"
        }
        guard FileManager.default.createFile(atPath: temp, contents: Data(text.utf8)) else {
            return "cannot write \(temp): check that \(folder) is writable"
        }
        return nil
    }

    /// Creates `path` and writes what `render` hands over into it; false when any write failed.
    private static func stream(to path: String, render: ((String) -> Void) -> Void) -> Bool {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else { return false }
        var failed = false
        render { piece in
            guard !failed else { return }
            do { try handle.write(contentsOf: Data(piece.utf8)) } catch { failed = true }
        }
        do { try handle.close() } catch { failed = true }
        return !failed
    }
}
