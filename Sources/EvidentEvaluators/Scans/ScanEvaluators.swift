import EvidentCore

/// The evaluators that read image-scan results (`--scan`), one file each.
enum ScanEvaluators {
    static let all: [any Evaluator.Type] = [
        ImageVulnerabilities.self, ImageScanCoverage.self, ImageSSHServer.self, ImageUserNotRoot.self, ImageSecrets.self,
        ImageAge.self,
    ]
}
