import Testing
import VigilBench
import VigilPatterns

/// The unstructured-term examples of AWS's "Filter and pattern syntax" page, with their documented results.
struct UnstructuredTermTests {
    static let orMessages = ["ERROR WARN message", "ERROR message", "WARN message"]

    @Test(
        "OR pattern matching examples",
        arguments: [
            ("ERROR", [1, 2]),
            ("?ERROR ?WARN", [1, 2, 3]),
            ("ERROR WARN", [1]),
            ("ERROR -WARN", [2]),
        ])
    func orPatternMatching(pattern: String, expected: [Int]) throws {
        #expect(try matching(pattern, Self.orMessages) == expected)
    }

    @Test("the empty pattern and \"\" match every event", arguments: ["", "\"\"", "   "])
    func matchEverything(pattern: String) throws {
        #expect(try matching(pattern, ["anything", "[ERROR] x", "{\"a\":1}"]) == [1, 2, 3])
    }

    @Test("a single term matches messages containing it, also inside a longer word")
    func singleTerm() throws {
        let messages = ["[ERROR] A fatal exception has occurred", "Exiting with ERRORCODE: -1", "all good"]
        #expect(try matching("ERROR", messages) == [1, 2])
        #expect(try matching("\"ERROR\"", messages) == [1, 2])
    }

    @Test("including one term and excluding another: \"ERROR\" - \"Exiting\"")
    func includeExclude() throws {
        let messages = ["[ERROR] A fatal exception has occurred", "Exiting with ERRORCODE: -1"]
        #expect(try matching("\"ERROR\" - \"Exiting\"", messages) == [1])
        #expect(try matching("ERROR -Exiting", messages) == [1])
    }

    @Test("several terms must all appear")
    func multipleTerms() throws {
        let messages = [
            "[ERROR] Caught IllegalArgumentException", "[ERROR] Unhandled Exception", "[ERROR] nothing",
            "Exception only",
        ]
        #expect(try matching("ERROR Exception", messages) == [1, 2])
        let requests = [
            "[WARN] Failed to process the request", "[ERROR] Unable to continue: Failed to process the request",
            "[WARN] Failed to process",
        ]
        #expect(try matching("Failed to process the request", requests) == [1, 2])
        #expect(try matching("\"Failed to process the request\"", requests) == [1, 2])
    }

    @Test("current guide examples: ERROR, ERROR ARGUMENTS, quoted phrase")
    func currentGuideExamples() throws {
        let messages = [
            "[ERROR 400] BAD REQUEST", "[ERROR 401] UNAUTHORIZED REQUEST", "[ERROR 419] MISSING ARGUMENTS",
            "[ERROR 420] INVALID ARGUMENTS",
        ]
        #expect(try matching("ERROR", messages) == [1, 2, 3, 4])
        #expect(try matching("ERROR ARGUMENTS", messages) == [3, 4])
        #expect(try matching("\"INVALID ARGUMENTS\"", messages) == [4])
        #expect(try matching("?BAD ?MISSING", messages) == [1, 3])
    }

    @Test("terms are case sensitive")
    func caseSensitive() throws {
        #expect(try matching("error", ["ERROR", "error", "Error"]) == [2])
    }

    @Test("a ? starts a new AND group, as CDK's anyTermGroup writes it")
    func termGroups() throws {
        let messages = ["ERROR in MainThread", "WARN Deadlock found", "ERROR only", "WARN only", "MainThread Deadlock"]
        #expect(try matching("?\"ERROR\" \"MainThread\" ?\"WARN\" \"Deadlock\"", messages) == [1, 2])
    }

    @Test("quoted terms keep spaces and punctuation and honour \\\" escapes")
    func quotedTerms() throws {
        #expect(
            try matching(
                "\"user@example.com logged in\"", ["user@example.com logged in", "user@example.com  logged in"]) == [1])
        #expect(try matching("\"say \\\"hi\\\"\"", ["they say \"hi\" here", "say hi"]) == [1])
    }

    @Test("messages are matched byte-exact, including multibyte UTF-8")
    func multibyte() throws {
        #expect(
            try matching(
                "\"prüfung fehlgeschlagen\"", ["Die Prüfung: prüfung fehlgeschlagen ✓", "prufung fehlgeschlagen"]) == [
                    1
                ])
    }

    @Test("property: a quoted term matches exactly when the message contains it")
    func quotedTermProperty() throws {
        var rng = SplitMix64(seed: 42)
        let alphabet = Array("ab c-\"\\é".unicodeScalars)
        func randomString(_ maxLength: Int) -> String {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...maxLength, using: &rng) { s.append(alphabet.randomElement(using: &rng)!) }
            return String(s)
        }
        for _ in 0..<2000 {
            let term = randomString(4)
            guard !term.isEmpty else { continue }
            let message = randomString(16)
            let escaped = term.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"")
            let pattern = try FilterPattern("\"" + escaped + "\"")
            let expected =
                message.utf8.count >= term.utf8.count && Array(message.utf8).containsSubsequence(Array(term.utf8))
            #expect(pattern.matches(message) == expected, "pattern \(pattern.text) on \(message)")
        }
    }
}

extension String {
    func replacingAll(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        guard count >= needle.count else { return false }
        for i in 0...(count - needle.count) where Array(self[i..<i + needle.count]) == needle { return true }
        return false
    }
}
