import Foundation
import Synchronization
import Testing
import VigilAPI
import VigilAlarms
import VigilMetrics
import VigilService
import VigilStore

/// Alarms stored and evaluated tick by tick; transitions, history and the outbox commit together.
struct AlarmsServiceTests {
    static let start: Int64 = 1_795_600_200_000  // a 5-minute boundary

    final class Clock: Sendable {
        let value = Mutex<Int64>(AlarmsServiceTests.start)
        var now: Int64 { value.withLock { $0 } }
        func set(_ t: Int64) { value.withLock { $0 = t } }
    }

    static func parameters(actions: Bool = true) -> CloudWatch.PutMetricAlarmInput {
        CloudWatch.PutMetricAlarmInput(
            alarmName: "ConsoleSignInFailures", actionsEnabled: actions,
            okActions: ["arn:aws:sns:us-east-1:123456789012:security-ok"],
            alarmActions: ["arn:aws:sns:us-east-1:123456789012:security"], metricName: "ConsoleSignInFailureCount",
            namespace: "CloudTrailMetrics", statistic: .sum, period: 300, evaluationPeriods: 1, threshold: 3,
            comparisonOperator: .greaterThanOrEqualToThreshold, treatMissingData: .notBreaching)
    }

    /// A store with the SNS topics the tests' alarm actions name (an action naming a missing topic fails).
    static func storeWithTopics() async throws -> SQLiteLogStore {
        let store = try SQLiteLogStore(path: ":memory:")
        for name in ["security", "security-ok", "page"] {
            let arn = "arn:aws:sns:us-east-1:123456789012:\(name)"
            _ = try await store.insertTopic(TopicRecord(arn: arn, name: name, attributes: [:], created: 0), tags: [])
        }
        return store
    }

    func setUp() async throws -> (AlarmsService, MetricsService, Clock, SQLiteLogStore) {
        let clock = Clock()
        let store = try await Self.storeWithTopics()
        return (
            AlarmsService(store: store, now: { clock.now }), MetricsService(store: store, now: { clock.now }), clock,
            store
        )
    }

    func failures(_ metrics: MetricsService, _ count: Double, at t: Int64) async throws {
        try await metrics.putMetricData(
            namespace: "CloudTrailMetrics",
            data: [.at("ConsoleSignInFailureCount", timestamp: t, value: count)])
    }

