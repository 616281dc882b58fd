/// A JSON condition bound to the scan slot that holds its selector's values.
///
/// A class with a payload-free `check`, so that walking an expression tree retains instead of
/// copying comparison values.
final class BoundJSONCondition: Sendable {
    enum Check: Sendable { case compare, isNull, isTrue, isFalse, notExists }
    let slot: Int
    let check: Check
    /// For `.compare` only.
    let op: ComparisonOperator
    let value: ComparisonValue

    init(slot: Int, condition: JSONCondition) {
        self.slot = slot
        op = if case .compare(_, let op, _) = condition { op } else { .equal }
        value = if case .compare(_, _, let value) = condition { value } else { .number(0, text: []) }
        switch condition {
        case .compare: check = .compare
        case .isNull: check = .isNull
        case .isBoolean(_, let b): check = b ? .isTrue : .isFalse
        case .notExists: check = .notExists
        }
    }
}

/// One or more JSON expressions sharing one trie, so that an event is scanned once for all of them.
final class JSONBinding: Sendable {
    let trie: JSONPathTrie
    /// The trie as the scanner reads it.
    let table: JSONScanTable
    let expressions: [ConditionExpression<BoundJSONCondition>]
    /// The expressions as one flat program (what matching runs).
    let program: JSONProgram
    /// Slots of additional selectors (metric values, dimensions), in the order given.
    let extraSlots: [Int]

    init(expressions: [ConditionExpression<JSONCondition>], extraSelectors: [JSONSelector] = []) {
        var trie = JSONPathTrie()
        func bind(_ e: ConditionExpression<JSONCondition>) -> ConditionExpression<BoundJSONCondition> {
            switch e {
            case .and(let l, let r): return .and(bind(l), bind(r))
            case .or(let l, let r): return .or(bind(l), bind(r))
            case .condition(let c):
                return .condition(BoundJSONCondition(slot: trie.slot(for: c.selector), condition: c))
            }
        }
        self.expressions = expressions.map(bind)
        self.program = JSONProgram(self.expressions)
        self.extraSlots = extraSelectors.map { trie.slot(for: $0) }
        self.trie = trie
        self.table = JSONScanTable(trie)
    }

    /// Scans `message` once into `values`; false if it is not a JSON object.
    func scan(_ message: UnsafeBufferPointer<UInt8>, into values: inout JSONValues) -> Bool {
        var scanner = JSONScanner<JSONEventWhitespace>(table: table, bytes: message, memo: values.memo)
        return record(&scanner, into: &values) { $0.scan() }
    }

    /// Scans every candidate line of `buffer` (whole lines, chosen as by ``LineScanner``) in place, so
    /// that the scan itself finds where each line ends; calls `body` for each line that is one JSON
    /// object, with the values found and the line's range (without `\r\n`). The values' positions
    /// count from the line's start: evaluate them against `buffer[line.lowerBound...]`.
    @inline(__always)
    func forEachObjectLine(
        in buffer: UnsafeBufferPointer<UInt8>, prefilter: MultiLiteralSearcher?, density: inout LineScanner.Density?,
        values: inout JSONValues, _ body: (JSONValues, Range<Int>) -> Void
    ) {
        let newline = UInt8(ascii: "\n")
        LineScanner.forEachCandidateLineStart(in: buffer, prefilter: prefilter, density: &density) { start in
            var scanner = JSONScanner<JSONLineWhitespace>(
                table: table, bytes: UnsafeBufferPointer(rebasing: buffer[start...]), memo: values.memo)
            let isObject = record(&scanner, into: &values) { $0.object() && ($0.i == $0.n || $0.p[$0.i] == newline) }
            // The scan stops at the newline at the latest: where it failed, the line's end is still ahead.
            guard isObject else {
                return ByteSearch.firstIndex(of: newline, in: buffer, from: start + scanner.i) ?? buffer.count
            }
            let end = start + scanner.i
            body(values, LineScanner.content(of: buffer, start, end))
            return end
        }
    }

