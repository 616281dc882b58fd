import ArgumentParser
import Foundation
import VigilService
import VigilStore

/// `vigil alarms`: metric alarms on the local store (aws cloudwatch put-metric-alarm, describe-alarms, …).
struct AlarmsCommand: ParsableCommand {
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

    static func time(_ ms: Int64) -> String { MetricsCommand.format(ms) }

    /// `--cli-input-json`: inline JSON, `file://path`, or a path, holding one object.
    static func parameters(_ input: String) throws -> [String: Any] {
        let text = input.hasPrefix("{") || input.hasPrefix("file://") ? input : "file://" + input
        guard let parameters = try MetricsCommand.json(text, "--cli-input-json") as? [String: Any] else {
            throw ValidationError("--cli-input-json must be a JSON object.")
        }
        return parameters
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

    /// An alarm as `aws cloudwatch describe-alarms` prints it: its definition and its state.
    static func json(_ r: AlarmRecord) -> [String: Any] {
        var d = (try? JSONSerialization.jsonObject(with: Data(r.definition.utf8))) as? [String: Any] ?? [:]
        d["StateValue"] = r.state
        d["StateReason"] = r.stateReason
        if let data = r.stateReasonData { d["StateReasonData"] = data }
        d["StateUpdatedTimestamp"] = time(r.stateUpdated)
        d["AlarmConfigurationUpdatedTimestamp"] = time(r.configurationUpdated)
        d["ActionsEnabled"] = r.actionsEnabled
        d["AlarmArn"] = AlarmsService.arn(r.name)
        if d["ActionsSuppressor"] != nil {
            d["ActionsSuppressedBy"] = r.suppression.cause?.rawValue ?? NSNull()
            if let reason = r.suppression.reason { d["ActionsSuppressedReason"] = reason }
        }
        return d
    }
}

/// Output format of the listing commands.
enum OutputFormat: String, ExpressibleByArgument { case table, json }

/// `vigil alarms put-metric-alarm --cli-input-json FILE`.
struct PutMetricAlarmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put-metric-alarm", abstract: "Create or update a metric alarm from PutMetricAlarm JSON.")
    @OptionGroup var store: StoreOptions
    @Option(
        name: .customLong("cli-input-json"),
        help: "PutMetricAlarm's parameters as JSON: inline, file://path, or a path.") var input: String

    func run() throws {
        let parameters = try AlarmsCommand.parameters(input)
        let service = try AlarmsCommand.open(store)
        try ServiceErrorExit.run("PutMetricAlarm") { try service.putMetricAlarm(parameters) }
    }
}

/// `vigil alarms put-composite-alarm --cli-input-json FILE`.
struct PutCompositeAlarmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put-composite-alarm",
        abstract: "Create or update a composite alarm from PutCompositeAlarm JSON (AlarmName, AlarmRule, actions).")
    @OptionGroup var store: StoreOptions
    @Option(
        name: .customLong("cli-input-json"),
        help: "PutCompositeAlarm's parameters as JSON: inline, file://path, or a path.") var input: String

    func run() throws {
        let parameters = try AlarmsCommand.parameters(input)
        let service = try AlarmsCommand.open(store)
        try ServiceErrorExit.run("PutCompositeAlarm") { try service.putCompositeAlarm(parameters) }
    }
}

/// `vigil alarms list`: one line per alarm.
struct AlarmsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List alarms with their state (a table, or --output json).")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("alarm-name-prefix"), help: "Only alarms whose name starts with this.") var prefix:
        String?
    @Option(name: .customLong("state-value"), help: "Only alarms in this state: OK, ALARM or INSUFFICIENT_DATA.")
    var state: String?
    @Option(name: .customLong("output"), help: "table or json.") var output: OutputFormat = .table

    func run() throws {
        let service = try AlarmsCommand.open(store)
        try ServiceErrorExit.run("DescribeAlarms") {
            var all: [AlarmRecord] = []
            var token: String?
            repeat {
                let page = try service.describeAlarms(
                    prefix: prefix, state: state, alarmTypes: ["MetricAlarm", "CompositeAlarm"], nextToken: token)
                all += page.alarms
                token = page.nextToken
            } while token != nil
            if output == .json {
                ServiceErrorExit.printJSON([
                    "MetricAlarms": all.filter { !$0.namespace.isEmpty }.map(AlarmsCommand.json),
                    "CompositeAlarms": all.filter { $0.namespace.isEmpty }.map(AlarmsCommand.json),
                ])
                return
            }
            AlarmsCommand.table(
                ["NAME", "STATE", "SINCE", "METRIC", "REASON"],
                all.map { r in
                    [
                        r.name, r.state, AlarmsCommand.time(r.stateUpdated),
                        r.namespace.isEmpty ? "(composite)" : "\(r.namespace)/\(r.metricName)",
                        String(r.stateReason.prefix(80)),
                    ]
                })
        }
    }
}

/// `vigil alarms describe NAME`.
struct AlarmsDescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Print one alarm's definition and state as JSON.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The alarm's name.") var name: String

    func run() throws {
        let service = try AlarmsCommand.open(store)
        try ServiceErrorExit.run("DescribeAlarms") {
            guard
                let r = try service.describeAlarms(names: [name], alarmTypes: ["MetricAlarm", "CompositeAlarm"]).alarms
                    .first
            else { throw ServiceError("ResourceNotFound", "The alarm \(name) does not exist.") }
            ServiceErrorExit.printJSON(AlarmsCommand.json(r))
        }
    }
}

