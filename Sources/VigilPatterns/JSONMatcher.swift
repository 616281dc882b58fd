/// A JSON condition bound to the scan slot that holds its selector's values.
struct BoundJSONCondition: Sendable {
    enum Test: Sendable {
        case compare(ComparisonOperator, ComparisonValue)
        case isNull
        case isBoolean(Bool)
        case notExists
    }
    var slot: Int
    var test: Test
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

/// Evaluates bound JSON expressions against the values a scan found.
enum JSONMatcher {
    static func evaluate(_ e: ConditionExpression<BoundJSONCondition>, _ found: [JSONValueRef], _ message: UnsafeBufferPointer<UInt8>) -> Bool {
        switch e {
        case .and(let l, let r): return evaluate(l, found, message) && evaluate(r, found, message)
        case .or(let l, let r): return evaluate(l, found, message) || evaluate(r, found, message)
        case .condition(let c):
            var any = false
            for ref in found where ref.slot == c.slot {
                any = true
                if test(c.test, ref, message) { return true }
            }
            if case .notExists = c.test { return !any }
            return false
        }
    }

    static func test(_ t: BoundJSONCondition.Test, _ ref: JSONValueRef, _ message: UnsafeBufferPointer<UInt8>) -> Bool {
        switch t {
        case .notExists: return false
        case .isNull: return ref.kind == .null
        case .isBoolean(let b): return ref.kind == (b ? .trueValue : .falseValue)
        case .compare(let op, let value):
            switch ref.kind {
            case .null, .object, .array:
                return false  // the selector must point to a value node (string, number or boolean)
            default:
                return withText(ref, message) { ValueComparison.compare($0, op, value, isNumber: ref.kind == .number) }
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
