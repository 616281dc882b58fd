/// A space-delimited pattern compiled for matching many events; immutable and Sendable.
///
/// Events are split into fields the way CloudWatch Logs does: fields are separated by spaces (or
/// tabs); characters between a pair of double quotes or square brackets form a single field, without
/// the quotes or brackets: `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534`
/// has seven fields. The field conditions are one ``DecisionGraph``; matching with a ``Scratch``
/// allocates nothing per event.
final class DelimitedMatcher: Sendable {
    let pattern: DelimitedPattern
    /// Per entry: whether it is `...`.
    let isEllipsis: [Bool]
    /// Per entry: how many fields the entries after it need at least.
    let fieldsAfter: [Int]
    let hasEllipsis: Bool
    /// Every field's conditions, joined by `&&`, as expression 0 (nil when no field has one).
    let graph: DecisionGraph?
    let conditions: [BoundDelimitedCondition]

    /// Reusable space for matching events one after another.
    struct Scratch {
        var fields: [Range<Int>] = []
        /// For every entry, the index of its field (-1 for `...`).
        var assignment: [Int] = []
    }

    init(_ pattern: DelimitedPattern) {
        self.pattern = pattern
        let isEllipsis = pattern.entries.map { if case .ellipsis = $0 { return true } else { return false } }
        self.isEllipsis = isEllipsis
        fieldsAfter = isEllipsis.indices.map { k in isEllipsis[(k + 1)...].filter { !$0 }.count }
        hasEllipsis = isEllipsis.contains(true)
        var all: ConditionExpression<DelimitedCondition>?
        for case .field(_, let condition?) in pattern.entries {
            all = all.map { .and($0, condition) } ?? condition
        }
        var conditions: [BoundDelimitedCondition] = []
        graph = all.map { e in
            var graph = DecisionGraph()
            graph.add(e) { c in
                conditions.append(BoundDelimitedCondition(c))
                return conditions.count - 1
            }
            return graph
        }
        self.conditions = conditions
    }

    /// Whether `message` matches, using `scratch` for its fields.
    func matches(_ message: UnsafeBufferPointer<UInt8>, _ scratch: inout Scratch) -> Bool {
        Self.fields(message, into: &scratch.fields)
        return matchesFields(message, &scratch)
    }

    /// Whether `message`, whose fields `scratch` already holds, matches. Fields do not depend on the
    /// pattern, so filters over the same event split it once.
    func matchesFields(_ message: UnsafeBufferPointer<UInt8>, _ scratch: inout Scratch) -> Bool {
        let count = scratch.fields.count
        scratch.assignment.removeAll(keepingCapacity: true)
        if !hasEllipsis {
            guard count == isEllipsis.count else { return false }
            scratch.assignment.append(contentsOf: 0..<count)
            return conditionsHold(message, scratch.fields, scratch.assignment)
        }
        scratch.assignment.append(contentsOf: repeatElement(-1, count: isEllipsis.count))
        return assign(message, &scratch, entry: 0, field: 0)
    }

    /// The match of `message` (its fields and which entry each filled), or nil.
    func match(_ message: UnsafeBufferPointer<UInt8>) -> Match? {
        var scratch = Scratch()
        guard matches(message, &scratch) else { return nil }
        return Match(fields: scratch.fields, entryField: scratch.assignment)
    }

    /// Replaces `fields` with the byte ranges of the fields of `message`.
    static func fields(_ message: UnsafeBufferPointer<UInt8>, into fields: inout [Range<Int>]) {
        fields.removeAll(keepingCapacity: true)
        var i = 0
        let n = message.count
        while true {
            while i < n, message[i] == 32 || message[i] == 9 || message[i] == 10 || message[i] == 13 { i += 1 }
            guard i < n else { return }
            let c = message[i]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "[") {
                let close = c == UInt8(ascii: "\"") ? UInt8(ascii: "\"") : UInt8(ascii: "]")
                let start = i + 1
                let j = ByteSearch.firstIndex(of: close, in: message, from: start) ?? n
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
        func extractedValues(_ pattern: DelimitedPattern, _ message: UnsafeBufferPointer<UInt8>) -> [(
            key: String, value: String
        )] {
            var nameOfField = [String?](repeating: nil, count: fields.count)
            for (entry, field) in entryField.enumerated() where field >= 0 {
                if case .field(let name?, _) = pattern.entries[entry] { nameOfField[field] = name }
            }
            return fields.enumerated().map { index, range in
                (
                    "$" + (nameOfField[index] ?? String(index + 1)),
                    String(decoding: UnsafeBufferPointer(rebasing: message[range]), as: UTF8.self)
                )
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

    /// Assigns fields to entries from `entry`/`field` on, trying every split for `...` (the first
    /// split whose conditions hold wins).
    private func assign(_ message: UnsafeBufferPointer<UInt8>, _ scratch: inout Scratch, entry: Int, field: Int) -> Bool
    {
        if entry == isEllipsis.count {
            return field == scratch.fields.count && conditionsHold(message, scratch.fields, scratch.assignment)
        }
        guard isEllipsis[entry] else {
            guard field < scratch.fields.count else { return false }
            scratch.assignment[entry] = field
            return assign(message, &scratch, entry: entry + 1, field: field + 1)
        }
        scratch.assignment[entry] = -1
        var k = field
        while k + fieldsAfter[entry] <= scratch.fields.count {
            if assign(message, &scratch, entry: entry + 1, field: k) { return true }
            k += 1
        }
        return false
    }

    private func conditionsHold(_ message: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>], _ assignment: [Int])
        -> Bool
    {
        guard let graph else { return true }
        return graph.evaluate(0) { c in
            let condition = conditions[c]
            let field = assignment[condition.entry]
            guard field >= 0 else { return false }
            return ValueComparison.compare(
                UnsafeBufferPointer(rebasing: message[fields[field]]), condition.op, condition.value)
        }
    }
}

/// A delimited field condition as a class, so that evaluating it retains instead of copying its value.
final class BoundDelimitedCondition: Sendable {
    let entry: Int
    let op: ComparisonOperator
    let value: ComparisonValue

    init(_ condition: DelimitedCondition) {
        entry = condition.entry
        op = condition.op
        value = condition.value
    }
}
