import EvidentCEL
import Testing

/// Our own table: the Kubernetes-style variables (`object`, `namespaceObject`, `params`) and the cases
/// admission policies rely on, beyond the upstream conformance data.
@Suite struct CELInterpreterTests {
    static func object() -> CELValue {
        var labels = CELMap()
        labels.insert(.string("app"), .string("web"))
        labels.insert(.string("team"), .string("payments"))
        var metadata = CELMap()
        metadata.insert(.string("name"), .string("web"))
        metadata.insert(.string("labels"), .map(labels))
        func container(_ name: String, _ image: String, privileged: Bool?) -> CELValue {
            var c = CELMap()
            c.insert(.string("name"), .string(name))
            c.insert(.string("image"), .string(image))
            if let privileged {
                var sc = CELMap()
                sc.insert(.string("privileged"), .bool(privileged))
                c.insert(.string("securityContext"), .map(sc))
            }
            return .map(c)
        }
        var podSpec = CELMap()
        podSpec.insert(.string("containers"), .list([
            container("app", "registry.example.com/web:1.2", privileged: false),
            container("sidecar", "docker.io/envoy:latest", privileged: nil),
        ]))
        var spec = CELMap()
        spec.insert(.string("replicas"), .int(3))
        spec.insert(.string("template"), .map({ var t = CELMap(); t.insert(.string("spec"), .map(podSpec)); return t }()))
        var root = CELMap()
        root.insert(.string("kind"), .string("Deployment"))
        root.insert(.string("metadata"), .map(metadata))
        root.insert(.string("spec"), .map(spec))
        return .map(root)
    }

    static func variables() -> [String: CELValue] {
        var params = CELMap()
        params.insert(.string("maxReplicas"), .int(5))
        params.insert(.string("registries"), .list([.string("registry.example.com/")]))
        return ["object": object(), "namespaceObject": .null, "params": .map(params)]
    }

    static let table: [(String, CELValue?)] = [
        ("object.spec.replicas <= params.maxReplicas", .bool(true)),
        ("has(object.metadata.labels) && 'team' in object.metadata.labels", .bool(true)),
        ("has(object.metadata.annotations)", .bool(false)),
        ("object.metadata.labels['team']", .string("payments")),
        ("object.spec.template.spec.containers.all(c, params.registries.exists(r, c.image.startsWith(r)))",
         .bool(false)),
        ("object.spec.template.spec.containers.filter(c, c.image.endsWith(':latest')).map(c, c.name)",
         .list([.string("sidecar")])),
        ("object.spec.template.spec.containers.exists_one(c, has(c.securityContext))", .bool(true)),
        ("object.spec.template.spec.containers.all(c, !has(c.securityContext) || !c.securityContext.privileged)",
         .bool(true)),
        ("namespaceObject == null ? 'none' : namespaceObject.metadata.name", .string("none")),
        ("object.metadata.name.matches('^[a-z]+$') && size(object.metadata.name) == 3", .bool(true)),
        ("object.spec.replicas * 2u", nil),
        ("object.spec.missing > 1", nil),
        ("object.spec.missing > 1 && false", .bool(false)),
        ("true || object.spec.missing", .bool(true)),
        ("int('42') + int(2.9) + int(3u)", .int(47)),
        ("uint(7) + uint('1')", .uint(8)),
        ("double(1) / 4.0", .double(0.25)),
        ("string(12) + string(true) + string(b'ok')", .string("12trueok")),
        ("bytes('a') == b'a' && bool('true')", .bool(true)),
        ("int(-1.0e19)", nil),
        ("uint(-1)", nil),
        ("[1, 2][2]", nil),
        ("{'a': 1}.b", nil),
        ("'''multi\nline''' == \"multi\\nline\"", .bool(true)),
        ("1 == 1.0 && 1 == 1u && [1] == [1.0]", .bool(true)),
        ("{'a': 1, 'a': 2}", nil),
        ("9223372036854775807 * 2", nil),
        ("-(-9223372036854775807 - 1)", nil),
        // The Kubernetes string and list extension libraries.
        ("object.metadata.labels.team.upperAscii() + 'Ünï'.lowerAscii()", .string("PAYMENTSÜnï")),
        ("'registry.example.com/web:1.2'.split('/')", .list([.string("registry.example.com"), .string("web:1.2")])),
        ("'a,b,c'.split(',', 2)", .list([.string("a"), .string("b,c")])),
        ("['a', 'b'].join('-') + ['c'].join()", .string("a-bc")),
        ("'  padded \t'.trim()", .string("padded")),
        ("'banana'.replace('a', 'o') + 'banana'.replace('a', 'o', 1)", .string("bononobonana")),
        ("'ünïcode'.indexOf('c') == 3 && 'banana'.lastIndexOf('an') == 3 && 'abc'.indexOf('z') == -1", .bool(true)),
        ("'hello'.substring(1, 3) + 'hello'.substring(4) + 'hello'.charAt(0)", .string("eloh")),
        ("'hello'.substring(3, 9)", nil),
        ("[3, 1, 2].sum() == 6 && [3, 1, 2].min() == 1 && [1.5, 2.5].max() == 2.5", .bool(true)),
        ("[1, 2, 2, 5].isSorted() && ![2, 1].isSorted() && [1, 2, 1].lastIndexOf(1) == 2", .bool(true)),
        ("[].min()", nil),
        ("1.lowerAscii()", nil),
    ]