    @Test(
        "a new alarm waits in INSUFFICIENT_DATA; a breaching period moves it to ALARM with one notification; recovery, once the datapoint leaves the range, sends the OK action"
    )
    func lifecycle() async throws {
        let (alarms, metrics, clock, store) = try await setUp()
        try await alarms.putMetricAlarm(Self.parameters())
        #expect(try await alarms.describeAlarms().metricAlarms?.map(\.stateValue) == [.insufficientData])
        try await failures(metrics, 4, at: Self.start + 60_000)
        clock.set(Self.start + 300_000)
        #expect(try await alarms.evaluate(at: clock.now) == ["ConsoleSignInFailures"])
        let record = try #require(try await alarms.describeAlarms().metricAlarms?.first)
        #expect(
            record.stateValue == .alarm
                && record.stateReason?.hasPrefix("Threshold Crossed: 1 out of the last 1 datapoints [4.0") == true)
        let data = try #require(
            try JSONSerialization.jsonObject(with: Data((record.stateReasonData ?? "").utf8)) as? [String: Any])
        #expect(
            data["statistic"] as? String == "Sum" && data["period"] as? Int == 300 && data["threshold"] as? Double == 3)
        #expect((data["evaluatedDatapoints"] as? [[String: Any]])?.first?["value"] as? Double == 4)
        #expect(data["queryDate"] as? String == "2026-11-25T09:55:00.000+0000")  // start + 5 minutes
        #expect(try await alarms.evaluate(at: clock.now).isEmpty)  // no change, no second notification
        var outbox = try await store.outbox(status: nil)
        #expect(
            outbox.count == 1 && outbox[0].action.hasSuffix(":security")
                && outbox[0].payload.contains(#""NewStateValue":"ALARM""#))
        let message = try #require(
            try JSONSerialization.jsonObject(with: Data(outbox[0].payload.utf8)) as? [String: Any])
        let trigger = try #require(message["Trigger"] as? [String: Any])
        #expect(
            message["AlarmName"] as? String == "ConsoleSignInFailures"
                && message["OldStateValue"] as? String == "INSUFFICIENT_DATA")
        #expect(
            message["AlarmArn"] as? String == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ConsoleSignInFailures"
                && message["Region"] as? String == "US East (N. Virginia)"
                && message["AWSAccountId"] as? String == "123456789012")
        #expect(
            message["StateChangeTime"] as? String == "2026-11-25T09:55:00.000+0000"
                && message["AlarmDescription"] is NSNull)
        #expect(message["AlarmConfigurationUpdatedTimestamp"] as? String == "2026-11-25T09:50:00.000+0000")
        #expect(
            message["AlarmActions"] as? [String] == ["arn:aws:sns:us-east-1:123456789012:security"]
                && message["OKActions"] as? [String] == ["arn:aws:sns:us-east-1:123456789012:security-ok"]
                && message["InsufficientDataActions"] as? [String] == [])
        #expect(trigger["Period"] as? Int == 300 && trigger["Dimensions"] as? [Any] != nil && trigger["Unit"] is NSNull)
        #expect(
            trigger["MetricName"] as? String == "ConsoleSignInFailureCount" && trigger["Statistic"] as? String == "SUM"
                && trigger["Threshold"] as? Double == 3)
        // Quiet periods: as AWS warns, the last datapoint is judged again while it is in the evaluation
        // range (3 periods); then only missing data is left, which is notBreaching: OK.
        clock.set(Self.start + 900_000)
        #expect(try await alarms.evaluate(at: clock.now).isEmpty)
        clock.set(Self.start + 1_200_000)
        #expect(try await alarms.evaluate(at: clock.now) == ["ConsoleSignInFailures"])
        outbox = try await store.outbox(status: nil)
        #expect(
            outbox.count == 2 && outbox[1].action.hasSuffix(":security-ok")
                && outbox[1].payload.contains(#""OldStateValue":"ALARM""#))
        let history =
            try await alarms.describeAlarmHistory(.init(alarmName: "ConsoleSignInFailures")).alarmHistoryItems ?? []
        // Newest first; each queued notification is an Action item after its StateUpdate, as on AWS.
        #expect(history.map(\.historyItemType) == [.action, .stateUpdate, .action, .stateUpdate, .configurationUpdate])
        #expect(
            history[1].historySummary == "Alarm updated from ALARM to OK"
                && history[1].historyData?.contains(#""oldState""#) == true)
        #expect(history[0].historySummary == "Successfully executed action \(outbox[1].action)")
        let action = try #require(
            try JSONSerialization.jsonObject(with: Data((history[0].historyData ?? "").utf8)) as? [String: Any])
        #expect(
            action["actionState"] as? String == "Succeeded"
                && action["notificationResource"] as? String == outbox[1].action
                && action["publishedMessage"] as? String == outbox[1].payload
                && action["stateUpdateTimestamp"] as? Int64 == Self.start + 1_200_000)
    }

    /// CloudWatch's "alarms and missing data" page: alarms on AWS/DynamoDB metrics always ignore missing
    /// data, whatever TreatMissingData says; other namespaces follow it. (AWS/ namespaces are refused by
    /// PutMetricData, so here such an alarm only ever sees missing data.)
    @Test(
        "an alarm on an AWS/DynamoDB metric keeps its state through missing data, whatever TreatMissingData says",
        arguments: [("AWS/DynamoDB", AlarmState.insufficientData), ("CloudTrailMetrics", .alarm)])
    func dynamoDBIgnoresMissingData(_ namespace: String, _ afterGap: AlarmState) async throws {
        let (alarms, _, clock, _) = try await setUp()
        var p = Self.parameters()
        p.namespace = namespace
        p.treatMissingData = .breaching
        try await alarms.putMetricAlarm(p)
        for k in 1...3 {
            clock.set(Self.start + Int64(k) * 300_000)
            try await alarms.evaluate(at: clock.now)
        }
        let alarm = try #require(try await alarms.describeAlarms().metricAlarms?.first)
        #expect(alarm.stateValue == afterGap, "\(namespace)")
        #expect(alarm.treatMissingData == .breaching, "the alarm reports what it was given")
    }

    @Test(
        "updating an alarm keeps its state and history; disabled actions send nothing; SetAlarmState holds until the next evaluation"
    )
    func updatesAndManualState() async throws {
        let (alarms, metrics, clock, store) = try await setUp()
        try await alarms.putMetricAlarm(Self.parameters(actions: false))
        try await failures(metrics, 5, at: Self.start + 1_000)
        clock.set(Self.start + 300_000)
        try await alarms.evaluate(at: clock.now)
        #expect(try await store.outbox(status: nil).isEmpty)
        try await alarms.putMetricAlarm(Self.parameters(actions: true))
        #expect(try await alarms.describeAlarms().metricAlarms?.first?.stateValue == .alarm)
        try await alarms.setAlarmState(
            .init(alarmName: "ConsoleSignInFailures", stateValue: .ok, stateReason: "testing the OK action"))
        #expect(try await store.outbox(status: nil).map(\.action) == ["arn:aws:sns:us-east-1:123456789012:security-ok"])
        #expect(try await alarms.evaluate(at: clock.now) == ["ConsoleSignInFailures"])  // the data still says ALARM
        #expect(
            try await alarms.describeAlarmHistory(
                .init(alarmName: "ConsoleSignInFailures", historyItemType: .configurationUpdate)
            ).alarmHistoryItems?.count == 2
        )
    }

    @Test(
        "DeleteAlarms deletes all or none; SetAlarmState checks its input; a failed commit leaves no history and no notification"
    )
    func errorsAndAtomicity() async throws {
        let (alarms, _, _, store) = try await setUp()
        try await alarms.putMetricAlarm(Self.parameters())
        await #expect(throws: CloudWatchError.self) {
            try await alarms.deleteAlarms(.init(alarmNames: ["ConsoleSignInFailures", "missing"]))
        }
        #expect(try await alarms.describeAlarms().metricAlarms?.count == 1)
        await #expect(throws: CloudWatchError.self) {
            try await alarms.setAlarmState(
                try APIInputs.cloudWatch(
                    CloudWatch.SetAlarmStateInput.self,
                    #"{"AlarmName": "ConsoleSignInFailures", "StateValue": "BROKEN", "StateReason": "x"}"#))
        }
        await #expect(throws: CloudWatchError.self) {
            try await alarms.setAlarmState(
                .init(
                    alarmName: "ConsoleSignInFailures", stateValue: .ok, stateReason: "x", stateReasonData: "{not json")
            )
        }
        await #expect(throws: CloudWatchError.self) {
            try await alarms.putMetricAlarm(
                try APIInputs.cloudWatch(CloudWatch.PutMetricAlarmInput.self, #"{"AlarmName": "x"}"#))
        }
        let before = try await store.history(
            alarmName: nil, type: nil, start: nil, end: nil, ascending: true, limit: 100, afterID: nil
        ).count
        await #expect(throws: StoreError.self) {
            // A valid change first, then one for a missing alarm: the whole commit rolls back.
            let ok = try #require(try await store.alarms(names: nil, prefix: nil, state: nil).first)
            try await store.commit(
                [
                    AlarmTransition(
                        alarmName: ok.name, from: ok.state, state: .alarm, reason: "r", reasonData: nil, at: 0,
                        history: AlarmHistoryItem(
                            alarmName: ok.name, timestamp: 0, type: .stateUpdate, summary: "s", data: "{}"),
                        notifications: [("arn:y", "{}")]),
                    AlarmTransition(
                        alarmName: "missing", from: .insufficientData, state: .alarm, reason: "r", reasonData: nil,
                        at: 0,
                        history: AlarmHistoryItem(
                            alarmName: "missing", timestamp: 0, type: .stateUpdate, summary: "s", data: "{}"),
                        notifications: [("arn:x", "{}")]),
                ],
                actionHistory: { name, action, _, at, _ in
                    AlarmHistoryItem(alarmName: name, timestamp: at, type: .action, summary: action, data: "{}")
                })
        }
        #expect(try await store.outbox(status: nil).isEmpty)
        #expect(
            try await store.history(
                alarmName: nil, type: nil, start: nil, end: nil, ascending: true, limit: 100, afterID: nil
            ).count == before)
        #expect(try await alarms.describeAlarms().metricAlarms?.first?.stateValue == .insufficientData)
        try await alarms.deleteAlarms(.init(alarmNames: ["ConsoleSignInFailures"]))
        #expect(try await alarms.describeAlarms().metricAlarms?.isEmpty == true)
    }
}

