import Foundation
import Testing

@testable import ContentSupplyService

@Suite("The allocation rule for donated books")
struct AllocationRuleTests {
    typealias Site = AllocationRule.Site

    static func copies(_ shares: [AllocationRule.Share]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: shares.map { ($0.siteId, $0.copies) })
    }

    static let even = [
        Site(siteId: "a", population: 10_000, surveyedReaders: 0, received: 0),
        Site(siteId: "b", population: 10_000, surveyedReaders: 0, received: 0),
    ]

    @Test("population, surveyed needs and what a site received each change the plan")
    func factors() {
        #expect(Self.copies(AllocationRule.allocate(copies: 20, to: Self.even, minimumPerSite: 2)) == ["a": 10, "b": 10])
        var bigger = Self.even
        bigger[0].population = 30_000
        #expect(Self.copies(AllocationRule.allocate(copies: 20, to: bigger, minimumPerSite: 2)) == ["a": 15, "b": 5])
        var needy = Self.even
        needy[1].surveyedReaders = 100 // 10,000 residents of demand more
        #expect(Self.copies(AllocationRule.allocate(copies: 20, to: needy, minimumPerSite: 2)) == ["a": 7, "b": 13])
        var served = Self.even
        served[0].received = 10
        #expect(Self.copies(AllocationRule.allocate(copies: 20, to: served, minimumPerSite: 2)) == ["a": 5, "b": 15])
        let shares = AllocationRule.allocate(copies: 20, to: served, minimumPerSite: 2)
        #expect(shares.first { $0.siteId == "a" }?.explanation.contains("had 10") == true)
    }

    @Test("the minimum per site comes first when the lot has enough, else one each by demand")
    func minimum() {
        let sites = (0..<5).map { Site(siteId: "s\($0)", population: $0 == 0 ? 100_000 : 100, surveyedReaders: 0, received: 0) }
        #expect(Self.copies(AllocationRule.allocate(copies: 20, to: sites, minimumPerSite: 3)).values.allSatisfy { $0 >= 3 })
        let scarce = Self.copies(AllocationRule.allocate(copies: 3, to: sites, minimumPerSite: 3))
        #expect(scarce.values.reduce(0, +) == 3 && scarce["s0"] == 1)
    }

    @Test("never more copies than the lot has, and all of them when anyone has demand (10,000 random plans)")
    func neverBeyondTheLot() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<10_000 {
            let sites = (0..<Int.random(in: 1...12, using: &generator)).map {
                Site(
                    siteId: "s\($0)", population: Int.random(in: 0...200_000, using: &generator),
                    surveyedReaders: Int.random(in: 0...500, using: &generator),
                    received: Int.random(in: 0...300, using: &generator))
            }
            let lot = Int.random(in: 0...2_000, using: &generator)
            let plan = AllocationRule.allocate(copies: lot, to: sites, minimumPerSite: Int.random(in: 0...5, using: &generator))
            let total = plan.reduce(0) { $0 + $1.copies }
            let anyDemand = sites.contains { $0.population > 0 || $0.surveyedReaders > 0 }
            #expect(plan.allSatisfy { $0.copies >= 0 })
            #expect(anyDemand ? total == lot : total == 0, "\(lot) copies, \(sites)")
            if total != (anyDemand ? lot : 0) { return }
        }
    }
}
