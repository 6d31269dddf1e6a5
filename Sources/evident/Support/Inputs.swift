import EvidentCore
import EvidentEvaluators
import EvidentResources
import Foundation

/// File and stdin reading for the pipeline: the only place that touches input files.
enum Inputs {
    static let snapshotExtensions: Set<String> = ["yaml", "yml", "json"]

    /// The largest plan, catalog, scan or other small input; `--max-input-size` sets it for a run.
    nonisolated(unsafe) static var smallFileLimit = Limits.defaultSmallFileBytes

    /// Reads a file, or stdin for `-`; fails (exit 2) when it holds more than `limit` bytes.
    static func read(_ path: String, limit: Int? = nil) throws(CLIError) -> Data {
        let limit = limit ?? smallFileLimit
        if path == "-" {
            var data = Data()
            while true {
                let chunk = FileHandle.standardInput.readData(ofLength: 1 << 20)
                if chunk.isEmpty { break }
                data.append(chunk)
                if data.count > limit { throw tooLarge("-", limit: limit) }
            }
            return data
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .invalid("\(path): no such file or folder")
        }
        guard !isDirectory.boolValue else { throw .invalid("\(path): is a folder, expected a file") }
        try checkSize(path, limit: limit)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalid("\(path): cannot be read (check its permissions)")
        }
        if data.count > limit { throw tooLarge(path, limit: limit) }
        return data
    }

    /// Fails when the file at `path` is larger than `limit` bytes.
    static func checkSize(_ path: String, limit: Int) throws(CLIError) {
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) > limit {
            throw tooLarge(path, limit: limit)
        }
    }

    static func tooLarge(_ path: String, limit: Int) -> CLIError {
        .load(LoadError("the input is larger than the limit of \(limit) bytes", at: SourceLocation(file: path, line: 1),
                        hint: "if the file is genuine, raise the limit with `evident audit --max-input-size`"))
    }

    static func text(_ data: Data, path: String) throws(CLIError) -> String {
        guard let text = String(data: data, encoding: .utf8) else {
            throw .load(LoadError("not UTF-8 text", at: SourceLocation(file: path, line: 1)))
        }
        return text
    }

    /// Expands folders (recursively, `.yaml`, `.yml` and `.json` files in path order) into files.
    static func expand(_ paths: [String]) throws(CLIError) -> [String] {
        var files: [String] = []
        if paths.filter({ $0 == "-" }).count > 1 { throw .invalid("'-' (stdin) can be given only once") }
        for path in paths {
            var isDirectory: ObjCBool = false
            if path != "-", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let base = URL(fileURLWithPath: path)
                guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey],
                                                                  options: [.skipsHiddenFiles]) else {
                    throw .invalid("\(path): cannot list the folder")
                }
                var found: [String] = []
                for case let url as URL in walker where snapshotExtensions.contains(url.pathExtension.lowercased())
                    && (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                    let relative = url.path.dropFirst(base.path.count).drop { $0 == "/" }
                    found.append((path.hasSuffix("/") ? path : path + "/") + relative)
                }
                guard !found.isEmpty else { throw .invalid("\(path): the folder holds no .yaml, .yml or .json files") }
                files += found.sorted()
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// Loads and merges every snapshot input, in order, with their digests.
    static func snapshots(_ paths: [String], limit: Int = Limits.defaultSnapshotBytes,
                          progress: Progress) throws(CLIError) -> (Snapshot, [InputFile]) {
        let files = try expand(paths)
        for path in files where path != "-" { try checkSize(path, limit: limit) }
        // For measurements: EVIDENT_SEQUENTIAL_LOAD=1 reads every input on one thread.
        let sequential = ProcessInfo.processInfo.environment["EVIDENT_SEQUENTIAL_LOAD"] == "1"
        let results: [Result<(snapshot: Snapshot, input: InputFile), CLIError>]
        if sequential || files.count == 1 {
            results = files.enumerated().map { i, path in
                progress.update("loading \(path) (\(i + 1)/\(files.count))")
                return loadOne(path, limit: limit, sequential: sequential)
            }
        } else {
            // A folder of manifests: files load on every core; the first error in file order is reported.
            progress.update("loading \(files.count) files")
            results = Parallel.map(files.count) { i in loadOne(files[i], limit: limit, sequential: false) }
        }
        var parts: [Snapshot] = []
        var inputs: [InputFile] = []
        for result in results {
            switch result {
            case .success(let loaded):
                parts.append(loaded.snapshot)
                inputs.append(loaded.input)
            case .failure(let error):
                throw error
            }
        }
        let merged = Snapshot.merging(parts)
        if merged.resources.isEmpty {
            throw .invalid("the inputs (\(files.joined(separator: ", "))) hold no Kubernetes objects; nothing to audit. "
                           + "Check the kubectl command that made the snapshot (`evident audit --help` shows one)")
        }
        return (merged, inputs)
    }

    /// One snapshot file, mapped (or read) and loaded without a digest, for commands that keep no evidence
    /// (`reach`), so that a large file never sits in memory whole. Throws when the file cannot be read; a
    /// file that is read but does not load is a failure, for the caller to report or skip.
    static func snapshot(_ path: String, limit: Int = Limits.defaultSnapshotBytes) throws(CLIError) -> Result<Snapshot, LoadError> {
        if path != "-" { try checkSize(path, limit: limit) }
        let (data, mapped) = try bytes(of: path, limit: limit)
        return data.withUnsafeBytes { raw in
            Result { () throws(LoadError) in
                try SnapshotLoader.load(data, path: path, release: mapped ? { MappedFile.release(raw, $0) } : nil)
            }
        }
    }

    /// A snapshot file's bytes: mapped when it can be (its pages can then be let go once read), else read
    /// whole (stdin, a pipe, an empty file).
    private static func bytes(of path: String, limit: Int) throws(CLIError) -> (data: Data, mapped: Bool) {
        if path != "-", let mapped = MappedFile.map(path) { return (mapped, true) }
        return (try read(path, limit: limit), false)
    }

    /// One snapshot file: mapped (or read), hashed and loaded.
    private static func loadOne(_ path: String, limit: Int,
                                sequential: Bool) -> Result<(snapshot: Snapshot, input: InputFile), CLIError> {
        let data: Data, mapped: Bool
        do throws(CLIError) { (data, mapped) = try bytes(of: path, limit: limit) } catch { return .failure(error) }
        return data.withUnsafeBytes { raw in
            // The digest of a large file is computed on another thread while the snapshot loads; a small
            // one's (a folder of manifests) here, where starting a thread would cost more than hashing.
            let digest = raw.count >= BackgroundDigest.threshold ? BackgroundDigest(raw, releasing: mapped) : nil
            let loaded: Snapshot
            do throws(LoadError) {
                loaded = try SnapshotLoader.load(data, path: path,
                                                 release: mapped ? { MappedFile.release(raw, $0) } : nil,
                                                 parallelFrom: sequential ? .max : SnapshotLoader.parallelThreshold)
            } catch {
                _ = digest?.wait()
                return .failure(.load(error))
            }
            let sha256 = digest?.wait() ?? Digest.sha256(raw)
            return .success((loaded, InputFile(path: path, role: .snapshot, sha256: sha256, bytes: data.count)))
        }
    }

    /// The built-in snapshot of `evident audit --example`.
    static func exampleSnapshot() throws(CLIError) -> (Snapshot, [InputFile]) {
        let path = BuiltinResources.exampleSnapshotPath
        let text = try BuiltinResources.file(path)
        let data = Data(text.utf8)
        do {
            let snapshot = try SnapshotLoader.load(data, path: "builtin:\(path)")
            return (snapshot, [InputFile(path: "builtin:\(path)", role: .snapshot, sha256: Digest.sha256(data), bytes: data.count)])
        } catch {
            throw .load(error)
        }
    }
}