/// The scheduler evaluates on minute slots from an injected clock.
struct AlarmSchedulerTests {
    final class FakeClock: Sendable {
        let time = Mutex<Int64>(AlarmsServiceTests.start + 42_000)
        let ticks = Mutex<[Int64]>([])
    }

    @Test("each minute boundary is evaluated once, at the boundary itself, even when the tick runs late")
    func slots() async throws {
        let clock = FakeClock()
        let store = try SQLiteLogStore(path: ":memory:")
        let alarms = AlarmsService(store: store, now: { clock.time.withLock { $0 } })
        try await alarms.putMetricAlarm(AlarmsServiceTests.parameters())
        try await MetricsService(store: store, now: { clock.time.withLock { $0 } })
            .putMetricData(
                namespace: "CloudTrailMetrics",
                data: [
                    .at("ConsoleSignInFailureCount", timestamp: AlarmsServiceTests.start + 1_000, value: 9)
                ])
        let scheduler = AlarmScheduler(
            service: alarms, now: { clock.time.withLock { $0 } },
            sleep: { ms in
                clock.time.withLock { $0 += ms + 7 }  // every wait oversleeps a little
            })
        var changes: [(Int64, [String])] = []
        try await scheduler.run(
            shouldStop: { clock.time.withLock { $0 } > AlarmsServiceTests.start + 6 * 60_000 + 30_000 },
            report: { slot, changed in
                clock.ticks.withLock { $0.append(slot) }
                changes.append((slot, changed.map(\.state.rawValue)))
            })
        let ticks = clock.ticks.withLock { $0 }
        #expect(ticks == (0...6).map { AlarmsServiceTests.start + Int64($0) * 60_000 })
        // At the first slot nothing is in range (missing is notBreaching): OK. The 5-minute period holding
        // the 9 ends at start + 5 min: the alarm fires at that slot, not before.
        #expect(
            changes.filter { !$0.1.isEmpty }.map(\.0) == [AlarmsServiceTests.start, AlarmsServiceTests.start + 300_000])
        #expect(changes.filter { !$0.1.isEmpty }.map(\.1) == [["OK"], ["ALARM"]])
    }

    @Test(
        "a 10-second alarm is judged at every 10-second boundary, a 1-minute alarm only at minute boundaries, as CloudWatch evaluates high-resolution alarms"
    )
    func highResolutionSlots() async throws {
        let clock = FakeClock()  // starts 42 s after a minute boundary
        let store = try SQLiteLogStore(path: ":memory:")
        let alarms = AlarmsService(store: store, now: { clock.time.withLock { $0 } })
        let metrics = MetricsService(store: store, now: { clock.time.withLock { $0 } })
        for (name, period) in [("fast", 10), ("slow", 60)] {
            var input = AlarmsServiceTests.parameters(actions: false)
            input.alarmName = name
            input.metricName = name
            input.period = Int32(period)
            try await alarms.putMetricAlarm(input)
        }
        let start = AlarmsServiceTests.start
        // Breaching data for both, in the 10-second period [start + 70 s, start + 80 s).
        try await metrics.putMetricData(
            namespace: "CloudTrailMetrics",
            data: ["fast", "slow"].map { .at($0, timestamp: start + 71_000, value: 9, storageResolution: 1) })
        var changes: [(slot: Int64, alarm: String, state: String)] = []
        var slots: [Int64] = []
        try await AlarmScheduler(
            service: alarms, now: { clock.time.withLock { $0 } }, sleep: { ms in clock.time.withLock { $0 += ms + 3 } }
        ).run(
            shouldStop: { clock.time.withLock { $0 } > start + 125_000 },
            report: { slot, changed in
                slots.append(slot)
                changes += changed.map { (slot, $0.name, $0.state.rawValue) }
            })
        // The first tick is the minute boundary the scheduler starts in (start), then the 10-second boundary
        // it starts in (start + 40 s), then every 10 s to start + 120 s.
        #expect(slots == [start] + (4...12).map { start + Int64($0) * 10_000 })
        // The 10-second alarm fires at the boundary ending its breaching period (start + 80 s) and recovers
        // once that period leaves its evaluation range of N + 2 = 3 periods (at start + 110 s); the 1-minute
        // one fires only at the minute boundary after its period (start + 120 s).
        let fast = changes.filter { $0.alarm == "fast" }.map { "\($0.slot - start) \($0.state)" }
        #expect(fast == ["0 OK", "80000 ALARM", "110000 OK"])
        let slow = changes.filter { $0.alarm == "slow" }.map { "\($0.slot - start) \($0.state)" }
        #expect(slow == ["0 OK", "120000 ALARM"])
    }

    @Test("a second scheduler waits while the first holds the lease, and takes over when it stops or its lease lapses")
    func oneSchedulerPerStore() async throws {
        let clock = FakeClock()
        let store = try SQLiteLogStore(path: ":memory:")
        let alarms = AlarmsService(store: store, now: { clock.time.withLock { $0 } })
        func scheduler(_ name: String) -> AlarmScheduler {
            AlarmScheduler(
                service: alarms, holder: name, now: { clock.time.withLock { $0 } },
                sleep: { ms in clock.time.withLock { $0 += ms } })
        }
        let start = clock.time.withLock { $0 }
        // A crashed scheduler: its lease stays until it lapses, nobody releases it.
        _ = try await store.acquireLease(
            AlarmScheduler.leaseName, holder: "crashed", now: start, until: start + AlarmScheduler.leaseDuration)
        var waitedFor: [String] = []
        var ticks: [Int64] = []
        try await scheduler("second").run(
            shouldStop: { clock.time.withLock { $0 } > start + 3 * 60_000 },
            waiting: { waitedFor.append($0.holder) }, report: { slot, _ in ticks.append(slot) })
        #expect(waitedFor == ["crashed"], "one message per holder")
        // Nothing before the crashed lease lapsed (start + 60 s): the first tick is the slot it lapsed in.
        let lapsed = start + AlarmScheduler.leaseDuration
        #expect(ticks.first == lapsed - lapsed % 60_000, "\(ticks)")
        #expect(ticks.count == 3, "and then every minute boundary: \(ticks)")
        // The second stopped cleanly: its lease is released, a third takes it at once.
        let now = clock.time.withLock { $0 }
        #expect(
            try await store.acquireLease(AlarmScheduler.leaseName, holder: "third", now: now, until: now + 1).holder
                == "third")
    }
}

