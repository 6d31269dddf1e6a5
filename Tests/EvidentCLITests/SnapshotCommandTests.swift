import Foundation
import Testing

/// `evident snapshot` against a stand-in kubectl that replays recorded outputs.
@Suite("evident snapshot")
struct SnapshotCommandTests {
    let now = "2026-11-27T12:00:00Z"
    static let secretValues = ["c3VwZXItc2VjcmV0LXZhbHVl", "super-secret-value", "plain-token-value-XYZ"]

    /// Recorded `kubectl get` answers by resource name: the objects of a small cluster.
    static let recorded: [String: [String]] = [
        "namespaces": [
            #"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}, "creationTimestamp": "2026-10-01T00:00:00Z"}}"#,
            #"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system"}}"#,
        ],
        "nodes": [
            #"{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}, "status": {"nodeInfo": {"kubeletVersion": "v1.31.2", "containerRuntimeVersion": "containerd://1.7.22", "osImage": "Ubuntu 24.04.1 LTS", "kernelVersion": "6.8.0-45-generic"}, "conditions": [{"type": "Ready", "status": "True"}]}}"#,
        ],
        "deployments.apps": [
            #"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop", "uid": "d1"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "registry.example.com/shop/web:1.4.2", "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]}]}}}}"#,
        ],
        "pods": [
            #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop", "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "d1", "controller": true}], "managedFields": [{"manager": "kubelet", "time": "2026-11-20T08:00:00Z"}]}, "spec": {"nodeName": "n1", "containers": [{"name": "web", "image": "registry.example.com/shop/web:1.4.2"}]}, "status": {"phase": "Running"}}"#,
        ],
        "secrets": [
            #"{"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {"name": "db", "namespace": "shop", "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"v1\",\"data\":{\"password\":\"c3VwZXItc2VjcmV0LXZhbHVl\"},\"kind\":\"Secret\"}"}}, "data": {"password": "c3VwZXItc2VjcmV0LXZhbHVl"}, "stringData": {"token": "plain-token-value-XYZ"}}"#,
        ],
        "clusterroles.rbac.authorization.k8s.io": [
            #"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "cluster-admin"}, "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}"#,
        ],
        "clusterrolebindings.rbac.authorization.k8s.io": [
            #"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "admins"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}, "subjects": [{"kind": "Group", "name": "system:masters", "apiGroup": "rbac.authorization.k8s.io"}]}"#,
        ],
        "networkpolicies.projectcalico.org": [
            #"{"apiVersion": "projectcalico.org/v3", "kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": "shop"}, "spec": {"selector": "all()", "types": ["Ingress"]}}"#,
        ],
    ]

    /// What `kubectl api-resources -o name` prints: the built-in kinds, Calico's API, one Gatekeeper
    /// constraint kind and Kyverno's `policies` (whose CRD goes away before the capture lists it).
    static let served = """
        bindings
        configmaps
        namespaces
        nodes
        pods
        replicationcontrollers
        secrets
        serviceaccounts
        services
        daemonsets.apps
        deployments.apps
        replicasets.apps
        statefulsets.apps
        cronjobs.batch
        jobs.batch
        ingresses.networking.k8s.io
        networkpolicies.networking.k8s.io
        clusterrolebindings.rbac.authorization.k8s.io
        clusterroles.rbac.authorization.k8s.io
        rolebindings.rbac.authorization.k8s.io
        roles.rbac.authorization.k8s.io
        networkpolicies.projectcalico.org
        k8srequiredlabels.constraints.gatekeeper.sh
        policies.kyverno.io

        """

    static let stub = """
        #!/bin/bash
        D="$(cd "$(dirname "$0")" && pwd)"
        echo "$*" >> "$D/calls.log"
        while [ $# -gt 0 ]; do case "$1" in --context|--kubeconfig) shift 2;; *) break;; esac; done
        case "$1" in
        api-resources) cat "$D/api-resources.txt";;
        get)
            if [ -f "$D/get/$2.err" ]; then cat "$D/get/$2.err" >&2; exit 1; fi
            if [ -f "$D/get/$2.json" ]; then cat "$D/get/$2.json"
            else printf '{\\n    "apiVersion": "v1",\\n    "items": [],\\n    "kind": "List",\\n    "metadata": {"resourceVersion": ""}\\n}\\n'; fi;;
        *) echo "unexpected: $*" >&2; exit 3;;
        esac

        """

