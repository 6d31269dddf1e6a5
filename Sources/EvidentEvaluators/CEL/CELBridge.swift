import EvidentCEL
import EvidentCore

extension CELValue {
    /// A document value (a snapshot object, a parameter) as a CEL value. Map keys are sorted, so that
    /// iteration and output are deterministic. With `use`, only as much as an expression can observe
    /// (`CELProgram.fieldUse`): maps along the selected paths keep only the selected keys.
    public init(_ value: Value, keeping use: CELFieldUse = .everything) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(Int64(i))
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .list(let items): self = .list(items.map { CELValue($0) })
        case .map(let members):
            var m = CELMap()
            for key in (use.whole ? Array(members.keys) : Array(use.fields.keys)).sorted() {
                guard let v = members[key] else { continue }
                m.insert(.string(key), CELValue(v, keeping: use.whole ? .everything : use.fields[key] ?? .everything))
            }
            self = .map(m)
        }
    }
}

/// Compiles CEL for checks, turning parse errors into the evaluator error type.
enum CELCompile {
    static func program(_ source: String, what: String) throws(EvaluationError) -> CELProgram {
        do {
            return try CELProgram(source)
        } catch {
            throw EvaluationError("\(what) is not valid CEL: \(error.description) in \(source.debugDescription)")
        }
    }
}
