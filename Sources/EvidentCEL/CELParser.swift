/// A CEL expression that failed to parse, with the 1-based line and column where the problem is.
public struct CELParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// The 1-based line in the expression.
    public var line: Int
    /// The 1-based column (in characters) in that line.
    public var column: Int

    /// An error at `line`, `column`.
    public init(_ message: String, line: Int, column: Int) {
        self.message = message
        self.line = line
        self.column = column
    }

    /// `line L, column C: message`.
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// The parsed form of an expression. Macros are expanded into their own node kinds.
indirect enum CELNode: Sendable {
    enum Macro: Sendable { case all, exists, existsOne, map, filter }

    case literal(CELValue)
    case ident(String)
    /// `operand.field`; `testOnly` for `has(operand.field)`.
    case select(CELNode, String, testOnly: Bool)
    case index(CELNode, CELNode)
    /// A function call: global (`target` nil) or member style (`target.function(args)`).
    case call(String, target: CELNode?, args: [CELNode])
    case list([CELNode])
    case map([(CELNode, CELNode)])
    case binary(String, CELNode, CELNode)
    case negate(CELNode)
    case not(CELNode)
    case and(CELNode, CELNode)
    case or(CELNode, CELNode)
    case conditional(CELNode, CELNode, CELNode)
    /// A macro over `range` with the loop variable `variable`; `filter` is the optional predicate of the
    /// three-argument `map`.
    case comprehension(Macro, range: CELNode, variable: String, body: CELNode, filter: CELNode?)
}

// MARK: - Lexer

struct CELToken: Sendable {
    enum Kind: Sendable, Equatable {
        case int(magnitude: UInt64, overflowsInt: Bool)
        case uint(UInt64)
        case double(Double)
        case string(String)
        case bytes([UInt8])
        case ident(String)
        case punct(String)
        case eof
    }
    var kind: Kind
    var line: Int
    var column: Int
}

struct CELLexer {
    private let chars: [Unicode.Scalar]
    private var pos = 0
    private var line = 1
    private var column = 1

