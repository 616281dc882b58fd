public import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import Metrics
import NIOCore
public import Prometheus
public import ServiceLifecycle
import UnixSignals
import VigilAPI
public import VigilNotify
import VigilPatterns
public import VigilService
public import VigilStore
public import VigilWire

/// Vigil's HTTP endpoint: the AWS wire protocols that unmodified SDKs and the aws CLI speak, on one
/// port (127.0.0.1:4566 by default, the port local AWS emulators use), and `GET /_vigil/health`.
///
/// Every request is `POST /` naming its operation in `X-Amz-Target`; the body is read up to the
/// operation's cap (``AWSOperation/maximumBodyBytes``: 1 MiB, 8 MiB for PutLogEvents), decoded when it
/// is gzip-compressed, and handed to the operation's codec. One structured log line per request:
/// operation, status, duration, events stored.
///
/// ```swift
/// let server = VigilHTTPServer(store: try SQLiteLogStore(path: "vigil-data/vigil.db"), logger: Logger(label: "vigil"))
/// try await server.application(host: "127.0.0.1", port: 4566).runService()
/// ```
public struct VigilHTTPServer: Sendable {
    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 4566
    /// The largest request body read, and the most a compressed body may inflate to. PutLogEvents
    /// carries at most 1,048,576 bytes of messages, which JSON escapes may grow up to six times;
    /// anything larger is refused before it is parsed.
    public static let maximumBodyBytes = 8 << 20

    static let target = HTTPField.Name("X-Amz-Target")!
    static let queryError = HTTPField.Name("x-amzn-query-error")!
    static let retryAfter = HTTPField.Name("Retry-After")!

    /// At most this many requests run at once (more wait, up to ``maximumQueuedRequests``).
    public static let maximumConcurrentRequests = 64
    public static let maximumQueuedRequests = 1024
    /// A connection idle this long is closed.
    public static let idleTimeoutSeconds: Int64 = 60
    /// A request's body must have arrived this long after its handler started reading it.
    public static let defaultBodyReadTimeout = Duration.seconds(30)
    /// How long a `GET /_vigil/tail` stream that shows nothing goes between keep-alive comments.
    public static let defaultLiveTailKeepAlive = Duration.seconds(5)

    let services: [AWSJSONService]
    let account: AWSAccount
    let logs: LogsService
    /// Live tails' events (StartLiveTail and `GET /_vigil/tail`); none: neither is served.
    let liveTail: LiveTailHub?
    let liveTailKeepAlive: Duration
    let logger: Logger
    /// The bound on concurrent requests every AWS request passes.
    public let gate: RequestGate
    /// Checks each request's signature and the key's allowed actions; nil serves every request as the
    /// account's root (only on loopback, which `vigil serve` enforces).
    public let verifier: SigV4Verifier?
    /// Now, for the signature's 15-minute window.
    let clock: @Sendable () -> Date
    /// Reads request bodies up to ``maximumBodyBytes`` within the read timeout.
    let bodyReader: BodyReader
    /// Served as Prometheus text at `GET /metrics` (none: no such route).
    public let prometheus: PrometheusCollectorRegistry?
    /// The operation names requests are counted under; anything else is `unknown`, so a client cannot
    /// grow the metrics without bound.
    let knownOperations: Set<String>
    /// The SNS signing certificate served at `GET /_vigil/sns/SimpleNotificationService.pem` (PEM).
    let signingCertificate: String?

