import ArgumentParser
import Foundation
import VigilAPI
import VigilClient
import VigilMetrics
import VigilService
import VigilStore

extension TailPrinter.Format: ExpressibleByArgument {}

/// `vigil tail GROUP`: a log group's events since a time, and with `--follow` every new one as it is
/// committed, as `aws logs tail` (aws CLI v2) shows them — on a data directory, whichever process
/// writes to it.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Show a log group's events since a time; with --follow, each new one as it arrives.",
        discussion: """
            Modelled on aws logs tail (aws CLI v2): the same options and formats. With --follow, events come in the \
            order their writes committed, each once, within a tenth of a second of being stored by any process on \
            the data directory (vigil serve, vigil ingest), until SIGINT. Colour on a terminal (--color on|off|auto).

            With --endpoint-url, from a running vigil serve instead: FilterLogEvents for the history, then its \
            /_vigil/tail stream, opened again after the last event shown whenever it breaks. Requests are signed \
            with the aws CLI's credentials (AWS_ACCESS_KEY_ID…, or AWS_PROFILE of ~/.aws/credentials) when there \
            are any.
            """)

    @Argument(help: "The log group.")
    var group: String

    @Flag(name: .customLong("follow"), help: "Keep showing new events as they arrive, until Ctrl-C.")
    var follow = false

    @Option(
        name: .customLong("since"),
        help: ArgumentHelp(
            "Show events from this time on: a relative time (90s, 10m, 3h, 2d, 1w) or an ISO 8601 time.",
            valueName: "time"))
    var since = "10m"

    @Option(name: .customLong("filter-pattern"), help: "Show only events that match this filter pattern.")
    var filterPattern: String?

    @Option(
        name: .customLong("log-stream-names"), parsing: .upToNextOption,
        help: "Show only events of these streams.")
    var logStreamNames: [String] = []

    @Option(name: .customLong("log-stream-name-prefix"), help: "Show only events of streams with this prefix.")
    var logStreamNamePrefix: String?

    @Option(name: .customLong("format"), help: "detailed (the default), short or json.")
    var format = TailPrinter.Format.detailed

    @Option(name: .customLong("color"), help: "on, off, or auto (on when standard output is a terminal).")
    var color = "auto"

    @Option(
        name: .customLong("endpoint-url"),
        help: ArgumentHelp("Tail a running vigil serve instead of a data directory.", valueName: "url"))
    var endpointURL: String?

    @Option(
        name: .customLong("region"),
        help: "With --endpoint-url: the Region requests are signed for (AWS_REGION, else us-east-1).")
    var region: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if !logStreamNames.isEmpty && logStreamNamePrefix != nil {
            throw ValidationError("--log-stream-names and --log-stream-name-prefix cannot both be given.")
        }
        guard ["on", "off", "auto"].contains(color) else {
            throw ValidationError("--color takes on, off or auto, not '\(color)'.")
        }
        _ = try startTime(now: 0)
        if let endpointURL {
            do { _ = try HTTPEndpoint(url: endpointURL) } catch { throw ValidationError("--endpoint-url \(error)") }
        }
        if let region, !AWSAccount.isRegion(region) {
            throw ValidationError("--region must be a Region code such as us-east-1, not '\(region.prefix(64))'.")
        }
    }

    /// `--since` in milliseconds since the epoch.
    func startTime(now: Int64) throws -> Int64 {
        if let relative = DurationArgument(argument: since) { return now - relative.seconds * 1000 }
        if let absolute = UTCDateText.parse(since) { return absolute }
        throw ValidationError("--since takes a relative time (10m, 3h, 2d) or an ISO 8601 time, not '\(since)'.")
    }

    func run() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let start = try startTime(now: now)
        let printer = TailPrinter(format: format, colour: color == "on" || (color == "auto" && isatty(1) == 1))
        let streams = logStreamNames.isEmpty ? nil : logStreamNames
        if let endpointURL {
            try await runRemote(endpoint: try HTTPEndpoint(url: endpointURL), start: start, printer: printer)
            return
        }
        let logs = try store.openService()
        try await AWSErrorExit.run(follow ? "StartLiveTail" : "FilterLogEvents") {
            // Events below `boundary` are shown from history, the rest live: none twice, none missed.
            let boundary = try await logs.store.nextEventID()
            var token: String?
            repeat {
                let page = try await logs.filterLogEvents(
                    CloudWatchLogs.FilterLogEventsInput(
                        logGroupName: group, logStreamNames: streams, logStreamNamePrefix: logStreamNamePrefix,
                        startTime: start, filterPattern: filterPattern, nextToken: token, interleaved: true))
                var out: [UInt8] = []
                for event in page.events ?? [] where (event.eventId.flatMap { Int64($0) } ?? 0) < boundary {
                    out += printer.text(
                        timestamp: event.timestamp ?? 0, stream: event.logStreamName ?? "",
                        message: Array((event.message ?? "").utf8))
                }
                FileHandle.standardOutput.write(Data(out))
                token = page.nextToken
            } while token != nil
            guard follow else { return }
            let filter = try await logs.liveTailFilter(
                CloudWatchLogs.StartLiveTailInput(
                    logGroupIdentifiers: [group], logStreamNames: streams,
                    logStreamNamePrefixes: logStreamNamePrefix.map { [$0] }, logEventFilterPattern: filterPattern))
            // This process writes nothing: its session finds others' writes in the store, looking every 50 ms.
            let session = try await LiveTailHub(store: logs.store).open(filter, after: boundary - 1)
            let signals = StopSignals.install()
            defer { for signal in signals { signal.cancel() } }
            while !StopSignals.stopRequested {
                var out: [UInt8] = []
                for event in try await session.next(wait: .milliseconds(50)) where event.timestamp >= start {
                    out += printer.text(timestamp: event.timestamp, stream: event.stream, message: event.message)
                }
                if !out.isEmpty { FileHandle.standardOutput.write(Data(out)) }
            }
            await session.close()
        }
    }
}

