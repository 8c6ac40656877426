import ExportCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Testing
@testable import ExportUpload

/// `destination.ca_file`: the uploader's client trusts a private CA only when the bundle is given.
/// A TLS server on 127.0.0.1 with a certificate from a CA made by `openssl` for this test.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs /usr/bin/openssl"))
struct NetworkSettingsTests {
    /// A private CA and a server certificate for 127.0.0.1 signed by it.
    struct PrivateCA {
        let folder: String
        var caFile: String { folder + "/ca.pem" }
        var certificate: String { folder + "/server.pem" }
        var key: String { folder + "/server.key" }

        init() throws {
            folder = NSTemporaryDirectory() + "private-ca-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
                .write(toFile: folder + "/ext.cnf", atomically: true, encoding: .utf8)
            let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
            try Self.openssl(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Test Corp CA"], in: folder)
            try Self.openssl(["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"], in: folder)
            try Self.openssl(
                ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
                 "-days", "2", "-extfile", "ext.cnf"], in: folder)
        }

        private static func openssl(_ arguments: [String], in folder: String) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: folder)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
    }

    /// Answers every request with 200 and a finished batch.
    final class Answer: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            let body = ByteBuffer(string: #"{"batchID":"b1","status":"finished"}"#)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.readableBytes))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    private func startServer(_ ca: PrivateCA) async throws -> any Channel {
        let chain = try NIOSSLCertificate.fromPEMFile(ca.certificate).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: ca.key, format: .pem)
        let context = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Answer())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    @Test func aPrivateCAIsTrustedOnlyWithCAFile() async throws {
        let ca = try PrivateCA()
        let server = try await startServer(ca)
        defer { server.close(promise: nil) }
        let baseURL = "https://127.0.0.1:\(server.localAddress!.port!)/v5"

        let settings = try NetworkSettings.resolve(baseURL: baseURL, caFile: ca.caFile, environment: [:])
        #expect(settings == NetworkSettings(caFile: ca.caFile))
        let trusting = OmnisendClient(baseURL: baseURL, apiVersion: .v5, key: APIKey("k"), network: settings)
        let answer = await trusting.getBatch("b1")
        await trusting.shutdown()
        guard case .answer(let http) = answer else {
            Issue.record("expected an answer through TLS with the private CA, got \(answer)")
            return
        }
        #expect(http.status == 200)

        let plain = OmnisendClient(baseURL: baseURL, apiVersion: .v5, key: APIKey("k"))
        let refused = await plain.getBatch("b1")
        await plain.shutdown()
        guard case .networkError(let message) = refused else {
            Issue.record("the system roots must not trust the private CA: \(refused)")
            return
        }
        #expect(!message.isEmpty)
    }

    @Test func aFileWithoutCertificatesIsAConfigurationError() throws {
        let folder = NSTemporaryDirectory() + "not-a-ca-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "just text\n".write(toFile: folder + "/ca.pem", atomically: true, encoding: .utf8)
        do {
            _ = try NetworkSettings.resolve(baseURL: "https://api.omnisend.com/v5", caFile: folder + "/ca.pem", environment: [:])
            Issue.record("accepted a file without certificates")
        } catch let error as ExportError {
            #expect(error.code == .config && String(describing: error).contains(folder + "/ca.pem"), "\(error)")
        }
    }

    @Test func theProxyVariableThatDoesNotParseIsAConfigurationError() {
        #expect(throws: ExportError.self) {
            try NetworkSettings.resolve(baseURL: "https://api.omnisend.com/v5", caFile: nil, environment: ["HTTPS_PROXY": "https://p:1"])
        }
    }
}