    /// `gate` bounds the requests that run at once (by default ``maximumConcurrentRequests`` running and
    /// ``maximumQueuedRequests`` waiting); `verifier` authenticates them (none: anonymous).
    public init(
        logs: LogsService, metrics: MetricsService, alarms: AlarmsService, sns: SNSService? = nil,
        signingCertificate: String? = nil, logger: Logger,
        gate: RequestGate = RequestGate(capacity: maximumConcurrentRequests, queueLimit: maximumQueuedRequests),
        verifier: SigV4Verifier? = nil, clock: @escaping @Sendable () -> Date = { Date() },
        prometheus: PrometheusCollectorRegistry? = nil, bodyReadTimeout: Duration = defaultBodyReadTimeout,
        liveTail: LiveTailHub? = nil, liveTailMaximumSession: Duration? = nil,
        liveTailKeepAlive: Duration = defaultLiveTailKeepAlive
    ) {
        self.signingCertificate = signingCertificate
        self.gate = gate
        self.bodyReader = BodyReader(timeout: bodyReadTimeout)
        self.verifier = verifier
        self.clock = clock
        self.prometheus = prometheus
        var services = [
            AWSJSONService(
                targetPrefix: CloudWatchLogsOperations.targetPrefix, actionPrefix: "logs", version: .version11,
                queryCompatible: false,
                operations: CloudWatchLogsOperations.table(
                    logs, liveTail: liveTail, maximumSession: liveTailMaximumSession, logger: logger),
                internalFailure: CloudWatchLogsError(.serviceUnavailable, "The service cannot complete the request.")),
            AWSJSONService(
                targetPrefix: CloudWatchOperations.targetPrefix, actionPrefix: "cloudwatch", version: .version10,
                queryCompatible: true, cborNamespace: "com.amazonaws.cloudwatch",
                operations: CloudWatchOperations.table(metrics: metrics, alarms: alarms),
                internalFailure: CloudWatchError(.internalServiceFault, "The service cannot complete the request.")),
        ]
        if let sns {
            // awsQuery only: its target prefix is never sent.
            services.append(
                AWSJSONService(
                    targetPrefix: "AmazonSimpleNotificationService", actionPrefix: "sns", version: .version10,
                    queryCompatible: false, operations: SNSOperations.table(sns),
                    internalFailure: SNSError(.internalError, "The service cannot complete the request.")))
        }
        self.services = services
        self.account = logs.account
        self.logs = logs
        self.liveTail = liveTail
        self.liveTailKeepAlive = liveTailKeepAlive
        self.logger = logger
        knownOperations = Set(services.flatMap(\.operations.keys) + ["GetCallerIdentity"])
    }

    /// All four services over one store, with a live-tail hub of its own.
    public init(
        store: any StoreBackend, signingCertificate: String? = nil, logger: Logger,
        gate: RequestGate = RequestGate(capacity: maximumConcurrentRequests, queueLimit: maximumQueuedRequests),
        verifier: SigV4Verifier? = nil, clock: @escaping @Sendable () -> Date = { Date() },
        prometheus: PrometheusCollectorRegistry? = nil, bodyReadTimeout: Duration = defaultBodyReadTimeout,
        liveTail: LiveTailHub? = nil, liveTailMaximumSession: Duration? = nil,
        liveTailKeepAlive: Duration = defaultLiveTailKeepAlive
    ) {
        self.init(
            logs: LogsService(store: store), metrics: MetricsService(store: store), alarms: AlarmsService(store: store),
            sns: SNSService(store: store), signingCertificate: signingCertificate, logger: logger, gate: gate,
            verifier: verifier, clock: clock, prometheus: prometheus,
            bodyReadTimeout: bodyReadTimeout, liveTail: liveTail ?? LiveTailHub(store: store),
            liveTailMaximumSession: liveTailMaximumSession, liveTailKeepAlive: liveTailKeepAlive)
    }