/// Composite alarms follow their children in the same tick; cycles and orphaning deletes are refused.
struct CompositeAlarmTests {
    @Test("a composite follows its children, in the same commit, also through SetAlarmState and a chain of composites")
    func follows() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        let alarms = AlarmsService(store: store, now: { AlarmsServiceTests.start })
        try await alarms.putMetricAlarm(AlarmsServiceTests.parameters())
        var second = AlarmsServiceTests.parameters()
        second.alarmName = "Deploying"
        try await alarms.putMetricAlarm(second)
        try await alarms.putCompositeAlarm(
            json:
                #"{"AlarmName": "Page", "AlarmRule": "ALARM(ConsoleSignInFailures) AND NOT ALARM(Deploying)", "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:page"]}"#
        )
        try await alarms.putCompositeAlarm(json: #"{"AlarmName": "Escalate", "AlarmRule": "ALARM(Page)"}"#)
        func state(_ n: String) async throws -> String? {
            let page = try await alarms.describeAlarms(
                .init(alarmNames: [n], alarmTypes: [.metricAlarm, .compositeAlarm]))
            return (page.metricAlarms?.first?.stateValue ?? page.compositeAlarms?.first?.stateValue)?.rawValue
        }
        try await alarms.setAlarmState(
            .init(alarmName: "ConsoleSignInFailures", stateValue: .alarm, stateReason: "test"))
        #expect(try await state("Page") == "ALARM")
        #expect(try await state("Escalate") == "ALARM")
        #expect(try await store.outbox(status: nil).map(\.action).contains("arn:aws:sns:us-east-1:123456789012:page"))
        let page = try #require(try await store.outbox(status: nil).first { $0.action.hasSuffix(":page") })
        let message = try #require(try JSONSerialization.jsonObject(with: Data(page.payload.utf8)) as? [String: Any])
        #expect(
            message["AlarmRule"] as? String == "ALARM(ConsoleSignInFailures) AND NOT ALARM(Deploying)"
                && message["Trigger"] == nil)
        try await alarms.setAlarmState(.init(alarmName: "Deploying", stateValue: .alarm, stateReason: "deploy started"))
        #expect(try await state("Page") == "OK")
        #expect(try await state("Escalate") == "OK")
        #expect(
            try await alarms.describeAlarmHistory(.init(alarmName: "Page", historyItemType: .stateUpdate))
                .alarmHistoryItems?
                .first?.historySummary
                == "Alarm updated from ALARM to OK")
    }

    @Test(
        "DescribeAlarmHistory's AlarmTypes: metric alarms only by default, composites when asked, both when both; by name, that alarm's"
    )
    func historyByAlarmType() async throws {
        let store = try SQLiteLogStore(path: ":memory:")
        let alarms = AlarmsService(store: store, now: { AlarmsServiceTests.start })
        try await alarms.putMetricAlarm(AlarmsServiceTests.parameters())
        try await alarms.putCompositeAlarm(json: #"{"AlarmName": "Page", "AlarmRule": "ALARM(ConsoleSignInFailures)"}"#)
        try await alarms.setAlarmState(
            .init(alarmName: "ConsoleSignInFailures", stateValue: .alarm, stateReason: "test"))
        func names(_ input: CloudWatch.DescribeAlarmHistoryInput) async throws -> Set<String> {
            // Every page, one item at a time: the type filter must hold across pages.
            var input = input
            input.maxRecords = 1
            var seen: Set<String> = []
            var items = 0
            repeat {
                let page = try await alarms.describeAlarmHistory(input)
                for item in page.alarmHistoryItems ?? [] {
                    seen.insert("\(item.alarmName ?? "?")/\(item.alarmType?.rawValue ?? "?")")
                    items += 1
                }
                input.nextToken = page.nextToken
            } while input.nextToken != nil && items < 100
            return seen
        }
        let metric = "ConsoleSignInFailures/MetricAlarm"
        let composite = "Page/CompositeAlarm"
        #expect(try await names(.init()) == [metric])
        #expect(try await names(.init(alarmTypes: [])) == [metric])
        #expect(try await names(.init(alarmTypes: [.compositeAlarm])) == [composite])
        #expect(try await names(.init(alarmTypes: [.metricAlarm, .compositeAlarm])) == [metric, composite])
        #expect(try await names(.init(alarmName: "Page")) == [composite])
        #expect(try await names(.init(alarmName: "Page", alarmTypes: [.metricAlarm])).isEmpty)
        #expect(try await names(.init(alarmName: "ConsoleSignInFailures", alarmTypes: [.compositeAlarm])).isEmpty)
    }

    @Test("cycles, unknown children, bad rules and deleting a child are refused")
    func refusals() async throws {
        let alarms = AlarmsService(store: try SQLiteLogStore(path: ":memory:"))
        try await alarms.putMetricAlarm(AlarmsServiceTests.parameters())
        try await alarms.putCompositeAlarm(json: #"{"AlarmName": "A", "AlarmRule": "ALARM(ConsoleSignInFailures)"}"#)
        try await alarms.putCompositeAlarm(json: #"{"AlarmName": "B", "AlarmRule": "ALARM(A)"}"#)
        func code(_ body: () async throws -> Void) async -> String? {
            do {
                try await body()
                return nil
            } catch { return (error as? CloudWatchError)?.message }
        }
        #expect(
            await code {
                try await alarms.putCompositeAlarm(json: #"{"AlarmName": "A", "AlarmRule": "ALARM(B)"}"#)
            }?.contains(
                "cannot form a cycle") == true)
        #expect(
            await code {
                try await alarms.putCompositeAlarm(json: #"{"AlarmName": "C", "AlarmRule": "ALARM(C)"}"#)
            }?.contains(
                "cannot form a cycle") == true)
        #expect(
            await code {
                try await alarms.putCompositeAlarm(json: #"{"AlarmName": "C", "AlarmRule": "ALARM(Nope)"}"#)
            }?.contains(
                "does not exist") == true)
        #expect(
            await code {
                try await alarms.putCompositeAlarm(json: #"{"AlarmName": "C", "AlarmRule": "ALARM(A) AND"}"#)
            }?.contains(
                "AlarmRule is invalid") == true)
        #expect(
            await code { try await alarms.deleteAlarms(.init(alarmNames: ["A"])) }?.contains(
                "composite alarm B depends on it")
                == true)
        // metric alarms only, as AWS without AlarmTypes
        #expect(try await alarms.describeAlarms().names == ["ConsoleSignInFailures"])
        #expect(try await alarms.describeAlarms(.init(alarmTypes: [.compositeAlarm])).names == ["A", "B"])
        #expect(
            try await alarms.describeAlarms(.init(alarmTypes: [.compositeAlarm], childrenOfAlarmName: "A")).names
                .isEmpty)
        #expect(try await alarms.describeAlarms(.init(childrenOfAlarmName: "A")).names == ["ConsoleSignInFailures"])
        #expect(
            try await alarms.describeAlarms(
                .init(alarmTypes: [.metricAlarm, .compositeAlarm], childrenOfAlarmName: "B")
            )
            .names
                == ["A"])
        #expect(
            try await alarms.describeAlarms(
                .init(alarmTypes: [.compositeAlarm], parentsOfAlarmName: "ConsoleSignInFailures")
            )
            .names == ["A"])
        #expect(
            try await alarms.describeAlarms(.init(actionPrefix: "arn:aws:sns:us-east-1:123456789012:security-ok")).names
                == ["ConsoleSignInFailures"])
        #expect(try await alarms.describeAlarms(.init(actionPrefix: "arn:aws:sns:eu")).names.isEmpty)
        #expect(
            try await alarms.describeAlarmsForMetric(
                .init(
                    metricName: "ConsoleSignInFailureCount", namespace: "CloudTrailMetrics", statistic: .sum,
                    period: 300)
            ).metricAlarms?.compactMap(\.alarmName)
                == ["ConsoleSignInFailures"])
        #expect(
            try await alarms.describeAlarmsForMetric(
                .init(metricName: "ConsoleSignInFailureCount", namespace: "CloudTrailMetrics", period: 60)
            ).metricAlarms?.isEmpty == true)
        try await alarms.deleteAlarms(.init(alarmNames: ["A", "B"]))
        #expect(
            try await alarms.describeAlarms(.init(alarmTypes: [.metricAlarm, .compositeAlarm])).names == [
                "ConsoleSignInFailures"
            ])
    }
}

