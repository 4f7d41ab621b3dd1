import KepuRuntime

/// volunteer's HTTP API. Public: the skill taxonomy, teams, site heads' coverage, needs (and those nothing covers),
/// events' staffing and certificate verification. Admin (scoped tokens): teams, volunteers' profiles with their
/// contact details, rankings with their reasons, assignments, answers on a volunteer's behalf, hours verification
/// and certificates.
enum VolunteerHTTPRoutes {
    static func make(_ policy: MatchingPolicy) -> HTTPRoutes {
        HTTPRoutes([CorpsRoutes(policy: policy), MatchingRoutes(policy: policy), HoursRoutes(), NeedsRoutes(), CertificateRoutes()])
    }

    /// Who keeps a team's volunteers: its leader (scope: the team id), and district and city staff above it.
    static let keepers: Set<AdminRole> = [.teamLeader, .districtAdmin, .cityAdmin]
}

/// Runs a write in an outbox transaction and answers a refusal as 422 with the reason.
func refusing<Value: Sendable>(_ body: () async throws -> Refusable<Value>) async throws -> Value {
    switch try await body() {
    case .done(let value): return value
    case .refused(let reason, let detail): throw APIError(.unprocessableContent, "\(reason.rawValue): \(detail)")
    }
}

/// Runs a write and answers what the rules refused inside its transaction (`HoursStore.Refusal`) as 422 with the
/// reason; the transaction rolled back, so nothing of it was written.
func answeringRefusals<Result>(_ body: () async throws -> Result) async throws -> Result {
    try await answering({ ($0 as? HoursStore.Refusal).map { APIError(.unprocessableContent, $0.description) } }, body)
}