extension TailCommand {
    /// `--endpoint-url`: the same output from a running server (``RemoteLogTail``).
    func runRemote(endpoint: HTTPEndpoint, start: Int64, printer: TailPrinter) async throws {
        let environment = ProcessInfo.processInfo.environment
        let client = VigilClient(
            endpoint: endpoint,
            region: region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1",
            credentials: ClientCredentials.find(in: environment))
        let tail = RemoteLogTail(
            client: client, group: group, streamNames: logStreamNames.isEmpty ? nil : logStreamNames,
            streamPrefix: logStreamNamePrefix, filterPattern: filterPattern, start: start)
        let show: @Sendable ([TailedLogEvent]) async -> Void = { events in
            var out: [UInt8] = []
            for event in events {
                out += printer.text(timestamp: event.timestamp, stream: event.stream, message: event.message)
            }
            FileHandle.standardOutput.write(Data(out))
        }
        let operation = follow ? "StartLiveTail" : "FilterLogEvents"
        do {
            guard follow else {
                try await tail.history(show: show)
                return
            }
            let signals = StopSignals.install()
            defer { for signal in signals { signal.cancel() } }
            let following = Task {
                try await tail.follow(show: show) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            }
            // Ctrl-C cancels the follow, which closes its connection.
            let watcher = Task {
                while !StopSignals.stopRequested { try await Task.sleep(for: .milliseconds(50)) }
                following.cancel()
            }
            defer { watcher.cancel() }
            do { try await following.value } catch is CancellationError {}
        } catch  where StopSignals.stopRequested {
            // Ctrl-C while the history was still coming: the connection it closed is not an error.
        } catch let error as RemoteServiceError {
            try AWSErrorExit.report(operation, code: error.code, message: error.message)
        } catch {
            FileHandle.standardError.write(Data("vigil tail: \(error)\n".utf8))
            throw ExitCode(255)
        }
    }
}
