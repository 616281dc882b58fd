import Testing

@testable import VigilWire

/// SNS's HTTP/S delivery policies: the default, the four phases, the limits.
@Suite struct DeliveryPolicyTests {
    @Test func theDefaultIsThreeRetriesTwentySecondsApart() {
        let p = DeliveryPolicy.standard
        #expect((1...3).map { p.delay(beforeRetry: $0) } == [20, 20, 20])
        #expect(p.delay(beforeRetry: 4) == nil && p.delay(beforeRetry: 0) == nil)
        #expect(p.totalSeconds == 60)
    }

    @Test func thePhasesComeInOrder() throws {
        let p = try DeliveryPolicy(
            json: """
                {"healthyRetryPolicy":{"minDelayTarget":2,"maxDelayTarget":10,"numRetries":9,"numNoDelayRetries":2,
                "numMinDelayRetries":2,"numMaxDelayRetries":1,"backoffFunction":"linear"}}
                """)
        // 2 at once, 2 at the minimum, 4 from the minimum to the maximum (linear), 1 at the maximum.
        #expect((1...9).map { p.delay(beforeRetry: $0) } == [0, 0, 2, 2, 4, 6, 8, 10, 10])
    }

    @Test(arguments: DeliveryPolicy.Backoff.allCases)
    func everyBackoffRisesFromTheMinimumToTheMaximum(_ backoff: DeliveryPolicy.Backoff) throws {
        let p = try DeliveryPolicy(
            json: """
                {"healthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":100,"numRetries":10,"backoffFunction":"\(backoff.rawValue)"}}
                """)
        let delays = (1...10).compactMap { p.delay(beforeRetry: $0) }
        #expect(delays.count == 10 && delays.last == 100)
        #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 < $1 } && delays[0] >= 1)
    }

    @Test func aTopicsPolicyIsReadFromItsHTTPMember() throws {
        let p = try DeliveryPolicy(
            json:
                #"{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":5,"numRetries":1},"defaultThrottlePolicy":{"maxReceivesPerSecond":3}}}"#
        )
        #expect(p.delay(beforeRetry: 1) == 5 && p.maxReceivesPerSecond == 3)
    }

    @Test(arguments: [
        #"{"healthyRetryPolicy":{"numRetries":101,"minDelayTarget":1,"maxDelayTarget":1}}"#,
        #"{"healthyRetryPolicy":{"minDelayTarget":0}}"#,
        #"{"healthyRetryPolicy":{"minDelayTarget":30,"maxDelayTarget":20}}"#,
        #"{"healthyRetryPolicy":{"maxDelayTarget":3601,"minDelayTarget":1}}"#,
        #"{"healthyRetryPolicy":{"numRetries":100,"minDelayTarget":40,"maxDelayTarget":40}}"#,
        #"{"healthyRetryPolicy":{"numRetries":2,"numNoDelayRetries":3}}"#,
        #"{"healthyRetryPolicy":{"numRetries":1.5}}"#,
        #"{"healthyRetryPolicy":{"numRetries":1e300}}"#,
        #"{"healthyRetryPolicy":{"numRetries":"3"}}"#,
        #"{"healthyRetryPolicy":{"backoffFunction":"cubic"}}"#,
        #"{"throttlePolicy":{"maxReceivesPerSecond":0}}"#,
        "[]", "", "{", #"{"healthyRetryPolicy":{"numRetries":-1}}"#,
    ])
    func refusesWhatSNSRefuses(_ json: String) {
        #expect(throws: DeliveryPolicy.Invalid.self) { try DeliveryPolicy(json: json) }
    }

    @Test func jitterTakesAtMostATenthOff() {
        let p = DeliveryPolicy.standard
        #expect(p.jitteredDelay(beforeRetry: 1, random: 0) == 20)
        #expect(p.jitteredDelay(beforeRetry: 1, random: 1) == 18)
        #expect(p.jitteredDelay(beforeRetry: 1, random: 7) == 18)
    }
}
