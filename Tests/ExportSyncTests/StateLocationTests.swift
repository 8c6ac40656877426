import ExportCore
import ExportSync
import Testing

@Suite struct StateLocationTests {
    let directory = StateDirectory(path: "/var/lib/oe")

    @Test func theKeyIsTheDestinationNameAndThePipeline() {
        var destination = Destination(apiVersion: .v5, baseURL: "https://API.Omnisend.com:443/v5")
        destination.name = "production"
        let location = StateLocation(destination: destination, pipelineName: "newsletter", explicitPath: nil, stateDirectory: directory)
        #expect(location.key == "production/newsletter")
        #expect(location.path == "/var/lib/oe/sync/production--newsletter.sqlite")
    }

    @Test func withoutANameTheHostStandsInAndNeitherKeyNorVersionMatter() {
        let v5 = StateLocation(
            destination: Destination(apiVersion: .v5, baseURL: "https://API.omnisend.com/v5"), pipelineName: "n", explicitPath: nil,
            stateDirectory: directory)
        let newest = StateLocation(
            destination: Destination(apiVersion: .v2026_03_15, baseURL: "https://api.omnisend.com/api", apiKeyEnv: "OTHER_KEY"),
            pipelineName: "n", explicitPath: nil, stateDirectory: directory)
        #expect(v5 == newest)
        #expect(v5.key == "api.omnisend.com/n")
        let unnamed = StateLocation(destination: Destination(), pipelineName: "n", explicitPath: nil, stateDirectory: directory)
        #expect(unnamed.key == "api.omnisend.com/n")
    }

    @Test func oddCharactersStayOutOfTheFileNameAndAnExplicitPathWins() {
        var destination = Destination()
        destination.name = "prod/eu west"
        let location = StateLocation(destination: destination, pipelineName: "a b", explicitPath: nil, stateDirectory: directory)
        #expect(location.path == "/var/lib/oe/sync/prod_eu_west--a_b.sqlite")
        #expect(location.key == "prod/eu west/a b")
        let explicit = StateLocation(destination: destination, pipelineName: "a", explicitPath: "/srv/state.sqlite", stateDirectory: directory)
        #expect(explicit.path == "/srv/state.sqlite")
    }
}
