import EvidentCore

/// The evaluators of this folder, one file each.
enum NetworkEvaluators {
    static let all: [any Evaluator.Type] = [
        NamespaceDefaultDenyIngress.self, NamespaceDefaultDenyEgress.self, PodPolicyCoverage.self,
        PublicExposureZone.self, EgressOpenCIDR.self, SensitiveInternetEgress.self, CrossSensitivityPaths.self,
        InternetReachableWorkloads.self,
    ]
}
