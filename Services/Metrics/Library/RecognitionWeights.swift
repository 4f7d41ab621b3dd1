import Foundation

/// What the unit score of recognition (优秀实施单位) weighs, across the plan's lines: each component is a share from 0
/// to 1, measured when the unit has what it needs (bookings, activities, a population, ...).
enum RecognitionComponent: String, Sendable, Hashable, CaseIterable {
    /// Seats booked per seat offered (capped at 1).
    case fillRate = "fill_rate"
    /// Check-ins per booking made.
    case checkInRate = "check_in_rate"
    /// 1 − the no-show rate.
    case attendance
    /// Activities held per 10,000 residents, against the best unit of the same ranking (so 1 for the best).
    case activityReach = "activity_reach"
    /// Residents' mean rating of the activities, out of 5.
    case averageRating = "average_rating"
    /// Volunteers accepted per volunteer asked for.
    case staffingRate = "staffing_rate"
    /// Residents' needs met per need surveyed.
    case needsMetRate = "needs_met_rate"
    /// Orders fulfilled per order placed.
    case orderFulfilment = "order_fulfilment"
}

/// The weights of the unit score (`KEPU_METRICS_RECOGNITION_WEIGHTS`, `name=weight,...`, each 0-100). A unit's
/// score is 100 × Σ weight × component / Σ weight over the components it can be measured by, so a unit is not
/// punished for a line it has no data for; components from bookings count only from `minimumBookings` bookings.
struct RecognitionWeights: Sendable, Hashable {
    var weights: [RecognitionComponent: Int]

    static let defaults = RecognitionWeights(weights: [
        .fillRate: 15, .checkInRate: 15, .attendance: 10, .activityReach: 15, .averageRating: 10, .staffingRate: 10, .needsMetRate: 15,
        .orderFulfilment: 10,
    ])

    /// `defaults` as the setting writes it.
    static let defaultText = RecognitionComponent.allCases.map { "\($0.rawValue)=\(defaults.weights[$0] ?? 0)" }.joined(separator: ",")

    /// From `name=weight,...`: every component named at most once, weights 0-100, at least one above 0; a component
    /// left out weighs 0. Nil and the reason otherwise.
    static func parse(_ text: String) -> Result<RecognitionWeights, RecognitionWeightsError> {
        var weights: [RecognitionComponent: Int] = [:]
        for part in text.split(separator: ",", omittingEmptySubsequences: true) {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, let component = RecognitionComponent(rawValue: pair[0]) else {
                return .failure(
                    RecognitionWeightsError(
                        "'\(part.prefix(40))' is not name=weight with a name of \(RecognitionComponent.allCases.map(\.rawValue).joined(separator: ", "))"
                    ))
            }
            guard let weight = Int(pair[1]), (0...100).contains(weight) else {
                return .failure(RecognitionWeightsError("\(component.rawValue)'s weight must be 0...100"))
            }
            guard weights[component] == nil else { return .failure(RecognitionWeightsError("\(component.rawValue) is named twice")) }
            weights[component] = weight
        }
        guard weights.values.contains(where: { $0 > 0 }) else { return .failure(RecognitionWeightsError("at least one weight must be above 0")) }
        return .success(RecognitionWeights(weights: weights))
    }
}

struct RecognitionWeightsError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
