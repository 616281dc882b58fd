import Testing
@testable import VigilPatterns

/// The shared literal searcher finds the earliest occurrence and every occurring literal.
struct MultiLiteralSearcherTests {
    @Test("the earliest start wins even when a longer literal ends after a shorter literal's hit")
    func earliestStart() {
        // Six literals, so the long ones are hashed; "\" is searched directly and hits at 3,
        // inside "Con\soleLogin", which starts at 0 and ends at 12.
        let searcher = MultiLiteralSearcher([Array(#"Con\soleLogin"#.utf8), [UInt8(ascii: "\\")],
                                             Array("alphabet".utf8), Array("omegapoint".utf8), Array("zetafunct".utf8), Array("theta".utf8)])
        let text = Array(#"Con\soleLogin tail"#.utf8)
        #expect(text.withUnsafeBufferPointer { searcher.firstIndex(in: $0, from: 0) } == 0)
    }

    @Test("markOccurrences marks exactly the literals that occur", arguments: [2, 8])
    func marks(count: Int) {
        let words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"].prefix(count).map { Array($0.utf8) }
        let searcher = MultiLiteralSearcher(words)
        let text = Array("xx gamma yy zeta".utf8)
        var marks = [Bool](repeating: false, count: searcher.literals.count)
        text.withUnsafeBufferPointer { searcher.markOccurrences(in: $0, &marks) }
        let found = Set(searcher.literals.indices.filter { marks[$0] }.map { String(decoding: searcher.literals[$0], as: UTF8.self) })
        let expected: Set<String> = count == 2 ? [] : ["gamma", "zeta", "eta"]
        #expect(found == expected)
    }
}
