import EvidentCore

/// The evaluators of this folder, one file each: the Pod Security Admission checks, baseline then restricted.
enum PodSecurityEvaluators {
    static let baseline: [any Evaluator.Type] = [
        PSSWindowsHostProcess.self, PSSHostNamespaces.self, PSSPrivileged.self, PSSCapabilitiesBaseline.self,
        PSSHostPathVolumes.self, PSSHostPorts.self, PSSHostProbesAndHostLifecycle.self, PSSAppArmorProfile.self,
        PSSSELinuxOptions.self, PSSProcMount.self, PSSSeccompProfileBaseline.self, PSSSysctls.self,
    ]
    static let restricted: [any Evaluator.Type] = [
        PSSRestrictedVolumes.self, PSSAllowPrivilegeEscalation.self, PSSRunAsNonRoot.self, PSSRunAsUser.self,
        PSSSeccompProfileRestricted.self, PSSCapabilitiesRestricted.self, PSSProcMountRestricted.self,
    ]
    static let all: [any Evaluator.Type] = baseline + restricted
}
