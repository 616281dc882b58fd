import Testing
import VigilAlarms

/// Every row of AWS's tables in "How alarm state is evaluated when data is missing", for every
/// TreatMissingData value (0 = not breaching, X = breaching, - = missing; oldest first).
struct MissingDataTests {
    static let period: Int64 = 300_000
    static let start: Int64 = 1_795_600_000_000

    /// The evaluation range a row describes: threshold 1 with >=, so 0 → 0.0 and X → 5.0.
    static func range(_ row: String) -> [AlarmDatapoint?] {
        row.split(separator: " ").enumerated().map { k, c in
            let t = start + Int64(k) * period
            switch c {
            case "0": return AlarmDatapoint(timestamp: t, value: 0)
            case "X": return AlarmDatapoint(timestamp: t, value: 5)
            default: return nil
            }
        }
    }

    /// The expected state per treatment, or nil for "retain current state".
    typealias Row = (
        points: String, missing: AlarmState?, ignore: AlarmState?, breaching: AlarmState?, notBreaching: AlarmState?
    )

    static let threeOfThree: [Row] = [
        ("0 - X - X", .ok, .ok, .ok, .ok),
        ("0 - - - -", .ok, .ok, .ok, .ok),
        ("- - - - -", .insufficientData, nil, .alarm, .ok),
        ("0 X X - X", .alarm, .alarm, .alarm, .alarm),
        ("- - - - X", .insufficientData, nil, .alarm, .ok),
        ("X - - - -", .alarm, nil, .alarm, .ok),
    ]

    static let twoOfThree: [Row] = [
        ("0 - X - X", .alarm, .alarm, .alarm, .alarm),
        ("0 0 X 0 X", .alarm, .alarm, .alarm, .alarm),
        ("0 - X - -", .ok, .ok, .alarm, .ok),
        ("- - - - 0", .ok, .ok, .alarm, .ok),
        ("- - - - X", .insufficientData, nil, .alarm, .ok),
    ]

    static func check(_ row: Row, datapointsToAlarm: Int) {
        let expected: [(AlarmRule.MissingData, AlarmState?)] = [
            (.missing, row.missing), (.ignore, row.ignore), (.breaching, row.breaching),
            (.notBreaching, row.notBreaching),
        ]
        for (treatment, state) in expected {
            // "Retain current state" must hold from every current state.
            for current in AlarmState.allCases {
                let rule = AlarmRule(
                    periodSeconds: 300, evaluationPeriods: 3, datapointsToAlarm: datapointsToAlarm, threshold: 1,
                    comparison: .greaterThanOrEqualToThreshold, treatMissingData: treatment)
                let result = AlarmEvaluator.evaluate(rule, range: range(row.points), current: current)
                #expect(
                    result.state == (state ?? current), "\(row.points), \(treatment), from \(current): \(result.reason)"
                )
            }
        }
    }

    @Test("3 out of 3: each row of AWS's first table", arguments: threeOfThree.indices)
    func threeOutOfThree(_ k: Int) { Self.check(Self.threeOfThree[k], datapointsToAlarm: 3) }

    @Test("2 out of 3: each row of AWS's second table", arguments: twoOfThree.indices)
    func twoOutOfThree(_ k: Int) { Self.check(Self.twoOfThree[k], datapointsToAlarm: 2) }

    @Test("the evaluation range holds N + 2 periods, as AWS's examples (5 for N = 3)")
    func range() {
        #expect(
            AlarmRule(periodSeconds: 60, evaluationPeriods: 3, threshold: 1, comparison: .greaterThanThreshold)
                .evaluationRange == 5)
    }
}
