import ArgumentParser
import VigilBench

/// `vigil bench`: benchmarks that print ratios against baselines measured in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print ratios against baselines measured in the same run.",
        subcommands: [
            BenchPatternsCommand.self, BenchIngestCommand.self, BenchAlarmsCommand.self, BenchHTTPCommand.self,
            BenchNotifyCommand.self, BenchTailCommand.self,
        ]
    )
}
