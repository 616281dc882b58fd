/// The ways alarms write instants, built from bytes (alarm ticks write thousands of them, and
/// Foundation's formatters and `gmtime_r` with interpolation were a large part of a busy tick).
public enum UTCDateText {
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
        if (0...9999).contains(t.year) { digits(t.year, 4, "-", &out) } else { out += Array("\(t.year)-".utf8) }
        digits(t.month, 2, "-", &out)
        digits(t.day, 2, "T", &out)
        digits(t.hour, 2, ":", &out)
        digits(t.minute, 2, ":", &out)
        digits(t.second, 2, ".", &out)
        digits(t.millisecond, 3, "+", &out)
        digits(0, 4, nil, &out)
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
            let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
            millisecond = ms - seconds * 1000
            let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
            let inDay = seconds - days * 86_400
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
