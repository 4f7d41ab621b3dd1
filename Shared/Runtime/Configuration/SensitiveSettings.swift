/// Which configuration values are credentials, so `/admin/config` and the logs show them masked.
///
/// librdkafka marks its sensitive properties in CONFIGURATION.md; those are listed by name. Anything else whose name
/// looks like a credential is masked too, so a property added in a later librdkafka (or a typo of a known one) is
/// hidden rather than shown.
public enum SensitiveSettings {
    /// librdkafka's properties marked sensitive (2.0), plus the ones that carry a private key or its location.
    public static let librdkafka: Set<String> = [
        "ssl.key.password", "ssl.key.pem", "ssl_key", "ssl.key.location", "ssl.keystore.password", "ssl.keystore.location",
        "sasl.username", "sasl.password", "sasl.kerberos.keytab", "sasl.oauthbearer.config", "sasl.oauthbearer.client.secret",
        "sasl.oauthbearer.client.id", "ssl.engine.callback_data",
    ]

    /// Name fragments that make any setting a credential.
    public static let patterns = [
        "password", "passwd", "secret", "token", "credential", "private", "sasl", "jaas", "oauth", "keytab", "key.pem", "ssl_key",
    ]

    public static let mask = "***"

    public static func isSensitive(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return librdkafka.contains(lowered) || patterns.contains { lowered.contains($0) }
    }

    /// `settings` with every sensitive value replaced by `mask`.
    public static func masked(_ settings: [String: String]) -> [String: String] {
        settings.reduce(into: [:]) { result, setting in result[setting.key] = isSensitive(setting.key) ? mask : setting.value }
    }
}
