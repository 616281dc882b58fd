import Testing
import VigilBench
import VigilPatterns

/// AWS's supported regular-expression subset and its documented examples.
struct RegexTests {
    @Test(
        "documented regex examples",
        arguments: [
            (
                "%AUTHORIZED%",
                ["[ERROR 401] UNAUTHORIZED REQUEST", "[SUCCESS 200] AUTHORIZED REQUEST", "[SUCCESS 200] OK"], [1, 2]
            ),
            (#"%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%"#, ["from 10.0.0.12 port 22", "from host.example port 22"], [1]),
            ("%[Ee]rror|[Ff]ail%", ["Error here", "error here", "it will fail", "Failed", "fine"], [1, 2, 3, 4]),
            ("%^[hc]at%", ["hat trick", "cat", "that"], [1, 2]),
            ("%[hc]at$%", ["a hat", "the cat", "cats"], [1, 2]),
            ("%colou?r%", ["color", "colour", "colr"], [1, 2]),
            ("%[abc]%", ["xax", "xyz"], [1]),
            ("%[a-z]%", ["ABC", "ABc"], [2]),
            ("%[abcx-z]%", ["y", "d"], [1]),
            ("%a{3,5}%", ["aa", "aaa", "xaaaaax"], [2, 3]),
            (#"%10\.10\.0\.1%"#, ["10.10.0.1", "10a10b0c1"], [1]),
            ("%ab*c%", ["ac", "abbbc", "adc"], [1, 2]),
            ("%ab+c%", ["ac", "abbbc"], [2]),
            ("%gr.y%", ["grey", "gray", "gry"], [1, 2]),
            (#"%\s\d+ms%"#, ["took 35ms", "took35ms"], [1]),
            (#"%^\w+:%"#, ["key: value", " key: value"], [1]),
            ("%[^0-9]%", ["123", "12a"], [2]),
        ])
    func documentedExamples(pattern: String, messages: [String], expected: [Int]) throws {
        #expect(try matching(pattern, messages) == expected)
    }

    @Test(
        "characters outside AWS's list are rejected with their position",
        arguments: [
            ("%something!%", 10, "'!' is not supported"),
            ("%(a|b)%", 1, "'(' is not supported in regular expressions"),
            ("%a b%", 2, "(space) is not supported"),
            ("%é%", 1, "multibyte characters are not supported"),
            ("%a**%", 3, "cannot repeat a repetition"),
            ("%*a%", 1, "has nothing to repeat"),
            ("%[abc%", 1, "'[' without a matching ']'"),
            ("%a{5,2}%", 2, "maximum below its minimum"),
            ("%%", 1, "empty regular expression"),
        ])
    func rejected(pattern: String, offset: Int, message: String) {
        #expect {
            _ = try FilterPattern(pattern)
        } throws: { error in
            guard let e = error as? FilterPatternError else { return false }
            return e.offset == offset && e.message.contains(message)
        }
    }

    @Test("a dot consumes a whole multibyte character")
    func dotOnMultibyte() throws {
        #expect(try matching("%^a.b$%", ["aéb", "a€b", "ab", "aéeb"]) == [1, 2])
    }

    @Test("property: agrees with Swift's Regex on random expressions of the subset")
    func agreesWithSwiftRegex() throws {
        var rng = SplitMix64(seed: 7)
        let atoms = ["a", "b", "c", ".", "[ab]", "[^a]", "\\d", "1"]
        let quantifiers = ["", "", "", "?", "*", "+", "{2}", "{1,2}", "{0,3}"]
        let alphabet = Array("abc1 ")
        for _ in 0..<400 {
            var alternatives: [String] = []
            for _ in 0..<Int.random(in: 1...2, using: &rng) {
                var s = Bool.random(using: &rng) && Int.random(in: 0..<4, using: &rng) == 0 ? "^" : ""
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    s += atoms.randomElement(using: &rng)! + quantifiers.randomElement(using: &rng)!
                }
                if Int.random(in: 0..<4, using: &rng) == 0 { s += "$" }
                alternatives.append(s)
            }
            let source = alternatives.joined(separator: "|")
            let ours = try FilterPattern("%" + source + "%")
            let reference = try Regex(source)
            for _ in 0..<20 {
                let text = String(
                    (0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
                let expected = text.contains(reference)
                #expect(ours.matches(text) == expected, "%\(source)% on '\(text)'")
            }
        }
    }

    @Test("no more than two regular expressions in one pattern")
    func regexQuota() throws {
        _ = try FilterPattern("{ $.a = %x% || $.b = %y% }")
        #expect(throws: FilterPatternError.self) { try FilterPattern("{ $.a = %x% || $.b = %y% || $.c = %z% }") }
    }
}
