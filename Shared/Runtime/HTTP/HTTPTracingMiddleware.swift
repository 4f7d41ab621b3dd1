import HTTPTypes
import Hummingbird
import Tracing

/// A server span per request, continuing the caller's `traceparent`, named by the route's template. Only the
/// method, the route and the status are recorded: Hummingbird's `TracingMiddleware` also records the path and the
/// query, and those may hold what a person typed (a phone number looked up), which stays out of traces as out of
/// logs. Added only when tracing is on (`BusTracing`).
struct HTTPTracingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var parent = ServiceContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.headers, into: &parent, using: HeaderReader())
        let span = InstrumentationSystem.tracer.startSpan("HTTP \(request.method.rawValue)", context: parent, ofKind: .server)
        span.updateAttributes { $0["http.request.method"] = SpanAttribute.string(request.method.rawValue) }
        defer { span.end() }
        do {
            let response = try await ServiceContext.withValue(span.context) { try await next(request, context) }
            record(span, context: context, status: Int(response.status.code))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(span, context: context, status: Int(status))
            if status >= 500 {
                span.recordError(error)
                span.setStatus(SpanStatus(code: .error))
            }
            throw error
        }
    }

    private func record(_ span: any Span, context: Context, status: Int) {
        if let route = context.endpointPath { span.operationName = "\(span.operationName) \(route)" }
        span.updateAttributes { attributes in
            if let route = context.endpointPath { attributes["http.route"] = SpanAttribute.string(route) }
            attributes["http.response.status_code"] = SpanAttribute.int64(Int64(status))
        }
    }

    struct HeaderReader: Extractor {
        func extract(key: String, from carrier: HTTPFields) -> String? {
            HTTPField.Name(key).flatMap { carrier[$0] }
        }
    }
}
