import ArgumentParser

/// The `vigil` command: configuration only; each subcommand lives in its own file.
@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "A self-hosted twin of CloudWatch Logs metric filters, alarms and notifications.",
        subcommands: [
            TestPatternCommand.self, MatchCommand.self, IngestCommand.self, LogsCommand.self, MetricsCommand.self,
            AlarmsCommand.self, BacktestCommand.self, MaintainCommand.self, ServeCommand.self,
            NotificationsCommand.self, SNSCommand.self, TailCommand.self,
            BenchCommand.self,
        ]
    )

    static func main() async {
        await main(EmptyOptionValue.rewrite(Array(CommandLine.arguments.dropFirst())))
    }
}
