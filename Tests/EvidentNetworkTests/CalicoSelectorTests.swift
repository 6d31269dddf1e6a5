import EvidentNetwork
import Foundation
import Testing

/// The selector language as Calico's documentation describes it (docs.tigera.io, "Selectors" in the
/// NetworkPolicy reference).
@Suite("Calico selectors")
struct CalicoSelectorTests {
    static let labels = ["app": "web", "tier": "frontend", "env": "prod-eu", "version": "v2"]

    @Test("every operator", arguments: [
        ("all()", true),
        ("", true),
        ("global()", false),
        ("app == 'web'", true),
        ("app == \"web\"", true),
        ("app == 'api'", false),
        ("app != 'api'", true),
        ("missing != 'x'", true),          // != is also true when the label is absent
        ("app != 'web'", false),
        ("has(tier)", true),
        ("has(missing)", false),
        ("!has(missing)", true),
        ("tier in {'frontend', 'backend'}", true),
        ("tier in {\"backend\"}", false),
        ("missing in {'a'}", false),
        ("tier not in {'backend'}", true),
        ("tier not in {'frontend'}", false),
        ("missing not in {'a'}", true),     // not in is true when the label is absent
        ("env contains 'od-e'", true),
        ("env contains 'us'", false),
        ("env starts with 'prod'", true),
        ("env starts with 'eu'", false),
        ("env ends with '-eu'", true),
        ("env ends with 'prod'", false),
        ("app == 'web' && tier == 'frontend'", true),
        ("app == 'web' && tier == 'backend'", false),
        ("app == 'api' || tier == 'frontend'", true),
        ("!(app == 'web')", false),
        ("!(app == 'api' || version == 'v1') && has(env)", true),
        ("(app == 'api' || app == 'web') && !(tier in {'backend'})", true),
        ("app=='web'&&version!='v1'", true),
        ("  has( app )  ", true),
    ])
    func operators(_ selector: String, _ expected: Bool) throws {
        #expect(try CalicoSelector.parse(selector).matches(Self.labels) == expected, "\(selector)")
    }

    @Test("global() matches only non-namespaced objects")
    func global() throws {
        let s = try CalicoSelector.parse("global()")
        #expect(s.matches([:], isGlobal: true))
        #expect(!s.matches([:], isGlobal: false))
    }

    @Test("label keys with prefixes, dots and dashes")
    func keys() throws {
        let s = try CalicoSelector.parse("projectcalico.org/namespace == 'shop' && pcns.data-sensitivity == 'high'")
        #expect(s.matches(["projectcalico.org/namespace": "shop", "pcns.data-sensitivity": "high"]))
        #expect(!s.matches(["projectcalico.org/namespace": "shop"]))
    }

    /// Found by the FuzzCalico fuzz target (Fuzz/regressions/FuzzCalico): `tier in {"baa== '"}` was
    /// printed as `tier in {'baa== ''}`, which does not parse.
    @Test("the printed form parses back to the same selector", arguments: [
        #"tier in {"baa== '"}"#, #"app == "it's""#, #"a != "'" || b contains "x'y" && c starts with "'""#,
        #"!(d ends with "'") && e not in {"'", 'plain'}"#, "has(app) && app == 'web'", "all()", "global()",
        "!!has(a) && !(b == 'x' || !c != 'y')", String(repeating: "!", count: 490) + "all()",
    ])
    func printedFormRoundTrips(_ text: String) throws {
        let selector = try CalicoSelector.parse(text)
        #expect(try CalicoSelector.parse(selector.description) == selector, "\(text) printed as \(selector)")
    }

    /// Found by FuzzCalico: a key starting with a combining mark (U+0654) printed after `(` made one
    /// character of both. Label keys are ASCII, as in Kubernetes and Calico.
    @Test("label keys are ASCII")
    func asciiKeys() throws {
        #expect(throws: CalicoSelector.ParseError.self) {
            try CalicoSelector.parse("\u{0654}k ends with '-' || a == 'b'")
        }
        #expect(throws: CalicoSelector.ParseError.self) { try CalicoSelector.parse("caf\u{E9} == 'x'") }
        #expect(try CalicoSelector.parse("a == 'x\u{0654}\u{E9}'").matches(["a": "x\u{0654}\u{E9}"]))
    }

    @Test("deep nesting and long chains are parse errors, not stack overflows")
    func deepNesting() throws {
        let deep = [
            String(repeating: "(", count: 100_000) + "has(a)" + String(repeating: ")", count: 100_000),
            String(repeating: "!", count: 100_000) + "has(a)",
            Array(repeating: "a == 'x'", count: 100_000).joined(separator: " && "),
            Array(repeating: "a == 'x'", count: 100_000).joined(separator: " || "),
        ]
        for text in deep {
            #expect(throws: CalicoSelector.ParseError.self) { try CalicoSelector.parse(text) }
        }
        let fine = Array(repeating: "has(a)", count: 200).joined(separator: " && ")
        #expect(try CalicoSelector.parse(fine).matches(["a": ""]))
    }

    /// Every input the FuzzCalico target once failed on (Fuzz/regressions/FuzzCalico/), replayed.
    static let fuzzRegressions: [String] = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/regressions/FuzzCalico")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().compactMap { try? String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
    }()

    @Test("fuzz regressions: printed forms parse back", arguments: fuzzRegressions)
    func fuzzRegression(_ text: String) {
        guard let selector = try? CalicoSelector.parse(text) else { return }
        #expect((try? CalicoSelector.parse(selector.description)) == selector, "\(text) printed as \(selector)")
    }

    @Test("malformed selectors do not parse", arguments: [
        "app ==", "app == web", "app = 'web'", "has(app", "app in {'a'", "app in 'a'", "(app == 'a'",
        "app == 'a' &&", "app == 'a' ||| b == 'c'", "app not 'a'", "starts with 'a'", "app == 'unterminated",
        "all(", "app == 'a' b == 'c'", "app starts 'x'",
    ])
    func malformed(_ selector: String) {
        #expect(throws: CalicoSelector.ParseError.self) { try CalicoSelector.parse(selector) }
    }
}
