import Foundation
import VigilMetrics

/// One period's value in an alarm's evaluation range: its start (epoch ms), the statistic's value and
/// how many samples made it (for percentiles with low sample counts).
public struct AlarmDatapoint: Sendable, Equatable {
    public let timestamp: Int64
    public let value: Double
    public let sampleCount: Double

    public init(timestamp: Int64, value: Double, sampleCount: Double = 1) {
        self.timestamp = timestamp
        self.value = value
        self.sampleCount = sampleCount
    }
}

/// What one evaluation decided: the new state (equal to the current one when nothing changes) and why.
///
/// The reason is written only when asked for: a tick evaluates every alarm, and only those that
/// change state need their reason.
public struct AlarmEvaluation: Sendable, Equatable {
    public let state: AlarmState
    let explain: @Sendable () -> String
    public var reason: String { explain() }

    init(state: AlarmState, reason: @autoclosure @escaping @Sendable () -> String) {
        self.state = state
        self.explain = reason
    }

    public static func == (a: AlarmEvaluation, b: AlarmEvaluation) -> Bool {
        a.state == b.state && a.reason == b.reason
    }
}

/// CloudWatch's metric alarm evaluation, as "How alarm state is evaluated when data is missing"
/// describes it: pure, no clock and no I/O (the scheduler supplies the periods and the current state).
///
/// The evaluation range holds ``AlarmRule/evaluationRange`` periods, oldest first, `nil` where a
/// period has no datapoint.
/// - With at least N real datapoints, the most recent N real ones are judged; missing-data
///   treatment does not matter.
/// - With none, the treatment decides: `missing` → INSUFFICIENT_DATA, `ignore` → the current state,
///   `breaching` → ALARM, `notBreaching` → OK.
/// - With fewer than N, the N judged periods are the fewest consecutive ones holding every real
///   datapoint (missing ones are used "as few times as possible"); `breaching`/`notBreaching` fill
///   them; `missing` carries the last real value forward over later gaps; `ignore` leaves them out.
///   ALARM needs M breaching; otherwise any non-breaching datapoint means OK; otherwise the state
///   is undecided: INSUFFICIENT_DATA for `missing`, the current state for `ignore`.
/// This reproduces every row of AWS's two example tables (tests/VigilAlarmsTests); docs/alarms.md
/// lists where AWS is silent and what Vigil chose.
public enum AlarmEvaluator {
    enum Point: Equatable {
        case breaching(AlarmDatapoint)
        case notBreaching(AlarmDatapoint)
        case missing
    }

    public static func evaluate(_ rule: AlarmRule, range: [AlarmDatapoint?], current: AlarmState) -> AlarmEvaluation {
        let n = rule.evaluationPeriods
        // Percentile datapoints from too few samples count as missing when the alarm ignores them.
        let usable: [AlarmDatapoint?] = range.map { d in
            guard let d, let minimum = rule.minimumSamples, !rule.evaluateLowSampleCountPercentile,
                d.sampleCount < minimum
            else { return d }
            return nil
        }
        let real = usable.indices.filter { usable[$0] != nil }
        let present = usable.compactMap { $0 }
        func judge(_ d: AlarmDatapoint) -> Point {
            rule.comparison.breaches(d.value, rule.threshold) ? .breaching(d) : .notBreaching(d)
        }

        if real.count >= n {
            let points = present.suffix(n).map(judge)
            return decide(rule, points, missingCount: 0, filledAs: nil, current: current, undecided: current)
        }
        if real.isEmpty {
            let periods = min(n, range.count)
            switch rule.treatMissingData {
            case .missing:
                return AlarmEvaluation(
                    state: .insufficientData,
                    reason: "Insufficient Data: \(periods) datapoint\(periods == 1 ? " was" : "s were") unknown.")
            case .ignore:
                return AlarmEvaluation(
                    state: current, reason: "Unchanged state: no datapoints were received and missing data is ignored.")
            case .breaching, .notBreaching:
                let state: AlarmState = rule.treatMissingData == .breaching ? .alarm : .ok
                let kind = rule.treatMissingData == .breaching ? "Breaching" : "NonBreaching"
                return AlarmEvaluation(
                    state: state,
                    reason:
                        "Threshold Crossed: no datapoints were received for \(periods) period\(periods == 1 ? "" : "s") and \(periods) missing datapoint\(periods == 1 ? " was" : "s were") treated as [\(kind)]."
                )
            }
        }
        // Fewer real datapoints than N: the N consecutive periods holding all of them, newest possible.
        let span = real.last! - real.first! + 1
        var window: ArraySlice<AlarmDatapoint?>
        if span <= n {
            let end = min(usable.count, real.first! + n)
            window = usable[max(0, end - n)..<end]
        } else {
            window = usable[real.first!...real.last!]  // real points further apart than N: keep them all
        }
        let missingCount = window.filter { $0 == nil }.count
        var points: [Point] = []
        var last: AlarmDatapoint?
        for d in window {
            if let d {
                points.append(judge(d))
                last = d
                continue
            }
            switch rule.treatMissingData {
            case .breaching: points.append(.breaching(AlarmDatapoint(timestamp: 0, value: .nan)))
            case .notBreaching: points.append(.notBreaching(AlarmDatapoint(timestamp: 0, value: .nan)))
            case .missing: if let last { points.append(judge(last)) }
            case .ignore: break
            }
        }
        let filled: String? =
            switch rule.treatMissingData {
            case .breaching: "Breaching"
            case .notBreaching: "NonBreaching"
            default: nil
            }
        let undecided: AlarmState = rule.treatMissingData == .ignore ? current : .insufficientData
        return decide(
            rule, points, missingCount: filled == nil ? 0 : missingCount, filledAs: filled, current: current,
            undecided: undecided)
    }

