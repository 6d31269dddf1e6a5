import EvidentCore
import EvidentCEL
@testable import EvidentEvaluators
import Foundation
import Testing

/// The `cel` and `vap-compliance` evaluators beyond their examples: error findings, load-time validation,
/// and the admission-policy semantics (messages, failure policy, match conditions, parameters).
@Suite struct CELEvaluatorTests {
    func run(_ type: any Evaluator.Type, _ yaml: String, _ parameters: [String: Value] = [:]) throws -> CheckOutcome {
        let snapshot = try SnapshotLoader.load(Data(yaml.utf8), path: "test.yaml")
        let context = EvaluationContext(index: SnapshotIndex(snapshot), parameters: Parameters(parameters),
                                        now: Date(timeIntervalSince1970: 1_790_000_000))
        return try type.init().evaluate(context)
    }

    static let deployments = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec: {replicas: 3}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: shop}
        spec: {replicas: 1, paused: false}
        """

    @Test func evaluationErrorsAreErrorFindingsNotPasses() throws {
        let outcome = try run(CELExpression.self, Self.deployments, [
            "expression": .string("object.spec.paused == false"), "kinds": .list([.string("Deployment")]),
        ])
        #expect(outcome.evaluated == 2)
        #expect(outcome.findings.count == 1)
        #expect(outcome.findings.first?.status == .error)
        #expect(outcome.findings.first?.message.contains("no such key: paused") == true)
        let nonBool = try run(CELExpression.self, Self.deployments, [
            "expression": .string("object.spec.replicas"), "kinds": .list([.string("Deployment")]),
        ])
        #expect(nonBool.findings.allSatisfy { $0.status == .error && $0.message.contains("not bool") })
    }

    @Test func validateReportsLineAndColumn() {
        do {
            try CELExpression.validate(Parameters(["expression": .string("object.spec &&\n  (1 + )")]))
            Issue.record("accepted a broken expression")
        } catch {
            #expect(error.message.contains("line 2, column 8"), "\(error.message)")
        }
        #expect(throws: EvaluationError.self) { try CELExpression.validate(Parameters(["kinds": .list([])])) }
        #expect(throws: EvaluationError.self) { try CELExpression.validate(Parameters(["expression": .int(1)])) }
        #expect(throws: Never.self) {
            try CELExpression.validate(Parameters(["expression": .string("true"), "kinds": .list([.string("Pod")])]))
        }
    }

    static func policy(_ extra: String, failurePolicy: String = "Fail") -> String {
        """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: p}
        spec:
          failurePolicy: \(failurePolicy)
          matchConstraints:
            resourceRules: [{apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: [deployments]}]
        \(extra)
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata: {name: p-deny}
        spec: {policyName: p, validationActions: [Deny], paramRef: {name: limits, namespace: policy}}
        ---
        \(deployments)
        """
    }

    @Test func admissionPolicySemantics() throws {
        // messageExpression gives the message; an error under failurePolicy Fail rejects.
        let fail = try run(VAPCompliance.self, Self.policy("""
              validations:
              - {expression: "object.spec.paused", messageExpression: "'paused must be set on ' + object.metadata.name"}
            """))
        #expect(Set(fail.findings.map(\.message)) == [
            "Deployment web would be rejected by ValidatingAdmissionPolicy p (binding p-deny): expression object.spec.paused could not be evaluated: no such key: paused",
            "Deployment api would be rejected by ValidatingAdmissionPolicy p (binding p-deny): paused must be set on api",
        ])
        // failurePolicy Ignore: errors admit.
        let ignore = try run(VAPCompliance.self, Self.policy("""
              validations: [{expression: "object.spec.paused == false"}]
            """, failurePolicy: "Ignore"))
        #expect(ignore.findings.isEmpty && ignore.evaluated == 2)
        // matchConditions narrow the objects; params come from the binding's paramRef.
        let params = try run(VAPCompliance.self, Self.policy("""
              paramKind: {apiVersion: v1, kind: ConfigMap}
              matchConditions: [{name: not-api, expression: "object.metadata.name != 'api'"}]
              validations: [{expression: "object.spec.replicas <= int(params.data.max)", message: "too many replicas"}]
            """) + """

            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: limits, namespace: policy}
            data: {max: "2"}
            """)
        #expect(params.findings.map(\.message) == [
            "Deployment web would be rejected by ValidatingAdmissionPolicy p (binding p-deny): too many replicas",
        ])
        // A policy this interpreter cannot read makes the check error.
        let broken = try run(VAPCompliance.self, Self.policy("""
              validations: [{expression: "object.spec.replicas <"}]
            """))
        #expect(broken.findings.map(\.status) == [.error])
    }

    @Test func expressionsSeeOnlyTheFieldsTheySelectAndGiveTheSameResults() throws {
        let document = try SnapshotLoader.load(Data("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop, labels: {app: web, team: pay}, annotations: {a: b}}
            spec:
              replicas: 3
              template:
                spec:
                  containers:
                  - {name: app, image: "r.example/app:1", securityContext: {privileged: true}}
                  - {name: side, image: "r.example/side@sha256:00"}
            status: {readyReplicas: 2}
            """.utf8), path: "d.yaml").resources[0].body
        let cases: [(String, CELFieldUse)] = [
            ("object.spec.replicas > 2", CELFieldUse(whole: false, fields: ["spec": CELFieldUse(whole: false, fields: ["replicas": .everything])])),
            ("has(object.metadata.labels.team) && object.metadata.labels.team == 'pay'", CELFieldUse(whole: false, fields: [
                "metadata": CELFieldUse(whole: false, fields: ["labels": CELFieldUse(whole: false, fields: ["team": .everything])])])),
            ("object.spec.template.spec.containers.all(c, has(c.securityContext) && c.securityContext.privileged)",
             CELFieldUse(whole: false, fields: ["spec": CELFieldUse(whole: false, fields: ["template": CELFieldUse(whole: false, fields: [
                "spec": CELFieldUse(whole: false, fields: ["containers": .everything])])])])),
            ("size(object.metadata) == 4", CELFieldUse(whole: false, fields: ["metadata": .everything])),
            ("object.metadata['name'] == 'web'", CELFieldUse(whole: false, fields: ["metadata": .everything])),
            ("object == object", .everything),
            ("[1, 2].all(object, object > 0) && object.kind == 'Deployment'", CELFieldUse(whole: false, fields: ["kind": .everything])),
            ("object.spec.missing > 1", CELFieldUse(whole: false, fields: ["spec": CELFieldUse(whole: false, fields: ["missing": .everything])])),
            ("object.metadata.name.size() > object.status.readyReplicas", CELFieldUse(whole: false, fields: [
                "metadata": CELFieldUse(whole: false, fields: ["name": .everything]),
                "status": CELFieldUse(whole: false, fields: ["readyReplicas": .everything])])),
            ("object.metadata.labels.exists(k, k == 'app') || object.metadata.name.startsWith('x')", CELFieldUse(whole: false, fields: [
                "metadata": CELFieldUse(whole: false, fields: ["labels": .everything, "name": .everything])])),
            ("object.spec.replicas.foo", CELFieldUse(whole: false, fields: ["spec": CELFieldUse(whole: false, fields: [
                "replicas": CELFieldUse(whole: false, fields: ["foo": .everything])])])),
            ("'x'", .nothing),
        ]
        for (source, expected) in cases {
            let program = try CELProgram(source)
            let use = program.fieldUse(of: "object")
            #expect(use == expected, "\(source)")
            let full = Result { () throws(CELEvaluationError) in try program.evaluate(["object": CELValue(document)]) }
            let pruned = Result { () throws(CELEvaluationError) in try program.evaluate(["object": CELValue(document, keeping: use)]) }
            #expect("\(full)" == "\(pruned)", "\(source)")
        }
    }
}
