import Testing

@testable import VigilNotify

/// The deny list webhooks are checked against: link-local and the metadata addresses by default,
/// extended or relaxed by configuration.
@Suite struct AddressPolicyTests {
    func bytes(_ text: String) throws -> [UInt8] { try #require(AddressRange.parse(text)) }
    func range(_ text: String) throws -> AddressRange { try #require(AddressRange(text)) }

    @Test(arguments: ["169.254.169.254", "169.254.0.1", "fe80::1", "fd00:ec2::254", "::ffff:169.254.169.254"])
    func deniesLinkLocalAndMetadataByDefault(_ address: String) throws {
        #expect(!AddressPolicy.standard.permits(try bytes(address)))
    }

    @Test(arguments: ["127.0.0.1", "10.0.0.5", "192.168.1.1", "::1", "2001:db8::1", "169.253.255.255", "169.255.0.0"])
    func permitsTheRestByDefault(_ address: String) throws {
        #expect(AddressPolicy.standard.permits(try bytes(address)))
    }

    @Test func anAllowedRangeWinsOverADeniedOne() throws {
        let policy = AddressPolicy(
            denied: AddressPolicy.defaultDenied + [try range("10.0.0.0/8")], allowed: [try range("10.1.2.0/24")])
        #expect(!policy.permits(try bytes("10.9.9.9")))
        #expect(policy.permits(try bytes("10.1.2.3")))
        #expect(!policy.permits(try bytes("169.254.169.254")))
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4/33", "::/129", "1.2.3.4/-1", "1.2.3.4/x", "example.com", "1.2.3.4/8/8"])
    func refusesWhatIsNotARange(_ text: String) {
        #expect(AddressRange(text) == nil)
    }

    @Test func writesTheNetworkOfARange() {
        #expect(AddressRange("169.254.1.2/16")?.description == "169.254.0.0/16")
        #expect(AddressRange("fe80::1234/10")?.description == "fe80::/10")
        #expect(AddressRange("10.0.0.1")?.description == "10.0.0.1/32")
        #expect(AddressRange("0.0.0.0/0")?.contains([8, 8, 8, 8]) == true)
    }
}
