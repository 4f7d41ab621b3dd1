import Hummingbird

extension Request {
    /// A boolean query parameter (`?dryRun=true`): absent or `false` is false, `true` is true, anything else a 400.
    public func flag(_ name: String) throws -> Bool {
        switch uri.queryParameters.get(name) {
        case nil, "false": return false
        case "true": return true
        default: throw APIError.badRequest("\(name) is true or false")
        }
    }

    /// An uploaded file's bytes, refused with a 413 past `maximumBytes`.
    public func upload(upTo maximumBytes: Int) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: maximumBytes)
        } catch {
            throw APIError(.contentTooLarge, "the file is larger than \(maximumBytes) bytes")
        }
    }
}
