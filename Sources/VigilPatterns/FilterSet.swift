/// Many compiled filters evaluated together over one stream, sharing the work between them.
///
/// Lines are selected with one multi-literal pass over the buffer when every filter has required
/// literals; every JSON event is scanned once for all JSON filters (their selectors form one trie).
public final class FilterSet: Sendable {
    /// The filters, in the order their counts are reported.
    public let patterns: [FilterPattern]
    let json: JSONBinding?
    let jsonMembers: [Int]
    let jsonLiterals: MultiLiteralSearcher?
    let lineLiterals: MultiLiteralSearcher?
    let otherMembers: [Int]

    /// Groups `patterns`.
    public init(_ patterns: [FilterPattern]) {
        self.patterns = patterns
        var expressions: [ConditionExpression<JSONCondition>] = []
        var members: [Int] = []
        var jsonLiteralSet: [[UInt8]]? = []
        for (k, p) in patterns.enumerated() {
            guard case .json(let e) = p.syntax else { continue }
            expressions.append(e)
            members.append(k)
            if let l = p.requiredLiterals { jsonLiteralSet? += l } else { jsonLiteralSet = nil }
        }
        json = expressions.isEmpty ? nil : JSONBinding(expressions: expressions)
        jsonMembers = members
        otherMembers = patterns.indices.filter { !members.contains($0) }
        jsonLiterals = (expressions.isEmpty ? nil : jsonLiteralSet).map(MultiLiteralSearcher.init)
        if patterns.allSatisfy({ $0.requiredLiterals != nil }) {
            lineLiterals = MultiLiteralSearcher(patterns.flatMap { $0.requiredLiterals! })
        } else {
            lineLiterals = nil
        }
    }

    /// Adds to `counts[k]` the number of lines of `buffer` (whole lines) that filter `k` matches.
    public func countMatches(in buffer: UnsafeBufferPointer<UInt8>, into counts: inout [Int]) {
        var values = JSONValues(slotCount: json?.trie.slotCount ?? 0)
        LineScanner.forEachCandidateLine(in: buffer, prefilter: lineLiterals) { range in
            evaluate(UnsafeBufferPointer(rebasing: buffer[range]), &counts, &values)
        }
    }

    func evaluate(_ line: UnsafeBufferPointer<UInt8>, _ counts: inout [Int], _ values: inout JSONValues) {
        for k in otherMembers where patterns[k].matches(line) { counts[k] += 1 }
        guard let json else { return }
        if lineLiterals == nil, let literals = jsonLiterals, !literals.contains(line) { return }
        guard json.scan(line, into: &values) else { return }
        for (e, k) in jsonMembers.enumerated() where JSONMatcher.evaluate(json.expressions[e], values, line) {
            counts[k] += 1
        }
    }
}
