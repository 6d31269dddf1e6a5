import EvidentCore
@testable import EvidentReport
import Foundation
import Testing

@Suite("CI annotations")
struct AnnotationTests {
    @Test("the fixture renders to the recorded GitHub commands and GitLab code-quality report")
    func golden() {
        Support.golden("annotations-github.txt", ReportRenderer.githubAnnotations(Fixtures.auditResult()))
        Support.golden("gl-code-quality-report.json",
                       ReportRenderer.gitlabCodeQuality(Fixtures.auditResult(), options: Support.options()))
    }

    @Test("one command per failing finding, most severe first, capped with a notice")
    func github() {
        let result = Fixtures.auditResult()
        let all = Annotations.items(result)
        let text = ReportRenderer.githubAnnotations(result, max: 1_000)
        let lines = text.split(separator: "\n")
        #expect(lines.count == all.count)
        #expect(lines.first?.hasPrefix("::error ") == true)
        #expect(text.contains("::error file=snapshot/cluster.json,line=120,title=sp800-190-4.4.3 "))
        let capped = ReportRenderer.githubAnnotations(result, max: 2).split(separator: "\n")
        #expect(capped.count == 3)
        #expect(capped.last?.contains("\(all.count - 2) more deviating findings") == true)
    }

    @Test("workflow-command escaping keeps snapshot text from forging commands")
    func escaping() {
        #expect(Annotations.data("50%\nx\r::error::y") == "50%25%0Ax%0A::error::y")
        #expect(Annotations.property("a:b,c%") == "a%3Ab%2Cc%25")
    }

    @Test("the code-quality report is a JSON array with GitLab's fields")
    func gitlab() throws {
        let text = ReportRenderer.gitlabCodeQuality(Fixtures.auditResult(), options: Support.options())
        let issues = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(!issues.isEmpty)
        let fingerprints = issues.compactMap { $0["fingerprint"] as? String }
        #expect(Set(fingerprints).count == issues.count)
        for issue in issues {
            for key in ["description", "check_name", "fingerprint", "severity", "location"] {
                #expect(issue[key] != nil, "missing \(key)")
            }
            #expect(["info", "minor", "major", "critical", "blocker"].contains(issue["severity"] as? String ?? ""))
        }
    }
}
