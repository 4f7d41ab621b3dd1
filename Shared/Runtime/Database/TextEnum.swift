import NIOCore
import PostgresNIO

/// A closed set stored in a `text` column by its raw value (`booking.status`, `metric_unit.level`, ...). Such
/// enums are `Codable` for the API too, and PostgresNIO has defaults for both `RawRepresentable` and `Codable`
/// types; this conformance says which one applies: the raw value, never JSON.
public protocol TextEnum: RawRepresentable, Codable, PostgresCodable where RawValue == String {}

extension TextEnum {
    public static var psqlType: PostgresDataType { .text }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) throws {
        rawValue.encode(into: &byteBuffer, context: context)
    }

    public init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard let value = Self(rawValue: try String(from: &buffer, type: type, format: format, context: context)) else {
            throw PostgresDecodingError.Code.failure
        }
        self = value
    }
}
