import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import VigilNotify
import VigilServer
import VigilService
import VigilWire

/// `vigil serve`: the AWS endpoint that SDKs and the aws CLI talk to (`--endpoint-url http://127.0.0.1:4566`).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve CloudWatch Logs, CloudWatch and SNS on 127.0.0.1:4566 for AWS SDKs and the aws CLI.",
        discussion: """
            Point a client at it with --endpoint-url http://127.0.0.1:4566 (any region; any credentials unless \
            --credentials names the keys that may sign). \
            Alarms are evaluated at each minute boundary and retention and roll-up run every 10 minutes, as with \
            vigil alarms run (one scheduler per data directory). Alarm notifications and SNS messages are delivered \
            to their topics' http and https subscribers, with retries (docs/notifications.md). One log line per \
            request, per alarm state change and per delivery attempt on standard error. Stops on SIGINT or SIGTERM after the requests in flight.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("listen"), help: "HOST:PORT to listen on (IPv6 as [::1]:4566).")
    var listen = ListenAddress(host: VigilHTTPServer.defaultHost, port: VigilHTTPServer.defaultPort)

    @OptionGroup var accountOptions: AccountOptions

    @Option(
        name: .customLong("credentials"),
        help: ArgumentHelp(
            "An INI file of access keys (the aws CLI's shape); every request must then be signed by one of them.",
            discussion: "A section per key: aws_access_key_id, aws_secret_access_key, and optionally allowed_actions "
                + "(logs:PutLogEvents, cloudwatch:*, …).",
            valueName: "file"))
    var credentialsFile: String?

    @Option(
        name: .customLong("read-timeout"),
        help: "Seconds a request's body may take to arrive (1 to 3600); a slower one is answered with 408.")
    var readTimeout = Int(VigilHTTPServer.defaultBodyReadTimeout.components.seconds)

    @Option(
        name: .customLong("public-url"),
        help: ArgumentHelp(
            "The base URL receivers reach this server by, in SubscribeURL, UnsubscribeURL and SigningCertURL.",
            discussion: "By default http://HOST:PORT of --listen (0.0.0.0 and :: as 127.0.0.1).", valueName: "url"))
    var publicURL: String?

    @Option(
        name: .customLong("webhook-deny"),
        help: ArgumentHelp(
            "An address range (CIDR) webhooks may not connect to, besides link-local and the metadata addresses.",
            valueName: "cidr"))
    var webhookDeny: [String] = []

    @Option(
        name: .customLong("webhook-allow"),
        help: ArgumentHelp("An address range (CIDR) webhooks may connect to even if it is denied.", valueName: "cidr"))
    var webhookAllow: [String] = []

    @Option(
        name: .customLong("smtp-url"),
        help: ArgumentHelp(
            "The SMTP relay e-mail subscriptions deliver through: smtp://[user:password@]host[:port] or smtps://….",
            discussion: "STARTTLS is used when offered, and required with credentials unless the relay is on loopback.",
            valueName: "url"))
    var smtpURL: String?

    @Option(
        name: .customLong("smtp-from"), help: ArgumentHelp("The sender of e-mail notifications.", valueName: "address"))
    var smtpFrom = "vigil@localhost"

    @Option(
        name: .customLong("live-tail-max-session"),
        help: ArgumentHelp(
            "End each StartLiveTail session after this long (AWS ends them after 3h); unlimited by default.",
            valueName: "duration"))
    var liveTailMaximumSession: DurationArgument?

    @Option(
        name: .customLong("live-tail-max-sessions"),
        help: "Live-tail sessions (StartLiveTail and /_vigil/tail) open at once; one more is LimitExceededException.")
    var liveTailMaximumSessions = 100

    @Option(
        name: .customLong("live-tail-buffer-mb"),
        help: "MiB of recent events kept for live-tail sessions; a session further behind is dropped and must resume.")
    var liveTailBufferMB = 64

    @Flag(
        name: .customLong("allow-anonymous"),
        help: "Serve unsigned requests on an address other machines can reach (refused without it or --credentials).")
    var allowAnonymous = false

    func validate() throws {
        if !listen.isLoopback && !allowAnonymous && credentialsFile == nil {
            throw ValidationError(
                "--listen \(listen.description) is reachable from other machines, and without --credentials requests are not "
                    + "authenticated: give --credentials FILE, listen on 127.0.0.1 (the default), or pass --allow-anonymous "
                    + "to serve anyone who can connect.")
        }
        guard (1...3600).contains(readTimeout) else {
            throw ValidationError("--read-timeout must be from 1 to 3600 seconds, not \(readTimeout).")
        }
        for range in webhookDeny + webhookAllow where AddressRange(range) == nil {
            throw ValidationError(
                "--webhook-deny and --webhook-allow take address ranges such as 10.0.0.0/8, not '\(range)'.")
        }
        if let publicURL, !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://")) {
            throw ValidationError("--public-url must start with http:// or https://, not '\(publicURL)'.")
        }
        if let smtpURL {
            do {
                _ = try MailRelay(url: smtpURL, from: smtpFrom)
            } catch {
                throw ValidationError(error.description + ".")
            }
        }
        guard (1...100_000).contains(liveTailMaximumSessions) else {
            throw ValidationError("--live-tail-max-sessions must be from 1 to 100000, not \(liveTailMaximumSessions).")
        }
        guard (1...65_536).contains(liveTailBufferMB) else {
            throw ValidationError("--live-tail-buffer-mb must be from 1 to 65536, not \(liveTailBufferMB).")
        }
        if credentialsFile != nil && allowAnonymous {
            throw ValidationError("--credentials and --allow-anonymous contradict each other: choose one.")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "vigil")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var verifier: SigV4Verifier?
        if let credentialsFile {
            do {
                verifier = SigV4Verifier(credentials: try AccessCredentials(contentsOf: credentialsFile))
            } catch {
                throw ValidationError("--credentials \(error.description)")
            }
        }
        let account = accountOptions.account
        let logs = LogsService(store: try store.openService().store, account: account)
        let alarms = AlarmsService(store: logs.store, account: account)
        let sns = SNSService(store: logs.store, account: account)
        let key: SigningKey
        do {
            key = try SigningKey.load(directory: store.resolvedDirectory)
        } catch {
            throw ServeFailure(
                description: "cannot read or make the SNS signing key in \(store.resolvedDirectory): \(error)")
        }
        let server = VigilHTTPServer(
            logs: logs, metrics: MetricsService(store: logs.store), alarms: alarms, sns: sns,
            signingCertificate: key.certificatePEM, logger: logger, verifier: verifier, prometheus: registry,
            bodyReadTimeout: .seconds(readTimeout),
            liveTail: LiveTailHub(
                store: logs.store, capacity: liveTailBufferMB << 20, maximumSessions: liveTailMaximumSessions),
            liveTailMaximumSession: liveTailMaximumSession?.duration)
        let scheduler = AlarmSchedulerService(alarms: alarms, logs: logs, logger: logger)
        let host = ["0.0.0.0", "::"].contains(listen.host) ? "127.0.0.1" : listen.host
        let base =
            publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(listen.port)"
        let policy = AddressPolicy(
            denied: AddressPolicy.defaultDenied + webhookDeny.compactMap(AddressRange.init),
            allowed: webhookAllow.compactMap(AddressRange.init))
        let relay = try smtpURL.map { try MailRelay(url: $0, from: smtpFrom) }
        let delivery = DeliveryEngine(
            store: logs.store, sns: sns, client: CurlClient(policy: policy), key: key,
            links: SNSEnvelope.Links(
                signingCertURL: base + "/_vigil/sns/SimpleNotificationService.pem", endpoint: base),
            logger: logger, mailRelay: relay)
        logger.info(
            "listening",
            metadata: [
                "address": "\(listen.description)", "data-dir": "\(store.resolvedDirectory)",
                "smtp": "\(relay?.redacted ?? "none")",
                "authentication":
                    "\(verifier.map { "SigV4, \($0.credentials.keys.count) keys" } ?? "none (anonymous)")",
            ])
        do {
            try await server.run(host: listen.host, port: listen.port, background: [scheduler, delivery])
        } catch {
            if "\(error)".contains("Address already in use") {
                // Not a ValidationError: the flags were right, so no usage line follows the message.
                throw ServeFailure(description: "port \(listen.port) on \(listen.host) is in use by another process.")
            }
            throw error
        }
    }
}

/// Why a server with valid flags could not start.
struct ServeFailure: Error, CustomStringConvertible {
    let description: String
}
