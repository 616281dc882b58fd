import ArgumentParser
import Foundation
import VigilAPI
import VigilAlarms
import VigilMetrics
import VigilService
import VigilStore

/// `vigil alarms`: metric alarms on the local store (aws cloudwatch put-metric-alarm, describe-alarms, …).
struct AlarmsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alarms",
        abstract: "Create, list, evaluate and inspect metric alarms (aws cloudwatch …-alarm…).",
        subcommands: [
            PutMetricAlarmCommand.self, PutCompositeAlarmCommand.self, AlarmsListCommand.self,
            AlarmsDescribeCommand.self, AlarmsHistoryCommand.self,
            SetAlarmStateCommand.self, DeleteAlarmsCommand.self, AlarmActionsCommand.self, AlarmsEvaluateCommand.self,
            AlarmsRunCommand.self, AlarmTagsCommand.self,
        ]
    )

    static func open(_ store: StoreOptions) throws -> AlarmsService {
        AlarmsService(store: try store.openService().store)
    }

    static let bothTypes: [CloudWatch.AlarmType] = [.metricAlarm, .compositeAlarm]

    /// Every alarm DescribeAlarms returns for `input`, page after page.
    static func all(_ service: AlarmsService, _ input: CloudWatch.DescribeAlarmsInput) async throws
        -> CloudWatch.DescribeAlarmsOutput
    {
        var input = input
        var out = CloudWatch.DescribeAlarmsOutput(compositeAlarms: [], metricAlarms: [])
        repeat {
            let page = try await service.describeAlarms(input)
            out.compositeAlarms? += page.compositeAlarms ?? []
            out.metricAlarms? += page.metricAlarms ?? []
            input.nextToken = page.nextToken
        } while input.nextToken != nil
        return out
    }

    /// Prints rows as a table whose columns are as wide as their widest cell.
    static func table(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
        for row in [header] + rows {
            print(
                row.indices.map { c in
                    c == row.count - 1 ? row[c] : row[c].padding(toLength: widths[c], withPad: " ", startingAt: 0)
                }.joined(separator: "  "))
        }
    }

    static func time(_ t: Timestamp?) -> String { t?.description ?? "" }
}

/// Output format of the listing commands.
enum OutputFormat: String, ExpressibleByArgument { case table, json }

/// `vigil alarms put-metric-alarm --cli-input-json FILE`.
struct PutMetricAlarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put-metric-alarm", abstract: "Create or update a metric alarm from PutMetricAlarm JSON.")
    @OptionGroup var store: StoreOptions
    @Option(
        name: .customLong("cli-input-json"),
        help: "PutMetricAlarm's parameters as JSON: inline, file://path, or a path.")
    var input: String

    func run() async throws {
        try await AWSErrorExit.run("PutMetricAlarm") {
            let parameters = try CLIJSON.cloudWatch(
                CloudWatch.PutMetricAlarmInput.self, input, option: "--cli-input-json", bareFilePath: true)
            try await AlarmsCommand.open(store).putMetricAlarm(parameters)
        }
    }
}

/// `vigil alarms put-composite-alarm --cli-input-json FILE`.
struct PutCompositeAlarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put-composite-alarm",
        abstract: "Create or update a composite alarm from PutCompositeAlarm JSON (AlarmName, AlarmRule, actions).")
    @OptionGroup var store: StoreOptions
    @Option(
        name: .customLong("cli-input-json"),
        help: "PutCompositeAlarm's parameters as JSON: inline, file://path, or a path.")
    var input: String

    func run() async throws {
        try await AWSErrorExit.run("PutCompositeAlarm") {
            let parameters = try CLIJSON.cloudWatch(
                CloudWatch.PutCompositeAlarmInput.self, input, option: "--cli-input-json", bareFilePath: true)
            try await AlarmsCommand.open(store).putCompositeAlarm(parameters)
        }
    }
}

