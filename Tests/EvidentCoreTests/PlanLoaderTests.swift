@testable import EvidentCore
import Foundation
import Testing

@Suite("Catalog and plan loading")
struct PlanLoaderTests {
    /// Loading must fail with an error that names the file, the line and the offending word.
    func expectError(_ plan: String, line: Int, word: String?, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        do {
            _ = try TestData.loadPlan(plan)
            Issue.record("the plan was accepted", sourceLocation: sourceLocation)
        } catch let error as LoadError {
            #expect(error.location.file == "plan.yaml", sourceLocation: sourceLocation)
            #expect(error.location.line == line, "\(error)", sourceLocation: sourceLocation)
            #expect(error.word == word, "\(error)", sourceLocation: sourceLocation)
            if let word { #expect(error.description.contains(word), sourceLocation: sourceLocation) }
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func validPlanLoads() throws {
        let (plan, catalogs) = try TestData.loadPlan(TestData.plan + """

            parameters: {floor: "1.2", names: [x, y]}
            overrides: {auto-1: {severity: low}}
            exceptions:
              - {id: E1, control: auto-1, scope: {namespace: n, check: a}, justification: j, approvedBy: ciso, expires: 2026-12-31}
            attestations:
              - {control: man-1, status: satisfied, statement: s, attestedBy: me, date: 2026-01-01, expires: 2027-01-01}
            customControls:
              - id: org
                title: Org
                controls:
                  - {id: org-1, title: t, statement: s, severity: low, mode: manual}
            """)
        #expect(plan.parameters["names"] == .list([.string("x"), .string("y")]))
        #expect(plan.severityOverrides["auto-1"] == .low)
        #expect(plan.exceptions.first?.expires == PlanDate(year: 2026, month: 12, day: 31))
        #expect(catalogs.map(\.id) == ["test-catalog", "test-plan"])
        #expect(plan.customCatalog?.controls.map(\.id) == ["org-1"])
    }

    @Test func typoInAKeyNamesLineAndWord() {
        expectError(TestData.plan + "\nexceptons: []\n", line: 8, word: "exceptons")
        expectError(TestData.plan + """

            exceptions:
              - id: E1
                control: auto-1
                scope: {namespace: n}
                justification: j
                approvedBy: ciso
                expirs: 2026-12-31
            """, line: 14, word: "expirs")
    }

    @Test func unknownControlIDs() {
        expectError(TestData.plan + """

            exceptions:
              - {id: E1, control: auto-9, scope: {namespace: n}, justification: j, approvedBy: ciso, expires: 2026-12-31}
            """, line: 9, word: "auto-9")
        expectError(TestData.plan.replacingOccurrences(of: "  - id: test-catalog", with: """
              - id: test-catalog
                exclude: [{control: man-2, reason: r}]
            """), line: 8, word: "man-2")
        expectError(TestData.plan + "\noverrides: {auto-3: {severity: low}}\n", line: 8, word: "auto-3")
        expectError(TestData.plan + """

            attestations:
              - {control: man1, status: satisfied, statement: s, attestedBy: me, date: 2026-01-01}
            """, line: 9, word: "man1")
    }

    @Test func unknownOrMistypedParameters() {
        expectError(TestData.plan + "\nparameters: {flor: '1'}\n", line: 8, word: "flor")
        expectError(TestData.plan + "\nparameters: {names: oops}\n", line: 8, word: "names")
    }

    @Test func malformedDates() {
        for bad in ["2026-13-01", "2026-02-30", "31.12.2026", "2026-1-1", "tomorrow"] {
            expectError(TestData.plan + """

                exceptions:
                  - {id: E1, control: auto-1, scope: {namespace: n}, justification: j, approvedBy: c, expires: "\(bad)"}
                """, line: 9, word: bad)
        }
    }

    @Test func exceptionsMustBeNarrowAndExpire() {
        expectError(TestData.plan + """

            exceptions:
              - {id: E1, control: auto-1, scope: {kind: Deployment}, justification: j, approvedBy: c, expires: 2026-12-31}
            """, line: 9, word: nil)
        expectError(TestData.plan + """

            exceptions:
              - {id: E1, control: auto-1, scope: {namespace: "*"}, justification: j, approvedBy: c, expires: 2026-12-31}
            """, line: 9, word: "*")
        expectError(TestData.plan + """

            exceptions:
              - {id: E1, control: auto-1, scope: {namespace: n}, justification: j, approvedBy: c}
            """, line: 9, word: "expires")
        expectError(TestData.plan + """

            exceptions:
              - {id: E1, control: auto-1, scope: {namespace: n, check: zz}, justification: j, approvedBy: c, expires: 2026-12-31}
            """, line: 9, word: "zz")
    }

    @Test func attestationsOnlyForProceduralControls() {
        expectError(TestData.plan + """

            attestations:
              - {control: auto-1, status: satisfied, statement: s, attestedBy: me, date: 2026-01-01}
            """, line: 9, word: "auto-1")
    }

    @Test func catalogErrorsAreLocated() {
        let cases: [(String, String, Int)] = [
            ("evaluator: labelled, objective", "evaluator: labeled, objective", 21),
            ("severity: high", "severity: hihg", 17),
            ("mode: manual", "mode: manuel", 41),
            ("parameters: [names]", "parameters: [nams]", 19),
        ]
        for (from, to, line) in cases {
            let text = TestData.catalog.replacingOccurrences(of: from, with: to)
            do {
                _ = try TestData.loadCatalog(text)
                Issue.record("accepted \(to)")
            } catch let error as LoadError {
                #expect(error.location.line == line, "\(to): \(error)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func datesMeanTheEndOfTheDayInUTC() throws {
        let day = try #require(PlanDate(iso: "2026-12-31"))
        #expect(!day.hasPassed(at: TestData.date("2026-12-31T23:59:59Z")))
        #expect(day.hasPassed(at: TestData.date("2027-01-01T00:00:00Z")))
        #expect(PlanDate(iso: "2024-02-29") != nil)
        #expect(PlanDate(iso: "2023-02-29") == nil)
    }

    @Test func attestationsAreUniqueAndConsistent() {
        expectError(TestData.plan + """

            attestations:
              - {control: man-1, status: satisfied, statement: s, attestedBy: me, date: 2026-01-01}
              - {control: man-1, status: not-satisfied, statement: s, attestedBy: you, date: 2026-02-01}
            """, line: 10, word: "man-1")
        expectError(TestData.plan + """

            attestations:
              - {control: man-1, status: satisfied, statement: s, attestedBy: me, date: 2026-05-01, expires: 2026-04-01}
            """, line: 9, word: "2026-04-01")
    }

    @Test func exceptionKindsAndClusterLevelScopes() throws {
        expectError(TestData.plan + """

            exceptions:
              - {id: E1, control: auto-1, scope: {namespace: n, kind: Deploymnet}, justification: j, approvedBy: c, expires: 2026-12-31}
            """, line: 9, word: "Deploymnet")
        // A scope of only a check is allowed: it covers that check's cluster-level findings.
        let (plan, _) = try TestData.loadPlan(TestData.plan + """

            exceptions:
              - {id: E1, control: auto-1, scope: {check: a}, justification: j, approvedBy: c, expires: 2026-12-31}
              - {id: E2, control: auto-1, scope: {namespace: n, kind: MyCustomThing}, justification: j, approvedBy: c, expires: 2026-12-31}
            """)
        #expect(plan.exceptions.count == 2)
    }

    @Test func catalogArgumentsAndModesAreChecked() {
        for (from, to, word) in [("with: {check: a}", "with: {chek: a}", "chek"),
                                 ("        checks:\n          - {id: c, evaluator: labelled, with: {check: c}}\n", "", nil)] as [(String, String, String?)] {
            let text = TestData.catalog.replacingOccurrences(of: from, with: to)
            #expect(text != TestData.catalog, "fixture drifted: \(from)")
            do {
                _ = try TestData.loadCatalog(text)
                Issue.record("accepted \(to)")
            } catch let error as LoadError {
                if let word { #expect(error.word == word, "\(error)") }
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func catalogsLoadedTogetherMustAgree() throws {
        let a = try TestData.loadCatalog()
        var b = a
        b.id = "other"
        b.origin = "other.yaml"
        #expect(throws: LoadError.self) { try CatalogLoader.checkTogether([a, b]) }
        b.families = []
        b.parameters[0].type = .int
        #expect(throws: LoadError.self) { try CatalogLoader.checkTogether([a, b]) }
        b.parameters = a.parameters
        b.parameters[1].defaultValue = .list([])
        try CatalogLoader.checkTogether([a, b])  // each catalog keeps its own default
    }
}
