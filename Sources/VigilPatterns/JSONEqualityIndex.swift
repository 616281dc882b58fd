/// Chooses, per JSON event, which of many JSON expressions can match, from one hash lookup per keyed selector.
///
/// An expression is *keyed* when it can only hold if one selector's value is one of a few exact strings:
/// a condition `$.x = "text"` (no wildcard), an `&&` with a keyed side, or an `||` whose sides are keyed
/// on the same selector. Sets of filters like "one alarm per eventName" are then evaluated only where
/// the event's value names them; unkeyed expressions are always evaluated.
struct JSONEqualityIndex: Sendable {
    /// One exact value of one slot and the expressions it selects.
    struct Entry: Sendable {
        let slot: Int
        let value: [UInt8]
        let expressions: [Int]
    }

    /// Expressions that have no key and are evaluated on every event.
    let unkeyed: [Int]
    /// Slots that some key reads.
    let slots: [Int]
    let entries: [Entry]
    /// Open-addressing table of entry index + 1 (0 = empty), by hash of (slot, value).
    let table: [Int32]
    let mask: Int
    /// How many expressions the index was built for.
    let expressionCount: Int
    /// Per expression: its key alone decides it (an equality, or an `||` of equalities on one selector),
    /// so finding the key's value is the match and the expression need not be evaluated.
    let keyDecides: [Bool]

    /// Per-scan scratch space: which expressions were already offered for the current event.
    struct Candidates {
        var seen: [UInt32]
        var stamp: UInt32 = 0

        init(_ index: JSONEqualityIndex) { seen = Array(repeating: 0, count: index.expressionCount) }

        /// Starts a new event: every expression may be offered once more.
        mutating func nextEvent() {
            stamp &+= 1
            if stamp == 0 {  // wrapped: forget every stamp
                for k in seen.indices { seen[k] = 0 }
                stamp = 1
            }
        }
    }

    init(_ expressions: [ConditionExpression<BoundJSONCondition>]) {
        var unkeyed: [Int] = []
        var grouped: [Int: [[UInt8]: [Int]]] = [:]
        keyDecides = expressions.map { e in Self.key(e) != nil && Self.isDisjunctionOfKeys(e) }
        for (k, e) in expressions.enumerated() {
            guard let (slot, values) = Self.key(e) else {
                unkeyed.append(k)
                continue
            }
            for v in values { grouped[slot, default: [:]][v, default: []].append(k) }
        }
        var entries: [Entry] = []
        for (slot, byValue) in grouped.sorted(by: { $0.key < $1.key }) {
            for (value, members) in byValue.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                entries.append(Entry(slot: slot, value: value, expressions: members))
            }
        }
        var size = 16
        while size < entries.count * 4 { size <<= 1 }
        var table = [Int32](repeating: 0, count: size)
        for (n, entry) in entries.enumerated() {
            var h = entry.value.withUnsafeBufferPointer { Self.hash(entry.slot, $0) } & (size - 1)
            while table[h] != 0 { h = (h + 1) & (size - 1) }
            table[h] = Int32(n + 1)
        }
        self.unkeyed = unkeyed
        self.slots = grouped.keys.sorted()
        self.entries = entries
        self.table = table
        self.mask = size - 1
        self.expressionCount = expressions.count
    }

    /// Whether keys prune anything (otherwise every expression is simply evaluated).
    var isUseful: Bool { !entries.isEmpty }

    /// The selector and exact values one of which the expression needs, if there is such a selector.
    static func key(_ e: ConditionExpression<BoundJSONCondition>) -> (Int, Set<[UInt8]>)? {
        switch e {
        case .condition(let c):
            guard c.check == .compare, c.op == .equal, case .text(let t) = c.value, !t.anyPrefix, !t.anySuffix else {
                return nil
            }
            return (c.slot, [t.literal])
        case .and(let l, let r):
            return key(l) ?? key(r)
        case .or(let l, let r):
            guard let a = key(l), let b = key(r), a.0 == b.0 else { return nil }
            return (a.0, a.1.union(b.1))
        }
    }

    /// Whether `e` is a key condition or an `||` of them (no `&&` anywhere).
    static func isDisjunctionOfKeys(_ e: ConditionExpression<BoundJSONCondition>) -> Bool {
        switch e {
        case .condition: return key(e) != nil
        case .and: return false
        case .or(let l, let r): return isDisjunctionOfKeys(l) && isDisjunctionOfKeys(r)
        }
    }

    @inline(__always)
    static func hash(_ slot: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(slot)
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// Calls `body` once for each expression that may match the event whose scanned values are `values`.
    func forEachCandidate(
        _ values: JSONValues, _ message: UnsafeBufferPointer<UInt8>, _ candidates: inout Candidates,
        _ body: (Int) -> Void
    ) {
        candidates.nextEvent()
        let stamp = candidates.stamp
        for k in unkeyed { body(k) }
        for slot in slots {
            var r = values.head[slot]
            while r >= 0 {
                let ref = values.refs[Int(r)]
                r = values.next[Int(r)]
                switch ref.kind {
                case .null, .object, .array: continue  // never equal to a string
                default: break
                }
                guard let entry = JSONMatcher.withText(ref, message, { lookup(slot, $0) }) else { continue }
                for k in entries[entry].expressions where candidates.seen[k] != stamp {
                    candidates.seen[k] = stamp
                    body(k)
                }
            }
        }
    }

    func lookup(_ slot: Int, _ text: UnsafeBufferPointer<UInt8>) -> Int? {
        var h = Self.hash(slot, text) & mask
        while true {
            let n = Int(table[h])
            if n == 0 { return nil }
            let entry = entries[n - 1]
            if entry.slot == slot && entry.value.count == text.count
                && entry.value.withUnsafeBufferPointer({ bytesEqual(text, 0, $0) })
            {
                return n - 1
            }
            h = (h + 1) & mask
        }
    }
}
