/// Splits space-delimited events into fields the way CloudWatch Logs does and matches field lists.
///
/// Fields are separated by spaces (or tabs); characters between a pair of double quotes or square
/// brackets form a single field, without the quotes or brackets:
/// `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534`
/// has seven fields.
enum DelimitedMatcher {
    /// The byte ranges of the fields of `message`.
    static func fields(_ message: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var i = 0
        let n = message.count
        while true {
            while i < n, message[i] == 32 || message[i] == 9 || message[i] == 10 || message[i] == 13 { i += 1 }
            guard i < n else { return fields }
            let c = message[i]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "[") {
                let close = c == UInt8(ascii: "\"") ? UInt8(ascii: "\"") : UInt8(ascii: "]")
                let start = i + 1
                var j = start
                while j < n, message[j] != close { j += 1 }
                fields.append(start..<j)
                i = min(j + 1, n)
            } else {
                let start = i
                while i < n, message[i] != 32, message[i] != 9, message[i] != 10, message[i] != 13 { i += 1 }
                fields.append(start..<i)
            }
        }
    }

    /// The fields of a match and which entry of the pattern each one filled.
    struct Match {
        var fields: [Range<Int>]
        /// For every entry, the index of its field (-1 for `...`).
        var entryField: [Int]

        /// TestMetricFilter's extractedValues: `$name` for named fields, `$N` (1-based) for the rest.
        func extractedValues(_ pattern: DelimitedPattern, _ message: UnsafeBufferPointer<UInt8>) -> [(key: String, value: String)] {
            var nameOfField = [String?](repeating: nil, count: fields.count)
            for (entry, field) in entryField.enumerated() where field >= 0 {
                if case .field(let name?, _) = pattern.entries[entry] { nameOfField[field] = name }
            }
            return fields.enumerated().map { index, range in
                ("$" + (nameOfField[index] ?? String(index + 1)), String(decoding: UnsafeBufferPointer(rebasing: message[range]), as: UTF8.self))
            }
        }

        /// The text of the field a metric transformation names (`$size`, `$7`).
        func field(_ reference: FieldReference, _ pattern: DelimitedPattern) -> Range<Int>? {
            switch reference {
            case .position(let n): return n >= 1 && n <= fields.count ? fields[n - 1] : nil
            case .name(let name):
                guard let entry = pattern.fieldNames[name], entryField[entry] >= 0 else { return nil }
                return fields[entryField[entry]]
            }
        }
    }

    /// The match of `pattern` on `message`, or nil.
    static func match(_ pattern: DelimitedPattern, _ message: UnsafeBufferPointer<UInt8>) -> Match? {
        let fields = self.fields(message)
        var assignment = [Int](repeating: -1, count: pattern.entries.count)
        if assign(pattern, message, fields, 0, 0, &assignment) {
            return Match(fields: fields, entryField: assignment)
        }
        return nil
    }

    /// Assigns fields to entries from `entry`/`field` on, trying every split for `...`.
    static func assign(_ pattern: DelimitedPattern, _ message: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>],
                       _ entry: Int, _ field: Int, _ assignment: inout [Int]) -> Bool {
        if entry == pattern.entries.count {
            return field == fields.count && conditionsHold(pattern, message, fields, assignment)
        }
        switch pattern.entries[entry] {
        case .ellipsis:
            assignment[entry] = -1
            let remainingFields = pattern.entries[(entry + 1)...].reduce(0) { n, e in if case .field = e { return n + 1 } else { return n } }
            var k = field
            while k + remainingFields <= fields.count {
                if assign(pattern, message, fields, entry + 1, k, &assignment) { return true }
                k += 1
            }
            return false
        case .field:
            guard field < fields.count else { return false }
            assignment[entry] = field
            return assign(pattern, message, fields, entry + 1, field + 1, &assignment)
        }
    }

    static func conditionsHold(_ pattern: DelimitedPattern, _ message: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>], _ assignment: [Int]) -> Bool {
        for entry in pattern.entries {
            guard case .field(_, let condition?) = entry else { continue }
            if !evaluate(condition, message, fields, assignment) { return false }
        }
        return true
    }

    static func evaluate(_ e: ConditionExpression<DelimitedCondition>, _ message: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>], _ assignment: [Int]) -> Bool {
        switch e {
        case .and(let l, let r): return evaluate(l, message, fields, assignment) && evaluate(r, message, fields, assignment)
        case .or(let l, let r): return evaluate(l, message, fields, assignment) || evaluate(r, message, fields, assignment)
        case .condition(let c):
            let field = assignment[c.entry]
            guard field >= 0 else { return false }
            return ValueComparison.compare(UnsafeBufferPointer(rebasing: message[fields[field]]), c.op, c.value)
        }
    }
}
