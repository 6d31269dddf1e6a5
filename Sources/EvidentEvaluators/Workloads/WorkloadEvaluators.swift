import EvidentCore

/// The evaluators of this folder, one file each.
enum WorkloadEvaluators {
    static let all: [any Evaluator.Type] = [
        ReadOnlyRootFilesystem.self, RunAsNonRoot.self, SSHPort.self, SecretEnvValues.self, ConfigMapSecrets.self,
        RuntimeSocketMount.self, ResourceLimits.self, BarePods.self, EphemeralContainers.self,
        HostPathVolumes.self, PrivilegedHostPID.self, HostNetwork.self,
    ]
}
