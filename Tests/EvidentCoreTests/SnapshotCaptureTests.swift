@testable import EvidentCore
import Foundation
import Testing

@Suite("Snapshot capture: kinds, Secret stripping, the capture record")
struct SnapshotCaptureTests {
    @Test func planCollectsBuiltInsAndServedOptionalKinds() {
        let served = SnapshotCapture.builtIn.map(\.resource) + [
            "networkpolicies.projectcalico.org", "tiers.projectcalico.org", "policies.kyverno.io",
            "k8srequiredlabels.constraints.gatekeeper.sh", "validatingadmissionpolicies.admissionregistration.k8s.io",
            "events", "leases.coordination.k8s.io",
        ]
        let plan = SnapshotCapture.plan(served: served)
        let collected = plan.collect.map(\.resource)
        #expect(collected.starts(with: SnapshotCapture.builtIn.map(\.resource)))
        for name in ["networkpolicies.projectcalico.org", "tiers.projectcalico.org", "policies.kyverno.io",
                     "k8srequiredlabels.constraints.gatekeeper.sh",
                     "validatingadmissionpolicies.admissionregistration.k8s.io"] {
            #expect(collected.contains(name), "\(name)")
        }
        #expect(!collected.contains("events"))
        #expect(!collected.contains("leases.coordination.k8s.io"))
        let absent = plan.absent.map(\.resource)
        #expect(absent.contains("clusterpolicies.kyverno.io"))
        #expect(absent.contains("clusterimagepolicies.policy.sigstore.dev"))
        #expect(!absent.contains("policies.kyverno.io"))
        // The built-in NetworkPolicy is asked for by its group, never Calico's.
        #expect(collected.contains("networkpolicies.networking.k8s.io"))
        #expect(SnapshotCapture.builtIn.map(\.plural).count == 20)
    }

    @Test func kubectlErrorsAreClassified() {
        let forbidden = #"Error from server (Forbidden): secrets is forbidden: User "a" cannot list resource "secrets" in API group "" at the cluster scope"#
        #expect(SnapshotCapture.classify(forbidden) == .forbidden)
        #expect(SnapshotCapture.classify(#"error: the server doesn't have a resource type "policies""#) == .absent)
        #expect(SnapshotCapture.classify("The connection to the server localhost:8080 was refused") == .other)
    }

    @Test func secretValuesNeverReachTheList() throws {
        let output = #"""
            {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [
              {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
               "metadata": {"name": "db", "namespace": "shop", "labels": {"app": "db"},
                 "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"c2VjcmV0LXZhbHVl\"}}", "team": "a"},
                 "managedFields": [{"manager": "kubectl", "time": "2026-11-01T10:00:00Z"}]},
               "data": {"password": "c2VjcmV0LXZhbHVl"}, "stringData": {"token": "plain-token"}},
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "shop"}, "data": {"k": "v"}}
            ]}
            """#
        let items = try SnapshotCapture.items(Data(output.utf8), resource: "secrets")
        #expect(items.count == 2)
        let record = CaptureRecord(startedAt: "2026-11-27T10:00:00Z", capturedAt: "2026-11-27T10:00:05Z",
                                   context: "prod",
                                   collected: [.init(resource: "secrets", kind: "Secret", count: 2)],
                                   forbidden: [.init(resource: "nodes", kind: "Node", message: "Forbidden")],
                                   absent: [.init(resource: "clusterpolicies.kyverno.io", kind: "ClusterPolicy")])
        let text = SnapshotCapture.list(items: items, record: record)
        for secret in ["c2VjcmV0LXZhbHVl", "plain-token", "last-applied"] {
            #expect(!text.contains(secret), "\(secret) leaked")
        }
        #expect(text.contains("\"password\": \"\""))
        #expect(text.contains("\"type\": \"Opaque\""))
        #expect(text.contains("\"k\": \"v\""))

        // The List reads back with its objects and the record.
        let snapshot = try SnapshotLoader.load(Data(text.utf8), path: "snap.json")
        #expect(snapshot.resources.map(\.kind) == ["Secret", "ConfigMap"])
        #expect(snapshot.resources.first?.annotations == ["team": "a"])
        #expect(snapshot.capture == record)
        #expect(snapshot.capture?.forbiddenEntry(kind: "Node")?.resource == "nodes")
        // Also when read in two halves (large inputs) and when empty.
        let split = try SnapshotLoader.load(Data(text.utf8), path: "snap.json", parallelFrom: 0)
        #expect(split.capture == record)
        let empty = try SnapshotLoader.load(Data(SnapshotCapture.list(items: [], record: record).utf8), path: "e.json")
        #expect(empty.resources.isEmpty)
        #expect(empty.capture == record)
    }

    @Test func escapingRoundTrips() throws {
        let object = Value.map([
            "apiVersion": .string("v1"), "kind": .string("ConfigMap"),
            "metadata": .map(["name": .string("q\"uo\\te\n\u{1}é"), "namespace": .string("n")]),
            "data": .map(["n": .int(-3), "d": .double(0.5), "b": .bool(true), "z": .null, "l": .list([])]),
        ])
        let record = CaptureRecord(startedAt: "2026-11-27T10:00:00Z", capturedAt: "2026-11-27T10:00:00Z")
        let snapshot = try SnapshotLoader.load(Data(SnapshotCapture.list(items: [object], record: record).utf8),
                                               path: "s.json")
        #expect(snapshot.resources.first?.body == object)
    }

    @Test func aForbiddenRequiredKindIsNeedsEvidenceSayingSo() throws {
        let (plan, catalogs) = try TestData.loadPlan(TestData.plan + "\nparameters: {floor: '1'}")
        var snapshot = try SnapshotLoader.load(Data("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: n}\n".utf8),
                                               path: "s.yaml")
        snapshot.capture = CaptureRecord(startedAt: "2026-11-27T10:00:00Z", capturedAt: "2026-11-27T10:00:00Z",
                                         forbidden: [.init(resource: "nodes", kind: "Node", message: "Forbidden")])
        let result = AuditEngine(registry: TestData.registry).run(
            snapshot: SnapshotIndex(snapshot), plan: plan, catalogs: catalogs, inputs: [],
            options: AuditOptions(now: TestData.date("2026-11-27T12:00:00Z"), toolVersion: "test"))
        let control = try #require(result.controls.first { $0.control.id == "auto-2" })
        #expect(control.status == .needsEvidence)
        #expect(control.reason?.contains("forbidden to list nodes") == true, "\(control.reason ?? "")")
        #expect(control.reason?.contains("hold no") == false)
        #expect(result.snapshotTime == TestData.date("2026-11-27T10:00:00Z"))
    }
}
