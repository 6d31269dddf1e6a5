import Foundation
import Testing

/// `evident cel` and custom controls written in CEL, end to end.
@Suite struct CELTests {
    let now = "2026-11-27T12:00:00Z"

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop, labels: {team: payments}}
        spec: {replicas: 3}
        """

    @Test func celPrintsTypedJSONAndExitsZero() throws {
        let dir = try CLI.temporaryDirectory()
        let object = dir.appendingPathComponent("deployment.yaml")
        try CLI.write(Self.deployment, to: object)
        let params = dir.appendingPathComponent("params.json")
        try CLI.write(#"{"max": 5}"#, to: params)
        let namespace = dir.appendingPathComponent("namespace.yaml")
        try CLI.write("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {env: prod}}\n", to: namespace)
        let r = try CLI.run(["cel", "object.spec.replicas <= params.max && namespaceObject.metadata.labels.env == 'prod'",
                             "--object", object.path, "--params", params.path, "--namespace-object", namespace.path])
        #expect(r.code == 0, "\(r.stderr)")
        #expect(r.stdout == "{\"type\": \"bool\", \"value\": true}\n")
        let list = try CLI.run(["cel", "[1u, 'a', 2.5, b'z', null, {'k': object}]"])
        #expect(list.code == 0)
        #expect(list.stdout.contains(#"{"type": "uint", "value": 1}"#))
        #expect(list.stdout.contains(#"[{"type": "string", "value": "k"}, {"type": "null"}]"#), "\(list.stdout)")
    }

    @Test func celEvaluationErrorExitsOne() throws {
        let dir = try CLI.temporaryDirectory()
        let object = dir.appendingPathComponent("deployment.yaml")
        try CLI.write(Self.deployment, to: object)
        let r = try CLI.run(["cel", "object.spec.template.spec.containers.size() > 0", "--object", object.path])
        #expect(r.code == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("no such key: template"), "\(r.stderr)")
        #expect(try CLI.run(["cel", "1 / 0"]).code == 1)
        // `--` lets an expression start with a minus sign.
        let negative = try CLI.run(["cel", "--", "-(42u)"])
        #expect(negative.code == 1 && negative.stderr.contains("no such overload"), "\(negative.stderr)")
    }

    @Test func celParseErrorExitsTwoWithLineAndColumn() throws {
        let r = try CLI.run(["cel", "object.metadata.name ==\n  'web' &&"])
        #expect(r.code == 2)
        #expect(r.stderr.contains("line 2, column 11"), "\(r.stderr)")
        let missing = try CLI.run(["cel", "true", "--object", "/nonexistent/object.yaml"])
        #expect(missing.code == 2)
    }

    @Test func customCELControlRunsEndToEndInTheExamplePlan() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["audit", "--example", "--now", now, "--format", "json", "--output", "out"], in: dir)
        #expect(r.code == 1, "\(r.stderr)")
        let data = try Data(contentsOf: dir.appendingPathComponent("out/results.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let control = try #require((json["controls"] as? [[String: Any]])?.first { $0["id"] as? String == "org-ready-6" })
        #expect(control["status"] as? String == "not-satisfied")
        let failing = (control["findings"] as? [[String: Any]] ?? []).compactMap { f -> String? in
            guard let resource = f["resource"] as? [String: Any] else { return nil }
            return "\(resource["kind"] ?? "")/\(resource["name"] ?? "")"
        }.sorted()
        #expect(failing == ["DaemonSet/ingress-gateway", "Deployment/recommendations"])
    }

    /// A plan whose custom CEL control is satisfied, fails, errors or does not parse.
    func plan(expression: String, check: String? = nil) -> String {
        """
        kind: SecurityPlan
        schemaVersion: 1
        id: cel-plan
        title: CEL plan
        version: 1.0.0
        owner: security@example.com
        catalogs: [{id: nist-sp800-190}]
        parameters:
          max_admin_subjects: 5
        customControls:
          - id: org
            title: Organisation
            controls:
              - id: org-replicas
                title: Replicas are bounded
                statement: No workload runs more replicas than the plan allows.
                objectives: [{id: org-replicas_obj.1, text: "replicas <= max_replicas"}]
                severity: medium
                mode: automated
                checks:
                  - id: bounded
                    evaluator: \(check == nil ? "cel" : "vap-compliance")
                    \(check ?? "with: {kinds: [Deployment], expression: \(expression)}")
        """
    }

    func status(of expression: String, in dir: URL, name: String) throws -> (Int32, String?) {
        let planFile = dir.appendingPathComponent("\(name).yaml")
        try CLI.write(plan(expression: expression), to: planFile)
        let snapshot = dir.appendingPathComponent("snapshot.yaml")
        try CLI.write(Self.deployment, to: snapshot)
        let r = try CLI.run(["audit", snapshot.path, "--plan", planFile.path, "--now", now, "--format", "json",
                             "--output", dir.appendingPathComponent(name).path])
        guard r.code != 2 else { return (2, r.stderr) }
        let data = try Data(contentsOf: dir.appendingPathComponent("\(name)/results.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let control = (json["controls"] as? [[String: Any]])?.first { $0["id"] as? String == "org-replicas" }
        return (r.code, control?["status"] as? String)
    }

    @Test func customCELControlStatuses() throws {
        let dir = try CLI.temporaryDirectory()
        // The plan's parameters (from the catalogs in scope) reach the expression as `params`.
        #expect(try status(of: #""object.spec.replicas <= params.max_admin_subjects""#, in: dir, name: "pass").1 == "satisfied")
        #expect(try status(of: #""object.spec.replicas < 2""#, in: dir, name: "fail").1 == "not-satisfied")
        // A missing key is an evaluation error: the control is `error` (exit 3), never a pass.
        #expect(try status(of: #""object.spec.paused == false""#, in: dir, name: "error") == (3, "error"))
        let (code, stderr) = try status(of: "\"object.spec.replicas <=\\n  params.max_admin_subjects +\"", in: dir, name: "parse")
        #expect(code == 2)
        #expect(stderr?.contains("parse.yaml:") == true, "\(stderr ?? "")")
        #expect(stderr?.contains("line 2, column") == true, "\(stderr ?? "")")
    }

    @Test func admissionPoliciesOfTheClusterRunEndToEnd() throws {
        let dir = try CLI.temporaryDirectory()
        let planFile = dir.appendingPathComponent("plan.yaml")
        try CLI.write(plan(expression: "", check: "objective: org-replicas_obj.1"), to: planFile)
        let snapshot = dir.appendingPathComponent("snapshot.yaml")
        try CLI.write("""
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata: {name: replica-limit}
            spec:
              matchConstraints:
                resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
              validations: [{expression: "object.spec.replicas <= 2", message: "at most 2 replicas"}]
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata: {name: replica-limit}
            spec: {policyName: replica-limit, validationActions: [Deny]}
            ---
            \(Self.deployment)
            """, to: snapshot)
        let r = try CLI.run(["audit", snapshot.path, "--plan", planFile.path, "--now", now, "--format", "json",
                             "--output", dir.appendingPathComponent("out").path])
        #expect(r.code != 2, "\(r.stderr)")
        let data = try Data(contentsOf: dir.appendingPathComponent("out/results.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let control = try #require((json["controls"] as? [[String: Any]])?.first { $0["id"] as? String == "org-replicas" })
        #expect(control["status"] as? String == "not-satisfied")
        let messages = (control["findings"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(messages == ["Deployment web would be rejected by ValidatingAdmissionPolicy replica-limit "
                             + "(binding replica-limit): at most 2 replicas"])
    }
}
