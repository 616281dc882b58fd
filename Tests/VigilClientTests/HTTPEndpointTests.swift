import Testing
import VigilClient

/// `--endpoint-url` as the aws CLI takes it for a local server, and what is refused with a reason.
@Suite struct HTTPEndpointTests {
    @Test(
        "http URLs give host, port and Host header",
        arguments: [
            ("http://127.0.0.1:4566", "127.0.0.1", 4566, "127.0.0.1:4566"),
            ("http://127.0.0.1:4566/", "127.0.0.1", 4566, "127.0.0.1:4566"),
            ("HTTP://localhost", "localhost", 80, "localhost"),
            ("http://[::1]:4566", "::1", 4566, "[::1]:4566"),
            ("http://[::1]", "::1", 80, "[::1]"),
            ("http://vigil.internal:8080", "vigil.internal", 8080, "vigil.internal:8080"),
        ])
    func parses(url: String, host: String, port: Int, authority: String) throws {
        let endpoint = try HTTPEndpoint(url: url)
        #expect(endpoint.host == host && endpoint.port == port && endpoint.authority == authority)
    }

    @Test(
        "what cannot be used is refused, saying why",
        arguments: [
            ("https://127.0.0.1:4566", "plain HTTP"), ("127.0.0.1:4566", "not an http:// URL"),
            ("http://127.0.0.1:4566/logs", "path"), ("http://127.0.0.1:0", "port"),
            ("http://127.0.0.1:65536", "port"), ("http://127.0.0.1:x", "port"),
            ("http://127.0.0.1:99999999999999999999999", "port"), ("http://", "no host"),
            ("http://[::1", "closing ]"), ("http://user@host", "user"),
        ])
    func refuses(url: String, reason: String) {
        #expect {
            try HTTPEndpoint(url: url)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }
}
