// libFuzzer target: the network engine on a hostile snapshot. What the snapshot loader accepts (YAML or
// JSON) is indexed and analysed as `evident audit` (Calico semantics) and `evident reach` (netpol-analyzer
// conventions) do: Kubernetes and Calico policies, tiers, network sets, selectors, ports, CIDRs. Every
// pair of endpoint classes and every external block is then queried.
import CFuzzer
import EvidentCore
import EvidentNetwork
import Foundation

private func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let data = Data(bytes: start, count: count)
    guard let snapshot = try? SnapshotLoader.load(data, path: "fuzz.yaml"), !snapshot.resources.isEmpty else {
        return 0
    }
    let index = SnapshotIndex(snapshot)
    for options in [NetworkOptions(), NetworkOptions.connlist] {
        let analysis = NetworkAnalysis(index: index, options: options)
        let classes = min(analysis.classes.count, 64)
        for a in 0..<classes {
            for b in 0..<classes { _ = analysis.allowance(fromClass: a, toClass: b) }
            for block in analysis.egressBlocks.indices { _ = analysis.allowance(fromClass: a, toBlock: block) }
            for block in analysis.ingressBlocks.indices { _ = analysis.allowance(fromBlock: block, toClass: a) }
            _ = analysis.isIsolated(class: a, .ingress)
            _ = analysis.isIsolated(class: a, .egress)
        }
        let workloads = min(analysis.workloads.count, 64)
        for a in 0..<workloads {
            for b in 0..<workloads { _ = analysis.allowance(fromWorkload: a, toWorkload: b) }
        }
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })
