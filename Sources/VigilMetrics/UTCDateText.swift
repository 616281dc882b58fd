/// Instants as text, both ways: the one strict ISO 8601 parser of the project, and the forms AWS writes
/// (API timestamps, alarm reasons, notifications), built from bytes (alarm ticks write thousands of
/// them, and Foundation's formatters and `gmtime_r` with interpolation were a large part of a busy tick).
public enum UTCDateText {
    /// Parses an RFC 3339 / ISO 8601 date-time in milliseconds since the epoch:
    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, `T` and `Z` in either case, a fraction of 1 to 9
    /// digits (truncated to the millisecond). The date must exist (no February 30, February 29 only in
    /// leap years), hours 00–23, minutes and seconds 00–59 (no leap second: Unix time has none), and
    /// an offset of at most ±23:59. Nil for anything else.
    public static func parse(_ text: some Collection<UInt8>) -> Int64? {
        var c: [UInt8] = []
        c.reserveCapacity(40)
        for b in text {
            guard c.count < 40 else { return nil }
            c.append(b)
        }
        func digits(_ at: Int, _ n: Int) -> Int64? {
            guard at + n <= c.count else { return nil }
            var v: Int64 = 0
            for k in at..<at + n {
                guard c[k] >= 48 && c[k] <= 57 else { return nil }
                v = v * 10 + Int64(c[k] - 48)
            }
            return v
        }
        func byte(_ at: Int, _ expected: UInt8...) -> Bool { at < c.count && expected.contains(c[at]) }
        guard byte(4, UInt8(ascii: "-")), byte(7, UInt8(ascii: "-")), byte(10, UInt8(ascii: "T"), UInt8(ascii: "t")),
            byte(13, UInt8(ascii: ":")), byte(16, UInt8(ascii: ":")),
            let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
            let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60,
            second < 60
        else { return nil }
        var at = 19
        var millis: Int64 = 0
        if byte(at, UInt8(ascii: ".")) {
            at += 1
            let first = at
            var scale: Int64 = 100
            while at < c.count, c[at] >= 48 && c[at] <= 57 {
                millis += Int64(c[at] - 48) * scale
                scale /= 10
                at += 1
            }
            guard at > first, at - first <= 9 else { return nil }
        }
        var offsetMinutes: Int64 = 0
        if byte(at, UInt8(ascii: "Z"), UInt8(ascii: "z")) {
            at += 1
        } else if byte(at, UInt8(ascii: "+"), UInt8(ascii: "-")), byte(at + 3, UInt8(ascii: ":")),
            let h = digits(at + 1, 2), let m = digits(at + 4, 2), h < 24, m < 60
        {
            offsetMinutes = (h * 60 + m) * (c[at] == UInt8(ascii: "-") ? -1 : 1)
            at += 6
        } else {
            return nil
        }
        guard at == c.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + millis
    }

