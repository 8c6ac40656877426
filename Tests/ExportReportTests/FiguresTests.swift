import Testing

@testable import ExportReport

@Suite struct FiguresTests {
    @Test func countsGetThousandsSeparators() {
        #expect(Figures.count(0) == "0")
        #expect(Figures.count(999) == "999")
        #expect(Figures.count(1000) == "1,000")
        #expect(Figures.count(1_234_567) == "1,234,567")
        #expect(Figures.count(-12_000) == "-12,000")
    }

    @Test func percentagesHaveOneDecimal() {
        #expect(Figures.percent(1, of: 3) == "33.3%")
        #expect(Figures.percent(28, of: 28) == "100.0%")
        #expect(Figures.percent(1, of: 0) == "–")
    }

    @Test func sizesAndDurations() {
        #expect(Figures.bytes(512) == "512 B")
        #expect(Figures.bytes(6533) == "6.4 KB")
        #expect(Figures.bytes(3 << 20) == "3.0 MB")
        #expect(Figures.duration(4.25) == "4.2s" || Figures.duration(4.25) == "4.3s")
        #expect(Figures.duration(187) == "3m 07s")
        #expect(Figures.duration(7500) == "2h 05m")
        #expect(Figures.duration(.infinity) == "–")
    }

    @Test func aDestinationLosesItsSchemeSoThePageHoldsNoLink() {
        #expect(Figures.destination("https://api.omnisend.com/v5") == "api.omnisend.com/v5 (https)")
        #expect(Figures.destination("http://127.0.0.1:8089/v5") == "127.0.0.1:8089/v5 (http)")
        #expect(Figures.destination("") == "")
    }
}

@Suite struct EmailMaskTests {
    @Test func masksEveryAddressInASentence() {
        let mask = EmailMask()
        #expect(mask.apply("ana.popescu@example.ro") == "a•••@example.ro")
        #expect(mask.apply("duplicate of 'bob@x.com' and (c@y.org)") == "duplicate of 'b•••@x.com' and (c•••@y.org)")
        #expect(mask.apply("radu.stan@gmail") == "r•••@gmail")
        #expect(mask.apply("@handle") == "@handle")
        #expect(mask.apply("no address here") == "no address here")
    }

    @Test func showEmailsLeavesThemAlone() {
        #expect(EmailMask(showsEmails: true).apply("ana@example.ro") == "ana@example.ro")
    }
}
