import ArgumentParser
import CMemory
import EvidentCore
import Foundation

/// The command line. Only this target parses arguments, reads and writes files, and prints.
@main
struct Evident: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "evident",
        abstract: "Turn a Kubernetes cluster snapshot into compliance evidence (NIST SP 800-190, Pod Security Standards).",
        discussion: """
            evident checks a snapshot (what `kubectl get ... -o json` prints, or manifests) against control \
            catalogs and your security plan, and writes HTML, Markdown, JUnit XML and JSON reports that list \
            every deviation from the plan with its evidence.

            Start with:  evident audit --example

            EXIT CODES
              0  the gate passed, or the command succeeded
              1  the gate failed (see `evident audit --help`)
              2  invalid invocation or input; nothing evaluated
              3  a control ended in `error`: the result cannot be trusted
            """,
        version: version,
        subcommands: [AuditCommand.self, ControlsCommand.self, PlanCommand.self, EvaluatorsCommand.self, ReachCommand.self,
                      CELCommand.self, DiffCommand.self, VerifyCommand.self, SnapshotCommand.self, HistoryCommand.self]
    )

    /// Runs the command and maps every failure onto the exit codes above.
    static func main() {
        // One arena per core: the default (eight per core) kept a few MiB more resident for the threads that
        // load files and render reports, at no gain in speed on two cores.
        evident_limit_arenas(Int32(max(2, ProcessInfo.processInfo.activeProcessorCount)))
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CLIError {
            // Messages quote snapshot, plan and file-name text: clean it as all printed text is cleaned.
            FileHandle.standardError.write(Data((Terminal.cleanLines(error.message) + "\n").utf8))
            Foundation.exit(error.code)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error).rawValue
            if code == 0 {
                print(Terminal.cleanLines(fullMessage(for: error)))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((Terminal.cleanLines(fullMessage(for: error)) + "\n").utf8))
            FileHandle.standardError.write(Data("Run 'evident help' for usage.\n".utf8))
            Foundation.exit(2)
        }
    }
}

/// A failure with its exit code and a message for stderr.
struct CLIError: Error {
    var code: Int32
    var message: String

    static func invalid(_ message: String) -> CLIError { CLIError(code: 2, message: "error: \(message)") }

    static func load(_ error: LoadError) -> CLIError { CLIError(code: 2, message: error.description) }
}
