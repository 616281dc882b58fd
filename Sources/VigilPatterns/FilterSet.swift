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
        jsonLiterals = (expressions.isEmpty ? nil : jsonLiteralSet).map { MultiLiteralSearcher(Array(Set($0))) }
        if patterns.allSatisfy({ $0.requiredLiterals != nil }) {
            lineLiterals = MultiLiteralSearcher(Array(Set(patterns.flatMap { $0.requiredLiterals! })))
        } else {
            lineLiterals = nil
        }
    }

    /// Adds to `counts[k]` the number of lines of `buffer` (whole lines) that filter `k` matches.
    public func countMatches(in buffer: UnsafeBufferPointer<UInt8>, into counts: inout [Int]) {
        let n = buffer.count
        let newline = UInt8(ascii: "\n")
        var position = 0
        var cursor = lineLiterals.map { MultiLiteralSearcher.Cursor($0) }
        var values = JSONValues(slotCount: json?.trie.slotCount ?? 0)
        while position < n {
            var start = position
            if let searcher = lineLiterals {
                guard let hit = searcher.firstIndex(in: buffer, from: position, cursor: &cursor!) else { return }
                start = hit
                while start > position, buffer[start - 1] != newline { start -= 1 }
            }
            let end = ByteSearch.firstIndex(of: newline, in: buffer, from: start) ?? n
            var content = end
            if content > start && buffer[content - 1] == 13 { content -= 1 }
            evaluate(UnsafeBufferPointer(rebasing: buffer[start..<content]), &counts, &values)
            position = end + 1
        }
    }

    func evaluate(_ line: UnsafeBufferPointer<UInt8>, _ counts: inout [Int], _ values: inout JSONValues) {
        for k in otherMembers where patterns[k].matches(line) { counts[k] += 1 }
        guard let json else { return }
        if lineLiterals == nil, let literals = jsonLiterals, literals.firstIndex(in: line, from: 0) == nil { return }
        guard let found = json.scan(line) else { return }
        values.index(found)
        for (e, k) in jsonMembers.enumerated() where JSONMatcher.evaluate(json.expressions[e], values, line) {
            counts[k] += 1
        }
    }
}
