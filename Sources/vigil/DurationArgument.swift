import ArgumentParser

/// A length of time given as a flag: a whole number and a unit, `s`, `m`, `h`, `d` or `w` (`90s`, `10m`,
/// `3h`, `2d`, `1w`), as `aws logs tail --since` takes it; at most ten years.
struct DurationArgument: ExpressibleByArgument, Equatable {
    let seconds: Int64

    init?(argument: String) {
        guard let unit = argument.last, let factor = Self.units[unit] else { return nil }
        let digits = argument.dropLast()
        guard !digits.isEmpty, digits.utf8.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let count = Int64(digits),
            count > 0
        else { return nil }
        let (seconds, overflow) = count.multipliedReportingOverflow(by: factor)
        guard !overflow, seconds <= 10 * 366 * 86_400 else { return nil }
        self.seconds = seconds
    }

    static let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]

    var duration: Duration { .seconds(seconds) }
}