/// `vigil alarms list`: one line per alarm.
struct AlarmsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List alarms with their state (a table, or --output json).")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("alarm-name-prefix"), help: "Only alarms whose name starts with this.")
    var prefix: String?
    @Option(name: .customLong("state-value"), help: "Only alarms in this state: OK, ALARM or INSUFFICIENT_DATA.")
    var state: String?
    @Option(name: .customLong("output"), help: "table or json.") var output: OutputFormat = .table

    func run() async throws {
        try await AWSErrorExit.run("DescribeAlarms") {
            let service = try AlarmsCommand.open(store)
            let all = try await AlarmsCommand.all(
                service,
                .init(
                    alarmNamePrefix: prefix, alarmTypes: AlarmsCommand.bothTypes,
                    stateValue: try state.map {
                        try CLIJSON.cloudWatchValue(CloudWatch.StateValue.self, $0, member: "StateValue")
                    }))
            if output == .json { return try CLIJSON.print(all) }
            let metric = (all.metricAlarms ?? []).map { a in
                [
                    a.alarmName ?? "", a.stateValue?.rawValue ?? "", AlarmsCommand.time(a.stateUpdatedTimestamp),
                    "\(a.namespace ?? "")/\(a.metricName ?? "")", String((a.stateReason ?? "").prefix(80)),
                ]
            }
            let composite = (all.compositeAlarms ?? []).map { a in
                [
                    a.alarmName ?? "", a.stateValue?.rawValue ?? "", AlarmsCommand.time(a.stateUpdatedTimestamp),
                    "(composite)", String((a.stateReason ?? "").prefix(80)),
                ]
            }
            AlarmsCommand.table(
                ["NAME", "STATE", "SINCE", "METRIC", "REASON"], (metric + composite).sorted { $0[0] < $1[0] })
        }
    }
}

/// `vigil alarms describe NAME`.
struct AlarmsDescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Print one alarm's definition and state as JSON.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The alarm's name.") var name: String

    func run() async throws {
        try await AWSErrorExit.run("DescribeAlarms") {
            let page = try await AlarmsCommand.open(store).describeAlarms(
                .init(alarmNames: [name], alarmTypes: AlarmsCommand.bothTypes))
            if let alarm = page.metricAlarms?.first { return try CLIJSON.print(alarm) }
            if let alarm = page.compositeAlarms?.first { return try CLIJSON.print(alarm) }
            throw CloudWatchError.alarmNotFound(name)
        }
    }
}

/// `vigil alarms history [NAME]`.
struct AlarmsHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "An alarm's history, newest first (a table, or --output json).")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The alarm (default: every alarm).") var name: String?
    @Option(name: .customLong("history-item-type"), help: "ConfigurationUpdate, StateUpdate or Action.")
    var type: String?
    @Option(name: .customLong("max-records"), help: "At most this many items (1 to 100).") var limit: Int32 = 100
    @Option(name: .customLong("output"), help: "table or json.") var output: OutputFormat = .table

    func run() async throws {
        try await AWSErrorExit.run("DescribeAlarmHistory") {
            let history = try await AlarmsCommand.open(store).describeAlarmHistory(
                .init(
                    alarmName: name,
                    historyItemType: try type.map {
                        try CLIJSON.cloudWatchValue(CloudWatch.HistoryItemType.self, $0, member: "HistoryItemType")
                    }, maxRecords: limit))
            if output == .json { return try CLIJSON.print(history) }
            AlarmsCommand.table(
                ["TIME", "ALARM", "TYPE", "SUMMARY"],
                (history.alarmHistoryItems ?? []).map {
                    [
                        AlarmsCommand.time($0.timestamp), $0.alarmName ?? "", $0.historyItemType?.rawValue ?? "",
                        $0.historySummary ?? "",
                    ]
                })
        }
    }
}

