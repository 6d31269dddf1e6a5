import EvidentCore
import EvidentEvaluators
import EvidentResources
import Foundation

/// File and stdin reading for the pipeline: the only place that touches input files.
enum Inputs {
    static let snapshotExtensions: Set<String> = ["yaml", "yml", "json"]

    /// Reads a file, or stdin for `-`.
    static func read(_ path: String) throws(CLIError) -> Data {
        if path == "-" {
            return FileHandle.standardInput.readDataToEndOfFile()
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .invalid("\(path): no such file or folder")
        }
        guard !isDirectory.boolValue else { throw .invalid("\(path): is a folder, expected a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalid("\(path): cannot be read (check its permissions)")
        }
        return data
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
    static func snapshots(_ paths: [String], progress: Progress) throws(CLIError) -> (Snapshot, [InputFile]) {
        let files = try expand(paths)
        var parts: [Snapshot] = []
        var inputs: [InputFile] = []
        for (i, path) in files.enumerated() {
            progress.update("loading \(path) (\(i + 1)/\(files.count))")
            let data = try read(path)
            inputs.append(InputFile(path: path, role: .snapshot, sha256: Digest.sha256(data), bytes: data.count))
            do {
                parts.append(try SnapshotLoader.load(data, path: path))
            } catch {
                throw .load(error)
            }
        }
        let merged = Snapshot.merging(parts)
        if merged.resources.isEmpty {
            throw .invalid("the inputs (\(files.joined(separator: ", "))) hold no Kubernetes objects; nothing to audit. "
                           + "Check the kubectl command that made the snapshot (`evident audit --help` shows one)")
        }
        return (merged, inputs)
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
