import Testing
import VigilBench
import VigilPatterns

/// A FilterSet counts exactly what each of its filters counts alone.
struct FilterSetTests {
    /// What the set counts over `lines` (one buffer, newline-terminated), and what each filter matches
    /// alone, event by event.
    func sharedAndAlone(_ patterns: [FilterPattern], _ lines: [String]) -> (shared: [Int], alone: [Int]) {
        var counts = [Int](repeating: 0, count: patterns.count)
        let buffer = Array((lines.joined(separator: "\n") + "\n").utf8)
        buffer.withUnsafeBufferPointer { FilterSet(patterns).countMatches(in: $0, into: &counts) }
        return (counts, patterns.map { p in lines.filter { p.matches($0) }.count })
    }

    @Test("counts agree with filters evaluated one by one")
    func agreesWithSingleFilters() throws {
        var rng = SplitMix64(seed: 5)
        let names = [
            "ConsoleLogin", "CreateNetworkAcl", "DeleteTrail", "StopLogging", "PutBucketPolicy", "RunInstances",
        ]
        let lines = (0..<3000).map { i -> String in
            let name = names.randomElement(using: &rng)!
            switch i % 4 {
            case 0:
                return
                    #"{"eventName":"\#(name)","errorCode":"\#(Bool.random(using: &rng) ? "AccessDenied" : "None")","n":\#(i % 9)}"#
            case 1: return #"{"eventName":"Console\u004cogin","n":\#(i % 3)}"#
            case 2: return "ERROR \(name) failed after \(i)ms"
            default: return "INFO \(name) ok"
            }
        }
        let patterns = try [
            "{ $.eventName = ConsoleLogin }", "{ $.eventName = CreateNetworkAcl || $.eventName = DeleteTrail }",
            "{ $.errorCode = AccessDenied* }", "{ $.n > 5 }", "ERROR", "?StopLogging ?RunInstances",
            "%failed\\safter\\s1\\d+ms%",
            "[level, name = Put*, ...]", "[level = ERROR, name, w3 = failed, ...]", "[..., last = ok]",
        ].map { try FilterPattern($0) }
        let (counts, expected) = sharedAndAlone(patterns, lines)
        #expect(counts == expected)
        #expect(expected.allSatisfy { $0 > 0 })
    }

    @Test("all filters with literals: lines are selected by one multi-literal pass, same counts")
    func literalOnlySet() throws {
        let patterns = try ["{ $.eventName = DeleteTrail }", "alpha", "\"beta gamma\"", "{ $.x = \"a/b\" }"].map {
            try FilterPattern($0)
        }
        let lines = [
            #"{"eventName":"DeleteTrail"}"#, "alpha beta gamma", #"{"x":"a\/b"}"#, "nothing", "xalphax",
            #"{"eventName":"Delete\u0054rail"}"#,
        ]
        var counts = [0, 0, 0, 0]
        let buffer = Array((lines.joined(separator: "\n") + "\n").utf8)
        buffer.withUnsafeBufferPointer { FilterSet(patterns).countMatches(in: $0, into: &counts) }
        #expect(counts == [2, 2, 1, 1])
    }

