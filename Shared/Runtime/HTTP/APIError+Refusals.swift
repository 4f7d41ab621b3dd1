import PostgresNIO

/// Runs a write and answers an error `refusal` recognises (a rule the write broke) with the `APIError` it makes,
/// whether it was thrown inside a transaction (a `PostgresTransactionError`'s closure error) or not; any other error
/// passes on. A refusal thrown inside the transaction rolled it back, so nothing of the write stands.
public func answering<Result>(_ refusal: (any Error) -> APIError?, _ body: () async throws -> Result) async throws -> Result {
    do {
        return try await body()
    } catch let error as PostgresTransactionError {
        if let answer = error.closureError.flatMap(refusal) { throw answer }
        throw error
    } catch {
        if let answer = refusal(error) { throw answer }
        throw error
    }
}
