/// A compiled `%regex%` of the subset CloudWatch Logs allows in filter patterns.
///
/// AWS allows letters, digits, the symbols `: _ # = @ / ; , -` and the operators
/// `^ $ ? [ ] { } | \ * + .`; no parentheses, no multibyte characters
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html).
/// Without groups every alternative is a flat sequence of repeated atoms, so the program is a
/// position automaton simulated over a 256-bit state set: linear time, no backtracking.
/// A character is a whole UTF-8 sequence, so `.` and negated classes consume one code point.
public final class RegexProgram: Sendable {
    /// The expression as written between the percent signs.
    public let source: String
    /// Literals of which at least one must occur for any match (one per alternative), if known.
    public let requiredLiterals: [[UInt8]]?
    let prefilter: MultiLiteralSearcher?

    let closure: [StateSet]  // closure[r]: r plus the optional positions it can skip to
    let next: [StateSet]  // next[r]: closure of r+1 (after consuming position r)
    let loopClosure: [StateSet]  // loopClosure[r]: closure[r] when position r repeats, else empty
    let acceptsASCII: [StateSet]  // acceptsASCII[c]: positions whose class contains ASCII c
    let acceptsNonASCII: StateSet  // positions whose class contains non-ASCII characters
    let acceptsNewline: StateSet
    let loopMask: StateSet
    let startFree: StateSet  // closure of the starts of alternatives without ^
    let startAnchored: StateSet  // closure of the starts of alternatives with ^
    let acceptFree: StateSet  // accept states of alternatives without $
    let acceptAnchored: StateSet  // accept states of alternatives with $

    /// The largest number of automaton states an expression may expand to.
    public static let maximumStates = 256

    /// Parses and compiles `source` (the text between `%` and `%`); `offset` is its position in the pattern.
    public init(source: [UInt8], offset: Int) throws(FilterPatternError) {
        self.source = String(decoding: source, as: UTF8.self)
        var regexParser = RegexParser(bytes: source, offset: offset)
        let alternatives = try regexParser.parse()
        var closure: [StateSet] = []
        var next: [StateSet] = []
        var loopClosure: [StateSet] = []
        var acceptsASCII = [StateSet](repeating: StateSet(), count: 128)
        var acceptsNonASCII = StateSet()
        var acceptsNewline = StateSet()
        var loopMask = StateSet()
        var startFree = StateSet()
        var startAnchored = StateSet()
        var acceptFree = StateSet()
        var acceptAnchored = StateSet()
        var literals: [[UInt8]]? = []

        // Lay out the states: one per position, plus an accept state per alternative.
        var positions: [(set: CharacterClass, optional: Bool, loops: Bool)?] = []
        var bases: [Int] = []
        for alternative in alternatives {
            bases.append(positions.count)
            for item in alternative.items {
                for _ in 0..<item.min { positions.append((item.set, false, false)) }
                if let max = item.max {
                    for _ in item.min..<max { positions.append((item.set, true, false)) }
                } else {
                    positions.append((item.set, true, true))
                }
            }
            positions.append(nil)  // accept
            if positions.count > Self.maximumStates {
                throw FilterPatternError(
                    id: "regex-too-complex", offset: offset,
                    message:
                        "regular expression '\(String(decoding: source, as: UTF8.self))' expands to more than \(Self.maximumStates) states; use smaller repetition counts"
                )
            }
            if literals != nil {
                if let literal = alternative.longestLiteral, !literal.isEmpty {
                    literals!.append(literal)
                } else {
                    literals = nil
                }
            }
        }
        let count = positions.count
        for r in 0..<count {
            var set = StateSet()
            var k = r
            set.insert(k)
            while let p = positions[k], p.optional {
                k += 1
                set.insert(k)
            }
            closure.append(set)
        }
        for r in 0..<count {
            guard let p = positions[r] else {
                next.append(StateSet())
                loopClosure.append(StateSet())
                continue
            }
            next.append(closure[r + 1])
            loopClosure.append(p.loops ? closure[r] : StateSet())
            if p.loops { loopMask.insert(r) }
            for c in 0..<128 where p.set.containsASCII(UInt8(c)) { acceptsASCII[c].insert(r) }
            if p.set.matchesNonASCII { acceptsNonASCII.insert(r) }
            if p.set.containsASCII(10) { acceptsNewline.insert(r) }
        }
        for (i, alternative) in alternatives.enumerated() {
            let start = bases[i]
            let accept = (i + 1 < bases.count ? bases[i + 1] : count) - 1
            if alternative.anchoredStart {
                startAnchored.formUnion(closure[start])
            } else {
                startFree.formUnion(closure[start])
            }
            if alternative.anchoredEnd { acceptAnchored.insert(accept) } else { acceptFree.insert(accept) }
        }
        self.closure = closure
        self.next = next
        self.loopClosure = loopClosure
        self.acceptsASCII = acceptsASCII
        self.acceptsNonASCII = acceptsNonASCII
        self.acceptsNewline = acceptsNewline
        self.loopMask = loopMask
        self.startFree = startFree
        self.startAnchored = startAnchored
        self.acceptFree = acceptFree
        self.acceptAnchored = acceptAnchored
        self.requiredLiterals = literals
        self.prefilter = literals.map(MultiLiteralSearcher.init)
    }

