/// `&&` / `||` expressions compiled into one flat decision graph, evaluated without recursion.
///
/// Each step tests one condition and jumps to the next step on its result, or ends with
/// accept/reject; `&&` and `||` become jumps, so short-circuiting costs nothing. Walking the
/// indirect-enum tree instead retained and released a box per node and event.
///
/// `a = 1 && (b = 2 || c = 3)` becomes
/// `0: a=1 ? 1 : reject`, `1: b=2 ? accept : 2`, `2: c=3 ? accept : reject`.
struct DecisionGraph: Sendable {
    /// One test and its two successors (a step index, or ``accept``/``reject``).
    struct Step: Sendable {
        let condition: Int32
        let onTrue: Int32
        let onFalse: Int32
    }
    static let accept: Int32 = -1
    static let reject: Int32 = -2

    private(set) var steps: [Step] = []
    /// The first step of each expression, in the order the expressions were added.
    private(set) var entries: [Int32] = []

    /// Adds expression `e` (it becomes number `entries.count - 1`); `register` is called once per
    /// condition and returns the number by which ``evaluate(_:_:)`` will ask about it.
    mutating func add<Condition>(_ e: ConditionExpression<Condition>, register: (Condition) -> Int) {
        entries.append(compile(e, onTrue: Self.accept, onFalse: Self.reject, register))
    }

    /// Appends the steps of `e`, which continue at `onTrue` or `onFalse`; returns its first step.
    private mutating func compile<Condition>(
        _ e: ConditionExpression<Condition>, onTrue: Int32, onFalse: Int32,
        _ register: (Condition) -> Int
    ) -> Int32 {
        switch e {
        case .condition(let c):
            steps.append(Step(condition: Int32(register(c)), onTrue: onTrue, onFalse: onFalse))
            return Int32(steps.count - 1)
        case .and(let l, let r):
            return compile(
                l, onTrue: compile(r, onTrue: onTrue, onFalse: onFalse, register), onFalse: onFalse, register)
        case .or(let l, let r):
            return compile(l, onTrue: onTrue, onFalse: compile(r, onTrue: onTrue, onFalse: onFalse, register), register)
        }
    }

    /// Whether expression `k` holds, given whether each condition it reaches holds.
    @inline(__always)
    func evaluate(_ k: Int, _ holds: (Int) -> Bool) -> Bool {
        steps.withUnsafeBufferPointer { steps in
            var at = entries[k]
            while at >= 0 {
                let step = steps[Int(at)]
                at = holds(Int(step.condition)) ? step.onTrue : step.onFalse
            }
            return at == Self.accept
        }
    }
}
