import Testing
import VigilAlarms

/// Operators at, below and above the threshold; M of N; StateReason text; percentiles with few samples.
struct ThresholdTests {
    static let t: Int64 = 1_795_600_800_000  // 25/11/26 10:00:00 UTC

    @Test("each operator at, below and above the threshold", arguments: AlarmRule.ComparisonOperator.allCases)
    func operators(_ op: AlarmRule.ComparisonOperator) {
        let expected: [AlarmRule.ComparisonOperator: [Bool]] = [
            .greaterThanOrEqualToThreshold: [false, true, true], .greaterThanThreshold: [false, false, true],
            .lessThanThreshold: [true, false, false], .lessThanOrEqualToThreshold: [true, true, false],
        ]
        #expect([9.0, 10.0, 11.0].map { op.breaches($0, 10) } == expected[op])
        for (value, breaches) in zip([9.0, 10.0, 11.0], expected[op]!) {
            let rule = AlarmRule(periodSeconds: 60, evaluationPeriods: 1, threshold: 10, comparison: op)
            let state = AlarmEvaluator.evaluate(
                rule, range: [nil, nil, AlarmDatapoint(timestamp: Self.t, value: value)], current: .ok
            ).state
            #expect(state == (breaches ? .alarm : .ok))
        }
    }

    @Test("M of N: the breaching datapoints need not be consecutive, only among the last N")
    func mOutOfN() {
        let rule = AlarmRule(
            periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3, threshold: 1,
            comparison: .greaterThanThreshold)
        func range(_ values: [Double]) -> [AlarmDatapoint?] {
            values.enumerated().map { AlarmDatapoint(timestamp: Self.t + Int64($0.offset) * 60_000, value: $0.element) }
        }
        #expect(AlarmEvaluator.evaluate(rule, range: range([0, 0, 2, 0, 2, 0, 2]), current: .ok).state == .alarm)
        // only the last 5 count
        #expect(AlarmEvaluator.evaluate(rule, range: range([2, 2, 2, 0, 0, 2, 0]), current: .alarm).state == .ok)
    }

    @Test("StateReason reads as CloudWatch writes it")
    func reasons() {
        let rule = AlarmRule(
            periodSeconds: 60, evaluationPeriods: 1, threshold: 1, comparison: .greaterThanOrEqualToThreshold)
        let alarm = AlarmEvaluator.evaluate(
            rule, range: [nil, nil, AlarmDatapoint(timestamp: Self.t, value: 5)], current: .ok)
        #expect(
            alarm.reason
                == "Threshold Crossed: 1 out of the last 1 datapoints [5.0 (25/11/26 10:00:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition)."
        )
        let ok = AlarmEvaluator.evaluate(
            rule, range: [nil, nil, AlarmDatapoint(timestamp: Self.t, value: 0)], current: .alarm)
        #expect(
            ok.reason
                == "Threshold Crossed: 1 out of the last 1 datapoints [0.0 (25/11/26 10:00:00)] was not greater than or equal to the threshold (1.0) (minimum 1 datapoint for ALARM -> OK transition)."
        )
        let none = AlarmEvaluator.evaluate(rule, range: [nil, nil, nil], current: .ok)
        #expect(none.state == .insufficientData && none.reason == "Insufficient Data: 1 datapoint was unknown.")
    }

    @Test("a p99 alarm that ignores low sample counts does not judge a period of fewer than 1,000 samples")
    func lowSampleCounts() {
        for (evaluate, expected) in [(true, AlarmState.alarm), (false, AlarmState.ok)] {
            let rule = AlarmRule(
                periodSeconds: 60, evaluationPeriods: 1, threshold: 100, comparison: .greaterThanThreshold,
                treatMissingData: .ignore,
                percentile: 99, evaluateLowSampleCountPercentile: evaluate)
            #expect(rule.minimumSamples == 1000)
            let state = AlarmEvaluator.evaluate(
                rule, range: [nil, nil, AlarmDatapoint(timestamp: Self.t, value: 500, sampleCount: 12)], current: .ok
            ).state
            #expect(state == expected)
        }
        #expect(
            AlarmRule(
                periodSeconds: 60, evaluationPeriods: 1, threshold: 0, comparison: .lessThanThreshold, percentile: 10
            ).minimumSamples == 100)
    }
}
