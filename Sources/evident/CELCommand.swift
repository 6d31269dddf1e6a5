import ArgumentParser
import EvidentCEL
import EvidentCore
import EvidentEvaluators
import Foundation
import Yams

/// `evident cel EXPR`: evaluates one CEL expression, for writing and debugging custom controls.
struct CELCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cel",
        abstract: "Evaluate one CEL expression and print the result as typed JSON.",
        discussion: """
            Binds the variables custom controls see: `object` (--object), `namespaceObject` (--namespace-object) \
            and `params` (--params); each is null when not given. Prints one line such as \
            {"type": "bool", "value": true}.

            EXIT CODES
              0  the expression evaluated (whatever its value)
              1  an evaluation error (no such key, no such overload, division by zero, overflow)
              2  a parse error (with line and column) or an unreadable input file
            """
    )

    @Argument(help: ArgumentHelp("The CEL expression (put `--` before one that starts with `-`).", valueName: "expression"))
    var expression: String

    @Option(name: .long, help: ArgumentHelp("A Kubernetes object (YAML or JSON) bound to `object`.", valueName: "file"))
    var object: String?

    @Option(name: .long, help: ArgumentHelp("A Namespace object (YAML or JSON) bound to `namespaceObject`.", valueName: "file"))
    var namespaceObject: String?

    @Option(name: .long, help: ArgumentHelp("A YAML or JSON map bound to `params`.", valueName: "file"))
    var params: String?

    func run() throws {
        let program: CELProgram
        do {
            program = try CELProgram(expression)
        } catch {
            throw CLIError(code: 2, message: "error: parse error at \(error.description)")
        }
        var variables: [String: CELValue] = ["object": .null, "namespaceObject": .null, "params": .null]
        if let object { variables["object"] = try Self.kubernetesObject(object) }
        if let namespaceObject { variables["namespaceObject"] = try Self.kubernetesObject(namespaceObject) }
        if let params { variables["params"] = try Self.document(params) }
        do {
            print(try program.evaluate(variables).typedJSON)
        } catch {
            throw CLIError(code: 1, message: "error: evaluation error: \(error.message)")
        }
    }

    /// One Kubernetes object, read as an audit reads it.
    static func kubernetesObject(_ path: String) throws(CLIError) -> CELValue {
        let data = try Inputs.read(path)
        let snapshot: Snapshot
        do {
            snapshot = try SnapshotLoader.load(data, path: path)
        } catch {
            throw .load(error)
        }
        guard snapshot.resources.count == 1, let resource = snapshot.resources.first else {
            throw .invalid("\(path): expected one Kubernetes object, found \(snapshot.resources.count)")
        }
        return CELValue(resource.body)
    }

    /// Any YAML or JSON document (a map of parameters).
    static func document(_ path: String) throws(CLIError) -> CELValue {
        do {
            return CELValue(try DocumentLoader.load(try Inputs.read(path), path: path))
        } catch let error as LoadError {
            throw .load(error)
        } catch let error as CLIError {
            throw error
        } catch {
            throw .invalid("\(path): \(error)")
        }
    }
}