    /// ``parse(_:)`` of a String.
    public static func parse(_ text: String) -> Int64? { parse(text.utf8) }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a civil date (Howard Hinnant's days_from_civil).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `2026-11-24T10:00:00Z`: whole seconds (the milliseconds dropped), as CloudWatch's API writes
    /// timestamps and the aws CLI prints them.
    public static func seconds(_ ms: Int64) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(20)
        let t = Parts(ms)
        dateAndTime(t, &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `2019-05-24T21:19:27`, the part the ISO forms share.
    static func dateAndTime(_ t: Parts, _ out: inout [UInt8]) {
        if (0...9999).contains(t.year) { digits(t.year, 4, "-", &out) } else { out += Array("\(t.year)-".utf8) }
        digits(t.month, 2, "-", &out)
        digits(t.day, 2, "T", &out)
        digits(t.hour, 2, ":", &out)
        digits(t.minute, 2, ":", &out)
        digits(t.second, 2, nil, &out)
    }

    /// `dd/MM/yy HH:mm:ss`, as in CloudWatch's StateReason.
    public static func reason(_ ms: Int64) -> String {
        let t = Parts(ms)
        var out: [UInt8] = []
        out.reserveCapacity(17)
        digits(t.day, 2, "/", &out)
        digits(t.month, 2, "/", &out)
        digits(t.year % 100, 2, " ", &out)
        digits(t.hour, 2, ":", &out)
        digits(t.minute, 2, ":", &out)
        digits(t.second, 2, nil, &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `2019-05-24T21:19:27.553+0000`, as StateReasonData and notifications write times.
    public static func iso(_ ms: Int64) -> String {
        var out: [UInt8] = []
        iso(ms, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``iso(_:)`` of `ms` to `out`.
    public static func iso(_ ms: Int64, into out: inout [UInt8]) {
        let t = Parts(ms)
        dateAndTime(t, &out)
        out.append(UInt8(ascii: "."))
        digits(t.millisecond, 3, "+", &out)
        digits(0, 4, nil, &out)
    }

    /// `2026-12-01T13:35:00.123000+00:00`, a UTC time as Python's `datetime.isoformat` writes it and
    /// `aws logs tail` prints it: with `microseconds`, six fractional digits always
    /// (`timespec='microseconds'`); without, none when the milliseconds are 0 (`2026-12-01T13:35:00+00:00`).
    public static func python(_ ms: Int64, microseconds: Bool) -> String {
        let t = Parts(ms)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        dateAndTime(t, &out)
        if microseconds || t.millisecond != 0 {
            out.append(UInt8(ascii: "."))
            digits(t.millisecond, 3, nil, &out)
            out += Array("000".utf8)
        }
        out += Array("+00:00".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// `2026-12-01T13:35:00`: the date and time to the second, no zone (`aws logs tail --format short`).
    public static func dateAndTime(_ ms: Int64) -> String {
        var out: [UInt8] = []
        dateAndTime(Parts(ms), &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `2012-04-25T21:49:25.719Z`, as SNS writes a message's Timestamp.
    public static func isoZulu(_ ms: Int64) -> String {
        let t = Parts(ms)
        var out: [UInt8] = []
        out.reserveCapacity(24)
        dateAndTime(t, &out)
        out.append(UInt8(ascii: "."))
        digits(t.millisecond, 3, "Z", &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `v` (at least 0) as `count` zero-padded digits, then `after`.
    static func digits(_ v: Int, _ count: Int, _ after: Unicode.Scalar?, _ out: inout [UInt8]) {
        var v = v
        let at = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        for k in stride(from: count - 1, through: 0, by: -1) {
            out[at + k] = UInt8(48 + v % 10)
            v /= 10
        }
        if let after { out.append(UInt8(ascii: after)) }
    }

    /// `Wed, 02 Dec 2026 01:02:03 +0000`, an e-mail's `Date` (RFC 5322, section 3.3).
    public static func rfc5322(_ ms: Int64) -> String {
        let t = Parts(ms)
        var out = Array("\(weekdayNames[t.weekday]), ".utf8)
        digits(t.day, 2, " ", &out)
        out += Array("\(monthNames[t.month - 1]) ".utf8)
        // Four digits (RFC 5322's year is 4*DIGIT, IMF-fixdate's exactly four): 0996, not 996.
        if (0...9999).contains(t.year) { digits(t.year, 4, " ", &out) } else { out += Array("\(t.year) ".utf8) }
        digits(t.hour, 2, ":", &out)
        digits(t.minute, 2, ":", &out)
        digits(t.second, 2, " ", &out)
        out += Array("+0000".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// `Friday 04 August, 2023 12:54:46 UTC`, as composite alarms' StateReason writes when a child changed.
    public static func long(_ ms: Int64) -> String {
        let t = Parts(ms)
        let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        var out = Array("\(weekdays[t.weekday]) ".utf8)
        digits(t.day, 2, " ", &out)
        out += Array("\(months[t.month - 1]), \(t.year) ".utf8)
        digits(t.hour, 2, ":", &out)
        digits(t.minute, 2, ":", &out)
        digits(t.second, 2, " ", &out)
        out += Array("UTC".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// The civil date and time of a Unix instant in milliseconds, in UTC (proleptic Gregorian).
    struct Parts {
        let year, month, day, hour, minute, second, millisecond: Int
        /// 0 is Sunday.
        let weekday: Int

        init(_ ms: Int64) {
            let ms = Int(ms)
            // Floor division that cannot overflow, Int64.min included.
            func floorDivided(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-(a + 1)) / b) - 1 }
            let seconds = floorDivided(ms, 1000)
            millisecond = (ms % 1000 + 1000) % 1000
            let days = floorDivided(seconds, 86_400)
            let inDay = (seconds % 86_400 + 86_400) % 86_400
            weekday = ((days + 4) % 7 + 7) % 7  // 1970-01-01 was a Thursday
            hour = inDay / 3600
            minute = inDay % 3600 / 60
            second = inDay % 60
            // Howard Hinnant's civil_from_days.
            let z = days + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let doe = z - era * 146_097
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            day = doy - (153 * mp + 2) / 5 + 1
            month = mp < 10 ? mp + 3 : mp - 9
            year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        }
    }
}
