import Testing
import VigilPatterns

/// Integers written as decimal bytes read as Swift's own `description` of them, at the bounds and in
/// between, and after what the buffer already held.
struct DecimalTextTests {
    @Test(arguments: [
        Int64.min, Int64.min + 1, -1_000_000_007, -10, -9, -1, 0, 1, 9, 10, 99, 100, 1_796_000_000_123, Int64.max,
    ])
    func writesWhatDescriptionWrites(_ value: Int64) {
        var out = Array("x".utf8)
        DecimalText.append(value, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x" + value.description)
    }

    @Test func randomValuesOfEveryMagnitude() {
        var generator = SystemRandomNumberGenerator()
        for digits in 0..<63 {
            let value = Int64.random(in: -(Int64(1) << digits)...(Int64(1) << digits), using: &generator)
            var out: [UInt8] = []
            DecimalText.append(value, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == value.description)
        }
    }
}
