extension UTCDateText {
    static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Wed, 02 Dec 2026 01:02:03 GMT`, HTTP's preferred date form (IMF-fixdate, RFC 9110 section
    /// 5.6.7), the milliseconds dropped.
    public static func httpDate(_ ms: Int64) -> String {
        String(rfc5322(ms).dropLast("+0000".count)) + "GMT"
    }

    /// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) in milliseconds since the epoch: names in
    /// English with their case, two-digit day, `GMT`, and a date that exists. The weekday must be the
    /// date's. The two obsolete forms (RFC 850 and asctime) are not accepted. Nil for anything else.
    public static func parseHTTPDate(_ text: some StringProtocol) -> Int64? {
        let c = Array(text.utf8.prefix(30))
        guard c.count == 29 else { return nil }
        func field(_ at: Int, _ n: Int) -> String { String(decoding: c[at..<(at + n)], as: UTF8.self) }
        func digits(_ at: Int, _ n: Int) -> Int64? {
            var v: Int64 = 0
            for k in at..<(at + n) {
                guard c[k] >= 48 && c[k] <= 57 else { return nil }
                v = v * 10 + Int64(c[k] - 48)
            }
            return v
        }
        guard field(3, 2) == ", ", c[7] == 32, c[11] == 32, c[16] == 32, c[19] == 58, c[22] == 58,
            field(25, 4) == " GMT",
            let weekday = weekdayNames.firstIndex(of: field(0, 3)),
            let month = monthNames.firstIndex(of: field(8, 3)).map({ Int64($0 + 1) }),
            let day = digits(5, 2), let year = digits(12, 4), let hour = digits(17, 2),
            let minute = digits(20, 2), let second = digits(23, 2),
            day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 60
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        // 1970-01-01 was a Thursday (4).
        guard ((days % 7) + 7 + 4) % 7 == Int64(weekday) else { return nil }
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000
    }
}
