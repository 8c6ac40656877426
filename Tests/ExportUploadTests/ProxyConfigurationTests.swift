import ExportUpload
import Foundation
import Testing

/// Which proxy the environment names for a destination, and when `NO_PROXY` bypasses it.
@Suite struct ProxyConfigurationTests {
    private func proxy(_ url: String, _ environment: [String: String]) throws -> String? {
        try ProxyConfiguration.resolve(for: url, environment: environment).map(\.description)
    }

    @Test func picksTheVariableOfTheScheme() throws {
        let environment = ["HTTPS_PROXY": "http://secure.proxy:3128", "HTTP_PROXY": "plain.proxy:8080"]
        #expect(try proxy("https://api.omnisend.com/v5", environment) == "secure.proxy:3128 (HTTPS_PROXY)")
        #expect(try proxy("http://127.0.0.1:8089/v5", environment) == "plain.proxy:8080 (HTTP_PROXY)")
        #expect(try proxy("https://api.omnisend.com/v5", ["HTTP_PROXY": "plain.proxy:8080"]) == nil)
        #expect(try proxy("https://api.omnisend.com/v5", [:]) == nil)
        #expect(try proxy("https://api.omnisend.com/v5", ["HTTPS_PROXY": ""]) == nil, "an empty variable is unset")
    }

    @Test func lowercaseWinsAndThePortDefaultsTo80() throws {
        let environment = ["HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower"]
        #expect(try proxy("https://api.omnisend.com/v5", environment) == "lower:80 (https_proxy)")
    }

    @Test func noProxyMatchesHostsDomainsPortsAndStar() throws {
        let url = "https://api.omnisend.com/v5"
        for list in ["api.omnisend.com", "omnisend.com", ".omnisend.com", "*.omnisend.com", " other.org , OMNISEND.COM ", "*", "api.omnisend.com:443"] {
            #expect(try proxy(url, ["HTTPS_PROXY": "p:1", "NO_PROXY": list]) == nil, "\(list)")
        }
        for list in ["notomnisend.com", "api.omnisend.com:8443", "com.omnisend", ""] {
            #expect(try proxy(url, ["HTTPS_PROXY": "p:1", "no_proxy": list]) == "p:1 (HTTPS_PROXY)", "\(list)")
        }
        #expect(try proxy("http://127.0.0.1:8089/v5", ["HTTP_PROXY": "p:1", "NO_PROXY": "localhost,127.0.0.1"]) == nil)
        #expect(try proxy("http://[::1]:8089/v5", ["HTTP_PROXY": "p:1", "NO_PROXY": "::1"]) == nil)
        #expect(try proxy("http://127.0.0.1:8089/v5", ["HTTP_PROXY": "p:1"]) == "p:1 (HTTP_PROXY)", "loopback is proxied unless listed")
    }

    @Test func credentialsAreKeptForTheProxyAndNeverShown() throws {
        let found = try #require(try ProxyConfiguration.resolve(
            for: "https://api.omnisend.com", environment: ["HTTPS_PROXY": "http://me%40corp:p%3Ass@proxy.corp:3128"]))
        #expect(found.credentials?.user == "me@corp" && found.credentials?.password == "p:ss")
        #expect(!found.description.contains("p:ss") && found.description == "proxy.corp:3128 (HTTPS_PROXY)")
    }

    @Test func refusesProxiesItCannotUseWithoutEchoingThem() {
        for value in ["https://proxy:443", "socks5://u:secret@proxy:1080", "http://:3128"] {
            do {
                _ = try ProxyConfiguration.resolve(for: "https://api.omnisend.com", environment: ["HTTPS_PROXY": value])
                Issue.record("accepted \(value)")
            } catch {
                #expect(error.description.hasPrefix("HTTPS_PROXY is not a usable proxy URL"), "\(error)")
                #expect(!error.description.contains("secret"))
            }
        }
    }
}