    /// Whether the expression matches anywhere in `text`.
    public func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        if let prefilter, !prefilter.contains(text) { return false }
        var active = startFree.union(startAnchored)
        var i = 0
        let n = text.count
        while true {
            if !active.isDisjoint(with: acceptFree) { return true }
            if i == n { return !active.isDisjoint(with: acceptAnchored) }
            let c = text[i]
            let accepting: StateSet
            if c < 0x80 {
                accepting = acceptsASCII[Int(c)]
                i += 1
            } else {
                accepting = acceptsNonASCII
                i += c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1
                if i > n { i = n }
            }
            let candidates = active.intersection(accepting)
            var after = startFree
            // swift-format-ignore: ReplaceForEachWithForLoop
            // (the set's own forEach walks its bits; it is not a Sequence)
            candidates.forEach { r in
                after.formUnion(next[r])
                if loopMask.contains(r) { after.formUnion(loopClosure[r]) }
            }
            active = after
        }
    }

    /// Whether the expression matches anywhere in `text`.
    public func matches(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { self.matches($0) }
    }
}

/// A set of automaton states, as four 64-bit words (no allocation).
struct StateSet: Sendable, Equatable {
    var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

    @inline(__always) mutating func insert(_ i: Int) {
        let bit = UInt64(1) << UInt64(i & 63)
        switch i >> 6 {
        case 0: w0 |= bit
        case 1: w1 |= bit
        case 2: w2 |= bit
        default: w3 |= bit
        }
    }
    @inline(__always) func contains(_ i: Int) -> Bool {
        let bit = UInt64(1) << UInt64(i & 63)
        switch i >> 6 {
        case 0: return w0 & bit != 0
        case 1: return w1 & bit != 0
        case 2: return w2 & bit != 0
        default: return w3 & bit != 0
        }
    }
    @inline(__always) mutating func formUnion(_ o: StateSet) {
        w0 |= o.w0
        w1 |= o.w1
        w2 |= o.w2
        w3 |= o.w3
    }
    @inline(__always) func union(_ o: StateSet) -> StateSet {
        StateSet(w0: w0 | o.w0, w1: w1 | o.w1, w2: w2 | o.w2, w3: w3 | o.w3)
    }
    @inline(__always) func intersection(_ o: StateSet) -> StateSet {
        StateSet(w0: w0 & o.w0, w1: w1 & o.w1, w2: w2 & o.w2, w3: w3 & o.w3)
    }
    @inline(__always) func isDisjoint(with o: StateSet) -> Bool {
        (w0 & o.w0) | (w1 & o.w1) | (w2 & o.w2) | (w3 & o.w3) == 0
    }
    @inline(__always) func forEach(_ body: (Int) -> Void) {
        for (k, word) in [w0, w1, w2, w3].enumerated() where word != 0 {
            var w = word
            while w != 0 {
                body(k * 64 + w.trailingZeroBitCount)
                w &= w - 1
            }
        }
    }
}

/// The characters one regex position accepts: an ASCII bitmap plus "any non-ASCII character".
struct CharacterClass: Sendable {
    var low: UInt64 = 0, high: UInt64 = 0
    var matchesNonASCII = false

    func containsASCII(_ c: UInt8) -> Bool { c < 64 ? low & (1 << UInt64(c)) != 0 : high & (1 << UInt64(c - 64)) != 0 }
    mutating func insert(_ c: UInt8) {
        if c < 64 { low |= 1 << UInt64(c) } else if c < 128 { high |= 1 << UInt64(c - 64) }
    }
    mutating func insert(_ range: ClosedRange<UInt8>) { for c in range { insert(c) } }
    mutating func formUnion(_ o: CharacterClass) {
        low |= o.low
        high |= o.high
        matchesNonASCII = matchesNonASCII || o.matchesNonASCII
    }
    func inverted() -> CharacterClass { CharacterClass(low: ~low, high: ~high, matchesNonASCII: !matchesNonASCII) }
    /// The single ASCII character of the class, if it has exactly one.
    var singleCharacter: UInt8? {
        if matchesNonASCII { return nil }
        if low.nonzeroBitCount + high.nonzeroBitCount != 1 { return nil }
        return low != 0 ? UInt8(low.trailingZeroBitCount) : UInt8(64 + high.trailingZeroBitCount)
    }