    /// A folder holding the stand-in kubectl and its recorded answers; `errors` maps resources to stderr.
    static func standIn(errors: [String: String] = [:]) throws -> URL {
        let dir = try CLI.temporaryDirectory()
        let bin = dir.appendingPathComponent("bin")
        let get = bin.appendingPathComponent("get")
        try FileManager.default.createDirectory(at: get, withIntermediateDirectories: true)
        let kubectl = bin.appendingPathComponent("kubectl")
        try CLI.write(stub, to: kubectl)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: kubectl.path)
        try CLI.write(served, to: bin.appendingPathComponent("api-resources.txt"))
        for (resource, items) in recorded {
            try CLI.write(list(items), to: get.appendingPathComponent("\(resource).json"))
        }
        var errors = errors
        errors["policies.kyverno.io"] = errors["policies.kyverno.io"]
            ?? #"error: the server doesn't have a resource type "policies""# + "\n"
        for (resource, message) in errors {
            try CLI.write(message, to: get.appendingPathComponent("\(resource).err"))
        }
        return dir
    }

    static func list(_ items: [String]) -> String {
        "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n" + items.joined(separator: ",\n")
            + "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\"resourceVersion\": \"\"}\n}\n"
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func resources(_ entries: Any?) -> [String] {
        ((entries as? [[String: Any]]) ?? []).compactMap { $0["resource"] as? String }
    }

    static let nodesForbidden = #"Error from server (Forbidden): nodes is forbidden: User "auditor@example.com" cannot list resource "nodes" in API group "" at the cluster scope"# + "\n"

    @Test func capturesStripsSecretsAndRecordsForbiddenAndAbsentKinds() throws {
        let dir = try Self.standIn(errors: ["nodes": Self.nodesForbidden])
        let bin = dir.appendingPathComponent("bin")
        let out = dir.appendingPathComponent("snap/cluster.json")
        try FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let r = try CLI.run(["snapshot", "--context", "prod", "--kubeconfig", "/tmp/kc", "--chunk-size", "50",
                             "-o", out.path], environment: ["PATH": path])
        #expect(r.code == 0, "\(r.stderr)")
        #expect(r.stderr.contains("nodes"), "the forbidden kind is named on stderr")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
                == ["cluster.json"], "no temporary file is left behind")

        let text = try String(contentsOf: out, encoding: .utf8)
        for value in Self.secretValues { #expect(!text.contains(value), "\(value) leaked into the snapshot") }
        #expect(!text.contains("last-applied-configuration"))

        let list = try Self.json(out)
        #expect(list["apiVersion"] as? String == "v1")
        #expect(list["kind"] as? String == "List")
        let items = try #require(list["items"] as? [[String: Any]])
        let kinds = items.compactMap { $0["kind"] as? String }
        #expect(kinds.sorted() == ["ClusterRole", "ClusterRoleBinding", "Deployment", "Namespace", "Namespace",
                                   "NetworkPolicy", "Pod", "Secret"])
        let secret = try #require(items.first { $0["kind"] as? String == "Secret" })
        #expect(secret["type"] as? String == "Opaque")
        #expect(secret["data"] as? [String: String] == ["password": ""])
        #expect(secret["stringData"] as? [String: String] == ["token": ""])
        #expect((secret["metadata"] as? [String: Any])?["name"] as? String == "db")

        let record = try #require(list["evidentCapture"] as? [String: Any])
        #expect(record["context"] as? String == "prod")
        #expect(record["capturedAt"] is String)
        let collected = Self.resources(record["collected"])
        for resource in ["pods", "secrets", "deployments.apps", "networkpolicies.networking.k8s.io",
                         "networkpolicies.projectcalico.org", "k8srequiredlabels.constraints.gatekeeper.sh"] {
            #expect(collected.contains(resource), "\(resource) not collected")
        }
        #expect(!collected.contains("nodes"))
        let forbidden = try #require(record["forbidden"] as? [[String: Any]])
        #expect(forbidden.count == 1)
        #expect(forbidden.first?["resource"] as? String == "nodes")
        #expect(forbidden.first?["kind"] as? String == "Node")
        #expect((forbidden.first?["message"] as? String)?.contains("Forbidden") == true)
        let absent = Self.resources(record["absent"])
        for resource in ["policies.kyverno.io", "clusterpolicies.kyverno.io", "tiers.projectcalico.org",
                         "clusterimagepolicies.policy.sigstore.dev",
                         "validatingadmissionpolicies.admissionregistration.k8s.io"] {
            #expect(absent.contains(resource), "\(resource) not recorded as absent")
        }

        let calls = try String(contentsOf: bin.appendingPathComponent("calls.log"), encoding: .utf8)
        #expect(calls.contains("--context prod --kubeconfig /tmp/kc api-resources -o name"))
        #expect(calls.contains("--context prod --kubeconfig /tmp/kc get pods -A -o json --chunk-size=50"))
        #expect(!calls.contains("clusterpolicies.kyverno.io"), "a kind that is not served is not asked for")

        // The audit names the forbidden kind: controls that need nodes are needs-evidence, not "none exist".
        let report = dir.appendingPathComponent("report")
        let audit = try CLI.run(["audit", out.path, "--now", now, "--format", "json", "--output", report.path])
        #expect(audit.code == 0 || audit.code == 1, "\(audit.stderr)")
        let results = try Self.json(report.appendingPathComponent("results.json"))
        let controls = try #require(results["controls"] as? [[String: Any]])
        let checks = controls.flatMap { ($0["checks"] as? [[String: Any]]) ?? [] }
        let refused = checks.filter { ($0["reason"] as? String)?.contains("forbidden to list nodes") == true }
        #expect(!refused.isEmpty)
        #expect(refused.allSatisfy { $0["status"] as? String == "needs-evidence" })
        #expect(!checks.contains { ($0["reason"] as? String)?.contains("hold no Node objects") == true })
        #expect(controls.contains { $0["status"] as? String == "needs-evidence"
            && ($0["reason"] as? String)?.contains("forbidden to list nodes") == true })
        #expect((results["snapshotTime"] as? String) == (record["capturedAt"] as? String))
        let reportText = try String(contentsOf: report.appendingPathComponent("results.json"), encoding: .utf8)
        for value in Self.secretValues { #expect(!reportText.contains(value)) }
    }

    @Test func auditsTheSameAsTheEquivalentListFile() throws {
        let dir = try Self.standIn()
        let kubectl = dir.appendingPathComponent("bin/kubectl")
        let r = try CLI.run(["snapshot", "--kubectl", kubectl.path])
        #expect(r.code == 0, "\(r.stderr)")
        let captured = dir.appendingPathComponent("captured.json")
        try CLI.write(r.stdout, to: captured)
        let equivalent = dir.appendingPathComponent("equivalent.json")
        try CLI.write(Self.list(Self.recorded.keys.sorted().flatMap { Self.recorded[$0] ?? [] }), to: equivalent)

        var statuses: [[String: String]] = []
        for (name, file) in [("a", captured), ("b", equivalent)] {
            let out = dir.appendingPathComponent(name)
            let audit = try CLI.run(["audit", file.path, "--now", now, "--snapshot-time", "2026-11-27T10:00:00Z",
                                     "--format", "json", "--output", out.path])
            #expect(audit.code == 0 || audit.code == 1, "\(audit.stderr)")
            let results = try Self.json(out.appendingPathComponent("results.json"))
            var s: [String: String] = [:]
            for c in (results["controls"] as? [[String: Any]]) ?? [] {
                guard let id = c["id"] as? String else { continue }
                let checks = ((c["checks"] as? [[String: Any]]) ?? []).map {
                    "\($0["status"] ?? "")/\($0["evaluated"] ?? "")/\($0["failed"] ?? "")"
                }
                s[id] = "\(c["status"] ?? "") \(checks)"
            }
            statuses.append(s)
        }
        #expect(statuses[0].count > 30)
        #expect(Set(statuses[0].values.map { $0.prefix(while: { $0 != " " }) }).count > 2, "\(statuses[0])")
        #expect(statuses[0] == statuses[1])
    }

    @Test func aKubectlFailureWritesNothing() throws {
        let dir = try Self.standIn(errors: ["pods": "The connection to the server 10.0.0.1:6443 was refused\n"])
        let out = dir.appendingPathComponent("cluster.json")
        try CLI.write("previous snapshot", to: out)
        let r = try CLI.run(["snapshot", "--kubectl", dir.appendingPathComponent("bin/kubectl").path, "-o", out.path])
        #expect(r.code == 2)
        #expect(r.stderr.contains("get pods") && r.stderr.contains("refused"), "\(r.stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8) == "previous snapshot")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["bin", "cluster.json"])

        let missing = try CLI.run(["snapshot", "--kubectl", dir.appendingPathComponent("nope").path])
        #expect(missing.code == 2)
        let noPath = try CLI.run(["snapshot"], environment: ["PATH": dir.path])
        #expect(noPath.code == 2)
        #expect(noPath.stderr.contains("--kubectl"))
    }
}