/// `vigil alarms set-alarm-state`.
struct SetAlarmStateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-alarm-state", abstract: "Set an alarm's state until its next evaluation (its actions run).")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("alarm-name"), help: "The alarm.") var name: String
    @Option(name: .customLong("state-value"), help: "OK, ALARM or INSUFFICIENT_DATA.") var state: String
    @Option(name: .customLong("state-reason"), help: "Why, in words.") var reason: String
    @Option(name: .customLong("state-reason-data"), help: "Why, as JSON.") var reasonData: String?

    func run() async throws {
        try await AWSErrorExit.run("SetAlarmState") {
            let value = try CLIJSON.cloudWatchValue(CloudWatch.StateValue.self, state, member: "StateValue")
            try await AlarmsCommand.open(store).setAlarmState(
                .init(alarmName: name, stateValue: value, stateReason: reason, stateReasonData: reasonData))
        }
    }
}

/// `vigil alarms delete-alarms`.
struct DeleteAlarmsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-alarms", abstract: "Delete alarms (all of them, or none if one does not exist).")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("alarm-names"), parsing: .upToNextOption, help: "The alarms.") var names: [String]

    func run() async throws {
        try await AWSErrorExit.run("DeleteAlarms") {
            try await AlarmsCommand.open(store).deleteAlarms(.init(alarmNames: names))
        }
    }
}

/// `vigil alarms actions enable|disable`.
struct AlarmActionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actions", abstract: "Enable or disable alarms' actions (enable-/disable-alarm-actions).")
    @OptionGroup var store: StoreOptions
    @Argument(help: "enable or disable.") var change: String
    @Option(name: .customLong("alarm-names"), parsing: .upToNextOption, help: "The alarms.") var names: [String]

    func validate() throws {
        guard ["enable", "disable"].contains(change) else { throw ValidationError("say enable or disable.") }
    }

    func run() async throws {
        try await AWSErrorExit.run(change == "enable" ? "EnableAlarmActions" : "DisableAlarmActions") {
            let service = try AlarmsCommand.open(store)
            if change == "enable" {
                try await service.enableAlarmActions(.init(alarmNames: names))
            } else {
                try await service.disableAlarmActions(.init(alarmNames: names))
            }
        }
    }
}

/// `vigil alarms evaluate`: one evaluation tick (what the scheduler does each minute).
struct AlarmsEvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Evaluate every alarm once, now or at --at, and print what changed.")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("at"), help: "The evaluation instant (ISO 8601); default now.") var at: String?

    func run() async throws {
        try await AWSErrorExit.run("EvaluateAlarms") {
            let time = try at.map { try CLIJSON.timestamp($0, member: "at") } ?? MetricsCommand.now()
            let service = try AlarmsCommand.open(store)
            let changed = try await service.evaluate(at: time.millisecondsSinceEpoch)
            for r in try await service.records(changed) { print("\(r.name): \(r.state.rawValue): \(r.stateReason)") }
            if changed.isEmpty { print("no alarm changed state") }
        }
    }
}

/// `vigil alarms tags NAME [--add Key=value…] [--remove Key…]`: list, add or remove an alarm's tags.
struct AlarmTagsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tags",
        abstract: "Print an alarm's tags as JSON, after adding (--add) or removing (--remove) some.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The alarm's name or ARN.") var alarm: String
    @Option(name: .customLong("add"), parsing: .upToNextOption, help: "Key=value pairs to add or replace.")
    var add: [String] = []
    @Option(name: .customLong("remove"), parsing: .upToNextOption, help: "Keys to remove.") var remove: [String] = []

    func run() async throws {
        let tags = try TagResourceCommand.parseTags(add)
        try await AWSErrorExit.run(
            add.isEmpty && remove.isEmpty ? "ListTagsForResource" : add.isEmpty ? "UntagResource" : "TagResource"
        ) {
            let service = try AlarmsCommand.open(store)
            if !tags.isEmpty {
                try await service.tagResource(
                    .init(
                        resourceARN: alarm,
                        tags: tags.keys.sorted().map { CloudWatch.Tag(key: $0, value: tags[$0] ?? "") }))
            }
            if !remove.isEmpty { try await service.untagResource(.init(resourceARN: alarm, tagKeys: remove)) }
            try await CLIJSON.print(try service.listTagsForResource(.init(resourceARN: alarm)))
        }
    }
}
