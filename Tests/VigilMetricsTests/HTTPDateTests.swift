import Foundation
import Testing
import VigilMetrics

/// HTTP-dates (RFC 9110, section 5.6.7), as a receiver's `Retry-After` may give one.
struct HTTPDateTests {
    static let formatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f
    }()

    @Test("RFC 9110's example: Sun, 06 Nov 1994 08:49:37 GMT")
    func theRFCsExample() {
        #expect(UTCDateText.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777_000)
        #expect(UTCDateText.httpDate(784_111_777_123) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test("written and parsed as Foundation's formatter writes and reads them, across 400 years")
    func agreesWithFoundation() {
        var seed: UInt64 = 0x5eed
        for _ in 0..<2_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let seconds = Int64(seed >> 33) % 12_623_000_000 - 2_208_988_800  // 1900 … 2300
            let text = Self.formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
            #expect(UTCDateText.httpDate(seconds * 1000) == text)
            #expect(UTCDateText.parseHTTPDate(text) == seconds * 1000, "\(text)")
        }
    }

    @Test(
        "anything but an IMF-fixdate of a real date, its own weekday, in GMT, is refused",
        arguments: [
            "", "Sun, 06 Nov 1994 08:49:37 GMT ", " Sun, 06 Nov 1994 08:49:37 GMT",
            "Mon, 06 Nov 1994 08:49:37 GMT",  // 6 Nov 1994 was a Sunday
            "Sun, 06 nov 1994 08:49:37 GMT", "sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49:60 GMT", "Sat, 29 Feb 2027 00:00:00 GMT", "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",  // RFC 850, obsolete
            "Sun Nov  6 08:49:37 1994",  // asctime, obsolete
            "Sun, 06 Nov 1994 08:49:37 +0000", "Sun, 06 Nov 199x 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT\u{0}",
            "Sun, 06 Nov 1994 08:49:37 GMTGMT", "Sün, 06 Nov 1994 08:49:37 GMT",
        ])
    func refused(_ text: String) {
        #expect(UTCDateText.parseHTTPDate(text) == nil)
    }

    /// The fuzzer's find: a Retry-After in the year 996 parsed, but was written back as `996`.
    @Test("years before 1000 are written with four digits, and every whole second from year 0 reads back")
    func earlyYearsRoundTrip() {
        #expect(
            UTCDateText.parseHTTPDate("Sun, 06 Nov 0996 08:49:37 GMT").map(UTCDateText.httpDate)
                == "Sun, 06 Nov 0996 08:49:37 GMT")
        // 0000-01-01T00:00:00Z (proleptic Gregorian) to past 1970, in steps of about 11.6 days.
        var ms: Int64 = -62_167_219_200_000
        while ms < 100_000_000_000 {
            let text = UTCDateText.httpDate(ms)
            #expect(text.utf8.count == 29 && UTCDateText.parseHTTPDate(text) == ms, "\(ms): \(text)")
            ms += 1_000_003_000
        }
    }

    @Test("the extremes of Int64 milliseconds are written without trapping", arguments: [Int64.min, Int64.max])
    func extremes(_ ms: Int64) {
        let text = UTCDateText.httpDate(ms)
        #expect(text.hasSuffix(" GMT") && UTCDateText.parseHTTPDate(text) == nil, "\(text)")
    }

    @Test("leap days exist only in leap years")
    func leapDays() {
        #expect(UTCDateText.parseHTTPDate("Thu, 29 Feb 2024 00:00:00 GMT") == 1_709_164_800_000)
        #expect(UTCDateText.parseHTTPDate("Tue, 29 Feb 2000 12:00:00 GMT") == 951_825_600_000)
        #expect(UTCDateText.parseHTTPDate("Thu, 29 Feb 1900 00:00:00 GMT") == nil)
    }
}
