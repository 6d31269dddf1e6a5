import EvidentCore

/// The evaluators of this folder, one file each.
enum ImageEvaluators {
    static let all: [any Evaluator.Type] = [
        ImageRegistryAllowed.self, ImageTagPinned.self, ImageDigestPinned.self, RegistryEndpointSecure.self,
        ImagePullSecrets.self,
    ]
}
