import EvidentCore

/// The evaluators of this folder, one file each.
enum NodeEvaluators {
    static let all: [any Evaluator.Type] = [
        NodeReady.self, KubeletVersionSkew.self, KubeletVersionFloor.self, ContainerRuntimeVersion.self,
        NodeOSImage.self, NodeKernelVersion.self, NodeVersionDrift.self, RuntimeSensorDaemonSet.self,
        SensitivityNodePinning.self, SensitiveNodeIsolation.self,
    ]
}
