import Foundation

/// An evaluation error: CEL's error values (no such key, no such overload, division by zero, overflow).
/// Errors are values inside the interpreter, so `false && error` is `false`; one that reaches the top
/// makes the whole evaluation fail.
public struct CELEvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, e.g. `no such key: labels`.
    public var message: String
    /// An error with `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// A parsed expression, ready to evaluate any number of times against different variables.
public struct CELProgram: Sendable {
    let root: CELNode
    /// The expression as written.
    public let source: String

    /// Parses `source`. Throws with the line and column of the first problem.
    public init(_ source: String) throws(CELParseError) {
        var parser = try CELParser(source)
        root = try parser.parse()
        self.source = source
    }

    /// Evaluates the expression with `variables` bound.
    public func evaluate(_ variables: [String: CELValue] = [:]) throws(CELEvaluationError) -> CELValue {
        var interpreter = CELInterpreter(globals: variables)
        return try interpreter.eval(root)
    }
}

struct CELInterpreter {
    let globals: [String: CELValue]
    private var locals: [(String, CELValue)] = []

    init(globals: [String: CELValue]) { self.globals = globals }

    private static func overload(_ function: String, _ args: CELValue...) -> CELEvaluationError {
        CELEvaluationError("no such overload: \(function)(\(args.map(\.typeName).joined(separator: ", ")))")
    }

