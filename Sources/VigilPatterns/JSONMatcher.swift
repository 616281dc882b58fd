/// A JSON condition bound to the scan slot that holds its selector's values.
///
/// A class so that walking an expression tree retains instead of copying comparison values.
final class BoundJSONCondition: Sendable {
    enum Test: Sendable {
        case compare(ComparisonOperator, ComparisonValue)
        case isNull
        case isBoolean(Bool)
        case notExists
    }
    let slot: Int
    let test: Test
    /// The comparison, unpacked so that evaluating it copies nothing.
    let kind: UInt8  // 0 compare, 1 null, 2 true, 3 false, 4 not exists
    let op: ComparisonOperator
    let value: ComparisonValue

    init(slot: Int, test: Test) {
        self.slot = slot
        self.test = test
        switch test {
        case .compare(let op, let value): kind = 0; self.op = op; self.value = value
        case .isNull: kind = 1; op = .equal; value = .number(0, text: [])
        case .isBoolean(let b): kind = b ? 2 : 3; op = .equal; value = .number(0, text: [])
        case .notExists: kind = 4; op = .equal; value = .number(0, text: [])
        }
    }
}

/// One or more JSON expressions sharing one trie, so that an event is scanned once for all of them.
struct JSONBinding: Sendable {
    let trie: JSONPathTrie
    let expressions: [ConditionExpression<BoundJSONCondition>]
    /// Slots of additional selectors (metric values, dimensions), in the order given.
    let extraSlots: [Int]

    init(expressions: [ConditionExpression<JSONCondition>], extraSelectors: [JSONSelector] = []) {
        var trie = JSONPathTrie()
        func bind(_ e: ConditionExpression<JSONCondition>) -> ConditionExpression<BoundJSONCondition> {
            switch e {
            case .and(let l, let r): return .and(bind(l), bind(r))
            case .or(let l, let r): return .or(bind(l), bind(r))
            case .condition(let c):
                let slot = trie.slot(for: c.selector)
                switch c {
                case .compare(_, let op, let value): return .condition(BoundJSONCondition(slot: slot, test: .compare(op, value)))
                case .isNull: return .condition(BoundJSONCondition(slot: slot, test: .isNull))
                case .isBoolean(_, let b): return .condition(BoundJSONCondition(slot: slot, test: .isBoolean(b)))
                case .notExists: return .condition(BoundJSONCondition(slot: slot, test: .notExists))
                }
            }
        }
        self.expressions = expressions.map(bind)
        self.extraSlots = extraSelectors.map { trie.slot(for: $0) }
        self.trie = trie
    }

    /// Scans `message` once; nil if it is not a JSON object, else the values found at every slot.
    func scan(_ message: UnsafeBufferPointer<UInt8>) -> [JSONValueRef]? {
        var scanner = JSONScanner(trie: trie, bytes: message)
        return scanner.scan() ? scanner.found : nil
    }

    /// Whether each expression matches `message` (all false for non-JSON events).
    func matches(_ message: UnsafeBufferPointer<UInt8>) -> [Bool] {
        guard let found = scan(message) else { return Array(repeating: false, count: expressions.count) }
        return expressions.map { JSONMatcher.evaluate($0, found, message) }
    }
}

/// The values a scan found, indexed by slot (reused across events to avoid allocation).
struct JSONValues {
    var refs: [JSONValueRef] = []
    var head: [Int32]
    var next: [Int32] = []

    init(slotCount: Int) { head = Array(repeating: -1, count: slotCount) }

    mutating func index(_ found: [JSONValueRef]) {
        for k in 0..<head.count { head[k] = -1 }
        refs = found
        if next.count < found.count { next = Array(repeating: -1, count: found.count) }
        for k in stride(from: found.count - 1, through: 0, by: -1) {
            let slot = found[k].slot
            next[k] = head[slot]
            head[slot] = Int32(k)
        }
    }
}

/// Evaluates bound JSON expressions against the values a scan found.
enum JSONMatcher {
    static func evaluate(_ e: ConditionExpression<BoundJSONCondition>, _ values: JSONValues, _ message: UnsafeBufferPointer<UInt8>) -> Bool {
        switch e {
        case .and(let l, let r): return evaluate(l, values, message) && evaluate(r, values, message)
        case .or(let l, let r): return evaluate(l, values, message) || evaluate(r, values, message)
        case .condition(let c):
            var k = values.head[c.slot]
            if c.kind == 4 { return k < 0 }
            while k >= 0 {
                if test(c, values.refs[Int(k)], message) { return true }
                k = values.next[Int(k)]
            }
            return false
        }
    }

    static func evaluate(_ e: ConditionExpression<BoundJSONCondition>, _ found: [JSONValueRef], _ message: UnsafeBufferPointer<UInt8>) -> Bool {
        switch e {
        case .and(let l, let r): return evaluate(l, found, message) && evaluate(r, found, message)
        case .or(let l, let r): return evaluate(l, found, message) || evaluate(r, found, message)
        case .condition(let c):
            var any = false
            for ref in found where ref.slot == c.slot {
                any = true
                if test(c, ref, message) { return true }
            }
            return c.kind == 4 ? !any : false
        }
    }

    static func test(_ c: BoundJSONCondition, _ ref: JSONValueRef, _ message: UnsafeBufferPointer<UInt8>) -> Bool {
        switch c.kind {
        case 1: return ref.kind == .null
        case 2: return ref.kind == .trueValue
        case 3: return ref.kind == .falseValue
        case 4: return false
        default:
            switch ref.kind {
            case .null, .object, .array:
                return false  // the selector must point to a value node (string, number or boolean)
            default:
                return withText(ref, message) { ValueComparison.compare($0, c.op, c.value, isNumber: ref.kind == .number) }
            }
        }
    }

    /// Calls `body` with the value's text: decoded string contents, or the literal's spelling.
    static func withText<R>(_ ref: JSONValueRef, _ message: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let raw = UnsafeBufferPointer(rebasing: message[ref.start..<ref.end])
        if ref.kind == .string && ref.escaped {
            return JSONText.unescape(raw).withUnsafeBufferPointer(body)
        }
        return body(raw)
    }
}

/// Compares a field or JSON value's text with a pattern value, as AWS's `=`, `!=`, `<`, … do.
enum ValueComparison {
    /// `isNumber`: the value is a JSON number (delimited fields and JSON strings are text that may hold a number).
    static func compare(_ text: UnsafeBufferPointer<UInt8>, _ op: ComparisonOperator, _ value: ComparisonValue, isNumber: Bool) -> Bool {
        switch value {
        case .text(let pattern):
            let hit = pattern.matches(text)
            switch op {
            case .equal: return hit
            case .notEqual: return !hit
            default: return false
            }
        case .regex(let regex):
            let hit = regex.matches(text)
            return op == .notEqual ? !hit : hit
        case .number(let number, let spelling):
            guard let actual = JSONText.parseDouble(text) else {
                // Not a number: '=' and '!=' compare the spelling; ordering comparisons fail.
                let same = spelling.withUnsafeBufferPointer { s in s.count == text.count && bytesEqual(text, 0, s) }
                switch op {
                case .equal: return same
                case .notEqual: return !same
                default: return false
                }
            }
            switch op {
            case .equal: return actual == number
            case .notEqual: return actual != number
            case .less: return actual < number
            case .lessOrEqual: return actual <= number
            case .greater: return actual > number
            case .greaterOrEqual: return actual >= number
            }
        }
    }
}
