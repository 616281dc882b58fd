import Testing
import VigilBench

@testable import VigilPatterns

/// The shared literal searcher finds the earliest occurrence and every occurring literal.
struct MultiLiteralSearcherTests {
    @Test("the earliest start wins even when a longer literal ends after a shorter literal's hit")
    func earliestStart() {
        // Six literals, so the long ones are hashed; "\" is searched directly and hits at 3,
        // inside "Con\soleLogin", which starts at 0 and ends at 12.
        let searcher = MultiLiteralSearcher([
            Array(#"Con\soleLogin"#.utf8), [UInt8(ascii: "\\")],
            Array("alphabet".utf8), Array("omegapoint".utf8), Array("zetafunct".utf8), Array("theta".utf8),
        ])
        let text = Array(#"Con\soleLogin tail"#.utf8)
        #expect(text.withUnsafeBufferPointer { searcher.firstIndex(in: $0, from: 0) } == 0)
    }

    @Test("markOccurrences marks exactly the literals that occur", arguments: [2, 8])
    func marks(count: Int) {
        let words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"].prefix(count).map {
            Array($0.utf8)
        }
        let searcher = MultiLiteralSearcher(words)
        let text = Array("xx gamma yy zeta".utf8)
        var marks = [Bool](repeating: false, count: searcher.literals.count)
        text.withUnsafeBufferPointer { searcher.markOccurrences(in: $0, &marks) }
        let found = Set(
            searcher.literals.indices.filter { marks[$0] }.map {
                String(decoding: searcher.literals[$0], as: UTF8.self)
            })
        let expected: Set<String> = count == 2 ? [] : ["gamma", "zeta", "eta"]
        #expect(found == expected)
    }

    /// The earliest start of any literal at or after `from`, by brute force.
    static func naiveFirst(_ literals: [[UInt8]], _ text: [UInt8], from: Int) -> Int? {
        var i = from
        while i < text.count {
            if literals.contains(where: { l in i + l.count <= text.count && Array(text[i..<(i + l.count)]) == l }) {
                return i
            }
            i += 1
        }
        return nil
    }

    @Test(
        "finds what brute force finds, for random literal sets that share prefixes and windows",
        arguments: [1, 2, 3, 4])
    func agreesWithBruteForce(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let alphabet = Array("ab c9".utf8)
        for _ in 0..<40 {
            let prefix = Array("customer ".utf8).prefix(Int.random(in: 0...9, using: &rng))
            let literals = (0..<Int.random(in: 5...30, using: &rng)).map { _ in
                Array(prefix)
                    + (0..<Int.random(in: 1...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            }
            let searcher = MultiLiteralSearcher(literals)
            var text: [UInt8] = []
            while text.count < 400 {
                if Int.random(in: 0..<4, using: &rng) == 0 {
                    text += literals.randomElement(using: &rng)!
                } else {
                    text +=
                        Array("customer ".utf8).prefix(Int.random(in: 0...9, using: &rng)) + [
                            alphabet.randomElement(using: &rng)!
                        ]
                }
            }
            // The oracle works from the literals as given, not from the searcher's own list, so a
            // literal the searcher dropped or altered shows.
            #expect(Set(searcher.literals) == Set(literals))
            text.withUnsafeBufferPointer { buffer in
                for from in Swift.stride(from: 0, to: text.count, by: 7) {
                    #expect(searcher.firstIndex(in: buffer, from: from) == Self.naiveFirst(literals, text, from: from))
                }
                var marks = [Bool](repeating: false, count: searcher.literals.count)
                searcher.markOccurrences(in: buffer, &marks)
                let marked = Set(searcher.literals.indices.filter { marks[$0] }.map { searcher.literals[$0] })
                #expect(marked == Set(literals.filter { Self.naiveFirst([$0], text, from: 0) != nil }))
            }
        }
    }

    @Test("literals sharing a long prefix are probed at a stride, on windows past the prefix")
    func strideSkipsSharedPrefix() {
        let searcher = MultiLiteralSearcher((0..<100).map { Array("customer \($0 * 97) in".utf8) })
        #expect(searcher.stride == 4)
        #expect(searcher.buckets.values.allSatisfy { $0.count <= 13 })
    }
}