    @Test(arguments: 0..<table.count) func kubernetesTable(_ i: Int) throws {
        let (expr, expected) = Self.table[i]
        let program = try CELProgram(expr)
        if let expected {
            let result = try program.evaluate(Self.variables())
            #expect(result.identical(to: expected), "\(expr) gave \(result.typedJSON)")
        } else {
            #expect(throws: CELEvaluationError.self, "\(expr) should fail") { try program.evaluate(Self.variables()) }
        }
    }

    @Test func parseErrorsCarryLineAndColumn() {
        let cases: [(String, Int, Int)] = [
            ("1 +", 1, 4),
            ("object.metadata.\n  labels[", 2, 10),
            ("'unterminated", 1, 1),
            ("a = b", 1, 3),
            ("9223372036854775808", 1, 1),
            ("has(x)", 1, 1),
            ("[1, 2].all(1, true)", 1, 11),
            ("\"\\q\"", 1, 2),
        ]
        for (expr, line, column) in cases {
            do {
                _ = try CELProgram(expr)
                Issue.record("\(expr) parsed")
            } catch {
                #expect(error.line == line && error.column == column, "\(expr): \(error)")
            }
        }
    }

    /// Fuzzing (FuzzCEL) showed that Foundation leaks on every pattern that fails to compile; invalid
    /// patterns are now cached as such. They must still fail, every time.
    @Test func invalidPatternsFailEveryTime() throws {
        let program = try CELProgram("object.metadata.name.matches('([a-z')")
        for _ in 0..<3 {
            #expect(throws: CELEvaluationError.self) { try program.evaluate(Self.variables()) }
        }
        #expect(try CELProgram("'abc'.matches('^a')").evaluate().identical(to: .bool(true)))
    }

    @Test func deepNestingIsAParseErrorNotACrash() {
        let expr = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        #expect(throws: CELParseError.self) { try CELProgram(expr) }
        let chain = Array(repeating: "1", count: 5000).joined(separator: " + ")
        #expect(throws: CELParseError.self) { try CELProgram(chain) }
        #expect(throws: Never.self) { try CELProgram(Array(repeating: "1", count: 100).joined(separator: " + ")) }
    }

    @Test func typedJSON() throws {
        let value = try CELProgram("[1u, -2, 1.5, 'a\"b', b'\\xff', null, {'k': true}, 0.0/0.0]").evaluate()
        #expect(value.typedJSON == #"{"type": "list", "values": [{"type": "uint", "value": 1}, "#
            + #"{"type": "int", "value": -2}, {"type": "double", "value": 1.5}, {"type": "string", "value": "a\"b"}, "#
            + #"{"type": "bytes", "base64": "/w=="}, {"type": "null"}, "#
            + #"{"type": "map", "entries": [[{"type": "string", "value": "k"}, {"type": "bool", "value": true}]]}, "#
            + #"{"type": "double", "value": "nan"}]}"#)
    }
}
