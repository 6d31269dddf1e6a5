import Foundation

/// The `plugin` evaluator: a check answered by an external executable named in a catalog or plan
/// (`with: {path: ..., timeout: 30, kinds: [...]}`; the path is relative to that file). The engine sends
/// it one JSON request on stdin and reads findings from its stdout (see `PluginProtocol` and the README).
/// It runs only through the audit engine, with the runner the command line provides: core does no I/O.
public struct PluginEvaluator: Evaluator {
    public static let id = "plugin"
    /// Seconds a plugin may run when the check sets no `timeout`.
    public static let defaultTimeout = 30
    /// The kinds sent to a plugin whose check sets no `kinds`: every pod-bearing kind.
    public static let defaultKinds = SnapshotIndex.workloadKinds.keys.sorted()

    public static let descriptor = EvaluatorDescriptor(
        id: id,
        title: "External plugin",
        summary: """
            Runs the executable named by path (relative to the catalog or plan file) with a JSON request on \
            stdin (protocolVersion, control, parameters, the matched resources of kinds) and reads findings \
            from its stdout. A crash, a timeout (timeout seconds, default 30), invalid JSON or a finding on a \
            resource it was not given makes the check error. Only catalogs and plans given on the command line \
            can name plugins.
            """,
        parameters: [
            EvaluatorParameter("path", "the plugin executable, relative to the catalog or plan that names it", required: true),
            EvaluatorParameter("timeout", "seconds the plugin may run (default 30)"),
            EvaluatorParameter("kinds", "the kinds of resources sent to the plugin (default: pod-bearing kinds)"),
        ],
        examples: [])

    public init() {}

    public func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        throw EvaluationError("plugins run only inside an audit, which provides the plugin runner")
    }

    public static func validate(_ parameters: Parameters) throws(EvaluationError) {
        if let path = parameters["path"], path.string?.isEmpty ?? true {
            throw EvaluationError("path must name the plugin executable")
        }
        if let timeout = parameters["timeout"], !(1...3_600).contains(timeout.int ?? 0) {
            throw EvaluationError("timeout must be a whole number of seconds from 1 to 3600")
        }
        if let kinds = parameters["kinds"], kinds.list == nil || kinds.items.contains(where: { $0.string == nil }) {
            throw EvaluationError("kinds must be a list of kind names")
        }
    }

    /// `relative` resolved against the folder of `file` (the catalog or plan that names it).
    public static func resolve(_ relative: String, from file: String) -> String {
        if relative.hasPrefix("/") { return relative }
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty ? relative : folder + "/" + relative
    }
}

/// One plugin run to perform: what the engine asks the command line's runner to do.
public struct PluginInvocation: Sendable {
    public var path: String
    public var timeoutSeconds: Int
    public var request: Data

    public init(path: String, timeoutSeconds: Int, request: Data) {
        self.path = path
        self.timeoutSeconds = timeoutSeconds
        self.request = request
    }
}

/// What a plugin run gave back.
public struct PluginRun: Sendable {
    public var exitStatus: Int32
    public var stdout: Data
    public var stderr: Data
    public var timedOut: Bool
    /// Why it could not start (no such file, not executable), when it could not.
    public var launchError: String?

    public init(exitStatus: Int32 = 0, stdout: Data = Data(), stderr: Data = Data(), timedOut: Bool = false,
                launchError: String? = nil) {
        self.exitStatus = exitStatus
        self.stdout = stdout
        self.stderr = stderr
        self.timedOut = timedOut
        self.launchError = launchError
    }
}

/// Runs a plugin process; provided by the command line.
public typealias PluginRunner = @Sendable (PluginInvocation) -> PluginRun

/// The plugin protocol, version 1: the request the engine writes and the response it accepts.
public enum PluginProtocol {
    public static let version = 1

    /// The resources a plugin check receives: objects of `kinds` outside `exempt_namespaces`, in input order.
    public static func matched(_ index: SnapshotIndex, parameters: Parameters) -> [Resource] {
        let kinds = parameters.stringList("kinds") ?? PluginEvaluator.defaultKinds
        return kinds.flatMap { index.resources(ofKind: $0) }.filter { !parameters.isExempt($0.namespace) }
    }

