import KepuContracts

/// What makes a CloudEvent the same event: its `source` and `id` together (CloudEvents 1.0: "Producers MUST
/// ensure that source + id is unique for each distinct event"). Two frontends may both send an event `42`.
struct EventIdentity: Hashable, Sendable {
    let source: String
    let id: String

    init(_ event: CloudEvent) {
        source = event.source
        id = event.id
    }

    init(source: String, id: String) {
        self.source = source
        self.id = id
    }
}