    init(_ text: String) { chars = Array(text.unicodeScalars) }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        pos + offset < chars.count ? chars[pos + offset] : nil
    }

    private mutating func advance() {
        if chars[pos] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        pos += 1
    }

    private func error(_ message: String, line: Int? = nil, column: Int? = nil) -> CELParseError {
        CELParseError(message, line: line ?? self.line, column: column ?? self.column)
    }

    mutating func tokens() throws(CELParseError) -> [CELToken] {
        var out: [CELToken] = []
        while true {
            skipSpaceAndComments()
            let (l, c) = (line, column)
            guard let ch = peek() else {
                out.append(CELToken(kind: .eof, line: l, column: c))
                return out
            }
            let kind: CELToken.Kind
            if ch.properties.numericType != nil && ch.isASCII && ("0"..."9").contains(ch)
                || (ch == "." && peek(1).map { ("0"..."9").contains($0) } == true) {
                kind = try number()
            } else if ch == "\"" || ch == "'" {
                kind = try quoted(raw: false, bytes: false)
            } else if ch.isASCII && (ch.properties.isAlphabetic || ch == "_") {
                var word = ""
                while let c = peek(), c.isASCII, c.properties.isAlphabetic || c == "_" || ("0"..."9").contains(c) {
                    word.unicodeScalars.append(c)
                    advance()
                }
                let lower = word.lowercased()
                if ["r", "b", "rb", "br"].contains(lower), let q = peek(), q == "\"" || q == "'" {
                    kind = try quoted(raw: lower.contains("r"), bytes: lower.contains("b"))
                } else {
                    kind = .ident(word)
                }
            } else {
                kind = try punctuation()
            }
            out.append(CELToken(kind: kind, line: l, column: c))
        }
    }

    private mutating func skipSpaceAndComments() {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" {
                advance()
            } else if c == "/" && peek(1) == "/" {
                while let d = peek(), d != "\n" { advance() }
            } else {
                return
            }
        }
    }

    private mutating func punctuation() throws(CELParseError) -> CELToken.Kind {
        let two = ["==", "!=", "<=", ">=", "&&", "||"]
        if let a = peek(), let b = peek(1) {
            let pair = String(a) + String(b)
            if two.contains(pair) {
                advance()
                advance()
                return .punct(pair)
            }
        }
        guard let c = peek() else { throw error("unexpected end of input") }
        if "+-*/%!<>?:.,()[]{}".unicodeScalars.contains(c) {
            advance()
            return .punct(String(c))
        }
        if c == "=" { throw error("unexpected '=' (use '==' to compare)") }
        if c == "&" || c == "|" { throw error("unexpected '\(c)' (use '\(c)\(c)')") }
        throw error("unexpected character '\(c)'")
    }

    private static func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { ("0"..."9").contains($0) } ?? false }
    private static func isHex(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return ("0"..."9").contains(c) || ("a"..."f").contains(c) || ("A"..."F").contains(c)
    }

    private mutating func number() throws(CELParseError) -> CELToken.Kind {
        let (l, c) = (line, column)
        if peek() == "0", peek(1) == "x" || peek(1) == "X" {
            advance()
            advance()
            var digits = ""
            while Self.isHex(peek()), let d = peek() {
                digits.unicodeScalars.append(d)
                advance()
            }
            guard let magnitude = UInt64(digits, radix: 16) else {
                throw error("invalid hexadecimal literal", line: l, column: c)
            }
            return try integerSuffix(magnitude, line: l, column: c)
        }
        var text = ""
        var isDouble = false
        while Self.isDigit(peek()), let d = peek() {
            text.unicodeScalars.append(d)
            advance()
        }
        if peek() == ".", Self.isDigit(peek(1)) {
            isDouble = true
            text += "."
            advance()
            while Self.isDigit(peek()), let d = peek() {
                text.unicodeScalars.append(d)
                advance()
            }
        }
        if peek() == "e" || peek() == "E" {
            let signed = peek(1) == "+" || peek(1) == "-"
            if Self.isDigit(peek(signed ? 2 : 1)) {
                isDouble = true
                text += "e"
                advance()
                if signed, let s = peek() {
                    text.unicodeScalars.append(s)
                    advance()
                }
                while Self.isDigit(peek()), let d = peek() {
                    text.unicodeScalars.append(d)
                    advance()
                }
            }
        }
        if isDouble {
            if text.hasPrefix(".") { text = "0" + text }
            guard let value = Double(text) else { throw error("invalid number '\(text)'", line: l, column: c) }
            return .double(value)
        }
        guard let magnitude = UInt64(text) else {
            throw error("integer literal \(text) is out of range", line: l, column: c)
        }
        return try integerSuffix(magnitude, line: l, column: c)
    }

    private mutating func integerSuffix(_ magnitude: UInt64, line l: Int, column c: Int) throws(CELParseError) -> CELToken.Kind {
        if peek() == "u" || peek() == "U" {
            advance()
            return .uint(magnitude)
        }
        return .int(magnitude: magnitude, overflowsInt: magnitude > UInt64(Int64.max))
    }

    /// A quoted literal starting at the current quote character.
    private mutating func quoted(raw: Bool, bytes: Bool) throws(CELParseError) -> CELToken.Kind {
        let (l, c) = (line, column)
        guard let quote = peek() else { throw error("unexpected end of input") }
        let triple = peek(1) == quote && peek(2) == quote
        advance()
        if triple {
            advance()
            advance()
        }
        var scalars: [Unicode.Scalar] = []
        var raws: [UInt8] = []
        func append(_ s: Unicode.Scalar) {
            if bytes { raws.append(contentsOf: Array(String(s).utf8)) } else { scalars.append(s) }
        }
        while true {
            guard let ch = peek() else { throw error("unterminated string literal", line: l, column: c) }
            if ch == quote {
                if !triple {
                    advance()
                    break
                }
                if peek(1) == quote, peek(2) == quote {
                    advance()
                    advance()
                    advance()
                    break
                }
            }
            if !triple && (ch == "\n" || ch == "\r") {
                throw error("newline in a string literal (use a triple-quoted string)", line: l, column: c)
            }
            if ch == "\\" && !raw {
                let (el, ec) = (line, column)
                advance()
                guard let e = peek() else { throw error("unterminated string literal", line: l, column: c) }
                advance()
                switch e {
                case "a": append("\u{07}")
                case "b": append("\u{08}")
                case "f": append("\u{0C}")
                case "n": append("\n")
                case "r": append("\r")
                case "t": append("\t")
                case "v": append("\u{0B}")
                case "\\", "'", "\"", "`", "?": append(e)
                case "x", "X", "u", "U":
                    let count = (e == "u") ? 4 : (e == "U" ? 8 : 2)
                    var hex = ""
                    for _ in 0..<count {
                        guard Self.isHex(peek()), let d = peek() else {
                            throw error("invalid escape sequence \\\(e)", line: el, column: ec)
                        }
                        hex.unicodeScalars.append(d)
                        advance()
                    }
                    guard let code = UInt32(hex, radix: 16) else {
                        throw error("invalid escape sequence", line: el, column: ec)
                    }
                    if bytes && count == 2 {
                        raws.append(UInt8(code))
                    } else {
                        guard let s = Unicode.Scalar(code) else {
                            throw error("invalid code point \\\(e)\(hex)", line: el, column: ec)
                        }
                        append(s)
                    }
                case "0"..."3":
                    var octal = String(e)
                    for _ in 0..<2 {
                        guard let d = peek(), ("0"..."7").contains(d) else {
                            throw error("invalid octal escape", line: el, column: ec)
                        }
                        octal.unicodeScalars.append(d)
                        advance()
                    }
                    guard let code = UInt8(octal, radix: 8) else { throw error("invalid octal escape", line: el, column: ec) }
                    if bytes {
                        raws.append(code)
                    } else {
                        append(Unicode.Scalar(code))
                    }
                default:
                    throw error("invalid escape sequence \\\(e)", line: el, column: ec)
                }
                continue
            }
            append(ch)
            advance()
        }
        if bytes { return .bytes(raws) }
        var s = ""
        s.unicodeScalars.append(contentsOf: scalars)
        return .string(s)
    }
}