    @Test("JSON-only sets pick filters by exact values and still count what each filter counts alone")
    func equalityIndexAgrees() throws {
        var rng = SplitMix64(seed: 11)
        let names = ["ConsoleLogin", "DeleteTrail", "StopLogging", "PutBucketPolicy", "RunInstances", "true", "42"]
        let lines = (0..<4000).map { i -> String in
            let name = names.randomElement(using: &rng)!
            let other = names.randomElement(using: &rng)!
            switch i % 5 {
            case 0:
                return #"{"eventName":"\#(name)","user":{"type":"\#(Bool.random(using: &rng) ? "Root" : "IAMUser")"}}"#
            case 1: return #"{"eventName":"StopLogging","tags":["\#(name)","\#(name)","\#(other)"]}"#
            case 2: return #"{"eventName":\#(name == "42" ? "42" : "true"),"tags":[{"k":1},null,"\#(other)"]}"#
            case 3: return i % 500 == 3 ? "not json \(name)" : #"{"eventName":"\#(name)x","n":\#(i % 7)}"#
            default: return #"{"eventName":"\#(name)","tags":"\#(other)"}"#
            }
        }
        let patterns = try [
            "{ $.eventName = ConsoleLogin }", "{ $.eventName = StopLogging }",
            "{ ($.eventName = DeleteTrail || $.eventName = RunInstances) && $.user.type = Root }",
            "{ $.eventName = PutBucketPolicy || $.user.type = Root }", "{ $.tags[*] = DeleteTrail }",
            "{ $.tags[*] = \"ConsoleLogin\" && $.eventName != ConsoleLogin }", "{ $.eventName = true }",
            "{ $.eventName = 42 }", "{ $.eventName = \"42\" }", "{ $.eventName = Run* }", "{ $.n >= 4 }",
            "{ $.tags = StopLogging }", "{ $.eventName = \"\" }",
        ].map { try FilterPattern($0) }
        let (counts, expected) = sharedAndAlone(patterns, lines)
        #expect(counts == expected)
        #expect(expected.dropLast().allSatisfy { $0 > 0 })
    }
    @Test("JSON-only sets find each line's end in the scan: broken, split, CRLF and unterminated lines count as alone")
    func jsonLinesEndWhereTheScanSays() throws {
        let kinds = [
            #"{"eventName":"StopLogging"}"#, #"{"eventName":"StopLogging"} trailing"#, #"{"eventName":"#,
            #""StopLogging"}"#, "  {\"eventName\" : \"StopLogging\" }  \r", "{\"eventName\":\"Stop\tLogging\"}",
            #"{"eventName":"StopLogging""#, #"{"a":""#, #"{"eventName":"StopLogging","x":[1,2"#, "",
            #"{"eventName":"ConsoleLogin","n":12"#, #"{"eventName":"StopLogging"}{"x":1}"#,
            #"{"eventName":"ConsoleLogin","n":1}"#,
            #"{"eventName":"Stop\"#, "\r", #"{"eventName":"ConsoleLogin"}"#,
        ]
        var rng = SplitMix64(seed: 3)
        var lines = (0..<600).map { _ in kinds.randomElement(using: &rng)! }
        for last in [#"{"eventName":"ConsoleLogin"}"#, #"{"eventName":"ConsoleLogin""#] {
            lines[lines.count - 1] = last  // the buffer's last line has no newline
            for texts in [
                ["{ $.eventName = StopLogging }", "{ $.eventName = ConsoleLogin }"],
                ["{ $.eventName = StopLogging }", "{ $.eventName = ConsoleLogin }", "{ $.n NOT EXISTS }"],
            ] {
                let patterns = try texts.map { try FilterPattern($0) }
                var counts = [Int](repeating: 0, count: patterns.count)
                let buffer = Array(lines.joined(separator: "\n").utf8)
                buffer.withUnsafeBufferPointer { FilterSet(patterns).countMatches(in: $0, into: &counts) }
                let expected = patterns.map { p in
                    lines.filter { p.matches($0.hasSuffix("\r") ? String($0.dropLast()) : $0) }.count
                }
                #expect(counts == expected, "\(texts), last line \(last)")
                #expect(expected.allSatisfy { $0 > 0 })
            }
        }
    }
    @Test("remembered keys never change a result: reordered, spaced, escaped, long, prefix and broken keys")
    func rememberedKeysAgree() throws {
        var rng = SplitMix64(seed: 77)
        let long = String(repeating: "k", count: 40)
        let keys = ["a", "ab", "abc", "type", "types", long, #"\u0061b"#, "user", "n"]
        func object(_ depth: Int) -> String {
            var members: [String] = []
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                let key = keys.randomElement(using: &rng)!
                let colon = [":", " :", ": ", ":"].randomElement(using: &rng)!
                let value: String
                switch Int.random(in: 0..<5, using: &rng) {
                case 0 where depth < 2: value = object(depth + 1)
                case 1:
                    value = ["\(Int.random(in: 0..<9, using: &rng))", "12", "120", "12.5", "1e2", "true", "truex"]
                        .randomElement(using: &rng)!
                case 2: value = "[\"Root\", \"x\"]"
                default: value = "\"" + ["Root", "IAMUser", "x", "ab"].randomElement(using: &rng)! + "\""
                }
                members.append("\"\(key)\"\(colon)\(value)")
            }
            return "{" + members.joined(separator: ",") + "}"
        }
        // Runs of identical key orders (what the memo learns), broken by variations and truncations.
        var lines: [String] = []
        var template = object(0)
        for k in 0..<4000 {
            if k % 37 == 0 { template = object(0) }
            var line = k % 5 == 0 ? object(0) : template
            if k % 11 == 0, line.count > 2 { line = String(line.prefix(Int.random(in: 1..<line.count, using: &rng))) }
            lines.append(line)
        }
        let patterns = try [
            "{ $.a = Root }", "{ $.ab = 3 }", "{ $.abc.type = Root || $.abc.types = x }", "{ $.user.ab = IAMUser }",
            "{ $.\(long) = ab }", "{ $.types[0] = Root }", "{ $.n NOT EXISTS }", "{ $.n > 4 || $.user.n > 4 }",
        ].map { try FilterPattern($0) }
        let (counts, expected) = sharedAndAlone(patterns, lines)
        #expect(counts == expected)
        #expect(expected.allSatisfy { $0 > 0 }, "\(expected)")
        // One pattern at a time, through `vigil match`'s path, which remembers keys too.
        let buffer = Array((lines.joined(separator: "\n") + "\n").utf8)
        for p in patterns {
            var found = 0
            buffer.withUnsafeBufferPointer { p.forEachMatchingLine(in: $0) { _ in found += 1 } }
            #expect(found == lines.filter { p.matches($0) }.count, "\(p.text)")
        }
    }
}
