import EvidentCore

/// Passes when every Node's kernel (`status.nodeInfo.kernelVersion`, e.g. `5.15.0-1057-aws`) is at least
/// `min_kernel_version` (required; a distribution build such as `5.15.0-1057` counts after the dash);
/// fails on each node with an older or unreadable kernel version.
struct NodeKernelVersion: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "node-kernel-version",
        title: "Node kernels meet the minimum version",
        summary: "Fails for every Node whose kernel version is older than min_kernel_version, or cannot be read.",
        parameters: [EvaluatorParameter("min_kernel_version", "the oldest kernel allowed, e.g. 5.15.0-1057",
                                        required: true)],
        requiredKinds: ["Node"],
        examples: [
            .passing("patched kernels", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status: {nodeInfo: {kernelVersion: 5.15.0-1060-aws}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                status: {nodeInfo: {kernelVersion: 6.1.102-111.182.amzn2023.x86_64}}
                """, parameters: ["min_kernel_version": .string("5.15.0-1057")]),
            .failing("an older build of the same kernel, and an unreadable one", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status: {nodeInfo: {kernelVersion: 5.15.0-1050-aws}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2}
                status: {nodeInfo: {kernelVersion: unknown}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n3}
                status: {nodeInfo: {kernelVersion: 5.15.0-1057-aws}}
                """, failing: ["Node n1", "Node n2"], parameters: ["min_kernel_version": .string("5.15.0-1057")]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        guard let floor = try VersionFloor.floor(context.parameters, "min_kernel_version") else {
            return .needsEvidence("the parameter min_kernel_version is not set")
        }
        let nodes = NodeFacts.all(in: context.index)
        let findings = nodes.compactMap { node in
            VersionFloor.check(node, node.kernelVersion, floor: floor, path: "status.nodeInfo.kernelVersion",
                               what: "kernel")
        }
        return CheckOutcome(evaluated: nodes.count, findings: findings)
    }
}

extension NodeKernelVersion {
    static func validate(_ parameters: Parameters) throws(EvaluationError) {
        _ = try VersionFloor.floor(parameters, "min_kernel_version")
    }
}
