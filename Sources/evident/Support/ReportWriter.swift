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
    /// How errors name them: the user's path, or the built-in's.
    var htmlName = BuiltinResources.htmlTemplatePath
    var markdownName = BuiltinResources.markdownTemplatePath

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
        return ReportTemplates(html: h, markdown: m, inputs: inputs, htmlName: html ?? BuiltinResources.htmlTemplatePath,
                               markdownName: markdown ?? BuiltinResources.markdownTemplatePath)
    }

    /// Report options with these templates; when `formats` has HTML or Markdown, the templates are parsed
    /// on a thread from now on (`PreparedTemplates`), and `check` waits for them.
    func reportOptions(formats: [ReportFormat], markdownBudget: Int, maxRows: Int) -> ReportOptions {
        var options = ReportOptions(htmlTemplate: html, markdownTemplate: markdown, markdownBudget: markdownBudget,
                                    maxRowsPerControl: maxRows, htmlTemplateName: htmlName, markdownTemplateName: markdownName)
        if formats.contains(.html) || formats.contains(.markdown) {
            options.prepared = PreparedTemplates(options, html: formats.contains(.html), markdown: formats.contains(.markdown))
        }
        return options
    }

    /// Fails with the first template problem of `options` (naming the file and line), after waiting for the parse.
    static func check(_ options: ReportOptions) throws(CLIError) {
        do {
            try options.prepared?.check()
        } catch {
            // Named like a compiler names a problem: `path:line: error: ...`.
            throw CLIError(code: 2, message: "\(error)")
        }
    }
}

/// The file operations `ReportWriter` uses, with the POSIX conventions (-1 and `errno` on failure). `system`
/// is the real file system; tests inject a full disk or a folder that turns read-only half-way.
struct ReportFileSystem: Sendable {
    /// Creates or truncates `path` for writing; a descriptor, or -1.
    var open: @Sendable (String) -> Int32
    /// Writes some of the bytes; how many, or -1.
    var write: @Sendable (Int32, UnsafeRawBufferPointer) -> Int
    /// Atomically replaces `to` by `from`; 0, or -1.
    var rename: @Sendable (String, String) -> Int32

    static let system = ReportFileSystem(open: posixOpen, write: posixWrite, rename: posixRename)
}

// The C calls by other names: inside `ReportFileSystem` its own properties would shadow them.
private func posixOpen(_ path: String) -> Int32 { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
private func posixWrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int { write(fd, bytes.baseAddress, bytes.count) }
private func posixRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }

/// Renders every report first, then moves them into place: a failure leaves earlier reports untouched.
/// `results.json` is streamed into its temporary file as it is rendered (it holds every finding, and may
/// be hundreds of megabytes); the others are rendered whole. Nothing replaces a report until all are
/// written and flushed to disk; if a replacement then fails, the ones already replaced are put back, so the
/// folder holds either every new report or every old one. Temporary files of runs that were killed are
/// removed by the next run.
enum ReportWriter {
    static func write(_ result: AuditResult, formats: [ReportFormat], options: ReportOptions,
                      to folder: String, fileSystem fs: ReportFileSystem = .system) throws(CLIError) -> [String] {
        let fm = FileManager.default
        if let problem = makeFolder(folder) {
            throw .invalid("cannot create the output folder \(folder): \(problem); choose another --output, or make "
                           + "its parent folder writable")
        }
        removeStaleTemporaries(in: folder)
        let pid = ProcessInfo.processInfo.processIdentifier
        let paths = formats.map { format in
            (temp: (folder as NSString).appendingPathComponent(".\(format.fileName).\(pid).tmp"),
             final: (folder as NSString).appendingPathComponent(format.fileName))
        }
        // Each report is written to its temporary file. results.json, the largest by far, renders on this
        // thread and spreads its findings over every core itself (which it could not do nested inside a
        // concurrentPerform); the other reports render alongside it on the global queue.
        let outcomes = Outcomes(count: formats.count)
        let model = SharedModel(result, options: options)
        let group = DispatchGroup()
        let first = formats.firstIndex(of: .json) ?? 0
        for i in formats.indices where i != first {
            DispatchQueue.global().async(group: group) {
                outcomes.set(i, render(formats[i], result, model: model, options: options, to: paths[i].temp,
                                       folder: folder, fs: fs))
            }
        }
        if !formats.isEmpty {
            outcomes.set(first, render(formats[first], result, model: model, options: options, to: paths[first].temp,
                                       folder: folder, fs: fs))
        }
        group.wait()
        var entries: [ManifestEntry] = []
        for (i, outcome) in outcomes.values.enumerated() {
            guard case .success(let written)? = outcome else {
                for p in paths { try? fm.removeItem(atPath: p.temp) }
                let problem = if case .failure(let failure)? = outcome { failure.message } else { "cannot write \(paths[i].temp)" }
                throw .invalid(problem + "; the previous reports are unchanged")
            }
            entries.append(ManifestEntry(file: formats[i].fileName, sha256: written.sha256, bytes: written.bytes))
        }
        var staged = paths
        do {
            staged += try stageManifest(result, reports: entries, signingKey: options.manifestSigningKey, folder: folder,
                                        fs: fs)
        } catch {
            for p in paths { try? fm.removeItem(atPath: p.temp) }
            throw error
        }
        try replace(staged, folder: folder, fs: fs)
        return staged.map(\.final)
    }