/// `vigil alarms history [NAME]`.
struct AlarmsHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "An alarm's history, newest first (a table, or --output json).")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The alarm (default: every alarm).") var name: String?
    @Option(name: .customLong("history-item-type"), help: "ConfigurationUpdate, StateUpdate or Action.") var type:
        String?
    @Option(name: .customLong("max-records"), help: "At most this many items (1 to 100).") var limit = 100
    @Option(name: .customLong("output"), help: "table or json.") var output: OutputFormat = .table

    func run() throws {
        let service = try AlarmsCommand.open(store)
        try ServiceErrorExit.run("DescribeAlarmHistory") {
            let items = try service.describeAlarmHistory(name: name, type: type, maxRecords: limit).items
            if output == .json {
                ServiceErrorExit.printJSON([
                    "AlarmHistoryItems": items.map { i in
                        [
                            "AlarmName": i.alarmName, "AlarmType": "MetricAlarm",
                            "Timestamp": AlarmsCommand.time(i.timestamp), "HistoryItemType": i.type,
                            "HistorySummary": i.summary, "HistoryData": i.data,
                        ]
                    }
                ])
                return
            }
            AlarmsCommand.table(
                ["TIME", "ALARM", "TYPE", "SUMMARY"],
                items.map { [AlarmsCommand.time($0.timestamp), $0.alarmName, $0.type, $0.summary] })
        }
    }
}

/// `vigil alarms set-alarm-state`.
struct SetAlarmStateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-alarm-state", abstract: "Set an alarm's state until its next evaluation (its actions run).")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("alarm-name"), help: "The alarm.") var name: String
    @Option(name: .customLong("state-value"), help: "OK, ALARM or INSUFFICIENT_DATA.") var state: String
    @Option(name: .customLong("state-reason"), help: "Why, in words.") var reason: String
    @Option(name: .customLong("state-reason-data"), help: "Why, as JSON.") var reasonData: String?

    func run() throws {
        let service = try AlarmsCommand.open(store)
        try ServiceErrorExit.run("SetAlarmState") {
            try service.setAlarmState(name, state: state, reason: reason, reasonData: reasonData)
        }
    }
}

/// `vigil alarms delete-alarms`.
struct DeleteAlarmsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-alarms", abstract: "Delete alarms (all of them, or none if one does not exist).")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("alarm-names"), parsing: .upToNextOption, help: "The alarms.") var names: [String]

    func run() throws {
        let service = try AlarmsCommand.open(store)
        try ServiceErrorExit.run("DeleteAlarms") { try service.deleteAlarms(names) }
    }
}

/// `vigil alarms actions enable|disable`.
struct AlarmActionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actions", abstract: "Enable or disable alarms' actions (enable-/disable-alarm-actions).")
    @OptionGroup var store: StoreOptions
    @Argument(help: "enable or disable.") var change: String
    @Option(name: .customLong("alarm-names"), parsing: .upToNextOption, help: "The alarms.") var names: [String]

    func validate() throws {
        guard ["enable", "disable"].contains(change) else { throw ValidationError("say enable or disable.") }
    }

    func run() throws {
        let service = try AlarmsCommand.open(store)
        try ServiceErrorExit.run(change == "enable" ? "EnableAlarmActions" : "DisableAlarmActions") {
            if change == "enable" {
                try service.enableAlarmActions(names)
            } else {
                try service.disableAlarmActions(names)
            }
        }
    }
}

/// `vigil alarms evaluate`: one evaluation tick (what the scheduler does each minute).
struct AlarmsEvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Evaluate every alarm once, now or at --at, and print what changed.")
    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("at"), help: "The evaluation instant (ISO 8601); default now.") var at: String?

    func run() throws {
        let service = try AlarmsCommand.open(store)
        let time = try MetricsCommand.parseTime(at, default: Date())
        try ServiceErrorExit.run("EvaluateAlarms") {
            let changed = try service.evaluate(at: time)
            let records = try service.records(changed)
            for r in records { print("\(r.name): \(r.state): \(r.stateReason)") }
            if changed.isEmpty { print("no alarm changed state") }
        }
    }
}

/// `vigil alarms tags NAME [--add Key=value…] [--remove Key…]`: list, add or remove an alarm's tags.
struct AlarmTagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tags",
        abstract: "Print an alarm's tags as JSON, after adding (--add) or removing (--remove) some.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The alarm's name or ARN.") var alarm: String
    @Option(name: .customLong("add"), parsing: .upToNextOption, help: "Key=value pairs to add or replace.") var add:
        [String] = []
    @Option(name: .customLong("remove"), parsing: .upToNextOption, help: "Keys to remove.") var remove: [String] = []

    func run() throws {
        let tags = try TagResourceCommand.parseTags(add)
        let service = try AlarmsCommand.open(store)
        try ServiceErrorExit.run(
            add.isEmpty && remove.isEmpty ? "ListTagsForResource" : add.isEmpty ? "UntagResource" : "TagResource"
        ) {
            if !tags.isEmpty { try service.tagAlarm(alarm, tags: tags) }
            if !remove.isEmpty { try service.untagAlarm(alarm, keys: remove) }
            let current = try service.alarmTags(alarm)
            ServiceErrorExit.printJSON(["Tags": current.keys.sorted().map { ["Key": $0, "Value": current[$0]!] }])
        }
    }
}