// MARK: - Parser

/// A recursive-descent parser for CEL's grammar (cel-spec `langdef.md`), with macros expanded as it goes.
struct CELParser {
    private var tokens: [CELToken]
    private var pos = 0
    private var depth = 0
    /// Bounds the tree's depth (nesting and left-deep operator chains), so evaluation cannot exhaust the stack.
    private static let maxDepth = 500
    private static let reserved: Set<String> = [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package",
        "namespace", "return", "var", "void", "while", "in",
    ]

    init(_ text: String) throws(CELParseError) {
        var lexer = CELLexer(text)
        tokens = try lexer.tokens()
    }

    mutating func parse() throws(CELParseError) -> CELNode {
        let node = try expression()
        guard case .eof = current.kind else { throw unexpected() }
        return node
    }

    private var current: CELToken { tokens[pos] }

    private mutating func next() { if pos < tokens.count - 1 { pos += 1 } }

    private func isPunct(_ p: String) -> Bool {
        if case .punct(let q) = current.kind { return q == p }
        return false
    }

    private func isIdent(_ name: String) -> Bool {
        if case .ident(let n) = current.kind { return n == name }
        return false
    }

    private func fail(_ message: String, at token: CELToken? = nil) -> CELParseError {
        let t = token ?? current
        return CELParseError(message, line: t.line, column: t.column)
    }

    private func unexpected() -> CELParseError {
        switch current.kind {
        case .eof: return fail("unexpected end of expression")
        case .punct(let p): return fail("unexpected '\(p)'")
        case .ident(let n): return fail("unexpected '\(n)'")
        default: return fail("unexpected literal")
        }
    }

    private mutating func expect(_ p: String) throws(CELParseError) {
        guard isPunct(p) else {
            if case .eof = current.kind { throw fail("expected '\(p)' but the expression ended") }
            throw fail("expected '\(p)'")
        }
        next()
    }

    private mutating func nested() throws(CELParseError) {
        depth += 1
        if depth > Self.maxDepth { throw fail("expression nests too deeply") }
    }

    private mutating func expression() throws(CELParseError) -> CELNode {
        try nested()
        defer { depth -= 1 }
        let condition = try conditionalOr()
        guard isPunct("?") else { return condition }
        next()
        let yes = try conditionalOr()
        try expect(":")
        let no = try expression()
        return .conditional(condition, yes, no)
    }

    private mutating func conditionalOr() throws(CELParseError) -> CELNode {
        var left = try conditionalAnd()
        let base = depth
        defer { depth = base }
        while isPunct("||") {
            try nested()
            next()
            left = .or(left, try conditionalAnd())
        }
        return left
    }

    private mutating func conditionalAnd() throws(CELParseError) -> CELNode {
        var left = try relation()
        let base = depth
        defer { depth = base }
        while isPunct("&&") {
            try nested()
            next()
            left = .and(left, try relation())
        }
        return left
    }

    private mutating func relation() throws(CELParseError) -> CELNode {
        var left = try addition()
        let base = depth
        defer { depth = base }
        while true {
            var op: String?
            if case .punct(let p) = current.kind, ["<", "<=", ">", ">=", "==", "!="].contains(p) { op = p }
            if isIdent("in") { op = "in" }
            guard let op else { return left }
            try nested()
            next()
            left = .binary(op, left, try addition())
        }
    }

    private mutating func addition() throws(CELParseError) -> CELNode {
        var left = try multiplication()
        let base = depth
        defer { depth = base }
        while case .punct(let p) = current.kind, p == "+" || p == "-" {
            try nested()
            next()
            left = .binary(p, left, try multiplication())
        }
        return left
    }

    private mutating func multiplication() throws(CELParseError) -> CELNode {
        var left = try unary()
        let base = depth
        defer { depth = base }
        while case .punct(let p) = current.kind, p == "*" || p == "/" || p == "%" {
            try nested()
            next()
            left = .binary(p, left, try unary())
        }
        return left
    }

