import KepuRuntime

/// Runs a write and answers what it refused (a missing reference, a kit elsewhere) as 422 with the reason,
/// whether it was thrown inside a transaction or not.
func refusingUnprocessable<Result>(_ body: () async throws -> Result) async throws -> Result {
    try await answering(unprocessable, body)
}

private func unprocessable(_ error: any Error) -> APIError? {
    switch error {
    case let refusal as MenuStore.MissingReference: APIError(.unprocessableContent, refusal.description)
    case let refusal as EventReferenceError: APIError(.unprocessableContent, refusal.description)
    case let refusal as TourStore.Refusal: APIError(.conflict, refusal.description)
    default: nil
    }
}

extension Result where Failure == WorkflowRefusal {
    /// The step's outcome, or its refusal as 409.
    func orConflict() throws -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let refusal): throw APIError.conflict(refusal.reason)
        }
    }
}
