@testable import evident
import EvidentCore
import EvidentEvaluators
import EvidentReport
import Foundation
import Testing

/// Issue 7, part 6: failure-safe output. A failed run (a renderer failing, a full disk, a folder that turns
/// unwritable half-way) leaves the previous reports byte-identical and no temporary or partial files; an
/// unwritable output folder or a full disk is exit 2 with a message naming the path and what to do.
@Suite("Failure-safe report writing", .serialized)
struct ReportWriterTests {
    static func example() throws -> (AuditResult, ReportOptions) {
        let registry = BuiltinEvaluators.registry
        let scope = try Scope.load(planPath: nil, catalogPaths: [], example: true, registry: registry)
        let (snapshot, inputs) = try Inputs.exampleSnapshot()
        let result = AuditEngine(registry: registry).run(
            snapshot: SnapshotIndex(snapshot), plan: scope.plan, catalogs: scope.catalogs, inputs: inputs + scope.inputs,
            options: AuditOptions(now: Date(timeIntervalSince1970: 1_793_491_200), toolVersion: "test"))
        let options = ReportOptions(htmlTemplate: try BuiltinResources.file(BuiltinResources.htmlTemplatePath),
                                    markdownTemplate: try BuiltinResources.file(BuiltinResources.markdownTemplatePath))
        return (result, options)
    }

