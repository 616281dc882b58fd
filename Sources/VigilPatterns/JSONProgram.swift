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
            conditions.withUnsafeBufferPointer { conditions in
                var at = entries[k]
                while at >= 0 {
                    let step = steps[Int(at)]
                    at = JSONMatcher.holds(conditions[Int(step.condition)], values, message) ? step.onTrue : step.onFalse
                }
                return at == Self.accept
            }
        }
    }
}
