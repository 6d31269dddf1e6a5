import ArgumentParser
import EvidentCore
import Foundation

/// `evident snapshot`: captures a snapshot through the user's own kubectl, Secret values stripped.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Capture a snapshot of the current cluster through kubectl (Secret values are never written).",
        discussion: """
            Runs your kubectl (so every authentication plugin works) to list every kind the catalogs read: the \
            built-in kinds, plus Calico, Kyverno, Gatekeeper, ValidatingAdmissionPolicy and sigstore policies \
            when the cluster serves them (found with `kubectl api-resources`). Secret `data` and `stringData` \
            keep their keys with empty values before anything is written.

            The result is one kubectl-style List whose `evidentCapture` member records which kinds were \
            collected, which were forbidden and which the cluster does not serve; `evident audit` reports a \
            control that needs a forbidden kind as needs-evidence. The file is written atomically.

            The capture needs get and list on those kinds only: see controls/rbac/evident-reader.yaml.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The kubeconfig context to use (kubectl --context).", valueName: "name"))
    var context: String?

    @Option(name: .long, help: ArgumentHelp("The kubeconfig file (kubectl --kubeconfig).", valueName: "file"))
    var kubeconfig: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the snapshot; - or nothing for stdout.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Objects per request when kubectl pages through a list (0: no paging).", valueName: "n"))
    var chunkSize: Int = 500

    @Option(name: .long, help: ArgumentHelp("The kubectl to run. Default: kubectl on PATH.", valueName: "path"))
    var kubectl: String?

    func validate() throws {
        if chunkSize < 0 { throw ValidationError("--chunk-size must be 0 or more") }
    }

    func run() throws {
        let tool = try Self.locate(kubectl)
        var global: [String] = []
        if let context { global += ["--context", context] }
        if let kubeconfig { global += ["--kubeconfig", kubeconfig] }
        let progress = Progress()
        let started = Date()

        progress.update("Discovering the kinds the cluster serves")
        let discovery = KubectlProcess.run(tool, global + ["api-resources", "-o", "name"])
        let names = String(decoding: discovery.stdout, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
        if let launch = discovery.launchError {
            throw CLIError.invalid("could not run \(tool): \(launch)")
        }
        if discovery.status != 0 {
            // Discovery fails as a whole when one aggregated API is down, yet lists the rest.
            guard !names.isEmpty else { throw Self.kubectlFailed("api-resources", discovery) }
            Self.warn("kubectl api-resources: \(Self.firstLine(discovery.stderr)); going on with the kinds it listed")
        }
        let plan = SnapshotCapture.plan(served: names)

        let sink = try Sink(output)
        var record = CaptureRecord(startedAt: Timestamp.format(started), capturedAt: "", context: context,
                                   absent: plan.absent.map { CaptureRecord.Entry(resource: $0.resource, kind: $0.kind) })
        var written = 0
        do {
            try sink.write(SnapshotCapture.header)
            for (i, spec) in plan.collect.enumerated() {
                progress.update("Collecting \(spec.resource) (\(i + 1)/\(plan.collect.count))")
                let get = KubectlProcess.run(
                    tool, global + ["get", spec.resource, "-A", "-o", "json", "--chunk-size=\(chunkSize)"])
                if let launch = get.launchError { throw CLIError.invalid("could not run \(tool): \(launch)") }
                if get.status != 0 {
                    let entry = CaptureRecord.Entry(resource: spec.resource, kind: spec.kind,
                                                    message: Self.firstLine(get.stderr))
                    switch SnapshotCapture.classify(get.stderr) {
                    case .forbidden: record.forbidden.append(entry)
                    case .absent: record.absent.append(CaptureRecord.Entry(resource: spec.resource, kind: spec.kind))
                    case .other: throw Self.kubectlFailed("get \(spec.resource)", get)
                    }
                    continue
                }
                let items: [Value]
                do {
                    items = try SnapshotCapture.items(get.stdout, resource: spec.resource)
                } catch {
                    throw CLIError(code: 2, message: "error: kubectl get \(spec.resource) printed no valid JSON: \(error.description)")
                }
                try sink.write(SnapshotCapture.render(items: items, first: written == 0))
                written += items.count
                record.collected.append(CaptureRecord.Entry(resource: spec.resource, kind: spec.kind, count: items.count))
            }
            record.capturedAt = Timestamp.format(Date())
            try sink.write(SnapshotCapture.footer(record: record, empty: written == 0))
            try sink.commit()
        } catch {
            progress.finish()
            sink.discard()
            throw error
        }
        progress.finish()
        if !record.forbidden.isEmpty {
            Self.warn("forbidden, so not collected (audited as needs-evidence): "
                      + record.forbidden.map(\.resource).joined(separator: ", "))
        }
        if let path = sink.path {
            let summary = "wrote \(path): \(written) objects of \(record.collected.count) kinds"
            FileHandle.standardError.write(Data((Terminal.clean(summary) + "\n").utf8))
        }
    }

    /// The kubectl to run: `--kubectl` (a path, or a name looked up on PATH), else `kubectl` on PATH.
    static func locate(_ given: String?) throws(CLIError) -> String {
        let name = given ?? "kubectl"
        if name.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: name) else {
                throw CLIError.invalid("\(name) is not an executable file")
            }
            return name
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        throw CLIError.invalid("\(name) was not found on PATH: install kubectl or give its path with --kubectl")
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return Terminal.clean(line.trimmingCharacters(in: .whitespaces))
    }

    static func kubectlFailed(_ what: String, _ run: KubectlProcess.Run) -> CLIError {
        let detail = firstLine(run.stderr)
        return CLIError(code: 2, message: "error: kubectl \(what) failed (exit \(run.status))"
                        + (detail.isEmpty ? "" : ": \(detail)") + "; nothing was written")
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data(("warning: " + Terminal.clean(message) + "\n").utf8))
    }
}

/// Where the snapshot goes: a temporary file beside the target, renamed over it at the end; or stdout,
/// through a temporary file too, so that a failed capture prints nothing.
private final class Sink {
    let path: String?
    private let temp: String
    private let handle: FileHandle

    init(_ output: String?) throws(CLIError) {
        path = output == "-" ? nil : output
        let directory: String
        if let path {
            directory = (path as NSString).deletingLastPathComponent.isEmpty
                ? "." : (path as NSString).deletingLastPathComponent
        } else {
            directory = NSTemporaryDirectory()
        }
        let base = path.map { ($0 as NSString).lastPathComponent } ?? "snapshot"
        temp = (directory as NSString).appendingPathComponent(".\(base).\(getpid()).\(UUID().uuidString.prefix(8)).tmp")
        guard FileManager.default.createFile(atPath: temp, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temp) else {
            throw CLIError.invalid("cannot write in \(directory)")
        }
        self.handle = handle
    }

    func write(_ text: String) throws(CLIError) {
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw CLIError.invalid("cannot write \(path ?? "the snapshot"): \(error.localizedDescription)")
        }
    }

    func commit() throws(CLIError) {
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw CLIError.invalid("cannot write \(path ?? "the snapshot"): \(error.localizedDescription)")
        }
        if let path {
            guard rename(temp, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temp)
                throw CLIError.invalid("cannot write \(path): \(reason)")
            }
        } else {
            defer { unlink(temp) }
            guard let data = FileManager.default.contents(atPath: temp) else {
                throw CLIError.invalid("cannot read back the snapshot")
            }
            FileHandle.standardOutput.write(data)
        }
    }

    func discard() {
        try? handle.close()
        unlink(temp)
    }
}

/// Runs kubectl to the end, both streams read while it runs.
enum KubectlProcess {
    struct Run {
        var status: Int32 = -1
        var stdout = Data()
        var stderr = ""
        var launchError: String?
    }

    static func run(_ tool: String, _ arguments: [String]) -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return Run(launchError: error.localizedDescription)
        }
        let readers = DispatchGroup()
        let stdout = PluginProcess.Collected(), stderr = PluginProcess.Collected()
        for (pipe, sink) in [(output, stdout), (errors, stderr)] {
            readers.enter()
            DispatchQueue.global().async {
                sink.read(pipe.fileHandleForReading, limit: Int.max)
                readers.leave()
            }
        }
        process.waitUntilExit()
        readers.wait()
        return Run(status: process.terminationStatus, stdout: stdout.data,
                   stderr: String(decoding: stderr.data, as: UTF8.self))
    }
}
