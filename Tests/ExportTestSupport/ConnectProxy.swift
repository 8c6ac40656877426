import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A tiny HTTP `CONNECT` proxy on 127.0.0.1 for tests: it tunnels to loopback targets only,
/// counts the tunnels it opened and remembers their targets. (AsyncHTTPClient uses `CONNECT` for
/// `http` and `https` destinations alike.) Anything but a `CONNECT` to a loopback host gets 403.
public final class ConnectProxy: @unchecked Sendable {
    /// The port it listens on.
    public let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var targets: [String] = []
    private var refused = 0
    private var stopped = false

    /// Starts listening on 127.0.0.1 on a free port.
    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// `http://127.0.0.1:PORT`, for `HTTP_PROXY` / `HTTPS_PROXY`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// The `host:port` of every tunnel opened so far.
    public var tunnels: [String] { lock.withLock { targets } }

    /// Requests refused (not `CONNECT`, or not to a loopback host).
    public var refusedRequests: Int { lock.withLock { refused } }

    /// Stops accepting; open tunnels end when their peers close.
    public func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            if lock.withLock({ stopped }) {
                close(client)
                return
            }
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ client: Int32) {
        guard let head = Self.readHead(client) else {
            close(client)
            return
        }
        let requestLine = head.split(separator: "\r\n").first.map(String.init) ?? ""
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3, parts[0] == "CONNECT", let colon = parts[1].lastIndex(of: ":"),
            let port = UInt16(parts[1][parts[1].index(after: colon)...])
        else { return refuse(client) }
        let host = String(parts[1][..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard host == "127.0.0.1" || host == "localhost" else { return refuse(client) }
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(upstream)
            Self.send(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            close(client)
            return
        }
        lock.withLock { targets.append("\(host):\(port)") }
        Self.send(client, "HTTP/1.1 200 Connection Established\r\n\r\n")
        let done = DispatchSemaphore(value: 0)
        Thread {
            Self.pipe(from: upstream, to: client)
            done.signal()
        }.start()
        Self.pipe(from: client, to: upstream)
        done.wait()
        close(upstream)
        close(client)
    }

    private func refuse(_ client: Int32) {
        lock.withLock { refused += 1 }
        Self.send(client, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        close(client)
    }

    /// Reads up to the blank line that ends a request head, one byte at a time (nothing after it
    /// is consumed: the tunnel's first bytes stay in the socket).
    private static func readHead(_ fd: Int32) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < 16_384 {
            let n = read(fd, &byte, 1)
            if n <= 0 { return nil }
            bytes.append(byte)
            if bytes.count >= 4 && bytes.suffix(4).elementsEqual([13, 10, 13, 10]) { return String(decoding: bytes, as: UTF8.self) }
        }
        return nil
    }

    private static func send(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Copies bytes until either side closes, then closes both directions.
    private static func pipe(from source: Int32, to sink: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            var offset = 0
            while offset < n {
                let w = buffer.withUnsafeBytes { write(sink, $0.baseAddress! + offset, n - offset) }
                if w <= 0 { break }
                offset += w
            }
            if offset < n { break }
        }
        shutdown(sink, Int32(SHUT_WR))
        shutdown(source, Int32(SHUT_RD))
    }
}
