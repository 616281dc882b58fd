import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import VigilAPI
import VigilService
import VigilWire

extension VigilHTTPServer {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    /// `GET /_vigil/tail?logGroup=NAME[&logGroup=…][&filterPattern=P][&streamPrefix=…|&logStream=…][&since=ID]`:
    /// StartLiveTail's parameters (checked as StartLiveTail checks them, refused with its errors as awsJson
    /// bodies), signed as any request when the server requires signatures (the IAM action is
    /// logs:StartLiveTail), answered with ``LiveTailServerSentEvents``.
    /// `connectionClosed` (the request's connection) ends the stream when its client goes.
    func handleTail(_ request: Request, connectionClosed: EventLoopFuture<Void>? = nil) async -> Response {
        let started = ContinuousClock.now
        let operation = "tail"
        func refuse(_ error: CloudWatchLogsError, caller: AccessCredentials.Key? = nil) -> Response {
            finish(
                errorResponse(
                    type: error.code.awsJSONType, message: error.message, status: error.code.httpStatus, .version11, nil
                ),
                operation: operation, started: started, caller: caller)
        }
        let caller: AccessCredentials.Key?
        switch authenticate(request, body: [], action: "logs:StartLiveTail") {
        case .success(let key): caller = key
        case .failure(let failure):
            return finish(
                errorResponse(
                    type: failure.code.awsJSONType, message: failure.message, status: failure.code.httpStatus,
                    .version11, nil),
                operation: operation, started: started)
        }
        guard let liveTail else {
            return refuse(.invalidParameter("This server serves no live tails."), caller: caller)
        }
        guard let pairs = AWSQueryForm.pairs(Array((request.uri.query ?? "").utf8)) else {
            return refuse(.invalidParameter("The query string is not valid percent-encoded UTF-8."), caller: caller)
        }
        let known: Set<String> = ["logGroup", "filterPattern", "streamPrefix", "logStream", "since"]
        if let unknown = pairs.first(where: { !known.contains($0.name) }) {
            return refuse(
                .invalidParameter(
                    "Unknown parameter \(unknown.name): /_vigil/tail takes logGroup, filterPattern, streamPrefix, logStream and since."
                ), caller: caller)
        }
        func all(_ name: String) -> [String]? {
            let values = pairs.filter { $0.name == name }.map(\.value)
            return values.isEmpty ? nil : values
        }
        let resume = request.headers[Self.lastEventID] ?? all("since")?.last
        var after: Int64?
        if let resume {
            guard let id = Int64(resume.trimmingCharacters(in: .whitespaces)), id >= 0 else {
                return refuse(
                    .invalidParameter(
                        "Last-Event-ID and since take an event id (a whole number), not '\(resume.prefix(64))'."),
                    caller: caller)
            }
            after = id
        }
        let input = CloudWatchLogs.StartLiveTailInput(
            logGroupIdentifiers: all("logGroup") ?? [], logStreamNames: all("logStream"),
            logStreamNamePrefixes: all("streamPrefix"), logEventFilterPattern: all("filterPattern")?.last)
        do {
            let session = try await liveTail.open(try await logs.liveTailFilter(input), after: after)
            var headers = HTTPFields()
            headers[.contentType] = LiveTailServerSentEvents.contentType
            headers[.cacheControl] = "no-cache"
            return finish(
                Response(
                    status: .ok, headers: headers,
                    body: LiveTailServerSentEvents(
                        session: session, logger: logger, keepAlive: liveTailKeepAlive,
                        connectionClosed: connectionClosed
                    ).body
                ),
                operation: operation, started: started, caller: caller)
        } catch let error as CloudWatchLogsError {
            return refuse(error, caller: caller)
        } catch {
            logger.error("internal error", metadata: ["operation": "\(operation)", "error": "\(error)"])
            return refuse(
                CloudWatchLogsError(.serviceUnavailable, "The service cannot complete the request."), caller: caller)
        }
    }
}