    /// ALARM with at least M breaching points; else OK if any point is not breaching; else `undecided`.
    static func decide(
        _ rule: AlarmRule, _ points: [Point], missingCount: Int, filledAs: String?, current: AlarmState,
        undecided: AlarmState
    ) -> AlarmEvaluation {
        let breaching = points.filter { if case .breaching = $0 { true } else { false } }.count
        let notBreaching = points.count - breaching
        let real = points.compactMap { p -> AlarmDatapoint? in
            switch p {
            case .breaching(let d), .notBreaching(let d): d.value.isNaN ? nil : d
            case .missing: nil
            }
        }
        // Written only when the reason is asked for.
        @Sendable func list() -> String {
            "["
                + real.reversed().map { "\(format($0.value)) (\(UTCDateText.reason($0.timestamp)))" }.joined(
                    separator: ", ") + "]"
        }
        @Sendable func missingNote() -> String {
            filledAs.map {
                missingCount > 0
                    ? " and \(missingCount) missing datapoint\(missingCount == 1 ? " was" : "s were") treated as [\($0)]"
                    : ""
            } ?? ""
        }
        let m = rule.datapointsToAlarm
        if breaching >= m {
            let minimum = "(minimum \(m) datapoint\(m == 1 ? "" : "s") for \(current.rawValue) -> ALARM transition)"
            return AlarmEvaluation(
                state: .alarm,
                reason:
                    "Threshold Crossed: \(breaching) out of the last \(points.count) datapoints \(list())\(missingNote()) \(breaching == 1 ? "was" : "were") \(rule.comparison.phrase) the threshold (\(format(rule.threshold))) \(minimum)."
            )
        }
        if notBreaching > 0 {
            return AlarmEvaluation(
                state: .ok,
                reason:
                    "Threshold Crossed: \(notBreaching) out of the last \(points.count) datapoints \(list())\(missingNote()) \(notBreaching == 1 ? "was" : "were") not \(rule.comparison.phrase) the threshold (\(format(rule.threshold))) (minimum \(points.count - m + 1) datapoint\(points.count - m + 1 == 1 ? "" : "s") for \(current.rawValue) -> OK transition)."
            )
        }
        if undecided == .insufficientData {
            return AlarmEvaluation(
                state: .insufficientData,
                reason:
                    "Insufficient Data: \(rule.evaluationPeriods - real.count) datapoint\(rule.evaluationPeriods - real.count == 1 ? " was" : "s were") unknown."
            )
        }
        return AlarmEvaluation(
            state: undecided,
            reason: "Unchanged state: too few datapoints \(list()) to decide and missing data is ignored.")
    }

    /// A value as CloudWatch prints it in reasons: always with a decimal point (`5.0`, `0.25`).
    public static func format(_ v: Double) -> String {
        // Not String(format:): Foundation's formatting was a large part of a busy tick.
        v == v.rounded() && abs(v) < 1e15 ? "\(Int64(v)).0" : "\(v)"
    }
}
