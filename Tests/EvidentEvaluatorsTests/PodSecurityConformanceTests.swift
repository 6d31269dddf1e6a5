import EvidentCore
import EvidentEvaluators
import Foundation
import Testing

/// The official Pod Security Admission fixtures
/// (`pod-security-admission/test/testdata/<baseline|restricted>/v1.<minor>/<pass|fail>/<checkid><N>.yaml`),
/// read from `EVIDENT_CONFORMANCE` or `../shared/conformance` beside the package root.
enum PodSecurityConformance {
    static let baselineChecks = [
        "windowsHostProcess", "hostNamespaces", "privileged", "capabilities_baseline", "hostPathVolumes", "hostPorts",
        "hostProbesAndHostLifecycle", "appArmorProfile", "seLinuxOptions", "procMount", "seccompProfile_baseline",
        "sysctls",
    ]
    static let restrictedChecks = [
        "restrictedVolumes", "allowPrivilegeEscalation", "runAsNonRoot", "runAsUser", "seccompProfile_restricted",
        "capabilities_restricted", "procMount_restricted",
    ]

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var conformanceRoot: URL {
        if let env = ProcessInfo.processInfo.environment["EVIDENT_CONFORMANCE"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.appendingPathComponent("../shared/conformance").standardizedFileURL
    }

    static var fixtures: URL { conformanceRoot.appendingPathComponent("pod-security-admission/test/testdata") }

    static var available: Bool {
        var isDirectory: ObjCBool = false
        let present = FileManager.default.fileExists(atPath: fixtures.path, isDirectory: &isDirectory)
            && isDirectory.boolValue
        if !present {
            print("PSS conformance: SKIPPED - fixtures not found at \(fixtures.path) "
                  + "(set EVIDENT_CONFORMANCE to the conformance folder)")
        }
        return present
    }

    /// The evaluator of each check id (`pss-<checkId>`).
    static func evaluators(_ checks: [String]) -> [(check: String, type: any Evaluator.Type)] {
        checks.compactMap { check in
            BuiltinEvaluators.all.first { $0.descriptor.id == "pss-" + check }.map { (check, $0) }
        }
    }

    /// `capabilities_restricted2.yaml` -> `capabilities_restricted`; `base_linux.yaml` -> `base_linux`.
    static func checkName(of file: String) -> String {
        var stem = Substring(file.hasSuffix(".yaml") ? String(file.dropLast(5)) : file)
        while let last = stem.last, last.isNumber { stem = stem.dropLast() }
        return String(stem)
    }

    static func subfolders(_ url: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }
}

@Suite("Pod Security conformance")
struct PodSecurityConformanceTests {
    @Test("every official PSA fixture gets the verdict its path names",
          .enabled(if: PodSecurityConformance.available, "Pod Security fixtures are not present"))
    func fixtures() throws {
        let root = PodSecurityConformance.fixtures
        let baseline = PodSecurityConformance.evaluators(PodSecurityConformance.baselineChecks)
        let restricted = baseline + PodSecurityConformance.evaluators(PodSecurityConformance.restrictedChecks)
        #expect(baseline.count == 12, "a baseline check evaluator is not registered")
        #expect(restricted.count == 19, "a restricted check evaluator is not registered")
        let lowerToCheck = Dictionary(uniqueKeysWithValues: restricted.map { ($0.check.lowercased(), $0.check) })

        var total = 0
        var agree = 0
        var disagreements: [String] = []
        for level in ["baseline", "restricted"] {
            let checks = level == "baseline" ? baseline : restricted
            let versions = PodSecurityConformance.subfolders(root.appendingPathComponent(level))
            for version in versions {
                for verdict in ["pass", "fail"] {
                    let folder = root.appendingPathComponent("\(level)/\(version)/\(verdict)")
                    for file in PodSecurityConformance.subfolders(folder) where file.hasSuffix(".yaml") {
                        total += 1
                        let name = "\(level)/\(version)/\(verdict)/\(file)"
                        let failed: [String]
                        do {
                            failed = try Self.failingChecks(folder.appendingPathComponent(file), version: version,
                                                            checks: checks)
                        } catch {
                            disagreements.append("\(name): \(error)")
                            continue
                        }
                        if verdict == "pass" {
                            if failed.isEmpty { agree += 1 } else { disagreements.append("\(name): fails \(failed)") }
                        } else {
                            let stem = PodSecurityConformance.checkName(of: file)
                            guard let expected = lowerToCheck[stem] else {
                                disagreements.append("\(name): no check named \(stem)")
                                continue
                            }
                            if failed.contains(expected) {
                                agree += 1
                            } else {
                                disagreements.append("\(name): expected \(expected) to fail, failing \(failed)")
                            }
                        }
                    }
                }
            }
        }
        print("PSS conformance: \(total) fixtures, \(agree) agree")
        for line in disagreements.prefix(50) { print("PSS conformance disagreement: \(line)") }
        #expect(total > 0, "no fixtures found under \(root.path)")
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(total) fixtures disagree")
    }

