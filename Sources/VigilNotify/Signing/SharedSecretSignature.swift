import Crypto

/// The `x-vigil-signature` header, for receivers that prefer a shared secret to certificates:
/// `v1=<hex HMAC-SHA256 of the body>` per secret of the subscription's `VigilSigningSecret`, separated
/// by commas, so that during a rotation a receiver holding either secret can check the message.
public enum SharedSecretSignature {
    /// `secrets`: one secret, or two separated by a comma.
    public static func header(body: [UInt8], secrets: String) -> String {
        secrets.split(separator: ",").map { secret in
            let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
            return "v1=" + mac.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }.joined(separator: ",")
    }
}