    private mutating func unary() throws(CELParseError) -> CELNode {
        try nested()
        defer { depth -= 1 }
        if isPunct("!") {
            next()
            return .not(try unary())
        }
        if isPunct("-") {
            let minus = current
            next()
            // A negative integer literal is one literal, so that -9223372036854775808 is representable.
            if case .int(let magnitude, _) = current.kind {
                let saved = pos
                next()
                if !isPunct("."), !isPunct("[") {
                    if magnitude == UInt64(Int64.max) + 1 { return .literal(.int(Int64.min)) }
                    guard magnitude <= UInt64(Int64.max) else { throw fail("integer literal is out of range", at: minus) }
                    return .literal(.int(-Int64(magnitude)))
                }
                pos = saved
            }
            return .negate(try unary())
        }
        return try member()
    }

    private mutating func member() throws(CELParseError) -> CELNode {
        var node = try primary()
        let base = depth
        defer { depth = base }
        while true {
            if isPunct(".") || isPunct("[") { try nested() }
            if isPunct(".") {
                next()
                guard case .ident(let name) = current.kind else { throw fail("expected a field or method name after '.'") }
                next()
                if isPunct("(") {
                    let open = current
                    next()
                    let args = try expressionList(closing: ")")
                    node = try memberCall(name, target: node, args: args, at: open)
                } else {
                    node = .select(node, name, testOnly: false)
                }
            } else if isPunct("[") {
                next()
                let index = try expression()
                try expect("]")
                node = .index(node, index)
            } else {
                return node
            }
        }
    }

    private mutating func memberCall(_ name: String, target: CELNode, args: [CELNode], at token: CELToken) throws(CELParseError) -> CELNode {
        let macros: [String: CELNode.Macro] = [
            "all": .all, "exists": .exists, "exists_one": .existsOne, "map": .map, "filter": .filter,
        ]
        guard let macro = macros[name], args.count == 2 || (macro == .map && args.count == 3) else {
            return .call(name, target: target, args: args)
        }
        guard case .ident(let variable) = args[0] else {
            throw fail("the first argument of \(name)() must be a variable name", at: token)
        }
        if args.count == 3 {
            return .comprehension(.map, range: target, variable: variable, body: args[2], filter: args[1])
        }
        return .comprehension(macro, range: target, variable: variable, body: args[1], filter: nil)
    }

    private mutating func expressionList(closing: String) throws(CELParseError) -> [CELNode] {
        var items: [CELNode] = []
        if isPunct(closing) {
            next()
            return items
        }
        while true {
            items.append(try expression())
            if isPunct(",") {
                next()
                if isPunct(closing) {
                    next()
                    return items
                }
                continue
            }
            try expect(closing)
            return items
        }
    }

    private mutating func primary() throws(CELParseError) -> CELNode {
        let token = current
        switch token.kind {
        case .int(let magnitude, let overflows):
            next()
            guard !overflows else { throw fail("integer literal is out of range", at: token) }
            return .literal(.int(Int64(magnitude)))
        case .uint(let u):
            next()
            return .literal(.uint(u))
        case .double(let d):
            next()
            return .literal(.double(d))
        case .string(let s):
            next()
            return .literal(.string(s))
        case .bytes(let b):
            next()
            return .literal(.bytes(b))
        case .ident(let name):
            next()
            switch name {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null": return .literal(.null)
            default: break
            }
            if Self.reserved.contains(name) { throw fail("'\(name)' is a reserved word", at: token) }
            if isPunct("(") {
                next()
                let args = try expressionList(closing: ")")
                if name == "has" {
                    guard args.count == 1, case .select(let operand, let field, _) = args[0] else {
                        throw fail("has() takes one field selection, such as has(object.spec.replicas)", at: token)
                    }
                    return .select(operand, field, testOnly: true)
                }
                return .call(name, target: nil, args: args)
            }
            if isPunct("{") { throw fail("message literals are not supported", at: token) }
            return .ident(name)
        case .punct("("):
            next()
            let inner = try expression()
            try expect(")")
            return inner
        case .punct("["):
            next()
            return .list(try expressionList(closing: "]"))
        case .punct("{"):
            next()
            var entries: [(CELNode, CELNode)] = []
            if isPunct("}") {
                next()
                return .map(entries)
            }
            while true {
                let key = try expression()
                try expect(":")
                let value = try expression()
                entries.append((key, value))
                if isPunct(",") {
                    next()
                    if isPunct("}") {
                        next()
                        return .map(entries)
                    }
                    continue
                }
                try expect("}")
                return .map(entries)
            }
        case .punct("."):
            throw fail("leading-dot identifiers are not supported")
        default:
            throw unexpected()
        }
    }
}