/// Tags on alarms: set at creation, ignored by updates, changed by TagResource and UntagResource.
struct AlarmTagTests {
    @Test("tags come with the alarm, survive updates, and change only through tag and untag, by name or ARN")
    func tags() async throws {
        let alarms = AlarmsService(store: try SQLiteLogStore(path: ":memory:"))
        var parameters = AlarmsServiceTests.parameters()
        parameters.tags = [.init(key: "Team", value: "Security")]
        try await alarms.putMetricAlarm(parameters)
        parameters.tags = [.init(key: "Team", value: "Other")]
        parameters.threshold = 5
        try await alarms.putMetricAlarm(parameters)
        func tags() async throws -> [String: String] {
            try await alarms.listTagsForResource(.init(resourceARN: "ConsoleSignInFailures")).tags?.dictionary ?? [:]
        }
        func tag(_ alarm: String, _ tags: [String: String]) async throws {
            try await alarms.tagResource(
                .init(resourceARN: alarm, tags: tags.map { .init(key: $0.key, value: $0.value) }))
        }
        #expect(try await tags() == ["Team": "Security"])
        try await tag("arn:aws:cloudwatch:us-east-1:123456789012:alarm:ConsoleSignInFailures", ["Env": "prod"])
        #expect(try await tags() == ["Team": "Security", "Env": "prod"])
        try await alarms.untagResource(.init(resourceARN: "ConsoleSignInFailures", tagKeys: ["Team"]))
        #expect(try await tags() == ["Env": "prod"])
        await #expect(throws: CloudWatchError.self) { try await tag("ConsoleSignInFailures", ["aws:x": "y"]) }
        await #expect(throws: CloudWatchError.self) {
            try await tag("ConsoleSignInFailures", Dictionary(uniqueKeysWithValues: (0..<50).map { ("k\($0)", "v") }))
        }
        await #expect(throws: CloudWatchError.self) { try await tag("missing", ["a": "b"]) }
        // Tags are not configuration: the alarm keeps evaluating with its definition (threshold 5).
        let record = try #require(try await alarms.describeAlarms().metricAlarms?.first)
        #expect(record.threshold == 5)
    }
}