    static func single(_ c: UInt8) -> CharacterClass {
        var s = CharacterClass()
        s.insert(c)
        return s
    }
    static let digits: CharacterClass = {
        var s = CharacterClass()
        s.insert(48...57)
        return s
    }()
    static let word: CharacterClass = {
        var s = digits
        s.insert(65...90)
        s.insert(97...122)
        s.insert(95)
        return s
    }()
    static let space: CharacterClass = {
        var s = CharacterClass()
        for c: UInt8 in [9, 10, 11, 12, 13, 32] { s.insert(c) }
        return s
    }()
    static let dot: CharacterClass = single(10).inverted()
}

/// Parses the allowed regex subset into alternatives of repeated atoms.
struct RegexParser {
    struct Item {
        var set: CharacterClass
        var min: Int
        var max: Int?
    }
    struct Alternative {
        var items: [Item] = []
        var anchoredStart = false
        var anchoredEnd = false
        /// The longest run of mandatory single characters.
        var longestLiteral: [UInt8]? {
            var best: [UInt8] = []
            var run: [UInt8] = []
            for item in items {
                if let c = item.set.singleCharacter, item.min >= 1 {
                    run.append(contentsOf: repeatElement(c, count: item.min))
                    if item.max != item.min {
                        if run.count > best.count { best = run }
                        run = []
                    }
                } else {
                    if run.count > best.count { best = run }
                    run = []
                }
            }
            if run.count > best.count { best = run }
            return best
        }
    }

    let bytes: [UInt8]
    let offset: Int
    var i = 0

    init(bytes: [UInt8], offset: Int) {
        self.bytes = bytes
        self.offset = offset
    }

    static let symbols: Set<UInt8> = Set(":_#=@/;,-".utf8)
    static let operators: Set<UInt8> = Set("^$?[]{}|\\*+.".utf8)

    func error(_ id: String, _ at: Int, _ message: String) -> FilterPatternError {
        FilterPatternError(id: id, offset: offset + at, message: message)
    }

    func checkCharacters() throws(FilterPatternError) {
        if bytes.isEmpty { throw error("empty-regex", 0, "empty regular expression '%%'") }
        var k = 0
        while k < bytes.count {
            let c = bytes[k]
            if c >= 0x80 {
                throw error("regex-multibyte", k, "multibyte characters are not supported in regular expressions")
            }
            if c == UInt8(ascii: "\\") {
                guard k + 1 < bytes.count else {
                    throw error("regex-trailing-escape", k, "'\\' at the end of a regular expression escapes nothing")
                }
                let e = bytes[k + 1]
                guard e >= 0x21 && e < 0x7F else {
                    throw error("regex-bad-escape", k + 1, "'\\' must be followed by a printable ascii character")
                }
                k += 2
                continue
            }
            let isAlnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
            if !isAlnum && !Self.symbols.contains(c) && !Self.operators.contains(c) {
                let shown = String(UnicodeScalar(c))
                if c == UInt8(ascii: "(") || c == UInt8(ascii: ")") {
                    throw error(
                        "regex-parentheses", k,
                        "'\(shown)' is not supported in regular expressions: cloudwatch logs does not allow subpatterns"
                    )
                }
                if c == 32 {
                    throw error(
                        "regex-unsupported-character", k,
                        "' ' (space) is not supported in regular expressions; use '\\s'")
                }
                throw error("regex-unsupported-character", k, "'\(shown)' is not supported in regular expressions")
            }
            k += 1
        }
    }

