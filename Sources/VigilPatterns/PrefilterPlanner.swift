/// Finds literals that every matching event must contain, so most events are rejected by a byte search.
///
/// For terms: each `?` group needs its longest non-excluded literal. For JSON and delimited
/// patterns: an `=` against a string needs its literal; `&&` needs the best side's literals, `||`
/// needs both sides'. Values inside JSON strings may be written with escapes (`\u0041`, `\/`), so a
/// backslash is added to every JSON literal set: an event with a backslash is always evaluated.
enum PrefilterPlanner {
    static let shortestUseful = 3

    static func literals(for syntax: FilterPatternSyntax) -> [[UInt8]]? {
        switch syntax {
        case .matchAll:
            return nil
        case .terms(let groups):
            var all: [[UInt8]] = []
            for group in groups {
                guard
                    let needed = group.terms.compactMap({ term -> [[UInt8]]? in
                        guard !term.excluded else { return nil }
                        switch term.matcher {
                        case .literal(let l): return l.isEmpty ? nil : [l]
                        case .regex(let r): return r.requiredLiterals
                        }
                    }).min(by: rank)
                else { return nil }
                all += needed
            }
            return normalized(all)
        case .json(let expression):
            return json(expression).flatMap { normalized($0 + [[UInt8(ascii: "\\")]]) }
        case .delimited(let pattern):
            var best: [[UInt8]]? = nil
            for entry in pattern.entries {
                guard case .field(_, let condition?) = entry, let needed = delimited(condition) else { continue }
                if best == nil || rank(needed, best!) { best = needed }
            }
            return best.flatMap(normalized)
        }
    }

    /// Fewer alternatives first, then longer shortest literal.
    static func rank(_ a: [[UInt8]], _ b: [[UInt8]]) -> Bool {
        if a.count != b.count { return a.count < b.count }
        return (a.map(\.count).min() ?? 0) > (b.map(\.count).min() ?? 0)
    }

    static func normalized(_ literals: [[UInt8]]) -> [[UInt8]]? {
        var unique: [[UInt8]] = []
        for l in literals where !unique.contains(l) { unique.append(l) }
        return unique.isEmpty ? nil : unique
    }

    static func combine<C>(_ e: ConditionExpression<C>, _ leaf: (C) -> [[UInt8]]?) -> [[UInt8]]? {
        switch e {
        case .condition(let c): return leaf(c)
        case .and(let l, let r):
            switch (combine(l, leaf), combine(r, leaf)) {
            case (nil, nil): return nil
            case (let a?, nil): return a
            case (nil, let b?): return b
            case (let a?, let b?): return rank(a, b) ? a : b
            }
        case .or(let l, let r):
            guard let a = combine(l, leaf), let b = combine(r, leaf) else { return nil }
            return a + b
        }
    }

    static func valueLiterals(_ op: ComparisonOperator, _ value: ComparisonValue) -> [[UInt8]]? {
        guard op == .equal else { return nil }
        switch value {
        case .text(let t): return t.literal.count >= shortestUseful ? [t.literal] : nil
        case .regex(let r): return r.requiredLiterals
        case .number: return nil
        }
    }

    static func json(_ e: ConditionExpression<JSONCondition>) -> [[UInt8]]? {
        combine(e) { c in
            switch c {
            case .compare(_, let op, let value): return valueLiterals(op, value)
            case .isNull: return [Array("null".utf8)]
            case .isBoolean(_, let b): return [Array((b ? "true" : "false").utf8)]
            case .notExists: return nil
            }
        }
    }

    static func delimited(_ e: ConditionExpression<DelimitedCondition>) -> [[UInt8]]? {
        combine(e) { c in valueLiterals(c.op, c.value) }
    }
}
