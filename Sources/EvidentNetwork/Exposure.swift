import EvidentCore

/// Addresses that are not "the internet": the plan's internal CIDRs plus the pod and node networks
/// that Node objects name.
public enum InternalNetworks {
    /// `network.md`'s default internal ranges.
    public static let defaultCIDRs = [
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    ]

    /// The internal address set from `cidrs` and the Nodes' `spec.podCIDR(s)` and addresses; the entries
    /// of `cidrs` that are not IPv4 CIDRs are returned apart.
    public static func ranges(cidrs: [String], index: SnapshotIndex) -> (set: IntervalSet, invalid: [String]) {
        var ranges: [ClosedRange<UInt32>] = []
        var invalid: [String] = []
        for cidr in cidrs {
            if let r = IPv4.cidr(cidr) { ranges.append(r) } else if !IPv4.isIPv6(cidr) { invalid.append(cidr) }
        }
        for node in index.resources(ofKind: "Node") {
            let spec = node.spec
            for cidr in (spec["podCIDRs"]?.stringList ?? []) + [spec["podCIDR"]?.string].compactMap({ $0 }) {
                if let r = IPv4.cidr(cidr) { ranges.append(r) }
            }
            for address in node.status["addresses"]?.items ?? [] where address["type"]?.string == "InternalIP" {
                if let ip = address["address"]?.string.flatMap(IPv4.address) { ranges.append(ip...ip) }
            }
        }
        return (IntervalSet(ranges), invalid)
    }
}

/// Why a workload can be reached from outside the cluster at all (before policies).
public enum Exposure {
    /// For each workload index, the ways it is exposed: a LoadBalancer or NodePort Service selecting
    /// it, an Ingress backend Service selecting it, a hostPort, or the host network.
    public static func of(_ analysis: NetworkAnalysis, index: SnapshotIndex) -> [Int: [String]] {
        var byNamespace: [String: [Int]] = [:]
        for (w, workload) in analysis.workloads.enumerated() { byNamespace[workload.namespace, default: []].append(w) }
        func selected(by service: Resource) -> [Int] {
            guard let selector = service.spec["selector"]?.stringMap, !selector.isEmpty else { return [] }
            return (byNamespace[service.namespace ?? "default"] ?? []).filter { w in
                analysis.workloads[w].classes.contains { c in
                    selector.allSatisfy { analysis.classes[c].labels[$0.key] == $0.value }
                }
            }
        }
        var out: [Int: [String]] = [:]
        var services: [String: Resource] = [:]
        for service in index.resources(ofKind: "Service") {
            services["\(service.namespace ?? "default")/\(service.name)"] = service
            let type = service.spec["type"]?.string ?? "ClusterIP"
            guard type == "LoadBalancer" || type == "NodePort" else { continue }
            for w in selected(by: service) {
                out[w, default: []].append("Service \(service.namespace ?? "default")/\(service.name) (\(type))")
            }
        }
        let ingressGroups: Set<String> = ["networking.k8s.io", "extensions"]
        for ingress in index.resources(ofKind: "Ingress") where ingressGroups.contains(ingress.group) {
            let ns = ingress.namespace ?? "default"
            var backends: [String] = []
            let spec = ingress.spec
            for backend in [spec["defaultBackend"], spec["backend"]].compactMap({ $0 }) {
                backends += [backend["service"]?["name"]?.string, backend["serviceName"]?.string].compactMap { $0 }
            }
            for rule in spec["rules"]?.items ?? [] {
                for path in rule["http"]?["paths"]?.items ?? [] {
                    let b = path["backend"] ?? .null
                    backends += [b["service"]?["name"]?.string, b["serviceName"]?.string].compactMap { $0 }
                }
            }
            for name in Set(backends).sorted() {
                guard let service = services["\(ns)/\(name)"] else { continue }
                for w in selected(by: service) {
                    out[w, default: []].append("Ingress \(ns)/\(ingress.name) (Service \(name))")
                }
            }
        }
        for (w, workload) in analysis.workloads.enumerated() {
            let spec = workload.podSpec
            if spec["hostNetwork"]?.bool == true { out[w, default: []].append("hostNetwork") }
            let hostPorts = (spec["containers"]?.items ?? []).flatMap { $0["ports"]?.items ?? [] }
                .compactMap { $0["hostPort"]?.int }.filter { $0 > 0 }
            if !hostPorts.isEmpty {
                out[w, default: []].append("hostPort " + Set(hostPorts).sorted().map(String.init).joined(separator: ","))
            }
        }
        return out
    }
}

extension NetworkAnalysis {
    /// What class `c` may send to addresses outside `internalNetworks` (nil when nothing).
    public func internetEgress(class c: Int, internalNetworks: IntervalSet) -> Allowance? {
        var result = Allowance.none
        for (i, block) in egressBlocks.enumerated() where !block.range.overlaps(internalNetworks) {
            result.formUnion(allowance(fromClass: c, toBlock: i))
        }
        return result.connections.isEmpty ? nil : result
    }

    /// What addresses outside `internalNetworks` may open to class `c` (nil when nothing).
    public func internetIngress(class c: Int, internalNetworks: IntervalSet) -> Allowance? {
        var result = Allowance.none
        for (i, block) in ingressBlocks.enumerated() where !block.range.overlaps(internalNetworks) {
            result.formUnion(allowance(fromBlock: i, toClass: c))
        }
        return result.connections.isEmpty ? nil : result
    }

    /// Names of policies, for evidence: `NetworkPolicy shop/api, GlobalNetworkPolicy security.allow`.
    public func policyNames(_ indices: Set<Int>) -> [String] {
        indices.map { policies[$0].displayName }.sorted()
    }
}
