import Foundation
import Testing
import VigilClient

/// Where the signing key comes from, in the aws CLI's order: the environment, then a profile of the
/// shared credentials file; none is not an error.
@Suite struct ClientCredentialsTests {
    @Test("the environment's key wins over the file")
    func environmentFirst() {
        let found = ClientCredentials.find(in: [
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        ])
        #expect(found == ClientCredentials(accessKeyID: "AKIDENV", secret: "s", sessionToken: "t"))
    }

    @Test("a profile of the file, other sections and settings passed over")
    func profileOfFile() throws {
        let text = """
            [default]
            aws_access_key_id = AKIDDEFAULT
            aws_secret_access_key = d

            # a comment
            [ops]
            region = eu-west-1
            aws_access_key_id=AKIDOPS
            aws_secret_access_key = o/p+s
            aws_session_token = tok
            credential_process = something
            """
        let path = NSTemporaryDirectory() + "vigil-credentials-\(UUID().uuidString)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(
            ClientCredentials.find(in: ["AWS_SHARED_CREDENTIALS_FILE": path])
                == ClientCredentials(accessKeyID: "AKIDDEFAULT", secret: "d"))
        #expect(
            ClientCredentials.find(in: ["AWS_SHARED_CREDENTIALS_FILE": path, "AWS_PROFILE": "ops"])
                == ClientCredentials(accessKeyID: "AKIDOPS", secret: "o/p+s", sessionToken: "tok"))
        #expect(ClientCredentials.find(in: ["AWS_SHARED_CREDENTIALS_FILE": path, "AWS_PROFILE": "none"]) == nil)
    }

    @Test("no key anywhere, or a half key, is none")
    func none() {
        #expect(ClientCredentials.find(in: ["AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]) == nil)
        #expect(
            ClientCredentials.find(in: ["AWS_ACCESS_KEY_ID": "A", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"])
                == nil)
        #expect(ClientCredentials.profile("default", in: "[default]\naws_access_key_id = A\n") == nil)
    }
}