/// The SHA-256 of a buffer, computed on another thread; `wait` before the buffer goes away.
private final class BackgroundDigest: @unchecked Sendable {
    /// Smaller inputs are hashed where they are loaded.
    static let threshold = 4 << 20
    private let group = DispatchGroup()
    private var digest = ""
    private let bytes: UnsafeRawBufferPointer
    private let releasing: Bool

    init(_ bytes: UnsafeRawBufferPointer, releasing: Bool) {
        self.bytes = bytes
        self.releasing = releasing
        group.enter()
        // A thread of its own, not a pool thread that other loads may be holding while they wait.
        Thread { [self] in
            run()
            group.leave()
        }.start()
    }

    private func run() {
        let bytes = self.bytes
        let releasing = self.releasing
        digest = Digest.sha256(bytes) { if releasing { MappedFile.release(bytes, $0) } }
    }

    func wait() -> String {
        group.wait()
        return digest
    }
}

/// Large inputs are mapped rather than copied into memory, and their pages let go once read, so that a
/// 2 GB snapshot never needs 2 GB of memory.
enum MappedFile {
    /// The file's bytes, mapped read-only; nil when it cannot be mapped (empty, a pipe, ...).
    static func map(_ path: String) -> Data? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 else { return nil }
        let size = Int(info.st_size)
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else { return nil }
        return Data(bytesNoCopy: base, count: size, deallocator: .custom { pointer, count in
            munmap(pointer, count)
        })
    }

    /// Lets the whole pages inside `range` of a buffer from `map` go; reading them again brings them back
    /// from the page cache. Only for mapped files: on heap memory it would lose the data.
    static func release(_ buffer: UnsafeRawBufferPointer, _ range: Range<Int>) {
        guard let base = buffer.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + range.lowerBound + page - 1) / page * page
        let end = (Int(bitPattern: base) + range.upperBound) / page * page
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        madvise(pointer, end - start, MADV_DONTNEED)
    }
}