    /// The routes.
    public func router() -> Router<VigilRequestContext> {
        let router = Router(context: VigilRequestContext.self)
        router.get("/_vigil/health") { _, _ -> String in "ok\n" }
        if let signingCertificate {
            router.get("/_vigil/sns/SimpleNotificationService.pem") { _, _ -> Response in
                var headers = HTTPFields()
                headers[.contentType] = "application/x-pem-file"
                return Response(
                    status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: signingCertificate)))
            }
        }
        if let prometheus {
            router.get("/metrics") { _, _ -> Response in
                var headers = HTTPFields()
                headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
                return Response(
                    status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: prometheus.emitToBuffer()))
                )
            }
        }
        if liveTail != nil {
            router.get("/_vigil/tail") { request, context -> Response in
                guard await gate.enter() else { return self.busy(request) }
                let response = await self.handleTail(request, connectionClosed: context.connectionClosed)
                await gate.leave()
                return response
            }
        }
        router.post("/") { request, _ -> Response in
            guard await gate.enter() else { return self.busy(request) }
            let response = await self.handle(request)
            await gate.leave()
            return response
        }
        // Smithy RPC v2 CBOR: POST /service/<ServiceShape>/operation/<Operation>.
        router.post("/service/**") { request, _ -> Response in
            guard await gate.enter() else { return self.busy(request) }
            let response = await self.handleCBOR(request)
            await gate.leave()
            return response
        }
        // awsQuery also comes as GET with its parameters in the URL, which is the form a presigned request takes.
        router.get("/") { request, _ -> Response in
            guard await gate.enter() else { return self.busy(request) }
            let response = await self.handleQuery(request, started: .now)
            await gate.leave()
            return response
        }
        return router
    }

    /// The server on `host:port`.
    public func application(host: String, port: Int) -> some ApplicationProtocol {
        Application(
            router: router(), server: .http1(configuration: .init(idleTimeout: .seconds(Self.idleTimeoutSeconds))),
            configuration: .init(address: .hostname(host, port: port), serverName: "Vigil"), logger: logger)
    }

    /// Serves on `host:port`, with `background` services beside it (the alarm scheduler), in one
    /// service group until SIGTERM or SIGINT: then the requests in flight finish and every service stops;
    /// a second signal exits at once.
    public func run(host: String, port: Int, background: [any Service] = []) async throws {
        let secondSignal = SecondSignalExit(logger: logger)
        defer { withExtendedLifetime(secondSignal) {} }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: application(host: host, port: port))]
                    + background.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// One AWS request: find the service and operation, read the body, run it, answer in the
    /// protocol's shape.
    func handle(_ request: Request) async -> Response {
        await IngestTally.$current.withValue(IngestTally()) { await handleJSON(request) }
    }

    func handleJSON(_ request: Request) async -> Response {
        let started = ContinuousClock.now
        let target = request.headers[Self.target] ?? ""
        if target.isEmpty,
            request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true
                || AWSQueryForm(Array((request.uri.query ?? "").utf8))?["Action"] != nil
        {
            return await handleQuery(request, started: started)
        }
        let found = services.lazy.compactMap({ s in
            AWSJSONProtocol.operation(target: target, prefix: s.targetPrefix).map { (s, $0) }
        }).first
        let version = found?.0.version ?? .version11
        let limit = found.flatMap { $0.0.operations[$0.1]?.maximumBodyBytes } ?? AWSOperation.defaultMaximumBodyBytes
        var bytes: [UInt8]
        switch await bodyReader.read(request, limit: limit) {
        case .success(let body): bytes = body
        case .failure(let failure):
            return finish(
                errorResponse(
                    type: failure == .tooLarge ? "SerializationException" : "RequestTimeoutException",
                    message: bodyReader.message(failure, limit: limit), status: BodyReader.status(failure), version,
                    found?.0.queryCompatible == true
                        ? (failure == .tooLarge ? "SerializationException;Sender" : "RequestTimeout;Sender") : nil),
                operation: found?.1 ?? target, started: started)
        }
        let caller: AccessCredentials.Key?
        switch authenticate(request, body: bytes, action: found.map { "\($0.0.actionPrefix):\($0.1)" }) {
        case .success(let key): caller = key
        case .failure(let failure):
            return finish(
                errorResponse(
                    type: failure.code.awsJSONType, message: failure.message, status: failure.code.httpStatus, version,
                    found?.0.queryCompatible == true ? AWSJSONProtocol.queryError(failure.code) : nil),
                operation: found?.1 ?? target, started: started, caller: nil)
        }
        guard let (service, name) = found else {
            let message =
                target.isEmpty
                ? "The request names no operation: X-Amz-Target is missing."
                : "X-Amz-Target '\(target)' names no service this endpoint serves."
            return finish(
                errorResponse(type: "UnknownOperationException", message: message, status: 400, .version11, nil),
                operation: target, started: started, caller: caller)
        }
        guard let operation = service.operations[name] else {
            return finish(
                errorResponse(
                    type: "UnknownOperationException", message: "There is no operation named \(name).", status: 400,
                    service.version, service.queryCompatible ? "InvalidAction;Sender" : nil),
                operation: target, started: started, caller: caller)
        }
        switch ContentEncoding.decode(bytes, of: request) {
        case .success(let decoded): bytes = decoded
        case .failure(let failure):
            return finish(
                errorResponse(
                    type: "SerializationException", message: failure.message, status: 400, service.version,
                    service.queryCompatible ? "SerializationException;Sender" : nil),
                operation: name, started: started, caller: caller)
        }
        do {
            if let stream = operation.stream {
                let body = try await stream(try AWSJSONProtocol.members(bytes, operation))
                var headers = HTTPFields()
                headers[.contentType] = LiveTailEventStream.contentType
                return finish(
                    Response(status: .ok, headers: headers, body: body), operation: name, started: started,
                    caller: caller)
            }
            let body = try await AWSJSONProtocol.respond(operation, to: bytes)
            var headers = HTTPFields()
            headers[.contentType] = service.version.contentType
            return finish(
                Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body))),
                operation: name, started: started, caller: caller)
        } catch let error as any AWSServiceError {
            return finish(errorResponse(error, service), operation: name, started: started, caller: caller)
        } catch {
            logger.error("internal error", metadata: ["operation": "\(name)", "error": "\(error)"])
            return finish(
                errorResponse(service.internalFailure, service), operation: name, started: started, caller: caller)
        }
    }

    /// The key that signed the request and may call `action` (nil: anonymous, when the server has no
    /// verifier), or why it may not. `action` is nil for a request that names no known operation: its
    /// signature is still checked.
    func authenticate(_ request: Request, body: [UInt8], action: String?) -> Result<AccessCredentials.Key?, AuthFailure>
    {
        guard let verifier else { return .success(nil) }
        var headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        if let authority = request.head.authority, !headers.contains(where: { $0.name.lowercased() == "host" }) {
            headers.insert((name: "host", value: authority), at: 0)
        }
        let signable = SigV4Request(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", headers: headers,
            body: body)
        switch verifier.verify(signable, now: clock()) {
        case .failure(let failure): return .failure(failure)
        case .success(let key):
            // GetCallerIdentity needs no permission, as in AWS.
            if let action, action != "sts:GetCallerIdentity", !key.allows(action) {
                return .failure(
                    AuthFailure(
                        .accessDenied,
                        "User: \(userARN(key)) is not authorized to perform: \(action) because no identity-based policy allows the \(action) action"
                    ))
            }
            return .success(key)
        }
    }

    /// The IAM user a key stands for: its section's name in the credentials file.
    func userARN(_ key: AccessCredentials.Key) -> String { "arn:aws:iam::\(account.accountID):user/\(key.name)" }

    static let smithyProtocol = HTTPField.Name("smithy-protocol")!

    /// A Smithy RPC v2 CBOR request: CloudWatch's operations, as the Go and Java v2 SDKs send them.
    func handleCBOR(_ request: Request) async -> Response {
        let started = ContinuousClock.now
        let route = RPCv2CBORProtocol.route(request.uri.path)
        let service = route.flatMap { r in services.first { $0.targetPrefix == r.service && $0.cborNamespace != nil } }
        let name = route?.operation ?? request.uri.path
        func reply(_ status: Int, _ body: [UInt8], queryError: String? = nil, caller: AccessCredentials.Key? = nil)
            -> Response
        {
            var headers = HTTPFields()
            headers[.contentType] = RPCv2CBORProtocol.contentType
            headers[Self.smithyProtocol] = RPCv2CBORProtocol.protocolName
            if let queryError { headers[Self.queryError] = queryError }
            return finish(
                Response(
                    status: HTTPResponse.Status(code: status), headers: headers,
                    body: .init(byteBuffer: ByteBuffer(bytes: body))),
                operation: name, started: started, caller: caller)
        }
        func failure(
            _ type: String, _ message: String, status: Int, queryCode: String? = nil, sender: Bool = true,
            caller: AccessCredentials.Key? = nil
        ) -> Response {
            let compatible = service?.queryCompatible == true
            return reply(
                status,
                CBORMembers.errorBody(
                    type: type, namespace: service?.cborNamespace ?? "smithy.framework", message: message),
                queryError: compatible ? "\(queryCode ?? type);\(sender ? "Sender" : "Receiver")" : nil, caller: caller)
        }
        var bytes: [UInt8]
        let limit = service?.operations[name]?.maximumBodyBytes ?? AWSOperation.defaultMaximumBodyBytes
        switch await bodyReader.read(request, limit: limit) {
        case .success(let body): bytes = body
        case .failure(let unread):
            return failure(
                unread == .tooLarge ? "SerializationException" : "RequestTimeoutException",
                bodyReader.message(unread, limit: limit), status: BodyReader.status(unread),
                queryCode: unread == .tooLarge ? "SerializationException" : "RequestTimeout")
        }
        let action = service.map { "\($0.actionPrefix):\(name)" }
        let caller: AccessCredentials.Key?
        switch authenticate(request, body: bytes, action: service?.operations[name] != nil ? action : nil) {
        case .success(let key): caller = key
        case .failure(let auth):
            return failure(
                auth.code.awsJSONType, auth.message, status: auth.code.httpStatus, queryCode: auth.code.queryCode)
        }
        guard let service, let operation = service.operations[name] else {
            return failure(
                "UnknownOperationException",
                route == nil
                    ? "The path \(request.uri.path) is not /service/<Service>/operation/<Operation>."
                    : "\(request.uri.path) names no operation this endpoint serves on RPC v2 CBOR.",
                status: 404, queryCode: "InvalidAction", caller: caller)
        }
        switch ContentEncoding.decode(bytes, of: request) {
        case .success(let decoded): bytes = decoded
        case .failure(let undecodable):
            return failure("SerializationException", undecodable.message, status: 400, caller: caller)
        }
        do {
            return reply(200, try await RPCv2CBORProtocol.respond(operation, to: bytes), caller: caller)
        } catch let malformed as CBORMembers.MalformedBody {
            return failure("SerializationException", malformed.reason, status: 400, caller: caller)
        } catch let error as any AWSServiceError {
            return failure(
                error.code.awsJSONType, error.message, status: error.code.httpStatus, queryCode: error.code.queryCode,
                sender: error.code.isSenderFault, caller: caller)
        } catch {
            logger.error("internal error", metadata: ["operation": "\(name)", "error": "\(error)"])
            let fault = service.internalFailure
            return failure(
                fault.code.awsJSONType, fault.message, status: 500, queryCode: fault.code.queryCode,
                sender: false, caller: caller)
        }
    }

    /// The awsQuery services: CloudWatch (Version 2010-08-01, every operation of its JSON protocol) and
    /// STS (2011-06-15, GetCallerIdentity), by the form's `Version`.
    static let queryNamespaces = [
        "2010-08-01": "http://monitoring.amazonaws.com/doc/2010-08-01/",
        "2011-06-15": "https://sts.amazonaws.com/doc/2011-06-15/",
        SNSOperations.version: SNSOperations.namespace,
    ]

    /// The services whose operations awsQuery serves, by the form's `Version`: their IAM prefixes.
    static let queryServices = ["2010-08-01": "cloudwatch", SNSOperations.version: "sns"]

    /// An awsQuery request (a form naming its `Action`, in the body of a POST or the URL of a GET).
    func handleQuery(_ request: Request, started: ContinuousClock.Instant) async -> Response {
        let requestID = UUID().uuidString.lowercased()
        func xml(_ status: Int, _ text: String, _ operation: String, _ caller: AccessCredentials.Key?) -> Response {
            var headers = HTTPFields()
            headers[.contentType] = "text/xml"
            return finish(
                Response(
                    status: HTTPResponse.Status(code: status), headers: headers,
                    body: .init(byteBuffer: ByteBuffer(string: text))),
                operation: operation, started: started, caller: caller)
        }
        func failure(
            _ code: String, _ message: String, status: Int = 400, sender: Bool = true, namespace: String? = nil,
            _ operation: String, _ caller: AccessCredentials.Key?
        ) -> Response {
            xml(
                status,
                AWSQueryResponse.error(
                    code: code, message: message, sender: sender, requestID: requestID, namespace: namespace),
                operation, caller)
        }
        // Parameters come in the URL (GET, and the presigned form, which botocore signs as a POST with an
        // empty body), in the body, or both.
        // The action is in the form, so the body is read up to the server's cap, then held to the
        // operation's once the form names it. The signature covers the body as sent (compressed or not).
        let body: [UInt8]
        switch await bodyReader.read(request, limit: Self.maximumBodyBytes) {
        case .success(let bytes): body = bytes
        case .failure(let unread):
            return failure(
                unread == .tooLarge ? "MalformedQueryString" : "RequestTimeout",
                bodyReader.message(unread, limit: Self.maximumBodyBytes), status: BodyReader.status(unread), "query",
                nil)
        }
        let formBytes: [UInt8]
        switch ContentEncoding.decode(body, of: request) {
        case .success(let decoded): formBytes = decoded
        case .failure(let undecodable): return failure("MalformedQueryString", undecodable.message, "query", nil)
        }
        guard let inURL = AWSQueryForm(Array((request.uri.query ?? "").utf8)), let inBody = AWSQueryForm(formBytes)
        else {
            return failure("MalformedQueryString", "The request is not a URL-encoded form.", "query", nil)
        }
        let form = inURL.merging(inBody)
        let action = form["Action"] ?? ""
        // SubscribeURL and UnsubscribeURL name no Version, as SNS's do.
        let version =
            form["Version"]
            ?? (request.method == .get && SNSOperations.anonymousActions.contains(action) ? SNSOperations.version : "")
        let prefix = Self.queryServices[version]
        let cloudWatch = prefix.flatMap { prefix in services.first { $0.actionPrefix == prefix } }
        let operation = cloudWatch?.operations[action]
        let sts = version == "2011-06-15" && action == "GetCallerIdentity"
        let name = action.isEmpty ? "query" : action
        let caller: AccessCredentials.Key?
        let iamAction = operation != nil ? "\(prefix ?? ""):\(action)" : sts ? "sts:\(action)" : nil
        if prefix == "sns", SNSOperations.anonymousActions.contains(action), request.method == .get {
            // Fetched from a message's SubscribeURL or UnsubscribeURL: the token or ARN is the credential.
            caller = nil
        } else {
            switch authenticate(request, body: body, action: iamAction) {
            case .success(let key): caller = key
            case .failure(let auth):
                return failure(auth.code.queryCode, auth.message, status: auth.code.httpStatus, name, nil)
            }
        }
        let namespace = Self.queryNamespaces[version]
        if sts {
            let identity: JSONValue = .object(
                JSONObject([
                    JSONMember("Arn", .string(caller.map(userARN) ?? "arn:aws:iam::\(account.accountID):root")),
                    JSONMember("UserId", .string(caller?.accessKeyID ?? account.accountID)),
                    JSONMember("Account", .string(account.accountID)),
                ]))
            return xml(
                200,
                AWSQueryResponse.result(
                    action: action, namespace: namespace ?? "", members: identity, requestID: requestID), action, caller
            )
        }
        guard let operation, let cloudWatch else {
            let message =
                action.isEmpty
                ? "The request names no Action."
                : version.isEmpty
                    ? "The request names no Version (2010-08-01 for CloudWatch, 2010-03-31 for SNS, 2011-06-15 for STS)."
                    : namespace == nil
                        ? "Version \(version) is not one this endpoint serves (2010-08-01 for CloudWatch, 2010-03-31 for SNS, 2011-06-15 for STS)."
                        : "The action \(action) is not valid for this web service."
            return failure(
                action.isEmpty ? "MissingAction" : "InvalidAction", message, namespace: namespace, name, caller)
        }
        guard body.count <= operation.maximumBodyBytes else {
            return failure(
                "MalformedQueryString", bodyReader.message(.tooLarge, limit: operation.maximumBodyBytes),
                status: BodyReader.status(.tooLarge), namespace: namespace, action, caller)
        }
        do {
            let members = try AWSQueryMembers.tree(form.parameters)
            let output = try await operation.run(members, true)
            return xml(
                200,
                AWSQueryResponse.result(
                    action: action, namespace: namespace ?? "",
                    members: try output.map { try AWSCLIJSON.value($0) }, requestID: requestID,
                    maps: prefix == "sns" ? SNSOperations.maps : []), action, caller)
        } catch let malformed as AWSQueryMembers.MalformedName {
            return failure(
                "MalformedQueryString", "The parameter name '\(malformed.name)' \(malformed.reason).",
                namespace: namespace, action, caller)
        } catch let error as any AWSServiceError {
            return failure(
                error.code.queryCode, error.message, status: error.code.httpStatus, sender: error.code.isSenderFault,
                namespace: namespace, action, caller)
        } catch {
            logger.error("internal error", metadata: ["operation": "\(action)", "error": "\(error)"])
            return failure(
                cloudWatch.internalFailure.code.queryCode, cloudWatch.internalFailure.message, status: 500,
                sender: false, namespace: namespace, action, caller)
        }
    }

    /// The answer when the request queue is full: 503 with `Retry-After: 1`, in the protocol's error shape
    /// (awsJson, an awsQuery ErrorResponse, or an RPC v2 CBOR map),
    /// which SDKs retry with backoff.
    func busy(_ request: Request) -> Response {
        let target = request.headers[Self.target] ?? ""
        let message =
            "The server is busy: \(Self.maximumConcurrentRequests) requests are running and \(Self.maximumQueuedRequests) waiting; retry later."
        var response: Response
        if request.uri.path.hasPrefix("/service/") {
            // RPC v2 CBOR: the map of __type and message, with the query code for CloudWatch.
            var headers = HTTPFields()
            headers[.contentType] = RPCv2CBORProtocol.contentType
            headers[Self.smithyProtocol] = RPCv2CBORProtocol.protocolName
            headers[Self.queryError] = "ServiceUnavailable;Receiver"
            response = Response(
                status: .serviceUnavailable, headers: headers,
                body: .init(
                    byteBuffer: ByteBuffer(
                        bytes: CBORMembers.errorBody(
                            type: "ServiceUnavailableException", namespace: "com.amazonaws.cloudwatch",
                            message: message))))
        } else if target.isEmpty {
            // awsQuery (a form, or a GET): an ErrorResponse.
            var headers = HTTPFields()
            headers[.contentType] = "text/xml"
            response = Response(
                status: .serviceUnavailable, headers: headers,
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: AWSQueryResponse.error(
                            code: "ServiceUnavailable", message: message, sender: false,
                            requestID: UUID().uuidString.lowercased()))))
        } else {
            let service = services.first { AWSJSONProtocol.operation(target: target, prefix: $0.targetPrefix) != nil }
            response = errorResponse(
                type: "ServiceUnavailableException", message: message, status: 503, service?.version ?? .version11,
                service?.queryCompatible == true ? "ServiceUnavailable;Receiver" : nil)
        }
        response.headers[Self.retryAfter] = "1"
        logger.warning("busy", metadata: ["operation": "\(target)", "path": "\(request.uri.path)", "status": "503"])
        return response
    }

    func errorResponse(_ error: any AWSServiceError, _ service: AWSJSONService) -> Response {
        let code = error.code
        return errorResponse(
            type: code.awsJSONType, message: error.message, status: code.httpStatus, service.version,
            service.queryCompatible ? AWSJSONProtocol.queryError(code) : nil)
    }

    func errorResponse(
        type: String, message: String, status: Int, _ version: AWSJSONProtocol.Version, _ queryError: String?
    ) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = version.contentType
        if let queryError { headers[Self.queryError] = queryError }
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: AWSJSONProtocol.errorBody(type: type, message: message))))
    }

    /// Logs the request's line and returns its response.
    func finish(
        _ response: Response, operation: String, started: ContinuousClock.Instant, caller: AccessCredentials.Key? = nil
    ) -> Response {
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "operation": "\(operation)", "status": "\(response.status.code)", "ms": "\(String(format: "%.2f", ms))",
        ]
        if let caller { metadata["caller"] = "\(caller.name)" }
        if let events = IngestTally.current?.events, events > 0 { metadata["events"] = "\(events)" }
        logger.info("request", metadata: metadata)
        let counted = knownOperations.contains(operation) ? operation : "unknown"
        Counter(
            label: "vigil_http_requests_total",
            dimensions: [("operation", counted), ("status", "\(response.status.code)")]
        )
        .increment()
        Timer(
            label: "vigil_http_request_duration_seconds", dimensions: [("operation", counted)],
            preferredDisplayUnit: .seconds
        )
        .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        return response
    }
}
