import Testing
import VigilServer

/// The bound on concurrent requests: capacity runs, the queue waits in order, the rest are refused.
struct RequestGateTests {
    @Test("with capacity 2 and a queue of 1: two run, one waits, the fourth is refused; leaving lets the waiter in")
    func capacityAndQueue() async throws {
        let gate = RequestGate(capacity: 2, queueLimit: 1)
        #expect(await gate.enter())
        #expect(await gate.enter())
        let waiter = Task { await gate.enter() }
        while await gate.load.waiting < 1 { await Task.yield() }
        #expect(await gate.enter() == false, "the queue is full")
        await gate.leave()
        #expect(await waiter.value, "the waiting request runs once a turn ends")
        #expect(await gate.load == (2, 0))
        await gate.leave()
        await gate.leave()
        #expect(await gate.load == (0, 0))
        #expect(await gate.enter())
    }

    @Test("waiters run in arrival order")
    func order() async throws {
        let gate = RequestGate(capacity: 1, queueLimit: 10)
        #expect(await gate.enter())
        var tasks: [Task<Int, Never>] = []
        let order = Recorder()
        for k in 0..<5 {
            tasks.append(
                Task {
                    _ = await gate.enter()
                    await order.record(k)
                    await gate.leave()
                    return k
                })
            while await gate.load.waiting < k + 1 { await Task.yield() }
        }
        await gate.leave()
        for t in tasks { _ = await t.value }
        #expect(await order.values == [0, 1, 2, 3, 4])
    }

    actor Recorder {
        var values: [Int] = []
        func record(_ v: Int) { values.append(v) }
    }
}
