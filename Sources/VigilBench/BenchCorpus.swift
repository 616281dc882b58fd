import Foundation
import VigilPatterns

/// Deterministic benchmark corpora: CloudTrail-like JSON records, Apache access lines, application lines.
enum BenchCorpus {
    typealias Generator = SplitMix64

    static let eventNames = [
        "DescribeInstances", "GetObject", "PutObject", "AssumeRole", "ListBuckets", "DescribeVolumes",
        "GetCallerIdentity",
        "DescribeSecurityGroups", "CreateTags", "RunInstances", "TerminateInstances", "CreateNetworkAcl", "DeleteTrail",
        "StopLogging", "PutBucketPolicy", "AuthorizeSecurityGroupIngress", "CreateUser", "AttachRolePolicy", "Decrypt",
        "GenerateDataKey", "DescribeDBInstances", "ListFunctions20150331", "Invoke", "GetParameter",
        "DescribeLogGroups",
    ]
    static let users = ["alice", "bob", "carol", "deploy-bot", "ci-runner", "dave"]

    /// Writes `megabytes` of `kind` lines to `url`, printing progress to standard error.
    static func write(_ kind: String, megabytes: Int, to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var rng = Generator(seed: UInt64(kind.utf8.reduce(7) { $0 &* 31 &+ UInt64($1) }))
        let target = megabytes << 20
        var written = 0
        var buffer = ""
        buffer.reserveCapacity(1 << 22)
        var line = 0
        while written < target {
            switch kind {
            case "cloudtrail": cloudTrail(&rng, line, into: &buffer)
            case "access": access(&rng, line, into: &buffer)
            default: application(&rng, line, into: &buffer)
            }
            buffer += "\n"
            line += 1
            if buffer.utf8.count >= 1 << 22 {
                written += buffer.utf8.count
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
                Progress.report("generating \(url.lastPathComponent)", done: written, total: target)
            }
        }
        if !buffer.isEmpty { try handle.write(contentsOf: Data(buffer.utf8)) }
        Progress.finish()
    }

    static func cloudTrail(_ r: inout Generator, _ n: Int, into s: inout String) {
        let failedLogin = r.below(100) == 0
        let root = r.below(200) == 0
        let name = failedLogin ? "ConsoleLogin" : r.pick(eventNames)
        let user = r.pick(users)
        let denied = r.below(30) == 0
        let second = n % 60
        let minute = (n / 60) % 60
        let hour = (n / 3600) % 24
        let ip = "\(10 + r.below(200)).\(r.below(256)).\(r.below(256)).\(r.below(256))"
        s += #"{"eventVersion":"1.08","userIdentity":{"type":""#
        s += root ? "Root" : "IAMUser"
        s += #"","principalId":"AIDA\#(r.below(1_000_000_000))EXAMPLE","arn":"arn:aws:iam::123456789012:"#
        s += root ? "root" : "user/\(user)"
        s += #"","accountId":"123456789012","accessKeyId":"AKIA\#(r.below(1_000_000_000))","userName":"\#(user)""#
        if root && r.below(3) == 0 { s += #","invokedBy":"s3.amazonaws.com""# }
        s +=
            #"},"eventTime":"2026-11-24T\#(pad(hour)):\#(pad(minute)):\#(pad(second))Z","eventSource":"\#(failedLogin ? "signin" : "ec2").amazonaws.com","#
        s +=
            #""eventName":"\#(name)","awsRegion":"us-east-1","sourceIPAddress":"\#(ip)","userAgent":"aws-cli/2.15.\#(r.below(40)) Python/3.11.6 Linux/6.1 botocore/2.0","#
        if failedLogin {
            s +=
                #""errorMessage":"Failed authentication","additionalEventData":{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"No"},"#
        } else if denied {
            s +=
                #""errorCode":"AccessDenied","errorMessage":"User: arn:aws:iam::123456789012:user/\#(user) is not authorized to perform this action","#
        }
        s +=
            #""requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0\#(r.below(1_000_000_000))"}]},"filterSet":{},"maxResults":\#(r.below(1000))},"#
        s +=
            #""responseElements":null,"requestID":"\#(r.below(1_000_000_000))-3c5e-4f1e-9b2a-\#(r.below(1_000_000_000))","eventID":"\#(r.below(1_000_000_000))-aaaa-bbbb-cccc-\#(r.below(1_000_000_000))","#
        s +=
            #""readOnly":\#(r.below(3) == 0 ? "false" : "true"),"eventType":"\#(root && r.below(4) == 0 ? "AwsServiceEvent" : "AwsApiCall")","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management","#
        s +=
            #""tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"ec2.us-east-1.amazonaws.com"},"sessionCredentialFromConsole":"false"}"#
    }

    static func access(_ r: inout Generator, _ n: Int, into s: inout String) {
        let status = r.pick([200, 200, 200, 200, 200, 301, 304, 404, 404, 500, 503])
        let bytes = r.below(50_000)
        let path = r.pick([
            "/index.html", "/api/v1/orders", "/static/app.js", "/login", "/api/v1/users/\(r.below(10_000))",
        ])
        s +=
            "\(10 + r.below(200)).\(r.below(256)).\(r.below(256)).\(r.below(256)) - \(r.pick(users)) [24/Nov/2026:\(pad((n / 3600) % 24)):\(pad((n / 60) % 60)):\(pad(n % 60)) +0000] "
        s +=
            "\"\(r.pick(["GET", "GET", "GET", "POST", "PUT"])) \(path) HTTP/1.1\" \(status) \(bytes) \"https://example.com/\" \"Mozilla/5.0 (X11; Linux x86_64)\""
    }

    static func application(_ r: inout Generator, _ n: Int, into s: inout String) {
        let roll = r.below(1000)
        let level = roll < 20 ? "ERROR" : roll < 80 ? "WARN" : "INFO"
        s +=
            "2026-11-24T\(pad((n / 3600) % 24)):\(pad((n / 60) % 60)):\(pad(n % 60)).\(r.below(1000))Z \(level) [worker-\(r.below(16))] request_id=\(r.below(1_000_000_000)) "
        if level == "ERROR" {
            s +=
                r.below(2) == 0
                ? "upstream timeout after \(r.below(30_000))ms calling payments"
                : "java.lang.IllegalStateException: order \(r.below(100_000)) in bad state"
        } else {
            s += "processed order \(r.below(100_000)) for customer \(r.below(10_000)) in \(r.below(500))ms status=ok"
        }
    }

    static func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}

/// A progress line on standard error when it is a terminal.
enum Progress {
    static let isTerminal = isatty(2) == 1
    static func report(_ label: String, done: Int, total: Int) {
        guard isTerminal else { return }
        let percent = total > 0 ? done * 100 / total : 0
        FileHandle.standardError.write(Data("\r\(label): \(done >> 20) / \(total >> 20) MB (\(percent)%)   ".utf8))
    }
    static func finish() { if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
}

extension SplitMix64 {
    mutating func pick<T>(_ a: [T]) -> T { a[Int(next() % UInt64(a.count))] }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