/// The catalogs, example and templates compiled into the executable.
enum BuiltinResources {
    static let exampleSnapshotPath = "controls/examples/example-snapshot.yaml"
    static let examplePlanPath = "controls/plans/example-plan.yaml"
    static let htmlTemplatePath = "templates/report.html.mustache"
    static let markdownTemplatePath = "templates/report.md.mustache"

    static func file(_ path: String) throws(CLIError) -> String {
        guard let text = EmbeddedResources.files[path] else {
            throw CLIError(code: 2, message: "error: the built-in file \(path) is missing from this build")
        }
        return text
    }

    /// Every built-in catalog (`controls/*.yaml`), in a fixed order: NIST first.
    static func catalogs(registry: EvaluatorRegistry) throws(CLIError) -> [Catalog] {
        let paths = EmbeddedResources.files.keys
            .filter { $0.hasPrefix("controls/") && $0.split(separator: "/").count == 2 && $0.hasSuffix(".yaml") }
            .sorted { ($0.contains("nist") ? 0 : 1, $0) < ($1.contains("nist") ? 0 : 1, $1) }
        var catalogs: [Catalog] = []
        for path in paths {
            do {
                catalogs.append(try CatalogLoader.load(try file(path), path: "builtin:\(path)", registry: registry))
            } catch let error as LoadError {
                throw CLIError(code: 2, message: "internal error in a built-in catalog: \(error)")
            } catch {
                throw CLIError(code: 2, message: "internal error: \(error)")
            }
        }
        return catalogs
    }
}

/// What a run has in scope: the plan, its catalogs, and the files they came from.
struct Scope {
    var plan: SecurityPlan
    var catalogs: [Catalog]
    var inputs: [InputFile]