    /// The checks (of `checks`) that report the fixture's pod at `version`.
    static func failingChecks(_ file: URL, version: String,
                              checks: [(check: String, type: any Evaluator.Type)]) throws -> [String] {
        let snapshot = try SnapshotLoader.load(try Data(contentsOf: file), path: file.lastPathComponent)
        let index = SnapshotIndex(snapshot)
        let context = EvaluationContext(index: index, parameters: Parameters(["pss_version": .string(version)]),
                                        now: Date(timeIntervalSince1970: 1_790_000_000))
        var failed: [String] = []
        for (check, type) in checks {
            let outcome = try type.init().evaluate(context)
            if outcome.evaluated != 1 { throw EvaluationError("\(check) evaluated \(outcome.evaluated) pods, not 1") }
            if !outcome.findings.isEmpty { failed.append(check) }
        }
        return failed
    }

    /// The version logic is not idle: a fail fixture that first appears at v1.N (its check was added then) must
    /// pass that check at v1.N-1, and the pass fixtures that a version relaxed must fail the version before.
    @Test("checks change at the versions the fixtures change",
          .enabled(if: PodSecurityConformance.available, "Pod Security fixtures are not present"))
    func versionBoundaries() throws {
        let root = PodSecurityConformance.fixtures
        let all = PodSecurityConformance.evaluators(PodSecurityConformance.baselineChecks
                                                    + PodSecurityConformance.restrictedChecks)
        let lowerToCheck = Dictionary(uniqueKeysWithValues: all.map { ($0.check.lowercased(), $0) })
        var cases = 0
        for level in ["baseline", "restricted"] {
            let versions = PodSecurityConformance.subfolders(root.appendingPathComponent(level))
                .compactMap { v -> Int? in v.hasPrefix("v1.") ? Int(v.dropFirst(3)) : nil }.sorted()
            for (previous, current) in zip(versions, versions.dropFirst()) {
                let earlier = root.appendingPathComponent("\(level)/v1.\(previous)/fail")
                let before = Set(PodSecurityConformance.subfolders(earlier))
                let folder = root.appendingPathComponent("\(level)/v1.\(current)/fail")
                for file in PodSecurityConformance.subfolders(folder) where !before.contains(file) {
                    guard let entry = lowerToCheck[PodSecurityConformance.checkName(of: file)] else { continue }
                    cases += 1
                    let failed = try Self.failingChecks(folder.appendingPathComponent(file), version: "v1.\(previous)",
                                                        checks: [entry])
                    #expect(failed.isEmpty,
                            "\(level)/v1.\(current)/fail/\(file) fails \(entry.check) at v1.\(previous)")
                }
            }
        }
        // Relaxations: Unmasked /proc in a user namespace (v1.35) and each growth of the safe sysctls.
        let relaxed: [(file: String, check: String, version: Int)] = [
            ("baseline/v1.35/pass/procmount1.yaml", "procMount", 35),
            ("baseline/v1.27/pass/sysctls1.yaml", "sysctls", 27), ("baseline/v1.29/pass/sysctls1.yaml", "sysctls", 29),
            ("baseline/v1.32/pass/sysctls1.yaml", "sysctls", 32), ("baseline/v1.37/pass/sysctls1.yaml", "sysctls", 37),
        ]
        for item in relaxed {
            guard let entry = lowerToCheck[item.check.lowercased()] else { continue }
            cases += 1
            let file = root.appendingPathComponent(item.file)
            #expect(try Self.failingChecks(file, version: "v1.\(item.version)", checks: [entry]).isEmpty,
                    "\(item.file)")
            #expect(try Self.failingChecks(file, version: "v1.\(item.version - 1)", checks: [entry]) == [item.check],
                    "\(item.file) should fail \(item.check) at v1.\(item.version - 1)")
        }
        print("PSS conformance: \(cases) version-boundary cases checked")
        #expect(cases > 20)
    }

    @Test("fixture names map to check ids")
    func names() {
        #expect(PodSecurityConformance.checkName(of: "capabilities_restricted12.yaml") == "capabilities_restricted")
        #expect(PodSecurityConformance.checkName(of: "runasnonroot3.yaml") == "runasnonroot")
        #expect(PodSecurityConformance.checkName(of: "base.yaml") == "base")
    }
}

/// The built-in catalog's Pod Security checks name registered evaluators with the PSA check ids.
@Suite("Pod Security catalog")
struct PodSecurityCatalogTests {
    @Test("controls/k8s-pod-security-standards.yaml maps each PSA check to its evaluator")
    func catalogChecks() throws {
        let url = PodSecurityConformance.packageRoot.appendingPathComponent("controls/k8s-pod-security-standards.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let pattern = #"\{id: (\w+), evaluator: ([\w-]+), objective: pss-(baseline|restricted)-(\w+)_obj\.1\}"#
        let regex = try NSRegularExpression(pattern: pattern)
        var found: [String: String] = [:]
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let group = { (i: Int) in Range(match.range(at: i), in: text).map { String(text[$0]) } ?? "" }
            let (check, evaluator, level, control) = (group(1), group(2), group(3), group(4))
            #expect(evaluator == "pss-" + check, "\(check) uses evaluator \(evaluator)")
            #expect(control == check, "check \(check) sits in control pss-\(level)-\(control)")
            #expect(text.contains("- id: pss-\(level)-\(check)\n"), "no control pss-\(level)-\(check)")
            #expect(BuiltinEvaluators.all.contains { $0.descriptor.id == evaluator }, "\(evaluator) is not registered")
            found[check] = level
        }
        let expected = Dictionary(uniqueKeysWithValues: PodSecurityConformance.baselineChecks.map { ($0, "baseline") }
                                  + PodSecurityConformance.restrictedChecks.map { ($0, "restricted") })
        #expect(found == expected)
    }
}
