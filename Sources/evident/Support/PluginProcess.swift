import EvidentCore
import Foundation

/// Runs external evaluator plugins: the executable gets the request on stdin; stdout and stderr are read
/// while it runs; past its timeout it is terminated (then killed). Only the audit command uses it, for
/// plugins named by catalogs and plans given on the command line.
enum PluginProcess {
    static let runner: PluginRunner = { run($0) }

    /// The most output read from a plugin, per stream.
    static let outputLimit = 64 << 20

    static func run(_ invocation: PluginInvocation) -> PluginRun {
        // A plugin that exits without reading its request must not kill evident with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: invocation.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return PluginRun(launchError: "no such file")
        }
        guard FileManager.default.isExecutableFile(atPath: invocation.path) else {
            return PluginRun(launchError: "the file is not executable (chmod +x)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: invocation.path)
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            return PluginRun(launchError: error.localizedDescription)
        }
        let readers = DispatchGroup()
        let stdout = Collected(), stderr = Collected()
        for (pipe, sink) in [(output, stdout), (errors, stderr)] {
            readers.enter()
            DispatchQueue.global().async {
                sink.read(pipe.fileHandleForReading, limit: outputLimit)
                readers.leave()
            }
        }
        DispatchQueue.global().async {
            try? input.fileHandleForWriting.write(contentsOf: invocation.request)
            try? input.fileHandleForWriting.close()
        }
        var timedOut = false
        if exited.wait(timeout: .now() + .seconds(invocation.timeoutSeconds)) == .timedOut {
            timedOut = true
            process.terminate()
            if exited.wait(timeout: .now() + .seconds(2)) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
        }
        // Children of the plugin may keep its pipes open: do not wait for them for long.
        _ = readers.wait(timeout: .now() + .seconds(timedOut ? 1 : 5))
        return PluginRun(exitStatus: process.terminationStatus, stdout: stdout.data, stderr: stderr.data, timedOut: timedOut)
    }

    /// Bytes read from one stream on a background queue.
    final class Collected: @unchecked Sendable {
        private var buffer = Data()
        private let lock = NSLock()

        func read(_ handle: FileHandle, limit: Int) {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                lock.lock()
                if buffer.count < limit { buffer.append(chunk.prefix(limit - buffer.count)) }
                lock.unlock()
            }
        }

        var data: Data {
            lock.lock()
            defer { lock.unlock() }
            return buffer
        }
    }
}