    /// Every file in `folder`, name to bytes.
    static func contents(_ folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            out[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return out
    }

    /// A folder holding the reports of a first, successful run.
    static func previousRun() throws -> (URL, [String: Data], AuditResult, ReportOptions) {
        let dir = try CLI.temporaryDirectory()
        let (result, options) = try example()
        var older = result
        older.plan.title = "the previous run"
        _ = try ReportWriter.write(older, formats: ReportFormat.allCases, options: options, to: dir.path)
        let before = try contents(dir)
        #expect(before.count == ReportFormat.allCases.count + 1)
        return (dir, before, result, options)
    }

    /// The real file system, except that every write into the temporary file of `report` fails with ENOSPC
    /// after the first 512 bytes, as on a disk that fills up while the report is written.
    static func fullDisk(for report: String) -> ReportFileSystem {
        var fs = ReportFileSystem.system
        let open = fs.open, write = fs.write
        let full = Descriptors()
        fs.open = { path in
            let fd = open(path)
            // Descriptors are reused: only the one open on the report's temporary file is full.
            if (path as NSString).lastPathComponent.hasPrefix(".\(report).") { full.insert(fd) } else { full.remove(fd) }
            return fd
        }
        fs.write = { fd, bytes in
            guard full.contains(fd) else { return write(fd, bytes) }
            if full.written(fd) >= 512 {
                errno = ENOSPC
                return -1
            }
            let n = write(fd, UnsafeRawBufferPointer(rebasing: bytes.prefix(512)))
            if n > 0 { full.add(n, to: fd) }
            return n
        }
        return fs
    }

    static func expectFailure(_ body: () throws -> Void, says words: [String],
                              sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("the write succeeded", sourceLocation: sourceLocation)
        } catch let error as CLIError {
            #expect(error.code == 2, sourceLocation: sourceLocation)
            for word in words {
                #expect(error.message.contains(word), "\(error.message)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("the real /dev/full, where the machine has it: a write fails with 'No space left on device' and what to do")
    func devFull() throws {
        // Only the character device: never create a file of that name.
        var info = stat()
        guard stat("/dev/full", &info) == 0, info.st_mode & S_IFMT == S_IFCHR else {
            print("NOTE: /dev/full is not a character device here; the full-disk tests inject ENOSPC instead")
            return
        }
        let outcome = ReportWriter.writeFile("/dev/full", folder: "/dev", fs: .system) { write in
            write(String(repeating: "x", count: 100_000))
        }
        var problem: String?
        if case .failure(let failure) = outcome { problem = failure.message }
        #expect(problem?.contains("No space left on device") == true, "\(problem ?? "")")
        #expect(problem?.contains("free space") == true)
    }

    @Test("a full disk while writing any report: exit 2, the previous reports unchanged, nothing partial",
          arguments: ["results.json", "report.html", "junit.xml", "manifest.json"])
    func fullDiskLeavesPreviousReports(_ report: String) throws {
        let (dir, before, result, options) = try Self.previousRun()
        defer { try? FileManager.default.removeItem(at: dir) }
        Self.expectFailure({
            _ = try ReportWriter.write(result, formats: ReportFormat.allCases, options: options, to: dir.path,
                                       fileSystem: Self.fullDisk(for: report))
        }, says: [report, dir.path, "No space left on device", "free space", "--output", "unchanged"])
        #expect(try Self.contents(dir) == before, "the previous reports are byte-identical, and no temporary file is left")
    }

    @Test("the folder turns unwritable half-way through replacing: every previous report is put back",
          arguments: [0, 1, 4, 8])
    func renameFailsHalfWay(_ failing: Int) throws {
        let (dir, before, result, options) = try Self.previousRun()
        defer { try? FileManager.default.removeItem(at: dir) }
        var fs = ReportFileSystem.system
        let calls = Counter()
        fs.rename = { from, to in
            if calls.next() == failing {
                errno = EACCES
                return -1
            }
            return ReportFileSystem.system.rename(from, to)
        }
        Self.expectFailure({
            _ = try ReportWriter.write(result, formats: ReportFormat.allCases, options: options, to: dir.path, fileSystem: fs)
        }, says: ["Permission denied", "writable", "unchanged"])
        #expect(try Self.contents(dir) == before)
    }

    @Test("a first run that fails half-way leaves no report at all")
    func firstRunLeavesNothing() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (result, options) = try Self.example()
        var fs = ReportFileSystem.system
        let calls = Counter()
        fs.rename = { from, to in
            if calls.next() == 3 {
                errno = EROFS
                return -1
            }
            return ReportFileSystem.system.rename(from, to)
        }
        Self.expectFailure({
            _ = try ReportWriter.write(result, formats: ReportFormat.allCases, options: options, to: dir.path, fileSystem: fs)
        }, says: ["Read-only file system"])
        #expect(try Self.contents(dir).isEmpty, "no results.json, manifest.json or temporary file remains")
    }

    @Test("temporary files of a killed run are removed by the next one")
    func staleTemporaries() throws {
        let (dir, _, result, options) = try Self.previousRun()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A pid that does not exist (above the kernel's limit), and a live one (this process) that must be kept.
        let mine = ProcessInfo.processInfo.processIdentifier
        for name in [".results.json.99999999.tmp", ".manifest.json.99999999.tmp.old", ".report.html.\(mine).tmp.keep"] {
            try Data("partial".utf8).write(to: dir.appendingPathComponent(name))
        }
        _ = try ReportWriter.write(result, formats: [.json], options: options, to: dir.path)
        let names = Set(try Self.contents(dir).keys)
        #expect(!names.contains(".results.json.99999999.tmp") && !names.contains(".manifest.json.99999999.tmp.old"))
        #expect(names.contains(".report.html.\(mine).tmp.keep"), "files that are not ours stay")
    }

    // MARK: At the command line

    static let snapshot = CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml").path

    @Test("a renderer that fails leaves the previous reports byte-identical")
    func rendererFails() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try CLI.run(["audit", Self.snapshot, "-o", "out", "--format", "all", "--now", "2026-11-27T12:00:00Z"], in: dir)
        #expect(first.code == 0 || first.code == 1, "\(first.stderr)")
        let before = try Self.contents(dir.appendingPathComponent("out"))
        try CLI.write("{{#unclosed}} <p>{{{raw}}}</p>", to: dir.appendingPathComponent("bad.mustache"))
        let second = try CLI.run(["audit", Self.snapshot, "-o", "out", "--format", "all", "--html-template", "bad.mustache",
                                  "--now", "2026-11-28T12:00:00Z"], in: dir)
        #expect(second.code == 2, "\(second.stderr)")
        // Named by the user's file, not the built-in template's path.
        #expect(second.stderr.contains("bad.mustache:1: error: the triple mustache"), "\(second.stderr)")
        #expect(try Self.contents(dir.appendingPathComponent("out")) == before)
    }

    @Test("a template is checked only when its report is asked for")
    func unusedTemplate() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try CLI.write("<p>{{{raw}}}</p>", to: dir.appendingPathComponent("bad.mustache"))
        let run = try CLI.run(["audit", Self.snapshot, "-o", "out", "--format", "markdown,json", "--html-template",
                               "bad.mustache", "--now", "2026-11-27T12:00:00Z"], in: dir)
        #expect(run.code == 0 || run.code == 1, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/report.md").path))
    }

    @Test("an output folder that cannot be made: exit 2, naming the path and what to do",
          arguments: ["a-file/reports", "/proc/evident-reports"])
    func unwritableFolder(_ output: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try CLI.write("not a folder", to: dir.appendingPathComponent("a-file"))
        let r = try CLI.run(["audit", Self.snapshot, "-o", output], in: dir)
        #expect(r.code == 2)
        #expect(r.stderr.contains("cannot create the output folder \(output)"), "\(r.stderr)")
        #expect(r.stderr.contains("choose another --output"), "\(r.stderr)")
    }

    @Test("a report path taken by a folder: exit 2 before anything is replaced")
    func reportPathIsAFolder() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        _ = try CLI.run(["audit", Self.snapshot, "-o", "out"], in: dir)
        try FileManager.default.removeItem(at: out.appendingPathComponent("junit.xml"))
        try FileManager.default.createDirectory(at: out.appendingPathComponent("junit.xml"), withIntermediateDirectories: false)
        let before = try Self.contents(out.appendingPathComponent("junit.xml")).count
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        let html = try Data(contentsOf: out.appendingPathComponent("report.html"))
        let r = try CLI.run(["audit", Self.snapshot, "-o", "out", "--now", "2026-12-01T00:00:00Z"], in: dir)
        #expect(r.code == 2)
        #expect(r.stderr.contains("junit.xml") && r.stderr.contains("it is a folder"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == files)
        #expect(try Data(contentsOf: out.appendingPathComponent("report.html")) == html)
        #expect(try Self.contents(out.appendingPathComponent("junit.xml")).count == before)
    }
}

/// A thread-safe call counter for injected failures.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}

/// File descriptors an injected full disk applies to, and how much was written into each.
final class Descriptors: @unchecked Sendable {
    private var bytes: [Int32: Int] = [:]
    private let lock = NSLock()

    func insert(_ fd: Int32) { lock.lock(); bytes[fd] = 0; lock.unlock() }
    func remove(_ fd: Int32) { lock.lock(); bytes[fd] = nil; lock.unlock() }
    func contains(_ fd: Int32) -> Bool { lock.lock(); defer { lock.unlock() }; return bytes[fd] != nil }
    func written(_ fd: Int32) -> Int { lock.lock(); defer { lock.unlock() }; return bytes[fd] ?? 0 }
    func add(_ n: Int, to fd: Int32) { lock.lock(); bytes[fd, default: 0] += n; lock.unlock() }
}