    /// Loads the catalogs (built-in plus `--catalog` files) and the plan (or the implicit default plan).
    static func load(planPath: String?, catalogPaths: [String], example: Bool = false,
                     registry: EvaluatorRegistry) throws(CLIError) -> Scope {
        var builtins = try BuiltinResources.catalogs(registry: registry)
        var inputs: [InputFile] = []
        var extra: [Catalog] = []
        for path in catalogPaths {
            let data = try Inputs.read(path)
            inputs.append(InputFile(path: path, role: .catalog, sha256: Digest.sha256(data), bytes: data.count))
            do {
                let catalog = try CatalogLoader.load(try Inputs.text(data, path: path), path: path, registry: registry)
                if extra.contains(where: { $0.id == catalog.id }) {
                    throw CLIError.invalid("\(path): a catalog with id '\(catalog.id)' is already given by another --catalog")
                }
                if let i = builtins.firstIndex(where: { $0.id == catalog.id }) {
                    builtins[i] = catalog  // a file with a built-in's id replaces the built-in (e.g. a tailored copy)
                } else {
                    extra.append(catalog)
                }
            } catch let error as LoadError {
                throw .load(error)
            } catch let error as CLIError {
                throw error
            } catch {
                throw .invalid("\(path): \(error)")
            }
        }
        let planText: String
        let planPathShown: String
        if example {
            planPathShown = "builtin:\(BuiltinResources.examplePlanPath)"
            planText = try BuiltinResources.file(BuiltinResources.examplePlanPath)
            inputs.insert(InputFile(path: planPathShown, role: .plan, sha256: Digest.sha256(Data(planText.utf8)),
                                    bytes: planText.utf8.count), at: 0)
        } else if let planPath {
            let data = try Inputs.read(planPath)
            planText = try Inputs.text(data, path: planPath)
            planPathShown = planPath
            inputs.insert(InputFile(path: planPath, role: .plan, sha256: Digest.sha256(data), bytes: data.count), at: 0)
        } else {
            let catalogs = builtins + extra
            do { try CatalogLoader.checkTogether(catalogs) } catch { throw .load(error) }
            return Scope(plan: .implicit(catalogIDs: catalogs.map(\.id)), catalogs: catalogs, inputs: inputs)
        }
        let planDirectory = URL(fileURLWithPath: planPathShown).deletingLastPathComponent()
        let builtinCatalogs = builtins
        let referenced = ReferencedCatalogs()
        do {
            let (plan, catalogs) = try PlanLoader.load(planText, path: planPathShown, registry: registry, extra: extra) {
                reference, isPath, location throws(LoadError) in
                if !isPath {
                    guard let catalog = builtinCatalogs.first(where: { $0.id == reference }) else {
                        let known = builtinCatalogs.map(\.id).joined(separator: ", ")
                        throw LoadError("unknown catalog '\(reference)'", at: location, word: reference,
                                        hint: "built-in catalogs: \(known); give your own with `path:` or --catalog")
                    }
                    return catalog
                }
                let path = reference.hasPrefix("/") ? reference : planDirectory.appendingPathComponent(reference).path
                var info = stat()
                if stat(path, &info) == 0, Int(info.st_size) > Inputs.smallFileLimit {
                    throw LoadError("the catalog file \(path) is larger than the limit of \(Inputs.smallFileLimit) bytes",
                                    at: location, word: reference, hint: "raise the limit with --max-input-size")
                }
                guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    throw LoadError("cannot read the catalog file \(path)", at: location, word: reference)
                }
                referenced.add(InputFile(path: path, role: .catalog, sha256: Digest.sha256(data), bytes: data.count))
                return try CatalogLoader.load(text, path: path, registry: registry)
            }
            try CatalogLoader.checkTogether(catalogs)
            return Scope(plan: plan, catalogs: catalogs, inputs: inputs + referenced.files)
        } catch {
            throw .load(error)
        }
    }
}

/// Catalog files a plan pulls in by path, collected while the plan loads.
private final class ReferencedCatalogs: @unchecked Sendable {
    private(set) var files: [InputFile] = []
    func add(_ file: InputFile) { files.append(file) }
}