    /// The request: protocol version, the control and check, the parameters (without the plugin's own
    /// `path`, `timeout` and `kinds`), and the matched resources with their whole objects.
    public static func request(control: Control, check: CheckDefinition, parameters: Parameters,
                               resources: [Resource]) -> Data {
        var params = parameters.values
        for key in ["path", "timeout", "kinds"] { params[key] = nil }
        let controlValue: Value = .map([
            "id": .string(control.id), "title": .string(control.title), "statement": .string(control.statement),
            "severity": .string(control.severity.rawValue), "check": .string(check.id),
        ])
        let items: [Value] = resources.map { r in
            .map(["apiVersion": .string(r.apiVersion), "kind": .string(r.kind), "namespace": r.namespace.map(Value.string) ?? .null,
                  "name": .string(r.name), "object": r.body])
        }
        let request: Value = .map([
            "protocolVersion": .int(version), "control": controlValue, "parameters": .map(ValueMap(params)), "resources": .list(items),
        ])
        return Data((JSONText.render(request) + "\n").utf8)
    }

    /// Reads a plugin's response into an outcome. Errors say what is wrong, for the check's `error` reason.
    public static func outcome(_ stdout: Data, matched: [Resource]) -> Result<CheckOutcome, EvaluationError> {
        let read: Result<[JSONReader.Document], LoadError> = stdout.withUnsafeBytes { raw in
            do throws(LoadError) { return .success(try JSONReader.read(raw, file: "stdout")) } catch { return .failure(error) }
        }
        let documents: [JSONReader.Document]
        switch read {
        case .success(let d): documents = d
        case .failure(let e): return .failure(EvaluationError("its output is not valid JSON (\(e.message) at line \(e.location.line))"))
        }
        guard documents.count == 1, let root = documents.first?.value, root.map != nil else {
            return .failure(EvaluationError("its output must be one JSON object"))
        }
        if let v = root["protocolVersion"], v.int != version {
            return .failure(EvaluationError("it answered with protocolVersion \(v.display); evident speaks \(version)"))
        }
        if let reason = root["needsEvidence"]?.string {
            return .success(.needsEvidence(reason))
        }
        var byID: [String: Resource] = [:]
        for r in matched { byID[key(r.kind, r.namespace, r.name)] = r }
        var findings: [Finding] = []
        guard let list = root["findings"]?.list else {
            return .failure(EvaluationError("its output has no findings list"))
        }
        for (i, f) in list.enumerated() {
            guard let message = f["message"]?.string, !message.isEmpty else {
                return .failure(EvaluationError("findings[\(i)] has no message"))
            }
            let status: Finding.Status
            switch f["status"]?.string ?? "fail" {
            case "fail": status = .fail
            case "error": status = .error
            case let other: return .failure(EvaluationError("findings[\(i)] has unknown status '\(other)' (fail or error)"))
            }
            var finding: Finding
            if let r = f["resource"], !r.isNull {
                guard let kind = r["kind"]?.string, let name = r["name"]?.string,
                      let resource = byID[key(kind, r["namespace"]?.string, name)] else {
                    return .failure(EvaluationError("findings[\(i)] names a resource it was not given: \(r.display)"))
                }
                finding = Finding(on: resource, message: message)
            } else {
                finding = Finding.cluster(message: message)
            }
            finding.status = status
            finding.path = f["path"]?.string
            finding.observed = f["observed"]?.string
            finding.expected = f["expected"]?.string
            finding.image = f["image"]?.string
            findings.append(finding)
        }
        let evaluated = root["evaluated"]?.int ?? matched.count
        return .success(CheckOutcome(evaluated: evaluated, findings: findings))
    }

    private static func key(_ kind: String, _ namespace: String?, _ name: String) -> String {
        "\(kind)\u{1}\(namespace ?? "")\u{1}\(name)"
    }
}

/// Compact JSON text of a `Value`, map keys sorted (so requests are deterministic).
public enum JSONText {
    public static func render(_ value: Value) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func write(_ value: Value, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? String(d) : "null"
        case .string(let s): string(s, into: &out)
        case .list(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case .map(let members):
            out += "{"
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                string(key, into: &out)
                out += ":"
                write(members[key] ?? .null, into: &out)
            }
            out += "}"
        }
    }

    private static func string(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
