/// JSON expressions compiled into one flat decision graph, evaluated without recursion.
///
/// Each step tests one bound condition and jumps to the next step on its result, or ends with
/// accept/reject; `&&` and `||` become jumps, so short-circuiting costs nothing. Walking the
/// indirect-enum tree instead retained and released a box per node and event.
///
/// `{ $.a = 1 && ($.b = 2 || $.c = 3) }` becomes
/// `0: a=1 ? 1 : reject`, `1: b=2 ? accept : 2`, `2: c=3 ? accept : reject`.
struct JSONProgram: Sendable {
    /// One test and its two successors (a step index, or ``accept``/``reject``).
    struct Step: Sendable {
        let condition: Int32
        let onTrue: Int32
        let onFalse: Int32
    }
    static let accept: Int32 = -1
    static let reject: Int32 = -2

    private(set) var steps: [Step] = []
    private(set) var conditions: [BoundJSONCondition] = []
    /// Per condition, for the common `$.key = text` (no wildcard): its slot and where its text sits in
    /// ``literals``; slot -1 for every other condition. Tested inline, with no reference counting.
    private(set) var exact: [(slot: Int32, start: Int32, count: Int32)] = []
    private(set) var literals: [UInt8] = []
    /// The first step of each expression, in the order the expressions were added.
    private(set) var entries: [Int32] = []

    init(_ expressions: [ConditionExpression<BoundJSONCondition>]) {
        for e in expressions { entries.append(compile(e, onTrue: Self.accept, onFalse: Self.reject)) }
    }

    /// Appends the steps of `e`, which continue at `onTrue` or `onFalse`; returns its first step.
    private mutating func compile(_ e: ConditionExpression<BoundJSONCondition>, onTrue: Int32, onFalse: Int32) -> Int32 {
        switch e {
        case .condition(let c):
            conditions.append(c)
            if c.check == .compare, c.op == .equal, case .text(let t) = c.value, !t.anyPrefix, !t.anySuffix {
                exact.append((Int32(c.slot), Int32(literals.count), Int32(t.literal.count)))
                literals += t.literal
            } else {
                exact.append((-1, 0, 0))
            }
            steps.append(Step(condition: Int32(conditions.count - 1), onTrue: onTrue, onFalse: onFalse))
            return Int32(steps.count - 1)
        case .and(let l, let r):
            return compile(l, onTrue: compile(r, onTrue: onTrue, onFalse: onFalse), onFalse: onFalse)
        case .or(let l, let r):
            return compile(l, onTrue: onTrue, onFalse: compile(r, onTrue: onTrue, onFalse: onFalse))
        }
    }

    /// Whether expression `k` holds for the scanned `values` of `message`.
    func evaluate(_ k: Int, _ values: JSONValues, _ message: UnsafeBufferPointer<UInt8>) -> Bool {
        steps.withUnsafeBufferPointer { steps in
            exact.withUnsafeBufferPointer { exact in
                literals.withUnsafeBufferPointer { literals in
                    var at = entries[k]
                    while at >= 0 {
                        let step = steps[Int(at)]
                        let e = exact[Int(step.condition)]
                        let holds = e.slot >= 0
                            ? Self.equals(values, Int(e.slot), UnsafeBufferPointer(rebasing: literals[Int(e.start)..<Int(e.start + e.count)]), message)
                                ?? JSONMatcher.holds(conditions[Int(step.condition)], values, message)
                            : JSONMatcher.holds(conditions[Int(step.condition)], values, message)
                        at = holds ? step.onTrue : step.onFalse
                    }
                    return at == Self.accept
                }
            }
        }
    }

    /// `$.key = text` over the values found at `slot`, when their raw bytes can be compared as they
    /// are; nil when one is an escaped string (the general test decodes it).
    @inline(__always)
    static func equals(_ values: JSONValues, _ slot: Int, _ literal: UnsafeBufferPointer<UInt8>, _ message: UnsafeBufferPointer<UInt8>) -> Bool? {
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
