@testable import EvidentEvaluators
import Testing

@Suite("Node version helper")
struct NodeVersionTests {
    @Test("reads the numeric part of the versions nodes report", arguments: [
        ("v1.29.3", [1, 29, 3]),
        ("v1.29.3-eks-ae9a62a", [1, 29, 3]),
        ("v1.30.4+k3s1", [1, 30, 4]),
        ("1.7.13", [1, 7, 13]),
        ("1.7.13-1", [1, 7, 13, 1]),
        ("5.15.0-1057-aws", [5, 15, 0, 1057]),
        ("6.1.102-111.182.amzn2023.x86_64", [6, 1, 102, 111, 182]),
        ("4.18.0-513.11.1.el8_9.x86_64", [4, 18, 0, 513, 11, 1]),
        ("6.6.33-talos", [6, 6, 33]),
        ("1.30.0", [1, 30]),
    ])
    func parse(_ text: String, _ components: [Int]) {
        #expect(NodeVersion(text)?.components == components)
    }

    @Test("rejects text that is not a version", arguments: ["", "unknown", "v", "latest-1.2", "v.1"])
    func reject(_ text: String) {
        #expect(NodeVersion(text) == nil)
    }

    @Test("orders numerically, with missing components as zero")
    func order() throws {
        func v(_ s: String) throws -> NodeVersion { try #require(NodeVersion(s)) }
        #expect(try v("1.10.0") > v("1.9.9"))
        #expect(try v("1.7") == v("1.7.0"))
        #expect(try v("v1.29.3") == v("1.29.3"))
        #expect(try v("5.15.0-1057-aws") > v("5.15.0-1050-aws"))
        #expect(try v("5.15.0-1057-aws") > v("5.15.0"))
        #expect(try v("6.1.1") > v("5.15.0-1057"))
        #expect(try !(v("1.29.3") < v("1.29.3-eks-1")))
        #expect(try v("1.30.2").minor == 30)
        #expect(try v("2").minor == 0)
    }

    @Test("splits the runtime from its version")
    func runtime() throws {
        let containerd = NodeVersion.runtime("containerd://1.7.13")
        #expect(containerd.name == "containerd")
        #expect(containerd.version?.components == [1, 7, 13])
        #expect(NodeVersion.runtime("cri-o://1.29.1").name == "cri-o")
        #expect(NodeVersion.runtime("Docker://24.0.7").name == "docker")
        #expect(NodeVersion.runtime("docker://24.0.7").version?.text == "24.0.7")
        #expect(NodeVersion.runtime("1.7.13").name == "")
        #expect(NodeVersion.runtime("rkt://unknown").version == nil)
    }
}