    /// Moves every temporary file over its report. The reports it replaces are hard-linked aside first; when a
    /// move fails, the moved ones are put back from those links (or removed, if they did not exist before).
    private static func replace(_ staged: [(temp: String, final: String)], folder: String,
                                fs: ReportFileSystem) throws(CLIError) {
        let fm = FileManager.default
        var backups: [String?] = []
        func cleanUp(from index: Int) {
            for s in staged[index...] { try? fm.removeItem(atPath: s.temp) }
            for case let b? in backups { try? fm.removeItem(atPath: b) }
        }
        for s in staged {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: s.final, isDirectory: &isDirectory) else {
                backups.append(nil)
                continue
            }
            let backup = s.temp + ".old"
            if isDirectory.boolValue || link(s.final, backup) != 0 {
                let reason = isDirectory.boolValue ? "it is a folder" : String(cString: strerror(errno))
                cleanUp(from: 0)
                throw .invalid("cannot replace \(s.final): \(reason); remove it or choose another --output "
                               + "(the previous reports are unchanged)")
            }
            backups.append(backup)
        }
        for (i, s) in staged.enumerated() where fs.rename(s.temp, s.final) != 0 {
            let reason = String(cString: strerror(errno))
            // Put back what was replaced, newest first.
            var restored = true
            for j in stride(from: i - 1, through: 0, by: -1) {
                if let backup = backups[j] {
                    if posixRename(backup, staged[j].final) != 0 { restored = false } else { backups[j] = nil }
                } else if (try? fm.removeItem(atPath: staged[j].final)) == nil {
                    restored = false
                }
            }
            cleanUp(from: i)
            throw .invalid("cannot move the report into place at \(s.final): \(reason); make \(folder) writable or "
                           + "choose another --output. "
                           + (restored ? "The previous reports are unchanged."
                                       : "Some reports could not be put back: rerun the audit."))
        }
        cleanUp(from: staged.count)
    }

    /// Creates `path` and its missing parents; nil when it is a folder now, else why not.
    static func makeFolder(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            return isDirectory.boolValue ? nil : "\(path) is a file, not a folder"
        }
        // By hand: Foundation's deletingLastPathComponent traps on a one-character relative path on Linux.
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if let slash = trimmed.lastIndex(of: "/") {
            let parent = slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
            if parent != path, let problem = makeFolder(parent) { return problem }
        }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { return String(cString: strerror(errno)) }
        return nil
    }

    /// Removes `.<report>.<pid>.tmp` files (and their `.old` links) left by evident runs that no longer exist.
    private static func removeStaleTemporaries(in folder: String) {
        let names = Set(ReportFormat.allCases.map(\.fileName) + ["manifest.json", ManifestSignature.fileName])
        for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where file.hasPrefix(".") {
            var parts = file.dropFirst().split(separator: ".").map(String.init)
            if parts.last == "old" { parts.removeLast() }
            guard parts.count >= 3, parts.last == "tmp", let pid = Int32(parts[parts.count - 2]),
                  names.contains(parts.dropLast(2).joined(separator: ".")) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(file))
            }
        }
    }

    /// `manifest.json` (written on every run) of the staged reports, hashed as they were written; with a key,
    /// also `manifest.json.sig`.
    private static func stageManifest(_ result: AuditResult, reports entries: [ManifestEntry],
                                      signingKey: String?, folder: String,
                                      fs: ReportFileSystem) throws(CLIError) -> [(temp: String, final: String)] {
        let name = "manifest.json"
        let final = (folder as NSString).appendingPathComponent(name)
        let temp = (folder as NSString).appendingPathComponent(".\(name).\(ProcessInfo.processInfo.processIdentifier).tmp")
        let text = ReportRenderer.manifest(result, reports: entries)
        if case .failure(let failure) = writeFile(temp, folder: folder, fs: fs, body: { write in write(text) }) {
            throw .invalid(failure.message + "; the previous reports are unchanged")
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
        if case .failure(let failure) = writeFile(sigTemp, folder: folder, fs: fs, body: { write in write(signature) }) {
            try? FileManager.default.removeItem(atPath: temp)
            throw .invalid(failure.message + "; the previous reports are unchanged")
        }
        return [(temp, final), (sigTemp, (folder as NSString).appendingPathComponent(sigName))]
    }

    /// Renders one report into `temp`: what was written, or what went wrong.
    private static func render(_ format: ReportFormat, _ result: AuditResult, model: SharedModel, options: ReportOptions,
                               to temp: String, folder: String, fs: ReportFileSystem) -> Result<Written, WriteFailure> {
        let text: String
        do {
            switch format {
            case .html: text = try ReportRenderer.html(model.value, options: options)
            case .markdown: text = try ReportRenderer.markdown(model.value, options: options)
            case .junit: text = ReportRenderer.junit(result, options: options)
            case .sarif: text = ReportRenderer.sarif(result, options: options)
            case .oscal: text = ReportRenderer.oscalAssessmentResults(result, options: options)
            case .poam: text = ReportRenderer.oscalPOAM(result, options: options)
            case .codequality: text = ReportRenderer.gitlabCodeQuality(result, options: options)
            case .json:
                return writeFile(temp, folder: folder, fs: fs) { write in
                    ReportRenderer.json(result, options: options, write: write)
                }
            }
        } catch {
            return .failure(WriteFailure("cannot render the \(format.rawValue) report: \(error)"))
        }
        return writeFile(temp, folder: folder, fs: fs) { write in write(text) }
    }

    /// The report model HTML and Markdown share: built by whichever asks first, while the other waits.
    private final class SharedModel: @unchecked Sendable {
        private let lock = NSLock()
        private let result: AuditResult
        private let options: ReportOptions
        private var model: ReportModel?

        init(_ result: AuditResult, options: ReportOptions) {
            self.result = result
            self.options = options
        }

        var value: ReportModel {
            lock.withLock {
                if let model { return model }
                let made = ReportModel(result, options: options)
                model = made
                return made
            }
        }
    }

    /// Creates `path`, writes what `body` hands over into it and flushes it to disk; the SHA-256 and length of
    /// what was written, taken as it was written, or why it could not be (naming the file, the system's
    /// reason and what to do).
    static func writeFile(_ path: String, folder: String, fs: ReportFileSystem,
                          body: ((String) -> Void) -> Void) -> Result<Written, WriteFailure> {
        let fd = fs.open(path)
        guard fd >= 0 else { return .failure(WriteFailure(explain(errno, path: path, folder: folder))) }
        // Pieces are written on a queue of their own while the next ones render; at most a few wait.
        let writer = DispatchQueue(label: "evident.report-writer")
        let room = DispatchSemaphore(value: 4)
        let outcome = WriteOutcome()
        // Only the writer queue touches it until `writer.sync` below.
        let digest = DigestBox()
        body { piece in
            guard outcome.failure == nil else { return }
            room.wait()
            writer.async {
                defer { room.signal() }
                guard outcome.failure == nil else { return }
                var piece = piece
                piece.withUTF8 { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let n = fs.write(fd, UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[offset...])))
                        if n < 0 {
                            if errno == EINTR { continue }
                            outcome.failure = errno
                            return
                        }
                        offset += n
                    }
                    digest.running.update(UnsafeRawBufferPointer(bytes))
                }
            }
        }
        writer.sync {}
        var failure = outcome.failure
        if failure == nil && fsync(fd) != 0 && errno != EINVAL && errno != EROFS { failure = errno }
        if close(fd) != 0 && failure == nil { failure = errno }
        guard let failure else { return .success(Written(sha256: digest.running.hex, bytes: digest.running.bytes)) }
        unlink(path)
        return .failure(WriteFailure(explain(failure, path: path, folder: folder)))
    }

    /// What went into a file.
    struct Written {
        let sha256: String
        let bytes: Int
    }

    /// Why a report could not be written, in words.
    struct WriteFailure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// The digest of a file being written, updated on its writer queue only.
    private final class DigestBox: @unchecked Sendable {
        var running = Digest.Running()
    }

    /// What rendering each report came to, set from several threads.
    private final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Result<Written, WriteFailure>?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ outcome: Result<Written, WriteFailure>) { lock.withLock { slots[i] = outcome } }
        var values: [Result<Written, WriteFailure>?] { lock.withLock { slots } }
    }

    /// The first write error of a file, set on its writer queue.
    private final class WriteOutcome: @unchecked Sendable {
        private let lock = NSLock()
        private var code: Int32?
        var failure: Int32? {
            get { lock.withLock { code } }
            set { lock.withLock { code = newValue } }
        }
    }

    /// A write failure in words: the report, the system's reason, and what to do about it.
    static func explain(_ code: Int32, path: String, folder: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let report = name.hasPrefix(".") ? String(name.dropFirst().split(separator: ".").dropLast(2).joined(separator: ".")) : name
        let what = "cannot write \(report) in \(folder) (\(name)): \(String(cString: strerror(code)))"
        switch code {
        case ENOSPC, EDQUOT, EFBIG:
            return what + "; free space on that disk, or choose another --output"
        case EACCES, EPERM, EROFS:
            return what + "; make \(folder) writable, or choose another --output"
        default:
            return what + "; check \(folder), or choose another --output"
        }
    }
}
