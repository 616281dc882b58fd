import Foundation
import Testing
import VigilFuzz

/// The hand-written seeds (Fuzz/Seeds), every input the fuzzers kept (Fuzz/Corpus) and every crash they
/// ever found (Fuzz/Crashes), replayed through the same target functions: a regression traps here as
/// it did under libFuzzer.
struct FuzzReplayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func inputs(_ target: FuzzTarget, in folder: String) -> [URL] {
        let dir = root.appendingPathComponent(folder).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { dir.appendingPathComponent($0) }
    }

    @Test("each target has seeds and a kept corpus", arguments: FuzzTarget.allCases)
    func hasCorpus(_ target: FuzzTarget) {
        #expect(Self.inputs(target, in: "Seeds").count >= 3)
        #expect(Self.inputs(target, in: "Corpus").count >= 3)
    }

    @Test("the kept corpus and every crash found replay without trapping", arguments: FuzzTarget.allCases)
    func replays(_ target: FuzzTarget) throws {
        for url in Self.inputs(target, in: "Seeds") + Self.inputs(target, in: "Corpus")
            + Self.inputs(target, in: "Crashes")
        {
            target.run([UInt8](try Data(contentsOf: url)))
        }
    }
}
