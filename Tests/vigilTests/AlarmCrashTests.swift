import Foundation
import Testing
import VigilAPI
import VigilAlarms
import VigilMetrics
import VigilService
import VigilStore
import VigilTestSupport

/// `kill -9` in the middle of evaluation ticks: every committed state change has its history item and
/// its notifications, and no notification exists for a change that did not commit.
struct AlarmCrashTests {
    @Test("after SIGKILLs mid-tick and reruns, states, history and outbox agree alarm by alarm")
    func killNineDuringEvaluation() async throws {
        let dir = NSTemporaryDirectory() + "vigil-alarm-crash-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try SQLiteLogStore(path: dir + "/vigil.db")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let base = now - now % 60_000 - 3_600_000
        let metrics = MetricsService(store: store)
        try await metrics.putMetricData(
            .init(
                namespace: "App",
                metricData: (0..<12).map { k in
                    CloudWatch.MetricDatum(
                        metricName: "Load",
                        timestamp: Timestamp(millisecondsSinceEpoch: base + Int64(k) * 60_000 + 1_000),
                        value: Double((k * 37) % 300))
                }))
        let alarms = AlarmsService(store: store)
        for k in 0..<300 {
            try await alarms.putMetricAlarm(
                .init(
                    alarmName: "load-\(k)", okActions: ["arn:aws:sns:us-east-1:123456789012:ok-\(k)"],
                    alarmActions: ["arn:aws:sns:us-east-1:123456789012:alarm-\(k)"], metricName: "Load",
                    namespace: "App",
                    statistic: .maximum, period: 60, evaluationPeriods: 1, threshold: Double(k),
                    comparisonOperator: .greaterThanOrEqualToThreshold, treatMissingData: .notBreaching))
        }
        var generator = SystemRandomNumberGenerator()
        var killed = 0
        // How long one evaluation process takes here, so the kills land inside one, not after it.
        let clock = ContinuousClock()
        let started = clock.now
        let first = try await CLITests().run([
            "alarms", "evaluate", "--data-dir", dir, "--at", MetricsCommandFormat.iso(base),
        ])
        #expect(first.status == 0, "\(first.stderr)")
        let duration = (clock.now - started) / .seconds(1)
        for minute in 1...10 {
            let at = MetricsCommandFormat.iso(base + Int64(minute) * 60_000)
            let victim = Process()
            victim.executableURL = CLITests.binary
            victim.arguments = ["alarms", "evaluate", "--data-dir", dir, "--at", at]
            victim.standardOutput = FileHandle.nullDevice
            victim.standardError = FileHandle.nullDevice
            try victim.run()
            if minute % 2 == 0 {
                // Kill the moment the first change of the tick is visible: a commit that was not one
                // transaction would be caught half-done.
                let before = try await store.history(
                    alarmName: nil, type: .stateUpdate, start: nil, end: nil, ascending: true, limit: 1_000_000,
                    afterID: nil
                ).count
                while victim.isRunning,
                    try await store.history(
                        alarmName: nil, type: .stateUpdate, start: nil, end: nil, ascending: true, limit: 1_000_000,
                        afterID: nil
                    ).count == before
                {
                    try await Task.sleep(for: .seconds(0.0005))
                }
            } else {
                // Later ticks change fewer alarms than the first, so they are shorter: kill early in them.
                try await Task.sleep(
                    for: .seconds(Double.random(in: 0.05 * duration...0.5 * duration, using: &generator)))
            }
            if victim.isRunning {
                kill(victim.processIdentifier, SIGKILL)
                killed += 1
            }
            await victim.exited()
            let rerun = try await CLITests().run(["alarms", "evaluate", "--data-dir", dir, "--at", at])
            #expect(rerun.status == 0, "\(rerun.stderr)")
        }
        #expect(killed > 0, "no evaluation was killed mid-tick; the ticks are too fast for this test")
        let history = try await store.history(
            alarmName: nil, type: .stateUpdate, start: nil, end: nil, ascending: true, limit: 1_000_000, afterID: nil)
        let outbox = try await store.outbox(status: nil)
        for record in try await store.alarms(names: nil, prefix: nil, state: nil) {
            let changes = history.filter { $0.alarmName == record.name }
            let messages = outbox.filter { $0.alarmName == record.name }
            // Every change into ALARM or OK has exactly its one action, written at the same instant, and nothing else.
            let expected = changes.compactMap { h -> (Int64, String)? in
                if h.summary.hasSuffix("to ALARM") {
                    return (h.timestamp, "arn:aws:sns:us-east-1:123456789012:alarm-" + record.name.dropFirst(5))
                }
                if h.summary.hasSuffix("to OK") {
                    return (h.timestamp, "arn:aws:sns:us-east-1:123456789012:ok-" + record.name.dropFirst(5))
                }
                return nil
            }
            #expect(
                messages.map { "\($0.created) \($0.action)" } == expected.map { "\($0.0) \($0.1)" }, "\(record.name)")
            // The state is the last change's new state; consecutive changes chain.
            if let last = changes.last {
                #expect(last.summary.hasSuffix("to \(record.state.rawValue)"), "\(record.name)")
            }
            for (a, b) in zip(changes, changes.dropFirst()) {
                #expect(
                    b.summary.hasPrefix("Alarm updated from \(a.summary.split(separator: " ").last!) to"),
                    "\(record.name)")
            }
        }
        // The final states are what the last minute's datapoint says.
        let lastValue = Double((10 - 1) * 37 % 300)
        for record in try await store.alarms(names: nil, prefix: nil, state: nil) {
            let threshold = Double(record.name.dropFirst(5))!
            #expect(record.state == (lastValue >= threshold ? .alarm : .ok), "\(record.name)")
        }
    }
}

/// ISO 8601 for the CLI's --at.
enum MetricsCommandFormat {
    static func iso(_ ms: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
