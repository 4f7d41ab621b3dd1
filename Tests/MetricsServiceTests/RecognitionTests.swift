import KepuDomain
import Testing

@testable import MetricsService

/// Recognition's unit score over the plan's lines, with its weights.
@Suite("Recognition over the KPI set")
struct RecognitionTests {
    func unit(_ id: String, population: Int?) -> UnitInfo {
        UnitInfo(id: id, level: .district, path: ["sz", id], parentId: "sz", population: population)
    }

    @Test("a unit is scored on the components it can be measured by, weighted; bookings count from the minimum")
    func score() {
        var busy = KPIValues()
        busy.counts = [
            .seatsOffered: 100, .seatsBooked: 80, .bookingsMade: 40, .checkIns: 30, .noShows: 4, .activitiesHeld: 20, .ratings: 10,
            .ratingPoints: 4_500, .volunteersNeeded: 10, .volunteersAccepted: 10,
        ]
        var activitiesOnly = KPIValues()
        activitiesOnly.counts = [.activitiesHeld: 5, .bookingsMade: 3, .checkIns: 3]
        let ranked = Recognition.rankUnits(
            [unit("quiet", population: nil), unit("small", population: 10_000), unit("busy", population: 20_000)],
            values: ["busy": busy, "small": activitiesOnly], minimumBookings: 20)
        #expect(ranked.map(\.unit.id) == ["busy", "small", "quiet"])
        // busy: fill 0.8×15, check-in 0.75×15, attendance 0.9×10, reach (10 per 10k, the best) 1×15, rating 0.9×10,
        // staffing 1×10, over the 75 points of weight those components carry.
        let weighted: Double = 0.8 * 15 + 0.75 * 15 + 0.9 * 10 + 15 + 0.9 * 10 + 10
        let expected = 100 * weighted / 75
        #expect(abs((ranked[0].score ?? 0) - expected) < 1e-9)
        // small: 5 per 10k against busy's 10, and its 3 bookings are under the minimum: reach alone.
        #expect(ranked[1].score == 50)
        #expect(ranked[2].score == nil, "nothing measures it")

        let reachOnly = RecognitionWeights(weights: [.activityReach: 1])
        #expect(
            Recognition.rankUnits([unit("busy", population: 20_000)], values: ["busy": busy], minimumBookings: 20, weights: reachOnly)[0].score == 100
        )
    }

    @Test("weights read from the setting: names from the closed set, 0-100, once each, one above 0")
    func weights() throws {
        #expect(try RecognitionWeights.parse(RecognitionWeights.defaultText).get() == .defaults)
        #expect(try RecognitionWeights.parse("fill_rate=50, attendance = 50").get().weights == [.fillRate: 50, .attendance: 50])
        for bad in ["happiness=10", "fill_rate=101", "fill_rate=-1", "fill_rate=10,fill_rate=20", "fill_rate=0", "fill_rate", ""] {
            #expect(throws: RecognitionWeightsError.self, "\(bad)") { try RecognitionWeights.parse(bad).get() }
        }
        #expect(throws: (any Error).self) { try MetricsSettings.load(environment: ["KEPU_METRICS_RECOGNITION_WEIGHTS": "joy=1"]) }
        #expect(
            try MetricsSettings.load(environment: ["KEPU_METRICS_RECOGNITION_WEIGHTS": "needs_met_rate=1"]).recognitionWeights.weights == [
                .needsMetRate: 1
            ])
    }
}
