import Testing

@testable import vigil

/// `--since 10m`, `--live-tail-max-session 3h`: a whole number and a unit, and nothing else.
struct DurationArgumentTests {
    @Test(
        arguments: [("90s", 90), ("10m", 600), ("3h", 10_800), ("2d", 172_800), ("1w", 604_800)] as [(String, Int64)])
    func unitsAreSecondsMinutesHoursDaysWeeks(_ text: String, _ seconds: Int64) {
        #expect(DurationArgument(argument: text)?.seconds == seconds)
    }

    @Test(arguments: ["", "m", "10", "0m", "-1m", "+1m", "1.5h", "1y", "１m", "10 m", "9999999999999w", "3700w"])
    func anythingElseIsRefused(_ text: String) {
        #expect(DurationArgument(argument: text) == nil)
    }
}
