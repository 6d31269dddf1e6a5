import EvidentCore

/// The "enforced at admission" checks, one file each; they read policy objects, not workloads.
enum AdmissionEvaluators {
    static let all: [any Evaluator.Type] = [
        AdmissionRegistries.self, AdmissionSignatures.self, AdmissionImageTags.self, AdmissionVulnerabilityGate.self,
        AdmissionPodSecurity.self,
    ]
}
