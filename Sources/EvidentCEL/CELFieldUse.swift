/// Which fields of a variable an expression can observe: the paths it selects (`object.metadata.labels`),
/// or the whole value when it uses the variable any other way (passes it to a function, compares it,
/// iterates it, indexes it with a computed key).
///
/// A host that turns a large document into a `CELValue` for every object need only convert what the
/// expression can see: a map along a selected path keeps only the selected keys, the value at the end
/// of a path is converted whole. The expression then gives the same result, error or value, as on the
/// whole document, since every other use of the variable marks it whole.
public struct CELFieldUse: Sendable, Equatable {
    /// The whole value is observable.
    public var whole: Bool
    /// The fields selected from the value (when it is a map), and what each of them needs.
    public var fields: [String: CELFieldUse]

    public static let everything = CELFieldUse(whole: true, fields: [:])
    public static let nothing = CELFieldUse(whole: false, fields: [:])

    public init(whole: Bool, fields: [String: CELFieldUse]) {
        self.whole = whole
        self.fields = fields
    }

    /// Marks the value at `path` (below this one) as used whole.
    mutating func use(_ path: ArraySlice<String>) {
        if whole { return }
        guard let first = path.first else {
            self = .everything
            return
        }
        fields[first, default: .nothing].use(path.dropFirst())
    }
}

extension CELProgram {
    /// What the expression can observe of the variable `name`.
    public func fieldUse(of name: String) -> CELFieldUse {
        var use = CELFieldUse.nothing
        Self.collect(root, name, into: &use)
        return use
    }

    private static func collect(_ node: CELNode, _ name: String, into use: inout CELFieldUse) {
        if let path = selection(node, name) {
            use.use(path[...])
            return
        }
        switch node {
        case .literal: break
        case .ident: break  // another name (the variable itself is a selection of no fields, above)
        case .select(let operand, _, _): collect(operand, name, into: &use)
        case .index(let operand, let index):
            collect(operand, name, into: &use)
            collect(index, name, into: &use)
        case .call(_, let target, let args):
            if let target { collect(target, name, into: &use) }
            for a in args { collect(a, name, into: &use) }
        case .list(let items): for i in items { collect(i, name, into: &use) }
        case .map(let entries):
            for (k, v) in entries {
                collect(k, name, into: &use)
                collect(v, name, into: &use)
            }
        case .binary(_, let l, let r), .and(let l, let r), .or(let l, let r):
            collect(l, name, into: &use)
            collect(r, name, into: &use)
        case .negate(let e), .not(let e): collect(e, name, into: &use)
        case .conditional(let c, let t, let f):
            collect(c, name, into: &use)
            collect(t, name, into: &use)
            collect(f, name, into: &use)
        case .comprehension(_, let range, let variable, let body, let filter):
            collect(range, name, into: &use)
            // Inside, the loop variable hides a variable of the same name.
            guard variable != name else { return }
            collect(body, name, into: &use)
            if let filter { collect(filter, name, into: &use) }
        }
    }

    /// The fields of `name.f1.f2…` when `node` is such a chain of selections (none for `name` itself).
    private static func selection(_ node: CELNode, _ name: String) -> [String]? {
        switch node {
        case .ident(let n): return n == name ? [] : nil
        case .select(let operand, let field, _):
            guard var path = selection(operand, name) else { return nil }
            path.append(field)
            return path
        default: return nil
        }
    }
}