    mutating func eval(_ node: CELNode) throws(CELEvaluationError) -> CELValue {
        switch node {
        case .literal(let v):
            return v
        case .ident(let name):
            if let local = locals.last(where: { $0.0 == name }) { return local.1 }
            if let v = globals[name] { return v }
            throw CELEvaluationError("undeclared reference to '\(name)'")
        case .select(let operand, let field, let testOnly):
            let base = try eval(operand)
            guard case .map(let m) = base else {
                throw CELEvaluationError("no such field '\(field)' on a value of type \(base.typeName)")
            }
            if testOnly { return .bool(m[string: field] != nil) }
            guard let v = m[string: field] else { throw CELEvaluationError("no such key: \(field)") }
            return v
        case .index(let operand, let indexNode):
            let base = try eval(operand)
            let index = try eval(indexNode)
            return try Self.index(base, index)
        case .list(let items):
            var out: [CELValue] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try eval(item)) }
            return .list(out)
        case .map(let entries):
            var m = CELMap()
            for (k, v) in entries {
                let key = try eval(k)
                let value = try eval(v)
                switch key {
                case .int, .uint, .string, .bool: break
                default: throw CELEvaluationError("unsupported map key type: \(key.typeName)")
                }
                guard m.insert(key, value) else { throw CELEvaluationError("repeated map key") }
            }
            return .map(m)
        case .not(let operand):
            let v = try eval(operand)
            guard case .bool(let b) = v else { throw Self.overload("!_", v) }
            return .bool(!b)
        case .negate(let operand):
            let v = try eval(operand)
            switch v {
            case .int(let i):
                guard i != Int64.min else { throw CELEvaluationError("integer overflow") }
                return .int(-i)
            case .double(let d): return .double(-d)
            default: throw Self.overload("-_", v)
            }
        case .and(let l, let r):
            return try logical(l, r, absorbing: false)
        case .or(let l, let r):
            return try logical(l, r, absorbing: true)
        case .conditional(let c, let yes, let no):
            let condition = try eval(c)
            guard case .bool(let b) = condition else { throw Self.overload("_?_:_", condition) }
            return try eval(b ? yes : no)
        case .binary(let op, let l, let r):
            let a = try eval(l)
            let b = try eval(r)
            return try CELOperators.binary(op, a, b)
        case .call(let name, let target, let args):
            let t: CELValue? = try target.map { (n) throws(CELEvaluationError) in try eval(n) }
            var values: [CELValue] = []
            values.reserveCapacity(args.count)
            for a in args { values.append(try eval(a)) }
            return try CELFunctions.call(name, target: t, args: values)
        case .comprehension(let macro, let rangeNode, let variable, let body, let filter):
            return try comprehension(macro, rangeNode, variable, body, filter)
        }
    }

    /// `&&` (absorbing false) and `||` (absorbing true), commutative over errors: the absorbing value on
    /// either side decides, whatever the other side is; otherwise an error on either side is the result.
    private mutating func logical(_ l: CELNode, _ r: CELNode, absorbing: Bool) throws(CELEvaluationError) -> CELValue {
        let op = absorbing ? "_||_" : "_&&_"
        var firstError: CELEvaluationError?
        var left: Bool?
        do throws(CELEvaluationError) {
            let v = try eval(l)
            if case .bool(let b) = v {
                if b == absorbing { return .bool(absorbing) }
                left = b
            } else {
                firstError = Self.overload(op, v)
            }
        } catch {
            firstError = error
        }
        do throws(CELEvaluationError) {
            let v = try eval(r)
            if case .bool(let b) = v {
                if b == absorbing { return .bool(absorbing) }
                if let firstError { throw firstError }
                return .bool(left ?? b)
            }
            throw firstError ?? Self.overload(op, v)
        } catch {
            throw firstError ?? error
        }
    }

    private mutating func comprehension(_ macro: CELNode.Macro, _ rangeNode: CELNode, _ variable: String,
                                        _ body: CELNode, _ filter: CELNode?) throws(CELEvaluationError) -> CELValue {
        let range = try eval(rangeNode)
        let items: [CELValue]
        switch range {
        case .list(let l): items = l
        case .map(let m): items = m.keys
        default: throw CELEvaluationError("no such overload: \(macro) over \(range.typeName)")
        }
        locals.append((variable, .null))
        defer { locals.removeLast() }
        let slot = locals.count - 1
        switch macro {
        case .all, .exists:
            let decisive = macro == .exists
            var firstError: CELEvaluationError?
            for item in items {
                locals[slot].1 = item
                do throws(CELEvaluationError) {
                    let v = try eval(body)
                    guard case .bool(let b) = v else {
                        if firstError == nil { firstError = Self.overload(macro == .all ? "_&&_" : "_||_", v) }
                        continue
                    }
                    if b == decisive { return .bool(decisive) }
                } catch {
                    if firstError == nil { firstError = error }
                }
            }
            if let firstError { throw firstError }
            return .bool(!decisive)
        case .existsOne:
            var count = 0
            for item in items {
                locals[slot].1 = item
                let v = try eval(body)
                guard case .bool(let b) = v else { throw Self.overload("exists_one", v) }
                if b { count += 1 }
            }
            return .bool(count == 1)
        case .map, .filter:
            var out: [CELValue] = []
            for item in items {
                locals[slot].1 = item
                if macro == .filter {
                    let v = try eval(body)
                    guard case .bool(let b) = v else { throw Self.overload("filter", v) }
                    if b { out.append(item) }
                    continue
                }
                if let filter {
                    let keep = try eval(filter)
                    guard case .bool(let b) = keep else { throw Self.overload("map", keep) }
                    if !b { continue }
                }
                out.append(try eval(body))
            }
            return .list(out)
        }
    }

    static func index(_ base: CELValue, _ index: CELValue) throws(CELEvaluationError) -> CELValue {
        switch base {
        case .list(let items):
            let position: Int64
            switch index {
            case .int(let i): position = i
            case .uint(let u) where u <= UInt64(Int64.max): position = Int64(u)
            case .double(let d) where d.isFinite && d == d.rounded() && abs(d) < 9.0e18: position = Int64(d)
            default: throw overload("_[_]", base, index)
            }
            guard position >= 0, position < Int64(items.count) else {
                throw CELEvaluationError("index out of range: \(position)")
            }
            return items[Int(position)]
        case .map(let m):
            switch index {
            case .int, .uint, .double, .string, .bool: break
            default: throw overload("_[_]", base, index)
            }
            guard let v = m[index] else { throw CELEvaluationError("no such key: \(CELFunctions.display(index))") }
            return v
        default:
            throw overload("_[_]", base, index)
        }
    }
}
