@testable import EvidentCore
import Foundation
import Testing

@Suite("Snapshot index: owners, templates and pod variants")
struct SnapshotIndexTests {
    /// A Deployment with `pods` pods; pod `i` gets env value `values(i)` and node `n<i>`.
    func deployment(pods: Int, values: (Int) -> String) -> String {
        var yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop, uid: d1}
            spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: app, image: r/web:1}]}}}
            ---
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: web-1, namespace: shop, uid: rs1, ownerReferences: [{kind: Deployment, name: web, uid: d1, controller: true}]}
            spec: {template: {spec: {containers: [{name: app, image: r/web:1}]}}}

            """
        for i in 0..<pods {
            yaml += """
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web-\(i), namespace: shop, labels: {app: web}, ownerReferences: [{kind: ReplicaSet, name: web-1, uid: rs1, controller: true}]}
                spec: {nodeName: n\(i), containers: [{name: app, image: r/web:1, env: [{name: V, value: "\(values(i))"}]}]}

                """
        }
        return yaml
    }

    @Test func podsDifferingOnlyInNodeShareOneVariant() throws {
        let index = try TestData.snapshot(deployment(pods: 5) { _ in "same" })
        #expect(index.podTemplates.count == 1)
        let template = try #require(index.podTemplates.first)
        #expect(template.resource.kind == "Deployment")
        #expect(template.pods.count == 5)
        #expect(template.variants.map(\.count) == [5])
        #expect(template.variantOfPod == [0, 0, 0, 0, 0])
        // The variant's spec is the first pod's without nodeName.
        #expect(template.variants[0].template.spec["nodeName"] == nil)
        #expect(template.variants[0].template.spec["containers"] != nil)
    }

    @Test func manyVariantsAreCountedInOrderOfFirstPod() throws {
        // 30 pods over 12 distinct env values: past 8 variants the grouping switches to a hash table.
        let index = try TestData.snapshot(deployment(pods: 30) { "v\(($0 * 7) % 12)" })
        let template = try #require(index.podTemplates.first)
        let expected = (0..<30).map { ($0 * 7) % 12 }
        var order: [Int] = []
        for v in expected where !order.contains(v) { order.append(v) }
        #expect(template.variants.count == 12)
        #expect(template.variantOfPod == expected.map { order.firstIndex(of: $0) ?? -1 })
        #expect(template.variants.map(\.count) == order.map { v in expected.filter { $0 == v }.count })
        #expect(template.variants.map { $0.template.spec.at("containers")?[0]?["env"]?[0]?["value"]?.string }
                == order.map { "v\($0)" })
    }
}