/// Composite alarms with an ActionsSuppressor, end to end: outbox messages held, released or dropped.
struct ActionsSuppressorTests {
    static let start = AlarmsServiceTests.start

    func setUp() async throws -> (AlarmsService, AlarmsServiceTests.Clock, SQLiteLogStore) {
        let clock = AlarmsServiceTests.Clock()
        let store = try await AlarmsServiceTests.storeWithTopics()
        let alarms = AlarmsService(store: store, now: { clock.now })
        // With no data, evaluations keep the child in ALARM (breaching) and the suppressor in OK.
        var child = AlarmsServiceTests.parameters(actions: false)
        child.treatMissingData = .breaching
        try await alarms.putMetricAlarm(child)
        var maintenance = AlarmsServiceTests.parameters(actions: false)
        maintenance.alarmName = "Maintenance"
        try await alarms.putMetricAlarm(maintenance)
        try await alarms.putCompositeAlarm(
            json:
                #"{"AlarmName": "Page", "AlarmRule": "ALARM(ConsoleSignInFailures)", "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:page"], "ActionsSuppressor": "Maintenance", "ActionsSuppressorWaitPeriod": 120, "ActionsSuppressorExtensionPeriod": 180}"#
        )
        return (alarms, clock, store)
    }

    func page(_ alarms: AlarmsService) async throws -> AlarmRecord {
        try #require(try await alarms.store.alarms(names: ["Page"], prefix: nil, state: nil).first)
    }