    /// Runs `scan` with `values`' storage (no allocation per event), then indexes what it found.
    @inline(__always)
    private func record<W>(
        _ scanner: inout JSONScanner<W>, into values: inout JSONValues,
        _ scan: (inout JSONScanner<W>) -> Bool
    ) -> Bool {
        swap(&scanner.found, &values.refs)
        scanner.found.removeAll(keepingCapacity: true)
        let ok = scan(&scanner)
        swap(&scanner.found, &values.refs)
        guard ok else { return false }
        values.reindex()
        return true
    }

    /// Whether expression `k` matches `message` (false for non-JSON events).
    func matches(_ message: UnsafeBufferPointer<UInt8>, expression k: Int = 0) -> Bool {
        var values = JSONValues(slotCount: trie.slotCount)
        return scan(message, into: &values) && program.evaluate(k, values, message)
    }
}

/// The values a scan found, indexed by slot (reusable across events to avoid allocation).
struct JSONValues {
    var refs: [JSONValueRef] = []
    var head: [Int32]
    var next: [Int32] = []
    /// Keys of recent events, for scanning events one after another (nil: each event on its own).
    var memo: JSONKeyMemo?

    init(slotCount: Int) { head = Array(repeating: -1, count: slotCount) }

    /// The first value found at `slot`, if any.
    func first(_ slot: Int) -> JSONValueRef? { head[slot] >= 0 ? refs[Int(head[slot])] : nil }

    /// Rebuilds the per-slot chains after a scan stored its values in ``refs``.
    mutating func reindex() {
        let found = refs
        for k in 0..<head.count { head[k] = -1 }
        if next.count < found.count { next = Array(repeating: -1, count: found.count) }
        for k in stride(from: found.count - 1, through: 0, by: -1) {
            let slot = found[k].slot
            next[k] = head[slot]
            head[slot] = Int32(k)
        }
    }
}

/// Evaluates bound JSON conditions against the values a scan found.
enum JSONMatcher {
    /// Whether `c` holds for some value found at its slot (`NOT EXISTS`: for none being found).
    @inline(__always)
    static func holds(_ c: BoundJSONCondition, _ values: JSONValues, _ message: UnsafeBufferPointer<UInt8>) -> Bool {
        var k = values.head[c.slot]
        if c.check == .notExists { return k < 0 }
        while k >= 0 {
            if test(c, values.refs[Int(k)], message) { return true }
            k = values.next[Int(k)]
        }
        return false
    }

    static func test(_ c: BoundJSONCondition, _ ref: JSONValueRef, _ message: UnsafeBufferPointer<UInt8>) -> Bool {
        switch c.check {
        case .isNull: return ref.kind == .null
        case .isTrue: return ref.kind == .trueValue
        case .isFalse: return ref.kind == .falseValue
        case .notExists: return false
        case .compare:
            switch ref.kind {
            case .null, .object, .array:
                return false  // the selector must point to a value node (string, number or boolean)
            default:
                return withText(ref, message) { ValueComparison.compare($0, c.op, c.value) }
            }
        }
    }

    /// Calls `body` with the value's text: decoded string contents, or the literal's spelling.
    static func withText<R>(
        _ ref: JSONValueRef, _ message: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> R
    ) -> R {
        let raw = UnsafeBufferPointer(rebasing: message[ref.start..<ref.end])
        if ref.kind == .string && ref.escaped {
            return JSONText.unescape(raw).withUnsafeBufferPointer(body)
        }
        return body(raw)
    }
}

/// Compares a field or JSON value's text with a pattern value, as AWS's `=`, `!=`, `<`, … do.
enum ValueComparison {
    /// `text` is a JSON number's spelling, a decoded JSON string or a delimited field; text that spells
    /// a number is compared numerically with a number.
    static func compare(_ text: UnsafeBufferPointer<UInt8>, _ op: ComparisonOperator, _ value: ComparisonValue) -> Bool
    {
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
