import EvidentCore
import Foundation

/// A realistic `AuditResult`: two catalogs, several families, controls in every status, findings with
/// pods, paths and observed values, an exception that waives, an expired one, attestations (one expired),
/// diagnostics and inputs with digests. The clock is fixed at 2026-11-01T00:00:00Z.
enum Fixtures {
    static let now = Date(timeIntervalSince1970: 1_793_491_200)  // 2026-11-01T00:00:00Z
    static let snapshotTime = Date(timeIntervalSince1970: 1_793_466_000)  // 2026-10-31T17:00:00Z

    static func ref(_ apiVersion: String, _ kind: String, _ namespace: String?, _ name: String) -> ResourceReference {
        ResourceReference(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
    }

    static func at(_ file: String, _ line: Int) -> SourceLocation { SourceLocation(file: file, line: line) }

    // MARK: Catalogs

    static func control(_ id: String, _ title: String, _ severity: Severity, _ mode: AssessmentMode = .automated,
                        statement: String = "", objectives: [Objective] = [], checks: [String] = [],
                        references: [String: [String]] = [:]) -> Control {
        Control(id: id, title: title, statement: statement, objectives: objectives, severity: severity, mode: mode,
                checks: checks.map { CheckDefinition(id: $0, evaluator: $0) }, references: references)
    }

    static let c411 = control(
        "sp800-190-4.1.1", "Image vulnerabilities", .high,
        statement: "Images that run in the cluster carry no known vulnerabilities above the severity the plan "
            + "tolerates, as shown by a recent scan of every image.",
        objectives: [Objective(id: "a", text: "Every running image has been scanned."),
                     Objective(id: "b", text: "No image has unfixed critical or high vulnerabilities.")],
        checks: ["image-vulnerabilities"], references: ["sp800-53": ["RA-5", "SI-2"]])
    static let c412 = control("sp800-190-4.1.2", "Image configuration defects", .medium,
                              statement: "Images run as a non-root user and carry no unneeded setuid binaries.",
                              checks: ["image-runs-as-non-root"])
    static let c414 = control("sp800-190-4.1.4", "Embedded clear text secrets", .high,
                              statement: "Images and pod specifications hold no secrets in clear text.",
                              checks: ["image-secrets", "env-literal-secrets"])
    static let c421 = control("sp800-190-4.2.1", "Insecure connections to registries", .medium,
                              statement: "Images are pulled from registries over TLS only.",
                              checks: ["registry-tls"])
    static let c423 = control("sp800-190-4.2.3", "Insufficient authentication and authorization restrictions",
                              .medium, .manual,
                              statement: "Only authorised people and pipelines can push to the registries.")
    static let c431 = control("sp800-190-4.3.1", "Unbounded administrative access", .high,
                              statement: "Few subjects hold cluster-wide administrative rights.",
                              checks: ["cluster-admin-subjects"], references: ["sp800-53": ["AC-6"]])
    static let c433 = control("sp800-190-4.3.3", "Poorly separated inter-container network traffic", .medium,
                              statement: "Every namespace with workloads has a default-deny network policy.",
                              checks: ["namespace-default-deny"])
    static let c435 = control("sp800-190-4.3.5", "Orchestrator node trust", .medium, .manual,
                              statement: "Nodes join the cluster only with verified identities.")
    static let c441 = control("sp800-190-4.4.1", "Vulnerabilities within the runtime software", .medium,
                              statement: "Node container runtimes are at or above the plan's version floor.",
                              checks: ["runtime-version"])
    static let c443 = control("sp800-190-4.4.3", "Insecure container runtime configurations", .critical,
                              statement: "No container runs privileged or with host namespaces.",
                              checks: ["privileged", "host-namespaces"])
    static let c445 = control("sp800-190-4.4.5", "Rogue containers", .low,
                              statement: "Workloads are deployed only through the approved pipeline.",
                              checks: ["workload-provenance"])
    static let c453 = control("sp800-190-4.5.3", "Host file system tampering", .high,
                              statement: "Containers do not mount sensitive host paths.", checks: ["host-path"])
    static let c455 = control("sp800-190-4.5.5", "Host OS component vulnerabilities", .medium,
                              statement: "Host operating systems are patched.", checks: ["node-os-version"])

    static let nist = Catalog(
        id: "nist-sp800-190", title: "NIST SP 800-190 Application Container Security", version: "1.0.0",
        parameters: [],
        families: [
            ControlFamily(id: "image", title: "4.1 Image countermeasures", controls: [c411, c412, c414]),
            ControlFamily(id: "registry", title: "4.2 Registry countermeasures", controls: [c421, c423]),
            ControlFamily(id: "orchestrator", title: "4.3 Orchestrator countermeasures", controls: [c431, c433, c435]),
            ControlFamily(id: "container", title: "4.4 Container countermeasures", controls: [c441, c443, c445]),
            ControlFamily(id: "hostos", title: "4.5 Host OS countermeasures", controls: [c453, c455]),
        ],
        origin: "builtin:nist-sp800-190")

    static let pPrivileged = control("pss-baseline-privileged", "Privileged containers", .high,
                                     statement: "Containers do not run in privileged mode.", checks: ["privileged"])
    static let pHostNS = control("pss-baseline-hostNamespaces", "Host namespaces", .high,
                                 statement: "Pods do not share the host's network, PID or IPC namespaces.",
                                 checks: ["hostNamespaces"])
    static let pNonRoot = control("pss-restricted-runAsNonRoot", "Running as non-root", .medium,
                                  statement: "Containers must run as a non-root user.", checks: ["runAsNonRoot"])
    static let pSeccomp = control("pss-restricted-seccompProfile_restricted", "Seccomp", .medium,
                                  statement: "Pods set a RuntimeDefault or Localhost seccomp profile.",
                                  checks: ["seccompProfile_restricted"])

    static let pss = Catalog(
        id: "pss", title: "Kubernetes Pod Security Standards", version: "v1.37", parameters: [],
        families: [
            ControlFamily(id: "baseline", title: "Pod Security: baseline", controls: [pPrivileged, pHostNS]),
            ControlFamily(id: "restricted", title: "Pod Security: restricted", controls: [pNonRoot, pSeccomp]),
        ],
        origin: "builtin:pss")

    // MARK: Plan

    static let exc1 = PlanException(
        id: "EXC-1", control: "sp800-190-4.3.3", scope: ExceptionScope(namespace: "legacy"),
        justification: "The legacy namespace is being migrated; isolation arrives with the new CNI.",
        approvedBy: "CISO Office", ticket: "SEC-1042", expires: PlanDate(year: 2026, month: 11, day: 20),
        source: at("plan.yaml", 41))
    static let exc2 = PlanException(
        id: "EXC-2", control: "sp800-190-4.4.3",
        scope: ExceptionScope(namespace: "monitoring", kind: "DaemonSet", name: "node-exporter"),
        justification: "node-exporter needs host PID to read process metrics.",
        approvedBy: "A. Admin", ticket: "SEC-977", expires: PlanDate(year: 2026, month: 10, day: 15),
        source: at("plan.yaml", 49))
    static let exc3 = PlanException(
        id: "EXC-3", control: "sp800-190-4.5.3", scope: ExceptionScope(namespace: "batch", name: "old-importer"),
        justification: "Importer reads a host directory until the NFS move.",
        approvedBy: "A. Admin", ticket: nil, expires: PlanDate(year: 2027, month: 1, day: 31),
        source: at("plan.yaml", 57))
    static let exc4 = PlanException(
        id: "EXC-4", control: "pss-restricted-seccompProfile_restricted", scope: ExceptionScope(namespace: "vendor"),
        justification: "Vendor appliance; the vendor certifies its own seccomp profile.",
        approvedBy: "CISO Office", ticket: "SEC-1101", expires: PlanDate(year: 2027, month: 3, day: 31),
        source: at("plan.yaml", 64))
    static let exc5 = PlanException(
        id: "EXC-5", control: "sp800-190-4.4.3", scope: ExceptionScope(namespace: "kube-system", name: "cilium"),
        justification: "The CNI agent must run privileged.",
        approvedBy: "CISO Office", ticket: "SEC-1200", expires: PlanDate(year: 2027, month: 6, day: 30),
        source: at("plan.yaml", 71))

    static let att1 = Attestation(
        control: "sp800-190-4.2.3", status: .satisfied,
        statement: "Push rights on registry.example.com are limited to the release pipeline and two named admins.",
        attestedBy: "J. Auditor", date: PlanDate(year: 2026, month: 9, day: 1),
        expires: PlanDate(year: 2027, month: 9, day: 1),
        evidence: ["https://wiki.example.com/registry-access-review", "SEC-1003"], source: at("plan.yaml", 80))
    static let att2 = Attestation(
        control: "sp800-190-4.3.5", status: .satisfied,
        statement: "Nodes join with TPM-backed bootstrap tokens.", attestedBy: "Platform team",
        date: PlanDate(year: 2025, month: 10, day: 1), expires: PlanDate(year: 2026, month: 10, day: 1),
        evidence: [], source: at("plan.yaml", 88))

    static var plan: SecurityPlan {
        SecurityPlan(
            id: "prod-eu-1", title: "Payments platform (production, EU)", version: "3.2.0",
            owner: "Platform Security <platform-security@example.com>",
            catalogs: [CatalogSelection(reference: "nist-sp800-190",
                                        exclusions: [.init(control: "sp800-190-4.5.5",
                                                           reason: "Node OS patching is the cloud provider's job (SOC 2 report on file).",
                                                           source: at("plan.yaml", 12))]),
                       CatalogSelection(reference: "pss")],
            exceptions: [exc1, exc2, exc3, exc4, exc5], attestations: [att1, att2], origin: "plan.yaml")
    }

    // MARK: Results

    static func result(_ control: Control, _ catalog: Catalog, _ status: ControlStatus, reason: String? = nil,
                       checks: [CheckResult] = [], findings: [Finding] = [], attestation: AttestationResult? = nil,
                       exceptions: [PlanException] = []) -> ControlResult {
        let family = catalog.family(of: control.id) ?? ControlFamily(id: "?", title: "?", controls: [])
        return ControlResult(control: control, catalogID: catalog.id, family: family, severity: control.severity,
                             status: status, reason: reason, checks: checks,
                             findings: findings.sorted(by: Finding.precedes),
                             attestation: attestation, exceptions: exceptions)
    }

    static func check(_ id: String, _ status: ControlStatus, _ evaluated: Int, _ failed: Int,
                      reason: String? = nil) -> CheckResult {
        CheckResult(id: id, evaluator: id, status: status, evaluated: evaluated, failed: failed, reason: reason)
    }

    /// 55 pods that run as root, to show the 50-row cap.
    static var nonRootFindings: [Finding] {
        (1...55).map { i in
            let name = String(format: "batch-job-%02d", i)
            return Finding(check: "runAsNonRoot", status: .fail, resource: ref("batch/v1", "CronJob", "batch", name),
                           source: at("snapshot/cluster.json", 1_000 + i * 40),
                           path: "spec.jobTemplate.spec.template.spec.securityContext.runAsNonRoot",
                           observed: "unset", expected: "true", pods: 1,
                           message: "The pod may run as root because runAsNonRoot is not set.")
        }
    }

    static func controls() -> [ControlResult] {
        [
            result(c411, nist, .notSatisfied, reason: "2 images carry critical vulnerabilities.",
                   checks: [check("image-vulnerabilities", .notSatisfied, 14, 2)],
                   findings: [
                       Finding(check: "image-vulnerabilities", resource: ref("apps/v1", "Deployment", "shop", "web"),
                               source: at("snapshot/cluster.json", 120), path: "spec.template.spec.containers[0].image",
                               observed: "CVE-2026-1234 (critical), CVE-2026-2222 (high)", expected: "no critical or high",
                               pods: 3, message: "The image has 1 critical and 1 high vulnerability with fixes available.",
                               image: "registry.example.com/shop/web:1.4.2"),
                       Finding(check: "image-vulnerabilities", resource: ref("apps/v1", "StatefulSet", "shop", "db"),
                               source: at("snapshot/cluster.json", 480), path: "spec.template.spec.containers[0].image",
                               observed: "CVE-2026-0042 (critical)", expected: "no critical or high", pods: 2,
                               message: "The image has 1 critical vulnerability.", image: "docker.io/library/postgres:13"),
                   ]),
            result(c412, nist, .satisfied, checks: [check("image-runs-as-non-root", .satisfied, 14, 0)]),
            result(c414, nist, .needsEvidence,
                   reason: "No image scan results were given (pass Trivy or Grype JSON with --scan).",
                   checks: [check("image-secrets", .needsEvidence, 0, 0, reason: "no scan results"),
                            check("env-literal-secrets", .satisfied, 37, 0)]),
            result(c421, nist, .satisfied, checks: [check("registry-tls", .satisfied, 14, 0)]),
            result(c423, nist, .satisfied, reason: nil,
                   attestation: AttestationResult(attestation: att1, expired: false)),
            result(c431, nist, .notSatisfied, reason: "5 subjects hold cluster-admin; the plan allows 2.",
                   checks: [check("cluster-admin-subjects", .notSatisfied, 1, 1)],
                   findings: [Finding(check: "cluster-admin-subjects", resource: nil, source: nil,
                                      observed: "5 subjects: system:masters, alice, bob, ci-deployer, ops",
                                      expected: "at most 2",
                                      message: "More subjects than the plan allows hold cluster-admin.")]),
            result(c433, nist, .waived, reason: "Every failure is covered by an exception.",
                   checks: [check("namespace-default-deny", .waived, 9, 1)],
                   findings: [Finding(check: "namespace-default-deny", status: .waived,
                                      resource: ref("v1", "Namespace", nil, "legacy"),
                                      source: at("snapshot/cluster.json", 30), observed: "no NetworkPolicy",
                                      expected: "a default-deny NetworkPolicy",
                                      message: "Nothing isolates the pods in this namespace.", exception: "EXC-1")],
                   exceptions: [exc1]),
            result(c435, nist, .notSatisfied, reason: "The attestation expired on 2026-10-01.",
                   attestation: AttestationResult(attestation: att2, expired: true)),
            result(c441, nist, .error, reason: "The check runtime-version could not run: bad argument min_version \"1.x\".",
                   checks: [check("runtime-version", .error, 0, 0, reason: "bad argument min_version \"1.x\"")],
                   findings: [Finding(check: "runtime-version", status: .error, resource: nil, source: nil,
                                      message: "bad argument min_version \"1.x\": not a version")]),
            result(c443, nist, .notSatisfied, reason: "2 workloads run privileged or share host namespaces.",
                   checks: [check("privileged", .notSatisfied, 40, 2), check("host-namespaces", .notSatisfied, 40, 1)],
                   findings: [
                       Finding(check: "privileged", resource: ref("apps/v1", "Deployment", "shop", "web"),
                               source: at("snapshot/cluster.json", 120),
                               path: "spec.template.spec.containers[0].securityContext.privileged", observed: "true",
                               expected: "false or unset", pods: 3, message: "The container runs privileged."),
                       Finding(check: "privileged", status: .waived, resource: ref("apps/v1", "DaemonSet", "kube-system", "cilium"),
                               source: at("snapshot/cluster.json", 900),
                               path: "spec.template.spec.containers[0].securityContext.privileged", observed: "true",
                               expected: "false or unset", pods: 3, message: "The container runs privileged.",
                               exception: "EXC-5"),
                       Finding(check: "host-namespaces", resource: ref("apps/v1", "DaemonSet", "monitoring", "node-exporter"),
                               source: at("snapshot/cluster.json", 700), path: "spec.template.spec.hostPID",
                               observed: "true", expected: "false or unset", pods: 3,
                               message: "The pod shares the host's process namespace; its exception EXC-2 expired on 2026-10-15.",
                               exception: "EXC-2"),
                   ],
                   exceptions: [exc5, exc2]),
            result(c445, nist, .notApplicable, reason: "No admission policy restricts workload sources (nothing to check).",
                   checks: [check("workload-provenance", .notApplicable, 0, 0, reason: "no admission policies")]),
            result(c453, nist, .notSatisfied, reason: "1 workload mounts a sensitive host path.",
                   checks: [check("host-path", .notSatisfied, 40, 1)],
                   findings: [Finding(check: "host-path", resource: ref("v1", "Pod", "debug", "toolbox"),
                                      source: at("policies/debug-pod.yaml", 1), path: "spec.volumes[0].hostPath.path",
                                      observed: "/var/run/docker.sock", expected: "no host paths", pods: 1,
                                      message: "The pod mounts the container runtime socket from the host.")]),
            result(c455, nist, .notApplicable, reason: "Excluded by the plan: Node OS patching is the cloud provider's job (SOC 2 report on file)."),
            result(pPrivileged, pss, .notSatisfied, reason: "1 workload runs privileged.",
                   checks: [check("privileged", .notSatisfied, 40, 1)],
                   findings: [Finding(check: "privileged", resource: ref("apps/v1", "Deployment", "shop", "web"),
                                      source: at("snapshot/cluster.json", 120),
                                      path: "spec.template.spec.containers[0].securityContext.privileged",
                                      observed: "true", expected: "false or unset", pods: 3,
                                      message: "The container runs privileged.")]),
            result(pHostNS, pss, .satisfied, checks: [check("hostNamespaces", .satisfied, 40, 0)]),
            result(pNonRoot, pss, .notSatisfied, reason: "55 workloads may run as root.",
                   checks: [check("runAsNonRoot", .notSatisfied, 96, 55)], findings: nonRootFindings),
            result(pSeccomp, pss, .waived, reason: "Every failure is covered by an exception.",
                   checks: [check("seccompProfile_restricted", .waived, 96, 1)],
                   findings: [Finding(check: "seccompProfile_restricted", status: .waived,
                                      resource: ref("apps/v1", "Deployment", "vendor", "appliance"),
                                      source: at("snapshot/cluster.json", 1_500),
                                      path: "spec.template.spec.securityContext.seccompProfile.type",
                                      observed: "Unconfined", expected: "RuntimeDefault or Localhost", pods: 1,
                                      message: "The pod runs without a seccomp profile.", exception: "EXC-4")],
                   exceptions: [exc4]),
        ]
    }

    static func input(_ path: String, _ role: InputFile.Role, _ content: String) -> InputFile {
        InputFile(path: path, role: role, sha256: Digest.sha256(Data(content.utf8)), bytes: content.utf8.count)
    }

    static func auditResult() -> AuditResult {
        var hygiene = PlanHygiene()
        hygiene.staleExceptions = [exc3]
        hygiene.expiredExceptions = [exc2]
        hygiene.expiringSoon = [exc1]
        hygiene.expiredAttestations = [att2]
        hygiene.exclusions = [(catalog: "nist-sp800-190", exclusion: plan.catalogs[0].exclusions[0])]
        let controls = controls()
        var result = AuditResult(
            toolVersion: "0.1.0", generatedAt: now, snapshotTime: snapshotTime, plan: plan, catalogs: [nist, pss],
            inputs: [input("snapshot/cluster.json", .snapshot, "cluster"),
                     input("policies/debug-pod.yaml", .policy, "debug pod"),
                     input("plan.yaml", .plan, "plan"),
                     input("scans/trivy.json", .scan, "trivy")],
            resourceCounts: [("ClusterRole", 64), ("ClusterRoleBinding", 58), ("CronJob", 55), ("DaemonSet", 4),
                             ("Deployment", 23), ("Namespace", 9), ("NetworkPolicy", 6), ("Node", 3), ("Pod", 96),
                             ("Secret", 31), ("StatefulSet", 2)],
            controls: controls, hygiene: hygiene,
            diagnostics: [
                Diagnostic(.warning, "Deployment shop/web appears in two inputs; the later one wins.",
                           at: at("snapshot/cluster.json", 4_210)),
                Diagnostic(.info, "Skipped a document without a kind (a Helm values file?).", at: at("policies/values.yaml", 1)),
            ],
            gate: GateResult(exitCode: 3, passed: false,
                             summary: "6 controls at or above low severity are not-satisfied, and 1 ended in error.",
                             failingControls: controls.filter { $0.status.isFailingGate }.map(\.control.id)))
        result.network = network
        return result
    }

    /// A small network summary: two sensitivity groups, one path of each kind, a <script> in a name.
    static let network = NetworkSummary(
        namespaces: 3, workloads: 4, connectedPairs: 3, groups: ["unlabelled", "low", "high"],
        matrix: [
            [.init(connected: 0, total: 0), .init(connected: 1, total: 1), .init(connected: 0, total: 1)],
            [.init(connected: 1, total: 1), .init(connected: 0, total: 0), .init(connected: 1, total: 1)],
            [.init(connected: 0, total: 1), .init(connected: 0, total: 1), .init(connected: 0, total: 0)],
        ],
        mostReachable: [.init(namespace: "payments", level: "high", reachableFrom: 1)],
        internetReachable: [.init(workload: "Deployment shop/web", level: "low", connections: "TCP 443",
                                  exposure: "Service shop/web (LoadBalancer)", policies: ["NetworkPolicy shop/web-in"])],
        internetReachableTotal: 1,
        internetEgress: [.init(workload: "Deployment shop/<script>x</script>", level: "low",
                               connections: "All Connections", policies: ["no policy (open)"])],
        internetEgressTotal: 60,
        crossSensitivity: [.init(source: "shop", sourceLevel: "low", destination: "payments", destinationLevel: "high",
                                 example: "web -> ledger (TCP 8080)", policies: ["NetworkPolicy payments/from-shop"])],
        crossSensitivityTotal: 1,
        withoutDefaultDeny: [.init(namespace: "shop", level: "low", directions: ["Egress"], openWorkloads: 2, workloads: 2)],
        withoutDefaultDenyTotal: 1)
}

extension ControlStatus {
    var isFailingGate: Bool { self == .notSatisfied || self == .error }
}
