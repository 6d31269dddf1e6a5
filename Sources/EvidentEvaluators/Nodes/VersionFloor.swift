import EvidentCore

/// The shared body of the checks that compare one version field of every Node with a floor.
enum VersionFloor {
    /// Reads the floor parameter `name`; a value that is not a version is a bad argument.
    static func floor(_ parameters: Parameters, _ name: String) throws(EvaluationError) -> NodeVersion? {
        guard let raw = parameters[name] else { return nil }
        guard let text = raw.string else {
            // YAML reads an unquoted 1.30 as the number 1.3: refuse rather than guess.
            throw EvaluationError("""
                \(name) must be a version written as a quoted string such as "1.29.0", got \(raw.display)
                """)
        }
        guard let version = NodeVersion(text) else {
            throw EvaluationError("\(name) '\(text)' is not a version such as \"1.29.0\"")
        }
        return version
    }

    /// A finding when `text` (the node's field at `path`, described as `what`) is unreadable or below `floor`.
    static func check(_ node: NodeFacts, _ text: String?, floor: NodeVersion, path: String, what: String) -> Finding? {
        guard let version = text.flatMap(NodeVersion.init) else {
            return Finding(
                on: node.node, path: path, observed: NodeFacts.unreadable(text), expected: ">= \(floor.text)",
                message: """
                    node \(node.name) reports no readable \(what) version, so it cannot be compared with \
                    \(floor.text)
                    """)
        }
        guard version < floor else { return nil }
        return Finding(
            on: node.node, path: path, observed: version.text, expected: ">= \(floor.text)",
            message: "node \(node.name) runs \(what) \(version.text), older than the required \(floor.text)")
    }
}
