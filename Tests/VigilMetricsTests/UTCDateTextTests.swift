import Foundation
import Testing

@testable import VigilMetrics

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

    @Test(
        "CloudTrail's eventTime parses like Foundation's ISO 8601 parser",
        arguments: [
            "2014-03-06T21:22:54Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z",
            "2099-12-31T12:00:00Z", "1969-07-20T20:17:40Z",
        ])
    func parsesTimes(_ text: String) throws {
        let expected = try #require(ISO8601DateFormatter().date(from: text)).timeIntervalSince1970 * 1000
        #expect(UTCDateText.parse(Array(text.utf8)) == Int64(expected))
        #expect(UTCDateText.parse(Array(text.dropLast().utf8)) == nil)
    }

    @Test(
        "the parser refuses dates that do not exist and text that is not RFC 3339",
        arguments: [
            "2026-02-29T00:00:00Z", "2026-02-31T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
            "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-01T24:00:00Z",
            "2026-01-01T23:60:00Z", "2026-01-01T23:59:60Z", "2026-01-01 10:00:00Z", "2026-01-01T10:00:00",
            "2026-01-01T10:00:00.Z", "2026-01-01T10:00:00.1234567890Z", "2026-01-01T10:00:00+24:00",
            "2026-01-01T10:00:00+0100", "2026-1-01T10:00:00Z", "+2026-01-01T10:00:00Z", "2026-01-01T10:00:00Zjunk", "",
            String(repeating: "9", count: 1000),
        ])
    func refuses(_ text: String) {
        #expect(UTCDateText.parse(text) == nil, "\(text)")
    }

    @Test(
        "the parser reads leap days, offsets, fractions and lower-case separators",
        arguments: [
            ("2000-02-29T12:00:00Z", 951_825_600_000), ("2024-02-29T00:00:00Z", 1_709_164_800_000),
            ("2026-11-25T11:30:00+01:30", 1_795_600_800_000), ("2026-11-25T08:00:00-02:00", 1_795_600_800_000),
            ("2026-11-25t10:00:00z", 1_795_600_800_000), ("2026-11-25T10:00:00.5Z", 1_795_600_800_500),
            ("2026-11-25T10:00:00.123999999Z", 1_795_600_800_123), ("0001-01-01T00:00:00Z", -62_135_596_800_000),
            ("1969-12-31T23:59:59.999Z", -1),
        ] as [(String, Int64)])
    func reads(_ text: String, _ ms: Int64) {
        #expect(UTCDateText.parse(text) == ms)
    }

    @Test(
        "parsing what it formats gives back the instant, for 20,000 instants from 1900 to 2200 (Foundation as oracle)")
    func roundTrip() throws {
        let foundation = ISO8601DateFormatter()
        foundation.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let ms = Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &rng)
            let text = foundation.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
            let expected = try #require(foundation.date(from: text))
            #expect(UTCDateText.parse(text) == Int64((expected.timeIntervalSince1970 * 1000).rounded()), "\(text)")
            #expect(UTCDateText.parse(UTCDateText.seconds(ms)) == ms - ((ms % 1000) + 1000) % 1000, "\(ms)")
        }
    }
}