    mutating func parse() throws(FilterPatternError) -> [Alternative] {
        try checkCharacters()
        var alternatives: [Alternative] = []
        var current = Alternative()
        var atStart = true
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "|"):
                alternatives.append(current)
                current = Alternative()
                atStart = true
                i += 1
                continue
            case UInt8(ascii: "^"):
                guard atStart && current.items.isEmpty else {
                    throw error("regex-misplaced-anchor", i, "'^' is only allowed at the start of an alternative")
                }
                current.anchoredStart = true
                i += 1
                continue
            case UInt8(ascii: "$"):
                guard i + 1 == bytes.count || bytes[i + 1] == UInt8(ascii: "|") else {
                    throw error("regex-misplaced-anchor", i, "'$' is only allowed at the end of an alternative")
                }
                current.anchoredEnd = true
                i += 1
                continue
            case UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "{"):
                throw error("regex-nothing-to-repeat", i, "'\(String(UnicodeScalar(c)))' has nothing to repeat")
            default:
                break
            }
            atStart = false
            let set = try parseAtom()
            var item = Item(set: set, min: 1, max: 1)
            if i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "?"):
                    item.min = 0
                    item.max = 1
                    i += 1
                case UInt8(ascii: "*"):
                    item.min = 0
                    item.max = nil
                    i += 1
                case UInt8(ascii: "+"):
                    item.min = 1
                    item.max = nil
                    i += 1
                case UInt8(ascii: "{"): (item.min, item.max) = try parseBraces()
                default: break
                }
            }
            if i < bytes.count,
                [UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "{")].contains(bytes[i])
            {
                throw error(
                    "regex-nested-quantifier", i, "'\(String(UnicodeScalar(bytes[i])))' cannot repeat a repetition")
            }
            current.items.append(item)
        }
        alternatives.append(current)
        for alternative in alternatives
        where alternative.items.isEmpty && !alternative.anchoredStart && !alternative.anchoredEnd {
            throw error(
                "regex-empty-alternative", 0,
                "regular expression '\(String(decoding: bytes, as: UTF8.self))' has an empty alternative")
        }
        return alternatives
    }

    mutating func parseBraces() throws(FilterPatternError) -> (Int, Int?) {
        let open = i
        i += 1
        func number(_ p: inout RegexParser) -> Int? {
            var value = 0
            var digits = 0
            while p.i < p.bytes.count, p.bytes[p.i] >= 48, p.bytes[p.i] <= 57, digits < 6 {
                value = value * 10 + Int(p.bytes[p.i] - 48)
                p.i += 1
                digits += 1
            }
            return digits > 0 ? value : nil
        }
        guard let low = number(&self) else { throw error("regex-bad-repetition", open, "expected a number after '{'") }
        var high: Int? = low
        if i < bytes.count && bytes[i] == UInt8(ascii: ",") {
            i += 1
            high = number(&self)
        }
        guard i < bytes.count && bytes[i] == UInt8(ascii: "}") else {
            throw error("regex-bad-repetition", open, "expected '}' to close the repetition started here")
        }
        i += 1
        if let h = high, h < low {
            throw error("regex-bad-repetition", open, "repetition '{\(low),\(h)}' has a maximum below its minimum")
        }
        return (low, high)
    }

    mutating func parseAtom() throws(FilterPatternError) -> CharacterClass {
        let c = bytes[i]
        switch c {
        case UInt8(ascii: "."):
            i += 1
            return .dot
        case UInt8(ascii: "["):
            return try parseClass()
        case UInt8(ascii: "]"), UInt8(ascii: "}"):
            throw error("regex-unbalanced", i, "'\(String(UnicodeScalar(c)))' without a matching opening bracket")
        case UInt8(ascii: "\\"):
            i += 2
            return escapeClass(bytes[i - 1])
        default:
            i += 1
            return .single(c)
        }
    }

    func escapeClass(_ e: UInt8) -> CharacterClass {
        switch e {
        case UInt8(ascii: "d"): return .digits
        case UInt8(ascii: "D"): return CharacterClass.digits.inverted()
        case UInt8(ascii: "w"): return .word
        case UInt8(ascii: "W"): return CharacterClass.word.inverted()
        case UInt8(ascii: "s"): return .space
        case UInt8(ascii: "S"): return CharacterClass.space.inverted()
        case UInt8(ascii: "t"): return .single(9)
        case UInt8(ascii: "n"): return .single(10)
        case UInt8(ascii: "r"): return .single(13)
        default: return .single(e)
        }
    }

    mutating func parseClass() throws(FilterPatternError) -> CharacterClass {
        let open = i
        i += 1
        var negated = false
        if i < bytes.count && bytes[i] == UInt8(ascii: "^") {
            negated = true
            i += 1
        }
        var set = CharacterClass()
        var first = true
        while true {
            guard i < bytes.count else { throw error("regex-unbalanced", open, "'[' without a matching ']'") }
            var c = bytes[i]
            if c == UInt8(ascii: "]") && !first {
                i += 1
                break
            }
            first = false
            if c == UInt8(ascii: "\\") {
                let e = bytes[i + 1]
                i += 2
                let escaped = escapeClass(e)
                if let single = escaped.singleCharacter {
                    c = single
                } else {
                    set.formUnion(escaped)
                    continue
                }
            } else {
                i += 1
            }
            if i + 1 < bytes.count && bytes[i] == UInt8(ascii: "-") && bytes[i + 1] != UInt8(ascii: "]") {
                var high = bytes[i + 1]
                i += 2
                if high == UInt8(ascii: "\\") {
                    high = bytes[i]
                    i += 1
                }
                guard high >= c else {
                    throw error(
                        "regex-bad-range", i - 3,
                        "range '\(String(UnicodeScalar(c)))-\(String(UnicodeScalar(high)))' is out of order")
                }
                set.insert(c...high)
            } else {
                set.insert(c)
            }
        }
        return negated ? set.inverted() : set
    }
}
