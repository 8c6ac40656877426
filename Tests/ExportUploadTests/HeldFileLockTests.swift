import ExportCore
@testable import ExportUpload
import ExportTestSupport
import Foundation
import Testing

@Suite struct HeldFileLockTests {
    @Test func aSecondAttemptSeesTheHolderUntilTheLockIsReleased() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/x.lock"
        guard case .held(let first) = try HeldFileLock.attempt(path: path, what: "test lock") else {
            Issue.record("the first attempt must take the lock")
            return
        }
        first.describe("process 42, started now")
        // flock locks belong to the open file description: a second open in this process is refused too.
        guard case .busy(let holder) = try HeldFileLock.attempt(path: path, what: "test lock") else {
            Issue.record("the second attempt must be refused")
            return
        }
        #expect(holder == "process 42, started now")
        first.release()
        first.release()  // twice is harmless
        guard case .held = try HeldFileLock.attempt(path: path, what: "test lock") else {
            Issue.record("released: the lock can be taken again")
            return
        }
    }

    @Test func anUnopenableLockFileIsAnErrorNamingIt() throws {
        #expect(throws: ExportError.self) { try HeldFileLock.attempt(path: "/nonexistent-folder/x.lock", what: "test lock") }
    }
}
