import EvidentCEL
import Foundation
import Testing

/// Prints how fast a typical admission-policy expression evaluates (no timing assertion).
@Suite struct CELBenchmark {
    @Test func typicalPolicyExpression() throws {
        let program = try CELProgram("""
            object.spec.template.spec.containers.all(c, params.registries.exists(r, c.image.startsWith(r)))
              && has(object.metadata.labels) && 'team' in object.metadata.labels
            """)
        let variables = CELInterpreterTests.variables()
        let count = 20_000
        let start = Date()
        var falses = 0
        for _ in 0..<count {
            if case .bool(false) = try program.evaluate(variables) { falses += 1 }
        }
        let seconds = Date().timeIntervalSince(start)
        #expect(falses == count)
        print("CEL benchmark: \(count) evaluations in \(String(format: "%.3f", seconds)) s "
              + "(\(Int(Double(count) / max(seconds, 1e-9))) per second)")
    }
}
