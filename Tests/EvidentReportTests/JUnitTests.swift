import EvidentCore
@testable import EvidentReport
import Foundation
import Testing

@Suite("JUnit report")
struct JUnitTests {
    static func junit(_ result: AuditResult, maxRows: Int = 50) -> String {
        ReportRenderer.junit(result, options: Support.options(maxRows: maxRows))
    }

    static var variants: [(String, AuditResult)] {
        var empty = Fixtures.auditResult()
        empty.controls = []
        empty.inputs = []
        empty.diagnostics = []
        var blank = Fixtures.auditResult()
        blank.plan.id = "  "
        for i in blank.controls.indices { blank.controls[i].family.title = "" }
        return [("fixture", Fixtures.auditResult()), ("hostile", Hostile.auditResult()), ("no controls", empty),
                ("blank names", blank)]
    }

    @Test("every JUnit report validates against both XSDs")
    func schemas() throws {
        guard let schemas = Support.junitSchemas else { return }
        for (name, result) in Self.variants {
            let xml = Self.junit(result)
            #expect(Support.wellFormedError(xml) == nil, "\(name) is not well-formed")
            for xsd in schemas {
                let problem = Support.schemaError(xml, xsd: xsd)
                #expect(problem == nil, "\(name) against \(xsd.lastPathComponent): \(problem ?? "")")
            }
        }
    }

    @Test("the schema check notices an invalid document")
    func schemaCheckWorks() throws {
        guard let schemas = Support.junitSchemas else { return }
        let bad = "<testsuites><testsuite name=\"x\"/></testsuites>"
        for xsd in schemas { #expect(Support.schemaError(bad, xsd: xsd) != nil) }
        #expect(Support.wellFormedError("<a><b></a>") != nil)
    }

    @Test("one suite per family, one case per control, counts equal children")
    func shape() throws {
        let result = Fixtures.auditResult()
        let xml = Self.junit(result)
        let suites = xml.components(separatedBy: "<testsuite ").dropFirst()
        #expect(suites.count == 7)
        var total = 0
        for (index, suite) in suites.enumerated() {
            let body = suite.components(separatedBy: "</testsuite>")[0]
            func attr(_ name: String) -> Int? {
                guard let r = body.range(of: " \(name)=\"") else { return nil }
                return Int(body[r.upperBound...].prefix { $0 != "\"" })
            }
            let cases = body.components(separatedBy: "<testcase ").count - 1
            #expect(attr("tests") == cases)
            #expect(attr("failures") == body.components(separatedBy: "<failure ").count - 1)
            #expect(attr("errors") == body.components(separatedBy: "<error ").count - 1)
            #expect(attr("skipped") == body.components(separatedBy: "<skipped ").count - 1)
            #expect(attr("id") == index)
            #expect(body.contains("<system-out"))
            #expect(body.contains("<system-err"))
            #expect(body.contains("hostname=\"prod-eu-1\""))
            #expect(body.contains("timestamp=\"2026-11-01T00:00:00\""))
            #expect(body.contains("<property name=\"plan.version\" value=\"3.2.0\"/>"))
            #expect(body.contains("<property name=\"input.0.sha256\"") == (index == 0))
            total += cases
        }
        #expect(total == result.controls.count)
        #expect(xml.contains("package=\"nist-sp800-190\""))
        #expect(xml.contains("package=\"pss\""))
        #expect(xml.contains("classname=\"nist-sp800-190.container\""))
        #expect(xml.contains("<testcase name=\"sp800-190-4.4.3 Insecure container runtime configurations\""))
        #expect(xml.contains("<failure message=\"2 resources deviate\" type=\"not-satisfied\">"))
        #expect(xml.contains("<skipped message=\"waived: EXC-1 until 2026-11-20\"/>"))
        #expect(xml.contains("<error message=\"The check runtime-version could not run"))
        #expect(xml.contains("<skipped message=\"needs evidence: No image scan results"))
    }

    @Test("failure bodies are capped with a count of the rest")
    func capped() {
        let xml = Self.junit(Fixtures.auditResult(), maxRows: 10)
        #expect(xml.contains("... 45 more in results.json"))
        #expect(xml.contains("CronJob batch/batch-job-10"))
        #expect(!xml.contains("CronJob batch/batch-job-11"))
    }
}
