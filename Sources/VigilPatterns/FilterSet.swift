/// Many compiled filters evaluated together over one stream, sharing the work between them.
///
/// One literal searcher holds the required literals of every filter. When every filter has
/// some, it selects the candidate lines; on each candidate line one pass marks which literals occur,
/// and only filters with an occurring literal are evaluated (a filter whose literal alone decides is
/// counted without a second search). Every JSON event is scanned once for all JSON filters that remain,
/// and a ``JSONEqualityIndex`` picks the JSON filters that the event's values can satisfy; when it has
/// keys and every filter is JSON, lines are not marked at all (the index prunes more, for less).
public final class FilterSet: Sendable {
    /// The filters, in the order their counts are reported.
    public let patterns: [FilterPattern]
    let literals: MultiLiteralSearcher
    /// For each filter, the indexes (in `literals`) of its required literals; nil when it has none.
    let needs: [[Int]?]
    let selectsLines: Bool
    let json: JSONBinding?
    let jsonMembers: [Int]
    let otherMembers: [Int]
    let equalityIndex: JSONEqualityIndex
    /// Whether evaluation first marks which literals a line holds.
    let marksLiterals: Bool

    /// Groups `patterns`.
    public init(_ patterns: [FilterPattern]) {
        self.patterns = patterns
        let searcher = MultiLiteralSearcher(patterns.flatMap { $0.requiredLiterals ?? [] })
        literals = searcher
        needs = patterns.map { p in p.requiredLiterals.map { $0.compactMap { searcher.indexOf[$0] } } }
        selectsLines = !patterns.isEmpty && patterns.allSatisfy { $0.requiredLiterals != nil }
        var expressions: [ConditionExpression<JSONCondition>] = []
        var members: [Int] = []
        for (k, p) in patterns.enumerated() {
            guard case .json(let e) = p.syntax else { continue }
            expressions.append(e)
            members.append(k)
        }
        json = expressions.isEmpty ? nil : JSONBinding(expressions: expressions)
        jsonMembers = members
        otherMembers = patterns.indices.filter { !members.contains($0) }
        equalityIndex = JSONEqualityIndex(json?.expressions ?? [])
        marksLiterals = !otherMembers.isEmpty || !equalityIndex.isUseful
    }

    /// Adds to `counts[k]` the number of lines of `buffer` (whole lines) that filter `k` matches.
    public func countMatches(in buffer: UnsafeBufferPointer<UInt8>, into counts: inout [Int]) {
        var counter = Counter(self)
        countMatches(in: buffer, counter: &counter)
        for k in counts.indices { counts[k] += counter.counts[k] }
    }

    /// The matches of every filter over a stream read buffer after buffer, and what the set learnt of
    /// the stream so far (whether its prefilter pays).
    public struct Counter {
        /// Per filter, the lines it matched.
        public internal(set) var counts: [Int]
        var scratch: Scratch
        var density: LineScanner.Density? = LineScanner.Density()

        /// An empty count for `set`.
        public init(_ set: FilterSet) {
            counts = [Int](repeating: 0, count: set.patterns.count)
            scratch = Scratch(set)
        }
    }

    /// Counts the lines of `buffer` (whole lines, the stream's next) that each filter matches.
    public func countMatches(in buffer: UnsafeBufferPointer<UInt8>, counter: inout Counter) {
        let prefilter = selectsLines ? literals : nil
        if let json, otherMembers.isEmpty, !marksLiterals {
            // Only JSON filters and nothing to mark: each line is scanned in place, which finds its end.
            json.forEachObjectLine(
                in: buffer, prefilter: prefilter, density: &counter.density, values: &counter.scratch.values
            ) { values, line in
                evaluateJSON(values, UnsafeBufferPointer(rebasing: buffer[line.lowerBound...]), &counter.scratch.state)
                { counter.counts[$0] += 1 }
            }
            return
        }
        LineScanner.forEachCandidateLine(in: buffer, prefilter: prefilter, density: &counter.density) { range in
            evaluate(UnsafeBufferPointer(rebasing: buffer[range]), &counter.scratch) { counter.counts[$0] += 1 }
        }
    }

    /// Calls `body` with the index of every filter that matches `message` (one whole log event, which
    /// may hold newlines), in increasing order for non-JSON filters, then JSON ones.
    @inline(__always)
    public func forEachMatch(_ message: UnsafeBufferPointer<UInt8>, _ scratch: inout Scratch, _ body: (Int) -> Void) {
        if selectsLines && !marksLiterals {
            // The line scanner's prefilter, for a single event: no required literal, no match.
            guard literals.contains(message) else { return }
        }
        evaluate(message, &scratch, body)
    }

    /// Scratch space for evaluating events one after another (reused to avoid allocating per event).
    public struct Scratch {
        var values: JSONValues
        var state: State
        /// The fields of the current event, split once for every space-delimited filter.
        var delimited = DelimitedMatcher.Scratch()

        /// Scratch space for `set`.
        public init(_ set: FilterSet) {
            values = JSONValues(slotCount: set.json?.trie.slotCount ?? 0)
            values.memo = set.json.map { JSONKeyMemo(for: $0.table) }
            state = State(
                marks: [Bool](repeating: false, count: set.literals.literals.count),
                candidates: .init(set.equalityIndex))
        }
    }

    /// Per-buffer scratch space, reused line after line.
    struct State {
        var marks: [Bool]
        var candidates: JSONEqualityIndex.Candidates
    }

    @inline(__always)
    func evaluate(_ line: UnsafeBufferPointer<UInt8>, _ scratch: inout Scratch, _ matched: (Int) -> Void) {
        if marksLiterals {
            for k in scratch.state.marks.indices { scratch.state.marks[k] = false }
            literals.markOccurrences(in: line, &scratch.state.marks)
        }
        let marks = scratch.state.marks
        func passes(_ k: Int) -> Bool {
            guard marksLiterals, let need = needs[k] else { return true }
            for i in need where marks[i] { return true }
            return false
        }
        var split = false
        for k in otherMembers where passes(k) {
            if let delimited = patterns[k].delimited {
                if !split {
                    DelimitedMatcher.fields(line, into: &scratch.delimited.fields)
                    split = true
                }
                if delimited.matchesFields(line, &scratch.delimited) { matched(k) }
            } else if patterns[k].prefilterDecides || patterns[k].check(line) {
                matched(k)
            }
        }
        guard let json, jsonMembers.contains(where: passes), json.scan(line, into: &scratch.values) else { return }
        evaluateJSON(scratch.values, line, &scratch.state, passes: passes, matched)
    }

    /// Reports the JSON filters that hold for the scanned `values` of `message` (and pass `passes`).
    @inline(__always)
    func evaluateJSON(
        _ values: JSONValues, _ message: UnsafeBufferPointer<UInt8>, _ state: inout State,
        passes: (Int) -> Bool = { _ in true }, _ matched: (Int) -> Void
    ) {
        guard let json else { return }
        equalityIndex.forEachCandidate(values, message, &state.candidates) { e in
            let k = jsonMembers[e]
            if passes(k) && (equalityIndex.keyDecides[e] || json.program.evaluate(e, values, message)) { matched(k) }
        }
    }
}
