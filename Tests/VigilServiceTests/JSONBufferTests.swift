import Foundation
import Testing

@testable import VigilService

@Suite("JSON written into bytes")
struct JSONBufferTests {
    @Test("integers, CloudWatch-style numbers, strings, null and times come out as JSON that parses back")
    func values() throws {
        var j = JSONBuffer()
        j.raw("[")
        for v in [0, -7, 1_795_600_200_000, Int64.min + 1] {
            j.integer(v)
            j.raw(",")
        }
        for v in [4.0, -2.0, 0.25, 1e20, -3.5e-7] {
            j.number(v)
            j.raw(",")
        }
        j.string("a\"b\n")
        j.raw(",")
        j.string(nil as String?)
        j.raw(",")
        j.timestamp(1_558_732_767_553)
        j.raw("]")
        #expect(j.text.hasPrefix("[0,-7,1795600200000,-9223372036854775807,4.0,-2.0,0.25,"))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(j.bytes)) as? [Any])
        #expect(parsed.count == 12)
        #expect((parsed[6] as? Double) == 0.25 && (parsed[7] as? Double) == 1e20 && (parsed[8] as? Double) == -3.5e-7)
        #expect(
            parsed[9] as? String == "a\"b\n" && parsed[10] is NSNull
                && parsed[11] as? String == "2019-05-24T21:19:27.553+0000")
    }
}
