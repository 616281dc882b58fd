import Foundation
import Testing

@testable import VigilAlarms

@Suite("Instants as alarms write them")
struct UTCDateTextTests {
    /// Foundation's formatter for `format` in UTC, the reference the byte-built texts are checked against.
    static func utc(_ format: String) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = format
        return f
    }

    static let iso = utc("yyyy-MM-dd'T'HH:mm:ss.SSS'+0000'")
    static let reason = utc("dd/MM/yy HH:mm:ss")
    static let long = utc("EEEE dd MMMM, yyyy HH:mm:ss 'UTC'")

    @Test("StateReason dates read dd/MM/yy HH:mm:ss in UTC")
    func reasonFormat() {
        #expect(UTCDateText.reason(1_795_514_400_000) == "24/11/26 10:00:00")
        #expect(UTCDateText.reason(0) == "01/01/70 00:00:00")
    }

    @Test("notification times read yyyy-MM-ddTHH:mm:ss.SSS+0000")
    func isoFormat() {
        #expect(UTCDateText.iso(1_558_732_767_553) == "2019-05-24T21:19:27.553+0000")
        #expect(UTCDateText.iso(951_825_600_007) == "2000-02-29T12:00:00.007+0000")
    }

    @Test("composite reasons read like 'Friday 04 August, 2023 12:54:46 UTC'")
    func longFormat() {
        #expect(UTCDateText.long(1_691_153_686_138) == "Friday 04 August, 2023 12:54:46 UTC")
        #expect(UTCDateText.long(-86_400_000) == "Wednesday 31 December, 1969 00:00:00 UTC")
    }

    @Test(
        "agrees with Foundation's calendar on 20,000 instants from 1900 to 2200, leap days and negative times included")
    func agreesWithFoundation() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let ms = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &rng)
            let date = Date(timeIntervalSince1970: Double(ms) / 1000)
            #expect(UTCDateText.iso(ms) == Self.iso.string(from: date), "at \(ms)")
            #expect(UTCDateText.reason(ms) == Self.reason.string(from: date), "at \(ms)")
            #expect(UTCDateText.long(ms) == Self.long.string(from: date), "at \(ms)")
        }
    }
}