    @Test(
        "a composite going into ALARM waits for its suppressor; with none coming, the message goes out at the first tick after the wait, with its Action item"
    )
    func waitPeriod() async throws {
        let (alarms, clock, store) = try await setUp()
        try await alarms.setAlarmState(
            .init(alarmName: "ConsoleSignInFailures", stateValue: .alarm, stateReason: "test"))
        #expect(try await page(alarms).state == .alarm)
        #expect(try await page(alarms).suppression.cause == .waitPeriod)
        #expect(try await store.outbox(status: nil).map(\.status) == [.held])
        #expect(
            try await alarms.describeAlarmHistory(.init(alarmName: "Page", historyItemType: .action)).alarmHistoryItems?
                .isEmpty == true)
        clock.set(Self.start + 60_000)
        try await alarms.evaluate(at: clock.now)
        #expect(try await store.outbox(status: nil).map(\.status) == [.held])
        clock.set(Self.start + 180_000)
        try await alarms.evaluate(at: clock.now)
        #expect(try await store.outbox(status: nil).map(\.status) == [.pending])
        #expect(try await page(alarms).suppression == ActionsSuppression())
        let action = try #require(
            try await alarms.describeAlarmHistory(.init(alarmName: "Page", historyItemType: .action)).alarmHistoryItems?
                .first
        )
        #expect(
            action.historySummary == "Successfully executed action arn:aws:sns:us-east-1:123456789012:page"
                && action.timestamp?.millisecondsSinceEpoch == Self.start + 180_000)
    }

    @Test(
        "a suppressor in ALARM holds the composite's message; it goes out after the extension period if the composite is still in ALARM"
    )
    func suppressedThenExtended() async throws {
        let (alarms, clock, store) = try await setUp()
        try await alarms.setAlarmState(
            .init(alarmName: "Maintenance", stateValue: .alarm, stateReason: "maintenance window"))
        try await alarms.setAlarmState(
            .init(alarmName: "ConsoleSignInFailures", stateValue: .alarm, stateReason: "test"))
        #expect(try await page(alarms).suppression.cause == .alarm)
        #expect(try await store.outbox(status: .held).count == 1)
        clock.set(Self.start + 600_000)
        try await alarms.setAlarmState(.init(alarmName: "Maintenance", stateValue: .ok, stateReason: "window over"))
        #expect(
            try await page(alarms).suppression
                == ActionsSuppression(cause: .extensionPeriod, until: Self.start + 780_000, held: true))
        clock.set(Self.start + 780_000)
        try await alarms.evaluate(at: clock.now)
        #expect(try await store.outbox(status: nil).map(\.status) == [.pending])
    }

    @Test("a newer change of the composite drops the message still held for the older one")
    func newerChangeDrops() async throws {
        let (alarms, _, store) = try await setUp()
        try await alarms.setAlarmState(
            .init(alarmName: "Maintenance", stateValue: .alarm, stateReason: "maintenance window"))
        try await alarms.setAlarmState(
            .init(alarmName: "ConsoleSignInFailures", stateValue: .alarm, stateReason: "test"))
        try await alarms.setAlarmState(
            .init(alarmName: "ConsoleSignInFailures", stateValue: .ok, stateReason: "test over"))
        #expect(try await page(alarms).state == .ok)
        #expect(try await store.outbox(status: nil).map(\.status) == [.dropped])
        #expect(try await page(alarms).suppression == ActionsSuppression(cause: .alarm, until: nil, held: false))
    }

    @Test(
        "ActionsSuppressor is checked: its periods are required with it and only with it, it must exist, and it cannot be deleted while in use"
    )
    func refusals() async throws {
        let (alarms, _, _) = try await setUp()
        func message(_ body: () async throws -> Void) async -> String? {
            do {
                try await body()
                return nil
            } catch { return (error as? CloudWatchError)?.message }
        }
        #expect(
            await message {
                try await alarms.putCompositeAlarm(
                    json: #"{"AlarmName": "X", "AlarmRule": "TRUE", "ActionsSuppressor": "Maintenance"}"#)
            }?
            .contains("ActionsSuppressorWaitPeriod is required") == true)
        #expect(
            await message {
                try await alarms.putCompositeAlarm(
                    json: #"{"AlarmName": "X", "AlarmRule": "TRUE", "ActionsSuppressorExtensionPeriod": 60}"#)
            }?
            .contains("only be given with ActionsSuppressor") == true)
        #expect(
            await message {
                try await alarms.putCompositeAlarm(
                    json:
                        #"{"AlarmName": "X", "AlarmRule": "TRUE", "ActionsSuppressor": "Nope", "ActionsSuppressorWaitPeriod": 60, "ActionsSuppressorExtensionPeriod": 60}"#
                )
            }?
            .contains("ActionsSuppressor Nope does not exist") == true)
        #expect(
            await message {
                try await alarms.putCompositeAlarm(
                    json:
                        #"{"AlarmName": "X", "AlarmRule": "TRUE", "ActionsSuppressor": "Maintenance", "ActionsSuppressorWaitPeriod": -1, "ActionsSuppressorExtensionPeriod": 60}"#
                )
            }?
            .contains("whole number of seconds") == true)
        #expect(
            await message { try await alarms.deleteAlarms(.init(alarmNames: ["Maintenance"])) }?.contains(
                "ActionsSuppressor of the composite alarm Page") == true)
        // By ARN, as AWS allows.
        try await alarms.putCompositeAlarm(
            json:
                #"{"AlarmName": "X", "AlarmRule": "TRUE", "ActionsSuppressor": "arn:aws:cloudwatch:us-east-1:000000000000:alarm:Maintenance", "ActionsSuppressorWaitPeriod": 0, "ActionsSuppressorExtensionPeriod": 0}"#
        )
    }

    @Test(
        "a composite's reason names the child that triggered it, and StateReasonData lists the triggering alarms, as CloudWatch writes them"
    )
    func compositeReason() async throws {
        let (alarms, _, _) = try await setUp()
        try await alarms.setAlarmState(
            .init(alarmName: "ConsoleSignInFailures", stateValue: .alarm, stateReason: "test"))
        let record = try await page(alarms)
        #expect(
            record.stateReason
                == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ConsoleSignInFailures transitioned to ALARM at Wednesday 25 November, 2026 09:50:00 UTC"
        )
        let data = try #require(
            try JSONSerialization.jsonObject(with: Data((record.stateReasonData ?? "").utf8)) as? [String: Any])
        let triggering = try #require(data["triggeringAlarms"] as? [[String: Any]])
        #expect(
            triggering.count == 1
                && triggering[0]["arn"] as? String == AWSAccount.standard.alarmARN("ConsoleSignInFailures"))
        #expect((triggering[0]["state"] as? [String: Any])?["value"] as? String == "ALARM")
        #expect((triggering[0]["state"] as? [String: Any])?["timestamp"] as? String == "2026-11-25T09:50:00.000+0000")
    }
}

extension AlarmsService {
    /// PutCompositeAlarm with its input written as the API's JSON.
    func putCompositeAlarm(json: String) async throws {
        try await putCompositeAlarm(try APIInputs.cloudWatch(CloudWatch.PutCompositeAlarmInput.self, json))
    }
}
