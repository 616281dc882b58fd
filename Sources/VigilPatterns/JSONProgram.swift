/// JSON expressions compiled into one ``DecisionGraph``, with the common `$.key = text` tested inline.
struct JSONProgram: Sendable {
    private(set) var graph = DecisionGraph()
    private(set) var conditions: [BoundJSONCondition] = []
    /// Per condition, for the common `$.key = text` (no wildcard): its slot and where its text sits in
    /// ``literals``; slot -1 for every other condition. Tested inline, with no reference counting.
    private(set) var exact: [(slot: Int32, start: Int32, count: Int32)] = []
    private(set) var literals: [UInt8] = []

    init(_ expressions: [ConditionExpression<BoundJSONCondition>]) {
        for e in expressions {
            graph.add(e) { c in
                conditions.append(c)
                if c.check == .compare, c.op == .equal, case .text(let t) = c.value, !t.anyPrefix, !t.anySuffix {
                    exact.append((Int32(c.slot), Int32(literals.count), Int32(t.literal.count)))
                    literals += t.literal
                } else {
                    exact.append((-1, 0, 0))
                }
                return conditions.count - 1
            }
        }
    }

    /// Whether expression `k` holds for the scanned `values` of `message`.
    func evaluate(_ k: Int, _ values: JSONValues, _ message: UnsafeBufferPointer<UInt8>) -> Bool {
        exact.withUnsafeBufferPointer { exact in
            literals.withUnsafeBufferPointer { literals in
                graph.evaluate(k) { c in
                    let e = exact[c]
                    guard e.slot >= 0 else { return JSONMatcher.holds(conditions[c], values, message) }
                    return Self.equals(
                        values, Int(e.slot),
                        UnsafeBufferPointer(rebasing: literals[Int(e.start)..<Int(e.start + e.count)]), message)
                        ?? JSONMatcher.holds(conditions[c], values, message)
                }
            }
        }
    }

    /// `$.key = text` over the values found at `slot`, when their raw bytes can be compared as they
    /// are; nil when one is an escaped string (the general test decodes it).
    @inline(__always)
    static func equals(
        _ values: JSONValues, _ slot: Int, _ literal: UnsafeBufferPointer<UInt8>, _ message: UnsafeBufferPointer<UInt8>
    ) -> Bool? {
        var k = values.head[slot]
        while k >= 0 {
            let ref = values.refs[Int(k)]
            switch ref.kind {
            case .null, .object, .array: break
            default:
                if ref.escaped { return nil }
                if ref.end - ref.start == literal.count && bytesEqual(message, ref.start, literal) { return true }
            }
            k = values.next[Int(k)]
        }
        return false
    }
}
