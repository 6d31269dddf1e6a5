@testable import EvidentCore
import Foundation
import Testing
import Yams

@Suite("Snapshot loader")
struct SnapshotLoaderTests {
    func load(_ text: String, path: String = "s.yaml") throws -> Snapshot {
        try SnapshotLoader.load(Data(text.utf8), path: path)
    }

    @Test func kubectlJSONListKeepsItemLines() throws {
        let json = """
            {
              "apiVersion": "v1",
              "kind": "List",
              "items": [
                {
                  "apiVersion": "v1", "kind": "Namespace",
                  "metadata": {"name": "a", "creationTimestamp": "2026-01-01T00:00:00Z"}
                },
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "a",
                  "managedFields": [{"time": "2026-03-04T05:06:07Z"}]}}
              ]
            }
            """
        let s = try load(json, path: "list.json")
        #expect(s.resources.map(\.id.description) == ["Namespace a", "Deployment a/web"])
        #expect(s.resources.map(\.source.line) == [5, 9])
        #expect(s.resources[1].body.at("metadata.managedFields") == nil)
        #expect(s.newestTimestamp == Timestamp.parse("2026-03-04T05:06:07Z"))
    }

    @Test func multiDocumentYAMLAndYAMLLists() throws {
        let yaml = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: a}
            ---
            # a comment
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: c, namespace: a}
            - apiVersion: v1
              kind: ServiceAccount
              metadata: {name: s}
            ---
            """
        let s = try load(yaml)
        #expect(s.resources.map(\.id.description) == ["Namespace a", "ConfigMap a/c", "ServiceAccount default/s"])
        #expect(s.resources.map(\.source.line) == [1, 9, 12])
    }

    @Test func scalarsResolveLikeKubernetes() throws {
        let s = try load("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec: {hostNetwork: true, priority: 10, label: "true", ratio: 1.5, nothing: ~}
            """)
        let spec = s.resources[0].spec
        #expect(spec["hostNetwork"] == .bool(true))
        #expect(spec["priority"] == .int(10))
        #expect(spec["label"] == .string("true"))
        #expect(spec["ratio"] == .double(1.5))
        #expect(spec["nothing"] == .null)
    }

    @Test func secretValuesAndLastAppliedNeverLoad() throws {
        let s = try load("""
            apiVersion: v1
            kind: Secret
            metadata:
              name: db
              namespace: a
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"c2VjcmV0"}}'
                team: payments
            data: {password: c2VjcmV0}
            stringData: {token: plain-secret}
            """)
        let secret = s.resources[0]
        #expect(secret.body["data"] == .map(["password": .null]))
        #expect(secret.body["stringData"] == .map(["token": .null]))
        #expect(secret.annotations == ["team": "payments"])
        #expect(secret.body.at("metadata.annotations") == .map(["team": .string("payments")]))
    }

    @Test func ownerReferencesAndDefaultNamespace() throws {
        let s = try load("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-1
              ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, uid: u1, controller: true}]
            """)
        #expect(s.resources[0].namespace == "default")
        #expect(s.resources[0].ownerReferences.first?.kind == "ReplicaSet")
        #expect(s.resources[0].ownerReferences.first?.controller == true)
    }

    @Test("input that is neither JSON nor YAML is an error naming the file and line")
    func notASnapshot() {
        for (text, expectation) in [
            ("just some words\n", "expected a Kubernetes object"),
            ("a: [1, 2\nb: c\n", "invalid YAML"),
            ("{\"kind\": \"List\", \"items\": [}", "invalid JSON"),
            ("{\"a\": 1, \"a\": 2}", "duplicate key 'a'"),
            ("a: 1\na: 2\n", "duplicate key 'a'"),
            ("- 1\n- 2\n", "expected a Kubernetes object"),
        ] {
            do {
                _ = try load(text, path: "bad.txt")
                Issue.record("accepted: \(text)")
            } catch let error as LoadError {
                #expect(error.description.hasPrefix("bad.txt:"), "\(error)")
                #expect(error.description.contains(expectation), "\(error)")
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
    }

    @Test("documents without kind are skipped with a warning")
    func nonKubernetesDocument() throws {
        let s = try load("replicaCount: 3\nimage: {tag: 1}\n")
        #expect(s.resources.isEmpty)
        #expect(s.diagnostics.count == 1)
    }

    @Test("an alias bomb fails instead of expanding")
    func aliasBomb() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<9 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        yaml += "kind: Pod\napiVersion: v1\nmetadata: {name: boom}\n"
        #expect(throws: LoadError.self) { try load(yaml) }
    }

    @Test("deep nesting fails cleanly in JSON and YAML")
    func deepNesting() {
        let json = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: LoadError.self) { try load(json, path: "deep.json") }
        let yaml = String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000)
        #expect(throws: (any Error).self) { try load(yaml, path: "deep.yaml") }
    }

    @Test("JSON strings: escapes, surrogates and invalid UTF-8")
    func jsonStrings() throws {
        let s = try load(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x\u00e9\ud83d\ude00\n"}}"#, path: "e.json")
        #expect(s.resources[0].name == "xé😀\n")
        var bad = Data(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":""#.utf8)
        bad.append(contentsOf: [0xFF, 0xFE])
        bad.append(contentsOf: Data(#""}}"#.utf8))
        #expect(throws: LoadError.self) { try SnapshotLoader.load(bad, path: "bad.json") }
    }

    @Test("the later input wins when an object appears twice")
    func mergeDuplicates() throws {
        let a = try load("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}\ndata: {v: '1'}\n", path: "a.yaml")
        let b = try load("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}\ndata: {v: '2'}\n", path: "b.yaml")
        let merged = Snapshot.merging([a, b])
        #expect(merged.resources.count == 1)
        #expect(merged.resources[0].body.at("data.v") == .string("2"))
        #expect(merged.diagnostics.count == 1)
        #expect(merged.diagnostics[0].message.contains("a.yaml:1"))
    }

    @Test("pods fold under their top-most owner")
    func topOwners() throws {
        let s = try load("""
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly, namespace: n, uid: c1}
            spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: x}]}}}}}
            ---
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: nightly-1
              namespace: n
              uid: j1
              ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: nightly, uid: c1, controller: true}]
            spec: {template: {spec: {containers: [{name: a, image: x}]}}}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: nightly-1-abc
              namespace: n
              ownerReferences: [{apiVersion: batch/v1, kind: Job, name: nightly-1, uid: j1, controller: true}]
            spec: {containers: [{name: a, image: x}]}
            """)
        let index = SnapshotIndex(s)
        #expect(index.podTemplates.count == 1)
        #expect(index.podTemplates[0].resource.kind == "CronJob")
        #expect(index.podTemplates[0].specPath == "spec.jobTemplate.spec.template.spec")
        #expect(index.podTemplates[0].pods.map(\.name) == ["nightly-1-abc"])
        #expect(index.podTemplates[0].objectPath("spec.containers[0].image") == "spec.jobTemplate.spec.template.spec.containers[0].image")
    }

    @Test("RFC 3339 times: offsets, fractions; malformed times are ignored for snapshotTime")
    func timestamps() throws {
        #expect(Timestamp.seconds("1970-01-01T00:00:00Z") == 0)
        #expect(Timestamp.seconds("2026-11-27T12:00:00Z") == 1_795_780_800)
        #expect(Timestamp.seconds("2026-11-27T13:00:00+01:00") == 1_795_780_800)
        #expect(Timestamp.seconds("2024-02-29T00:00:00.5Z") == 1_709_164_800.5)
        for bad in ["2026-13-45T99:00:00Z", "2026-11-27 12:00:00Z", "2026-11-27T12:00:00", "yesterday", "2026-11-27T12:00:00.Z"] {
            #expect(Timestamp.seconds(bad) == nil, "\(bad)")
        }
        let s = try load("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: a, creationTimestamp: "2026-13-45T99:00:00Z"}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: b, creationTimestamp: "2026-03-04T05:06:07.5Z"}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: c, creationTimestamp: "2026-03-04T05:06:07Z"}
            """)
        #expect(s.newestTimestamp == Date(timeIntervalSince1970: 1_772_600_767.5))
    }

    /// Dates are computed by hand (Foundation's calendars load ICU): every 13th day over five centuries, and
    /// times around midnight, agree with a Gregorian `Calendar` in UTC.
    @Test("dates and RFC 3339 times by hand agree with Foundation's Gregorian calendar")
    func calendarArithmetic() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        for days in stride(from: -25_567, through: 157_000, by: 13) {  // 1900 to 2399
            let date = Date(timeIntervalSince1970: Double(days) * 86_400 + 43_200.75)
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let day = PlanDate(date: date)
            #expect([day.year, day.month, day.day] == [c.year, c.month, c.day], "\(days)")
            let start = try #require(calendar.date(from: DateComponents(year: c.year, month: c.month, day: c.day)))
            #expect(day.endOfDay == start.addingTimeInterval(86_400))
            #expect(Timestamp.days(year: day.year, month: day.month, day: day.day) == days)
        }
        for text in ["1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2000-02-29T23:59:59Z", "2100-03-01T00:00:00Z",
                     "2026-11-27T12:00:00Z", "0999-01-01T00:00:09Z"] {
            #expect(Timestamp.parse(text).map(Timestamp.format) == text)
        }
        #expect(Timestamp.format(Date(timeIntervalSince1970: 59.9)) == "1970-01-01T00:00:59Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59Z")
        #expect(PlanDate(year: 2026, month: 3, day: 9).description == "2026-03-09")
    }

    @Test("YAML: plain scalars read without the resolver (ints, booleans, untypable text) give what it gives")
    func quickScalarsMatchTheResolver() {
        let plain = ["0", "7", "8080", "-1", "-0", "+5", "007", "0644", "08", "1_000", "123456789012345678",
                     "1234567890123456789", "-123456789012345678", "true", "false", "True", "yes", "on", "1e3",
                     "0x1F", "1:30", "12.5", "-", "--1", "1-2", "2026-10-01T12:00:00Z", "2026-10-01", "100m", "256Mi",
                     "10.0.0.1", "1.2.3", ".inf", ".NaN", "~", "null", "Off", "y", "1e+3", "0b101", "v1.2", "8080/TCP",
                     "default", "database", "nfs", "Yes", "NULL", "<<", "=", "0o17", "0x1f", "+.inf", "-.INF", ".5",
                     "1_000.5", "190:20:30", "1.0e-3", "0.", "-", "+", ".", "192.168.0.7", "8000:8100", "1.5.", "..5", "~x", "~~",
                     "9ffcb22f-3f0f-7a90-43bd-edb32c4ad5be", "1e-5", "1E+5", "12-34", "0e-1", "1_0+1", "-1-"]
        for text in plain {
            let tag = YAMLReader.tag(of: Node.Scalar(text, Tag(.implicit)))
            let slow = YAMLReader.scalarValue(Node.Scalar(text, Tag(tag)), tag: tag)
            if let quick = YAMLEventReader.quickResolve(text) { #expect(quick == slow, "\(text)") }
        }
        #expect(YAMLEventReader.quickResolve("8080") == .int(8080))
        #expect(YAMLEventReader.quickResolve("0644") == nil)
        #expect(YAMLEventReader.quickResolve("2026-10-01T12:00:00Z") == .string("2026-10-01T12:00:00Z"))
        #expect(YAMLEventReader.quickResolve("1e+3") == nil)
        #expect(YAMLEventReader.quickResolve("9ffcb22f-3f0f-7a90") == .string("9ffcb22f-3f0f-7a90"))
        #expect(YAMLEventReader.quickResolve("database") == .string("database"))
        #expect(YAMLEventReader.quickResolve("Off") == nil)
    }

    @Test("catalogs and plans: null as the resolver reads it, without its regular expressions")
    func strictNullMatchesTheResolver() throws {
        let yaml = ["~", "null", "Null", "NULL", "", "'null'", "\"~\"", "nil", "None", "\"\"", "false", "0", "!!null x",
                    "!!str null", "n"].map { "- " + $0 }.joined(separator: "\n")
        let root = try #require(try Parser(yaml: yaml).singleRoot())
        guard case .sequence(let items) = root else { Issue.record("not a sequence"); return }
        var nulls = 0
        for node in items {
            guard case .scalar(let scalar) = node else { continue }
            let expected = Resolver.default.resolveTag(of: node) == .null
            #expect(StrictNode.isNull(scalar) == expected, "\(scalar.string)")
            if expected { nulls += 1 }
        }
        #expect(nulls == 6)
    }

    @Test("YAML: equal subtrees share storage; one holding an alias keeps its own meaning")
    func yamlSubtreesAreShared() throws {
        let s = try load("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a}
            one: &x 1
            first: {list: [*x, 2, 3, 4], plain: [10, 20, 30, 40]}
            two: &x 2
            later: {list: [*x, 2, 3, 4], plain: [10, 20, 30, 40]}
            """)
        let body = try #require(s.resources.first?.body)
        #expect(body.at("first.list") == .list([.int(1), .int(2), .int(3), .int(4)]))
        #expect(body.at("later.list") == .list([.int(2), .int(2), .int(3), .int(4)]))
        func storage(_ value: Value?) -> UnsafeRawPointer? {
            value?.list?.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        }
        #expect(storage(body.at("first.plain")) != nil)
        // The same text at the same column (block YAML's meaning depends on it): one copy.
        #expect(storage(body.at("first.plain")) == storage(body.at("later.plain")))

        // libyaml counts characters, not bytes: after a 3-byte character its positions are two bytes short,
        // and texts that differ only in their last two bytes would look alike. Such input is not shared.
        let wide = try load("""
            # price: 5 €
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: b}
            first: {plain: [10, 20, 30, 41]}
            later: {plain: [10, 20, 30, 42]}
            """)
        let wideBody = try #require(wide.resources.first?.body)
        #expect(wideBody.at("later.plain") == .list([.int(10), .int(20), .int(30), .int(42)]))
    }

    @Test("JSON: what no check needs is dropped while reading, with its syntax still checked")
    func jsonSkipsWhileReading() throws {
        let json = """
            {"kind": "PodList", "apiVersion": "v1", "items": [
              {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "p", "namespace": "n",
                 "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\\"env\\": \\"x\\"}", "a": "b"},
                 "managedFields": [{"manager": "m", "time": "2026-05-06T07:08:09Z", "fieldsV1": {"f:spec": {}}}]},
               "spec": {"containers": [{"name": "c", "image": "registry.example.com/team/app:1.0.0"}]},
               "status": {"phase": "Running", "podIP": "10.0.0.1", "qosClass": "BestEffort",
                 "conditions": [{"type": "Ready", "status": "True"}],
                 "containerStatuses": [{"name": "c", "imageID": "sha", "state": {"running": {}}}]}}
            ]}
            """
        let s = try load(json, path: "pods.json")
        let pod = try #require(s.resources.first)
        #expect(pod.annotations == ["a": "b"])
        #expect(pod.body.at("metadata.annotations") == .map(["a": .string("b")]))
        #expect(pod.body.at("metadata.managedFields") == nil)
        #expect(pod.status == .map(["phase": .string("Running"), "podIP": .string("10.0.0.1"),
                                    "containerStatuses": .list([.map(["name": .string("c"), "imageID": .string("sha")])])]))
        #expect(s.newestTimestamp == Timestamp.parse("2026-05-06T07:08:09Z"))
        #expect(s.resources.map(\.source.line) == [2])

        // Skipped parts are still JSON: broken syntax or a repeated key inside them fails.
        #expect(throws: LoadError.self) {
            try load(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","managedFields":[{"time":}]}}"#, path: "b.json")
        }
        #expect(throws: LoadError.self) {
            try load(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","managedFields":[],"managedFields":[]}}"#,
                     path: "d.json")
        }
    }

    @Test("JSON: an object with items that is not a List stays one object; List items keep input order")
    func jsonItemsOfNonList() throws {
        let s = try load("""
            {"apiVersion": "example.com/v1", "kind": "Bundle", "metadata": {"name": "b"},
             "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "inner"}}]}
            {"items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c1"}},
                       {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c2"}}], "kind": "List"}
            """, path: "mixed.json")
        #expect(s.resources.map(\.name) == ["b", "c1", "c2"])
        #expect(s.resources[0].body.at("items")?.items.count == 1)
        #expect(s.resources.map(\.source.line) == [1, 3, 4])
    }

    /// A kubectl-style List: four-space indentation, items on their own lines at eight spaces.
    static func kubectlList(_ items: [String], indentOfOthers: Int = 8) -> String {
        "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n"
            + items.enumerated().map { String(repeating: " ", count: $0 == 0 ? 8 : indentOfOthers) + $1 }
                .joined(separator: ",\n")
            + "\n    ],\n    \"kind\": \"List\"\n}\n"
    }

    func loadBothWays(_ json: String) throws -> (Snapshot, Snapshot) {
        let data = Data(json.utf8)
        return (try SnapshotLoader.load(data, path: "l.json", parallelFrom: .max),
                try SnapshotLoader.load(data, path: "l.json", parallelFrom: 0))
    }

    func expectSame(_ a: Snapshot, _ b: Snapshot) {
        #expect(a.resources.map(\.id) == b.resources.map(\.id))
        #expect(a.resources.map(\.source) == b.resources.map(\.source))
        #expect(a.resources.map(\.body) == b.resources.map(\.body))
        #expect(a.diagnostics == b.diagnostics)
        #expect(a.newestTimestamp == b.newestTimestamp)
    }

    /// Found by the FuzzSnapshotJSON fuzz target (Fuzz/regressions/FuzzSnapshotJSON): a List whose first
    /// item starts at the beginning of a line made the two-thread split guess trap on `1...0`.
    @Test("JSON: a List whose items are not indented loads, on one thread or two")
    func unindentedItemsDoNotTrapTheSplit() throws {
        let items = (0..<4).map { "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\($0)\"}}" }
        let json = "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n" + items.joined(separator: ",\n") + "\n]}\n"
        let (one, two) = try loadBothWays(json)
        #expect(one.resources.map(\.name) == ["c0", "c1", "c2", "c3"])
        expectSame(one, two)
    }

    /// Found by the FuzzSnapshotJSON fuzz target: a kindless item in the first half and a skipped item in
    /// the second gave their warnings in another order on two threads.
    @Test("JSON: kindless items come after the others on one thread and on two")
    func kindlessItemsKeepTheirPlaceInTheSplit() throws {
        var items = (0..<6).map { "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\($0)\"}}" }
        items[0] = "{\"metadata\": {\"name\": \"no-kind\"}}"
        items[5] = "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {}}"
        let (one, two) = try loadBothWays(Self.kubectlList(items))
        #expect(one.diagnostics.count == 2)
        expectSame(one, two)
    }

    @Test("JSON: the items of a large List read on two threads give what one thread gives")
    func parallelItems() throws {
        let items = (0..<40).map { i in
            """
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c\(i)", "namespace": "n",
                    "managedFields": [{"time": "2026-01-\(10 + i % 20)T00:00:00Z"}]},
                    "data": {"k": "\(i)"}}
            """
        }
        let (one, two) = try loadBothWays(Self.kubectlList(items))
        #expect(one.resources.count == 40)
        expectSame(one, two)

        // Objects at the items' indentation inside an item (and the items themselves elsewhere): the guessed
        // split is wrong, and is caught.
        let nested = (0..<40).map { i in
            "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"d\(i)\"}, \"list\": [1,\n"
                + "        {\"a\": \(i)}]}"
        }
        let (three, four) = try loadBothWays(Self.kubectlList(nested, indentOfOthers: 9))
        #expect(three.resources.count == 40)
        expectSame(three, four)

        // An error in the second half is reported where it is.
        var broken = items
        broken[35] = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": }}"
        let text = Self.kubectlList(broken)
        var lines: [Int] = []
        for data in [Data(text.utf8)] {
            for threshold in [Int.max, 0] {
                do {
                    _ = try SnapshotLoader.load(data, path: "b.json", parallelFrom: threshold)
                } catch {
                    lines.append(error.location.line)
                }
            }
        }
        #expect(lines.count == 2 && lines[0] == lines[1])
    }

    @Test("JSON: text written again under the same member is reused; lines and errors after it keep their place")
    func repeatedTextIsReused() throws {
        let containers = """
            [
                            {"name": "app", "image": "registry.example/app:1.0",
                             "ports": [{"containerPort": 8080}]}
                        ]
            """
        func pod(_ name: String, _ containers: String, node: String = "n1") -> String {
            "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"\(name)\", \"namespace\": \"a\"},\n"
                + "            \"spec\": {\"nodeName\": \"\(node)\", \"containers\": \(containers)}}"
        }
        let changed = containers.replacingOccurrences(of: "8080", with: "8081")
        let items = [pod("p1", containers), pod("p2", containers, node: "n2"), pod("p3", changed),
                     // The same text one level deeper: read again, not reused.
                     "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\"},\n"
                        + "            \"data\": {\"x\": {\"containers\": \(containers)}}}",
                     pod("p4", containers)]
        let text = Self.kubectlList(items)
        let s = try SnapshotLoader.load(Data(text.utf8), path: "r.json")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let expected = ["p1", "p2", "p3", "\"c\"", "p4"].map { name in
            (lines.firstIndex { $0.contains("\"name\": \(name.hasPrefix("\"") ? name : "\"\(name)\"")") } ?? -1) + 1
        }
        #expect(s.resources.map(\.source.line) == expected)
        func storage(_ value: Value?) -> UnsafeRawPointer? {
            value?.list?.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        }
        let bodies = s.resources.map(\.body)
        #expect(bodies[0].at("spec.containers") == bodies[1].at("spec.containers"))
        #expect(storage(bodies[0].at("spec.containers")) == storage(bodies[1].at("spec.containers")))
        #expect(bodies[2].at("spec.containers")?[0]?.at("ports")?[0]?["containerPort"] == .int(8081))
        #expect(bodies[3].at("data.x.containers") == bodies[0].at("spec.containers"))
        #expect(bodies[4].at("spec.containers") == bodies[0].at("spec.containers"))
        #expect(bodies[1].at("spec.nodeName") == .string("n2"))

        // An error after reused text is reported at its own line and column.
        let broken = Self.kubectlList([pod("p1", containers), pod("p2", containers) + " x"])
        let brokenLines = broken.split(separator: "\n", omittingEmptySubsequences: false)
        let errorLine = (brokenLines.firstIndex { $0.hasSuffix("} x") } ?? -1) + 1
        #expect(throws: LoadError.self) { try SnapshotLoader.load(Data(broken.utf8), path: "b.json") }
        do {
            _ = try SnapshotLoader.load(Data(broken.utf8), path: "b.json")
        } catch {
            #expect(error.location.line == errorLine)
            #expect(error.location.column == brokenLines[errorLine - 1].count)
        }
    }
}
